using System.Collections.Generic;

namespace Mman
{
    internal static partial class Interop
    {
        internal static partial class Libc
        {
            // The same on Linux and macOS (sys/mman.h, fcntl.h, sys/stat.h). MemoryProtection's values are
            // PROT_READ, PROT_WRITE and PROT_EXEC on purpose, so a protection is passed to mmap as it is.
            internal const int PROT_NONE = 0x0;
            internal const int PROT_READ = 0x1;
            internal const int PROT_WRITE = 0x2;
            internal const int PROT_EXEC = 0x4;

            internal const int MAP_SHARED = 0x01;
            internal const int MAP_PRIVATE = 0x02;

            internal const int O_RDONLY = 0x0;
            internal const int O_RDWR = 0x2;

            internal const int S_IRUSR = 0x100;
            internal const int S_IWUSR = 0x80;
            internal const int S_IRGRP = 0x20;
            internal const int S_IWGRP = 0x10;
            internal const int S_IROTH = 0x4;
            internal const int S_IWOTH = 0x2;
        }
    }

    /// <summary>
    /// The C library's constants whose values differ between Linux and macOS, under their native
    /// names: one instance for each system, chosen with the mapper. Values from the systems' own
    /// headers: Linux's UAPI (asm-generic/mman-common.h, asm-generic/fcntl.h, asm-generic/errno*.h;
    /// the same on x64 and arm64) and macOS's (sys/mman.h, sys/fcntl.h, sys/errno.h).
    /// </summary>
    internal sealed class PosixConstants
    {
        internal static readonly PosixConstants Linux = new PosixConstants(macOS: false);

        internal static readonly PosixConstants MacOS = new PosixConstants(macOS: true);

        private readonly Dictionary<int, string> _errnoNames;

