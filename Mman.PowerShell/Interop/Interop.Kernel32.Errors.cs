using System.Collections.Generic;

namespace Mman
{
    internal static partial class Interop
    {
        internal static partial class Kernel32
        {
            // The Win32 error codes WindowsMapper acts on or names (winerror.h).
            internal const int ERROR_FILE_NOT_FOUND = 2;
            internal const int ERROR_PATH_NOT_FOUND = 3;
            internal const int ERROR_ACCESS_DENIED = 5;
            internal const int ERROR_INVALID_HANDLE = 6;
            internal const int ERROR_NOT_ENOUGH_MEMORY = 8;
            internal const int ERROR_OUTOFMEMORY = 14;
            internal const int ERROR_SHARING_VIOLATION = 32;
            internal const int ERROR_INVALID_PARAMETER = 87;
            internal const int ERROR_DISK_FULL = 112;
            internal const int ERROR_INVALID_NAME = 123;
            internal const int ERROR_BAD_PATHNAME = 161;
            internal const int ERROR_ALREADY_EXISTS = 183;
            internal const int ERROR_FILENAME_EXCED_RANGE = 206;
            internal const int ERROR_INVALID_ADDRESS = 487;
            internal const int ERROR_FILE_INVALID = 1006;
            internal const int ERROR_MAPPED_ALIGNMENT = 1132;
            internal const int ERROR_USER_MAPPED_FILE = 1224;
            internal const int ERROR_PRIVILEGE_NOT_HELD = 1314;
            internal const int ERROR_COMMITMENT_LIMIT = 1455;

            /// <summary>Arbitrary Code Guard forbids executable memory in this process.</summary>
            internal const int ERROR_DYNAMIC_CODE_BLOCKED = 1655;

            /// <summary>The names of the codes above, for messages.</summary>
            internal static readonly IReadOnlyDictionary<int, string> ErrorNames = new Dictionary<int, string>
            {
                [ERROR_FILE_NOT_FOUND] = nameof(ERROR_FILE_NOT_FOUND),
                [ERROR_PATH_NOT_FOUND] = nameof(ERROR_PATH_NOT_FOUND),
                [ERROR_ACCESS_DENIED] = nameof(ERROR_ACCESS_DENIED),
                [ERROR_INVALID_HANDLE] = nameof(ERROR_INVALID_HANDLE),
                [ERROR_NOT_ENOUGH_MEMORY] = nameof(ERROR_NOT_ENOUGH_MEMORY),
                [ERROR_OUTOFMEMORY] = nameof(ERROR_OUTOFMEMORY),
                [ERROR_SHARING_VIOLATION] = nameof(ERROR_SHARING_VIOLATION),
                [ERROR_INVALID_PARAMETER] = nameof(ERROR_INVALID_PARAMETER),
                [ERROR_DISK_FULL] = nameof(ERROR_DISK_FULL),
                [ERROR_INVALID_NAME] = nameof(ERROR_INVALID_NAME),
                [ERROR_BAD_PATHNAME] = nameof(ERROR_BAD_PATHNAME),
                [ERROR_ALREADY_EXISTS] = nameof(ERROR_ALREADY_EXISTS),
                [ERROR_FILENAME_EXCED_RANGE] = nameof(ERROR_FILENAME_EXCED_RANGE),
                [ERROR_INVALID_ADDRESS] = nameof(ERROR_INVALID_ADDRESS),
                [ERROR_FILE_INVALID] = nameof(ERROR_FILE_INVALID),
                [ERROR_MAPPED_ALIGNMENT] = nameof(ERROR_MAPPED_ALIGNMENT),
                [ERROR_USER_MAPPED_FILE] = nameof(ERROR_USER_MAPPED_FILE),
                [ERROR_PRIVILEGE_NOT_HELD] = nameof(ERROR_PRIVILEGE_NOT_HELD),
                [ERROR_COMMITMENT_LIMIT] = nameof(ERROR_COMMITMENT_LIMIT),
                [ERROR_DYNAMIC_CODE_BLOCKED] = nameof(ERROR_DYNAMIC_CODE_BLOCKED),
            };
        }
    }
}
