using System;
using System.Collections.Generic;

namespace Mman
{
    /// <summary>Named shared memory: maps other processes open by name.</summary>
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// Maps the shared-memory object called <paramref name="name"/>. With a <paramref name="size"/>,
        /// creates it when no object of that name exists, or opens the existing one when its size is the
        /// same; without, opens an existing one and maps all of it. New objects are for their owner only
        /// (mode 0600 on Linux and macOS, an owner-only ACL on Windows) unless
        /// <paramref name="allowOtherUsers"/>.
        /// </summary>
        /// <remarks>
        /// Lifetime: on Linux and macOS the object lives until <see cref="RemoveNamed"/> removes its name,
        /// even after every map of it closes; on Windows it lives while any process has it mapped, and is
        /// gone after the last map closes. Closing a map never removes the object.
        /// </remarks>
        /// <exception cref="MemoryMapArgumentException">The name is not valid here (<see cref="MemoryMapError.NameInvalid"/>), or another argument is out of range.</exception>
        /// <exception cref="MemoryMapException">
        /// <see cref="MemoryMapError.NamedMapNotFound"/>, <see cref="MemoryMapError.NamedMapSizeMismatch"/>,
        /// <see cref="MemoryMapError.NamedMapAccessDenied"/> or <see cref="MemoryMapError.NamedMapEmpty"/>.
        /// </exception>
        public static MemoryMap OpenNamed(
            string name,
            long? size = null,
            MemoryProtection protection = MemoryProtection.Read | MemoryProtection.Write,
            MapSharing sharing = MapSharing.Shared,
            bool allowWriteExecute = false,
            bool allowOtherUsers = false)
        {
            string objectName = CheckNamedRequest(name, size, protection, sharing, allowWriteExecute);
            NamedMapping mapping = NativeMapper.Current.MapNamed(objectName, name, size, protection, sharing, allowOtherUsers);
            var region = new MappedRegion(new MappingHandle(mapping.Address, mapping.Length, mapping.Section), protection, mapping.Backing, ownsBacking: mapping.Backing != null, backingWritable: mapping.Writable);
            return new MemoryMap(region, 0, mapping.Length, MemoryMapKind.Named, null, name, 0, sharing);
        }

        /// <summary>
        /// Throws what <see cref="OpenNamed"/> would throw for these arguments before it opens the
        /// object: a name this system does not allow, an argument out of range, and, without a
        /// <paramref name="size"/> (open only), no object of that name. Maps nothing and leaves nothing
        /// open (for -WhatIf, which must refuse what the real run refuses). Refusals that need the
        /// object opened (another user's object, another size) are not foreseen.
        /// </summary>
        public static void CheckNamed(
            string name,
            long? size = null,
            MemoryProtection protection = MemoryProtection.Read | MemoryProtection.Write,
            MapSharing sharing = MapSharing.Shared,
            bool allowWriteExecute = false)
        {
            string objectName = CheckNamedRequest(name, size, protection, sharing, allowWriteExecute);
            if (!size.HasValue && !NativeMapper.Current.NamedExists(objectName, name))
            {
                throw NativeMapper.NamedNotFound(name);
            }
        }

        /// <summary>
        /// Whether shared memory called <paramref name="name"/> exists (one this user may not open
        /// counts). Opens nothing that stays open.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">The name is not valid here (<see cref="MemoryMapError.NameInvalid"/>).</exception>
        public static bool NamedExists(string name) =>
            NativeMapper.Current.NamedExists(NamedMapName.ToObjectName(name, NativeMapper.Current.NamePlatform), name);

        /// <summary>The argument checks of <see cref="OpenNamed"/> and <see cref="CheckNamed"/>; returns the object's name.</summary>
        private static string CheckNamedRequest(string name, long? size, MemoryProtection protection, MapSharing sharing, bool allowWriteExecute)
        {
            string objectName = NamedMapName.ToObjectName(name, NativeMapper.Current.NamePlatform);
            CheckRequest(0, size, protection, sharing, allowWriteExecute);
            NamedMemoryRules.CheckSharing(NativeMapper.Current.NamePlatform, sharing, name);
            if (size.HasValue)
            {
                CheckAddressSpace(size.Value);
            }

            return objectName;
        }

        /// <summary>
        /// Removes the name of a shared-memory object, so that no process can open it any more; maps
        /// already open keep working, and the memory is freed when the last closes. Returns false when no
        /// object has the name. On Windows a name cannot be removed: it goes with the last map, and this
        /// returns true while the object exists.
        /// </summary>
        /// <exception cref="MemoryMapException">The object belongs to another user (<see cref="MemoryMapError.NamedMapAccessDenied"/>).</exception>
        public static bool RemoveNamed(string name) =>
            NativeMapper.Current.RemoveNamed(NamedMapName.ToObjectName(name, NativeMapper.Current.NamePlatform), name);

        /// <summary>
        /// The named shared-memory objects that exist on this system, whoever created them, sorted by name:
        /// on Linux the shm_open objects of /dev/shm (names as <see cref="OpenNamed"/> takes them, without
        /// the leading '/'); on Windows the sections among this session's named objects, as "Local\name".
        /// </summary>
        /// <exception cref="MemoryMapException">
        /// The system cannot list them (<see cref="MemoryMapError.NamedListingNotSupported"/>, macOS); see
        /// <see cref="CanListNames"/>.
        /// </exception>
        public static IReadOnlyList<NamedMemoryInfo> GetAvailableNamed() => NativeMapper.Current.ListNamed();

        /// <summary>True where <see cref="GetAvailableNamed"/> can list the system's named shared memory; false on macOS.</summary>
        public static bool CanListNames => NativeMapper.Current.NamePlatform != NamePlatform.MacOS;

        /// <summary>True where <see cref="RemoveNamed"/> removes a name; false on Windows, where the name goes with the last map.</summary>
        public static bool CanRemoveNames => NativeMapper.Current.NamePlatform != NamePlatform.Windows;
    }
}
