using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Mman
{
    /// <summary>
    /// Changing a map's size (Resize-MemoryMap). The map object stays the same, with its Id: the
    /// region's mapping, page table and the map's size are replaced together under the region's
    /// exclusive lock, so an access on another thread sees the old map or the new one, never memory
    /// in between. Views are closed, since their bytes may move or be gone.
    /// </summary>
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// Changes the map's size to <paramref name="size"/> bytes. A file map's file is extended to
        /// <see cref="FileOffset"/> + <paramref name="size"/> when it is shorter, or, when the map
        /// shrinks, truncated there (bytes of the file past that point are lost, as with Python's
        /// mmap.resize); then the file is mapped again. Anonymous memory keeps its contents (mremap on
        /// Linux; elsewhere new memory, a copy, and the old unmapped). Named shared memory changes size
        /// on Linux (other processes' maps keep their own size); macOS and Windows cannot change it.
        /// Pages kept keep their protection and locks; new pages get the map's <see cref="Protection"/>
        /// as it was before (what all its pages allowed) and are not locked. The views of the map are
        /// closed. The same size changes nothing.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The size is not positive or does not fit (SizeNotPositive, SizeTooLarge).</exception>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        /// <exception cref="MemoryMapException">
        /// <see cref="MemoryMapError.ViewNotResizable"/>, <see cref="MemoryMapError.MapNotResizable"/>,
        /// <see cref="MemoryMapError.NotSupportedOnThisSystem"/>, or the system's refusal
        /// (<see cref="MemoryMapError.MapFailed"/>, <see cref="MemoryMapError.NativeError"/>).
        /// </exception>
        /// <exception cref="IOException">The file could not be extended or truncated (a full disk, another map of it on Windows).</exception>
        public void Resize(long size)
        {
            CheckResizeArgument(size);
            var closed = new List<int>();
            _region.Lock.EnterWriteLock();
            try
            {
                AdmitResize(size);
                if (size != Size)
                {
                    ResizeLocked(size, closed);
                }
            }
            finally
            {
                _region.Lock.ExitWriteLock();
            }

            foreach (int id in closed)
            {
                MemoryMapRegistry.Remove(id);
            }
        }

        /// <summary>
        /// Throws what <see cref="Resize"/> would throw for this size before anything changes: the
        /// size, a closed map, a view, a map that cannot change size, a system that cannot. Changes
        /// nothing (for -WhatIf). The system's own refusals (no memory, a full disk) are not foreseen.
        /// </summary>
        public void CheckResize(long size)
        {
            CheckResizeArgument(size);
            _region.Lock.EnterReadLock();
            try
            {
                AdmitResize(size);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Null when resizing to <paramref name="size"/> loses no data; otherwise a sentence saying
        /// which bytes are lost (for the cmdlet's confirmation).
        /// </summary>
        public string DescribeResizeLoss(long size)
        {
            long current = Size;
            if (size >= current)
            {
                return null;
            }

            string what = Kind == MemoryMapKind.File
                ? "the file '" + Path + "' is truncated at byte " + (_backingOffset + size).ToString(CultureInfo.InvariantCulture) + ", so its bytes from there on are lost"
                : Kind == MemoryMapKind.Named ? "shared memory '" + Name + "' is truncated, so its bytes from there on are lost, also for other processes"
                : "those bytes are lost";
            return string.Format(
                CultureInfo.InvariantCulture,
                "Shrinking map {0} from {1} to {2} bytes drops its bytes {2}..{3}: {4}.",
                Id, current, size, current - 1, what);
        }

        private static void CheckResizeArgument(long size)
        {
            CheckSize(size);
            CheckAddressSpace(size);
        }

        /// <summary>The checks of a resize that depend on the map's state; under the region's lock.</summary>
        private void AdmitResize(long size)
        {
            ThrowIfClosed();
            if (Parent != null)
            {
                throw new MemoryMapException(
                    MemoryMapError.ViewNotResizable,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "Map {0} is a view of map {1} and cannot change size: a view is a window on its parent's memory. Resize map {1} (which closes its views), then make the view again.",
                        Id, Parent.Id));
            }

            if (Kind == MemoryMapKind.Anonymous)
            {
                CheckAddressSpace(_start + size);
                return;
            }

            if (Kind == MemoryMapKind.Named && NativeMapper.Current.NamedResizeRefusal is string reason)
            {
                throw new MemoryMapException(
                    MemoryMapError.NotSupportedOnThisSystem,
                    "Shared memory '" + Name + "' cannot change size on this system: " + reason + ". Linux can resize named shared memory; here, create a new object of the size needed.");
            }

            if (Sharing == MapSharing.Private)
            {
                throw new MemoryMapException(
                    MemoryMapError.MapNotResizable,
                    "Map " + Id + " is a Private (copy-on-write) map of " + Describe() + ": its changes live only in its own pages, which mapping again would drop, and growing would change the " + (Kind == MemoryMapKind.Named ? "object" : "file") + " that a Private map promises to leave alone. Python's mmap refuses this too (ACCESS_COPY).");
            }

            if (!_region.BackingWritable || _region.Backing == null)
            {
                throw new MemoryMapException(
                    MemoryMapError.MapNotResizable,
                    "Map " + Id + " cannot change size: " + Describe() + " was opened read-only because the map was created without Write, so its length cannot change. Python's mmap refuses this too (ACCESS_READ).")
                {
                    Data = { [MemoryMapErrorData.BackingReadOnly] = true },
                };
            }

            CheckAddressSpace(_start + size);
        }

        /// <summary>The resize itself, under the region's exclusive lock, once admitted.</summary>
        private void ResizeLocked(long size, List<int> closed)
        {
            long pageSize = NativeMapper.Current.PageSize;
            MappingHandle old = _region.Mapping;
            PageProtections oldPages = _region.Pages;
            long newLength = _start + size;
            long newPageCount = (newLength + pageSize - 1) / pageSize;

            // New bytes get what every byte allowed before: never more than the map granted.
            MemoryProtection grown = ProtectionOf(0, Size);
            PageProtections newPages = oldPages.Resized(newPageCount, grown);

            // The system keeps a lock flag per page of a mapping, which the new mapping does not have:
            // the old locks are released first (which also keeps Windows' count of locked bytes right)
            // and this map's locks on the pages kept are made again on the new mapping. Views close,
            // and their locks go with them.
            LockedPages kept = MyLocks(this).Within(0, newPageCount);
            UnlockAllBestEffort();

            MappingHandle replacement;
            try
            {
                replacement = Kind == MemoryMapKind.Anonymous
                    ? ResizeAnonymous(old, oldPages, newLength, ref newPages)
                    : ResizeBacked(old, oldPages, newLength, size, newPages);
            }
            catch
            {
                if (!_region.Closed)
                {
                    RelockBestEffort();
                }

                throw;
            }

            _region.Mapping = replacement;
            _region.Pages = newPages;
            System.Threading.Volatile.Write(ref _size, size);

            foreach (WeakReference reference in _views)
            {
                if (reference.Target is MemoryMap view && !view._closed)
                {
                    view._closedWithParent = Id;
                    view._closedByResize = true;
                    view.CloseWithViews(closed);
                }
            }

            _views.Clear();
            _region.Locks.Clear();
            if (_accessHint != MemoryMapAccessHint.Normal)
            {
                // The hint belongs to the old pages (madvise); a new mapping starts without it.
                NativeMapper.Current.SetAccessHint(replacement.DangerousGetHandle(), newLength, _accessHint);
            }

            if (!kept.IsEmpty)
            {
                try
                {
                    foreach ((long first, long end) in kept.Runs)
                    {
                        NativeMapper.Current.LockPages(PageAddress(first), (end - first) * pageSize, (end - first) * pageSize);
                    }

                    _region.Locks[this] = kept;
                }
                catch (MemoryMapException e)
                {
                    UnlockAllPagesBestEffort(kept);
                    throw new MemoryMapException(
                        e.Error,
                        string.Format(
                            CultureInfo.InvariantCulture,
                            "Map {0} was resized to {1} bytes, but its locked pages could not be locked again, so none of them is locked now: {2} Lock them again with Lock-MemoryMap.",
                            Id, size, e.Message),
                        e.NativeErrorCode,
                        e.NativeErrorName);
                }
            }
        }

        /// <summary>
        /// Anonymous memory: mremap where the system has it for this memory, else new memory, a copy of
        /// the bytes kept, and the old unmapped. Returns the new mapping; the old is gone.
        /// </summary>
        private unsafe MappingHandle ResizeAnonymous(MappingHandle old, PageProtections oldPages, long newLength, ref PageProtections newPages)
        {
            NativeMapper mapper = NativeMapper.Current;
            long pageSize = mapper.PageSize;
            IntPtr oldAddress = old.DangerousGetHandle();
            long oldLength = old.Length;
            // Only where mremap will be asked (a failed copy must not find these bytes cleared).
            bool mayRemap = oldPages.IsUniform && Sharing == MapSharing.Private;
            if (mayRemap && newLength < oldLength && newLength % pageSize != 0)
            {
                // mremap keeps the whole last page: clear its bytes past the new end, so that growing
                // later shows zeros there, as new memory does.
                ClearTail(oldAddress, oldPages, newLength, Math.Min(oldLength, ((newLength / pageSize) + 1) * pageSize));
            }

            // mremap takes one kernel mapping: pages of different protection are several.
            IntPtr moved = mayRemap ? mapper.RemapAnonymous(oldAddress, oldLength, newLength, Sharing) : IntPtr.Zero;
            if (moved != IntPtr.Zero)
            {
                // The old address is no longer mapped: the old handle must not unmap it again.
                old.SetHandleAsInvalid();
                var handle = new MappingHandle(moved, newLength);
                long oldPageCount = oldPages.PageCount;
                if (newPages.PageCount > oldPageCount)
                {
                    // The kernel gave the new pages the protection of the old last page.
                    try
                    {
                        ApplyProtections(moved, newPages, oldPageCount);
                    }
                    catch (MemoryMapException)
                    {
                        MemoryProtection last = oldPages.Common(oldPageCount - 1, oldPageCount);
                        newPages = oldPages.Resized(newPages.PageCount, last);
                    }
                }

                return handle;
            }

            IntPtr address = mapper.MapAnonymous(newLength, MemoryProtection.Read | MemoryProtection.Write, Sharing);
            bool madeReadable = false;
            try
            {
                if ((oldPages.Common(0, oldPages.PageCount) & MemoryProtection.Read) == 0)
                {
                    // Some old pages cannot be read; they are about to be unmapped, so they may be for the copy.
                    mapper.Protect(oldAddress, oldPages.PageCount * pageSize, MemoryProtection.Read, Sharing);
                    madeReadable = true;
                }

                long count = Math.Min(oldLength, newLength) - _start;
                Buffer.MemoryCopy((byte*)oldAddress + _start, (byte*)address + _start, newLength - _start, count);
                ApplyProtections(address, newPages, 0);
            }
            catch
            {
                mapper.Unmap(address, newLength);
                if (madeReadable)
                {
                    ApplyProtections(oldAddress, oldPages, 0);
                }

                throw;
            }

            old.Dispose();
            return new MappingHandle(address, newLength);
        }

        /// <summary>
        /// A file, or Linux shared memory: its length changes and it is mapped again. POSIX maps the new
        /// range before the old goes, so any failure leaves the map as it was. Windows must unmap first
        /// (it will not truncate a mapped file); a failure then maps the old range again, and only when
        /// even that fails is the map closed.
        /// </summary>
        private MappingHandle ResizeBacked(MappingHandle old, PageProtections oldPages, long newLength, long size, PageProtections newPages)
        {
            NativeMapper mapper = NativeMapper.Current;
            FileStream file = _region.Backing;
            long alignedOffset = _backingOffset - _start;
            long oldLength = old.Length;
            long oldFileLength = file.Length;
            long end = _backingOffset + size;

            // Growing never cuts the file; shrinking truncates it where the map now ends.
            long newFileLength = size > Size ? Math.Max(oldFileLength, end) : end;
            if (!mapper.UnmapBeforeResizingFile)
            {
                if (newFileLength > oldFileLength)
                {
                    file.SetLength(newFileLength);
                }

                IntPtr address = IntPtr.Zero;
                try
                {
                    address = mapper.MapFile(file, true, alignedOffset, newLength, MemoryProtection.Read | MemoryProtection.Write, Sharing);
                    ApplyProtections(address, newPages, 0);
                    if (newFileLength < oldFileLength)
                    {
                        file.SetLength(newFileLength);
                    }
                }
                catch
                {
                    if (address != IntPtr.Zero)
                    {
                        mapper.Unmap(address, newLength);
                    }

                    if (file.Length != oldFileLength)
                    {
                        TrySetLength(file, oldFileLength);
                    }

                    throw;
                }

                old.Dispose();
                return new MappingHandle(address, newLength);
            }

            old.Dispose();
            try
            {
                if (newFileLength != oldFileLength)
                {
                    file.SetLength(newFileLength);
                }

                IntPtr address = mapper.MapFile(file, true, alignedOffset, newLength, MemoryProtection.Read | MemoryProtection.Write, Sharing);
                try
                {
                    ApplyProtections(address, newPages, 0);
                }
                catch
                {
                    mapper.Unmap(address, newLength);
                    throw;
                }

                return new MappingHandle(address, newLength);
            }
            catch (Exception failure) when (failure is IOException || failure is MemoryMapException || failure is UnauthorizedAccessException)
            {
                // Put the old mapping back, so the map is as it was.
                try
                {
                    if (file.Length != oldFileLength)
                    {
                        file.SetLength(oldFileLength);
                    }

                    IntPtr back = mapper.MapFile(file, true, alignedOffset, oldLength, MemoryProtection.Read | MemoryProtection.Write, Sharing);
                    ApplyProtections(back, oldPages, 0);
                    _region.Mapping = new MappingHandle(back, oldLength);
                }
                catch (Exception again) when (again is IOException || again is MemoryMapException || again is UnauthorizedAccessException)
                {
                    var gone = new List<int>();
                    CloseWithViews(gone);
                    _region.Closed = true;
                    if (_region.OwnsBacking)
                    {
                        file.Dispose();
                    }

                    throw new MemoryMapException(
                        MemoryMapError.NativeError,
                        "Map " + Id + " could not be resized (" + failure.Message + "), and its old range could not be mapped again (" + again.Message + "), so the map is closed. " + Describe() + " is intact up to its current length.");
                }

                throw;
            }
        }

        /// <summary>Gives each run of pages of a mapping at <paramref name="address"/>, from page <paramref name="fromPage"/>, its protection, where it is not Read and Write (what the mapping was made with).</summary>
        private void ApplyProtections(IntPtr address, PageProtections pages, long fromPage)
        {
            long pageSize = NativeMapper.Current.PageSize;
            foreach ((long first, long end, MemoryProtection protection) in pages.Runs(fromPage, pages.PageCount))
            {
                if (protection != (MemoryProtection.Read | MemoryProtection.Write) || fromPage > 0)
                {
                    NativeMapper.Current.Protect(new IntPtr(address.ToInt64() + (first * pageSize)), (end - first) * pageSize, protection, Sharing);
                }
            }
        }

        /// <summary>Zeroes bytes <paramref name="from"/>..<paramref name="to"/> - 1 of the last kept page, writable for the moment.</summary>
        private unsafe void ClearTail(IntPtr address, PageProtections pages, long from, long to)
        {
            long pageSize = NativeMapper.Current.PageSize;
            long page = from / pageSize;
            MemoryProtection protection = pages.Common(page, page + 1);
            IntPtr pageAddress = new IntPtr(address.ToInt64() + (page * pageSize));
            bool writable = (protection & MemoryProtection.Write) != 0 && (protection & MemoryProtection.Read) != 0;
            if (!writable)
            {
                NativeMapper.Current.Protect(pageAddress, pageSize, MemoryProtection.Read | MemoryProtection.Write, Sharing);
            }

            new Span<byte>((byte*)address + from, (int)(to - from)).Clear();
            if (!writable)
            {
                NativeMapper.Current.Protect(pageAddress, pageSize, protection, Sharing);
            }
        }

        private static void TrySetLength(FileStream file, long length)
        {
            try
            {
                file.SetLength(length);
            }
            catch (IOException)
            {
                // The failure being reported matters more.
            }
        }

        /// <summary>Unlocks every page any map of the region locked; never throws.</summary>
        private void UnlockAllBestEffort() => UnlockAllPagesBestEffort(AllLocked(null));

        private void UnlockAllPagesBestEffort(LockedPages pages)
        {
            long pageSize = NativeMapper.Current.PageSize;
            foreach ((long first, long end) in pages.Runs)
            {
                try
                {
                    NativeMapper.Current.UnlockPages(PageAddress(first), (end - first) * pageSize);
                }
                catch (MemoryMapException)
                {
                    // Unlocking fails only for pages that are not locked.
                }
            }
        }

        /// <summary>After a failed resize left the old mapping: locks its pages again as recorded; never throws.</summary>
        private void RelockBestEffort()
        {
            long pageSize = NativeMapper.Current.PageSize;
            foreach ((long first, long end) in AllLocked(null).Runs)
            {
                try
                {
                    NativeMapper.Current.LockPages(PageAddress(first), (end - first) * pageSize, (end - first) * pageSize);
                }
                catch (MemoryMapException)
                {
                    // The record says locked; the failed resize is what gets reported.
                }
            }
        }
    }
}
