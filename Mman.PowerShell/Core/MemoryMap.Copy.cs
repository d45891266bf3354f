using System;
using System.Globalization;

namespace Mman
{
    /// <summary>
    /// Copies between two ranges of mapped memory without a trip through the caller's memory: within
    /// one map (Python's <c>mmap.move</c>), between a map and its views, and between any two maps.
    /// Overlapping ranges are copied as if through a temporary buffer (memmove).
    /// </summary>
    public sealed partial class MemoryMap
    {
        // Where the two ranges overlap and a plain memmove cannot be used (a fault-safe copier, or two
        // mappings of one file), the bytes go through a buffer of at most this many bytes at a time.
        private const int BounceSize = 1 << 20;

        /// <summary>
        /// Copies <paramref name="count"/> bytes at <paramref name="offset"/> of this map to
        /// <paramref name="destinationOffset"/> of <paramref name="destination"/>, which may be this map,
        /// a view of it, the map it is a view of, or any other map. Overlapping ranges end as if the
        /// source had been copied to a temporary buffer first. Both ranges are checked before a byte
        /// moves: a copy that fails changes nothing.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
        /// <exception cref="MemoryMapArgumentException">A range is outside its map.</exception>
        /// <exception cref="ObjectDisposedException">One of the maps is closed.</exception>
        /// <exception cref="MemoryMapAccessException">The source is not readable (<see cref="MemoryMapError.MapNotReadable"/>) or the destination not writable (<see cref="MemoryMapError.MapNotWritable"/>).</exception>
        /// <exception cref="MemoryMapException">The file or shared memory behind a map has been truncated below its range (<see cref="MemoryMapError.FileTruncated"/>).</exception>
        public void CopyTo(long offset, MemoryMap destination, long destinationOffset, long count) =>
            CopyTo(offset, destination, destinationOffset, count, 0, null);

        /// <summary>
        /// Moves <paramref name="count"/> bytes within this map from <paramref name="sourceOffset"/> to
        /// <paramref name="destinationOffset"/>, overlap-safe; the arguments in the order of Python's
        /// <c>mmap.move(dest, src, count)</c>. See <see cref="CopyTo(long, MemoryMap, long, long)"/>.
        /// </summary>
        public void Move(long destinationOffset, long sourceOffset, long count) =>
            CopyTo(sourceOffset, this, destinationOffset, count, 0, null);

        /// <summary>
        /// Throws what <see cref="CopyTo(long, MemoryMap, long, long)"/> would throw for these arguments
        /// now, and copies nothing (for -WhatIf, which must refuse what the real run refuses).
        /// </summary>
        public void CheckCopy(long offset, MemoryMap destination, long destinationOffset, long count)
        {
            if (destination == null)
            {
                throw new ArgumentNullException(nameof(destination));
            }

            EnterCopyLocks(destination, out MappedRegion first, out MappedRegion second);
            try
            {
                AdmitCopy(offset, destination, destinationOffset, count);
            }
            finally
            {
                ExitCopyLocks(first, second);
            }
        }

        /// <summary>
        /// The copy, in chunks of <paramref name="chunkSize"/> bytes (0: as few as the copy needs), calling
        /// <paramref name="copied"/> with the bytes copied so far after each. An exception from it stops
        /// the copy there: the chunks are taken from the end of the ranges backward when the destination
        /// lies above an overlapping source, from the start otherwise, so what is not yet copied is still
        /// intact in the source and a second call with the rest finishes the copy.
        /// </summary>
        internal void CopyTo(long offset, MemoryMap destination, long destinationOffset, long count, long chunkSize, Action<long> copied)
        {
            if (destination == null)
            {
                throw new ArgumentNullException(nameof(destination));
            }

            EnterCopyLocks(destination, out MappedRegion first, out MappedRegion second);
            try
            {
                AdmitCopy(offset, destination, destinationOffset, count);
                if (count > 0)
                {
                    CopyAdmitted(offset, destination, destinationOffset, count, chunkSize, copied);
                }
            }
            finally
            {
                ExitCopyLocks(first, second);
            }
        }

        /// <summary>
        /// Whether a copy would move its chunks from the end backward: the destination starts above an
        /// overlapping source (for a stopped copy, whether its last bytes or its first are done).
        /// </summary>
        internal bool CopiesBackward(long offset, MemoryMap destination, long destinationOffset) =>
            Overlap(offset, destination, destinationOffset, out long from, out long to) && to > from;

        /// <summary>
        /// Takes the shared locks of this map's region and the destination's, one lock when they share
        /// one. Two regions are always locked in the order they were created: two copies in opposite
        /// directions on two threads then never hold one lock each while a queued writer on the other
        /// makes them wait for each other.
        /// </summary>
        private void EnterCopyLocks(MemoryMap destination, out MappedRegion first, out MappedRegion second)
        {
            first = _region;
            second = destination._region;
            if (ReferenceEquals(first, second))
            {
                second = null;
            }
            else if (second.Sequence < first.Sequence)
            {
                MappedRegion earlier = second;
                second = first;
                first = earlier;
            }

            first.Lock.EnterReadLock();
            if (second != null)
            {
                try
                {
                    second.Lock.EnterReadLock();
                }
                catch
                {
                    first.Lock.ExitReadLock();
                    throw;
                }
            }
        }

        private static void ExitCopyLocks(MappedRegion first, MappedRegion second)
        {
            second?.Lock.ExitReadLock();
            first.Lock.ExitReadLock();
        }

