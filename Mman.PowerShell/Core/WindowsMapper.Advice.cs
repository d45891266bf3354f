using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using static Mman.Interop.Kernel32;

namespace Mman
{
    /// <summary>
    /// Advice on Windows. PrefetchVirtualMemory reads a view's pages in (Windows 8 and later). Windows
    /// has no access hints for views and no call that purges one file from the system file cache:
    /// evicting removes a view's pages from the working set (VirtualUnlock on pages that are not
    /// locked), which moves them to the standby list, still cached. Discarding writes what the pages
    /// would hold afresh (zeros, or the file's bytes), since a view cannot be re-created in place.
    /// </summary>
    internal sealed partial class WindowsMapper
    {
        // What the writes of Discard go through, at most, at a time.
        private const int DiscardChunk = 1 << 20;

        internal override unsafe void Prefetch(IntPtr address, long length)
        {
            var entry = new WIN32_MEMORY_RANGE_ENTRY { VirtualAddress = address, NumberOfBytes = (UIntPtr)(ulong)length };
            bool done;
            try
            {
                done = PrefetchVirtualMemory(GetCurrentProcess(), (UIntPtr)1u, &entry, 0);
            }
            catch (EntryPointNotFoundException)
            {
                throw new MemoryMapException(
                    MemoryMapError.NotSupportedOnThisSystem,
                    "This version of Windows has no PrefetchVirtualMemory, which prefetching needs (Windows 8 and Windows Server 2012 and later have it). Read the pages instead (touching them).");
            }

            if (!done)
            {
                throw Failure(MemoryMapError.NativeError, "PrefetchVirtualMemory");
            }
        }

        // Windows has no counterpart of madvise's access hints for mapped views.
        internal override bool SetAccessHint(IntPtr address, long length, MemoryMapAccessHint hint) => false;

        internal override bool EvictsFileCache => false;

        internal override unsafe void Evict(IntPtr address, long length, FileStream file, long fileOffset)
        {
            // Documented: VirtualUnlock on pages that are not locked fails with ERROR_NOT_LOCKED and
            // removes them from the working set. On locked pages it would unlock them instead, so
            // it is called only on runs of pages that QueryWorkingSetEx reports in the working set
            // and not locked: evicting must never undo a lock.
            const int Batch = 4096;
            var entries = new PSAPI_WORKING_SET_EX_INFORMATION[Batch];
            long pages = (length + _pageSize - 1) / _pageSize;
            for (long first = 0; first < pages; first += Batch)
            {
                int n = (int)Math.Min(Batch, pages - first);
                for (int i = 0; i < n; i++)
                {
                    entries[i].VirtualAddress = new IntPtr(address.ToInt64() + ((first + i) * _pageSize));
                }

                fixed (PSAPI_WORKING_SET_EX_INFORMATION* pointer = entries)
                {
                    if (!K32QueryWorkingSetEx(GetCurrentProcess(), pointer, (uint)(n * sizeof(PSAPI_WORKING_SET_EX_INFORMATION))))
                    {
                        throw Failure(MemoryMapError.NativeError, "QueryWorkingSetEx");
                    }
                }

                int run = -1;
                for (int i = 0; i <= n; i++)
                {
                    ulong attributes = i < n ? (ulong)entries[i].VirtualAttributes : 0;
                    bool trim = (attributes & PSAPI_WORKING_SET_EX_BLOCK_VALID) != 0 && (attributes & PSAPI_WORKING_SET_EX_BLOCK_LOCKED) == 0;
                    if (trim && run < 0)
                    {
                        run = i;
                    }
                    else if (!trim && run >= 0)
                    {
                        Trim(entries[run].VirtualAddress, (i - run) * _pageSize);
                        run = -1;
                    }
                }
            }
        }

        /// <summary>Removes unlocked pages from the working set.</summary>
        private void Trim(IntPtr address, long length)
        {
            // Success is not expected on pages that are not locked; Wine's VirtualUnlock does
            // nothing and succeeds, which leaves the pages where they are, as harmless.
            if (!VirtualUnlock(address, (UIntPtr)(ulong)length))
            {
                int code = Marshal.GetLastWin32Error();
                if (code != ERROR_NOT_LOCKED)
                {
                    throw Failure(MemoryMapError.NativeError, "VirtualUnlock", code);
                }
            }
        }

        internal override void CheckDiscard(MemoryMapKind kind, FileStream file)
        {
            if (kind == MemoryMapKind.Named)
            {
                throw new MemoryMapException(
                    MemoryMapError.NotSupportedOnThisSystem,
                    "Windows cannot discard a private map of named shared memory: a copy-on-write view cannot be made again in place, and the section's own contents are not at hand to copy back. Linux can; on Windows, close the map and open the name again.");
            }
        }

        internal override unsafe void Discard(IntPtr address, long length, MemoryMapKind kind, FileStream file, long fileOffset, IReadOnlyList<ProtectionRun> runs)
        {
            CheckDiscard(kind, file);

            // The pages are made writable (copy-on-write: the section is not changed) for the copy,
            // then given back their protection, run by run.
            Protect(address, length, MemoryProtection.Read | MemoryProtection.Write, MapSharing.Private);
            try
            {
                byte* start = (byte*)address;
                if (kind == MemoryMapKind.Anonymous)
                {
                    ZeroChanged(start, length);
                }
                else
                {
                    CopyFromFile(start, length, file, fileOffset);
                }
            }
            finally
            {
                foreach (ProtectionRun run in runs)
                {
                    Protect(run.Address, run.Length, run.Protection, MapSharing.Private);
                }
            }
        }

        /// <summary>
        /// Zeros the pages that are not all zeros already: writing a page of a copy-on-write view makes
        /// a private copy of it, so pages never written are left alone.
        /// </summary>
        private unsafe void ZeroChanged(byte* start, long length)
        {
            long pageSize = PageSize;
            for (long done = 0; done < length; done += pageSize)
            {
                var page = new Span<byte>(start + done, (int)Math.Min(pageSize, length - done));
                if (!IsZero(page))
                {
                    page.Clear();
                }
            }
        }

        private static bool IsZero(Span<byte> bytes)
        {
            ReadOnlySpan<long> words = MemoryMarshal.Cast<byte, long>(bytes);
            for (int i = 0; i < words.Length; i++)
            {
                if (words[i] != 0)
                {
                    return false;
                }
            }

            for (int i = words.Length * 8; i < bytes.Length; i++)
            {
                if (bytes[i] != 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Writes the file's bytes over the pages; what lies past the file's end becomes zeros, as in a fresh view.</summary>
        private static unsafe void CopyFromFile(byte* start, long length, FileStream file, long fileOffset)
        {
            var buffer = new byte[(int)Math.Min(DiscardChunk, length)];
            lock (file)
            {
                long position = file.Position;
                try
                {
                    file.Seek(fileOffset, SeekOrigin.Begin);
                    for (long done = 0; done < length;)
                    {
                        int want = (int)Math.Min(buffer.Length, length - done);
                        int read = 0;
                        while (read < want)
                        {
                            int n = file.Read(buffer, read, want - read);
                            if (n == 0)
                            {
                                break;
                            }

                            read += n;
                        }

                        Array.Clear(buffer, read, want - read);
                        new ReadOnlySpan<byte>(buffer, 0, want).CopyTo(new Span<byte>(start + done, want));
                        done += want;
                    }
                }
                finally
                {
                    file.Position = position;
                }
            }
        }
    }
}
