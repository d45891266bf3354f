using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>
        /// The Win32 file-mapping calls. Compiled on every platform, called only on Windows.
        /// </summary>
        internal static partial class Kernel32
        {
            private const string LibraryName = "kernel32.dll";

            internal static readonly IntPtr INVALID_HANDLE_VALUE = new IntPtr(-1);

            internal const uint PAGE_NOACCESS = 0x01;
            internal const uint PAGE_READONLY = 0x02;
            internal const uint PAGE_READWRITE = 0x04;
            internal const uint PAGE_WRITECOPY = 0x08;
            internal const uint PAGE_EXECUTE = 0x10;
            internal const uint PAGE_EXECUTE_READ = 0x20;
            internal const uint PAGE_EXECUTE_READWRITE = 0x40;
            internal const uint PAGE_EXECUTE_WRITECOPY = 0x80;

            internal const uint FILE_MAP_COPY = 0x0001;
            internal const uint FILE_MAP_WRITE = 0x0002;
            internal const uint FILE_MAP_READ = 0x0004;
            internal const uint FILE_MAP_EXECUTE = 0x0020;

            internal const uint GENERIC_READ = 0x80000000;
            internal const uint GENERIC_WRITE = 0x40000000;
            internal const uint GENERIC_EXECUTE = 0x20000000;
            internal const uint FILE_SHARE_READ = 0x1;
            internal const uint FILE_SHARE_WRITE = 0x2;
            internal const uint FILE_SHARE_DELETE = 0x4;
            internal const uint OPEN_EXISTING = 3;
            internal const uint FILE_ATTRIBUTE_NORMAL = 0x80;
            internal const uint FILE_TYPE_DISK = 0x0001;
            internal const uint FILE_TYPE_CHAR = 0x0002;
            internal const uint FILE_TYPE_PIPE = 0x0003;

            [StructLayout(LayoutKind.Sequential)]
            internal struct SYSTEM_INFO
            {
                internal ushort wProcessorArchitecture;
                internal ushort wReserved;
                internal uint dwPageSize;
                internal IntPtr lpMinimumApplicationAddress;
                internal IntPtr lpMaximumApplicationAddress;
                internal UIntPtr dwActiveProcessorMask;
                internal uint dwNumberOfProcessors;
                internal uint dwProcessorType;
                internal uint dwAllocationGranularity;
                internal ushort wProcessorLevel;
                internal ushort wProcessorRevision;
            }

            [DllImport(LibraryName)]
            internal static extern void GetSystemInfo(out SYSTEM_INFO lpSystemInfo);

            [DllImport(LibraryName, CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern SafeFileHandle CreateFileW(
                string lpFileName, uint dwDesiredAccess, uint dwShareMode, IntPtr lpSecurityAttributes,
                uint dwCreationDisposition, uint dwFlagsAndAttributes, IntPtr hTemplateFile);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern uint GetFileType(SafeFileHandle hFile);

            [DllImport(LibraryName, CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern IntPtr CreateFileMappingW(
                IntPtr hFile, IntPtr lpFileMappingAttributes, uint flProtect,
                uint dwMaximumSizeHigh, uint dwMaximumSizeLow, string lpName);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern IntPtr MapViewOfFile(
                IntPtr hFileMappingObject, uint dwDesiredAccess, uint dwFileOffsetHigh, uint dwFileOffsetLow,
                UIntPtr dwNumberOfBytesToMap);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool UnmapViewOfFile(IntPtr lpBaseAddress);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool VirtualProtect(IntPtr lpAddress, UIntPtr dwSize, uint flNewProtect, out uint lpflOldProtect);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool FlushViewOfFile(IntPtr lpBaseAddress, UIntPtr dwNumberOfBytesToFlush);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool FlushFileBuffers(SafeFileHandle hFile);

            [DllImport(LibraryName, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool CloseHandle(IntPtr hObject);
        }
    }
}
