using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>mlock, munlock and the limit on locked memory (Linux and macOS).</summary>
        internal static partial class Libc
        {
            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int mlock(IntPtr addr, UIntPtr len);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int munlock(IntPtr addr, UIntPtr len);

            /// <summary>
            /// struct rlimit: two rlim_t, which is unsigned long on Linux (the pointer's size, as glibc's
            /// and musl's getrlimit take it) and a 64-bit integer on macOS, which is 64-bit only.
            /// </summary>
            // The native name, as in Interop.Libc.FaultSafeCopy.cs's iovec (CS8981: see there).
#pragma warning disable CS8981
            [StructLayout(LayoutKind.Sequential)]
            internal struct rlimit
            {
                internal UIntPtr rlim_cur;
                internal UIntPtr rlim_max;
            }
#pragma warning restore CS8981

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int getrlimit(int resource, out rlimit rlim);

            /// <summary>The capability that exempts a Linux process from RLIMIT_MEMLOCK (linux/capability.h).</summary>
            internal const int CAP_IPC_LOCK = 14;
        }
    }
}
