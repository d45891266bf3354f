using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static Mman.Interop.Kernel32;

namespace Mman
{
    /// <summary>
    /// CreateFileMapping/MapViewOfFile/VirtualProtect/FlushViewOfFile for Windows.
    /// The section is created at the highest protection the file handle allows and the view with the
    /// widest access, then VirtualProtect narrows the pages to what was asked: that way protection can
    /// later be raised again up to what the file allows, as mprotect does on POSIX.
    /// </summary>
    internal sealed class WindowsMapper : NativeMapper
    {
        private static readonly Dictionary<int, string> s_errorNames = new Dictionary<int, string>
        {
            [2] = "ERROR_FILE_NOT_FOUND", [3] = "ERROR_PATH_NOT_FOUND", [5] = "ERROR_ACCESS_DENIED",
            [6] = "ERROR_INVALID_HANDLE", [8] = "ERROR_NOT_ENOUGH_MEMORY", [14] = "ERROR_OUTOFMEMORY",
            [32] = "ERROR_SHARING_VIOLATION", [87] = "ERROR_INVALID_PARAMETER", [112] = "ERROR_DISK_FULL",
            [487] = "ERROR_INVALID_ADDRESS", [1006] = "ERROR_FILE_INVALID", [1132] = "ERROR_MAPPED_ALIGNMENT",
            [1224] = "ERROR_USER_MAPPED_FILE", [1455] = "ERROR_COMMITMENT_LIMIT",
            [1655] = "ERROR_DYNAMIC_CODE_BLOCKED",
        };

        private readonly long _pageSize;
        private readonly long _allocationGranularity;

        internal WindowsMapper()
        {
            GetSystemInfo(out SYSTEM_INFO info);
            _pageSize = info.dwPageSize;
            _allocationGranularity = info.dwAllocationGranularity;
        }

        internal override long PageSize => _pageSize;

        internal override long OffsetAlignment => _allocationGranularity;

