using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;

namespace Mman
{
    /// <summary>
    /// One mapped region of anonymous memory or of a file, read and written at any byte offset.
    /// </summary>
    /// <remarks>
    /// The map is memory-safe by construction: every access is bounds-checked with overflow-safe
    /// arithmetic, refused when the current protection does not allow it, and refused when the file
    /// behind it has shrunk below the range touched, so a mistake is an exception and never a fault.
    /// Accesses hold a shared lock and <see cref="SetProtection"/> and <see cref="Dispose"/> an
    /// exclusive one, so a protection change or a close racing a read on another thread can never
    /// pull the memory from under it. A map nobody closes is unmapped by its handle's finalizer.
    /// </remarks>
    public sealed partial class MemoryMap : IDisposable
    {
        /// <summary>The largest byte array .NET allows, the most one <see cref="Read(long, long)"/> returns.</summary>
        public const int MaxReadCount = 0x7FFFFFC7;

        // Reads that allocate more than this check the map first, so that a refused read does not
        // allocate a large array for nothing; smaller ones let the copy's own check refuse them.
        private const long LargeArray = 1 << 20;

        private const MemoryProtection AllProtection = MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute;

        private readonly MappedRegion _region;

        // Where this map's first byte is in the OS mapping: past the alignment bytes for a file map,
        // and past the parent's bytes before it for a view.
        private readonly long _start;

        // Where this map's first byte is in the file or shared-memory object behind it.
        private readonly long _backingOffset;

        // The views made from this map, closed with it. Changed under the region's exclusive lock.
        private readonly List<WeakReference> _views = new List<WeakReference>();
        private volatile bool _closed;
        private int _closedWithParent;

        // Set with _closedWithParent when the parent closed this view by changing size, not by closing.
        private bool _closedByResize;

        // Changed only under the region's exclusive lock (Resize); read with Volatile so that a
        // 32-bit process never sees half of a new value.
        private long _size;

        private MemoryMap(
            MappedRegion region, long start, long size, MemoryMapKind kind, string path, string name, long backingOffset,
            MapSharing sharing, MemoryMap parent = null, long parentOffset = 0)
        {
            _region = region;
            _start = start;
            _backingOffset = backingOffset;
            Id = MemoryMapRegistry.NextId();
            Kind = kind;
            Path = path;
            Name = name;
            _size = size;
            Sharing = sharing;
            Parent = parent;
            ParentOffset = parentOffset;
            MemoryMapRegistry.Add(this);
        }

        /// <summary>A number unique among the maps of this process.</summary>
        public int Id { get; }

        /// <summary>Whether the map is of anonymous memory, of a file, or of named shared memory. A view has its parent's kind.</summary>
        public MemoryMapKind Kind { get; }

        /// <summary>The full path of the mapped file, or null.</summary>
        public string Path { get; }

        /// <summary>The name of the shared-memory object for a Named map (and its views), or null.</summary>
        public string Name { get; }

        /// <summary>The map this one is a view of, or null.</summary>
        public MemoryMap Parent { get; }

        /// <summary>Where in <see cref="Parent"/> this view starts (0 when the map is not a view).</summary>
        public long ParentOffset { get; }

        /// <summary>
        /// Where in the file the map starts (0 for anonymous memory). Not called Offset: piping a map
        /// into Read-MemoryMap would bind it to -Offset by property name.
        /// </summary>
        public long FileOffset => Kind == MemoryMapKind.File ? _backingOffset : 0;

        /// <summary>
        /// The number of bytes mapped; valid offsets are 0 to Size - 1. <see cref="Resize"/> changes it,
        /// and every holder of this object sees the new value.
        /// </summary>
        public long Size => Volatile.Read(ref _size);

        /// <summary>The address of the map's first byte, or zero once closed.</summary>
        public IntPtr Address => IsValid ? new IntPtr(_region.Mapping.DangerousGetHandle().ToInt64() + _start) : IntPtr.Zero;

        /// <summary>
        /// The current protection: what every byte of the map allows. Protection is set per page, and
        /// a view may change some of its parent's pages; the parent then reports what all its pages allow.
        /// </summary>
        public MemoryProtection Protection => ProtectionOf(0, Size);

