using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using static Mman.Interop.Libc;

namespace Mman
{
    /// <summary>
    /// mmap/munmap/mprotect/msync for Linux and macOS. The two share the calls and the PROT_* and
    /// MAP_SHARED/MAP_PRIVATE values but differ in MAP_ANONYMOUS, MS_SYNC and many errno numbers,
    /// so each gets its own <see cref="PosixConstants"/>, taken from its own headers.
    /// </summary>
    internal sealed partial class PosixMapper : NativeMapper
    {
        private const int OwnerOnlyMode = S_IRUSR | S_IWUSR;
        private const int EveryoneMode = S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH;

        // The constants of this system; Linux and macOS differ in many.
        private readonly PosixConstants _c;
        private readonly bool _isMacOS;

        private PosixMapper(bool isMacOS)
        {
            _isMacOS = isMacOS;
            _c = isMacOS ? PosixConstants.MacOS : PosixConstants.Linux;
        }

        /// <summary>glibc and musl on Linux.</summary>
        internal static PosixMapper ForLinux() => new PosixMapper(isMacOS: false);

        /// <summary>macOS.</summary>
        internal static PosixMapper ForMacOS() => new PosixMapper(isMacOS: true);

        internal override long PageSize => Environment.SystemPageSize;

        internal override NamePlatform NamePlatform => _isMacOS ? NamePlatform.MacOS : NamePlatform.Linux;

        internal override long OffsetAlignment => Environment.SystemPageSize;

        internal override bool MappedObjectsCanShrink => true;

        // macOS has no call that copies from mapped memory with a fault reported as an error.
        internal override MappedMemoryCopier FaultSafeCopier => _isMacOS ? MappedMemoryCopier.Plain : LinuxFaultSafeCopier.Instance;

        internal override FileStream OpenFile(string path, bool write, bool execute)
        {
            // Before opening: open() on a FIFO blocks until a writer comes, and a device has no
            // length to map.
            string kind = SpecialFileKind(path);
            if (kind != null)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.NotARegularFile,
                    "'" + path + "' is a " + kind + ", not a regular file; only regular files can be mapped.",
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

        internal override unsafe string GeneratedFileSystem(FileStream file)
        {
            if (_isMacOS)
            {
                return null;
            }

            // struct statfs begins with f_type, a long (__fsword_t) on every Linux ABI .NET runs on.
            byte* buffer = stackalloc byte[256];
            if (Interop.Libc.fstatfs((int)file.SafeFileHandle.DangerousGetHandle(), buffer) != 0)
            {
                return null;
            }

            long type = IntPtr.Size == 8 ? *(long*)buffer : *(uint*)buffer;
            return Interop.Libc.GeneratedFileSystemName(type);
        }

        internal override bool HasPages(FileStream file)
        {
            int fd = (int)file.SafeFileHandle.DangerousGetHandle();
            IntPtr address = Interop.Libc.mmap(IntPtr.Zero, (UIntPtr)1, (int)MemoryProtection.None, MAP_PRIVATE, fd, 0);
            if (address == Interop.Libc.MAP_FAILED)
            {
                // ENODEV: the file system has no mmap for this file. Any other refusal is the real
                // mapping's to report.
                return Marshal.GetLastWin32Error() != _c.ENODEV;
            }

            Interop.Libc.munmap(address, (UIntPtr)1);
            return true;
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
                    // Without statx (an older C library), FileStream's own checks are all there is.
                    if (Statx(AT_FDCWD, path, 0, STATX_TYPE, out statx_buf status) != true)
                    {
                        return null;
                    }

                    mode = status.stx_mode;
                }
            }
            catch (EntryPointNotFoundException)
            {
                // A macOS without these entry points: FileStream's own checks are all there is.
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
            int flags = _c.MAP_ANONYMOUS | (sharing == MapSharing.Shared ? MAP_SHARED : MAP_PRIVATE);
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

        internal override NamedMapping MapNamed(string objectName, string name, long? size, MemoryProtection protection, MapSharing sharing, bool allowOtherUsers)
        {
            bool write = sharing == MapSharing.Shared && (protection & MemoryProtection.Write) != 0;
            int mode = allowOtherUsers ? EveryoneMode : OwnerOnlyMode;
            bool created = false;
            int fd = -1;
            for (int attempt = 0; fd < 0; attempt++)
            {
                if (size.HasValue)
                {
                    fd = Interop.Libc.shm_open(objectName, O_RDWR | _c.O_CREAT | _c.O_EXCL, mode, _isMacOS);
                    if (fd >= 0)
                    {
                        created = true;
                        break;
                    }

                    if (Marshal.GetLastWin32Error() != _c.EEXIST)
                    {
                        throw NamedFailure("shm_open", name, write);
                    }
                }

                // Non-blocking: on Linux anyone can put a FIFO in /dev/shm, and opening one would wait
                // for a writer forever; what was opened is checked next.
                fd = Interop.Libc.shm_open(objectName, (write ? O_RDWR : O_RDONLY) | _c.O_NONBLOCK, 0, _isMacOS);
                if (fd < 0 && !(size.HasValue && Marshal.GetLastWin32Error() == _c.ENOENT && attempt < 3))
                {
                    // ENOENT with a size: removed between the two calls, so try creating it again.
                    throw NamedFailure("shm_open", name, write);
                }
            }

            FileStream backing = null;
            try
            {
                long length = created ? Create(fd, name, size.Value, mode) : SizeOfExisting(fd, name, size, write);
                if (length < 0)
                {
                    throw NotSharedMemory(name, "a FIFO, device or other special file");
                }
                int flags = sharing == MapSharing.Shared ? MAP_SHARED : MAP_PRIVATE;
                if (!_isMacOS)
                {
                    // Another process may shrink a Linux object under the map; its length is then
                    // checked before each access, as a file's is. (macOS objects cannot shrink.)
                    backing = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(new IntPtr(fd), ownsHandle: true), created || write ? FileAccess.ReadWrite : FileAccess.Read, bufferSize: 1);
                }

                IntPtr address = Interop.Libc.mmap(IntPtr.Zero, (UIntPtr)(ulong)length, (int)protection, flags, fd, 0);
                if (address == Interop.Libc.MAP_FAILED)
                {
                    throw Failure(Refused(protection) ? MemoryMapError.ExecuteDenied : MemoryMapError.MapFailed, "mmap");
                }

                if (backing == null)
                {
                    Interop.Libc.close(fd);
                }

                return new NamedMapping(address, length, backing, writable: created || write);
            }
            catch
            {
                if (backing != null)
                {
                    backing.Dispose();
                }
                else
                {
                    Interop.Libc.close(fd);
                }

                if (created)
                {
                    // Leave nothing half-made behind.
                    Interop.Libc.shm_unlink(objectName);
                }

                throw;
            }
        }

