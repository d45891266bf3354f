using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// Linux calls that copy to or from mapped memory through the kernel, which reports a page that
        /// is gone (a file truncated by another process) as EFAULT or a short count where a plain copy
        /// would raise SIGBUS. Used by <see cref="LinuxFaultSafeCopier"/>; values from the Linux UAPI
        /// headers (the same on x64 and arm64).
        /// </summary>
        internal static partial class Libc
        {
            /// <summary>The most iovecs one readv/writev/process_vm_* call takes (UIO_MAXIOV).</summary>
            internal const int IOV_MAX = 1024;

            // Linux only: F_LINUX_SPECIFIC_BASE (1024) + 7 and + 8 (the errno and O_* values are in PosixConstants.Linux).
            internal const int F_SETPIPE_SZ = 1031;
            internal const int F_GETPIPE_SZ = 1032;

            // Linux 5.14+ (asm-generic/mman-common.h): fault pages in for writing, in one call, and report
            // with EFAULT, not SIGBUS, a page that cannot be (past the end of a truncated file).
            internal const int MADV_POPULATE_WRITE = 23;

            // The native name, as the style guide asks of interop. CS8981 (a lower-case type name "may become
            // a keyword") is a warning of the level the SDK sets for net8.0 builds.
#pragma warning disable CS8981
            [StructLayout(LayoutKind.Sequential)]
            internal struct iovec
            {
                internal IntPtr iov_base;
                internal UIntPtr iov_len;
            }
#pragma warning restore CS8981

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern unsafe IntPtr process_vm_readv(int pid, iovec* local_iov, UIntPtr liovcnt, iovec* remote_iov, UIntPtr riovcnt, UIntPtr flags);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern unsafe IntPtr process_vm_writev(int pid, iovec* local_iov, UIntPtr liovcnt, iovec* remote_iov, UIntPtr riovcnt, UIntPtr flags);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern unsafe int pipe2(int* pipefd, int flags);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern unsafe IntPtr writev(int fd, iovec* iov, int iovcnt);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern unsafe IntPtr readv(int fd, iovec* iov, int iovcnt);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int fcntl(int fd, int cmd, int arg);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int madvise(IntPtr addr, UIntPtr length, int advice);
        }
    }
}