        internal override FileStream OpenFile(string path, bool write, bool execute)
        {
            FileAccess access = write ? FileAccess.ReadWrite : FileAccess.Read;
            if (!execute)
            {
                return new FileStream(path, FileMode.Open, access, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            }

            // An executable section needs a handle with GENERIC_EXECUTE, which FileStream cannot ask for.
            uint desired = GENERIC_READ | GENERIC_EXECUTE | (write ? GENERIC_WRITE : 0);
            SafeFileHandle handle = CreateFileW(
                path, desired, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, IntPtr.Zero,
                OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, IntPtr.Zero);
            if (handle.IsInvalid)
            {
                int code = Marshal.GetLastWin32Error();
                handle.Dispose();
                switch (code)
                {
                    case 2:
                    case 3:
                        throw new FileNotFoundException("Could not find file '" + path + "'.", path);
                    case 5:
                        throw new UnauthorizedAccessException("Access to the path '" + path + "' is denied.");
                    default:
                        throw new IOException(new Win32Exception(code).Message, code);
                }
            }

            return new FileStream(handle, access, bufferSize: 1);
        }

        internal override IntPtr MapAnonymous(long length, MemoryProtection protection, MapSharing sharing)
        {
            // A pagefile-backed section may be created executable and writable; the pages are then
            // narrowed to the requested protection.
            IntPtr section = CreateFileMappingW(
                INVALID_HANDLE_VALUE, IntPtr.Zero, PAGE_EXECUTE_READWRITE,
                (uint)((ulong)length >> 32), (uint)((ulong)length & 0xFFFFFFFF), null);
            uint viewAccess = FILE_MAP_EXECUTE | (sharing == MapSharing.Private ? FILE_MAP_COPY : FILE_MAP_WRITE);
            return MapView(section, viewAccess, 0, length, protection, sharing);
        }

        internal override IntPtr MapFile(FileStream file, bool fileWritable, long alignedOffset, long length, MemoryProtection protection, MapSharing sharing)
        {
            bool fileExecutable = (protection & MemoryProtection.Execute) != 0;
            uint sectionProtection;
            uint viewAccess;
            if (sharing == MapSharing.Private)
            {
                sectionProtection = fileExecutable ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
                viewAccess = FILE_MAP_COPY;
            }
            else if (fileWritable)
            {
                sectionProtection = fileExecutable ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
                viewAccess = FILE_MAP_WRITE;
            }
            else
            {
                sectionProtection = fileExecutable ? PAGE_EXECUTE_READ : PAGE_READONLY;
                viewAccess = FILE_MAP_READ;
            }

            if (fileExecutable)
            {
                viewAccess |= FILE_MAP_EXECUTE;
            }

            // Maximum size 0: the section is as long as the file.
            IntPtr section = CreateFileMappingW(file.SafeFileHandle.DangerousGetHandle(), IntPtr.Zero, sectionProtection, 0, 0, null);
            return MapView(section, viewAccess, alignedOffset, length, protection, sharing);
        }

        private IntPtr MapView(IntPtr section, uint viewAccess, long offset, long length, MemoryProtection protection, MapSharing sharing)
        {
            if (section == IntPtr.Zero)
            {
                throw Failure(MemoryMapError.MapFailed, "CreateFileMapping");
            }

            try
            {
                IntPtr address = MapViewOfFile(
                    section, viewAccess, (uint)((ulong)offset >> 32), (uint)((ulong)offset & 0xFFFFFFFF), (UIntPtr)(ulong)length);
                if (address == IntPtr.Zero)
                {
                    throw Failure(MemoryMapError.MapFailed, "MapViewOfFile");
                }

                try
                {
                    Protect(address, length, protection, sharing);
                }
                catch
                {
                    UnmapViewOfFile(address);
                    throw;
                }

                return address;
            }
            finally
            {
                // The view keeps the section alive; the handle is not needed any more.
                CloseHandle(section);
            }
        }

        internal override bool Unmap(IntPtr address, long length) => UnmapViewOfFile(address);

        internal override void Protect(IntPtr address, long length, MemoryProtection protection, MapSharing sharing)
        {
            if (!VirtualProtect(address, (UIntPtr)(ulong)length, PageProtection(protection, sharing), out _))
            {
                // 1655: Arbitrary Code Guard forbids executable memory in this process.
                int code = Marshal.GetLastWin32Error();
                MemoryMapError error = code == 1655 ? MemoryMapError.ExecuteDenied
                    : code == 5 ? MemoryMapError.ProtectionDenied
                    : MemoryMapError.NativeError;
                throw Failure(error, "VirtualProtect");
            }
        }

        internal override void Flush(IntPtr address, long length, FileStream file, bool fileWritable, bool async, bool invalidate)
        {
            // Windows has no counterpart of MS_INVALIDATE: views of one section are always coherent.
            if (!FlushViewOfFile(address, (UIntPtr)(ulong)length))
            {
                throw Failure(MemoryMapError.NativeError, "FlushViewOfFile");
            }

            // FlushViewOfFile only starts the writes; FlushFileBuffers is what makes them durable.
            if (!async && file != null && fileWritable && !FlushFileBuffers(file.SafeFileHandle))
            {
                throw Failure(MemoryMapError.NativeError, "FlushFileBuffers");
            }
        }

        internal override string DescribeError(int code, out string name)
        {
            name = s_errorNames.TryGetValue(code, out string known) ? known : "Win32 error " + code;
            return new Win32Exception(code).Message;
        }

        /// <summary>Windows has no write-only pages: Write alone becomes read-write.</summary>
        private static uint PageProtection(MemoryProtection protection, MapSharing sharing)
        {
            bool read = (protection & MemoryProtection.Read) != 0;
            bool write = (protection & MemoryProtection.Write) != 0;
            bool execute = (protection & MemoryProtection.Execute) != 0;
            bool copy = sharing == MapSharing.Private;
            if (execute)
            {
                return write ? (copy ? PAGE_EXECUTE_WRITECOPY : PAGE_EXECUTE_READWRITE)
                    : read ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
            }

            return write ? (copy ? PAGE_WRITECOPY : PAGE_READWRITE)
                : read ? PAGE_READONLY : PAGE_NOACCESS;
        }
    }
}
