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
        }
    }

    /// <summary>
    /// The constants of locked memory, under their native names, for each system: Linux's from
    /// asm-generic/resource.h (RLIMIT_MEMLOCK 8 on x64, arm and arm64; RLIM_INFINITY is ~0UL) and
    /// linux/capability.h (CAP_IPC_LOCK 14), macOS's from sys/resource.h (RLIMIT_MEMLOCK 6,
    /// RLIM_INFINITY 2^63 - 1).
    /// </summary>
    internal sealed class LockConstants
    {
        internal static readonly LockConstants Linux = new LockConstants(8, ulong.MaxValue);

        internal static readonly LockConstants MacOS = new LockConstants(6, long.MaxValue);

        private LockConstants(int memlock, ulong infinity)
        {
            RLIMIT_MEMLOCK = memlock;
            RLIM_INFINITY = infinity;
        }

        internal int RLIMIT_MEMLOCK { get; }

        internal ulong RLIM_INFINITY { get; }

        /// <summary>The capability that exempts a Linux process from RLIMIT_MEMLOCK.</summary>
        internal const int CAP_IPC_LOCK = 14;
    }
}
