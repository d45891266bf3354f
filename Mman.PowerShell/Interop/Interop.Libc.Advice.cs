using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// Values for madvise, and posix_fadvise: hints about pages (prefetch, evict, discard, access pattern).
        /// The MADV_* values below are the same in Linux's asm-generic/mman-common.h and macOS's
        /// sys/mman.h; MAP_FIXED is 0x10 in both. posix_fadvise is Linux's only (macOS has none).
        /// </summary>
        internal static partial class Libc
        {
            internal const int MADV_NORMAL = 0;
            internal const int MADV_RANDOM = 1;
            internal const int MADV_SEQUENTIAL = 2;
            internal const int MADV_WILLNEED = 3;
            internal const int MADV_DONTNEED = 4;

            internal const int MAP_FIXED = 0x10;

            // Linux (include/uapi/linux/fadvise.h) on every architecture .NET runs on.
            internal const int POSIX_FADV_WILLNEED = 3;
            internal const int POSIX_FADV_DONTNEED = 4;

            // madvise itself is declared with the fault-safe copy (Interop.Libc.FaultSafeCopy.cs).

            // posix_fadvise returns the error number instead of setting errno.
            [DllImport(LibraryName, EntryPoint = "posix_fadvise")]
            private static extern int posix_fadvise64bit(int fd, long offset, long len, int advice);

            // 32-bit Linux: plain posix_fadvise takes a 32-bit off_t; posix_fadvise64 takes the 64-bit one.
            [DllImport(LibraryName, EntryPoint = "posix_fadvise64")]
            private static extern int posix_fadvise32bit(int fd, long offset, long len, int advice);

            internal static int posix_fadvise(int fd, long offset, long len, int advice) =>
                IntPtr.Size == 8
                    ? posix_fadvise64bit(fd, offset, len, advice)
                    : posix_fadvise32bit(fd, offset, len, advice);

            // Linux (linux/fs.h via fcntl.h): start writing a range's dirty pages, and wait for them.
            internal const int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
            internal const int SYNC_FILE_RANGE_WRITE = 2;
            internal const int SYNC_FILE_RANGE_WAIT_AFTER = 4;

            // glibc and musl declare it with 64-bit offsets on every architecture (off64_t).
            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int sync_file_range(int fd, long offset, long nbytes, uint flags);
        }
    }
}
