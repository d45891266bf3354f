using System.IO;
using System.Threading;

namespace Mman
{
    /// <summary>
    /// One OS mapping and what every map over it shares: the map that created it and the views into
    /// it use one lock, one page-protection table, one backing object and one copier, so that a
    /// protection change or a close through any of them is seen by all before memory is touched.
    /// </summary>
    internal sealed class MappedRegion
    {
        private static long s_created;

        /// <param name="mapping">The OS mapping.</param>
        /// <param name="protection">The protection every page starts with.</param>
        /// <param name="backing">The file, or the shared-memory object as a file, behind the mapping; null for memory without one.</param>
        /// <param name="ownsBacking">Whether closing the mapping closes <paramref name="backing"/>.</param>
        /// <param name="backingWritable">Whether <paramref name="backing"/> was opened for writing.</param>
        internal MappedRegion(MappingHandle mapping, MemoryProtection protection, FileStream backing, bool ownsBacking, bool backingWritable)
        {
            _mapping = mapping;
            Backing = backing;
            OwnsBacking = ownsBacking;
            BackingWritable = backingWritable;
            BackingCanShrink = backing != null && NativeMapper.Current.MappedObjectsCanShrink;
            Copier = BackingCanShrink ? NativeMapper.Current.FaultSafeCopier : MappedMemoryCopier.Plain;
            long pageSize = NativeMapper.Current.PageSize;
            Pages = new PageProtections((mapping.Length + pageSize - 1) / pageSize, protection);
            Sequence = Interlocked.Increment(ref s_created);
        }

        /// <summary>
        /// The order in which regions were created, unique in the process. A copy between two regions
        /// takes their locks in this order, so two copies in opposite directions on two threads cannot
        /// each hold one lock while a writer queued on the other keeps them waiting for ever.
        /// </summary>
        internal long Sequence { get; }

        private volatile MappingHandle _mapping;

        /// <summary>
        /// The OS mapping; unmapped when the map that created it closes. Replaced, with
        /// <see cref="Pages"/> and the root map's size, under the exclusive lock when the map is
        /// resized (Resize-MemoryMap), so an address is valid only while the lock is held.
        /// </summary>
        internal MappingHandle Mapping
        {
            get => _mapping;
            set => _mapping = value;
        }

        /// <summary>
        /// Accesses hold it shared; a protection change, creating a view and closing hold it exclusively.
        /// </summary>
        internal ReaderWriterLockSlim Lock { get; } = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);

        /// <summary>The protection of each page; replaced, never changed, under the exclusive lock (also when the map is resized).</summary>
        internal volatile PageProtections Pages;

        /// <summary>
        /// The file behind the mapping, or on Linux the shared-memory object opened as one: what a sync
        /// flushes and whose length is checked before access. Null for anonymous memory, and for named
        /// memory where nothing can shrink it (macOS, Windows).
        /// </summary>
        internal FileStream Backing { get; }

        internal bool OwnsBacking { get; }

        /// <summary>Whether the backing object was opened for writing, which a shared writable map needs.</summary>
        internal bool BackingWritable { get; }

        /// <summary>
        /// Whether another process can shrink the backing object while it is mapped (a file or Linux
        /// shared memory on POSIX; Windows refuses). Touching a page past its end would then raise
        /// SIGBUS, so its length is checked before every access and the copy must be fault-safe.
        /// </summary>
        internal bool BackingCanShrink { get; }

        /// <summary>How bytes move in and out of the mapping, chosen once from <see cref="BackingCanShrink"/>.</summary>
        internal MappedMemoryCopier Copier { get; }

        /// <summary>
        /// The pages each map over this mapping has locked in memory (Lock-MemoryMap); a map that has
        /// none is not in it. Kept per map because the system does not count locks (one munlock undoes
        /// any number of mlock calls), so only this knows whether another map still wants a page
        /// locked. Read under the shared lock, changed under the exclusive one.
        /// </summary>
        internal readonly System.Collections.Generic.Dictionary<MemoryMap, LockedPages> Locks =
            new System.Collections.Generic.Dictionary<MemoryMap, LockedPages>();

        /// <summary>Set once, under the exclusive lock, when the mapping is unmapped.</summary>
        internal volatile bool Closed;
    }
}
