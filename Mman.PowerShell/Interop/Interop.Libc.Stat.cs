using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// statx (Linux only), its fallback lseek, and getpwuid_r. statx's struct has one layout on every
        /// architecture, unlike struct stat, so one declaration serves x64, arm64 and 32-bit alike.
        /// </summary>
        internal static partial class Libc
        {
            internal const int AT_FDCWD = -100;
            internal const int AT_SYMLINK_NOFOLLOW = 0x100;
            internal const int AT_EMPTY_PATH = 0x1000;
            internal const uint STATX_TYPE = 0x1;
            internal const uint STATX_MODE = 0x2;
            internal const uint STATX_UID = 0x8;
            internal const uint STATX_SIZE = 0x200;
            internal const uint STATX_BASIC_STATS = 0x7FF;
            internal const int SEEK_END = 2;
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

            // Set once a call finds the C library without statx; then no call tries again.
            private static volatile bool s_statxMissing;

            // Set by a test, on its own thread, to run the code a C library without statx runs.
            [ThreadStatic]
            private static bool t_withoutStatx;

            // glibc 2.28 and later, musl 1.2.5 and later.
            [DllImport(LibraryName, EntryPoint = "statx", SetLastError = true)]
            private static extern int statx_libc(int dirfd, string pathname, int flags, uint mask, out statx_buf statxbuf);

            /// <summary>
            /// statx: true when it succeeded, false when it failed (errno set), and null where the C
            /// library has no statx (glibc before 2.28, musl before 1.2.5), so the caller takes its fallback.
            /// </summary>
            internal static bool? Statx(int dirfd, string pathname, int flags, uint mask, out statx_buf statxbuf)
            {
                statxbuf = default;
                if (s_statxMissing || t_withoutStatx)
                {
                    return null;
                }

                try
                {
                    return statx_libc(dirfd, pathname, flags, mask, out statxbuf) == 0;
                }
                catch (EntryPointNotFoundException)
                {
                    s_statxMissing = true;
                    return null;
                }
            }

            /// <summary>
            /// For tests: until the result is disposed, <see cref="Statx"/> on this thread acts as on a C
            /// library without statx, so the fallbacks run on any Linux.
            /// </summary>
            internal static IDisposable WithoutStatx()
            {
                t_withoutStatx = true;
                return new StatxRestorer();
            }

            private sealed class StatxRestorer : IDisposable
            {
                public void Dispose() => t_withoutStatx = false;
            }

            [DllImport(LibraryName, EntryPoint = "lseek", SetLastError = true)]
            private static extern long lseek64bit(int fd, long offset, int whence);

            // 32-bit Linux: plain lseek takes a 32-bit off_t; lseek64 takes the 64-bit one.
            [DllImport(LibraryName, EntryPoint = "lseek64", SetLastError = true)]
            private static extern long lseek32bit(int fd, long offset, int whence);

            /// <summary>lseek, in every C library: the size of an open file is where its end is.</summary>
            internal static long lseek(int fd, long offset, int whence) =>
                IntPtr.Size == 8 ? lseek64bit(fd, offset, whence) : lseek32bit(fd, offset, whence);

            // struct passwd begins with char *pw_name; the buffer is larger than the struct on any ABI.
            [DllImport(LibraryName)]
            internal static extern int getpwuid_r(uint uid, IntPtr pwd, IntPtr buf, UIntPtr buflen, out IntPtr result);
        }
    }
}
