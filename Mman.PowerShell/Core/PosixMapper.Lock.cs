using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace Mman
{
    /// <summary>
    /// mlock and munlock. The limit is RLIMIT_MEMLOCK on both systems; Linux exempts a process with
    /// CAP_IPC_LOCK and reports what is locked in /proc/self/status, so there the limit is foreseen.
    /// </summary>
    internal sealed partial class PosixMapper
    {

        internal override void CheckLockLimit(long newBytes)
        {
            // macOS counts wired memory in the kernel with no way to read it, and its limits differ
            // by system; only the call can tell.
            if (_isMacOS || newBytes <= 0 || !TryGetMemlockLimit(out ulong soft, out _) || soft == _c.RLIM_INFINITY)
            {
                return;
            }

            if (!TryReadLinuxStatus(out long lockedBytes, out bool exempt) || exempt)
            {
                return;
            }

            // As mm/mlock.c compares: in whole pages, what is locked plus what is new against the soft
            // limit rounded down to pages. A limit of 0 refuses any lock (EPERM).
            long pageSize = PageSize;
            if ((lockedBytes / pageSize) + (newBytes / pageSize) > (long)(soft / (ulong)pageSize))
            {
                throw LockLimitExceeded(newBytes, 0);
            }
        }

        internal override void LockPages(IntPtr address, long length, long newBytes)
        {
            if (Interop.Libc.mlock(address, (UIntPtr)(ulong)length) == 0)
            {
                return;
            }

            int code = Marshal.GetLastWin32Error();

            // Linux (mlock(2)): EPERM is a limit of 0 without CAP_IPC_LOCK, ENOMEM the limit passed or
            // too many mappings (locking part of one splits it); EAGAIN is pages that could not be
            // locked, not a limit. macOS (mlock(2)): EAGAIN and ENOMEM are the per-process or the
            // system's wired-memory limit.
            bool limit = code == _c.EPERM || code == _c.ENOMEM || (_isMacOS && code == _c.EAGAIN);
            throw limit ? LockLimitExceeded(newBytes, code) : Failure(MemoryMapError.NativeError, "mlock", code);
        }

        internal override void UnlockPages(IntPtr address, long length)
        {
            if (Interop.Libc.munlock(address, (UIntPtr)(ulong)length) != 0)
            {
                throw Failure(MemoryMapError.NativeError, "munlock");
            }
        }

        /// <summary>
        /// The error for a lock past the limit: the limit's name and values, what is locked already,
        /// and how to raise it. <paramref name="code"/> is mlock's errno, or 0 when foreseen.
        /// </summary>
        private MemoryMapException LockLimitExceeded(long newBytes, int code)
        {
            string soft = "unknown", hard = "unknown";
            if (TryGetMemlockLimit(out ulong softValue, out ulong hardValue))
            {
                soft = LimitText(softValue);
                hard = LimitText(hardValue);
            }

            string failed = code == 0 ? string.Empty : " (mlock failed with " + _c.ErrnoName(code) + ")";
            string message;
            if (_isMacOS)
            {
                message = string.Format(
                    CultureInfo.InvariantCulture,
                    "Locking {0} more bytes passes a limit on locked (wired) memory{1}: this process's RLIMIT_MEMLOCK, whose soft limit is {2} (hard limit {3}), or the system's, sysctl vm.user_wire_limit and vm.global_user_wire_limit. Raise the process's limit with 'ulimit -l <KiB>' in the shell that starts PowerShell (up to the hard limit), or with the MemoryLock key of a launchd job's SoftResourceLimits and HardResourceLimits; the system's as root with sysctl.",
                    newBytes, failed, soft, hard);
            }
            else
            {
                bool haveStatus = TryReadLinuxStatus(out long lockedBytes, out bool exempt);
                string locked = haveStatus ? lockedBytes.ToString(CultureInfo.InvariantCulture) + " bytes are locked already" : "what is locked already counts too";
                message = string.Format(
                    CultureInfo.InvariantCulture,
                    "Locking {0} more bytes passes this process's limit on locked memory, RLIMIT_MEMLOCK{1}: its soft limit is {2} (hard limit {3}) and {4}. Raise it for a shell and what it starts with 'ulimit -l <KiB>' (up to the hard limit; root can raise that too), for a user's logins in /etc/security/limits.conf ('<user> - memlock <KiB>'), or for a systemd service with LimitMEMLOCK=; a process with the CAP_IPC_LOCK capability is not limited.",
                    newBytes, failed, soft, hard, locked);
                if (code == _c.ENOMEM && haveStatus && (exempt || softValue == _c.RLIM_INFINITY))
                {
                    // Not the limit, which does not apply: the count of mappings, which locking part of one raises.
                    message = string.Format(
                        CultureInfo.InvariantCulture,
                        "Locking {0} more bytes failed (mlock failed with ENOMEM) although RLIMIT_MEMLOCK does not limit this process: it has too many separate mappings (each locked range splits one), past the system's limit vm.max_map_count (sysctl vm.max_map_count; /proc/sys/vm/max_map_count). Lock fewer, larger ranges, or raise vm.max_map_count as root.",
                        newBytes);
                }
            }

            return new MemoryMapException(MemoryMapError.LockLimitExceeded, message, code, code == 0 ? null : _c.ErrnoName(code));
        }

        private string LimitText(ulong value) =>
            value == _c.RLIM_INFINITY ? "unlimited" : value.ToString(CultureInfo.InvariantCulture) + " bytes";

        internal bool TryGetMemlockLimit(out ulong soft, out ulong hard)
        {
            if (Interop.Libc.getrlimit(_c.RLIMIT_MEMLOCK, out Interop.Libc.rlimit limit) != 0)
            {
                soft = hard = 0;
                return false;
            }

            // 32-bit Linux: rlim_t is 32 bits, and its RLIM_INFINITY is all ones of those.
            soft = Widen(limit.rlim_cur);
            hard = Widen(limit.rlim_max);
            return true;
        }

        private ulong Widen(UIntPtr value) =>
            UIntPtr.Size == 4 && (ulong)value == uint.MaxValue ? _c.RLIM_INFINITY : (ulong)value;

        /// <summary>
        /// Linux: the bytes this process has locked (VmLck, the kernel's locked_vm) and whether it holds
        /// CAP_IPC_LOCK (bit 14 of CapEff), from /proc/self/status; false when that cannot be read.
        /// </summary>
        private static bool TryReadLinuxStatus(out long lockedBytes, out bool capIpcLock)
        {
            lockedBytes = -1;
            capIpcLock = false;
            bool haveCaps = false;
            try
            {
                foreach (string line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("VmLck:", StringComparison.Ordinal))
                    {
                        // "VmLck:	       4 kB"
                        string[] parts = line.Substring(6).Trim().Split(' ');
                        lockedBytes = long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
                    }
                    else if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                    {
                        ulong caps = ulong.Parse(line.Substring(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        capIpcLock = (caps & (1UL << Interop.Libc.CAP_IPC_LOCK)) != 0;
                        haveCaps = true;
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException || e is OverflowException)
            {
                return false;
            }

            return lockedBytes >= 0 && haveCaps;
        }
    }
}
