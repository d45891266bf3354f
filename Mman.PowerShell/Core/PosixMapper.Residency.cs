using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Mman
{
    /// <summary>Residency on Linux and macOS: mincore over the mapping, and cachestat where Linux has it.</summary>
    internal sealed partial class PosixMapper
    {
        // 0 unknown, 1 present, -1 absent (ENOSYS): asked once per process, not per file.
        private static int s_cachestat;

        // mincore reports the system's page cache for a file mapping (on Linux only to a user who
        // owns the file or may write to it: see MincoreSeesFileCache).
        internal override bool MeasuresFileCache => true;

        internal override void AddResidency(IntPtr address, long pages, ResidencyRuns runs)
        {
            // Linux fills bit 0 of each byte (the others are reserved); macOS MINCORE_INCORE (0x1) and
            // more bits (referenced, modified, ...) that residency does not need.
            byte mask = _isMacOS ? Interop.Libc.MINCORE_INCORE : Interop.Libc.MINCORE_RESIDENT_LINUX;
            var vector = new byte[(int)Math.Min(pages, ResidencyChunkPages)];
            long pageSize = PageSize;
            for (long done = 0; done < pages;)
            {
                int n = (int)Math.Min(pages - done, vector.Length);
                IntPtr start = new IntPtr(address.ToInt64() + (done * pageSize));
                if (Interop.Libc.mincore(start, (UIntPtr)(ulong)(n * pageSize), vector) != 0)
                {
                    int errno = Marshal.GetLastWin32Error();
                    if (errno == _c.EAGAIN)
                    {
                        // The kernel was short of memory for a moment: ask again.
                        continue;
                    }

                    throw Failure(MemoryMapError.NativeError, "mincore", errno);
                }

                runs.Add(vector, n, mask);
                done += n;
            }
        }

        internal override bool MincoreSeesFileCache(string path)
        {
            if (_isMacOS)
            {
                return true;
            }

            // The kernel's can_do_mincore: the owner (or CAP_FOWNER, which root has), or write
            // permission to the inode (a read-only mount refuses it).
            uint euid = Interop.Libc.geteuid();
            if (euid == 0)
            {
                return true;
            }

            bool? found = Interop.Libc.Statx(Interop.Libc.AT_FDCWD, path, 0, Interop.Libc.STATX_UID, out Interop.Libc.statx_buf status);
            if (found == null)
            {
                // A C library without statx cannot tell the owner; assume mincore sees the cache, as
                // it does for the owner.
                return true;
            }

            if (found == true && status.stx_uid == euid)
            {
                return true;
            }

            return Interop.Libc.faccessat(Interop.Libc.AT_FDCWD, path, Interop.Libc.W_OK, Interop.Libc.AT_EACCESS) == 0;
        }

        internal override bool AddFileCacheResidency(FileStream file, long offset, long pages, ResidencyRuns runs)
        {
            if (pages == 0)
            {
                return true;
            }

            CacheStatistics? whole = GetCacheStatistics(file, offset, pages * PageSize);
            if (!whole.HasValue)
            {
                return false;
            }

            AddByHalves(file, offset, pages, whole.Value.Cached, runs);
            return true;
        }

        // cachestat counts the cached pages of a byte range: a range with none or all cached is one
        // uniform run; any other is split in two, so a file that is mostly one or the other costs a
        // few calls, and the worst case one call per page.
        private void AddByHalves(FileStream file, long offset, long pages, long cached, ResidencyRuns runs)
        {
            if (cached <= 0 || cached >= pages)
            {
                runs.AddUniform(pages, cached > 0);
                return;
            }

            long firstHalf = pages / 2;
            long firstCached = GetCacheStatistics(file, offset, firstHalf * PageSize)?.Cached ?? 0;
            AddByHalves(file, offset, firstHalf, firstCached, runs);
            AddByHalves(file, offset + (firstHalf * PageSize), pages - firstHalf, cached - firstCached, runs);
        }

        internal override unsafe CacheStatistics? GetCacheStatistics(FileStream file, long offset, long length)
        {
            long number = Interop.Libc.SYS_cachestat;
            if (_isMacOS || number == 0 || s_cachestat < 0 || length <= 0)
            {
                return null;
            }

            var range = new Interop.Libc.cachestat_range { off = (ulong)offset, len = (ulong)length };
            var stat = default(Interop.Libc.cachestat);
            long fd = (long)file.SafeFileHandle.DangerousGetHandle();
            if (Interop.Libc.syscall(number, fd, (IntPtr)(&range), (IntPtr)(&stat), 0) != 0)
            {
                // ENOSYS: a kernel before 6.5 (or a seccomp filter that says so). Anything else
                // (EOPNOTSUPP on hugetlbfs, EPERM from a sandbox) leaves this file without the counts.
                if (Marshal.GetLastWin32Error() == _c.ENOSYS)
                {
                    s_cachestat = -1;
                }

                return null;
            }

            s_cachestat = 1;
            return new CacheStatistics
            {
                Cached = (long)stat.nr_cache,
                Dirty = (long)stat.nr_dirty,
                Writeback = (long)stat.nr_writeback,
                Evicted = (long)stat.nr_evicted,
                RecentlyEvicted = (long)stat.nr_recently_evicted,
            };
        }
    }
}
