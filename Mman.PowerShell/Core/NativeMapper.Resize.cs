using System;

namespace Mman
{
    /// <summary>What each system offers for changing a mapping's size (Resize-MemoryMap).</summary>
    internal abstract partial class NativeMapper
    {
        /// <summary>
        /// Moves or grows anonymous memory in one call, keeping its contents and the protection of the
        /// pages kept; returns the new address, or zero where the system has no such call for this
        /// memory (the caller then maps new memory, copies and unmaps the old).
        /// </summary>
        internal virtual IntPtr RemapAnonymous(IntPtr address, long length, long newLength, MapSharing sharing) => IntPtr.Zero;

        /// <summary>
        /// Whether a file's mapping must be unmapped before the file's length changes: Windows refuses
        /// to truncate a file with a mapped view (ERROR_USER_MAPPED_FILE). POSIX maps the new range
        /// first, so a failure leaves the old mapping as it was.
        /// </summary>
        internal virtual bool UnmapBeforeResizingFile => false;

        /// <summary>Null when named shared memory can change size here; otherwise why it cannot.</summary>
        internal abstract string NamedResizeRefusal { get; }
    }
}
