using System.Globalization;

namespace Mman
{
    /// <summary>
    /// Which pages of a file or a map are in memory, as <see cref="MemoryMap.GetResidency(long, long)"/>
    /// and <see cref="MemoryMap.GetFileResidency"/> measured them at one moment. On Linux and macOS the
    /// answer is the system's page cache (mincore); on Windows it is this process's working set
    /// (QueryWorkingSetEx), which holds only the pages this process has touched, not the system's file cache.
    /// </summary>
    public sealed class MemoryResidency
    {
        private readonly ResidencyRuns _runs;

        internal MemoryResidency(
            string path, MemoryMap map, long offset, long size, long pageSize, ResidencyRuns runs,
            ResidentRange[] ranges, CacheStatistics? cache)
        {
            _runs = runs;
            Path = path;
            Map = map;
            Offset = offset;
            Size = size;
            PageSize = pageSize;
            Pages = runs.Pages;
            ResidentPages = runs.ResidentPages;
            ResidentRanges = ranges;
            if (cache.HasValue)
            {
                Dirty = cache.Value.Dirty;
                Writeback = cache.Value.Writeback;
                Evicted = cache.Value.Evicted;
                RecentlyEvicted = cache.Value.RecentlyEvicted;
            }
        }

        /// <summary>The full path of the file measured, or of the file the map is of; null for memory without a file.</summary>
        public string Path { get; }

        /// <summary>The map measured, or null when a file was measured by its path.</summary>
        public MemoryMap Map { get; }

        /// <summary>Where the range measured starts: a byte offset in the map, or 0 for a whole file.</summary>
        public long Offset { get; }

        /// <summary>The number of bytes measured.</summary>
        public long Size { get; }

        /// <summary>The size of a page of this system, the unit of residency.</summary>
        public long PageSize { get; }

        /// <summary>The pages that hold the range (a range that does not start on a page boundary shares its first page).</summary>
        public long Pages { get; }

        /// <summary>How many of <see cref="Pages"/> are in memory.</summary>
        public long ResidentPages { get; }

        /// <summary>ResidentPages as a percentage of Pages (0 when there are no pages).</summary>
        public double Percent => Pages == 0 ? 0 : 100.0 * ResidentPages / Pages;

        /// <summary>
        /// The runs of resident bytes, in the coordinates of <see cref="Offset"/>: from the start of
        /// the file, or of the map.
        /// </summary>
        public ResidentRange[] ResidentRanges { get; }

        /// <summary>Pages of the range in the page cache that are dirty (Linux 6.5 and later; otherwise null).</summary>
        public long? Dirty { get; }

        /// <summary>Pages of the range being written back (Linux 6.5 and later; otherwise null).</summary>
        public long? Writeback { get; }

        /// <summary>Pages of the range evicted from the page cache (Linux 6.5 and later; otherwise null).</summary>
        public long? Evicted { get; }

        /// <summary>Evicted pages of the range that were recently in use (Linux 6.5 and later; otherwise null).</summary>
        public long? RecentlyEvicted { get; }

        /// <summary>
        /// A picture of the range in at most <paramref name="cells"/> cells between brackets, as vmtouch -v
        /// draws it: ' ' where none of a cell's pages is resident, 'o' where some are, 'O' where all are.
        /// </summary>
        public string GetStrip(int cells) => _runs.Strip(cells);

        /// <summary>A one-line description, such as "/tmp/a.bin: 3 of 4 pages resident (75 %)".</summary>
        public override string ToString() =>
            string.Format(
                CultureInfo.InvariantCulture,
                "{0}: {1} of {2} pages resident ({3:0.#} %)",
                Map != null ? "MemoryMap " + Map.Id.ToString(CultureInfo.InvariantCulture) : Path,
                ResidentPages,
                Pages,
                Percent);
    }

    /// <summary>A run of resident bytes: <see cref="Length"/> bytes from <see cref="Offset"/>.</summary>
    public sealed class ResidentRange
    {
        /// <summary>Makes a range.</summary>
        public ResidentRange(long offset, long length)
        {
            Offset = offset;
            Length = length;
        }

        /// <summary>The first byte of the run.</summary>
        public long Offset { get; }

        /// <summary>The number of bytes in the run.</summary>
        public long Length { get; }

        /// <summary>"offset+length", as in "0+8192".</summary>
        public override string ToString() =>
            Offset.ToString(CultureInfo.InvariantCulture) + "+" + Length.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>What Linux's cachestat reports of a file range beyond residency.</summary>
    internal struct CacheStatistics
    {
        internal long Cached;
        internal long Dirty;
        internal long Writeback;
        internal long Evicted;
        internal long RecentlyEvicted;
    }
}
