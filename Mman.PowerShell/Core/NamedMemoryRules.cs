using System;
using System.Globalization;

namespace Mman
{
    /// <summary>
    /// How each system treats the size, sharing and mode of named shared memory, as pure functions of
    /// the system (the way <see cref="NamedMapName"/> holds the naming rules), so the rules of every
    /// system are tested on any of them.
    /// </summary>
    internal static class NamedMemoryRules
    {
        /// <summary>
        /// Whether the system keeps an object's size to whole pages. macOS does (xnu's pshm_truncate
        /// stores vm_map_round_page(length), and fstat reports that), and so does Windows (a section's
        /// size is kept to the page); Linux keeps the exact size, as for any file of its tmpfs.
        /// </summary>
        internal static bool KeepsWholePages(NamePlatform platform) => platform != NamePlatform.Linux;

        /// <summary>The size an object created with <paramref name="requested"/> bytes has on the system.</summary>
        internal static long KeptSize(NamePlatform platform, long requested, long pageSize) =>
            KeepsWholePages(platform) ? RoundUp(requested, pageSize) : requested;

        /// <summary>
        /// Whether an existing object of <paramref name="actual"/> bytes is what a request for
        /// <paramref name="requested"/> bytes would have made: the same size, or on a system that keeps
        /// whole pages, the same number of pages. So a second process that asks for the size the first
        /// asked for opens the object everywhere.
        /// </summary>
        internal static bool SizeMatches(NamePlatform platform, long requested, long actual, long pageSize) =>
            KeepsWholePages(platform)
                ? RoundUp(requested, pageSize) == RoundUp(actual, pageSize)
                : requested == actual;

        /// <summary>
        /// The message of a size that does not match: what exists, what was asked for, and, where the
        /// system keeps whole pages, what the request would have made, since that is what is compared.
        /// (The cmdlets add what to do.)
        /// </summary>
        internal static string DescribeSizeMismatch(NamePlatform platform, string name, long requested, long actual, long pageSize)
        {
            string message = string.Format(
                CultureInfo.InvariantCulture,
                "Shared memory '{0}' already exists with {1} bytes, not {2}.",
                name,
                actual,
                requested);
            if (KeepsWholePages(platform))
            {
                message += string.Format(
                    CultureInfo.InvariantCulture,
                    " This system keeps shared memory to whole pages of {0} bytes, so {1} bytes would be {2}.",
                    pageSize,
                    requested,
                    RoundUp(requested, pageSize));
            }

            return message;
        }

        /// <summary>
        /// Whether a private (copy-on-write) map of named memory can be made. macOS refuses it: its
        /// pshm_mmap fails with EINVAL unless the map is MAP_SHARED.
        /// </summary>
        internal static bool AllowsPrivateMap(NamePlatform platform) => platform != NamePlatform.MacOS;

        /// <summary>
        /// Throws <see cref="MemoryMapArgumentException"/> (NamedMapPrivateNotSupported) when the system
        /// cannot make a map with this sharing of named memory; checked before anything is opened.
        /// </summary>
        internal static void CheckSharing(NamePlatform platform, MapSharing sharing, string name)
        {
            if (sharing == MapSharing.Private && !AllowsPrivateMap(platform))
            {
                var exception = new MemoryMapArgumentException(
                    MemoryMapError.NamedMapPrivateNotSupported,
                    "Shared memory '" + name + "' cannot be mapped with -Sharing Private on macOS: the system maps named shared memory only shared. Map it shared, and copy what you need to change into anonymous memory (New-MemoryMap -Size).",
                    "sharing");
                exception.Data[MemoryMapErrorData.SharedMemoryName] = name;
                throw exception;
            }
        }

        /// <summary>
        /// Whether the permission bits of a created object are the ones asked for. No system applies
        /// the umask after Mman sets the mode, so anything else means the mode was not set.
        /// </summary>
        internal static bool ModeMatches(int requested, int actual) => (actual & PermissionBits) == (requested & PermissionBits);

        /// <summary>The mode as ls and chmod write it, such as 0600.</summary>
        internal static string FormatMode(int mode) => "0" + Convert.ToString(mode & PermissionBits, 8).PadLeft(3, '0');

        private const int PermissionBits = 0x1FF;

        private static long RoundUp(long length, long pageSize) =>
            length > long.MaxValue - pageSize + 1 ? length : (length + pageSize - 1) / pageSize * pageSize;
    }
}
