using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// statx and getpwuid_r, for listing /dev/shm (Linux only). statx's struct has one layout on every
        /// architecture, unlike struct stat, so one declaration serves x64, arm64 and 32-bit alike.
        /// </summary>
        internal static partial class Libc
        {
            internal const int AT_SYMLINK_NOFOLLOW = 0x100;
            internal const uint STATX_BASIC_STATS = 0x7FF;
            internal const int S_IFLNK = 0xA000;
            internal const int S_ISUID = 0x800;
            internal const int S_ISGID = 0x400;
            internal const int S_ISVTX = 0x200;

            [StructLayout(LayoutKind.Sequential)]
            internal struct statx_timestamp
            {
                internal long tv_sec;
                internal uint tv_nsec;
                internal int __reserved;
            }

            /// <summary>struct statx of linux/stat.h: 256 bytes, the fields Mman reads named.</summary>
            [StructLayout(LayoutKind.Sequential, Size = 256)]
            internal struct statx_buf
            {
                internal uint stx_mask;
                internal uint stx_blksize;
                internal ulong stx_attributes;
                internal uint stx_nlink;
                internal uint stx_uid;
                internal uint stx_gid;
                internal ushort stx_mode;
                internal ushort __spare0;
                internal ulong stx_ino;
                internal ulong stx_size;
                internal ulong stx_blocks;
                internal ulong stx_attributes_mask;
                internal statx_timestamp stx_atime;
                internal statx_timestamp stx_btime;
                internal statx_timestamp stx_ctime;
                internal statx_timestamp stx_mtime;
            }

            // glibc 2.28 and later, musl 1.2.5 and later. The same call as the byte* one of Interop.Libc.cs,
            // declared with the struct so that the listing reads its fields by name.
            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int statx(int dirfd, string pathname, int flags, uint mask, out statx_buf statxbuf);

            // struct passwd begins with char *pw_name; the buffer is larger than the struct on any ABI.
            [DllImport(LibraryName)]
            internal static extern int getpwuid_r(uint uid, IntPtr pwd, IntPtr buf, UIntPtr buflen, out IntPtr result);
        }
    }
}
