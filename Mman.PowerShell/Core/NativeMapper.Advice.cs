using System;
using System.Collections.Generic;
using System.IO;

namespace Mman
{
    /// <summary>Advice about pages: prefetch, evict, discard and access hints.</summary>
    internal abstract partial class NativeMapper
    {
        /// <summary>
        /// Asks the system to start reading the pages of a range into memory and returns at once
        /// (MADV_WILLNEED, PrefetchVirtualMemory). The address is page-aligned.
        /// </summary>
        internal abstract void Prefetch(IntPtr address, long length);

        /// <summary>
        /// Tells the system how the pages of a range will be read. Returns false where the system has
        /// no such hint for mapped memory (Windows), having done nothing.
        /// </summary>
        internal abstract bool SetAccessHint(IntPtr address, long length, MemoryMapAccessHint hint);

        /// <summary>
        /// Removes the pages of a range of a shared file map from memory, after they have been
        /// written back (<see cref="Flush"/>), so that nothing is lost: from the system's file cache
        /// where the system allows it (Linux, macOS), from the process's working set on Windows.
        /// <paramref name="fileOffset"/> is where <paramref name="address"/> is in <paramref name="file"/>.
        /// </summary>
        internal abstract void Evict(IntPtr address, long length, FileStream file, long fileOffset);

        /// <summary>
        /// Whether <see cref="Evict"/> removes pages from the system's file cache, so that evicting a
        /// file nobody has mapped means something (not on Windows, where it trims a working set).
        /// </summary>
        internal abstract bool EvictsFileCache { get; }

        /// <summary>
        /// Throws <see cref="MemoryMapException"/> (NotSupportedOnThisSystem) when <see cref="Discard"/>
        /// cannot discard memory of this kind here; checked before asking the user.
        /// </summary>
        internal abstract void CheckDiscard(MemoryMapKind kind, FileStream file);

        /// <summary>
        /// Throws away the contents of whole pages of a private or anonymous mapping: afterwards an
        /// anonymous page reads as zeros and a private file page as the file's bytes again.
        /// <paramref name="runs"/> are the pages' protections (address, length, protection), for
        /// systems that must remap or write the pages; <paramref name="fileOffset"/> is where
        /// <paramref name="address"/> is in <paramref name="file"/> (file maps only).
        /// </summary>
        internal abstract void Discard(IntPtr address, long length, MemoryMapKind kind, FileStream file, long fileOffset, IReadOnlyList<ProtectionRun> runs);
    }

    /// <summary>Pages of one protection: their first byte's address, their length in bytes, the protection.</summary>
    internal struct ProtectionRun
    {
        internal ProtectionRun(IntPtr address, long length, MemoryProtection protection)
        {
            Address = address;
            Length = length;
            Protection = protection;
        }

        internal IntPtr Address { get; }

        internal long Length { get; }

        internal MemoryProtection Protection { get; }
    }
}
