using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// The C library's memory-mapping calls (Linux and macOS). "libc" is resolved by the .NET
        /// runtime to the platform's C library (libc.so.6, /usr/lib/libc.dylib).
        /// </summary>
        internal static partial class Libc
        {
            private const string LibraryName = "libc";

            internal static readonly IntPtr MAP_FAILED = new IntPtr(-1);

            [DllImport(LibraryName, EntryPoint = "mmap", SetLastError = true)]
            private static extern IntPtr mmap64bit(IntPtr addr, UIntPtr length, int prot, int flags, int fd, long offset);

            // 32-bit Linux: plain mmap takes a 32-bit off_t; mmap64 takes the 64-bit one.
            [DllImport(LibraryName, EntryPoint = "mmap64", SetLastError = true)]
            private static extern IntPtr mmap32bit(IntPtr addr, UIntPtr length, int prot, int flags, int fd, long offset);

            internal static IntPtr mmap(IntPtr addr, UIntPtr length, int prot, int flags, int fd, long offset) =>
                IntPtr.Size == 8
                    ? mmap64bit(addr, length, prot, flags, fd, offset)
                    : mmap32bit(addr, length, prot, flags, fd, offset);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int munmap(IntPtr addr, UIntPtr length);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int mprotect(IntPtr addr, UIntPtr length, int prot);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int msync(IntPtr addr, UIntPtr length, int flags);

            [DllImport(LibraryName)]
            internal static extern IntPtr strerror(int errnum);

            [DllImport(LibraryName)]
            internal static extern int getpid();

            internal const int S_IFMT = 0xF000;
            internal const int S_IFIFO = 0x1000;
            internal const int S_IFCHR = 0x2000;
            internal const int S_IFDIR = 0x4000;
            internal const int S_IFBLK = 0x6000;
            internal const int S_IFREG = 0x8000;
            internal const int S_IFSOCK = 0xC000;

            // macOS: struct stat (64-bit inodes) has st_mode, 16 bits, at byte 4 on x64 and arm64;
            // on x64 that layout is the stat$INODE64 entry point.
            [DllImport(LibraryName, EntryPoint = "stat", SetLastError = true)]
            internal static extern unsafe int stat_arm64(string path, byte* buf);

            [DllImport(LibraryName, EntryPoint = "stat$INODE64", SetLastError = true)]
            internal static extern unsafe int stat_x64(string path, byte* buf);
        }
    }
}
