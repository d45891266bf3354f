using System;
using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Mman
{
    /// <summary>Searching a map for a byte pattern, at vectorised speed.</summary>
    public sealed partial class MemoryMap
    {
        // Memory whose copier is fault-safe is searched through a buffer it is copied into, a chunk at a
        // time (only the copy can fail safely when another process truncates the file); a chunk this size
        // stays in the CPU's cache between the copy and the search. Other memory is searched in place,
        // in windows as large as a span can be.
        private const int SearchChunk = 256 << 10;
        private const int SearchWindowInPlace = 1 << 30;

        // A search of a large range runs on several threads: copying memory through the kernel is the
        // slow part of searching a file map (about a third of memcpy's speed), and it scales with cores.
        // The first SearchLead bytes are searched alone, so that an early match starts no threads.
        private const long SearchLead = 4L << 20;
        private const long SearchSegmentMinimum = 8L << 20;
        private const int MaxSearchThreads = 8;

        /// <summary>
        /// The offset of the first occurrence of <paramref name="pattern"/> that lies wholly inside
        /// [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>), or -1.
        /// </summary>
        public unsafe long IndexOf(byte[] pattern, long offset, long count)
        {
            long found = -1;
            Search(pattern, offset, count, fromEnd: false, new Span<long>(&found, 1));
            return found;
        }

        /// <summary>The offset of the last occurrence of <paramref name="pattern"/> in the range, or -1.</summary>
        public unsafe long LastIndexOf(byte[] pattern, long offset, long count)
        {
            long found = -1;
            Search(pattern, offset, count, fromEnd: true, new Span<long>(&found, 1));
            return found;
        }

        /// <summary>
        /// Fills <paramref name="matches"/> with the offsets of successive occurrences of
        /// <paramref name="pattern"/> (overlapping ones included) that lie wholly inside the range, in
        /// order from its start, or with <paramref name="fromEnd"/> from its end backwards, and returns
        /// how many it found: fewer than matches.Length means there are no more. To continue after a full
        /// array, search again from one past the last match (from its end: up to the last match plus
        /// pattern.Length - 1). Nothing is allocated per match.
        /// </summary>
        public int FindAll(byte[] pattern, long offset, long count, long[] matches, bool fromEnd = false)
        {
            if (matches == null)
            {
                throw new ArgumentNullException(nameof(matches));
            }

            return Search(pattern, offset, count, fromEnd, matches);
        }

        private unsafe int Search(byte[] pattern, long offset, long count, bool fromEnd, Span<long> matches)
        {
            if (pattern == null)
            {
                throw new ArgumentNullException(nameof(pattern));
            }

            if (pattern.Length == 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.PatternEmpty, "The pattern is empty; search for at least one byte.", nameof(pattern));
            }

            _region.Lock.EnterReadLock();
            try
            {
                Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.Read);
                if (pattern.Length > count || matches.Length == 0)
                {
                    return 0;
                }

                long low = offset;
                long high = offset + count;
                int segments = (int)Math.Min(Math.Min(Environment.ProcessorCount, MaxSearchThreads), (count - SearchLead) / SearchSegmentMinimum);
                if (segments < 2 || pattern.Length > SearchSegmentMinimum / 2)
                {
                    return SearchPart(pattern, low, high, fromEnd, matches, stop: null);
                }

                // The end searched first, alone: an early match, or a batch of matches filled near the
                // start, is found without the cost (or the wasted work) of starting threads.
                int found = fromEnd
                    ? SearchPart(pattern, high - SearchLead, high, fromEnd, matches, stop: null)
                    : SearchPart(pattern, low, low + SearchLead + pattern.Length - 1, fromEnd, matches, stop: null);
                if (found == matches.Length)
                {
                    return found;
                }

                if (fromEnd)
                {
                    high = high - SearchLead + pattern.Length - 1;
                }
                else
                {
                    low += SearchLead;
                }

                return found + SearchInParallel(pattern, low, high, fromEnd, segments, matches.Slice(found));
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Searches [low, high) in <paramref name="segments"/> parts at once, each on its own thread with its
        /// own window, and returns their matches in search order. A part stops early once the parts before
        /// it have found all the matches wanted. Called under the lock, which the threads share: a close
        /// waits until they are done.
        /// </summary>
        private int SearchInParallel(byte[] pattern, long low, long high, bool fromEnd, int segments, Span<long> matches)
        {
            // Parts split the positions where a match can start; each part reads pattern.Length - 1 bytes
            // into the next, so a match across their edge is found, once, by the part it starts in.
            long starts = high - low - pattern.Length + 1;
            int wanted = matches.Length;
            var found = new long[segments][];
            var counts = new int[segments];
            var failures = new ExceptionDispatchInfo[segments];
            var filled = new bool[segments];
            Parallel.For(0, segments, new ParallelOptions { MaxDegreeOfParallelism = segments }, part =>
            {
                // In search order: from the end, the last part comes first.
                int rank = fromEnd ? segments - 1 - part : part;
                bool EarlierPartFilled()
                {
                    for (int earlier = 0; earlier < rank; earlier++)
                    {
                        if (Volatile.Read(ref filled[fromEnd ? segments - 1 - earlier : earlier]))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                long first = low + (starts * part / segments);
                long end = low + (starts * (part + 1) / segments) + pattern.Length - 1;
                try
                {
                    found[part] = new long[wanted];
                    counts[part] = SearchPart(pattern, first, end, fromEnd, found[part], EarlierPartFilled);
                    Volatile.Write(ref filled[part], counts[part] == wanted);
                }
                catch (Exception e)
                {
                    failures[part] = ExceptionDispatchInfo.Capture(e);
                }
            });

            int total = 0;
            for (int rank = 0; rank < segments && total < wanted; rank++)
            {
                int part = fromEnd ? segments - 1 - rank : rank;
                failures[part]?.Throw();
                int take = Math.Min(counts[part], wanted - total);
                found[part].AsSpan(0, take).CopyTo(matches.Slice(total));
                total += take;
            }

            return total;
        }

        /// <summary>One thread's search of [low, high), through its own window (and buffer, if the map is copied).</summary>
        private unsafe int SearchPart(byte[] pattern, long low, long high, bool fromEnd, Span<long> matches, Func<bool> stop)
        {
            // A window must hold the pattern with room to move on; long patterns get larger windows.
            bool copied = _region.Copier.IsFaultSafe;
            int window = (int)Math.Min(int.MaxValue, Math.Max(copied ? SearchChunk : SearchWindowInPlace, 2L * pattern.Length));
            byte[] chunk = copied ? ArrayPool<byte>.Shared.Rent(window) : null;
            try
            {
                fixed (byte* buffer = chunk)
                {
                    var windows = new SearchWindows(this, buffer, window, stop);
                    return fromEnd
                        ? SearchBackward(pattern, low, high, ref windows, matches)
                        : SearchForward(pattern, low, high, ref windows, matches);
                }
            }
            finally
            {
                if (chunk != null)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }
        }

        /// <summary>Matches from low to high: each next one may start one byte after the last.</summary>
        private static int SearchForward(byte[] pattern, long low, long high, ref SearchWindows windows, Span<long> matches)
        {
            int found = 0;
            long position = low;
            while (found < matches.Length && high - position >= pattern.Length)
            {
                if (!windows.Covers(position, position + pattern.Length))
                {
                    if (windows.StopRequested)
                    {
                        break;
                    }

                    windows.Load(position, Math.Min(high, position + windows.Length));
                }

                int index = windows.From(position).IndexOf(pattern);
                if (index >= 0)
                {
                    matches[found++] = position + index;
                    position += index + 1;
                }
                else if (windows.End == high)
                {
                    break;
                }
                else
                {
                    // Start the next window so that a match across this one's end is seen whole.
                    position = windows.End - pattern.Length + 1;
                }
            }

            return found;
        }

        /// <summary>Matches from high to low: each next one may end one byte before the last one's end.</summary>
        private static int SearchBackward(byte[] pattern, long low, long high, ref SearchWindows windows, Span<long> matches)
        {
            int found = 0;
            long end = high;
            while (found < matches.Length && end - low >= pattern.Length)
            {
                if (!windows.Covers(end - pattern.Length, end))
                {
                    if (windows.StopRequested)
                    {
                        break;
                    }

                    windows.Load(Math.Max(low, end - windows.Length), end);
                }

                int index = windows.Before(end).LastIndexOf(pattern);
                if (index >= 0)
                {
                    long match = windows.Start + index;
                    matches[found++] = match;
                    end = match + pattern.Length - 1;
                }
                else if (windows.Start == low)
                {
                    break;
                }
                else
                {
                    end = windows.Start + pattern.Length - 1;
                }
            }

            return found;
        }

        /// <summary>
        /// The part of the map a search is looking at: the mapped memory itself, or a copy of it in a
        /// buffer when the map's copier is fault-safe. Used under the lock, after Admit.
        /// </summary>
        private unsafe ref struct SearchWindows
        {
            private readonly MemoryMap _map;
            private readonly byte* _buffer;
            private readonly Func<bool> _stop;
            private byte* _window;

            internal SearchWindows(MemoryMap map, byte* buffer, int length, Func<bool> stop)
            {
                _map = map;
                _buffer = buffer;
                _stop = stop;
                Length = length;
                Start = 0;
                End = 0;
                _window = null;
            }

            /// <summary>The most bytes one window holds.</summary>
            internal int Length { get; }

            /// <summary>Where the loaded window starts, as a map offset.</summary>
            internal long Start { get; private set; }

            /// <summary>Where the loaded window ends (exclusive).</summary>
            internal long End { get; private set; }

            internal bool Covers(long start, long end) => _window != null && start >= Start && end <= End;

            /// <summary>Whether the search in parallel no longer needs this part (checked before each new window).</summary>
            internal bool StopRequested => _stop != null && _stop();

            /// <summary>Makes [start, end) the window: points at it, or copies it into the buffer.</summary>
            internal void Load(long start, long end)
            {
                Start = start;
                End = end;
                _window = _map.Start + start;
                if (_buffer != null)
                {
                    long length = end - start;
                    if (!_map._region.Copier.Copy(_map.Start, new ReadOnlySpan<long>(&start, 1), length, _buffer, length, toMap: false))
                    {
                        _window = null;
                        throw _map.Truncated(new ReadOnlySpan<long>(&start, 1), length);
                    }

                    _window = _buffer;
                }
            }

            /// <summary>The window from map offset <paramref name="position"/> to its end.</summary>
            internal ReadOnlySpan<byte> From(long position) => new ReadOnlySpan<byte>(_window + (position - Start), (int)(End - position));

            /// <summary>The window from its start to map offset <paramref name="end"/>.</summary>
            internal ReadOnlySpan<byte> Before(long end) => new ReadOnlySpan<byte>(_window, (int)(end - Start));
        }
    }
}