        /// <summary>
        /// Everything a copy must pass, under both locks: both ranges inside their maps (argument errors
        /// first, the destination's naming it), then the source as a read and the destination as a write
        /// (open, protection, the backing object still covering the range).
        /// </summary>
        private unsafe void AdmitCopy(long offset, MemoryMap destination, long destinationOffset, long count)
        {
            CheckRange(offset, count);
            try
            {
                destination.CheckRange(destinationOffset, count);
            }
            catch (MemoryMapArgumentException e)
            {
                throw new MemoryMapArgumentException(
                    e.Error,
                    "At the destination, map " + destination.Id.ToString(CultureInfo.InvariantCulture) + ": " + e.Message.Replace("Offset", "destination offset"),
                    nameof(destinationOffset));
            }

            Admit(new ReadOnlySpan<long>(&offset, 1), count, MemoryProtection.Read);
            destination.Admit(new ReadOnlySpan<long>(&destinationOffset, 1), count, MemoryProtection.Write);
        }

        /// <summary>The copy itself, under both locks, after <see cref="AdmitCopy"/>.</summary>
        private unsafe void CopyAdmitted(long offset, MemoryMap destination, long destinationOffset, long count, long chunkSize, Action<long> copied)
        {
            MappedRegion source = _region;
            MappedRegion target = destination._region;
            bool mayOverlap = Overlap(offset, destination, destinationOffset, out long fromPosition, out long toPosition);
            long distance = mayOverlap ? Math.Abs(toPosition - fromPosition) : long.MaxValue;
            bool backward = mayOverlap && toPosition > fromPosition;

            // memmove is overlap-safe by address, so right within one mapping; two mappings of one file
            // overlap at different addresses, and a fault-safe copier is not overlap-safe at all.
            bool memmove = !source.Copier.IsFaultSafe && !target.Copier.IsFaultSafe
                && (ReferenceEquals(source, target) || !mayOverlap);
            long chunk = chunkSize > 0 ? chunkSize : memmove || distance >= count ? count : BounceSize;

            // Bytes go through the buffer at most BounceSize at a time, even within a larger progress
            // chunk: a buffer that stays in the CPU's cache makes its two copies about twice as fast.
            long step = !memmove && distance < Math.Min(chunk, count) ? Math.Min(chunk, BounceSize) : chunk;
            long report = Math.Min(chunk, count);

            // Addresses come from Start under the lock, never kept across calls (a resize remaps).
            byte* from = Start + offset;
            byte* to = destination.Start + destinationOffset;
            byte[] bounce = null;
            long zero = 0;
            var atStart = new ReadOnlySpan<long>(&zero, 1);
            for (long done = 0; done < count;)
            {
                long length = Math.Min(step, count - done);
                long at = backward ? count - done - length : done;
                bool ok = true;
                if (memmove)
                {
                    Buffer.MemoryCopy(from + at, to + at, length, length);
                }
                else if (distance >= length)
                {
                    // The chunk's two ranges are apart: one copy, by the copier that is fault-safe if
                    // either is. Its "caller's memory" side is then the other map, which the Linux
                    // copier also touches only through the kernel, so a page gone on either side is a
                    // failed copy, not SIGBUS.
                    ok = source.Copier.IsFaultSafe || !target.Copier.IsFaultSafe
                        ? source.Copier.Copy(from + at, atStart, length, to + at, length, toMap: false)
                        : target.Copier.Copy(to + at, atStart, length, from + at, length, toMap: true);
                }
                else
                {
                    // Overlapping within the chunk: read all of it out before writing any of it.
                    bounce ??= new byte[Math.Min(step, count)];
                    fixed (byte* buffer = bounce)
                    {
                        ok = source.Copier.Copy(from + at, atStart, length, buffer, length, toMap: false)
                            && target.Copier.Copy(to + at, atStart, length, buffer, length, toMap: true);
                    }
                }

                if (!ok)
                {
                    // Another process shrank a file between the check and the copy.
                    throw TruncatedInCopy(offset, destination, destinationOffset, count);
                }

                done += length;
                if (done >= report)
                {
                    report = Math.Min(report + chunk, count);
                    copied?.Invoke(done);
                }
            }
        }

        /// <summary>
        /// Whether the source range at <paramref name="offset"/> and a destination range may be the same
        /// memory, and where each starts in a space both share: addresses when both maps are over one
        /// mapping (a map and its views), positions in the file or shared memory when they are separate
        /// mappings of one object (a write through one shows through the other). Two files whose paths
        /// differ only in case are taken as one: a needless buffer, never a wrong result.
        /// </summary>
        private unsafe bool Overlap(long offset, MemoryMap destination, long destinationOffset, out long from, out long to)
        {
            if (ReferenceEquals(_region, destination._region))
            {
                from = _start + offset;
                to = destination._start + destinationOffset;
                return true;
            }

            bool sameObject = Kind == destination.Kind
                && ((Kind == MemoryMapKind.File && string.Equals(Path, destination.Path, StringComparison.OrdinalIgnoreCase))
                    || (Kind == MemoryMapKind.Named && string.Equals(Name, destination.Name, StringComparison.Ordinal)));
            from = _backingOffset + offset;
            to = destination._backingOffset + destinationOffset;
            return sameObject;
        }

        /// <summary>The FileTruncated error of a copy that found a page gone: the destination's if its object is now too short, else the source's.</summary>
        private unsafe MemoryMapException TruncatedInCopy(long offset, MemoryMap destination, long destinationOffset, long count)
        {
            MappedRegion target = destination._region;
            if (target.BackingCanShrink && destination._backingOffset + destinationOffset + count > target.Backing.Length)
            {
                return destination.Truncated(new ReadOnlySpan<long>(&destinationOffset, 1), count);
            }

            return Truncated(new ReadOnlySpan<long>(&offset, 1), count);
        }
    }
}
