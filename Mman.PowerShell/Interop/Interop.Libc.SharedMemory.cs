using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// POSIX shared-memory objects: shm_open/shm_unlink and the descriptor calls that size them.
        /// O_* values differ between Linux and macOS; <see cref="PosixMapper"/> holds each system's.
        /// </summary>
        internal static partial class Libc
        {
            // glibc 2.34+ and musl have shm_open in the C library; older glibc in librt.
            private const string LibRt = "librt.so.1";

            [DllImport(LibraryName, EntryPoint = "shm_open", SetLastError = true)]
            private static extern int shm_open_libc(string name, int oflag, int mode);

            [DllImport(LibRt, EntryPoint = "shm_open", SetLastError = true)]
            private static extern int shm_open_librt(string name, int oflag, int mode);

            [DllImport(LibraryName, EntryPoint = "shm_unlink", SetLastError = true)]
            private static extern int shm_unlink_libc(string name);

            [DllImport(LibRt, EntryPoint = "shm_unlink", SetLastError = true)]
            private static extern int shm_unlink_librt(string name);

            // macOS declares shm_open variadic (int shm_open(const char *, int, ...)). On Apple silicon
            // variadic arguments go on the stack, so the mode follows six unused register arguments.
            // This call is the only thing that sets the mode there (fchmod on shared memory always
            // fails on macOS), so the caller reads the mode back and refuses an object without it.
            [DllImport(LibraryName, EntryPoint = "shm_open", SetLastError = true)]
            private static extern int shm_open_variadic_arm64(
                string name, int oflag, IntPtr x2, IntPtr x3, IntPtr x4, IntPtr x5, IntPtr x6, IntPtr x7, long mode);

            internal static int shm_open(string name, int oflag, int mode, bool isMacOS)
            {
                if (isMacOS && RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
                {
                    return shm_open_variadic_arm64(name, oflag, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, mode);
                }

                try
                {
                    return shm_open_libc(name, oflag, mode);
                }
                catch (EntryPointNotFoundException)
                {
                    return shm_open_librt(name, oflag, mode);
                }
            }

            internal static int shm_unlink(string name)
            {
                try
                {
                    return shm_unlink_libc(name);
                }
                catch (EntryPointNotFoundException)
                {
                    return shm_unlink_librt(name);
                }
            }

            [DllImport(LibraryName, EntryPoint = "ftruncate", SetLastError = true)]
            private static extern int ftruncate64bit(int fd, long length);

            // 32-bit Linux: ftruncate takes a 32-bit off_t; ftruncate64 the 64-bit one.
            [DllImport(LibraryName, EntryPoint = "ftruncate64", SetLastError = true)]
            private static extern int ftruncate32bit(int fd, long length);

            internal static int ftruncate(int fd, long length) =>
                IntPtr.Size == 8 ? ftruncate64bit(fd, length) : ftruncate32bit(fd, length);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int fchmod(int fd, int mode);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int close(int fd);

            // macOS: struct stat (64-bit inodes) has st_size, 64 bits, at byte 96 on x64 and arm64.
            [DllImport(LibraryName, EntryPoint = "fstat", SetLastError = true)]
            internal static extern unsafe int fstat_arm64(int fd, byte* buf);

            [DllImport(LibraryName, EntryPoint = "fstat$INODE64", SetLastError = true)]
            internal static extern unsafe int fstat_x64(int fd, byte* buf);
        }
    }
}
