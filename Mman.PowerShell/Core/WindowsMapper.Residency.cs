using System;
using static Mman.Interop.Kernel32;

namespace Mman
{
    /// <summary>
    /// Residency on Windows: QueryWorkingSetEx over the view. Windows has no documented call for the
    /// system file cache's pages of a file; what it reports is whether each page is in this process's
    /// working set, which holds only pages this process touched (and not yet trimmed).
    /// </summary>
    internal sealed partial class WindowsMapper
    {
        internal override bool MeasuresFileCache => false;

        internal override unsafe void AddResidency(IntPtr address, long pages, ResidencyRuns runs)
        {
            // 1024 entries of 16 bytes: a small stack buffer, reused.
            const int Chunk = 1024;
            var vector = new byte[(int)Math.Min(pages, Chunk)];
            PSAPI_WORKING_SET_EX_INFORMATION* entries = stackalloc PSAPI_WORKING_SET_EX_INFORMATION[Chunk];
            long pageSize = PageSize;
            for (long done = 0; done < pages;)
            {
                int n = (int)Math.Min(pages - done, Chunk);
                for (int i = 0; i < n; i++)
                {
                    entries[i].VirtualAddress = new IntPtr(address.ToInt64() + ((done + i) * pageSize));
                    entries[i].VirtualAttributes = UIntPtr.Zero;
                }

                if (!K32QueryWorkingSetEx(GetCurrentProcess(), entries, (uint)(n * sizeof(PSAPI_WORKING_SET_EX_INFORMATION))))
                {
                    throw Failure(MemoryMapError.NativeError, "QueryWorkingSetEx");
                }

                for (int i = 0; i < n; i++)
                {
                    vector[i] = ((ulong)entries[i].VirtualAttributes & PSAPI_WORKING_SET_EX_BLOCK_VALID) != 0 ? (byte)1 : (byte)0;
                }

                runs.Add(vector, n, 1);
                done += n;
            }
        }
    }
}
