using System;

namespace Mman
{
    /// <summary>
    /// The access a mapping allows. Flags combine, so PowerShell accepts <c>-Protection Read,Write</c>.
    /// </summary>
    [Flags]
    public enum MemoryProtection
    {
        /// <summary>No access at all: any read or write is refused.</summary>
        None = 0,

        /// <summary>The mapped bytes may be read.</summary>
        Read = 1,

        /// <summary>The mapped bytes may be written.</summary>
        Write = 2,

        /// <summary>The mapped bytes may be executed as machine code.</summary>
        Execute = 4,
    }

    /// <summary>
    /// Whether writes to a mapping are seen by others (and reach the file) or stay private to this map.
    /// </summary>
    public enum MapSharing
    {
        /// <summary>Writes are shared: they reach the file and every other shared map of it.</summary>
        Shared,

        /// <summary>Copy-on-write: writes stay in this map and never reach the file.</summary>
        Private,
    }

    /// <summary>
    /// What a mapping is backed by.
    /// </summary>
    public enum MemoryMapKind
    {
        /// <summary>Memory that no file backs.</summary>
        Anonymous,

        /// <summary>A range of a file.</summary>
        File,

        /// <summary>A named shared-memory object that other processes can open by its name.</summary>
        Named,
    }
}
