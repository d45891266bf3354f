using System;
using System.IO;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Turns the core's exceptions into ErrorRecords with a stable ErrorId and a category, so every
    /// cmdlet reports the same failure the same way.
    /// </summary>
    internal static class MemoryMapErrorRecord
    {
        /// <summary>
        /// Whether the cmdlets report this exception as an ErrorRecord. Anything else (a stopped
        /// pipeline, an engine fault) is left to PowerShell.
        /// </summary>
        internal static bool IsReportable(Exception exception) =>
            exception is ArgumentException
            || exception is InvalidOperationException
            || exception is IOException
            || exception is UnauthorizedAccessException
            || exception is NotSupportedException
            || exception is InvalidCastException;

        internal static ErrorRecord From(Exception exception, object target)
        {
            switch (exception)
            {
                case MemoryMapArgumentException e:
                    return new ErrorRecord(
                        e, e.Error.ToString(),
                        e.Error == MemoryMapError.WriteExecuteRefused ? ErrorCategory.SecurityError : ErrorCategory.InvalidArgument,
                        target);
                case MemoryMapAccessException e:
                    return new ErrorRecord(e, e.Error.ToString(), ErrorCategory.PermissionDenied, target);
                case ObjectDisposedException e:
                    return new ErrorRecord(e, "MapClosed", ErrorCategory.InvalidOperation, target);
                case MemoryMapException e:
                    return new ErrorRecord(e, e.Error.ToString(), CategoryOf(e), target);
                case FileNotFoundException e:
                    return new ErrorRecord(e, "FileNotFound", ErrorCategory.ObjectNotFound, target);
                case DirectoryNotFoundException e:
                    return new ErrorRecord(e, "FileNotFound", ErrorCategory.ObjectNotFound, target);
                case UnauthorizedAccessException e:
                    return new ErrorRecord(e, "FileAccessDenied", ErrorCategory.PermissionDenied, target);
                case PathTooLongException e:
                    return new ErrorRecord(e, "PathNotValid", ErrorCategory.InvalidArgument, target);
                case IOException e:
                    return new ErrorRecord(e, "FileOpenFailed", ErrorCategory.OpenError, target);
                case ArgumentException e when e.ParamName == "path":
                    // .NET's own path checks, such as a NUL character in the name.
                    return new ErrorRecord(e, "PathNotValid", ErrorCategory.InvalidArgument, target);
                case ArgumentException e:
                    return new ErrorRecord(e, "InvalidArgument", ErrorCategory.InvalidArgument, target);
                case InvalidCastException e:
                    return new ErrorRecord(e, "ValueNotConvertible", ErrorCategory.InvalidArgument, target);
                default:
                    return new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, target);
            }
        }

        /// <summary>An error the cmdlet finds itself, before the core is called.</summary>
        internal static ErrorRecord Create(string errorId, ErrorCategory category, string message, object target, Exception inner = null)
        {
            Exception exception = category switch
            {
                ErrorCategory.ObjectNotFound => new ItemNotFoundException(message, inner),
                ErrorCategory.InvalidArgument => new ArgumentException(message, inner),
                _ => new InvalidOperationException(message, inner),
            };
            return new ErrorRecord(exception, errorId, category, target);
        }

        /// <summary>The error for an -Id that names no open map.</summary>
        internal static ErrorRecord MapNotFound(int id) => Create(
            "MapNotFound", ErrorCategory.ObjectNotFound,
            "No open memory map has Id " + id + ". Get-MemoryMap lists the open maps.", id);

        private static ErrorCategory CategoryOf(MemoryMapException exception)
        {
            switch (exception.Error)
            {
                case MemoryMapError.ProtectionDenied:
                    return ErrorCategory.PermissionDenied;
                case MemoryMapError.ExecuteDenied:
                    return ErrorCategory.SecurityError;
                case MemoryMapError.FileTruncated:
                    return ErrorCategory.InvalidData;
                case MemoryMapError.NamedMapNotFound:
                    return ErrorCategory.ObjectNotFound;
                case MemoryMapError.NamedMapAccessDenied:
                    return ErrorCategory.PermissionDenied;
                case MemoryMapError.NamedMapSizeMismatch:
                    return ErrorCategory.InvalidArgument;
                case MemoryMapError.NamedMapEmpty:
                    return ErrorCategory.ResourceUnavailable;
                case MemoryMapError.MapFailed:
                    return exception.NativeErrorName == "EACCES" || exception.NativeErrorName == "EPERM" || exception.NativeErrorName == "ERROR_ACCESS_DENIED"
                        ? ErrorCategory.PermissionDenied
                        : ErrorCategory.ResourceUnavailable;
                default:
                    return ErrorCategory.InvalidOperation;
            }
        }
    }
}
