using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>Prefetching and trimming a view's pages (Windows).</summary>
        internal static partial class Kernel32
        {
            [StructLayout(LayoutKind.Sequential)]
            internal struct WIN32_MEMORY_RANGE_ENTRY
            {
                internal IntPtr VirtualAddress;
                internal UIntPtr NumberOfBytes;
            }

            // Windows 8 and later. Bound when first called: on an older system the missing export is an
            // EntryPointNotFoundException there, which the mapper turns into NotSupportedOnThisSystem.
            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern unsafe bool PrefetchVirtualMemory(IntPtr hProcess, UIntPtr NumberOfEntries, WIN32_MEMORY_RANGE_ENTRY* VirtualAddresses, uint Flags);

            /// <summary>PSAPI_WORKING_SET_EX_INFORMATION: a page's address, and its attributes as bits.</summary>
            [StructLayout(LayoutKind.Sequential)]
            internal struct PSAPI_WORKING_SET_EX_INFORMATION
            {
                internal IntPtr VirtualAddress;
                internal UIntPtr VirtualAttributes;
            }

            // PSAPI_WORKING_SET_EX_BLOCK: bit 0 Valid (in the working set), bit 22 Locked.
            internal const ulong WorkingSetExValid = 1UL << 0;
            internal const ulong WorkingSetExLocked = 1UL << 22;

            // kernel32's export of psapi's QueryWorkingSetEx (Windows 7 and later).
            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern unsafe bool K32QueryWorkingSetEx(IntPtr hProcess, PSAPI_WORKING_SET_EX_INFORMATION* pv, uint cb);
        }
    }
}
