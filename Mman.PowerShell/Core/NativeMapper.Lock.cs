using System;

namespace Mman
{
    /// <summary>Locking pages in memory: the surface each system implements.</summary>
    internal abstract partial class NativeMapper
    {
        /// <summary>
        /// Throws <see cref="MemoryMapError.LockLimitExceeded"/> when locking <paramref name="newBytes"/>
        /// more bytes would pass the system's limit, as far as that can be known without trying
        /// (Linux: RLIMIT_MEMLOCK against what is locked, unless the process has CAP_IPC_LOCK). Where
        /// it cannot be known (macOS, Windows) it does nothing, and the lock itself reports the limit.
        /// </summary>
        internal virtual void CheckLockLimit(long newBytes)
        {
        }

        /// <summary>
        /// Locks whole pages in memory; <paramref name="address"/> is page-aligned. <paramref name="newBytes"/>
        /// of them were not locked by Mman before (the rest are, by another map of the same memory).
        /// </summary>
        internal abstract void LockPages(IntPtr address, long length, long newBytes);

        /// <summary>Unlocks whole pages that Mman has locked; <paramref name="address"/> is page-aligned.</summary>
        internal abstract void UnlockPages(IntPtr address, long length);
    }
}