        private PosixConstants(bool macOS)
        {
            MAP_ANONYMOUS = macOS ? 0x1000 : 0x20;   // xnu bsd/sys/mman.h MAP_ANON 0x1000
            MS_ASYNC = 0x1;
            MS_INVALIDATE = 0x2;
            MS_SYNC = macOS ? 0x10 : 0x4;            // bsd/sys/mman.h MS_SYNC 0x0010 (MS_ASYNC 0x0001, MS_INVALIDATE 0x0002)
            O_CREAT = macOS ? 0x200 : 0x40;          // bsd/sys/fcntl.h O_CREAT 0x00000200
            O_EXCL = macOS ? 0x800 : 0x80;           // bsd/sys/fcntl.h O_EXCL 0x00000800
            O_NONBLOCK = macOS ? 0x4 : 0x800;        // bsd/sys/fcntl.h O_NONBLOCK 0x00000004
            O_CLOEXEC = macOS ? 0x1000000 : 0x80000; // bsd/sys/fcntl.h O_CLOEXEC 0x01000000

            // asm-generic/resource.h (RLIMIT_MEMLOCK 8 on x64, arm and arm64; RLIM_INFINITY ~0UL);
            // macOS sys/resource.h RLIMIT_MEMLOCK 6, RLIM_INFINITY (((__uint64_t)1 << 63) - 1).
            RLIMIT_MEMLOCK = macOS ? 6 : 8;
            RLIM_INFINITY = macOS ? long.MaxValue : ulong.MaxValue;

            // errno 1 to 34 are the same on both (bsd/sys/errno.h, asm-generic/errno-base.h); the Linux
            // values are checked against this machine's headers by LinuxHeaderConstantsTests.
            EPERM = 1;
            ENOENT = 2;
            EINTR = 4;
            EIO = 5;
            ENXIO = 6;
            EBADF = 9;
            EAGAIN = macOS ? 35 : 11;                // bsd/sys/errno.h: EAGAIN 35
            ENOMEM = 12;
            EACCES = 13;
            EFAULT = 14;
            EBUSY = 16;
            EEXIST = 17;
            ENODEV = 19;
            ENOTDIR = 20;
            EISDIR = 21;
            EINVAL = 22;
            ENFILE = 23;
            EMFILE = 24;
            ETXTBSY = 26;
            EFBIG = 27;
            ENOSPC = 28;
            ESPIPE = 29;
            EROFS = 30;
            ENAMETOOLONG = macOS ? 63 : 36;          // ENAMETOOLONG 63
            ENOSYS = macOS ? 78 : 38;                // ENOSYS 78
            EOVERFLOW = macOS ? 84 : 75;             // EOVERFLOW 84
            EOPNOTSUPP = macOS ? 102 : 95;           // EOPNOTSUPP 102 (and ENOTSUP 45, below)

            _errnoNames = new Dictionary<int, string>
            {
                [EPERM] = nameof(EPERM), [ENOENT] = nameof(ENOENT), [EINTR] = nameof(EINTR), [EIO] = nameof(EIO),
                [ENXIO] = nameof(ENXIO), [EBADF] = nameof(EBADF), [EAGAIN] = nameof(EAGAIN), [ENOMEM] = nameof(ENOMEM),
                [EACCES] = nameof(EACCES), [EFAULT] = nameof(EFAULT), [EBUSY] = nameof(EBUSY), [EEXIST] = nameof(EEXIST),
                [ENODEV] = nameof(ENODEV), [ENOTDIR] = nameof(ENOTDIR), [EISDIR] = nameof(EISDIR), [EINVAL] = nameof(EINVAL),
                [ENFILE] = nameof(ENFILE), [EMFILE] = nameof(EMFILE), [ETXTBSY] = nameof(ETXTBSY), [EFBIG] = nameof(EFBIG),
                [ENOSPC] = nameof(ENOSPC), [ESPIPE] = nameof(ESPIPE), [EROFS] = nameof(EROFS), [ENAMETOOLONG] = nameof(ENAMETOOLONG),
                [ENOSYS] = nameof(ENOSYS), [EOVERFLOW] = nameof(EOVERFLOW), [EOPNOTSUPP] = nameof(EOPNOTSUPP),
            };
            if (macOS)
            {
                // macOS has a separate ENOTSUP (45); Linux defines it as EOPNOTSUPP.
                _errnoNames[45] = "ENOTSUP";
            }
        }

        internal int MAP_ANONYMOUS { get; }

        internal int MS_ASYNC { get; }

        internal int MS_INVALIDATE { get; }

        internal int MS_SYNC { get; }

        internal int O_CREAT { get; }

        internal int O_EXCL { get; }

        internal int O_NONBLOCK { get; }

        internal int O_CLOEXEC { get; }

        internal int RLIMIT_MEMLOCK { get; }

        internal ulong RLIM_INFINITY { get; }

        internal int EPERM { get; }

        internal int ENOENT { get; }

        internal int EINTR { get; }

        internal int EIO { get; }

        internal int ENXIO { get; }

        internal int EBADF { get; }

        internal int EAGAIN { get; }

        internal int ENOMEM { get; }

        internal int EACCES { get; }

        internal int EFAULT { get; }

        internal int EBUSY { get; }

        internal int EEXIST { get; }

        internal int ENODEV { get; }

        internal int ENOTDIR { get; }

        internal int EISDIR { get; }

        internal int EINVAL { get; }

        internal int ENFILE { get; }

        internal int EMFILE { get; }

        internal int ETXTBSY { get; }

        internal int EFBIG { get; }

        internal int ENOSPC { get; }

        internal int ESPIPE { get; }

        internal int EROFS { get; }

        internal int ENAMETOOLONG { get; }

        internal int ENOSYS { get; }

        internal int EOVERFLOW { get; }

        internal int EOPNOTSUPP { get; }

        /// <summary>The symbolic name of an errno value, such as "EACCES", or null when it is not one of these.</summary>
        internal string ErrnoName(int code) => _errnoNames.TryGetValue(code, out string name) ? name : null;
    }
}