        /// <summary>Whether writes are shared with the file or private to this map (copy-on-write).</summary>
        public MapSharing Sharing { get; }

        /// <summary>True until the map, or the map it is a view of, is closed.</summary>
        public bool IsValid => !_closed && !_region.Closed;

        /// <summary>The size of one page of this system: the unit in which protection changes.</summary>
        public static long PageSize => NativeMapper.Current.PageSize;

        /// <summary>The maps of this process that are open now, ordered by Id.</summary>
        public static IReadOnlyList<MemoryMap> GetOpenMaps() => MemoryMapRegistry.Snapshot();

        /// <summary>
        /// Maps <paramref name="size"/> bytes of zeroed memory that no file backs. Protection that is
        /// Write and Execute at once is refused unless <paramref name="allowWriteExecute"/> is true.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The size is not positive or the protection is not valid.</exception>
        /// <exception cref="MemoryMapAllocationException">The operating system could not map the memory.</exception>
        public static MemoryMap CreateAnonymous(
            long size,
            MemoryProtection protection = MemoryProtection.Read | MemoryProtection.Write,
            MapSharing sharing = MapSharing.Private,
            bool allowWriteExecute = false)
        {
            CheckAnonymous(size, protection, sharing, allowWriteExecute);
            IntPtr address = NativeMapper.Current.MapAnonymous(size, protection, sharing);
            var region = new MappedRegion(new MappingHandle(address, size), protection, backing: null, ownsBacking: false, backingWritable: false);
            return new MemoryMap(region, 0, size, MemoryMapKind.Anonymous, null, null, 0, sharing);
        }

        /// <summary>
        /// Throws what <see cref="CreateAnonymous"/> would throw for these arguments before it asks the
        /// operating system for memory, and maps nothing (for -WhatIf, which must refuse what the real
        /// run refuses).
        /// </summary>
        public static void CheckAnonymous(
            long size,
            MemoryProtection protection = MemoryProtection.Read | MemoryProtection.Write,
            MapSharing sharing = MapSharing.Private,
            bool allowWriteExecute = false)
        {
            CheckSize(size);
            CheckProtection(protection, allowWriteExecute);
            CheckSharing(sharing);
            CheckAddressSpace(size);
        }

        /// <summary>
        /// Throws what <see cref="OpenFile(string, long, long?, MemoryProtection, MapSharing, bool)"/>
        /// would throw for these arguments before the file is mapped: the arguments, whether the file
        /// exists and opens with the access the map needs, whether it is a regular file with pages to
        /// map, and whether the range lies inside it. The file is opened and closed again; nothing is
        /// mapped and nothing stays open (for -WhatIf, which must refuse what the real run refuses).
        /// What only the mapping call itself can refuse (address space, executable memory forbidden
        /// by the system) is not foreseen.
        /// </summary>
        public static void CheckFile(
            string path,
            long offset = 0,
            long? size = null,
            MemoryProtection protection = MemoryProtection.Read,
            MapSharing sharing = MapSharing.Shared,
            bool allowWriteExecute = false)
        {
            using (OpenChecked(path, offset, size, protection, sharing, allowWriteExecute, out _, out _, out _))
            {
            }
        }

