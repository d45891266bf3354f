using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using static Mman.Interop.Libc;

namespace Mman
{
    /// <summary>
    /// Copies to and from Linux file-backed and shared memory through the kernel, so that a page gone
    /// under the map (another process truncated the file between MemoryMap's length check and the copy)
    /// makes the copy fail instead of raising SIGBUS, which would end the process. Two routes, both
    /// fault-safe, chosen per call by what is cheaper (measured on the bench machine; bench/saferoutes.c):
    /// <list type="bullet">
    /// <item><description><c>process_vm_readv</c>/<c>process_vm_writev</c> on our own process: memcpy
    /// speed for large ranges, but the kernel pins each range's pages, about 0.4 µs per range.</description></item>
    /// <item><description>Through a pipe: <c>writev</c> of up to 1,024 ranges into it, then <c>readv</c> out of
    /// it. Two copies, but about 0.05 µs per range, so many small ranges (a gather of 100,000 Int64)
    /// are several times faster this way.</description></item>
    /// </list>
    /// Where a sandbox forbids one route the other is used; where it forbids both, a plain copy (the
    /// length check before it then being the only guard).
    /// </summary>
    internal sealed class LinuxFaultSafeCopier : MappedMemoryCopier
    {
        internal static readonly LinuxFaultSafeCopier Instance = new LinuxFaultSafeCopier();

        // Ranges up to this many bytes go through the pipe when there are several of them; a single
        // range, or larger ones, through process_vm_*, where one system call does the whole copy.
        private const long PipeRangeLimit = 4096;

        // The kernel caps one process_vm_* call at MAX_RW_COUNT, just under 2 GiB.
        private const long VmCallLimit = 1L << 30;

        // Pipes kept for reuse, one per thread copying at the same time; more than this are closed.
        private const int PooledPipes = 8;

        // Ranges written of at least this size are faulted in for writing first, in one call per range:
        // a file page's first write fault is costly (on ext4 it starts a journal transaction), and taking
        // it inside one madvise instead of one fault per page made 1 GiB of writes to a new file 2 to 4
        // times faster here (bench/: the write row).
        private const long PopulateMinimum = 64 << 10;

        private static readonly PosixConstants s_linux = PosixConstants.Linux;

        // MADV_POPULATE_WRITE is from Linux 5.14; on older kernels it is EINVAL, and not tried again.
        private static volatile bool s_populateAvailable = true;

        private readonly int _pid = getpid();
        private readonly ConcurrentBag<Pipe> _pipes = new ConcurrentBag<Pipe>();
        private volatile bool _vmCallsAllowed = true;
        private volatile bool _pipesAllowed = true;

        private LinuxFaultSafeCopier()
        {
        }

        private enum Outcome
        {
            Copied,
            PageGone,
            RouteUnavailable,
        }

        internal override bool IsFaultSafe => true;

        internal override unsafe bool Copy(byte* mapStart, ReadOnlySpan<long> offsets, long bytesEach, byte* buffer, long bufferStep, bool toMap)
        {
            if (bytesEach == 0 || offsets.Length == 0)
            {
                return true;
            }

            Outcome outcome = Outcome.RouteUnavailable;
            if (offsets.Length > 1 && bytesEach <= PipeRangeLimit && _pipesAllowed)
            {
                outcome = CopyThroughPipe(mapStart, offsets, bytesEach, buffer, bufferStep, toMap);
            }

            if (outcome == Outcome.RouteUnavailable && _vmCallsAllowed)
            {
                outcome = CopyThroughVmCalls(mapStart, offsets, bytesEach, buffer, bufferStep, toMap);
            }

            if (outcome == Outcome.RouteUnavailable && _pipesAllowed)
            {
                outcome = CopyThroughPipe(mapStart, offsets, bytesEach, buffer, bufferStep, toMap);
            }

            if (outcome == Outcome.RouteUnavailable)
            {
                // A sandbox forbids both routes: copy plainly, guarded only by the caller's length check.
                return Plain.Copy(mapStart, offsets, bytesEach, buffer, bufferStep, toMap);
            }

            return outcome == Outcome.Copied;
        }

