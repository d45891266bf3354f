using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>Prefetching a view's pages (Windows).</summary>
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
        }
    }
}