        /// <summary>Where Linux keeps shm_open's objects: each is a file of this tmpfs.</summary>
        private const string ShmDirectory = "/dev/shm";

        /// <summary>
        /// Linux: the regular files of /dev/shm, which are shm_open's objects (sem.* are named semaphores,
        /// and folders, links and FIFOs are not shared memory, so they are left out). macOS keeps its
        /// objects in the kernel with no call that lists them.
        /// </summary>
        internal override List<NamedMemoryInfo> ListNamed()
        {
            if (_isMacOS)
            {
                throw new MemoryMapException(
                    MemoryMapError.NamedListingNotSupported,
                    "macOS cannot list its named shared memory: its POSIX shared-memory objects live in the kernel, with no directory or call that enumerates them, so only a name already known can be opened.");
            }

            var list = new List<NamedMemoryInfo>();
            if (!Directory.Exists(ShmDirectory))
            {
                return list;
            }

            var owners = new Dictionary<uint, string>();
            foreach (string path in Directory.EnumerateFileSystemEntries(ShmDirectory))
            {
                string name = Path.GetFileName(path);
                if (name.StartsWith("sem.", StringComparison.Ordinal))
                {
                    continue;
                }

                NamedMemoryInfo info = StatShm(path, name, owners);
                if (info != null)
                {
                    list.Add(info);
                }
            }

            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return list;
        }

        /// <summary>One file of /dev/shm by statx, which does not follow links; null when it is gone or not a regular file.</summary>
        private static NamedMemoryInfo StatShm(string path, string name, Dictionary<uint, string> owners)
        {
            bool? found = Statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out statx_buf buffer);
            if (found == null)
            {
                // A C library older than statx (glibc before 2.28, musl before 1.2.5).
                return FileInfoShm(path, name);
            }

            if (found == false)
            {
                // Removed since the directory was read, or not ours to see: not listed.
                return null;
            }

            if ((buffer.stx_mode & S_IFMT) != S_IFREG)
            {
                return null;
            }

            if (!owners.TryGetValue(buffer.stx_uid, out string owner))
            {
                owner = UserName(buffer.stx_uid);
                owners.Add(buffer.stx_uid, owner);
            }

            DateTime modified = DateTimeOffset.FromUnixTimeSeconds(buffer.stx_mtime.tv_sec).UtcDateTime
                .AddTicks(buffer.stx_mtime.tv_nsec / 100).ToLocalTime();
            return new NamedMemoryInfo(name, (long)buffer.stx_size, owner, NamedMemoryInfo.FormatMode(buffer.stx_mode), modified);
        }

