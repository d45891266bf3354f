using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace Mman
{
    /// <summary>
    /// Atomic operations on 4- and 8-byte integers in a map, and waiting until one has a value: what two
    /// processes (or threads) sharing a map need to count, hand over and signal without racing.
    /// </summary>
    /// <remarks>
    /// Each operation is one processor instruction (Interlocked, Volatile) on the mapped address, made
    /// under the region's shared lock after the checks every access makes (range, open, protection, and
    /// the backing object's length where another process can shrink it). Unlike a copy, an atomic
    /// instruction cannot go through the fault-safe copier, so one race is left: a process that truncates
    /// the file or shared memory between the length check and the instruction makes that instruction touch
    /// a page past the end, which raises SIGBUS and ends this process. Nothing in Mman shrinks a mapped
    /// object; only another program (truncate, ftruncate) can, and a program that shrinks memory others are
    /// counting in is broken anyway. Anonymous memory and everything on Windows (which refuses to shrink a
    /// mapped file or section) have no such race.
    /// </remarks>
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// How long one sleep of a wait lasts at most before the value is read again: the bound on how late a
        /// change that wakes nobody is seen (a write by another program, Write-MemoryMap, the half of an
        /// Int64 a futex does not watch) and on how late a close or a cancellation is noticed.
        /// </summary>
        internal static readonly TimeSpan WaitRecheckInterval = TimeSpan.FromMilliseconds(50);

        /// <summary>Adds <paramref name="value"/> to the Int32 at <paramref name="offset"/> atomically; returns the new value (wrapping on overflow).</summary>
        /// <exception cref="MemoryMapArgumentException">The integer is outside the map, or its address is not a multiple of 4 (IntegerNotAligned).</exception>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        /// <exception cref="MemoryMapAccessException">The map's protection lacks Read or Write.</exception>
        /// <exception cref="MemoryMapException">The file behind the map has been truncated below the integer.</exception>
        public unsafe int AddInt32(long offset, int value)
        {
            _region.Lock.EnterReadLock();
            try
            {
                int* p = (int*)AdmitInteger(offset, sizeof(int), write: true);
                int result = Interlocked.Add(ref *p, value);
                NativeMapper.Current.WakeWaiters((IntPtr)p);
                return result;
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Adds <paramref name="value"/> to the Int64 at <paramref name="offset"/> atomically; returns the new value (wrapping on overflow).</summary>
        public unsafe long AddInt64(long offset, long value)
        {
            _region.Lock.EnterReadLock();
            try
            {
                long* p = (long*)AdmitInteger(offset, sizeof(long), write: true);
                long result = Interlocked.Add(ref *p, value);
                NativeMapper.Current.WakeWaiters((IntPtr)p);
                return result;
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Stores <paramref name="value"/> in the Int32 at <paramref name="offset"/> atomically, with a full barrier; returns the value it replaced.</summary>
        public unsafe int ExchangeInt32(long offset, int value)
        {
            _region.Lock.EnterReadLock();
            try
            {
                int* p = (int*)AdmitInteger(offset, sizeof(int), write: true);
                int previous = Interlocked.Exchange(ref *p, value);
                NativeMapper.Current.WakeWaiters((IntPtr)p);
                return previous;
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Stores <paramref name="value"/> in the Int64 at <paramref name="offset"/> atomically, with a full barrier; returns the value it replaced.</summary>
        public unsafe long ExchangeInt64(long offset, long value)
        {
            _region.Lock.EnterReadLock();
            try
            {
                long* p = (long*)AdmitInteger(offset, sizeof(long), write: true);
                long previous = Interlocked.Exchange(ref *p, value);
                NativeMapper.Current.WakeWaiters((IntPtr)p);
                return previous;
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Stores <paramref name="value"/> in the Int32 at <paramref name="offset"/> if it holds
        /// <paramref name="comparand"/>, atomically, with a full barrier; returns the value seen (equal to
        /// <paramref name="comparand"/> exactly when the value was stored).
        /// </summary>
        public unsafe int CompareExchangeInt32(long offset, int value, int comparand)
        {
            _region.Lock.EnterReadLock();
            try
            {
                int* p = (int*)AdmitInteger(offset, sizeof(int), write: true);
                int seen = Interlocked.CompareExchange(ref *p, value, comparand);
                if (seen == comparand)
                {
                    NativeMapper.Current.WakeWaiters((IntPtr)p);
                }

                return seen;
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Compare-exchange of the Int64 at <paramref name="offset"/>, as <see cref="CompareExchangeInt32"/>; returns the value seen.</summary>
        public unsafe long CompareExchangeInt64(long offset, long value, long comparand)
        {
            _region.Lock.EnterReadLock();
            try
            {
                long* p = (long*)AdmitInteger(offset, sizeof(long), write: true);
                long seen = Interlocked.CompareExchange(ref *p, value, comparand);
                if (seen == comparand)
                {
                    NativeMapper.Current.WakeWaiters((IntPtr)p);
                }

                return seen;
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Reads the Int32 at <paramref name="offset"/> in one access, with a full barrier before it: every
        /// write this thread made before is visible to others first, and the value is the memory's, not a
        /// stale copy. Needs only Read, so it works on read-only maps (a compare-exchange would not).
        /// </summary>
        public unsafe int ReadInt32(long offset)
        {
            _region.Lock.EnterReadLock();
            try
            {
                int* p = (int*)AdmitInteger(offset, sizeof(int), write: false);
                Thread.MemoryBarrier();
                return Volatile.Read(ref *p);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Reads the Int64 at <paramref name="offset"/> in one access, with a full barrier, as <see cref="ReadInt32"/>.</summary>
        public unsafe long ReadInt64(long offset)
        {
            _region.Lock.EnterReadLock();
            try
            {
                long* p = (long*)AdmitInteger(offset, sizeof(long), write: false);
                Thread.MemoryBarrier();
                return Volatile.Read(ref *p);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Writes the Int32 at <paramref name="offset"/> with a full barrier (an exchange whose old value is dropped), and wakes its waiters.</summary>
        public void WriteInt32(long offset, int value) => ExchangeInt32(offset, value);

        /// <summary>Writes the Int64 at <paramref name="offset"/> with a full barrier, and wakes its waiters.</summary>
        public void WriteInt64(long offset, long value) => ExchangeInt64(offset, value);

        /// <summary>
        /// Throws what an atomic operation on the <paramref name="size"/>-byte integer (4 or 8) at
        /// <paramref name="offset"/> would throw now, without touching it: a reading one when
        /// <paramref name="write"/> is false, an add, exchange or compare-exchange when true.
        /// </summary>
        public unsafe void CheckInteger(long offset, int size, bool write)
        {
            _region.Lock.EnterReadLock();
            try
            {
                AdmitInteger(offset, size, write);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Waits until the Int32 at <paramref name="offset"/> equals <paramref name="value"/> (or, with
        /// <paramref name="untilEqual"/> false, differs from it) and returns the value seen. Sleeps between
        /// reads (a futex on Linux, woken by Mman's writers in any process; a bounded back-off elsewhere) and
        /// holds no lock while asleep, so the map can be closed meanwhile: the next read then throws.
        /// </summary>
        /// <exception cref="MemoryMapException">The timeout passed first (WaitTimedOut; the message says the value last seen).</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
        /// <exception cref="ObjectDisposedException">The map is or was closed while waiting.</exception>
        public int WaitInt32(long offset, int value, bool untilEqual, TimeSpan timeout, CancellationToken cancel = default) =>
            (int)Wait(offset, sizeof(int), value, untilEqual, timeout, cancel);

        /// <summary>Waits until the Int64 at <paramref name="offset"/> equals (or differs from) <paramref name="value"/>, as <see cref="WaitInt32"/>.</summary>
        public long WaitInt64(long offset, long value, bool untilEqual, TimeSpan timeout, CancellationToken cancel = default) =>
            Wait(offset, sizeof(long), value, untilEqual, timeout, cancel);

        private unsafe long Wait(long offset, int size, long value, bool untilEqual, TimeSpan timeout, CancellationToken cancel)
        {
            if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            {
                throw new MemoryMapArgumentException(MemoryMapError.InvalidArgument, "The timeout must not be negative, got " + timeout + ".", nameof(timeout));
            }

            Stopwatch clock = Stopwatch.StartNew();
            for (int round = 0; ; round++)
            {
                cancel.ThrowIfCancellationRequested();
                long seen;
                int word;
                IntPtr address;

                // Read under the lock, sleep outside it: a Close-MemoryMap on another thread must not wait
                // for this wait, and each round re-admits the map (closed, protection, truncation).
                _region.Lock.EnterReadLock();
                try
                {
                    byte* p = AdmitInteger(offset, size, write: false);
                    Thread.MemoryBarrier();
                    seen = size == sizeof(int) ? Volatile.Read(ref *(int*)p) : Volatile.Read(ref *(long*)p);

                    // The 4-byte word a futex compares: for an Int64, the one at its address (its low half
                    // on a little-endian machine), taken from the same read so no change slips between.
                    word = size == sizeof(int) || BitConverter.IsLittleEndian ? unchecked((int)seen) : (int)(seen >> 32);
                    address = (IntPtr)p;
                }
                finally
                {
                    _region.Lock.ExitReadLock();
                }

                if ((seen == value) == untilEqual)
                {
                    return seen;
                }

                TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? WaitRecheckInterval : timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    throw new MemoryMapException(
                        MemoryMapError.WaitTimedOut,
                        string.Format(
                            CultureInfo.InvariantCulture,
                            "The {0} at offset {1} of map {2} did not become {3} {4} within {5:0.###} s; the value last seen was {6}.",
                            size == sizeof(int) ? "Int32" : "Int64", offset, Id, untilEqual ? "equal to" : "different from", value, timeout.TotalSeconds, seen));
                }

                // The address is used only by the kernel (futex), which fails with EFAULT rather than
                // faulting if the map was unmapped meanwhile; nothing here dereferences it unlocked.
                NativeMapper.Current.WaitForChange(address, word, round, left < WaitRecheckInterval ? left : WaitRecheckInterval, cancel);
            }
        }

        /// <summary>
        /// The checks of an atomic access (alignment of the absolute address first, as an argument error,
        /// then <see cref="Admit"/>'s range, open, protection and length checks) and the integer's address;
        /// called under the shared lock. An add or exchange returns the old value, so it needs Read as well
        /// as Write.
        /// </summary>
        private unsafe byte* AdmitInteger(long offset, int size, bool write)
        {
            if (size != sizeof(int) && size != sizeof(long))
            {
                throw new MemoryMapArgumentException(MemoryMapError.InvalidArgument, "An atomic integer is 4 or 8 bytes, not " + size + ".", nameof(size));
            }

            CheckRange(offset, size);

            // The mapping's base is page-aligned, so _start + offset has the alignment of the address;
            // it is known without the mapping, so a closed map still reports its misaligned offset.
            long misalignment = (_start + offset) % size;
            if (misalignment != 0)
            {
                long before = offset - misalignment;
                string hint = Parent != null
                    ? string.Format(CultureInfo.InvariantCulture, " (this view starts at offset {0} of its parent, so its aligned offsets are those where {0} + offset is a multiple of {1})", ParentOffset, size)
                    : string.Empty;
                throw new MemoryMapArgumentException(
                    MemoryMapError.IntegerNotAligned,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "Offset {0} is not aligned for a {1}-byte integer: atomic operations need an address that is a multiple of {1}{2}. The nearest aligned offsets are {3} and {4}.",
                        offset, size, hint, before, before + size),
                    nameof(offset));
            }

            ReadOnlySpan<long> one = stackalloc long[] { offset };
            Admit(one, size, write ? MemoryProtection.Write : MemoryProtection.Read);
            if (write && (ProtectionOf(offset, size) & MemoryProtection.Read) == 0)
            {
                ThrowUnlessAllowed(offset, size, MemoryProtection.Read);
            }

            return Start + offset;
        }
    }
}
