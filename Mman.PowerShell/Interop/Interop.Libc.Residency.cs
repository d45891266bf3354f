using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        internal static partial class Libc
        {
            // macOS sys/mman.h: the bit of mincore's vector that says the page is in memory.
            internal const byte MINCORE_INCORE = 0x1;

            // Linux mincore(2): bit 0 of each byte says the page is resident; the other bits are
            // reserved. Linux's headers give it no name.
            internal const byte MINCORE_RESIDENT_LINUX = 0x1;

            // faccessat(2)'s flag for checking with the effective ids, as the kernel's own permission
            // check does: Linux's value (macOS's is 0x10; only Linux asks).
            internal const int W_OK = 0x2;
            internal const int AT_EACCESS = 0x200;

            [DllImport(LibraryName)]
            internal static extern uint geteuid();

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int faccessat(int dirfd, string pathname, int mode, int flags);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern int mincore(IntPtr addr, UIntPtr length, [Out] byte[] vec);

            /// <summary>
            /// cachestat's number (asm-generic/unistd.h: 451, which x86_64's syscall_64.tbl shares), on
            /// the architectures where it is known here; 0 elsewhere, where the counts are not asked for.
            /// </summary>
            internal static long SYS_cachestat =>
                RuntimeInformation.ProcessArchitecture == Architecture.X64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 451 : 0;

            // struct cachestat_range and struct cachestat (linux/mman.h): all fields __u64. Native
            // names, lower case as C spells them.
#pragma warning disable CS8981
            [StructLayout(LayoutKind.Sequential)]
            internal struct cachestat_range
            {
                internal ulong off;
                internal ulong len;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct cachestat
            {
                internal ulong nr_cache;
                internal ulong nr_dirty;
                internal ulong nr_writeback;
                internal ulong nr_evicted;
                internal ulong nr_recently_evicted;
            }
#pragma warning restore CS8981

            // glibc's and musl's syscall(2) is variadic; on x86_64 and Linux arm64, where it is called,
            // variadic integer arguments travel in the same registers as fixed ones, so a fixed
            // signature of longs is the same call.
            [DllImport(LibraryName, SetLastError = true)]
            internal static extern long syscall(long number, long arg1, IntPtr arg2, IntPtr arg3, long arg4);
        }
    }
}
