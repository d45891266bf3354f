using System;
using System.Threading;

namespace Mman
{
    /// <summary>Waiting on a word of a map on Linux (futex) and macOS (a bounded back-off poll).</summary>
    internal sealed partial class PosixMapper
    {
        // Whether futex is called here: Linux on an architecture whose number is known.
        private bool UsesFutex => !_isMacOS && Interop.Libc.SYS_futex != 0;

        /// <summary>
        /// Linux: FUTEX_WAIT, which sleeps only if the word still holds <paramref name="expected"/> (so a
        /// change between the caller's read and the sleep is never missed) until a FUTEX_WAKE on the same
        /// word from any process, <paramref name="limit"/> passes, or a signal. A cancellation is noticed
        /// at the next return, within <see cref="MemoryMap.WaitRecheckInterval"/>. macOS: its cross-process
        /// wait (os_sync_wait_on_address with OS_SYNC_WAIT_ON_ADDRESS_SHARED) exists only from macOS 14.4,
        /// and __ulock_wait is private API, so it polls as Windows does.
        /// </summary>
        internal override unsafe void WaitForChange(IntPtr address, int expected, int round, TimeSpan limit, CancellationToken cancel)
        {
            if (!UsesFutex)
            {
                BackOff(round, limit, cancel);
                return;
            }

            long ticks = Math.Max(0, limit.Ticks);
            var timeout = new Interop.Libc.timespec { tv_sec = ticks / TimeSpan.TicksPerSecond, tv_nsec = (ticks % TimeSpan.TicksPerSecond) * 100 };

            // EFAULT if the map was unmapped since the caller's read: the kernel reports it, nothing faults.
            Interop.Libc.futex(Interop.Libc.SYS_futex, address, Interop.Libc.FUTEX_WAIT, expected, (IntPtr)(&timeout));
        }

        /// <summary>Linux: FUTEX_WAKE of every waiter on the word, in every process; a few hundred nanoseconds when none waits.</summary>
        internal override void WakeWaiters(IntPtr address)
        {
            if (UsesFutex)
            {
                Interop.Libc.futex(Interop.Libc.SYS_futex, address, Interop.Libc.FUTEX_WAKE, int.MaxValue, IntPtr.Zero);
            }
        }
    }
}