        /// <summary>Copies with process_vm_readv/writev, up to IOV_MAX ranges a call.</summary>
        private unsafe Outcome CopyThroughVmCalls(byte* mapStart, ReadOnlySpan<long> offsets, long bytesEach, byte* buffer, long bufferStep, bool toMap)
        {
            if (toMap && bytesEach >= PopulateMinimum && !Populate(mapStart, offsets, bytesEach))
            {
                return Outcome.PageGone;
            }

            iovec* mapSide = stackalloc iovec[IOV_MAX];
            iovec* bufferSide = stackalloc iovec[IOV_MAX];
            var batches = new RangeBatches(mapStart, offsets, bytesEach, buffer, bufferStep);
            while (batches.Next(mapSide, bufferSide, VmCallLimit, out int pieces, out long bytes))
            {
                var count = (UIntPtr)(uint)pieces;
                long copied = (long)(toMap
                    ? process_vm_writev(_pid, bufferSide, count, mapSide, count, UIntPtr.Zero)
                    : process_vm_readv(_pid, bufferSide, count, mapSide, count, UIntPtr.Zero));
                if (copied == bytes)
                {
                    continue;
                }

                if (copied < 0)
                {
                    int errno = Marshal.GetLastWin32Error();
                    if (errno == s_linux.ENOSYS || errno == s_linux.EPERM)
                    {
                        // A seccomp filter (some container runtimes) forbids the calls.
                        _vmCallsAllowed = false;
                        return Outcome.RouteUnavailable;
                    }
                }

                return Outcome.PageGone;
            }

            return Outcome.Copied;
        }

        /// <summary>
        /// Faults the whole pages inside [start, start + length) of a buffer of this process in for
        /// writing, in one call; a hint: it does nothing where the call does not exist.
        /// </summary>
        internal static unsafe void FaultInForWriting(byte* start, long length)
        {
            long page = Environment.SystemPageSize;
            long first = ((long)start + page - 1) / page * page;
            long end = ((long)start + length) / page * page;
            if (end > first)
            {
                PopulateWrite(first, end);
            }
        }

