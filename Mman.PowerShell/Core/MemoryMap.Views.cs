using System;
using System.Collections.Generic;
using System.Globalization;

namespace Mman
{
    /// <summary>Views: maps of a sub-range of another map, sharing its memory.</summary>
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// Makes a view of <paramref name="size"/> bytes (null: to the end of this map) from
        /// <paramref name="offset"/>. The view is a map of its own, confined to that range, over the
        /// same memory: what one writes the other reads. It has this map's current protection, and it
        /// is closed when this map is.
        /// </summary>
        /// <exception cref="ObjectDisposedException">This map is closed.</exception>
        /// <exception cref="MemoryMapArgumentException">The range is not inside this map.</exception>
        public MemoryMap CreateView(long offset, long? size = null)
        {
            long length = CheckViewRange(offset, size);

            // Exclusive, so that the view cannot be added while this map is being closed.
            _region.Lock.EnterWriteLock();
            try
            {
                ThrowIfClosed();
                var view = new MemoryMap(_region, _start + offset, length, Kind, Path, Name, _backingOffset + offset, Sharing, this, offset);
                _views.RemoveAll(reference => !(reference.Target is MemoryMap open) || open._closed);
                _views.Add(new WeakReference(view));
                return view;
            }
            finally
            {
                _region.Lock.ExitWriteLock();
            }
        }

        /// <summary>
        /// Throws what <see cref="CreateView"/> would throw for these arguments now, and, with a
        /// <paramref name="protection"/>, what giving the view that protection would (see
        /// <see cref="CheckSetProtection"/>); makes no view (for -WhatIf).
        /// </summary>
        public void CheckView(long offset, long? size = null, MemoryProtection? protection = null, bool allowWriteExecute = false)
        {
            long length = CheckViewRange(offset, size);
            _region.Lock.EnterReadLock();
            try
            {
                ThrowIfClosed();
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }

            // As the cmdlet does: the protection is set only when it differs from what the view has.
            if (protection.HasValue && protection.Value != ProtectionOf(offset, length))
            {
                CheckSetProtection(protection.Value, allowWriteExecute);
            }
        }

        /// <summary>Throws unless offset and size describe a view inside this map; returns the view's length.</summary>
        private long CheckViewRange(long offset, long? size)
        {
            if (offset < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.OffsetNegative, "Offset must not be negative, got " + offset.ToString(CultureInfo.InvariantCulture), nameof(offset));
            }

            if (size.HasValue)
            {
                CheckSize(size.Value);
            }

            long length = size ?? Size - offset;
            if (offset >= Size || length > Size - offset)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.RangeOutsideMap,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "A view must lie inside map {0}, which is {1} bytes: offset {2}{3} does not. Use an offset below {1} and a size of at most {1} minus the offset.",
                        Id, Size, offset, size.HasValue ? " with size " + size.Value.ToString(CultureInfo.InvariantCulture) : string.Empty),
                    size.HasValue && offset < Size ? nameof(size) : nameof(offset));
            }

            return length;
        }

        /// <summary>
        /// Null when <see cref="SetProtection"/> changes only this map's own bytes; otherwise a sentence
        /// naming the bytes of the surrounding map that change with it, because protection applies to
        /// whole pages and this view's ends are not on page boundaries.
        /// </summary>
        public string DescribeProtectionSpill()
        {
            MemoryMap root = this;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            long pageSize = NativeMapper.Current.PageSize;
            PageSpan(0, Size, out long firstPage, out long endPage);

            // The changed pages as bytes of the root map, clipped to what the root shows.
            long changedStart = Math.Max(firstPage * pageSize, root._start) - root._start;
            long changedEnd = Math.Min(endPage * pageSize, root._start + root.Size) - root._start;
            long ownStart = _start - root._start;
            long ownEnd = ownStart + Size;
            if (changedStart >= ownStart && changedEnd <= ownEnd)
            {
                return null;
            }

            var outside = new List<string>();
            if (changedStart < ownStart)
            {
                outside.Add(Range(changedStart, ownStart));
            }

            if (changedEnd > ownEnd)
            {
                outside.Add(Range(ownEnd, changedEnd));
            }

            return string.Format(
                CultureInfo.InvariantCulture,
                "Map {0} covers bytes {1} of map {2}, which do not start and end on page boundaries ({3} bytes a page). Protection applies to whole pages, so bytes {4} of map {2} change too.",
                Id, Range(ownStart, ownEnd), root.Id, pageSize, string.Join(" and ", outside));
        }

        private static string Range(long start, long end) =>
            start.ToString(CultureInfo.InvariantCulture) + ".." + (end - 1).ToString(CultureInfo.InvariantCulture);
    }
}
