using System;
using System.IO;

namespace Mman
{
    /// <summary>Residency: which pages of a map, or of a file, are in memory.</summary>
    public sealed partial class MemoryMap
    {
        /// <summary>The residency of the whole map.</summary>
        public MemoryResidency GetResidency() => GetResidency(0, Size);

        /// <summary>
        /// Which pages holding <paramref name="count"/> bytes from <paramref name="offset"/> are in memory
        /// now: on Linux and macOS in the system's page cache (or, for anonymous and private pages, in
        /// memory), on Windows in this process's working set. Reads nothing and faults nothing in.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The range is outside the map.</exception>
        /// <exception cref="ObjectDisposedException">The map is closed.</exception>
        public MemoryResidency GetResidency(long offset, long count)
        {
            _region.Lock.EnterReadLock();
            try
            {
                // The range and whether the map is open, as Admit checks them, but neither protection
                // nor the file's length: residency reads no byte, and asking about pages past a
                // shrunken file's end reports them absent instead of faulting.
                CheckRange(offset, count);
                ThrowIfClosed();
                NativeMapper mapper = NativeMapper.Current;
                long pageSize = mapper.PageSize;
                var runs = new ResidencyRuns();

                // The OS mapping starts on a page boundary; this map's byte 0 is _start bytes into it.
                long firstPage = (_start + offset) / pageSize;
                long endPage = count == 0 ? firstPage : (_start + offset + count + pageSize - 1) / pageSize;
                if (endPage > firstPage && Kind == MemoryMapKind.File && !mapper.MincoreSeesFileCache(Path))
                {
                    // The OS mapping starts at file offset _backingOffset - _start (aligned).
                    AddCacheResidency(mapper, _region.Backing, Path, _backingOffset - _start + (firstPage * pageSize), endPage - firstPage, runs);
                }
                else if (endPage > firstPage)
                {
                    IntPtr address = new IntPtr(_region.Mapping.DangerousGetHandle().ToInt64() + (firstPage * pageSize));
                    mapper.AddResidency(address, endPage - firstPage, runs);
                }

                ResidentRange[] ranges = runs.ToByteRanges(pageSize, (firstPage * pageSize) - _start, offset, offset + count);
                CacheStatistics? cache = _region.Backing != null && count > 0
                    ? mapper.GetCacheStatistics(_region.Backing, _backingOffset + offset, count)
                    : null;
                return new MemoryResidency(Path, this, offset, count, pageSize, runs, ranges, cache);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>
        /// The residency of a file this user may only read, where mincore would report every page
        /// resident: asked of the page cache by file range (cachestat), or refused where the system
        /// has no such call, rather than answered wrong.
        /// </summary>
        private static void AddCacheResidency(NativeMapper mapper, FileStream file, string path, long offset, long pages, ResidencyRuns runs)
        {
            if (!mapper.AddFileCacheResidency(file, offset, pages, runs))
            {
                throw new MemoryMapException(
                    MemoryMapError.FileAccessDenied,
                    "Linux shows which pages of '" + path + "' are cached only to its owner or a user who may write to it (mincore reports every page cached to others, and cachestat, where this kernel has it, refuses them), so this user cannot measure it.");
            }
        }

        /// <summary>
        /// Which pages of a file are in the system's page cache, without keeping anything open: the
        /// file is opened read-only, mapped a window at a time, measured with mincore, and unmapped and
        /// closed before this returns. An empty file has no pages. Linux and macOS only.
        /// </summary>
        /// <exception cref="MemoryMapException">
        /// <see cref="MemoryMapError.NotSupportedOnThisSystem"/> on Windows, which reports residency only
        /// for a process's own working set, where a fresh view has no pages.
        /// </exception>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="UnauthorizedAccessException">The file cannot be opened for reading.</exception>
        /// <exception cref="MemoryMapArgumentException">The path is not a regular file, or a file without pages (procfs, sysfs).</exception>
        public static MemoryResidency GetFileResidency(string path)
        {
            if (path == null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            NativeMapper mapper = NativeMapper.Current;
            if (!mapper.MeasuresFileCache)
            {
                throw new MemoryMapException(
                    MemoryMapError.NotSupportedOnThisSystem,
                    "Windows reports which pages are in a process's working set, not which pages of a file are in the system cache, and a file mapped only to be measured has none in it; measuring a file by its path works on Linux and macOS.");
            }

            string fullPath = System.IO.Path.GetFullPath(path);
            using (FileStream file = mapper.OpenFile(fullPath, write: false, execute: false))
            {
                long length = file.Length;
                ThrowIfNotMappable(file, fullPath, length);
                long pageSize = mapper.PageSize;
                var runs = new ResidencyRuns();
                if (!mapper.MincoreSeesFileCache(fullPath))
                {
                    AddCacheResidency(mapper, file, fullPath, 0, (length + pageSize - 1) / pageSize, runs);
                    return new MemoryResidency(fullPath, null, 0, length, pageSize, runs, runs.ToByteRanges(pageSize, 0, 0, length), mapper.GetCacheStatistics(file, 0, length));
                }

                // A window at a time, so that a file larger than a 32-bit address space is measured too;
                // both sizes are multiples of every page size.
                long window = IntPtr.Size == 8 ? 1L << 30 : 1L << 26;
                for (long offset = 0; offset < length; offset += window)
                {
                    long bytes = Math.Min(window, length - offset);
                    IntPtr address = mapper.MapFile(file, fileWritable: false, offset, bytes, MemoryProtection.Read, MapSharing.Shared);
                    try
                    {
                        mapper.AddResidency(address, (bytes + pageSize - 1) / pageSize, runs);
                    }
                    finally
                    {
                        mapper.Unmap(address, bytes);
                    }
                }

                ResidentRange[] ranges = runs.ToByteRanges(pageSize, 0, 0, length);
                return new MemoryResidency(fullPath, null, 0, length, pageSize, runs, ranges, mapper.GetCacheStatistics(file, 0, length));
            }
        }
    }
}
