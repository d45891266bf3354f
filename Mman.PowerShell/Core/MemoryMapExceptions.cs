using System;
using System.IO;

namespace Mman
{
    /// <summary>
    /// Keys of facts that some exceptions of a memory map carry in their <see cref="Exception.Data"/>,
    /// for callers that explain the failure further (the cmdlets add PowerShell advice from them).
    /// </summary>
    public static class MemoryMapErrorData
    {
        /// <summary>The name (a string) of the shared memory the failure is about.</summary>
        public const string SharedMemoryName = "SharedMemoryName";

        /// <summary>The size in bytes (a long) of the shared memory that exists, for NamedMapSizeMismatch.</summary>
        public const string ExistingSize = "ExistingSize";

        /// <summary>True (a bool) when write access was asked for, for NamedMapAccessDenied.</summary>
        public const string WriteRequested = "WriteRequested";

        /// <summary>True (a bool) when the file or shared memory behind a map was opened read-only, for ProtectionDenied.</summary>
        public const string BackingReadOnly = "BackingReadOnly";
    }

    /// <summary>
    /// An operating-system or file-state failure of a memory map. Carries the OS error number
    /// (errno on Linux and macOS, the Win32 error code on Windows) and its symbolic name.
    /// </summary>
    public class MemoryMapException : IOException
    {
        /// <summary>Creates the exception.</summary>
        public MemoryMapException(MemoryMapError error, string message, int nativeErrorCode = 0, string nativeErrorName = null)
            : base(message)
        {
            Error = error;
            NativeErrorCode = nativeErrorCode;
            NativeErrorName = nativeErrorName;
        }

        /// <summary>What kind of failure this is.</summary>
        public MemoryMapError Error { get; }

        /// <summary>The OS error number, or 0 when the failure was found by Mman itself.</summary>
        public int NativeErrorCode { get; }

        /// <summary>The OS error's symbolic name, such as EACCES or ERROR_ACCESS_DENIED, or null.</summary>
        public string NativeErrorName { get; }
    }

    /// <summary>
    /// The operating system could not create a mapping (out of address space, unsupported file, ...).
    /// </summary>
    public class MemoryMapAllocationException : MemoryMapException
    {
        /// <summary>Creates the exception.</summary>
        public MemoryMapAllocationException(string message, int nativeErrorCode, string nativeErrorName)
            : base(MemoryMapError.MapFailed, message, nativeErrorCode, nativeErrorName)
        {
        }
    }

    /// <summary>
    /// An argument a memory map cannot accept: a size, offset or count out of range, or a bad protection.
    /// </summary>
    public class MemoryMapArgumentException : ArgumentException
    {
        /// <summary>Creates the exception.</summary>
        public MemoryMapArgumentException(MemoryMapError error, string message, string paramName)
            : base(message, paramName)
        {
            Error = error;
            _message = message;
        }

        private readonly string _message;

        /// <summary>What kind of failure this is.</summary>
        public MemoryMapError Error { get; }

        /// <summary>
        /// The message alone: .NET would append the parameter name, which is the C# name and would
        /// mislead a PowerShell user reading the error.
        /// </summary>
        public override string Message => _message;
    }

    /// <summary>
    /// A read or write the map's current protection does not allow. Mman refuses it before touching the
    /// memory, so the process never faults.
    /// </summary>
    public class MemoryMapAccessException : InvalidOperationException
    {
        /// <summary>Creates the exception.</summary>
        public MemoryMapAccessException(MemoryMapError error, string message)
            : base(message)
        {
            Error = error;
        }

        /// <summary>What kind of failure this is.</summary>
        public MemoryMapError Error { get; }
    }
}
