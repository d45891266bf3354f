using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        internal static partial class Libc
        {
            // linux/futex.h. The plain operations, not their _PRIVATE forms: a private futex is keyed by
            // this process's address space, so a writer in another process sharing the map would never
            // wake it. The shared form is keyed by the page's file or shared-memory object and offset.
            internal const int FUTEX_WAIT = 0;
            internal const int FUTEX_WAKE = 1;

            /// <summary>
            /// futex's number: x86_64's syscall_64.tbl gives 202, asm-generic/unistd.h (Linux arm64) 98;
            /// 0 on other architectures, where waits poll instead. Linux only: macOS has no futex.
            /// </summary>
            internal static long SYS_futex =>
                RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 202
                : RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 98
                : 0;

            // struct timespec on 64-bit Linux (the only place futex is called): two longs. Native names.
#pragma warning disable CS8981
            [StructLayout(LayoutKind.Sequential)]
            internal struct timespec
            {
                internal long tv_sec;
                internal long tv_nsec;
            }
#pragma warning restore CS8981

            // futex(uaddr, op, val, timeout) through syscall(2), whose variadic arguments travel in the
            // same registers as fixed ones on x86_64 and Linux arm64 (see the cachestat declaration). The
            // result is not examined (0 woken, or EAGAIN, ETIMEDOUT, EINTR, EFAULT: the caller reads the
            // value again in every case), so errno is not kept.
            [DllImport(LibraryName, EntryPoint = "syscall")]
            internal static extern long futex(long number, IntPtr uaddr, long op, long val, IntPtr timeout);
        }
    }
}
