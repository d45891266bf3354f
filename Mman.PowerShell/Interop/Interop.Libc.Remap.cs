using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>mremap (Linux only; macOS has no call that changes a mapping's size).</summary>
        internal static partial class Libc
        {
            /// <summary>Linux sys/mman.h: the kernel may move the mapping to make room.</summary>
            internal const int MREMAP_MAYMOVE = 1;

            // The fifth argument (new_address) is read only with MREMAP_FIXED, which is never passed.
            [DllImport(LibraryName, SetLastError = true)]
            internal static extern IntPtr mremap(IntPtr old_address, UIntPtr old_size, UIntPtr new_size, int flags);
        }
    }
}
