using System;
using System.Collections.Generic;
using System.Globalization;

namespace Mman
{
    /// <summary>
    /// Locking pages in memory (mlock, VirtualLock). A lock belongs to the map it was made through:
    /// the system keeps one flag per page, not a count, so the region records which maps locked
    /// which pages, and a page is unlocked only when no open map that locked it is left.
    /// </summary>
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// The bytes of this map's pages that are locked in memory now, through this map or another map
        /// of the same memory (its parent, its views); whole pages, so it can be more than
        /// <see cref="Size"/>. 0 once the map is closed.
        /// </summary>
        public long LockedBytes
        {
            get
            {
                if (!IsValid)
                {
                    return 0;
                }

                _region.Lock.EnterReadLock();
                try
                {
                    if (!IsValid || _region.Locks.Count == 0)
                    {
                        return 0;
                    }

                    PageSpan(0, Size, out long firstPage, out long endPage);
                    return AllLocked(null).Within(firstPage, endPage).Count * NativeMapper.Current.PageSize;
                }
                finally
                {
                    _region.Lock.ExitReadLock();
                }
            }
        }

        /// <summary>
        /// Locks the pages under <paramref name="count"/> bytes from <paramref name="offset"/> in memory:
        /// they are made resident and stay so, never paged out, until unlocked or the map is closed.
        /// Whole pages are locked, so bytes of the same pages outside the range are locked too.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The range is outside the map.</exception>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        /// <exception cref="MemoryMapException">
        /// <see cref="MemoryMapError.LockLimitExceeded"/>: the lock would pass the system's limit on locked
        /// memory (the message names it); <see cref="MemoryMapError.FileTruncated"/>: the file no longer
        /// covers the range.
        /// </exception>
        public void Lock(long offset, long count)
        {
            // Exclusive: the record of what is locked must change together with the system's state.
            _region.Lock.EnterWriteLock();
            try
            {
                if (!AdmitLock(offset, count, out long firstPage, out long endPage, out long newBytes))
                {
                    return;
                }

                long pageSize = NativeMapper.Current.PageSize;
                NativeMapper.Current.LockPages(PageAddress(firstPage), (endPage - firstPage) * pageSize, newBytes);
                _region.Locks[this] = MyLocks(this).Union(firstPage, endPage);
            }
            finally
            {
                _region.Lock.ExitWriteLock();
            }
        }

