using System;
using System.IO;

namespace Mman
{
    /// <summary>The residency part of the mapper surface: which pages of a mapping are in memory.</summary>
    internal abstract partial class NativeMapper
    {
        /// <summary>
        /// Whether the residency of a mapping is the system's cache of the file (mincore on Linux and
        /// macOS), so that mapping a file just to measure it tells the truth. Windows answers with this
        /// process's working set, in which a fresh view has no pages whatever the system cache holds.
        /// </summary>
        internal abstract bool MeasuresFileCache { get; }

        /// <summary>
        /// Adds to <paramref name="runs"/> whether each of <paramref name="pages"/> pages from
        /// <paramref name="address"/> (page-aligned, inside one mapping of this process) is resident.
        /// </summary>
        internal abstract void AddResidency(IntPtr address, long pages, ResidencyRuns runs);

        /// <summary>
        /// The page cache's counts for <paramref name="length"/> bytes of the file from
        /// <paramref name="offset"/> where the system reports them (Linux cachestat, 6.5 and later);
        /// null elsewhere, and when the call is refused. Never throws.
        /// </summary>
        internal virtual CacheStatistics? GetCacheStatistics(FileStream file, long offset, long length) => null;

        /// <summary>
        /// Whether <see cref="AddResidency"/> over a mapping of the file at <paramref name="path"/> tells
        /// the truth to this process. Linux's mincore shows a file's page cache only to a user who owns
        /// the file or may write to it, and to others reports every page resident, whatever is cached.
        /// </summary>
        internal virtual bool MincoreSeesFileCache(string path) => true;

        /// <summary>
        /// Adds to <paramref name="runs"/> the residency of <paramref name="pages"/> pages of the file
        /// from the page-aligned <paramref name="offset"/>, asked of the page cache by file range
        /// (Linux cachestat) instead of through a mapping; false where the system has no such call.
        /// </summary>
        internal virtual bool AddFileCacheResidency(FileStream file, long offset, long pages, ResidencyRuns runs) => false;

        /// <summary>How many pages one query asks about: a 64 KiB vector, reused, so 1 GiB takes four calls.</summary>
        protected const int ResidencyChunkPages = 64 * 1024;
    }
}
