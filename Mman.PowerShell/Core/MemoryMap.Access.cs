using System;
using System.Globalization;

namespace Mman
{
    /// <summary>
    /// The one checked path every byte takes: <see cref="Admit"/> decides whether a set of ranges may be
    /// touched, <see cref="Copy"/> moves the bytes through the mapping's copier. Read, Write, Gather,
    /// Scatter, the search and the stream all go through here, so a rule is written once.
    /// </summary>
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// Throws what a read (<paramref name="access"/> Read) or a write (Write) of <paramref name="count"/>
        /// bytes at <paramref name="offset"/> would throw now, without copying anything: the range, whether
        /// the map is open, its protection and, for a file, whether the file still covers the range.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The range is outside the map.</exception>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        /// <exception cref="MemoryMapAccessException">The protection of the range does not allow the access.</exception>
        /// <exception cref="MemoryMapException">The file behind the map has been truncated below the range.</exception>
        public void CheckAccess(long offset, long count, MemoryProtection access) =>
            CheckAccess(new ReadOnlySpan<long>(new[] { offset }), count, access);

        /// <summary>
        /// Throws what a gather (<paramref name="access"/> Read) or a scatter (Write) of <paramref name="count"/>
        /// bytes at each of <paramref name="offsets"/> would throw now, without copying anything.
        /// </summary>
        public void CheckAccess(long[] offsets, long count, MemoryProtection access)
        {
            if (offsets == null)
            {
                throw new ArgumentNullException(nameof(offsets));
            }

            CheckAccess(new ReadOnlySpan<long>(offsets), count, access);
        }

