using System;
using System.Buffers;

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
            byte[] chunk = null;
            try
            {
                Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.Read);
                if (pattern.Length > count || matches.Length == 0)
                {
                    return 0;
                }

                // A window must hold the pattern with room to move on; long patterns get larger windows.
                bool copied = _region.Copier.IsFaultSafe;
                int window = (int)Math.Min(int.MaxValue, Math.Max(copied ? SearchChunk : SearchWindowInPlace, 2L * pattern.Length));
                if (copied)
                {
                    chunk = ArrayPool<byte>.Shared.Rent(window);
                }

                fixed (byte* buffer = chunk)
                {
                    var windows = new SearchWindows(this, buffer, window);
                    return fromEnd
                        ? SearchBackward(pattern, offset, offset + count, ref windows, matches)
                        : SearchForward(pattern, offset, offset + count, ref windows, matches);
                }
            }
            finally
            {
                _region.Lock.ExitReadLock();
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
            private byte* _window;

            internal SearchWindows(MemoryMap map, byte* buffer, int length)
            {
                _map = map;
                _buffer = buffer;
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