        /// <summary>
        /// Throws what <see cref="Lock"/> would throw for this range before it asks the system: the
        /// range, a closed map, a truncated file and, where it can be known beforehand (Linux), the
        /// limit on locked memory. Locks nothing (for -WhatIf).
        /// </summary>
        public void CheckLock(long offset, long count)
        {
            _region.Lock.EnterReadLock();
            try
            {
                AdmitLock(offset, count, out _, out _, out _);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Unlocks the pages under the range that this map or its views locked. A page another map of
        /// the same memory locked too (the parent of a view, or an overlapping view) stays locked until
        /// that map unlocks it or closes; <see cref="DescribeOtherLocks"/> names them.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The range is outside the map.</exception>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        public unsafe void Unlock(long offset, long count)
        {
            _region.Lock.EnterWriteLock();
            try
            {
                Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.None);
                if (count == 0 || _region.Locks.Count == 0)
                {
                    return;
                }

                PageSpan(offset, count, out long firstPage, out long endPage);
                var remaining = new Dictionary<MemoryMap, LockedPages>();
                foreach (KeyValuePair<MemoryMap, LockedPages> held in _region.Locks)
                {
                    LockedPages pages = IsThisOrViewOfThis(held.Key) ? held.Value.Without(firstPage, endPage) : held.Value;
                    if (!pages.IsEmpty)
                    {
                        remaining.Add(held.Key, pages);
                    }
                }

                // The system's state first: when unlocking fails, the record still says what is locked.
                UnlockReleased(remaining);
                _region.Locks.Clear();
                foreach (KeyValuePair<MemoryMap, LockedPages> held in remaining)
                {
                    _region.Locks.Add(held.Key, held.Value);
                }
            }
            finally
            {
                _region.Lock.ExitWriteLock();
            }
        }

        /// <summary>Throws what <see cref="Unlock"/> would throw for this range; unlocks nothing (for -WhatIf).</summary>
        public void CheckUnlock(long offset, long count) => CheckAccess(offset, count, MemoryProtection.None);

        /// <summary>
        /// Null when no page under the range is locked by a map other than this one and its views;
        /// otherwise a sentence naming those maps, which keep the pages locked after this map unlocks them.
        /// </summary>
        public string DescribeOtherLocks(long offset, long count)
        {
            _region.Lock.EnterReadLock();
            try
            {
                if (!IsValid || count <= 0 || _region.Locks.Count == 0)
                {
                    return null;
                }

                PageSpan(offset, count, out long firstPage, out long endPage);
                var holders = new List<int>();
                foreach (KeyValuePair<MemoryMap, LockedPages> held in _region.Locks)
                {
                    if (!IsThisOrViewOfThis(held.Key) && !held.Value.Within(firstPage, endPage).IsEmpty)
                    {
                        holders.Add(held.Key.Id);
                    }
                }

                if (holders.Count == 0)
                {
                    return null;
                }

                holders.Sort();
                var names = new List<string>();
                foreach (int id in holders)
                {
                    names.Add(id.ToString(CultureInfo.InvariantCulture));
                }

                return string.Format(
                    CultureInfo.InvariantCulture,
                    "Pages of map {0} in this range stay locked: {1} {2} locked them too, and a page stays locked while an open map that locked it does. Unlock or close {1} {2} to release them.",
                    Id, names.Count == 1 ? "map" : "maps", string.Join(", ", names));
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// The checks of a lock, under the region's lock; false when there is nothing to lock (a count of
        /// 0). Outputs the pages to lock and how many bytes of them no map has locked yet.
        /// </summary>
        private unsafe bool AdmitLock(long offset, long count, out long firstPage, out long endPage, out long newBytes)
        {
            firstPage = endPage = newBytes = 0;
            Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.None);
            if (count == 0)
            {
                return false;
            }

            PageSpan(offset, count, out firstPage, out endPage);
            newBytes = LockedPages.Of(firstPage, endPage).Without(AllLocked(null)).Count * NativeMapper.Current.PageSize;
            NativeMapper.Current.CheckLockLimit(newBytes);
            return true;
        }

        /// <summary>
        /// Called by <see cref="Dispose"/> under the exclusive lock, once this map and its views are
        /// marked closed: forgets their locks and unlocks the pages no open map still locks. The map that
        /// made the memory unmaps it next, which unlocks everything anyway on POSIX; unlocking first keeps
        /// Windows' count of locked bytes, and so its working set, right. Never throws.
        /// </summary>
        private void ReleaseLocksOfClosed()
        {
            if (_region.Locks.Count == 0)
            {
                return;
            }

            var remaining = new Dictionary<MemoryMap, LockedPages>();
            foreach (KeyValuePair<MemoryMap, LockedPages> held in _region.Locks)
            {
                if (!held.Key._closed)
                {
                    remaining.Add(held.Key, held.Value);
                }
            }

            try
            {
                UnlockReleased(remaining);
            }
            catch (MemoryMapException)
            {
                // munlock and VirtualUnlock fail only for pages that are not locked or not mapped;
                // a close must not fail for that.
            }

            _region.Locks.Clear();
            foreach (KeyValuePair<MemoryMap, LockedPages> held in remaining)
            {
                _region.Locks.Add(held.Key, held.Value);
            }
        }

        /// <summary>Unlocks the pages locked now that no map in <paramref name="remaining"/> locks.</summary>
        private void UnlockReleased(Dictionary<MemoryMap, LockedPages> remaining)
        {
            LockedPages after = LockedPages.Empty;
            foreach (LockedPages pages in remaining.Values)
            {
                after = after.Union(pages);
            }

            long pageSize = NativeMapper.Current.PageSize;
            foreach ((long first, long end) in AllLocked(null).Without(after).Runs)
            {
                NativeMapper.Current.UnlockPages(PageAddress(first), (end - first) * pageSize);
            }
        }

        /// <summary>The pages any map of this memory has locked, but <paramref name="except"/>'s.</summary>
        private LockedPages AllLocked(MemoryMap except)
        {
            LockedPages all = LockedPages.Empty;
            foreach (KeyValuePair<MemoryMap, LockedPages> held in _region.Locks)
            {
                if (held.Key != except)
                {
                    all = all.Union(held.Value);
                }
            }

            return all;
        }

        private LockedPages MyLocks(MemoryMap map) =>
            _region.Locks.TryGetValue(map, out LockedPages pages) ? pages : LockedPages.Empty;

        /// <summary>Whether <paramref name="map"/> is this map or a view of it (or of its views).</summary>
        private bool IsThisOrViewOfThis(MemoryMap map)
        {
            for (MemoryMap m = map; m != null; m = m.Parent)
            {
                if (m == this)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