        /// <summary>Without statx: what .NET tells of a file, which is neither its owner nor its mode.</summary>
        private static NamedMemoryInfo FileInfoShm(string path, string name)
        {
            var file = new FileInfo(path);
            return file.Exists && (file.Attributes & (FileAttributes.Directory | FileAttributes.ReparsePoint | FileAttributes.Device)) == 0
                ? new NamedMemoryInfo(name, file.Length, null, null, file.LastWriteTime)
                : null;
        }

        /// <summary>The name of user <paramref name="uid"/>, or its number when the user database has none.</summary>
        private static unsafe string UserName(uint uid)
        {
            const int BufferSize = 16384;
            byte* passwd = stackalloc byte[128];
            IntPtr buffer = Marshal.AllocHGlobal(BufferSize);
            try
            {
                if (getpwuid_r(uid, new IntPtr(passwd), buffer, (UIntPtr)BufferSize, out IntPtr result) == 0 && result != IntPtr.Zero)
                {
                    // pw_name is struct passwd's first field.
                    string name = Marshal.PtrToStringAnsi(*(IntPtr*)passwd);
                    if (!string.IsNullOrEmpty(name))
                    {
                        return name;
                    }
                }
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }

            return uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        internal override bool NamedExists(string objectName, string name)
        {
            // Non-blocking, as in MapNamed: a FIFO in /dev/shm must not hang the check.
            int fd = Interop.Libc.shm_open(objectName, O_RDONLY | _c.O_NONBLOCK, 0, _isMacOS);
            if (fd >= 0)
            {
                Interop.Libc.close(fd);
                return true;
            }

            int code = Marshal.GetLastWin32Error();
            if (code == _c.ENOENT)
            {
                return false;
            }

            if (IsPermissionError(code))
            {
                // There, but another user's: opening it is what would be refused.
                return true;
            }

            throw NamedFailure("shm_open", name, write: false);
        }

        internal override bool RemoveNamed(string objectName, string name)
        {
            if (Interop.Libc.shm_unlink(objectName) == 0)
            {
                return true;
            }

            if (Marshal.GetLastWin32Error() == _c.ENOENT)
            {
                return false;
            }

            throw NamedFailure("shm_unlink", name, write: false);
        }

        /// <summary>Sizes a new object and makes sure it has exactly the mode asked for.</summary>
        private long Create(int fd, string name, long size, int mode)
        {
            // Linux: shm_open's mode passed through the umask; fchmod sets it exactly. macOS applies no
            // umask to shared memory, and its fchmod on shared memory always fails (EINVAL): there the
            // mode is what shm_open set, which is why it is read back below.
            if (!_isMacOS && Interop.Libc.fchmod(fd, mode) != 0)
            {
                throw Failure(MemoryMapError.NativeError, "fchmod of shared memory '" + name + "'");
            }

            if (Interop.Libc.ftruncate(fd, size) != 0)
            {
                throw Failure(MemoryMapError.NativeError, "ftruncate of shared memory '" + name + "'");
            }

            // Without statx (an older Linux C library) the mode cannot be read back; fchmod succeeded.
            Stat(fd, out int actualMode, out _);
            if (actualMode != -1 && !NamedMemoryRules.ModeMatches(mode, actualMode))
            {
                throw Named(
                    new MemoryMapException(
                        MemoryMapError.NamedMapModeMismatch,
                        "Shared memory '" + name + "' was created with mode " + NamedMemoryRules.FormatMode(actualMode) + ", not " + NamedMemoryRules.FormatMode(mode) + " as asked, so it was removed again and nothing was mapped. This is a fault of Mman on this system: report it, with the system's version."),
                    name);
            }

            return size;
        }

        /// <summary>
        /// The length to map of an object someone else created: the size asked for, which must match
        /// the object's (<see cref="NamedMemoryRules.SizeMatches"/>), or without one the object's size.
        /// Its creator sizes it just after creating it, so a size of 0 is waited for briefly (or set,
        /// when a size was given and the object is writable). -1 when it is not shared memory.
        /// </summary>
        private long SizeOfExisting(int fd, string name, long? size, bool writable)
        {
            long actual = SizeOf(fd);
            if (actual < 0)
            {
                return actual;
            }

            for (int wait = 0; actual == 0 && wait < 20; wait++)
            {
                if (size.HasValue && writable)
                {
                    // Fails harmlessly if the creator got there first (macOS sizes an object only once).
                    Interop.Libc.ftruncate(fd, size.Value);
                }
                else
                {
                    System.Threading.Thread.Sleep(50);
                }

                actual = SizeOf(fd);
            }

            if (actual == 0)
            {
                throw Named(
                    new MemoryMapException(MemoryMapError.NamedMapEmpty, "Shared memory '" + name + "' exists but has no size: the process that created it has not set one."),
                    name);
            }

            if (!size.HasValue)
            {
                return actual;
            }

            // macOS keeps whole pages: a 4096-byte request makes a 16384-byte object on Apple silicon,
            // and a second process asking for 4096 bytes gets the 4096 bytes its creator mapped.
            CheckNamedSize(name, size.Value, actual);
            return size.Value;
        }

        /// <summary>The size of the object, or -1 when it is not a regular file (what shared memory is).</summary>
        private long SizeOf(int fd)
        {
            Stat(fd, out int mode, out long size);

            // macOS reports shared memory with a type of its own, not S_IFREG; only Linux is strict here.
            return _isMacOS || mode == -1 || (mode & S_IFMT) == S_IFREG ? size : -1;
        }

        /// <summary>
        /// The type and permission bits (<paramref name="mode"/>, -1 where the C library cannot tell
        /// them) and the size of an open object.
        /// </summary>
        private unsafe void Stat(int fd, out int mode, out long size)
        {
            if (_isMacOS)
            {
                byte* buffer = stackalloc byte[512];
                int result = RuntimeInformation.ProcessArchitecture == Architecture.X64
                    ? Interop.Libc.fstat_x64(fd, buffer)
                    : Interop.Libc.fstat_arm64(fd, buffer);
                if (result != 0)
                {
                    throw Failure(MemoryMapError.NativeError, "fstat");
                }

                mode = *(ushort*)(buffer + 4);
                size = *(long*)(buffer + 96);
                return;
            }

            bool? done = Statx(fd, string.Empty, AT_EMPTY_PATH, STATX_TYPE | STATX_MODE | STATX_SIZE, out statx_buf status);
            if (done == true)
            {
                mode = status.stx_mode;
                size = (long)status.stx_size;
                return;
            }

            if (done == false)
            {
                throw Failure(MemoryMapError.NativeError, "statx");
            }

            // No statx: where the end is, is the size of a regular file, and lseek fails with ESPIPE on
            // a FIFO or socket, which is all the type check needs to know. (Every C library has lseek;
            // fstat has no stable entry point in glibc before 2.33.)
            mode = -1;
            size = Interop.Libc.lseek(fd, 0, SEEK_END);
            if (size < 0)
            {
                if (Marshal.GetLastWin32Error() != _c.ESPIPE)
                {
                    throw Failure(MemoryMapError.NativeError, "lseek");
                }

                mode = S_IFIFO;
                size = 0;
            }
        }

        private static MemoryMapArgumentException NotSharedMemory(string name, string what) => Named(
            new MemoryMapArgumentException(
                MemoryMapError.NotARegularFile,
                "'" + name + "' names " + what + " in /dev/shm, not shared memory, so it cannot be mapped. Choose another name, or remove what is there.",
                "name"),
            name);

        private Exception NamedFailure(string call, string name, bool write)
        {
            int code = Marshal.GetLastWin32Error();
            if (code == _c.ENOENT)
            {
                return NamedNotFound(name);
            }

            if (IsPermissionError(code))
            {
                return NamedAccessDenied(name, write, call == "shm_unlink" ? "remove" : "open");
            }

            if (code == _c.EISDIR || (code == _c.EINVAL && !_isMacOS))
            {
                // glibc's shm_open turns EISDIR into EINVAL; the name itself was checked already.
                return NotSharedMemory(name, "a directory");
            }

            if (code == _c.ENAMETOOLONG || code == _c.EINVAL)
            {
                return new MemoryMapArgumentException(MemoryMapError.NameInvalid, "The shared-memory name '" + name + "' is not valid here: " + call + " refused it (" + _c.ErrnoName(code) + "). Use a shorter name of letters, digits, '-', '_' and '.'.", "name");
            }

            return Failure(MemoryMapError.NativeError, call, code);
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

        private bool IsPermissionError(int errno) => errno == _c.EACCES || errno == _c.EPERM;

        internal override void Flush(IntPtr address, long length, FileStream file, bool fileWritable, bool async, bool invalidate)
        {
            int flags = (async ? _c.MS_ASYNC : _c.MS_SYNC) | (invalidate ? _c.MS_INVALIDATE : 0);
            if (Interop.Libc.msync(address, (UIntPtr)(ulong)length, flags) != 0)
            {
                throw Failure(MemoryMapError.NativeError, "msync");
            }
        }

        internal override unsafe void FaultIn(byte* start, long length)
        {
            if (!_isMacOS)
            {
                LinuxFaultSafeCopier.FaultInForWriting(start, length);
            }
        }

        internal override string DescribeError(int code, out string name)
        {
            name = _c.ErrnoName(code) ?? "errno " + code;
            IntPtr text = Interop.Libc.strerror(code);
            return text == IntPtr.Zero ? "unknown error" : Marshal.PtrToStringAnsi(text);
        }
    }
}
