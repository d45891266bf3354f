using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Mman
{
    /// <summary>
    /// The private surface every operating system implements (<see cref="PosixMapper"/>,
    /// <see cref="WindowsMapper"/>). One netstandard2.0 assembly serves every OS, so the
    /// implementation is chosen once, at run time, not by the build.
    /// </summary>
    internal abstract partial class NativeMapper
    {
        private static readonly Lazy<NativeMapper> s_current = new Lazy<NativeMapper>(Create);

        /// <summary>The mapper for the operating system this process runs on.</summary>
        internal static NativeMapper Current => s_current.Value;

        /// <summary>The size of one page: the unit of protection and of sync.</summary>
        internal abstract long PageSize { get; }

        /// <summary>What a file offset must be a multiple of: the page size, or 64 KiB on Windows.</summary>
        internal abstract long OffsetAlignment { get; }

        /// <summary>Opens a file for mapping with the least access the map needs.</summary>
        internal abstract FileStream OpenFile(string path, bool write, bool execute);

        /// <summary>
        /// The name of the file system the file is on when that file system makes its files' contents
        /// when they are read (Linux procfs, sysfs and their kind); null for any other, and on systems
        /// that have none.
        /// </summary>
        internal virtual string GeneratedFileSystem(FileStream file) => null;

        /// <summary>
        /// Whether a file of a <see cref="GeneratedFileSystem"/> can be mapped at all: most cannot (mmap
        /// fails with ENODEV), a few (a device's registers under sysfs) can. Asks by mapping one page
        /// with no access and unmapping it at once, which touches nothing.
        /// </summary>
        internal virtual bool HasPages(FileStream file) => true;

        /// <summary>Maps <paramref name="length"/> bytes of zeroed memory; returns the base address.</summary>
        internal abstract IntPtr MapAnonymous(long length, MemoryProtection protection, MapSharing sharing);

        /// <summary>Maps a file range whose offset is already aligned; returns the base address.</summary>
        internal abstract IntPtr MapFile(FileStream file, bool fileWritable, long alignedOffset, long length, MemoryProtection protection, MapSharing sharing);

        /// <summary>Which system's rules shared-memory names follow here.</summary>
        internal abstract NamePlatform NamePlatform { get; }

        /// <summary>
        /// Opens the shared-memory object <paramref name="objectName"/> (as <see cref="NamedMapName"/> made
        /// it; <paramref name="name"/> is the user's, for messages) and maps all of it. With a size, creates
        /// the object when it does not exist (owner-only unless <paramref name="allowOtherUsers"/>);
        /// without, opens an existing one and takes its size.
        /// </summary>
        internal abstract NamedMapping MapNamed(string objectName, string name, long? size, MemoryProtection protection, MapSharing sharing, bool allowOtherUsers);

        /// <summary>
        /// Whether a shared-memory object has the name (one this user may not open counts); opens and
        /// maps nothing that stays.
        /// </summary>
        internal abstract bool NamedExists(string objectName, string name);

        /// <summary>Removes a shared-memory object's name; false when there is no object of that name.</summary>
        internal abstract bool RemoveNamed(string objectName, string name);

        /// <summary>
        /// The named shared-memory objects that exist on this system, in the order the system lists
        /// them; throws <see cref="MemoryMapException"/> (NamedListingNotSupported) where it cannot list them.
        /// </summary>
        internal abstract List<NamedMemoryInfo> ListNamed();

        /// <summary>Closes a section handle a named map kept (Windows only). Called from a SafeHandle's release.</summary>
        internal virtual void CloseSection(IntPtr section)
        {
        }

        /// <summary>Unmaps a region. Called from a SafeHandle's release, so it must not throw.</summary>
        internal abstract bool Unmap(IntPtr address, long length);

        /// <summary>Changes the protection of whole pages.</summary>
        internal abstract void Protect(IntPtr address, long length, MemoryProtection protection, MapSharing sharing);

        /// <summary>Writes dirty pages back to the file; synchronous unless <paramref name="async"/>.</summary>
        internal abstract void Flush(IntPtr address, long length, FileStream file, bool fileWritable, bool async, bool invalidate);

        /// <summary>
        /// Whether another process can shrink a file or shared-memory object while it is mapped. POSIX
        /// allows it (touching a page past the new end raises SIGBUS); Windows refuses to truncate a
        /// file or section with a mapped view (ERROR_USER_MAPPED_FILE).
        /// </summary>
        internal abstract bool MappedObjectsCanShrink { get; }

        /// <summary>
        /// The copier for memory that can shrink under the map: one that fails instead of faulting where
        /// the system offers a way (Linux), otherwise the plain copy, guarded by the length check alone.
        /// </summary>
        internal abstract MappedMemoryCopier FaultSafeCopier { get; }

        /// <summary>
        /// Makes the pages of a buffer of this process present and writable in one call, where the system
        /// has one, before a copy fills it; a hint that may do nothing, and never fails.
        /// </summary>
        internal virtual unsafe void FaultIn(byte* start, long length)
        {
        }

        /// <summary>The symbolic name and text of an OS error number.</summary>
        internal abstract string DescribeError(int code, out string name);

        /// <summary>Builds the exception for a failed OS call from the thread's last error.</summary>
        protected MemoryMapException Failure(MemoryMapError error, string call) => Failure(error, call, Marshal.GetLastWin32Error());

        /// <summary>Builds the exception for a failed OS call from its error code.</summary>
        protected MemoryMapException Failure(MemoryMapError error, string call, int code)
        {
            string text = DescribeError(code, out string name);
            string message = call + " failed with " + name + " (" + text + ")";
            return error == MemoryMapError.MapFailed
                ? new MemoryMapAllocationException(message, code, name)
                : new MemoryMapException(error, message, code, name);
        }

        /// <summary>The errors of opening a shared-memory object that users can act on.</summary>
        internal static MemoryMapException NamedNotFound(string name) => Named(
            new MemoryMapException(MemoryMapError.NamedMapNotFound, "No shared memory named '" + name + "' exists."), name);

        protected static MemoryMapException NamedAccessDenied(string name, bool write, string how)
        {
            var exception = new MemoryMapException(
                MemoryMapError.NamedMapAccessDenied,
                "Shared memory '" + name + "' exists, but this user may not " + how + " it" + (write ? " for writing" : string.Empty) + ".");
            exception.Data[MemoryMapErrorData.WriteRequested] = write;
            return Named(exception, name);
        }

        /// <summary>
        /// Throws NamedMapSizeMismatch unless an existing object of <paramref name="actual"/> bytes is what
        /// a request for <paramref name="size"/> bytes makes on this system (<see cref="NamedMemoryRules.SizeMatches"/>).
        /// </summary>
        protected void CheckNamedSize(string name, long size, long actual)
        {
            if (!NamedMemoryRules.SizeMatches(NamePlatform, size, actual, PageSize))
            {
                throw NamedSizeMismatch(name, size, actual);
            }
        }

        private MemoryMapException NamedSizeMismatch(string name, long size, long actual)
        {
            var exception = new MemoryMapException(
                MemoryMapError.NamedMapSizeMismatch,
                NamedMemoryRules.DescribeSizeMismatch(NamePlatform, name, size, actual, PageSize));
            exception.Data[MemoryMapErrorData.ExistingSize] = actual;
            return Named(exception, name);
        }

        /// <summary>Records which shared memory an exception is about, for the cmdlets' advice.</summary>
        protected static T Named<T>(T exception, string name)
            where T : Exception
        {
            exception.Data[MemoryMapErrorData.SharedMemoryName] = name;
            return exception;
        }

        private static NativeMapper Create()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return new WindowsMapper();
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return PosixMapper.ForLinux();
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                return PosixMapper.ForMacOS();
            }

            throw new PlatformNotSupportedException("Mman supports Linux, macOS and Windows; this is " + RuntimeInformation.OSDescription + ".");
        }
    }
}

namespace Mman
{
    /// <summary>What <see cref="NativeMapper.MapNamed"/> mapped.</summary>
    internal sealed class NamedMapping
    {
        internal NamedMapping(IntPtr address, long length, System.IO.FileStream backing, bool writable, IntPtr section = default)
        {
            Section = section;
            Address = address;
            Length = length;
            Backing = backing;
            Writable = writable;
        }

        internal IntPtr Address { get; }

        /// <summary>On Windows, the section handle the map keeps open so that its name lives as long as the map.</summary>
        internal IntPtr Section { get; }

        /// <summary>The bytes mapped: the object's whole size.</summary>
        internal long Length { get; }

        /// <summary>The object as a file whose length is checked before access (Linux, where another process may shrink it); otherwise null.</summary>
        internal System.IO.FileStream Backing { get; }

        /// <summary>Whether the object was opened for writing, so that Write can be added later.</summary>
        internal bool Writable { get; }
    }
}
