using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Mman
{
    /// <summary>
    /// mmap/munmap/mprotect/msync for Linux and macOS. The two share the calls and the PROT_* and
    /// MAP_SHARED/MAP_PRIVATE values but differ in MAP_ANONYMOUS, MS_SYNC and many errno numbers,
    /// so each gets its own constants, taken from its own libc headers.
    /// </summary>
    internal sealed class PosixMapper : NativeMapper
    {
        // Same on Linux and macOS. PROT_* equal MemoryProtection's values on purpose.
        private const int MAP_SHARED = 0x01;
        private const int MAP_PRIVATE = 0x02;

        private readonly int _mapAnonymous;
        private readonly int _msAsync;
        private readonly int _msSync;
        private readonly int _msInvalidate;
        private readonly Dictionary<int, string> _errnoNames;

        // process_vm_readv/writev; off on macOS, and turned off if a seccomp filter refuses them.
        private volatile bool _faultSafeCopy;
        private readonly int _pid;

        private readonly bool _isMacOS;

        private PosixMapper(bool isMacOS, int mapAnonymous, int msAsync, int msSync, int msInvalidate, Dictionary<int, string> errnoNames)
        {
            _isMacOS = isMacOS;

            // process_vm_readv/writev exist on Linux only.
            _faultSafeCopy = !isMacOS;
            _pid = isMacOS ? 0 : Interop.Libc.getpid();
            _mapAnonymous = mapAnonymous;
            _msAsync = msAsync;
            _msSync = msSync;
            _msInvalidate = msInvalidate;
            _errnoNames = errnoNames;
        }

        /// <summary>glibc and musl on Linux (asm-generic/mman-common.h, bits/mman-linux.h).</summary>
        internal static PosixMapper ForLinux() => new PosixMapper(
            isMacOS: false,
            mapAnonymous: 0x20, msAsync: 1, msSync: 4, msInvalidate: 2,
            errnoNames: new Dictionary<int, string>
            {
                [1] = "EPERM", [2] = "ENOENT", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [9] = "EBADF",
                [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY",
                [19] = "ENODEV", [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE",
                [26] = "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC", [30] = "EROFS", [75] = "EOVERFLOW",
                [38] = "ENOSYS", [95] = "EOPNOTSUPP",
            });

        /// <summary>macOS (sys/mman.h, sys/errno.h).</summary>
        internal static PosixMapper ForMacOS() => new PosixMapper(
            isMacOS: true,
            mapAnonymous: 0x1000, msAsync: 1, msSync: 0x10, msInvalidate: 2,
            errnoNames: new Dictionary<int, string>
            {
                [1] = "EPERM", [2] = "ENOENT", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [9] = "EBADF",
                [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY", [19] = "ENODEV",
                [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [26] = "ETXTBSY",
                [27] = "EFBIG", [28] = "ENOSPC", [30] = "EROFS", [35] = "EAGAIN", [45] = "ENOTSUP",
                [84] = "EOVERFLOW",
            });

        internal override long PageSize => Environment.SystemPageSize;

        internal override long OffsetAlignment => Environment.SystemPageSize;

        internal override FileStream OpenFile(string path, bool write, bool execute)
        {
            // Before opening: open() on a FIFO blocks until a writer comes, and a device has no
            // length to map.
            string kind = SpecialFileKind(path);
            if (kind != null)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.NotARegularFile,
                    "'" + path + "' is a " + kind + ", not a regular file; only regular files can be mapped. For memory that no file backs, use New-MemoryMap -Size.",
                    "path");
            }

            // PROT_EXEC on a file map needs only read access to the file on POSIX.
            return new FileStream(
                path,
                FileMode.Open,
                write ? FileAccess.ReadWrite : FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 1);
        }

        /// <summary>What the path is if it is a device, FIFO or socket; null for a regular file, or when unknown.</summary>
        private unsafe string SpecialFileKind(string path)
        {
            byte* buffer = stackalloc byte[512];
            int mode;
            try
            {
                if (_isMacOS)
                {
                    int result = RuntimeInformation.ProcessArchitecture == Architecture.X64
                        ? Interop.Libc.stat_x64(path, buffer)
                        : Interop.Libc.stat_arm64(path, buffer);
                    if (result != 0)
                    {
                        return null;
                    }

                    mode = *(ushort*)(buffer + 4);
                }
                else
                {
                    if (Interop.Libc.statx(Interop.Libc.AT_FDCWD, path, 0, Interop.Libc.STATX_TYPE, buffer) != 0)
                    {
                        return null;
                    }

                    mode = *(ushort*)(buffer + 28);
                }
            }
            catch (EntryPointNotFoundException)
            {
                // An older C library: FileStream's own checks are all there is.
                return null;
            }

            switch (mode & Interop.Libc.S_IFMT)
            {
                case Interop.Libc.S_IFREG:
                case Interop.Libc.S_IFDIR:
                    return null;
                case Interop.Libc.S_IFCHR:
                    return "character device";
                case Interop.Libc.S_IFBLK:
                    return "block device";
                case Interop.Libc.S_IFIFO:
                    return "FIFO (named pipe)";
                case Interop.Libc.S_IFSOCK:
                    return "socket";
                default:
                    return "special file";
            }
        }

        internal override IntPtr MapAnonymous(long length, MemoryProtection protection, MapSharing sharing)
        {
            int flags = _mapAnonymous | (sharing == MapSharing.Shared ? MAP_SHARED : MAP_PRIVATE);
            IntPtr address = Interop.Libc.mmap(IntPtr.Zero, (UIntPtr)(ulong)length, (int)protection, flags, -1, 0);
            if (address == Interop.Libc.MAP_FAILED)
            {
                throw Failure(Refused(protection) ? MemoryMapError.ExecuteDenied : MemoryMapError.MapFailed, "mmap");
            }

            return address;
        }

        internal override IntPtr MapFile(FileStream file, bool fileWritable, long alignedOffset, long length, MemoryProtection protection, MapSharing sharing)
        {
            int flags = sharing == MapSharing.Shared ? MAP_SHARED : MAP_PRIVATE;
            int fd = (int)file.SafeFileHandle.DangerousGetHandle();
            IntPtr address = Interop.Libc.mmap(IntPtr.Zero, (UIntPtr)(ulong)length, (int)protection, flags, fd, alignedOffset);
            if (address == Interop.Libc.MAP_FAILED)
            {
                throw Failure(Refused(protection) ? MemoryMapError.ExecuteDenied : MemoryMapError.MapFailed, "mmap");
            }

            return address;
        }

        internal override bool Unmap(IntPtr address, long length) =>
            Interop.Libc.munmap(address, (UIntPtr)(ulong)length) == 0;

        internal override void Protect(IntPtr address, long length, MemoryProtection protection, MapSharing sharing)
        {
            if (Interop.Libc.mprotect(address, (UIntPtr)(ulong)length, (int)protection) != 0)
            {
                MemoryMapError error = !IsPermissionError(Marshal.GetLastWin32Error()) ? MemoryMapError.NativeError
                    : Refused(protection) ? MemoryMapError.ExecuteDenied
                    : MemoryMapError.ProtectionDenied;
                throw Failure(error, "mprotect");
            }
        }

        /// <summary>
        /// Whether the last call failed because executable memory is forbidden here: EACCES/EPERM for a
        /// protection with Execute (SELinux execmem, a noexec mount, PaX/hardened kernels).
        /// </summary>
        private bool Refused(MemoryProtection protection) =>
            (protection & MemoryProtection.Execute) != 0 && IsPermissionError(Marshal.GetLastWin32Error());

        private bool IsPermissionError(int errno) =>
            _errnoNames.TryGetValue(errno, out string name) && (name == "EACCES" || name == "EPERM");

        internal override void Flush(IntPtr address, long length, FileStream file, bool fileWritable, bool async, bool invalidate)
        {
            int flags = (async ? _msAsync : _msSync) | (invalidate ? _msInvalidate : 0);
            if (Interop.Libc.msync(address, (UIntPtr)(ulong)length, flags) != 0)
            {
                throw Failure(MemoryMapError.NativeError, "msync");
            }
        }

        internal override unsafe bool CopyFromFileMap(byte* mapped, byte* destination, long count) =>
            _faultSafeCopy ? CopyChecked(mapped, destination, count, toMap: false) : base.CopyFromFileMap(mapped, destination, count);

        internal override unsafe bool CopyToFileMap(byte* source, byte* mapped, long count) =>
            _faultSafeCopy ? CopyChecked(mapped, source, count, toMap: true) : base.CopyToFileMap(source, mapped, count);

        /// <summary>
        /// A gather or scatter in as few calls as the kernel allows: one buffer on our side, up to
        /// IOV_MAX (1024) mapped ranges on the other, so 100,000 small reads are about 100 calls.
        /// </summary>
        internal override unsafe bool CopyManyFileMap(byte*[] sources, long bytesEach, byte* destination, bool toMap)
        {
            const int iovMax = 1024;
            if (!_faultSafeCopy)
            {
                return base.CopyManyFileMap(sources, bytesEach, destination, toMap);
            }

            var remote = stackalloc Interop.Libc.iovec[iovMax];
            for (int first = 0; first < sources.Length; first += iovMax)
            {
                int n = Math.Min(iovMax, sources.Length - first);
                for (int i = 0; i < n; i++)
                {
                    remote[i].iov_base = (IntPtr)sources[first + i];
                    remote[i].iov_len = (UIntPtr)(ulong)bytesEach;
                }

                long length = n * bytesEach;
                var local = new Interop.Libc.iovec { iov_base = (IntPtr)(destination + (first * bytesEach)), iov_len = (UIntPtr)(ulong)length };
                long copied = (long)(toMap
                    ? Interop.Libc.process_vm_writev(_pid, &local, (UIntPtr)1, remote, (UIntPtr)(uint)n, UIntPtr.Zero)
                    : Interop.Libc.process_vm_readv(_pid, &local, (UIntPtr)1, remote, (UIntPtr)(uint)n, UIntPtr.Zero));
                if (copied != length)
                {
                    // A large batch may exceed the kernel's per-call limit, and a sandbox may forbid the
                    // call: the one-range path handles both, and reports a vanished page.
                    byte*[] rest = new byte*[sources.Length - first];
                    Array.Copy(sources, first, rest, 0, rest.Length);
                    return base.CopyManyFileMap(rest, bytesEach, destination + (first * bytesEach), toMap);
                }
            }

            return true;
        }

        /// <summary>
        /// Copies between this process's buffer and its own mapped memory through the kernel, which
        /// answers EFAULT (or a short count) for a page past the end of a truncated file where a
        /// plain copy would raise SIGBUS. Measured here at memcpy speed for large copies.
        /// </summary>
        private unsafe bool CopyChecked(byte* mapped, byte* buffer, long count, bool toMap)
        {
            // The kernel caps one call at about 2 GiB (MAX_RW_COUNT).
            const long chunk = 1L << 30;
            for (long done = 0; done < count; done += chunk)
            {
                long length = Math.Min(chunk, count - done);
                var local = new Interop.Libc.iovec { iov_base = (IntPtr)(buffer + done), iov_len = (UIntPtr)(ulong)length };
                var remote = new Interop.Libc.iovec { iov_base = (IntPtr)(mapped + done), iov_len = (UIntPtr)(ulong)length };
                long copied = (long)(toMap
                    ? Interop.Libc.process_vm_writev(_pid, &local, (UIntPtr)1, &remote, (UIntPtr)1, UIntPtr.Zero)
                    : Interop.Libc.process_vm_readv(_pid, &local, (UIntPtr)1, &remote, (UIntPtr)1, UIntPtr.Zero));
                if (copied == length)
                {
                    continue;
                }

                if (copied < 0 && _errnoNames.TryGetValue(Marshal.GetLastWin32Error(), out string name) && (name == "ENOSYS" || name == "EPERM"))
                {
                    // A sandbox forbids the calls: fall back to plain copies (and the length check alone).
                    _faultSafeCopy = false;
                    return toMap ? base.CopyToFileMap(buffer + done, mapped + done, count - done) : base.CopyFromFileMap(mapped + done, buffer + done, count - done);
                }

                return false;
            }

            return true;
        }

        internal override string DescribeError(int code, out string name)
        {
            name = _errnoNames.TryGetValue(code, out string known) ? known : "errno " + code;
            IntPtr text = Interop.Libc.strerror(code);
            return text == IntPtr.Zero ? "unknown error" : Marshal.PtrToStringAnsi(text);
        }
    }
}
