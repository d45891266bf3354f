using System;
using System.Collections.Generic;
using System.Text;

namespace Mman
{
    /// <summary>
    /// The resident pages of a range as runs of consecutive pages, built from the one-byte-per-page
    /// vectors mincore and QueryWorkingSetEx fill, and what a report derives from them: the byte
    /// ranges and the strip of cells the default view draws. Pure, so that every system's rules are
    /// tested on any system; runs rather than a byte per page, so that a large file that is all cached
    /// or all evicted costs a few numbers, not a byte per page.
    /// </summary>
    internal sealed class ResidencyRuns
    {
        private readonly List<long> _starts = new List<long>();
        private readonly List<long> _lengths = new List<long>();

        /// <summary>The pages added so far.</summary>
        internal long Pages { get; private set; }

        /// <summary>How many of them are resident.</summary>
        internal long ResidentPages { get; private set; }

        /// <summary>The number of runs of resident pages.</summary>
        internal int Count => _starts.Count;

        /// <summary>The first page of run <paramref name="index"/>, counted from the first page added.</summary>
        internal long StartOf(int index) => _starts[index];

        /// <summary>The number of pages of run <paramref name="index"/>.</summary>
        internal long LengthOf(int index) => _lengths[index];

        /// <summary>
        /// Adds <paramref name="count"/> pages after those added so far: page i is resident when
        /// <c>vector[i] &amp; mask</c> is not 0 (the other bits mean other things, or nothing yet, on
        /// each system). A run that reaches the end of one vector continues into the next.
        /// </summary>
        internal void Add(byte[] vector, int count, byte mask)
        {
            if (vector == null)
            {
                throw new ArgumentNullException(nameof(vector));
            }

            if (count < 0 || count > vector.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            long first = Pages;
            int i = 0;
            while (i < count)
            {
                if ((vector[i] & mask) == 0)
                {
                    i++;
                    continue;
                }

                int start = i;
                while (i < count && (vector[i] & mask) != 0)
                {
                    i++;
                }

                AddRun(first + start, i - start);
            }

            Pages += count;
        }

        /// <summary>Adds <paramref name="count"/> pages that are all resident, or all not.</summary>
        internal void AddUniform(long count, bool resident)
        {
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            if (resident && count > 0)
            {
                AddRun(Pages, count);
            }

            Pages += count;
        }

        private void AddRun(long start, long length)
        {
            int last = _starts.Count - 1;
            if (last >= 0 && _starts[last] + _lengths[last] == start)
            {
                _lengths[last] += length;
            }
            else
            {
                _starts.Add(start);
                _lengths.Add(length);
            }

            ResidentPages += length;
        }

        /// <summary>
        /// The runs as byte ranges relative to a start the caller chooses, cut to
        /// <paramref name="rangeStart"/>..<paramref name="rangeEnd"/> - 1. Page 0 begins at
        /// <paramref name="firstPageOffset"/> in those coordinates, which is before the range when the
        /// range does not begin on a page boundary (a map at an unaligned file offset, a view).
        /// </summary>
        internal ResidentRange[] ToByteRanges(long pageSize, long firstPageOffset, long rangeStart, long rangeEnd)
        {
            var ranges = new List<ResidentRange>(_starts.Count);
            for (int i = 0; i < _starts.Count; i++)
            {
                long start = Math.Max(rangeStart, firstPageOffset + (_starts[i] * pageSize));
                long end = Math.Min(rangeEnd, firstPageOffset + ((_starts[i] + _lengths[i]) * pageSize));
                if (end > start)
                {
                    ranges.Add(new ResidentRange(start, end - start));
                }
            }

            return ranges.ToArray();
        }

        /// <summary>
        /// The picture of the runs in at most <paramref name="cells"/> cells between brackets, the way
        /// vmtouch -v draws it: each cell stands for an equal share of the pages (cell c for pages
        /// c * pages / cells up to (c + 1) * pages / cells) and shows ' ' when none of them is resident,
        /// 'O' when all are, 'o' otherwise. Fewer pages than cells give one cell a page; no pages, "[]".
        /// </summary>
        internal string Strip(int cells)
        {
            if (cells < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(cells), "A strip has at least one cell.");
            }

            long pages = Pages;
            int n = (int)Math.Min(cells, pages);
            var text = new StringBuilder(n + 2);
            text.Append('[');
            int run = 0;
            for (int c = 0; c < n; c++)
            {
                long first = CellStart(c, n, pages);
                long end = CellStart(c + 1, n, pages);

                // Runs are in order and cells too: skip the runs that end before this cell, then sum
                // the overlap of those that reach into it. A run may span many cells, so it is not consumed.
                while (run < _starts.Count && _starts[run] + _lengths[run] <= first)
                {
                    run++;
                }

                long resident = 0;
                for (int r = run; r < _starts.Count && _starts[r] < end; r++)
                {
                    resident += Math.Min(end, _starts[r] + _lengths[r]) - Math.Max(first, _starts[r]);
                }

                text.Append(resident == 0 ? ' ' : resident == end - first ? 'O' : 'o');
            }

            text.Append(']');
            return text.ToString();
        }

        // Computed as a fraction so cells differ by at most one page, without overflow for any file size.
        private static long CellStart(int cell, int cells, long pages) =>
            (long)((decimal)pages * cell / cells);
    }
}
