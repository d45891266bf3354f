using System;
using System.Globalization;
using System.Runtime.InteropServices;
using static Mman.Interop.Kernel32;

namespace Mman
{
    /// <summary>
    /// VirtualLock and VirtualUnlock. Windows lets a process lock only as many pages as its minimum
    /// working set holds (less a few for the system), so the minimum, and the maximum with it, is
    /// raised by what Mman locks before locking, and put back as it was once nothing is locked.
    /// </summary>
    internal sealed partial class WindowsMapper
    {
        // The working set is the process's, shared by every map: one lock and one count for all.
        private static readonly object s_workingSetLock = new object();

        // Bytes Mman has locked in this process, across maps.
        private static long s_lockedBytes;

        // The working-set limits as they were before Mman first raised them, to put back.
        private static bool s_raised;
        private static ulong s_originalMinimum;
        private static ulong s_originalMaximum;
        private static uint s_originalFlags;

        internal override void LockPages(IntPtr address, long length, long newBytes)
        {
            lock (s_workingSetLock)
            {
                if (newBytes > 0)
                {
                    FitWorkingSet(s_lockedBytes + newBytes);
                }

                if (!VirtualLock(address, (UIntPtr)(ulong)length))
                {
                    int code = Marshal.GetLastWin32Error();
                    SettleWorkingSet();

                    throw code == ERROR_WORKING_SET_QUOTA || code == ERROR_NO_SYSTEM_RESOURCES
                        ? LockLimitExceeded(newBytes, "VirtualLock", code)
                        : Failure(MemoryMapError.NativeError, "VirtualLock", code);
                }

                s_lockedBytes += newBytes;
            }
        }

        internal override void UnlockPages(IntPtr address, long length)
        {
            lock (s_workingSetLock)
            {
                // ERROR_NOT_LOCKED: something else in the process unlocked them already; they are
                // unlocked either way.
                if (!VirtualUnlock(address, (UIntPtr)(ulong)length) && Marshal.GetLastWin32Error() != ERROR_NOT_LOCKED)
                {
                    throw Failure(MemoryMapError.NativeError, "VirtualUnlock");
                }

                s_lockedBytes = Math.Max(0, s_lockedBytes - length);
                SettleWorkingSet();
            }
        }

        /// <summary>
        /// Makes the minimum working set the original minimum plus <paramref name="lockedBytes"/>, and
        /// the maximum at least that much above it as it was, so the pages to lock fit. Under
        /// <see cref="s_workingSetLock"/>.
        /// </summary>
        private void FitWorkingSet(long lockedBytes)
        {
            IntPtr process = GetCurrentProcess();
            if (!s_raised)
            {
                if (!GetProcessWorkingSetSizeEx(process, out UIntPtr minimum, out UIntPtr maximum, out uint flags))
                {
                    throw Failure(MemoryMapError.NativeError, "GetProcessWorkingSetSizeEx");
                }

                s_originalMinimum = (ulong)minimum;
                s_originalMaximum = (ulong)maximum;
                s_originalFlags = flags;
            }

            ulong wantedMinimum = s_originalMinimum + (ulong)lockedBytes;
            ulong wantedMaximum = Math.Max(s_originalMaximum, wantedMinimum + (s_originalMaximum - Math.Min(s_originalMaximum, s_originalMinimum)));
            // The flags as they were: soft limits (the default) stay soft, a hard limit someone set stays hard.
            if (!SetProcessWorkingSetSizeEx(process, (UIntPtr)wantedMinimum, (UIntPtr)wantedMaximum, s_originalFlags))
            {
                int code = Marshal.GetLastWin32Error();
                throw LockLimitExceeded(lockedBytes - Math.Max(0, s_lockedBytes), "SetProcessWorkingSetSizeEx", code);
            }

            s_raised = true;
        }

        /// <summary>
        /// Makes the working set fit what is locked now: as it was before Mman raised it when nothing
        /// is, otherwise raised by only what is. Never throws: a minimum higher than needed is harmless.
        /// Under <see cref="s_workingSetLock"/>.
        /// </summary>
        private void SettleWorkingSet()
        {
            if (s_lockedBytes == 0)
            {
                RestoreWorkingSet();
                return;
            }

            try
            {
                FitWorkingSet(s_lockedBytes);
            }
            catch (MemoryMapException)
            {
            }
        }

        /// <summary>Puts the working-set limits back as they were before Mman raised them; never throws.</summary>
        private static void RestoreWorkingSet()
        {
            if (s_raised)
            {
                SetProcessWorkingSetSizeEx(GetCurrentProcess(), (UIntPtr)s_originalMinimum, (UIntPtr)s_originalMaximum, s_originalFlags);
                s_raised = false;
            }
        }

        private MemoryMapException LockLimitExceeded(long newBytes, string call, int code)
        {
            string limits = "unknown";
            if (GetProcessWorkingSetSizeEx(GetCurrentProcess(), out UIntPtr minimum, out UIntPtr maximum, out _))
            {
                limits = string.Format(CultureInfo.InvariantCulture, "minimum {0} bytes, maximum {1} bytes", (ulong)minimum, (ulong)maximum);
            }

            string name = code == ERROR_WORKING_SET_QUOTA ? nameof(ERROR_WORKING_SET_QUOTA)
                : code == ERROR_NO_SYSTEM_RESOURCES ? nameof(ERROR_NO_SYSTEM_RESOURCES)
                : ErrorName(code);
            string message = string.Format(
                CultureInfo.InvariantCulture,
                "Locking {0} more bytes passes this process's working-set quota ({1} failed with {2}): Windows locks at most the pages of a process's minimum working set, now {3}, with {4} bytes locked by Mman, and Mman raises that minimum as far as the system lets it. The system's free memory and its other processes' minimums bound it: lock less, or unlock or close other maps. No privilege is needed (SeLockMemoryPrivilege is for large pages, not VirtualLock); raising the minimum needs SeIncreaseWorkingSetPrivilege, which every user holds unless a policy removes it.",
                newBytes, call, name, limits, s_lockedBytes);
            return new MemoryMapException(MemoryMapError.LockLimitExceeded, message, code, name);
        }
    }
}