        /// <summary>
        /// Faults the pages under each range of the map in for writing. False when a page is gone;
        /// true otherwise, also where the call is not available or fails for another reason: the copy
        /// then takes the faults itself, and reports a vanished page as it always does.
        /// </summary>
        private static unsafe bool Populate(byte* mapStart, ReadOnlySpan<long> offsets, long bytesEach)
        {
            long page = Environment.SystemPageSize;
            for (int i = 0; i < offsets.Length; i++)
            {
                long first = (long)(mapStart + offsets[i]);
                if (PopulateWrite(first - (first % page), first + bytesEach) == s_linux.EFAULT)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// MADV_POPULATE_WRITE over [start, end), start on a page boundary: 0, or the errno it failed with
        /// (EFAULT: a page past the end of a truncated file). Before Linux 5.14 the call is EINVAL, and is
        /// not tried again.
        /// </summary>
        private static int PopulateWrite(long start, long end)
        {
            if (!s_populateAvailable)
            {
                return 0;
            }

            if (madvise((IntPtr)start, (UIntPtr)(ulong)(end - start), MADV_POPULATE_WRITE) == 0)
            {
                return 0;
            }

            int errno = Marshal.GetLastWin32Error();
            if (errno == s_linux.EINVAL)
            {
                s_populateAvailable = false;
            }

            return errno;
        }

        /// <summary>
        /// Copies by writing the source ranges into a pipe and reading them out into the destination
        /// ranges, at most the pipe's capacity at a time. The kernel copies both ways with its own fault
        /// handling, so a vanished page of the map is EFAULT or a short count, not a signal.
        /// </summary>
        private unsafe Outcome CopyThroughPipe(byte* mapStart, ReadOnlySpan<long> offsets, long bytesEach, byte* buffer, long bufferStep, bool toMap)
        {
            Pipe pipe = RentPipe();
            if (pipe == null)
            {
                return Outcome.RouteUnavailable;
            }

            Outcome outcome = Outcome.PageGone;
            try
            {
                iovec* mapSide = stackalloc iovec[IOV_MAX];
                iovec* bufferSide = stackalloc iovec[IOV_MAX];
                var batches = new RangeBatches(mapStart, offsets, bytesEach, buffer, bufferStep);
                while (batches.Next(mapSide, bufferSide, pipe.Capacity, out int pieces, out long bytes))
                {
                    // The pipe is empty and holds `bytes`, so only a fault can make either call short.
                    long written = (long)writev(pipe.WriteEnd, toMap ? bufferSide : mapSide, pieces);
                    if (written != bytes)
                    {
                        outcome = Failed(written);
                        return outcome;
                    }

                    long read = (long)readv(pipe.ReadEnd, toMap ? mapSide : bufferSide, pieces);
                    if (read != bytes)
                    {
                        outcome = Failed(read);
                        return outcome;
                    }
                }

                outcome = Outcome.Copied;
                return outcome;
            }
            finally
            {
                // A failed copy may leave bytes in the pipe: close it rather than reuse it.
                if (outcome == Outcome.Copied && _pipes.Count < PooledPipes)
                {
                    _pipes.Add(pipe);
                }
                else
                {
                    pipe.Close();
                }
            }
        }

        /// <summary>What a short or failed pipe call means: a page gone (EFAULT, short), or the route unusable.</summary>
        private Outcome Failed(long result)
        {
            if (result >= 0 || Marshal.GetLastWin32Error() == s_linux.EFAULT)
            {
                return Outcome.PageGone;
            }

            _pipesAllowed = false;
            return Outcome.RouteUnavailable;
        }

        private unsafe Pipe RentPipe()
        {
            if (_pipes.TryTake(out Pipe pipe))
            {
                return pipe;
            }

            int* ends = stackalloc int[2];
            if (pipe2(ends, s_linux.O_NONBLOCK | s_linux.O_CLOEXEC) != 0)
            {
                // Out of descriptors, most likely: the other route does without.
                return null;
            }

            // 1 MiB is the largest an unprivileged process may ask for (fs.pipe-max-size); a user over
            // the pipe-buffer quota gets less, so the capacity is read back, not assumed.
            fcntl(ends[1], F_SETPIPE_SZ, 1 << 20);
            int capacity = fcntl(ends[1], F_GETPIPE_SZ, 0);
            var created = new Pipe(ends[0], ends[1], capacity);
            if (capacity < PipeRangeLimit)
            {
                created.Close();
                return null;
            }

            return created;
        }

        /// <summary>A pipe's two descriptors, non-blocking and closed on exec.</summary>
        private sealed class Pipe
        {
            internal Pipe(int readEnd, int writeEnd, int capacity)
            {
                ReadEnd = readEnd;
                WriteEnd = writeEnd;
                Capacity = capacity;
            }

            internal int ReadEnd { get; }

            internal int WriteEnd { get; }

            internal int Capacity { get; }

            internal void Close()
            {
                close(ReadEnd);
                close(WriteEnd);
            }
        }

        /// <summary>
        /// Walks the ranges of one copy as batches of iovec pairs (map side, buffer side) of at most
        /// IOV_MAX pieces and a byte limit, splitting a range across batches where it does not fit.
        /// </summary>
        private unsafe ref struct RangeBatches
        {
            private readonly byte* _mapStart;
            private readonly ReadOnlySpan<long> _offsets;
            private readonly long _bytesEach;
            private readonly byte* _buffer;
            private readonly long _bufferStep;
            private int _range;
            private long _within;

            internal RangeBatches(byte* mapStart, ReadOnlySpan<long> offsets, long bytesEach, byte* buffer, long bufferStep)
            {
                _mapStart = mapStart;
                _offsets = offsets;
                _bytesEach = bytesEach;
                _buffer = buffer;
                _bufferStep = bufferStep;
                _range = 0;
                _within = 0;
            }

            internal bool Next(iovec* mapSide, iovec* bufferSide, long byteLimit, out int pieces, out long bytes)
            {
                pieces = 0;
                bytes = 0;
                while (_range < _offsets.Length && pieces < IOV_MAX && bytes < byteLimit)
                {
                    long length = Math.Min(_bytesEach - _within, byteLimit - bytes);
                    mapSide[pieces].iov_base = (IntPtr)(_mapStart + _offsets[_range] + _within);
                    mapSide[pieces].iov_len = (UIntPtr)(ulong)length;
                    bufferSide[pieces].iov_base = (IntPtr)(_buffer + (_range * _bufferStep) + _within);
                    bufferSide[pieces].iov_len = (UIntPtr)(ulong)length;
                    pieces++;
                    bytes += length;
                    _within += length;
                    if (_within == _bytesEach)
                    {
                        _range++;
                        _within = 0;
                    }
                }

                return pieces > 0;
            }
        }
    }
}
