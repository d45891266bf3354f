using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// The object manager's directories, for listing the named sections of a session (Windows only).
        /// Win32 has no call that lists named objects; these native ones are what WinObj and Sysinternals'
        /// tools use.
        /// </summary>
        internal static partial class NtDll
        {
            private const string LibraryName = "ntdll.dll";

            internal const uint DIRECTORY_QUERY = 0x0001;
            internal const uint OBJ_CASE_INSENSITIVE = 0x00000040;

            internal const int STATUS_SUCCESS = 0;
            internal const int STATUS_MORE_ENTRIES = 0x00000105;
            internal const int STATUS_NO_MORE_ENTRIES = unchecked((int)0x8000001A);

            [StructLayout(LayoutKind.Sequential)]
            internal struct UNICODE_STRING
            {
                internal ushort Length;
                internal ushort MaximumLength;
                internal IntPtr Buffer;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct OBJECT_ATTRIBUTES
            {
                internal int Length;
                internal IntPtr RootDirectory;
                internal IntPtr ObjectName;
                internal uint Attributes;
                internal IntPtr SecurityDescriptor;
                internal IntPtr SecurityQualityOfService;
            }

            [StructLayout(LayoutKind.Sequential)]
            internal struct OBJECT_DIRECTORY_INFORMATION
            {
                internal UNICODE_STRING Name;
                internal UNICODE_STRING TypeName;
            }

            [DllImport(LibraryName)]
            internal static extern int NtOpenDirectoryObject(out IntPtr DirectoryHandle, uint DesiredAccess, ref OBJECT_ATTRIBUTES ObjectAttributes);

            [DllImport(LibraryName)]
            internal static extern int NtQueryDirectoryObject(
                IntPtr DirectoryHandle, IntPtr Buffer, uint Length, [MarshalAs(UnmanagedType.U1)] bool ReturnSingleEntry,
                [MarshalAs(UnmanagedType.U1)] bool RestartScan, ref uint Context, out uint ReturnLength);

            [DllImport(LibraryName)]
            internal static extern int NtClose(IntPtr Handle);
        }

        internal static partial class Kernel32
        {
            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool ProcessIdToSessionId(uint dwProcessId, out uint pSessionId);

            [DllImport(LibraryName)]
            internal static extern uint GetCurrentProcessId();
        }
    }
}
