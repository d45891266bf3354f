using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Mman
{
    /// <summary>
    /// Advice about a map's pages: prefetch them (a hint, or by touching each page), evict a shared
    /// file map's pages from memory, discard the contents of private memory, and access hints.
    /// </summary>
    public sealed partial class MemoryMap
    {
        // Touch reads this many pages per batch, then reports progress and asks whether to go on:
        // 4 MiB of 4 KiB pages, small enough that Ctrl+C is prompt even from a slow disk.
        private const int TouchBatchPages = 1024;

        private volatile MemoryMapAccessHint _accessHint;

        /// <summary>
        /// The last access hint given with <see cref="SetAccessHint"/> (Normal until then). On Windows
        /// it is only recorded: Windows has no access hints for mapped memory.
        /// </summary>
        public MemoryMapAccessHint AccessHint => _accessHint;

        /// <summary>
        /// Whether this system removes pages from its file cache when they are evicted (Linux, macOS),
        /// so that a file can be evicted by its path. Windows only trims a map's pages from the
        /// process's working set.
        /// </summary>
        public static bool CanEvictFileCache => NativeMapper.Current.EvictsFileCache;

        /// <summary>
        /// Asks the system to read the pages under a range into memory, and returns at once
        /// (madvise MADV_WILLNEED; PrefetchVirtualMemory on Windows). The range is widened to whole pages.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The range is outside the map.</exception>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        /// <exception cref="MemoryMapException">The file has been truncated below the range, or the system refused (NotSupportedOnThisSystem before Windows 8).</exception>
        public unsafe void Prefetch(long offset, long count)
        {
            _region.Lock.EnterReadLock();
            try
            {
                Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.None);
                if (count > 0)
                {
                    Pages(offset, count, out IntPtr address, out long length, out _);
                    NativeMapper.Current.Prefetch(address, length);
                }
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Reads one byte of every page under a range, so that the pages are in memory when it returns.
        /// After each batch of pages <paramref name="proceed"/> is told how many bytes are done and may
        /// return false to stop; returns false when it stopped so. Reads go through the same checks as
        /// <see cref="Read(long, long)"/>: pages without Read, or a file truncated below the range, are
        /// errors, never faults.
        /// </summary>
        /// <exception cref="MemoryMapAccessException">Pages of the range do not allow Read.</exception>
        public unsafe bool Touch(long offset, long count, Func<long, bool> proceed = null)
        {
            // Everything at once first, so that a range that cannot be read fails before any work.
            CheckAccess(offset, count, MemoryProtection.Read);
            long pageSize = NativeMapper.Current.PageSize;
            var offsets = new long[TouchBatchPages];
            byte* sink = stackalloc byte[TouchBatchPages];
            long end = offset + count;
            long position = offset;
            while (position < end)
            {
                int n = 0;
                while (n < TouchBatchPages && position < end)
                {
                    offsets[n++] = position;

                    // The first byte of the next page of the OS mapping, as an offset of this map.
                    position = (((_start + position) / pageSize) + 1) * pageSize - _start;
                }

                position = Math.Min(position, end);
                fixed (long* batch = offsets)
                {
                    Copy(new ReadOnlySpan<long>(batch, n), 1, sink, 1, MemoryProtection.Read);
                }

                if (proceed != null && !proceed(position - offset))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Throws what <see cref="Evict"/> would throw now, without evicting anything (for -WhatIf).
        /// </summary>
        public unsafe void CheckEvict(long offset, long count)
        {
            _region.Lock.EnterReadLock();
            try
            {
                AdmitEvict(offset, count);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Writes the changes under a range back to the file, then removes its pages from memory: from
        /// the system's file cache on Linux (madvise MADV_DONTNEED, then posix_fadvise
        /// POSIX_FADV_DONTNEED) and macOS (msync MS_INVALIDATE), from the process's working set on
        /// Windows. Only a Shared file map has pages that can go without losing data; the range is
        /// widened to whole pages. Pages another process maps or locks stay.
        /// </summary>
        /// <exception cref="MemoryMapException">The map is not a Shared file map (NoCacheToEvict), or the system refused.</exception>
        public unsafe void Evict(long offset, long count)
        {
            _region.Lock.EnterReadLock();
            try
            {
                AdmitEvict(offset, count);
                if (count == 0)
                {
                    return;
                }

                Pages(offset, count, out IntPtr address, out long length, out long backingOffset);
                NativeMapper.Current.Flush(address, length, _region.Backing, _region.BackingWritable, async: false, invalidate: false);
                NativeMapper.Current.Evict(address, length, _region.Backing, backingOffset);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Evicts a whole file from the system's file cache, writing back what others have changed
        /// first: maps it read-only, evicts, and closes it. An empty file has nothing to evict.
        /// </summary>
        /// <exception cref="MemoryMapException">NotSupportedOnThisSystem on Windows, which cannot evict one file from its cache.</exception>
        public static void EvictFile(string path)
        {
            CheckEvictFile(path);
            if (new FileInfo(path).Length == 0)
            {
                return;
            }

            using (MemoryMap map = OpenFile(path))
            {
                map.Evict(0, map.Size);
            }
        }

        /// <summary>Throws what <see cref="EvictFile"/> would throw before it evicts: the system, then the file.</summary>
        public static void CheckEvictFile(string path)
        {
            if (!CanEvictFileCache)
            {
                throw new MemoryMapException(
                    MemoryMapError.NotSupportedOnThisSystem,
                    "Windows has no call that removes one file's pages from the system file cache: a file's cached pages stay on the standby list until memory is needed (emptying the whole standby list, as RAMMap does, needs an administrator and affects every file). Linux and macOS can evict a file. On Windows, an open map's pages can be removed from this process's working set.");
            }

            if (new FileInfo(path).Length > 0)
            {
                CheckFile(path);
            }
        }

        /// <summary>
        /// Asks the system to read a whole file into its cache and returns at once: maps it read-only,
        /// prefetches, and closes it. An empty file has nothing to read.
        /// </summary>
        public static void PrefetchFile(string path)
        {
            if (new FileInfo(path).Length == 0)
            {
                return;
            }

            using (MemoryMap map = OpenFile(path))
            {
                map.Prefetch(0, map.Size);
            }
        }

        /// <summary>
        /// Tells the system how the map will be read (madvise); returns false where the system has no
        /// such hint for mapped memory (Windows), where the hint is only recorded in <see cref="AccessHint"/>.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        public bool SetAccessHint(MemoryMapAccessHint hint)
        {
            if (hint != MemoryMapAccessHint.Normal && hint != MemoryMapAccessHint.Sequential && hint != MemoryMapAccessHint.Random)
            {
                throw new MemoryMapArgumentException(MemoryMapError.InvalidArgument, "Hint " + (int)hint + " is not Normal, Sequential or Random.", nameof(hint));
            }

            _region.Lock.EnterReadLock();
            try
            {
                ThrowIfClosed();
                Pages(0, Size, out IntPtr address, out long length, out _);
                bool applied = NativeMapper.Current.SetAccessHint(address, length, hint);
                _accessHint = hint;
                return applied;
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Throws what <see cref="SetAccessHint"/> would throw now (for -WhatIf).</summary>
        public void CheckSetAccessHint()
        {
            _region.Lock.EnterReadLock();
            try
            {
                ThrowIfClosed();
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Throws what <see cref="Discard"/> would throw now, without discarding anything (for -WhatIf).</summary>
        public void CheckDiscard(long offset, long count)
        {
            _region.Lock.EnterReadLock();
            try
            {
                AdmitDiscard(offset, count);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Throws away the contents of a range of a Private or anonymous map: afterwards anonymous memory
        /// reads as zeros, and a private file map reads the file's bytes again, its own writes lost. The
        /// range must cover whole pages (the end of the map counts as one). A Shared map is refused
        /// (DiscardNotPrivate): its memory is the file's or other processes'.
        /// </summary>
        /// <exception cref="MemoryMapException">DiscardNotPrivate, RangeNotPageAligned, NotSupportedOnThisSystem, or the system refused.</exception>
        public void Discard(long offset, long count)
        {
            // Exclusive: on some systems the pages are remapped or rewritten, which no read may see half done.
            _region.Lock.EnterWriteLock();
            try
            {
                AdmitDiscard(offset, count);
                if (count == 0)
                {
                    return;
                }

                Pages(offset, count, out IntPtr address, out long length, out long backingOffset);
                PageSpan(offset, count, out long firstPage, out long endPage);
                long pageSize = NativeMapper.Current.PageSize;
                var runs = new List<ProtectionRun>();
                foreach ((long first, long end, MemoryProtection protection) in _region.Pages.Runs(firstPage, endPage))
                {
                    runs.Add(new ProtectionRun(PageAddress(first), (end - first) * pageSize, protection));
                }

                NativeMapper.Current.Discard(address, length, Kind, _region.Backing, backingOffset, runs);
            }
            finally
            {
                _region.Lock.ExitWriteLock();
            }
        }

        /// <summary>The checks of <see cref="Evict"/>, in order; under the region's lock.</summary>
        private unsafe void AdmitEvict(long offset, long count)
        {
            Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.None);
            if (Kind != MemoryMapKind.File || Sharing != MapSharing.Shared)
            {
                string what = Kind == MemoryMapKind.File
                    ? "a Private file map: its pages that were written are its own copies, not the file's, and evicting them would lose them"
                    : Kind == MemoryMapKind.Named
                        ? "named shared memory, whose pages are the memory itself, not a cache of a file"
                        : "anonymous memory, whose pages are the memory itself, not a cache of a file";
                throw new MemoryMapException(
                    MemoryMapError.NoCacheToEvict,
                    "Map " + Id + " is " + what + ", so it has no cached file pages that can be evicted without losing data. Only a Shared file map's pages can be evicted.");
            }
        }

        /// <summary>The checks of <see cref="Discard"/>, in order; under the region's lock.</summary>
        private unsafe void AdmitDiscard(long offset, long count)
        {
            Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.None);
            if (Sharing == MapSharing.Shared)
            {
                string whose = Kind == MemoryMapKind.File ? "the file's: discarding would destroy the file's data"
                    : Kind == MemoryMapKind.Named ? "the shared memory's, which other processes see: discarding would destroy their data"
                    : "shared with the processes it was passed to: discarding would destroy their data";
                throw new MemoryMapException(
                    MemoryMapError.DiscardNotPrivate,
                    "Map " + Id + " is a Shared map, so its memory is " + whose + ". Only Private and anonymous Private maps can be discarded.");
            }

            NativeMapper.Current.CheckDiscard(Kind, _region.Backing);
            if (count == 0)
            {
                return;
            }

            long pageSize = NativeMapper.Current.PageSize;
            long first = _start + offset;
            long end = first + count;

            // The bytes of the mapping before the root map's first byte are hidden alignment bytes
            // (a file map from an offset that is not on a page): nobody wrote them, so a page that
            // starts with them may be discarded from the map's first byte.
            MemoryMap root = this;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            bool startsOnPage = first % pageSize == 0 || first == root._start;
            bool endsOnPage = end % pageSize == 0 || end == _region.Mapping.Length;
            if (!startsOnPage || !endsOnPage)
            {
                long pageStart = first - (first % pageSize);
                long nextPage = pageStart + pageSize;
                string why = !startsOnPage
                    ? string.Format(CultureInfo.InvariantCulture, "offset {0} is not where a page starts (the next page starts at offset {1})", offset, Math.Min(nextPage - _start, Size))
                    : string.Format(CultureInfo.InvariantCulture, "offset {0} plus count {1} does not end where a page ends (the page ends at offset {2}) nor at the end of the map", offset, count, Math.Min(end - (end % pageSize) + pageSize - _start, Size));
                throw new MemoryMapArgumentException(
                    MemoryMapError.RangeNotPageAligned,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "Discarding works on whole pages ({0} bytes), and {1}: the rest of that page holds bytes outside the range, which would be lost too. Give a range that starts and ends on page boundaries of map {2}.",
                        pageSize, why, Id),
                    !startsOnPage ? nameof(offset) : nameof(count));
            }
        }

        /// <summary>
        /// The whole pages under bytes offset..offset + count - 1: the address of the first, the length
        /// in bytes, and where that address is in the file or object behind the map.
        /// </summary>
        private void Pages(long offset, long count, out IntPtr address, out long length, out long backingOffset)
        {
            PageSpan(offset, count, out long firstPage, out long endPage);
            long pageSize = NativeMapper.Current.PageSize;
            address = PageAddress(firstPage);
            length = (endPage - firstPage) * pageSize;
            backingOffset = _backingOffset + offset - (_start + offset - (firstPage * pageSize));
        }
    }
}
