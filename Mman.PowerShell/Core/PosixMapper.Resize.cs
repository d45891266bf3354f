using System;
using System.Runtime.InteropServices;

namespace Mman
{
    /// <summary>mremap for anonymous memory on Linux; the limits of macOS shared memory.</summary>
    internal sealed partial class PosixMapper
    {
        internal override IntPtr RemapAnonymous(IntPtr address, long length, long newLength, MapSharing sharing)
        {
            // macOS has no mremap. Shared anonymous memory is a shmem object as long as the first
            // mapping: mremap would grow the mapping but not the object, and touching the new pages
            // would raise SIGBUS, so it is copied instead.
            if (_isMacOS || sharing != MapSharing.Private)
            {
                return IntPtr.Zero;
            }

            IntPtr moved = Interop.Libc.mremap(address, (UIntPtr)(ulong)length, (UIntPtr)(ulong)newLength, Interop.Libc.MREMAP_MAYMOVE);
            if (moved == Interop.Libc.MAP_FAILED)
            {
                // EFAULT: the range is several kernel mappings (pages of different protection, locks
                // or hints split it), which mremap cannot take as one; the copy can.
                if (Marshal.GetLastWin32Error() == _c.EFAULT)
                {
                    return IntPtr.Zero;
                }

                throw Failure(MemoryMapError.MapFailed, "mremap");
            }

            return moved;
        }

        // macOS sizes a POSIX shared-memory object once: ftruncate on an object that has a size fails
        // with EINVAL, and the descriptor is not kept after mapping.
        internal override string NamedResizeRefusal => _isMacOS
            ? "macOS sets the size of POSIX shared memory once, when it is created: ftruncate on an object that already has a size fails (EINVAL)"
            : null;
    }
}
