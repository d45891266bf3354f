using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>VirtualLock, VirtualUnlock and the working-set size they depend on.</summary>
        internal static partial class Kernel32
        {
            /// <summary>The process's minimum working set is too small for the pages to lock (winerror.h).</summary>
            internal const int ERROR_WORKING_SET_QUOTA = 1453;

            /// <summary>The system has not the resources (here: memory it can lock) to complete the call.</summary>
            internal const int ERROR_NO_SYSTEM_RESOURCES = 1450;

            /// <summary>The pages to unlock are not locked.</summary>
            internal const int ERROR_NOT_LOCKED = 158;

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool VirtualLock(IntPtr lpAddress, UIntPtr dwSize);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool VirtualUnlock(IntPtr lpAddress, UIntPtr dwSize);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool GetProcessWorkingSetSizeEx(IntPtr hProcess, out UIntPtr lpMinimumWorkingSetSize, out UIntPtr lpMaximumWorkingSetSize, out uint Flags);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool SetProcessWorkingSetSizeEx(IntPtr hProcess, UIntPtr dwMinimumWorkingSetSize, UIntPtr dwMaximumWorkingSetSize, uint Flags);
        }
    }
}
