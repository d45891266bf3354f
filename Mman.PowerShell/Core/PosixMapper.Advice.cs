using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using static Mman.Interop.Libc;

namespace Mman
{
    /// <summary>
    /// Advice on Linux and macOS. Linux: madvise and posix_fadvise. macOS has no posix_fadvise and its
    /// MADV_DONTNEED and MADV_FREE only let the system reclaim pages lazily, so it evicts with
    /// msync(MS_INVALIDATE), which drops the cached pages of a file range (what vmtouch -e does there),
    /// and discards by mapping fresh pages over the range (MAP_FIXED).
    /// </summary>
    internal sealed partial class PosixMapper
    {
        internal override void Prefetch(IntPtr address, long length) =>
            Advise(address, length, MADV_WILLNEED, "madvise(MADV_WILLNEED)");

        internal override bool SetAccessHint(IntPtr address, long length, MemoryMapAccessHint hint)
        {
            switch (hint)
            {
                case MemoryMapAccessHint.Sequential:
                    Advise(address, length, MADV_SEQUENTIAL, "madvise(MADV_SEQUENTIAL)");
                    break;
                case MemoryMapAccessHint.Random:
                    Advise(address, length, MADV_RANDOM, "madvise(MADV_RANDOM)");
                    break;
                default:
                    Advise(address, length, MADV_NORMAL, "madvise(MADV_NORMAL)");
                    break;
            }

            return true;
        }

        internal override bool EvictsFileCache => true;

        internal override void Evict(IntPtr address, long length, FileStream file, long fileOffset)
        {
            if (_isMacOS)
            {
                // After the MS_SYNC of Flush, MS_INVALIDATE frees the range's pages of the file.
                if (msync(address, (UIntPtr)(ulong)length, _c.MS_INVALIDATE) != 0)
                {
                    throw Failure(MemoryMapError.NativeError, "msync(MS_INVALIDATE)");
                }

                return;
            }

            // Unmap this process's page-table entries first: posix_fadvise leaves a page that any
            // mapping still maps. On a shared file map that loses nothing: the pages stay in the file
            // (synced already), and the next access reads them again.
            if (madvise(address, (UIntPtr)(ulong)length, MADV_DONTNEED) != 0)
            {
                int code = Marshal.GetLastWin32Error();
                if (code == _c.EINVAL)
                {
                    // Linux refuses MADV_DONTNEED on locked pages.
                    throw new MemoryMapException(
                        MemoryMapError.NativeError,
                        "madvise(MADV_DONTNEED) failed with EINVAL: the pages are locked in memory, and locked pages cannot be evicted. Unlock them first.",
                        code,
                        "EINVAL");
                }

                throw Failure(MemoryMapError.NativeError, "madvise(MADV_DONTNEED)", code);
            }

            // posix_fadvise drops clean pages only: a page still dirty (written with write(), or through
            // a map of another process) or under writeback stays. msync writes back nothing for a map
            // of a file opened read-only, as a map of a file by path is, so the range is written back
            // here, whatever wrote it, and waited for.
            int fd = (int)file.SafeFileHandle.DangerousGetHandle();
            if (sync_file_range(fd, fileOffset, length, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0)
            {
                throw Failure(MemoryMapError.NativeError, "sync_file_range");
            }

            int result = posix_fadvise(fd, fileOffset, length, POSIX_FADV_DONTNEED);
            if (result != 0)
            {
                throw Failure(MemoryMapError.NativeError, "posix_fadvise(POSIX_FADV_DONTNEED)", result);
            }
        }

        internal override void CheckDiscard(MemoryMapKind kind, FileStream file)
        {
            if (_isMacOS && kind == MemoryMapKind.Named)
            {
                // The object's descriptor is closed once it is mapped on macOS: nothing to map again from.
                throw new MemoryMapException(
                    MemoryMapError.NotSupportedOnThisSystem,
                    "macOS cannot discard a private map of named shared memory: it discards by mapping the object again over the range, and the object is not kept open. Linux can; on macOS, close the map and open the name again.");
            }
        }

        internal override void Discard(IntPtr address, long length, MemoryMapKind kind, FileStream file, long fileOffset, IReadOnlyList<ProtectionRun> runs)
        {
            if (!_isMacOS)
            {
                // On a private mapping the pages are dropped: anonymous ones read as zeros again, file
                // ones as the file's bytes.
                Advise(address, length, MADV_DONTNEED, "madvise(MADV_DONTNEED)");
                return;
            }

            CheckDiscard(kind, file);

            // macOS: MADV_FREE and MADV_DONTNEED free pages only when memory runs short and keep the
            // contents until then, so new pages are mapped over the range, each run with its protection.
            foreach (ProtectionRun run in runs)
            {
                IntPtr mapped = kind == MemoryMapKind.Anonymous
                    ? mmap(run.Address, (UIntPtr)(ulong)run.Length, (int)run.Protection, MAP_FIXED | MAP_PRIVATE | _c.MAP_ANONYMOUS, -1, 0)
                    : mmap(run.Address, (UIntPtr)(ulong)run.Length, (int)run.Protection, MAP_FIXED | MAP_PRIVATE, (int)file.SafeFileHandle.DangerousGetHandle(), fileOffset + (run.Address.ToInt64() - address.ToInt64()));
                if (mapped == MAP_FAILED)
                {
                    throw Failure(MemoryMapError.NativeError, "mmap(MAP_FIXED)");
                }
            }
        }

        private void Advise(IntPtr address, long length, int advice, string call)
        {
            if (madvise(address, (UIntPtr)(ulong)length, advice) != 0)
            {
                throw Failure(MemoryMapError.NativeError, call);
            }
        }
    }
}
