using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        internal static partial class Kernel32
        {
            // GetCurrentProcess()'s pseudo-handle, which needs no closing.
            internal static readonly IntPtr CurrentProcess = new IntPtr(-1);

            // PSAPI_WORKING_SET_EX_BLOCK: bit 0, Valid, says the page is in the process's working set.
            internal const ulong PSAPI_WORKING_SET_EX_BLOCK_VALID = 0x1;

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
