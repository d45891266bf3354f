using System;

namespace Mman
{
    /// <summary>
    /// The protection of each page of one OS mapping, kept as runs of equal pages. A map and its views
    /// share the pages, and a view may change the protection of only some of them, so "the" protection
    /// of a map is a property of its pages, not of the map. Immutable: a change builds a new instance,
    /// so accesses read it without a lock while <see cref="MappedRegion"/> swaps it under its writer lock.
    /// </summary>
    internal sealed class PageProtections
    {
        // _starts[i] is the first page of run i; run i ends where run i + 1 starts (the last run: at _pageCount).
        private readonly long[] _starts;
        private readonly MemoryProtection[] _protections;
        private readonly long _pageCount;

        internal PageProtections(long pageCount, MemoryProtection protection)
            : this(new[] { 0L }, new[] { protection }, pageCount)
        {
        }

        private PageProtections(long[] starts, MemoryProtection[] protections, long pageCount)
        {
            _starts = starts;
            _protections = protections;
            _pageCount = pageCount;
        }

        /// <summary>Whether every page has the same protection.</summary>
        internal bool IsUniform => _starts.Length == 1;

        /// <summary>
        /// The protection every page from <paramref name="firstPage"/> up to (not including)
        /// <paramref name="endPage"/> has: the intersection of theirs.
        /// </summary>
        internal MemoryProtection Common(long firstPage, long endPage)
        {
            if (IsUniform)
            {
                return _protections[0];
            }

            var all = MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute;
            for (int i = RunOf(firstPage); i < _starts.Length && _starts[i] < endPage; i++)
            {
                all &= _protections[i];
            }

            return all;
        }

        /// <summary>A copy with pages <paramref name="firstPage"/> to <paramref name="endPage"/> - 1 set to <paramref name="protection"/>.</summary>
        internal PageProtections With(long firstPage, long endPage, MemoryProtection protection)
        {
            if (firstPage >= endPage)
            {
                return this;
            }

            var starts = new System.Collections.Generic.List<long>(_starts.Length + 2);
            var protections = new System.Collections.Generic.List<MemoryProtection>(_starts.Length + 2);

            void Add(long start, MemoryProtection value)
            {
                // Merge with the run before when equal, so runs stay few.
                if (protections.Count > 0 && protections[protections.Count - 1] == value)
                {
                    return;
                }

                starts.Add(start);
                protections.Add(value);
            }

            for (int i = 0; i < _starts.Length; i++)
            {
                long start = _starts[i];
                long end = i + 1 < _starts.Length ? _starts[i + 1] : _pageCount;
                if (end <= firstPage || start >= endPage)
                {
                    Add(start, _protections[i]);
                    continue;
                }

                if (start < firstPage)
                {
                    Add(start, _protections[i]);
                }

                Add(Math.Max(start, firstPage), protection);
                if (end > endPage)
                {
                    Add(endPage, _protections[i]);
                }
            }

            return new PageProtections(starts.ToArray(), protections.ToArray(), _pageCount);
        }

        /// <summary>The number of pages the table describes.</summary>
        internal long PageCount => _pageCount;

        /// <summary>
        /// A copy for a mapping of <paramref name="pageCount"/> pages: the pages kept keep their
        /// protection, pages past the old end get <paramref name="grown"/> (for a resized map).
        /// </summary>
        internal PageProtections Resized(long pageCount, MemoryProtection grown)
        {
            var starts = new System.Collections.Generic.List<long>(_starts.Length + 1);
            var protections = new System.Collections.Generic.List<MemoryProtection>(_starts.Length + 1);
            for (int i = 0; i < _starts.Length && _starts[i] < pageCount; i++)
            {
                starts.Add(_starts[i]);
                protections.Add(_protections[i]);
            }

            if (pageCount > _pageCount && protections[protections.Count - 1] != grown)
            {
                starts.Add(_pageCount);
                protections.Add(grown);
            }

            return new PageProtections(starts.ToArray(), protections.ToArray(), pageCount);
        }

        /// <summary>
        /// The runs of equal protection that pages <paramref name="firstPage"/> to
        /// <paramref name="endPage"/> - 1 fall in, clipped to them: (first page, end page, protection).
        /// </summary>
        internal System.Collections.Generic.List<(long First, long End, MemoryProtection Protection)> Runs(long firstPage, long endPage)
        {
            var runs = new System.Collections.Generic.List<(long, long, MemoryProtection)>();
            for (int i = RunOf(firstPage); i < _starts.Length && _starts[i] < endPage; i++)
            {
                long end = i + 1 < _starts.Length ? _starts[i + 1] : _pageCount;
                runs.Add((Math.Max(_starts[i], firstPage), Math.Min(end, endPage), _protections[i]));
            }

            return runs;
        }

        private int RunOf(long page)
        {
            int index = Array.BinarySearch(_starts, page);
            return index >= 0 ? index : Math.Max(0, ~index - 1);
        }
    }
}