        private void CheckAccess(ReadOnlySpan<long> offsets, long count, MemoryProtection access)
        {
            _region.Lock.EnterReadLock();
            try
            {
                Admit(offsets, count, access);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Copies <paramref name="bytesEach"/> bytes between each of <paramref name="offsets"/> and the
        /// caller's memory at <paramref name="buffer"/> + i * <paramref name="bufferStep"/>: out of the map
        /// for <paramref name="access"/> Read, into it for Write. Every range is admitted before the first
        /// byte moves, so a batch that fails changes nothing.
        /// </summary>
        private unsafe void Copy(ReadOnlySpan<long> offsets, long bytesEach, byte* buffer, long bufferStep, MemoryProtection access)
        {
            _region.Lock.EnterReadLock();
            try
            {
                Admit(offsets, bytesEach, access);
                if (bytesEach > 0 && !_region.Copier.Copy(Start, offsets, bytesEach, buffer, bufferStep, toMap: access == MemoryProtection.Write))
                {
                    // Another process shrank the file between Admit's check and the copy.
                    throw Truncated(offsets, bytesEach);
                }
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// Everything an access must pass before memory is touched, checked for every range; called under
        /// the region's shared lock. In order: each range is inside the map (argument errors first), the
        /// map is open, the protection of every page under the ranges allows <paramref name="access"/>, and
        /// the file or shared-memory object behind the map, where another process can shrink it, still
        /// covers the farthest range (touching a page past its end would raise SIGBUS).
        /// </summary>
        private void Admit(ReadOnlySpan<long> offsets, long bytesEach, MemoryProtection access)
        {
            long farthest = 0;
            for (int i = 0; i < offsets.Length; i++)
            {
                CheckRange(offsets[i], bytesEach);
                farthest = Math.Max(farthest, offsets[i]);
            }

            ThrowIfClosed();
            if (_region.Pages.IsUniform || bytesEach == 0)
            {
                // One check answers for every range (a count of 0 is checked against the whole map).
                ThrowUnlessAllowed(offsets.Length == 0 ? 0 : offsets[0], bytesEach, access);
            }
            else
            {
                for (int i = 0; i < offsets.Length; i++)
                {
                    ThrowUnlessAllowed(offsets[i], bytesEach, access);
                }
            }

            if (_region.BackingCanShrink && bytesEach > 0 && offsets.Length > 0
                && _backingOffset + farthest + bytesEach > _region.Backing.Length)
            {
                throw Truncated(offsets, bytesEach);
            }
        }

        /// <summary>Throws unless offset and count describe a range inside the map.</summary>
        private void CheckRange(long offset, long count)
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

        /// <summary>Throws unless every page under the range allows the access (Read or Write).</summary>
        private void ThrowUnlessAllowed(long offset, long count, MemoryProtection access)
        {
            MemoryProtection current = ProtectionOf(offset, count);
            if ((access & ~current & (MemoryProtection.Read | MemoryProtection.Write)) == 0)
            {
                return;
            }

            // Name the bytes only when the map's pages differ, so the common message stays short.
            string which = _region.Pages.IsUniform || count == 0
                ? "its protection is " + current
                : string.Format(CultureInfo.InvariantCulture, "bytes {0}..{1} of map {2} have protection {3}", offset, offset + count - 1, Id, current);
            throw (access & MemoryProtection.Read) != 0 && (current & MemoryProtection.Read) == 0
                ? new MemoryMapAccessException(MemoryMapError.MapNotReadable, "Mapping is not readable: " + which + ".")
                : new MemoryMapAccessException(MemoryMapError.MapNotWritable, "Mapping is not writable: " + which + ".");
        }

        /// <summary>What every page under bytes offset..offset + count - 1 allows (for count 0, the whole map).</summary>
        internal MemoryProtection ProtectionOf(long offset, long count)
        {
            if (count == 0)
            {
                offset = 0;
                count = Size;
            }

            PageSpan(offset, count, out long firstPage, out long endPage);
            return _region.Pages.Common(firstPage, endPage);
        }

        /// <summary>The pages of the OS mapping that hold bytes offset..offset + count - 1 of this map.</summary>
        private void PageSpan(long offset, long count, out long firstPage, out long endPage)
        {
            long pageSize = NativeMapper.Current.PageSize;
            firstPage = (_start + offset) / pageSize;
            endPage = (_start + offset + count + pageSize - 1) / pageSize;
        }

        /// <summary>The address of page <paramref name="page"/> of the OS mapping.</summary>
        private IntPtr PageAddress(long page) =>
            new IntPtr(_region.Mapping.DangerousGetHandle().ToInt64() + (page * NativeMapper.Current.PageSize));

        /// <summary>Whether bytes are copied so that a page gone under the map is an error, not a fault (for tests and diagnostics).</summary>
        internal bool CopiesFaultSafely => _region.Copier.IsFaultSafe;

        /// <summary>Whether the length of the file or object behind the map is checked before each access.</summary>
        internal bool ChecksBackingLength => _region.BackingCanShrink;

        /// <summary>The address of this map's byte 0; only valid under the lock, after <see cref="Admit"/>.</summary>
        private unsafe byte* Start => (byte*)_region.Mapping.DangerousGetHandle() + _start;

        private void ThrowIfClosed()
        {
            if (_closed || _region.Closed)
            {
                string why = _closedByResize
                    ? " was closed when map " + _closedWithParent.ToString(CultureInfo.InvariantCulture) + ", which it is a view of, was resized: its bytes may have moved or be gone. Make the view again from map " + _closedWithParent.ToString(CultureInfo.InvariantCulture)
                    : _closedWithParent != 0
                    ? " was closed with map " + _closedWithParent.ToString(CultureInfo.InvariantCulture) + ", which it is a view of. Views live only as long as their parent"
                    : " was closed";
                throw new ObjectDisposedException(null, "Mapping is closed: map " + Id + why + ".");
            }
        }

        /// <summary>The error for ranges the backing object no longer covers, naming the first of them.</summary>
        private MemoryMapException Truncated(ReadOnlySpan<long> offsets, long count)
        {
            long length = _region.Backing.Length;
            long offset = offsets[0];
            for (int i = 0; i < offsets.Length; i++)
            {
                if (_backingOffset + offsets[i] + count > length)
                {
                    offset = offsets[i];
                    break;
                }
            }

            string format = Kind == MemoryMapKind.Named
                ? "Shared memory '{0}' is now {1} bytes (another process shrank it); the map covers its offsets {2}..{3}, and offset {4} with count {5} reaches past its end. Use the first {6} bytes of the map, or close it and map it again."
                : "The file '{0}' is now {1} bytes; the map covers file offsets {2}..{3}, and offset {4} with count {5} reaches past the file's end. Use the first {6} bytes of the map, or close it and map the file again.";
            return new MemoryMapException(
                MemoryMapError.FileTruncated,
                string.Format(
                    CultureInfo.InvariantCulture, format, Kind == MemoryMapKind.Named ? Name : Path, length,
                    _backingOffset, _backingOffset + Size - 1, offset, count, Math.Max(0, length - _backingOffset)));
        }
    }
}
