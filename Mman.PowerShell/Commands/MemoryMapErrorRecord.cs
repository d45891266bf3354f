using System;
using System.Collections;
using System.IO;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Turns the core's exceptions into ErrorRecords with a stable ErrorId and a category, so every
    /// cmdlet reports the same failure the same way. The core's message states what is wrong; this is
    /// where the PowerShell advice (which cmdlet or parameter to use) is added, as the record's
    /// ErrorDetails and RecommendedAction.
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
            MemoryMapError error = ErrorOf(exception);
            var record = new ErrorRecord(exception, error.ToString(), CategoryOf(error, exception), target);
            string advice = AdviceFor(error, exception);
            if (advice != null)
            {
                record.ErrorDetails = new ErrorDetails(exception.Message + " " + advice) { RecommendedAction = advice };
            }

            return record;
        }

        /// <summary>An error the cmdlet finds itself, before the core is called; its category is the id's.</summary>
        internal static ErrorRecord Create(MemoryMapError error, string message, object target, Exception inner = null)
        {
            ErrorCategory category = CategoryOf(error, exception: null);
            Exception exception = category switch
            {
                ErrorCategory.ObjectNotFound => new ItemNotFoundException(message, inner),
                ErrorCategory.InvalidArgument => new ArgumentException(message, inner),
                _ => new InvalidOperationException(message, inner),
            };
            return new ErrorRecord(exception, error.ToString(), category, target);
        }

        /// <summary>The error for an -Id that names no open map.</summary>
        internal static ErrorRecord MapNotFound(int id) => Create(
            MemoryMapError.MapNotFound,
            "No open memory map has Id " + id + ". Get-MemoryMap lists the open maps.", id);

        /// <summary>The id of any exception a cmdlet reports: the core's own, or one for a .NET exception.</summary>
        private static MemoryMapError ErrorOf(Exception exception)
        {
            switch (exception)
            {
                case MemoryMapArgumentException e:
                    return e.Error;
                case MemoryMapAccessException e:
                    return e.Error;
                case MemoryMapException e:
                    return e.Error;
                case ObjectDisposedException _:
                    return MemoryMapError.MapClosed;
                case FileNotFoundException _:
                case DirectoryNotFoundException _:
                    return MemoryMapError.FileNotFound;
                case UnauthorizedAccessException _:
                    return MemoryMapError.FileAccessDenied;
                case PathTooLongException _:
                    return MemoryMapError.PathNotValid;
                case IOException _:
                    return MemoryMapError.FileOpenFailed;
                case ArgumentException e when e.ParamName == "path":
                    // .NET's own path checks, such as a NUL character in the name.
                    return MemoryMapError.PathNotValid;
                case ArgumentException _:
                    return MemoryMapError.InvalidArgument;
                case InvalidCastException _:
                    return MemoryMapError.ValueNotConvertible;
                default:
                    return MemoryMapError.UnexpectedError;
            }
        }

        private static ErrorCategory CategoryOf(MemoryMapError error, Exception exception)
        {
            switch (error)
            {
                case MemoryMapError.WriteExecuteRefused:
                case MemoryMapError.ExecuteDenied:
                case MemoryMapError.NamedMapModeMismatch:
                    return ErrorCategory.SecurityError;
                case MemoryMapError.MapNotReadable:
                case MemoryMapError.MapNotWritable:
                case MemoryMapError.ProtectionDenied:
                case MemoryMapError.NamedMapAccessDenied:
                case MemoryMapError.FileAccessDenied:
                    return ErrorCategory.PermissionDenied;
                case MemoryMapError.FileTruncated:
                    return ErrorCategory.InvalidData;
                case MemoryMapError.NamedMapNotFound:
                case MemoryMapError.FileNotFound:
                case MemoryMapError.MapNotFound:
                    return ErrorCategory.ObjectNotFound;
                case MemoryMapError.NamedMapEmpty:
                case MemoryMapError.LockLimitExceeded:
                    return ErrorCategory.ResourceUnavailable;
                case MemoryMapError.NamedMapSizeMismatch:
                    return ErrorCategory.InvalidArgument;
                case MemoryMapError.FileOpenFailed:
                    return ErrorCategory.OpenError;
                case MemoryMapError.NamedListingNotSupported:
                case MemoryMapError.NotSupportedOnThisSystem:
                case MemoryMapError.NamedMapPrivateNotSupported:
                    return ErrorCategory.NotImplemented;
                case MemoryMapError.UnexpectedError:
                    return ErrorCategory.NotSpecified;
                case MemoryMapError.WaitTimedOut:
                    return ErrorCategory.OperationTimeout;
                case MemoryMapError.MapFailed:
                    string name = ((MemoryMapException)exception).NativeErrorName;
                    return name == "EACCES" || name == "EPERM" || name == "ERROR_ACCESS_DENIED"
                        ? ErrorCategory.PermissionDenied
                        : ErrorCategory.ResourceUnavailable;
                case MemoryMapError.MapClosed:
                case MemoryMapError.NativeError:
                case MemoryMapError.DiscardNotPrivate:
                case MemoryMapError.NoCacheToEvict:
                case MemoryMapError.ViewNotResizable:
                case MemoryMapError.MapNotResizable:
                    return ErrorCategory.InvalidOperation;
                default:
                    // Argument errors of the core, and the cmdlets' own path and value errors.
                    return exception is MemoryMapException ? ErrorCategory.InvalidOperation : ErrorCategory.InvalidArgument;
            }
        }

        /// <summary>What a PowerShell user can do about the failure, or null where the message says it all.</summary>
        private static string AdviceFor(MemoryMapError error, Exception exception)
        {
            IDictionary data = exception.Data;
            string name = data[MemoryMapErrorData.SharedMemoryName] as string;
            switch (error)
            {
                case MemoryMapError.MapNotReadable:
                    return "Add Read with Set-MemoryMapProtection first.";
                case MemoryMapError.MapNotWritable:
                    return "Add Write with Set-MemoryMapProtection first.";
                case MemoryMapError.MapClosed:
                    return "Create a new map with New-MemoryMap.";
                case MemoryMapError.WriteExecuteRefused:
                    return "Write with Read,Write, then switch to Read,Execute with Set-MemoryMapProtection; or pass -AllowWriteExecute if both at once are really needed.";
                case MemoryMapError.ProtectionDenied when data[MemoryMapErrorData.BackingReadOnly] is true:
                    return "Create the map with -Protection Read,Write to write to it, or with -Sharing Private for writes that stay in memory.";
                case MemoryMapError.LockLimitExceeded:
                    return "Lock a smaller range with -Offset and -Count, or release other locks with Unlock-MemoryMap or Close-MemoryMap.";
                case MemoryMapError.FileEmpty:
                    return "Write to the file first, or map anonymous memory with -Size.";
                case MemoryMapError.FileNotMappable:
                    return "Read it with Get-Content, or copy it to a regular file and map the copy.";
                case MemoryMapError.NotARegularFile when name == null:
                    return "For memory that no file backs, use New-MemoryMap -Size.";
                case MemoryMapError.NamedMapNotFound when name != null:
                    return "Create it with New-MemoryMap -Name '" + name + "' -Size <bytes>, or check the name (names are case-sensitive on Linux and macOS).";
                case MemoryMapError.NamedMapAccessDenied when data[MemoryMapErrorData.WriteRequested] is bool write:
                    return "Objects are created for their owner only: the owner can create it with -AllowOtherUsers" + (write ? ", or open it with -Protection Read if reading is enough" : string.Empty) + ".";
                case MemoryMapError.NamedMapSizeMismatch when name != null:
                    long existing = (long)data[MemoryMapErrorData.ExistingSize];
                    return "Open it with -Size " + existing + ", or without -Size to take its size; or remove it first with Remove-MemoryMap -Name '" + name + "'.";
                case MemoryMapError.NamedMapEmpty when name != null:
                    return "Open it with -Size <bytes> and -Protection Read,Write to set it, or remove it with Remove-MemoryMap -Name '" + name + "'.";
                case MemoryMapError.DiscardNotPrivate:
                    return "To free a Shared file map's pages without losing data, use Clear-MemoryMapResidency, which writes them to the file first.";
                case MemoryMapError.NoCacheToEvict:
                    return "Evict a Shared file map, or files with Clear-MemoryMapResidency -Path; to throw away the contents of private memory on purpose, use Clear-MemoryMap.";
                case MemoryMapError.MapNotResizable when data[MemoryMapErrorData.BackingReadOnly] is true:
                    return "Close it and map the file again with -Protection Read,Write, then resize that map.";
                case MemoryMapError.MapNotResizable:
                    return "Map it again with -Sharing Shared to resize it, or copy the bytes you need into a new map (Read-MemoryMap, Write-MemoryMap).";
                case MemoryMapError.ViewNotResizable:
                    return "Resize the parent map with Resize-MemoryMap, then make the view again with New-MemoryMap -InputObject <parent>.";
                case MemoryMapError.IntegerNotAligned:
                    return "Use an -Offset whose address is a multiple of the integer's size (4 for Int32, 8 for Int64); keep shared integers at aligned offsets of the parent map.";
                case MemoryMapError.WaitTimedOut:
                    return "Wait longer with a larger -Timeout, or check that the other side changes the integer (Set-MemoryMapInteger or Add-MemoryMapInteger).";
                case MemoryMapError.RangeNotPageAligned:
                    return "[Mman.MemoryMap]::PageSize is the size of a page; omit -Offset and -Count to discard the whole map.";
                default:
                    return null;
            }
        }
    }
}
