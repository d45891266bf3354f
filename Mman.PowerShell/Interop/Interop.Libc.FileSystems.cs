using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        internal static partial class Libc
        {
            // Linux <linux/magic.h>: the f_type of file systems whose files the kernel makes when they
            // are read, so that they have no pages to map.
            internal const long PROC_SUPER_MAGIC = 0x9fa0;
            internal const long SYSFS_MAGIC = 0x62656572;
            internal const long DEBUGFS_MAGIC = 0x64626720;
            internal const long TRACEFS_MAGIC = 0x74726163;
            internal const long SECURITYFS_MAGIC = 0x73636673;
            internal const long CGROUP_SUPER_MAGIC = 0x27e0eb;
            internal const long CGROUP2_SUPER_MAGIC = 0x63677270;
            internal const long CONFIGFS_MAGIC = 0x62656570;

            /// <summary>Linux: statfs of an open file (struct statfs starts with f_type).</summary>
            [DllImport(LibraryName, SetLastError = true)]
            internal static extern unsafe int fstatfs(int fd, byte* buf);

            /// <summary>The name users know a generated file system by, or null for any other f_type.</summary>
            internal static string GeneratedFileSystemName(long type)
            {
                switch (type)
                {
                    case PROC_SUPER_MAGIC:
                        return "procfs";
                    case SYSFS_MAGIC:
                        return "sysfs";
                    case DEBUGFS_MAGIC:
                        return "debugfs";
                    case TRACEFS_MAGIC:
                        return "tracefs";
                    case SECURITYFS_MAGIC:
                        return "securityfs";
                    case CGROUP_SUPER_MAGIC:
                    case CGROUP2_SUPER_MAGIC:
                        return "cgroupfs";
                    case CONFIGFS_MAGIC:
                        return "configfs";
                    default:
                        return null;
                }
            }
        }
    }
}
