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

        private const long LargeRead = 1L << 20;

        private const MemoryProtection AllProtection = MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute;

        private readonly MappingHandle _mapping;
        private readonly long _hiddenPrefix;
        private readonly FileStream _file;
        private readonly bool _ownsFile;
        private readonly bool _fileWritable;
        private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        private volatile MemoryProtection _protection;
        private volatile bool _closed;

        private MemoryMap(
            MappingHandle mapping, long hiddenPrefix, long size, MemoryMapKind kind, string path, long offset,
            MemoryProtection protection, MapSharing sharing, FileStream file, bool ownsFile, bool fileWritable)
        {
            _mapping = mapping;
            _hiddenPrefix = hiddenPrefix;
            _file = file;
            _ownsFile = ownsFile;
            _fileWritable = fileWritable;
            _protection = protection;
            Id = MemoryMapRegistry.NextId();
            Kind = kind;
            Path = path;
            FileOffset = offset;
            Size = size;
            Sharing = sharing;
            MemoryMapRegistry.Add(this);
        }

        /// <summary>A number unique among the maps of this process.</summary>
        public int Id { get; }

        /// <summary>Whether the map is of anonymous memory or of a file.</summary>
        public MemoryMapKind Kind { get; }

        /// <summary>The full path of the mapped file, or null for anonymous memory.</summary>
        public string Path { get; }

        /// <summary>
        /// Where in the file the map starts (0 for anonymous memory). Not called Offset: piping a map
        /// into Read-MemoryMap would bind it to -Offset by property name.
        /// </summary>
        public long FileOffset { get; }

        /// <summary>The number of bytes mapped; valid offsets are 0 to Size - 1.</summary>
        public long Size { get; }

        /// <summary>The address of the map's first byte, or zero once closed.</summary>
        public IntPtr Address => _closed ? IntPtr.Zero : new IntPtr(_mapping.DangerousGetHandle().ToInt64() + _hiddenPrefix);

        /// <summary>The current protection.</summary>
        public MemoryProtection Protection => _protection;

        /// <summary>Whether writes are shared with the file or private to this map (copy-on-write).</summary>
        public MapSharing Sharing { get; }

        /// <summary>True until the map is closed.</summary>
        public bool IsValid => !_closed;

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
            CheckSize(size);
            CheckProtection(protection, allowWriteExecute);
            CheckSharing(sharing);
            CheckAddressSpace(size);
            IntPtr address = NativeMapper.Current.MapAnonymous(size, protection, sharing);
            var mapping = new MappingHandle(address, size);
            return new MemoryMap(mapping, 0, size, MemoryMapKind.Anonymous, null, 0, protection, sharing, null, ownsFile: false, fileWritable: false);
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
            if (path == null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            CheckRequest(offset, size, protection, sharing, allowWriteExecute);
            string fullPath = System.IO.Path.GetFullPath(path);
            bool write = sharing == MapSharing.Shared && (protection & MemoryProtection.Write) != 0;
            bool execute = (protection & MemoryProtection.Execute) != 0;
            FileStream file = NativeMapper.Current.OpenFile(fullPath, write, execute);
            try
            {
                return MapFile(file, ownsFile: true, fileWritable: write, fullPath, offset, size, protection, sharing);
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

            return MapFile(file, ownsFile: false, fileWritable: file.CanWrite, file.Name, offset, size, protection, sharing);
        }

        /// <summary>Reads <paramref name="count"/> bytes starting at <paramref name="offset"/> into a new array.</summary>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        /// <exception cref="MemoryMapArgumentException">The range is outside the map or too large for one array.</exception>
        /// <exception cref="MemoryMapAccessException">The map's protection does not include Read.</exception>
        /// <exception cref="MemoryMapException">The file has been truncated below the range.</exception>
        public unsafe byte[] Read(long offset, long count)
        {
            CheckOffsetAndCount(offset, count);
            if (count > MaxReadCount)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    string.Format(CultureInfo.InvariantCulture, "Count {0} is more than one array can hold ({1} bytes); read the range in smaller pieces.", count, MaxReadCount),
                    nameof(count));
            }

            if (count >= LargeRead)
            {
                // Refuse a closed, unreadable or truncated map before allocating a large array for it.
                _lock.EnterReadLock();
                try
                {
                    Enter(offset, count, MemoryProtection.Read);
                }
                finally
                {
                    _lock.ExitReadLock();
                }
            }

            var buffer = new byte[count];
            Read(offset, buffer, 0, (int)count);
            return buffer;
        }

        /// <summary>Reads from <paramref name="offset"/> into <paramref name="buffer"/>.</summary>
        public unsafe void Read(long offset, byte[] buffer, int index, int count)
        {
            CheckBuffer(buffer, nameof(buffer), index, count);
            CheckOffsetAndCount(offset, count);
            _lock.EnterReadLock();
            try
            {
                byte* source = Enter(offset, count, MemoryProtection.Read);
                if (count > 0)
                {
                    fixed (byte* destination = buffer)
                    {
                        if (_file == null)
                        {
                            Buffer.MemoryCopy(source, destination + index, count, count);
                        }
                        else if (!NativeMapper.Current.CopyFromFileMap(source, destination + index, count))
                        {
                            throw Truncated(offset, count);
                        }
                    }
                }
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>; returns the count written.</summary>
        /// <exception cref="MemoryMapAccessException">The map's protection does not include Write.</exception>
        public int Write(long offset, byte[] data) => Write(offset, data, 0, data?.Length ?? 0);

        /// <summary>Writes <paramref name="count"/> bytes of <paramref name="data"/> at <paramref name="offset"/>; returns the count written.</summary>
        public unsafe int Write(long offset, byte[] data, int index, int count)
        {
            CheckBuffer(data, nameof(data), index, count);
            CheckOffsetAndCount(offset, count);
            _lock.EnterReadLock();
            try
            {
                byte* destination = Enter(offset, count, MemoryProtection.Write);
                if (count > 0)
                {
                    fixed (byte* source = data)
                    {
                        if (_file == null)
                        {
                            Buffer.MemoryCopy(source + index, destination, count, count);
                        }
                        else if (!NativeMapper.Current.CopyToFileMap(source + index, destination, count))
                        {
                            throw Truncated(offset, count);
                        }
                    }
                }

                return count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Changes the protection of the whole map. Write and Execute at once is refused unless
        /// <paramref name="allowWriteExecute"/> is true.
        /// </summary>
        /// <exception cref="MemoryMapException">The operating system refused the protection (<see cref="MemoryMapError.ProtectionDenied"/>).</exception>
        public void SetProtection(MemoryProtection protection, bool allowWriteExecute = false)
        {
            CheckProtection(protection, allowWriteExecute);
            _lock.EnterWriteLock();
            try
            {
                ThrowIfClosed();
                if (Kind == MemoryMapKind.File && Sharing == MapSharing.Shared && !_fileWritable && (protection & MemoryProtection.Write) != 0)
                {
                    // The OS would refuse too (EACCES, ERROR_ACCESS_DENIED); saying why is more useful.
                    throw new MemoryMapException(
                        MemoryMapError.ProtectionDenied,
                        "Protection " + protection + " is not possible for map " + Id + ": the file was opened read-only because the map was created without Write. Create the map with -Protection Read,Write to write to the file, or with -Sharing Private for writes that stay in memory.");
                }

                NativeMapper.Current.Protect(_mapping.DangerousGetHandle(), _mapping.Length, protection, Sharing);
                _protection = protection;
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
                _lock.ExitWriteLock();
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
            CheckOffsetAndCount(offset, count);
            _lock.EnterReadLock();
            try
            {
                byte* start = Enter(offset, count, MemoryProtection.None);
                if (count == 0)
                {
                    return;
                }

                // msync wants a page-aligned address: widen the range down to its first page.
                long first = (long)start;
                long pageStart = first - (first % NativeMapper.Current.PageSize);
                NativeMapper.Current.Flush(new IntPtr(pageStart), first + count - pageStart, _file, _fileWritable, async, invalidate);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        /// <summary>Unmaps the memory and releases the file. Closing twice is harmless.</summary>
        public void Dispose()
        {
            _lock.EnterWriteLock();
            try
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                _mapping.Dispose();
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            if (_ownsFile)
            {
                _file.Dispose();
            }

            MemoryMapRegistry.Remove(Id);
        }

        /// <summary>A one-line description, such as "MemoryMap 3: File /tmp/a.bin, 4096 bytes, Read, Shared".</summary>
        public override string ToString() =>
            string.Format(
                CultureInfo.InvariantCulture,
                "MemoryMap {0}: {1}{2}, {3} bytes, {4}, {5}{6}",
                Id, Kind, Path == null ? string.Empty : " " + Path, Size, Protection, Sharing, _closed ? ", closed" : string.Empty);

        /// <summary>
        /// Everything an access must pass before memory is touched, under the shared lock: the map is
        /// open, the protection allows it, and the file still covers the range. Returns the address of
        /// <paramref name="offset"/>.
        /// </summary>
        private unsafe byte* Enter(long offset, long count, MemoryProtection needed)
        {
            ThrowIfClosed();
            MemoryProtection current = _protection;
            if ((needed & MemoryProtection.Read) != 0 && (current & MemoryProtection.Read) == 0)
            {
                throw new MemoryMapAccessException(
                    MemoryMapError.MapNotReadable,
                    "Mapping is not readable: its protection is " + current + ". Add Read with Set-MemoryMapProtection first.");
            }

            if ((needed & MemoryProtection.Write) != 0 && (current & MemoryProtection.Write) == 0)
            {
                throw new MemoryMapAccessException(
                    MemoryMapError.MapNotWritable,
                    "Mapping is not writable: its protection is " + current + ". Add Write with Set-MemoryMapProtection first.");
            }

            // Touching a page past the end of a file raises SIGBUS, so check the file's length first.
            // (Another process can still truncate it between this check and the copy: on Linux the
            // copy itself then fails safely, see NativeMapper.CopyFromFileMap.)
            if (_file != null && count > 0 && FileOffset + offset + count > _file.Length)
            {
                throw Truncated(offset, count);
            }

            return (byte*)_mapping.DangerousGetHandle() + _hiddenPrefix + offset;
        }

        private MemoryMapException Truncated(long offset, long count)
        {
            long fileLength = _file.Length;
            return new MemoryMapException(
                MemoryMapError.FileTruncated,
                string.Format(
                    CultureInfo.InvariantCulture,
                    "The file '{0}' is now {1} bytes; the map covers file offsets {2}..{3}, and offset {4} with count {5} reaches past the file's end. Use the first {6} bytes of the map, or close it and map the file again.",
                    Path, fileLength, FileOffset, FileOffset + Size - 1, offset, count, Math.Max(0, fileLength - FileOffset)));
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new ObjectDisposedException(null, "Mapping is closed: map " + Id + " was closed. Create a new map with New-MemoryMap.");
            }
        }

        /// <summary>Throws unless offset and count describe a range inside the map.</summary>
        internal void CheckOffsetAndCount(long offset, long count)
        {
            if (offset < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.OffsetNegative, "Offset must not be negative, got " + offset.ToString(CultureInfo.InvariantCulture), nameof(offset));
            }

            if (count < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.CountNegative, "Count must not be negative, got " + count.ToString(CultureInfo.InvariantCulture), nameof(count));
            }

            // Written so that no sum can overflow: offset <= Size, then count <= Size - offset.
            if (offset > Size || count > Size - offset)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.RangeOutsideMap,
                    string.Format(CultureInfo.InvariantCulture, "Offset {0} and count {1} are outside the map: it is {2} bytes, so offset + count must be at most {2}.", offset, count, Size),
                    nameof(offset));
            }
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
                    "Protection " + protection + " is writable and executable at once, which hardened systems forbid (W^X) and attackers exploit. Write with Read,Write, then switch to Read,Execute with Set-MemoryMapProtection; or pass -AllowWriteExecute if both at once are really needed.",
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

        private static MemoryMap MapFile(
            FileStream file, bool ownsFile, bool fileWritable, string path, long offset, long? size,
            MemoryProtection protection, MapSharing sharing)
        {
            long fileLength = file.Length;
            if (fileLength == 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.FileEmpty, "The file '" + path + "' is empty (0 bytes); a map needs at least one byte. Write to the file first, or map anonymous memory with -Size.", "path");
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

            // The OS maps from an aligned offset; the bytes before the caller's offset stay hidden.
            long hiddenPrefix = offset % NativeMapper.Current.OffsetAlignment;
            long mappedLength = length + hiddenPrefix;
            CheckAddressSpace(mappedLength);
            IntPtr address = NativeMapper.Current.MapFile(file, fileWritable, offset - hiddenPrefix, mappedLength, protection, sharing);
            var mapping = new MappingHandle(address, mappedLength);
            return new MemoryMap(mapping, hiddenPrefix, length, MemoryMapKind.File, path, offset, protection, sharing, file, ownsFile, fileWritable);
        }
    }
}