        /// <summary>
        /// Maps a file from <paramref name="offset"/> for <paramref name="size"/> bytes (null: to the end of
        /// the file). The file is opened read-only unless a shared map asks for Write.
        /// </summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="UnauthorizedAccessException">The file cannot be opened with the access the map needs.</exception>
        /// <exception cref="MemoryMapArgumentException">The range is not inside the file, or an argument is out of range.</exception>
        /// <exception cref="MemoryMapAllocationException">The operating system could not map the file.</exception>
        public static MemoryMap OpenFile(
            string path,
            long offset = 0,
            long? size = null,
            MemoryProtection protection = MemoryProtection.Read,
            MapSharing sharing = MapSharing.Shared,
            bool allowWriteExecute = false)
        {
            FileStream file = OpenChecked(path, offset, size, protection, sharing, allowWriteExecute, out string fullPath, out bool write, out long length);
            try
            {
                return MapChecked(file, ownsFile: true, fileWritable: write, fullPath, offset, length, protection, sharing);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Everything <see cref="OpenFile(string, long, long?, MemoryProtection, MapSharing, bool)"/> checks
        /// before it maps, shared with <see cref="CheckFile"/> so that -WhatIf and the real run refuse
        /// alike: returns the file opened with the access the map needs, and the length to map.
        /// </summary>
        private static FileStream OpenChecked(
            string path, long offset, long? size, MemoryProtection protection, MapSharing sharing, bool allowWriteExecute,
            out string fullPath, out bool write, out long length)
        {
            if (path == null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            CheckRequest(offset, size, protection, sharing, allowWriteExecute);
            fullPath = System.IO.Path.GetFullPath(path);
            write = sharing == MapSharing.Shared && (protection & MemoryProtection.Write) != 0;
            bool execute = (protection & MemoryProtection.Execute) != 0;
            FileStream file = NativeMapper.Current.OpenFile(fullPath, write, execute);
            try
            {
                length = CheckFileRange(file, fullPath, offset, size);
                return file;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Maps a range of a file the caller has opened. The caller keeps ownership of the stream and must
        /// keep it open while the map is in use.
        /// </summary>
        public static MemoryMap OpenFile(
            FileStream file,
            long offset = 0,
            long? size = null,
            MemoryProtection protection = MemoryProtection.Read,
            MapSharing sharing = MapSharing.Shared,
            bool allowWriteExecute = false)
        {
            if (file == null)
            {
                throw new ArgumentNullException(nameof(file));
            }

            CheckRequest(offset, size, protection, sharing, allowWriteExecute);
            if (sharing == MapSharing.Shared && (protection & MemoryProtection.Write) != 0 && !file.CanWrite)
            {
                throw new MemoryMapException(
                    MemoryMapError.ProtectionDenied,
                    "The stream '" + file.Name + "' is read-only, so a shared map of it cannot be writable. Open it with FileAccess.ReadWrite, or map it Private (copy-on-write).");
            }

            long length = CheckFileRange(file, file.Name, offset, size);
            return MapChecked(file, ownsFile: false, fileWritable: file.CanWrite, file.Name, offset, length, protection, sharing);
        }

        /// <summary>Reads <paramref name="count"/> bytes starting at <paramref name="offset"/> into a new array.</summary>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        /// <exception cref="MemoryMapArgumentException">The range is outside the map or too large for one array.</exception>
        /// <exception cref="MemoryMapAccessException">The map's protection does not include Read.</exception>
        /// <exception cref="MemoryMapException">The file has been truncated below the range.</exception>
        public byte[] Read(long offset, long count)
        {
            CheckRange(offset, count);
            if (count > MaxReadCount)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    string.Format(CultureInfo.InvariantCulture, "Count {0} is more than one array can hold ({1} bytes); read the range in smaller pieces.", count, MaxReadCount),
                    nameof(count));
            }

            if (count > LargeArray)
            {
                // Refuse a closed, unreadable or truncated map before allocating a large array for it.
                CheckAccess(offset, count, MemoryProtection.Read);
            }

            byte[] buffer = NewArray<byte>(count);
            Read(offset, buffer, 0, (int)count);
            return buffer;
        }

        /// <summary>Reads <paramref name="count"/> bytes from <paramref name="offset"/> into <paramref name="buffer"/> at <paramref name="index"/>.</summary>
        public unsafe void Read(long offset, byte[] buffer, int index, int count)
        {
            CheckBuffer(buffer, nameof(buffer), index, count);
            fixed (byte* destination = buffer)
            {
                Copy(new ReadOnlySpan<long>(&offset, 1), count, destination + index, count, MemoryProtection.Read);
            }
        }

        /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>; returns the count written.</summary>
        /// <exception cref="MemoryMapAccessException">The map's protection does not include Write.</exception>
        public int Write(long offset, byte[] data) => Write(offset, data, 0, data?.Length ?? 0);

        /// <summary>Writes <paramref name="count"/> bytes of <paramref name="data"/> at <paramref name="offset"/>; returns the count written.</summary>
        public unsafe int Write(long offset, byte[] data, int index, int count)
        {
            CheckBuffer(data, nameof(data), index, count);
            fixed (byte* source = data)
            {
                Copy(new ReadOnlySpan<long>(&offset, 1), count, source + index, count, MemoryProtection.Write);
            }

            return count;
        }

        /// <summary>
        /// Writes all of <paramref name="data"/> at each of <paramref name="offsets"/>. Every range is
        /// checked first: when one cannot be written, nothing is.
        /// </summary>
        public unsafe void Write(long[] offsets, byte[] data)
        {
            if (offsets == null)
            {
                throw new ArgumentNullException(nameof(offsets));
            }

            CheckBuffer(data, nameof(data), 0, data?.Length ?? 0);
            fixed (byte* source = data)
            {
                // A step of 0: the same bytes go to every offset.
                Copy(new ReadOnlySpan<long>(offsets), data.Length, source, 0, MemoryProtection.Write);
            }
        }

        /// <summary>
        /// Changes the protection of the whole map. Write and Execute at once is refused unless
        /// <paramref name="allowWriteExecute"/> is true. Protection applies to whole pages: for a view
        /// whose ends are not on page boundaries, the pages it shares with the rest of its parent change
        /// too (<see cref="DescribeProtectionSpill"/> says which bytes).
        /// </summary>
        /// <exception cref="MemoryMapException">The operating system refused the protection (<see cref="MemoryMapError.ProtectionDenied"/>).</exception>
        public void SetProtection(MemoryProtection protection, bool allowWriteExecute = false)
        {
            CheckProtection(protection, allowWriteExecute);
            _region.Lock.EnterWriteLock();
            try
            {
                AdmitProtection(protection);
                PageSpan(0, Size, out long firstPage, out long endPage);
                NativeMapper.Current.Protect(PageAddress(firstPage), (endPage - firstPage) * NativeMapper.Current.PageSize, protection, Sharing);
                _region.Pages = _region.Pages.With(firstPage, endPage, protection);
            }
            catch (MemoryMapException e) when (e.Error == MemoryMapError.ProtectionDenied && e.NativeErrorCode != 0)
            {
                throw new MemoryMapException(
                    MemoryMapError.ProtectionDenied,
                    "The operating system refused protection " + protection + " for map " + Id + ": " + e.Message + ".",
                    e.NativeErrorCode,
                    e.NativeErrorName);
            }
            finally
            {
                _region.Lock.ExitWriteLock();
            }
        }

        /// <summary>
        /// Throws what <see cref="SetProtection"/> would throw before it asks the operating system:
        /// a protection that is not valid or is Write and Execute without the opt-in, a closed map,
        /// and Write on a shared map whose file or shared memory was opened read-only. Changes nothing
        /// (for -WhatIf, which must refuse what the real run refuses).
        /// </summary>
        public void CheckSetProtection(MemoryProtection protection, bool allowWriteExecute = false)
        {
            CheckProtection(protection, allowWriteExecute);
            _region.Lock.EnterReadLock();
            try
            {
                AdmitProtection(protection);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>The checks of a protection change that depend on the map's state; under its lock.</summary>
        private void AdmitProtection(MemoryProtection protection)
        {
            ThrowIfClosed();
            if (Kind != MemoryMapKind.Anonymous && Sharing == MapSharing.Shared && !_region.BackingWritable && (protection & MemoryProtection.Write) != 0)
            {
                // The OS would refuse too (EACCES, ERROR_ACCESS_DENIED); saying why is more useful.
                throw new MemoryMapException(
                    MemoryMapError.ProtectionDenied,
                    "Protection " + protection + " is not possible for map " + Id + ": " + Describe() + " was opened read-only because the map was created without Write.")
                {
                    Data = { [MemoryMapErrorData.BackingReadOnly] = true },
                };
            }
        }

        /// <summary>Writes the whole map's changes back to the file.</summary>
        public void Sync(bool async = false, bool invalidate = false) => Sync(0, Size, async, invalidate);

        /// <summary>
        /// Writes the changes in a range back to the file: synchronously (durable when it returns) unless
        /// <paramref name="async"/>; <paramref name="invalidate"/> also drops other cached copies (POSIX only).
        /// </summary>
        public unsafe void Sync(long offset, long count, bool async = false, bool invalidate = false)
        {
            _region.Lock.EnterReadLock();
            try
            {
                Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.None);
                if (count == 0)
                {
                    return;
                }

                // msync wants a page-aligned address: widen the range down to its first page.
                long first = (long)(Start + offset);
                long pageStart = first - (first % NativeMapper.Current.PageSize);
                NativeMapper.Current.Flush(new IntPtr(pageStart), first + count - pageStart, _region.Backing, _region.BackingWritable, async, invalidate);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Closes the map and every view made from it. The map that created the memory also unmaps it
        /// and releases the file; a view only stops being usable. Closing twice is harmless.
        /// </summary>
        public void Dispose()
        {
            var closed = new List<int>();
            _region.Lock.EnterWriteLock();
            try
            {
                if (!IsValid)
                {
                    return;
                }

                CloseWithViews(closed);
                ReleaseLocksOfClosed();
                if (Parent == null)
                {
                    _region.Closed = true;
                    _region.Mapping.Dispose();
                }
            }
            finally
            {
                _region.Lock.ExitWriteLock();
            }

            if (Parent == null && _region.OwnsBacking)
            {
                _region.Backing?.Dispose();
            }

            foreach (int id in closed)
            {
                MemoryMapRegistry.Remove(id);
            }
        }

        /// <summary>A one-line description, such as "MemoryMap 3: File /tmp/a.bin, 4096 bytes, Read, Shared".</summary>
        public override string ToString() =>
            string.Format(
                CultureInfo.InvariantCulture,
                "MemoryMap {0}: {1}{2}{3}, {4} bytes, {5}, {6}{7}",
                Id,
                Kind,
                Path != null ? " " + Path : Name != null ? " " + Name : string.Empty,
                Parent == null ? string.Empty : " (view of map " + Parent.Id.ToString(CultureInfo.InvariantCulture) + " at " + ParentOffset.ToString(CultureInfo.InvariantCulture) + ")",
                Size,
                Protection,
                Sharing,
                IsValid ? string.Empty : ", closed");

        /// <summary>"the file '/x'" or "shared memory 'x'", for messages.</summary>
        private string Describe() => Kind == MemoryMapKind.Named ? "shared memory '" + Name + "'" : "the file '" + Path + "'";

        /// <summary>Marks this map and its views, and theirs, closed; under the region's exclusive lock.</summary>
        private void CloseWithViews(List<int> closed)
        {
            _closed = true;
            closed.Add(Id);
            foreach (WeakReference reference in _views)
            {
                if (reference.Target is MemoryMap view && !view._closed)
                {
                    view._closedWithParent = Id;
                    view.CloseWithViews(closed);
                }
            }

            _views.Clear();
        }

        private static void CheckBuffer(byte[] buffer, string name, int index, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(name);
            }

            if (index < 0 || count < 0 || index > buffer.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), "Index and count must describe a range inside the array.");
            }
        }

        private static void CheckSize(long size)
        {
            if (size <= 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.SizeNotPositive, "Size must be positive, got " + size.ToString(CultureInfo.InvariantCulture), nameof(size));
            }
        }

        private static void CheckAddressSpace(long length)
        {
            if (IntPtr.Size == 4 && length > int.MaxValue)
            {
                throw new MemoryMapArgumentException(MemoryMapError.SizeTooLarge, "Size " + length.ToString(CultureInfo.InvariantCulture) + " does not fit in a 32-bit process; map a smaller range.", "size");
            }
        }

        private static void CheckProtection(MemoryProtection protection, bool allowWriteExecute)
        {
            if ((protection & ~AllProtection) != 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.ProtectionInvalid, "Protection " + (int)protection + " is not a combination of None, Read, Write and Execute.", nameof(protection));
            }

            const MemoryProtection writeExecute = MemoryProtection.Write | MemoryProtection.Execute;
            if ((protection & writeExecute) == writeExecute && !allowWriteExecute)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.WriteExecuteRefused,
                    "Protection " + protection + " is writable and executable at once, which hardened systems forbid (W^X) and attackers exploit.",
                    nameof(protection));
            }
        }

