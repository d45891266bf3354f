using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>QueryWorkingSetEx: which pages of this process are in its working set, and which are locked.</summary>
        internal static partial class Kernel32
        {
            // PSAPI_WORKING_SET_EX_BLOCK (psapi.h): bit 0, Valid, the page is in the process's working
            // set; bit 22, Locked, the page is locked in it (VirtualLock).
            internal const ulong PSAPI_WORKING_SET_EX_BLOCK_VALID = 1UL << 0;
            internal const ulong PSAPI_WORKING_SET_EX_BLOCK_LOCKED = 1UL << 22;

            /// <summary>PSAPI_WORKING_SET_EX_INFORMATION: a page's address, and its attributes as bits.</summary>
            [StructLayout(LayoutKind.Sequential)]
            internal struct PSAPI_WORKING_SET_EX_INFORMATION
            {
                internal IntPtr VirtualAddress;
                internal UIntPtr VirtualAttributes;
            }

            // kernel32's K32 export (Windows 7 and later) rather than psapi.dll's forwarder, so no
            // second library is loaded.
            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern unsafe bool K32QueryWorkingSetEx(IntPtr hProcess, PSAPI_WORKING_SET_EX_INFORMATION* pv, uint cb);
        }
    }
}
