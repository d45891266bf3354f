using System;
using System.Threading;

namespace Mman
{
    /// <summary>
    /// The waiting part of the mapper surface: sleeping until a word of shared memory may have changed,
    /// and waking those who sleep on it. Only Linux has a wait that another process's write can end
    /// (futex on a shared mapping); elsewhere the waiter polls with a bounded back-off.
    /// </summary>
    internal abstract partial class NativeMapper
    {
        /// <summary>
        /// Sleeps until the 4-byte word at <paramref name="address"/> may no longer hold
        /// <paramref name="expected"/>, for at most <paramref name="limit"/> (or less: a return proves
        /// nothing, the caller reads the value again). <paramref name="round"/> counts the sleeps of this
        /// wait so far, for a back-off. Must not touch the memory itself (the map may be closed meanwhile)
        /// and must not throw but for a cancellation.
        /// </summary>
        internal abstract void WaitForChange(IntPtr address, int expected, int round, TimeSpan limit, CancellationToken cancel);

        /// <summary>
        /// Wakes every thread, in any process, that sleeps in <see cref="WaitForChange"/> on the word at
        /// <paramref name="address"/>; called by every atomic write, under the shared lock. Nothing where
        /// waiters poll.
        /// </summary>
        internal virtual void WakeWaiters(IntPtr address)
        {
        }

        /// <summary>
        /// The wait of systems without a cross-process one: yield the processor for the first rounds (a
        /// writer that answers at once is seen in microseconds), then sleep 1 ms, and after about a tenth
        /// of a second 5 ms, then 10 ms (within <paramref name="limit"/>): a long wait costs a few hundred
        /// wake-ups a second, well under a percent of a core, and a change is seen within 10 ms. The sleep
        /// is a wait on the cancellation, so a cancel ends it at once.
        /// </summary>
        protected static void BackOff(int round, TimeSpan limit, CancellationToken cancel)
        {
            if (round < 16)
            {
                Thread.Yield();
                return;
            }

            int milliseconds = round < 116 ? 1 : round < 136 ? 5 : 10;
            milliseconds = (int)Math.Max(1, Math.Min(milliseconds, Math.Ceiling(limit.TotalMilliseconds)));
            cancel.WaitHandle.WaitOne(milliseconds);
        }
    }
}
