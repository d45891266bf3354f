namespace Mman
{
    /// <summary>
    /// Every kind of failure the core reports. The names are stable: the cmdlets use them as the
    /// ErrorId part of an ErrorRecord's FullyQualifiedErrorId, so scripts may test for them.
    /// </summary>
    public enum MemoryMapError
    {
        /// <summary>A size was zero or negative.</summary>
        SizeNotPositive,

        /// <summary>An offset was negative.</summary>
        OffsetNegative,

        /// <summary>A count was negative.</summary>
        CountNegative,

        /// <summary>An offset and count reach outside the map.</summary>
        RangeOutsideMap,

        /// <summary>The requested file range reaches past the end of the file.</summary>
        RangeBeyondEndOfFile,

        /// <summary>The path is a device, FIFO or socket, not a regular file.</summary>
        NotARegularFile,

        /// <summary>The file has no bytes to map.</summary>
        FileEmpty,

        /// <summary>Values for a scattered write do not split evenly over its offsets, or a batch has no offsets.</summary>
        BatchMismatch,

        /// <summary>A search pattern is empty.</summary>
        PatternEmpty,

        /// <summary>A read asks for more bytes than one .NET array can hold.</summary>
        CountTooLarge,


        /// <summary>A size cannot be mapped by this process (larger than its address space).</summary>
        SizeTooLarge,

        /// <summary>A protection value has bits that are not None, Read, Write or Execute.</summary>
        ProtectionInvalid,

        /// <summary>A sharing value that is neither Shared nor Private.</summary>
        SharingInvalid,

        /// <summary>
        /// Protection that is writable and executable at once, without the explicit opt-in: hardened
        /// systems enforce W^X and such memory is an exploit primitive.
        /// </summary>
        WriteExecuteRefused,

        /// <summary>The operating system refused executable memory (SELinux execmem, a noexec mount, a hardened kernel).</summary>
        ExecuteDenied,

        /// <summary>A read of a map whose protection does not include Read.</summary>
        MapNotReadable,

        /// <summary>A write to a map whose protection does not include Write.</summary>
        MapNotWritable,

        /// <summary>The operating system refused a protection (for example Write on a file opened read-only).</summary>
        ProtectionDenied,

        /// <summary>The file behind the map is now shorter than the range touched.</summary>
        FileTruncated,

        /// <summary>The operating system could not create the mapping.</summary>
        MapFailed,

        /// <summary>A shared-memory name is empty, too long, or has characters or a prefix this system does not allow.</summary>
        NameInvalid,

        /// <summary>No shared-memory object has the name (and no -Size was given to create one).</summary>
        NamedMapNotFound,

        /// <summary>A shared-memory object with the name exists with another size than the one asked for.</summary>
        NamedMapSizeMismatch,

        /// <summary>The shared-memory object exists but this user may not open it with the access asked for.</summary>
        NamedMapAccessDenied,

        /// <summary>The shared-memory object exists but has no size yet: its creator has not finished creating it.</summary>
        NamedMapEmpty,

        /// <summary>Another operating-system call failed; the exception carries its error number and name.</summary>
        NativeError,

        // The ids below are reported by the cmdlets themselves, about their own parameters and paths, or
        // for .NET exceptions; the core's methods throw those exceptions, not these ids.

        /// <summary>The map, or the map it is a view of, has been closed (an ObjectDisposedException).</summary>
        MapClosed,

        /// <summary>No open map has the Id or name given.</summary>
        MapNotFound,

        /// <summary>The file does not exist, or a wildcard path matches no file.</summary>
        FileNotFound,

        /// <summary>A wildcard path matches more than one file.</summary>
        PathAmbiguous,

        /// <summary>The path is a directory.</summary>
        PathIsDirectory,

        /// <summary>The path is on a provider other than the FileSystem.</summary>
        PathNotFileSystem,

        /// <summary>The path cannot be parsed, or names a drive that does not exist.</summary>
        PathNotValid,

        /// <summary>The file cannot be opened with the access the map needs.</summary>
        FileAccessDenied,

        /// <summary>The file cannot be opened for another reason, such as a sharing violation.</summary>
        FileOpenFailed,

        /// <summary>A value cannot be converted to the element type asked for.</summary>
        ValueNotConvertible,

        /// <summary>A read into a caller's buffer asks for more bytes than the buffer holds.</summary>
        BufferTooSmall,

        /// <summary>A read into a caller's buffer was given more than one offset.</summary>
        BufferTakesOneOffset,

        /// <summary>Another argument error.</summary>
        InvalidArgument,

        /// <summary>An unexpected failure; the exception says what happened.</summary>
        UnexpectedError,

        /// <summary>This system offers no way to list its named shared memory (macOS).</summary>
        NamedListingNotSupported,

        /// <summary>
        /// The file is on a file system whose files are made when they are read (procfs, sysfs): it
        /// has no pages to map, whatever size the system reports for it.
        /// </summary>
        FileNotMappable,

        /// <summary>Read-MemoryMap -AsHex cannot make Format-Hex's objects for the range (Windows PowerShell 5.1 shows offsets below 4 GiB only).</summary>
        HexViewUnavailable,

        /// <summary>
        /// Locking pages in memory would pass a limit of the system (RLIMIT_MEMLOCK on Linux and macOS,
        /// the process's working-set quota on Windows); the message names the limit and how to raise it.
        /// </summary>
        LockLimitExceeded,

        /// <summary>What was asked for exists on other systems but not on this one (the message says which systems have it).</summary>
        NotSupportedOnThisSystem,

        /// <summary>Discarding contents was asked of a map whose memory is shared: it would destroy other processes' or the file's data.</summary>
        DiscardNotPrivate,

        /// <summary>A private (copy-on-write) map of named shared memory was asked for on a system that maps it only shared (macOS).</summary>
        NamedMapPrivateNotSupported,

        /// <summary>Shared memory was created, but the system did not give it the mode asked for; it was removed again.</summary>
        NamedMapModeMismatch,

        /// <summary>
        /// Evicting was asked of a map whose pages are not a cache of a file (anonymous memory, named
        /// shared memory, a Private file map): they cannot go without losing data.
        /// </summary>
        NoCacheToEvict,

        /// <summary>Discarding works on whole pages, and the range starts or ends inside a page that holds bytes outside it.</summary>
        RangeNotPageAligned,

        /// <summary>
        /// A record layout cannot be used: a field's type is unknown, a field has no bytes, two fields
        /// overlap, or the stride is smaller than a record.
        /// </summary>
        LayoutInvalid,

        /// <summary>A record to write lacks a field of its layout.</summary>
        RecordFieldMissing,

        /// <summary>An atomic operation or a wait was asked at an address that is not a multiple of its integer's size.</summary>
        IntegerNotAligned,

        /// <summary>A wait ended because its timeout passed before the value was seen.</summary>
        WaitTimedOut,

        /// <summary>A view cannot change size; its parent can.</summary>
        ViewNotResizable,

        /// <summary>
        /// The map cannot change size: a Private (copy-on-write) map of a file or shared memory, whose
        /// changes live only in its pages, or one whose file or shared memory was opened read-only.
        /// </summary>
        MapNotResizable,
    }
}
