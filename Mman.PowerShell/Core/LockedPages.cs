using System;
using System.Collections.Generic;

namespace Mman
{
    /// <summary>
    /// A set of pages, as sorted runs that neither overlap nor touch: the pages one map has locked.
    /// Immutable and pure, so that the bookkeeping of locks is tested without locking anything.
    /// </summary>
    internal sealed class LockedPages
    {
        /// <summary>No pages.</summary>
        internal static readonly LockedPages Empty = new LockedPages(new long[0]);

        // Pairs of [first, end) page numbers, sorted, none empty, none overlapping or touching.
        private readonly long[] _runs;

        private LockedPages(long[] runs)
        {
            _runs = runs;
        }

        /// <summary>The number of pages in the set.</summary>
        internal long Count
        {
            get
            {
                long count = 0;
                for (int i = 0; i < _runs.Length; i += 2)
                {
                    count += _runs[i + 1] - _runs[i];
                }

                return count;
            }
        }

        /// <summary>Whether the set has no pages.</summary>
        internal bool IsEmpty => _runs.Length == 0;

        /// <summary>The runs as (first, end) page numbers, end exclusive, in order.</summary>
        internal IEnumerable<(long First, long End)> Runs
        {
            get
            {
                for (int i = 0; i < _runs.Length; i += 2)
                {
                    yield return (_runs[i], _runs[i + 1]);
                }
            }
        }

        /// <summary>The set of pages first..end - 1.</summary>
        internal static LockedPages Of(long first, long end) => first < end ? new LockedPages(new[] { first, end }) : Empty;

        /// <summary>This set with pages first..end - 1 added.</summary>
        internal LockedPages Union(long first, long end) => Union(Of(first, end));

        /// <summary>The pages in this set or in <paramref name="other"/>.</summary>
        internal LockedPages Union(LockedPages other) => Combine(this, other, (a, b) => a || b);

        /// <summary>This set without pages first..end - 1.</summary>
        internal LockedPages Without(long first, long end) => Without(Of(first, end));

        /// <summary>The pages of this set that are not in <paramref name="other"/>.</summary>
        internal LockedPages Without(LockedPages other) => Combine(this, other, (a, b) => a && !b);

        /// <summary>The pages of this set among pages first..end - 1.</summary>
        internal LockedPages Within(long first, long end) => Combine(this, Of(first, end), (a, b) => a && b);

        /// <summary>
        /// One sweep over the boundaries of both sets: a page is in the result when
        /// <paramref name="keep"/> says so for its membership in each.
        /// </summary>
        private static LockedPages Combine(LockedPages left, LockedPages right, Func<bool, bool, bool> keep)
        {
            var points = new List<long>(left._runs.Length + right._runs.Length);
            points.AddRange(left._runs);
            points.AddRange(right._runs);
            points.Sort();

            var result = new List<long>();
            bool inside = false;
            for (int i = 0; i < points.Count; i++)
            {
                long point = points[i];
                if (i > 0 && point == points[i - 1])
                {
                    continue;
                }

                bool now = keep(left.Contains(point), right.Contains(point));
                if (now != inside)
                {
                    // A run that starts where the previous one ended is joined to it.
                    if (now && result.Count > 0 && result[result.Count - 1] == point)
                    {
                        result.RemoveAt(result.Count - 1);
                    }
                    else
                    {
                        result.Add(point);
                    }

                    inside = now;
                }
            }

            return result.Count == 0 ? Empty : new LockedPages(result.ToArray());
        }

        /// <summary>Whether page <paramref name="page"/> is in the set.</summary>
        internal bool Contains(long page)
        {
            for (int i = 0; i < _runs.Length; i += 2)
            {
                if (page < _runs[i])
                {
                    return false;
                }

                if (page < _runs[i + 1])
                {
                    return true;
                }
            }

            return false;
        }
    }
}
