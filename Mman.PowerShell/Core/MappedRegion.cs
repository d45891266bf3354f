using System.IO;
using System.Threading;

namespace Mman
{
    /// <summary>
    /// One OS mapping and what every map over it shares: the map that created it and the views into
    /// it use one lock, one page-protection table and one backing file, so that a protection change
    /// or a close through any of them is seen by all before memory is touched.
    /// </summary>
    internal sealed class MappedRegion
    {
        internal MappedRegion(MappingHandle mapping, MemoryProtection protection, FileStream file, bool ownsFile, bool fileWritable)
        {
            Mapping = mapping;
            File = file;
            OwnsFile = ownsFile;
            FileWritable = fileWritable;
            long pageSize = NativeMapper.Current.PageSize;
            Pages = new PageProtections((mapping.Length + pageSize - 1) / pageSize, protection);
        }

        /// <summary>The OS mapping; unmapped when the map that created it closes.</summary>
        internal MappingHandle Mapping { get; }

        /// <summary>
        /// Accesses hold it shared; a protection change, creating a view and closing hold it exclusively.
        /// </summary>
        internal ReaderWriterLockSlim Lock { get; } = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);

        /// <summary>The protection of each page; replaced, never changed, under the exclusive lock.</summary>
        internal volatile PageProtections Pages;

        /// <summary>
        /// The file (or, on Linux, the shared-memory object) behind the mapping, whose length is checked
        /// before each access; null where nothing can shrink under the map.
        /// </summary>
        internal FileStream File { get; }

        internal bool OwnsFile { get; }

        /// <summary>Whether the backing object was opened for writing, which a shared writable map needs.</summary>
        internal bool FileWritable { get; }

        /// <summary>Set once, under the exclusive lock, when the mapping is unmapped.</summary>
        internal volatile bool Closed;
    }
}