        private static void CheckSharing(MapSharing sharing)
        {
            if (sharing != MapSharing.Shared && sharing != MapSharing.Private)
            {
                throw new MemoryMapArgumentException(MemoryMapError.SharingInvalid, "Sharing " + (int)sharing + " is neither Shared nor Private.", nameof(sharing));
            }
        }

        private static void CheckRequest(long offset, long? size, MemoryProtection protection, MapSharing sharing, bool allowWriteExecute)
        {
            if (offset < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.OffsetNegative, "Offset must not be negative, got " + offset.ToString(CultureInfo.InvariantCulture), nameof(offset));
            }

            if (size.HasValue)
            {
                CheckSize(size.Value);
            }

            CheckProtection(protection, allowWriteExecute);
            CheckSharing(sharing);
        }

        /// <summary>
        /// Throws unless the file has pages to map and the range lies inside it; returns the number of
        /// bytes to map (the rest of the file when <paramref name="size"/> is null).
        /// </summary>
        private static long CheckFileRange(FileStream file, string path, long offset, long? size)
        {
            long fileLength = file.Length;
            ThrowIfNotMappable(file, path, fileLength);
            if (fileLength == 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.FileEmpty, "The file '" + path + "' is empty (0 bytes); a map needs at least one byte.", "path");
            }

            if (offset >= fileLength)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.RangeBeyondEndOfFile,
                    string.Format(CultureInfo.InvariantCulture, "Offset {0} is at or past the end of the file '{1}', which is {2} bytes; use an offset below {2}.", offset, path, fileLength),
                    nameof(offset));
            }

            long length = size ?? fileLength - offset;
            if (length > fileLength - offset)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.RangeBeyondEndOfFile,
                    string.Format(CultureInfo.InvariantCulture, "Offset {0} and size {1} reach past the end of the file '{2}', which is {3} bytes; at most {4} bytes can be mapped from offset {0}.", offset, length, path, fileLength, fileLength - offset),
                    nameof(size));
            }

            CheckAddressSpace(length + (offset % NativeMapper.Current.OffsetAlignment));
            return length;
        }

        /// <summary>
        /// Throws unless the file has pages to map. A file of procfs or sysfs is made when it is read:
        /// its size says nothing (0 for most of procfs, a page for sysfs) and most have no pages at all.
        /// Telling the user "empty" or "mmap failed with ENODEV" would hide why.
        /// </summary>
        private static void ThrowIfNotMappable(FileStream file, string path, long fileLength)
        {
            string generatedBy = NativeMapper.Current.GeneratedFileSystem(file);
            if (generatedBy != null && (fileLength == 0 || !NativeMapper.Current.HasPages(file)))
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.FileNotMappable,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "The file '{0}' cannot be mapped: it is on {1}, whose files are made by the system when they are read, so it has no pages to map (the size reported for it, {2} bytes, is not its contents).",
                        path, generatedBy, fileLength),
                    "path");
            }
        }

        /// <summary>Maps a range <see cref="CheckFileRange"/> has admitted.</summary>
        private static MemoryMap MapChecked(
            FileStream file, bool ownsFile, bool fileWritable, string path, long offset, long length,
            MemoryProtection protection, MapSharing sharing)
        {
            // The OS maps from an aligned offset; the bytes before the caller's offset stay hidden.
            long hiddenPrefix = offset % NativeMapper.Current.OffsetAlignment;
            long mappedLength = length + hiddenPrefix;
            IntPtr address = NativeMapper.Current.MapFile(file, fileWritable, offset - hiddenPrefix, mappedLength, protection, sharing);
            var region = new MappedRegion(new MappingHandle(address, mappedLength), protection, file, ownsFile, fileWritable);
            return new MemoryMap(region, hiddenPrefix, length, MemoryMapKind.File, path, null, offset, sharing);
        }
    }
}
