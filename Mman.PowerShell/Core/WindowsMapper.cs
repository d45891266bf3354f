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
    internal sealed partial class WindowsMapper : NativeMapper
    {
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

        internal override NamePlatform NamePlatform => NamePlatform.Windows;

        // Windows refuses to shrink a file or section while a view of it is mapped.
        internal override bool MappedObjectsCanShrink => false;

        internal override MappedMemoryCopier FaultSafeCopier => MappedMemoryCopier.Plain;

        // The DACL of a new named section: the creating user only, or also everyone's read and write;
        // protected from inheriting anything else. {0} is the user's SID.
        private const string UserOnlySddl = "D:P(A;;GA;;;{0})";
        private const string EveryoneSddl = "D:P(A;;GA;;;{0})(A;;GRGW;;;WD)";

        internal override FileStream OpenFile(string path, bool write, bool execute)
        {
            FileAccess access = write ? FileAccess.ReadWrite : FileAccess.Read;
            string nativePath = NativeFilePath(path);

            // Ask for GENERIC_EXECUTE (which FileStream cannot ask for) even when Execute was not requested,
            // so that the section can be executable and SetProtection can add Execute later, as mprotect can.
            uint desired = GENERIC_READ | GENERIC_EXECUTE | (write ? GENERIC_WRITE : 0);
            SafeFileHandle handle = CreateFileW(
                nativePath, desired, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, IntPtr.Zero,
                OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, IntPtr.Zero);
            if (handle.IsInvalid)
            {
                int code = Marshal.GetLastWin32Error();
                handle.Dispose();
                if (code == ERROR_ACCESS_DENIED && !execute)
                {
                    // No execute right on this file: map it without; Execute will then be refused.
                    handle = CreateFileW(
                        nativePath, GENERIC_READ | (write ? GENERIC_WRITE : 0), FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                        IntPtr.Zero, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, IntPtr.Zero);
                    code = handle.IsInvalid ? Marshal.GetLastWin32Error() : 0;
                }

                if (handle.IsInvalid)
                {
                    handle.Dispose();
                    throw OpenFailure(path, code);
                }
            }

            // A device (NUL, CON, COM1) or a named pipe opens like a file but has no length to map.
            uint type = GetFileType(handle);
            if (type != FILE_TYPE_DISK)
            {
                handle.Dispose();
                throw new MemoryMapArgumentException(
                    MemoryMapError.NotARegularFile,
                    "'" + path + "' is a " + (type == FILE_TYPE_PIPE ? "named pipe" : type == FILE_TYPE_CHAR ? "device" : "special file") + ", not a regular file; only regular files can be mapped.",
                    "path");
            }

            return new FileStream(handle, access, bufferSize: 1);
        }

        /// <summary>
        /// The path as CreateFileW takes it: full, and with the \\?\ prefix when it is longer than
        /// MAX_PATH (260), which CreateFileW otherwise refuses unless the system enables long paths
        /// (FileStream adds the prefix itself). A name longer than a file system allows (255) is
        /// refused first: Windows would only say the file was not found.
        /// </summary>
        private static string NativeFilePath(string path)
        {
            string full = Path.GetFullPath(path);
            foreach (string part in full.Split('\\'))
            {
                if (part.Length > MaxFileNameLength)
                {
                    throw new PathTooLongException("'" + path + "' has a name of " + part.Length + " characters; Windows file systems allow " + MaxFileNameLength + ".");
                }
            }

            if (full.Length < 260 || full.StartsWith(@"\\?\", StringComparison.Ordinal))
            {
                return full;
            }

            return full.StartsWith(@"\\", StringComparison.Ordinal) ? @"\\?\UNC\" + full.Substring(2) : @"\\?\" + full;
        }

        // The longest file or folder name NTFS, ReFS and exFAT allow, in UTF-16 units.
        private const int MaxFileNameLength = 255;

        private static Exception OpenFailure(string path, int code)
        {
            switch (code)
            {
                case ERROR_FILE_NOT_FOUND:
                case ERROR_PATH_NOT_FOUND:
                    return new FileNotFoundException("Could not find file '" + path + "'.", path);
                case ERROR_ACCESS_DENIED:
                    return new UnauthorizedAccessException("Access to the path '" + path + "' is denied.");
                case ERROR_INVALID_NAME:
                case ERROR_BAD_PATHNAME:
                    // Characters Windows does not allow in a name (* ? " < > |), or a malformed path.
                    return new ArgumentException("'" + path + "' is not a valid Windows path (" + ErrorName(code) + ").", "path");
                case ERROR_FILENAME_EXCED_RANGE:
                    return new PathTooLongException("'" + path + "' is too long for Windows (" + ErrorName(code) + ").");
                default:
                    return new IOException(new Win32Exception(code).Message, code);
            }
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
            // An executable section first, so that SetProtection can add Execute later as mprotect can; a
            // handle without FILE_EXECUTE (a caller's FileStream) gets ERROR_ACCESS_DENIED, and then, unless
            // Execute was asked for now, the section is made without execute.
            IntPtr section = CreateFileSection(file, fileWritable, sharing, executable: true, out uint viewAccess);
            int refused = section == IntPtr.Zero ? Marshal.GetLastWin32Error() : 0;
            if (section == IntPtr.Zero && (protection & MemoryProtection.Execute) == 0 && (refused == ERROR_ACCESS_DENIED || refused == ERROR_DYNAMIC_CODE_BLOCKED))
            {
                section = CreateFileSection(file, fileWritable, sharing, executable: false, out viewAccess);
            }

            return MapView(section, viewAccess, alignedOffset, length, protection, sharing);
        }

        private static IntPtr CreateFileSection(FileStream file, bool fileWritable, MapSharing sharing, bool executable, out uint viewAccess)
        {
            uint sectionProtection;
            if (sharing == MapSharing.Private)
            {
                sectionProtection = executable ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
                viewAccess = FILE_MAP_COPY;
            }
            else if (fileWritable)
            {
                sectionProtection = executable ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
                viewAccess = FILE_MAP_WRITE;
            }
            else
            {
                sectionProtection = executable ? PAGE_EXECUTE_READ : PAGE_READONLY;
                viewAccess = FILE_MAP_READ;
            }

            if (executable)
            {
                viewAccess |= FILE_MAP_EXECUTE;
            }

            // Maximum size 0: the section is as long as the file.
            return CreateFileMappingW(file.SafeFileHandle.DangerousGetHandle(), IntPtr.Zero, sectionProtection, 0, 0, null);
        }

        internal override unsafe NamedMapping MapNamed(string objectName, string name, long? size, MemoryProtection protection, MapSharing sharing, bool allowOtherUsers)
        {
            bool write = sharing == MapSharing.Shared && (protection & MemoryProtection.Write) != 0;
            bool execute = (protection & MemoryProtection.Execute) != 0;
            IntPtr section = IntPtr.Zero;
            bool created = false;
            if (size.HasValue)
            {
                string sddl = string.Format(System.Globalization.CultureInfo.InvariantCulture, allowOtherUsers ? EveryoneSddl : UserOnlySddl, CurrentUserSid());
                if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, 1, out IntPtr descriptor, IntPtr.Zero))
                {
                    throw Failure(MemoryMapError.NativeError, "ConvertStringSecurityDescriptorToSecurityDescriptor");
                }

                int code;
                try
                {
                    var attributes = new SECURITY_ATTRIBUTES { nLength = sizeof(SECURITY_ATTRIBUTES), lpSecurityDescriptor = descriptor };
                    section = CreateFileMappingW(
                        INVALID_HANDLE_VALUE, new IntPtr(&attributes), execute ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE,
                        (uint)((ulong)size.Value >> 32), (uint)((ulong)size.Value & 0xFFFFFFFF), objectName);

                    // Before LocalFree, which sets the last error too.
                    code = Marshal.GetLastWin32Error();
                }
                finally
                {
                    LocalFree(descriptor);
                }

                if (section != IntPtr.Zero)
                {
                    created = code != ERROR_ALREADY_EXISTS;
                }
                else if (code != ERROR_ACCESS_DENIED)
                {
                    throw NamedFailure("CreateFileMapping", name, write, code);
                }

                // Access denied: it exists and is someone else's; opening asks for less than creating.
            }

            if (section == IntPtr.Zero)
            {
                uint desired = SECTION_QUERY | FILE_MAP_READ | (write ? FILE_MAP_WRITE : 0) | (execute ? FILE_MAP_EXECUTE : 0);
                section = OpenFileMappingW(desired, false, objectName);
                if (section == IntPtr.Zero)
                {
                    throw NamedFailure("OpenFileMapping", name, write, Marshal.GetLastWin32Error());
                }
            }

            try
            {
                long length = size ?? SectionSize(section);
                if (!created && size.HasValue)
                {
                    // Windows keeps a section's size to the page, so only whole pages can be compared.
                    CheckNamedSize(name, size.Value, SectionSize(section));
                }

                // The creator maps with write access so that Write can be added later, as on POSIX.
                uint viewAccess = (sharing == MapSharing.Private ? FILE_MAP_COPY : created || write ? FILE_MAP_WRITE : FILE_MAP_READ)
                    | (execute ? FILE_MAP_EXECUTE : 0);
                IntPtr address = MapViewOfFile(section, viewAccess, 0, 0, (UIntPtr)(ulong)length);
                if (address == IntPtr.Zero)
                {
                    int code = Marshal.GetLastWin32Error();
                    throw code == ERROR_ACCESS_DENIED ? NamedAccessDenied(name, write, "open") : Failure(MemoryMapError.MapFailed, "MapViewOfFile", code);
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

                // The map keeps the section handle: Windows removes a name when the last handle to
                // it closes, even while views of it remain.
                return new NamedMapping(address, length, backing: null, writable: created || write, section: section);
            }
            catch
            {
                CloseHandle(section);
                throw;
            }
        }

        internal override void CloseSection(IntPtr section) => CloseHandle(section);

        /// <summary>
        /// Windows has no way to remove a section's name: it goes when the last handle and view close.
        /// Reports only whether one exists.
        /// </summary>
        internal override bool RemoveNamed(string objectName, string name) => NamedExists(objectName, name);

        internal override bool NamedExists(string objectName, string name)
        {
            IntPtr section = OpenFileMappingW(SECTION_QUERY, false, objectName);
            if (section != IntPtr.Zero)
            {
                CloseHandle(section);
                return true;
            }

            int code = Marshal.GetLastWin32Error();
            if (code == ERROR_FILE_NOT_FOUND)
            {
                return false;
            }

            if (code == ERROR_ACCESS_DENIED)
            {
                return true;
            }

            throw NamedFailure("OpenFileMapping", name, write: false, code);
        }

        /// <summary>
        /// The sections among the named objects of this process's session (where Local\ names live), as
        /// "Local\name". Win32 cannot list named objects; the object manager's directory calls can. The
        /// size and owner need the section opened, so they are null where this user may not query it.
        /// </summary>
        internal override unsafe List<NamedMemoryInfo> ListNamed()
        {
            // Session 0's Local\ objects live in \BaseNamedObjects itself; other sessions' in their own folder.
            string directory = ProcessIdToSessionId(GetCurrentProcessId(), out uint session) && session != 0
                ? "\\Sessions\\" + session.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\\BaseNamedObjects"
                : "\\BaseNamedObjects";
            var list = new List<NamedMemoryInfo>();
            IntPtr handle;
            fixed (char* text = directory)
            {
                var name = new Interop.NtDll.UNICODE_STRING
                {
                    Length = (ushort)(directory.Length * 2),
                    MaximumLength = (ushort)(directory.Length * 2),
                    Buffer = new IntPtr(text),
                };
                var attributes = new Interop.NtDll.OBJECT_ATTRIBUTES
                {
                    Length = Marshal.SizeOf<Interop.NtDll.OBJECT_ATTRIBUTES>(),
                    ObjectName = new IntPtr(&name),
                    Attributes = Interop.NtDll.OBJ_CASE_INSENSITIVE,
                };
                int status = Interop.NtDll.NtOpenDirectoryObject(out handle, Interop.NtDll.DIRECTORY_QUERY, ref attributes);
                if (status != Interop.NtDll.STATUS_SUCCESS)
                {
                    throw NtFailure("NtOpenDirectoryObject(" + directory + ")", status);
                }
            }

            const int BufferSize = 4096;
            IntPtr buffer = Marshal.AllocHGlobal(BufferSize);
            try
            {
                uint context = 0;
                bool restart = true;
                while (true)
                {
                    // One entry a call, so the buffer need only hold one name (Win32 caps section names at MAX_PATH).
                    int status = Interop.NtDll.NtQueryDirectoryObject(handle, buffer, BufferSize, true, restart, ref context, out _);
                    restart = false;
                    if (status == Interop.NtDll.STATUS_NO_MORE_ENTRIES)
                    {
                        break;
                    }

                    if (status != Interop.NtDll.STATUS_SUCCESS && status != Interop.NtDll.STATUS_MORE_ENTRIES)
                    {
                        throw NtFailure("NtQueryDirectoryObject", status);
                    }

                    var entry = (Interop.NtDll.OBJECT_DIRECTORY_INFORMATION*)buffer;
                    if (entry->Name.Buffer == IntPtr.Zero)
                    {
                        break;
                    }

                    string type = Marshal.PtrToStringUni(entry->TypeName.Buffer, entry->TypeName.Length / 2);
                    if (type == "Section")
                    {
                        string bare = Marshal.PtrToStringUni(entry->Name.Buffer, entry->Name.Length / 2);
                        list.Add(DescribeSection("Local\\" + bare));
                    }
                }
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
                Interop.NtDll.NtClose(handle);
            }

            list.Sort((a, b) => string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase));
            return list;
        }

        /// <summary>A named section's size and owner, as far as this user may query them.</summary>
        private NamedMemoryInfo DescribeSection(string name)
        {
            IntPtr section = OpenFileMappingW(SECTION_QUERY | READ_CONTROL, false, name);
            if (section == IntPtr.Zero)
            {
                section = OpenFileMappingW(SECTION_QUERY, false, name);
            }

            if (section == IntPtr.Zero)
            {
                return new NamedMemoryInfo(name, null, null, null, null);
            }

            try
            {
                long? size = null;
                try
                {
                    size = SectionSize(section);
                }
                catch (MemoryMapException)
                {
                    // Opened, but not for SECTION_QUERY after all: the size stays unknown.
                }

                return new NamedMemoryInfo(name, size, OwnerOf(section), null, null);
            }
            finally
            {
                CloseHandle(section);
            }
        }

        /// <summary>"DOMAIN\user" (or the SID) of an object's owner, or null when the handle may not read it.</summary>
        private static string OwnerOf(IntPtr handle)
        {
            if (GetSecurityInfo(handle, SE_KERNEL_OBJECT, OWNER_SECURITY_INFORMATION, out IntPtr owner, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, out IntPtr descriptor) != 0)
            {
                return null;
            }

            try
            {
                if (owner == IntPtr.Zero)
                {
                    // An object with no security descriptor (Wine gives one to objects created without).
                    return null;
                }

                var user = new char[256];
                var domain = new char[256];
                int userLength = user.Length;
                int domainLength = domain.Length;
                if (LookupAccountSidW(null, owner, user, ref userLength, domain, ref domainLength, out _))
                {
                    string account = new string(user, 0, userLength);
                    return domainLength > 0 ? new string(domain, 0, domainLength) + "\\" + account : account;
                }

                if (ConvertSidToStringSidW(owner, out IntPtr text))
                {
                    try
                    {
                        return Marshal.PtrToStringUni(text);
                    }
                    finally
                    {
                        LocalFree(text);
                    }
                }

                return null;
            }
            finally
            {
                LocalFree(descriptor);
            }
        }

        private static MemoryMapException NtFailure(string call, int status) => new MemoryMapException(
            MemoryMapError.NativeError,
            call + " failed with NTSTATUS 0x" + status.ToString("X8", System.Globalization.CultureInfo.InvariantCulture),
            status,
            "NTSTATUS");

        /// <summary>The SID of the user this process runs as, such as "S-1-5-21-…-1001".</summary>
        private unsafe string CurrentUserSid()
        {
            if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, out IntPtr token))
            {
                throw Failure(MemoryMapError.NativeError, "OpenProcessToken");
            }

            try
            {
                byte* buffer = stackalloc byte[256];
                if (!GetTokenInformation(token, TokenUser, new IntPtr(buffer), 256, out _))
                {
                    throw Failure(MemoryMapError.NativeError, "GetTokenInformation");
                }

                // TOKEN_USER starts with a SID_AND_ATTRIBUTES, whose first field is the SID's address.
                if (!ConvertSidToStringSidW(*(IntPtr*)buffer, out IntPtr text))
                {
                    throw Failure(MemoryMapError.NativeError, "ConvertSidToStringSid");
                }

                try
                {
                    return Marshal.PtrToStringUni(text);
                }
                finally
                {
                    LocalFree(text);
                }
            }
            finally
            {
                CloseHandle(token);
            }
        }

        private long SectionSize(IntPtr section)
        {
            int status = NtQuerySection(section, 0, out SECTION_BASIC_INFORMATION information, (UIntPtr)(ulong)Marshal.SizeOf<SECTION_BASIC_INFORMATION>(), IntPtr.Zero);
            if (status != 0)
            {
                throw NtFailure("NtQuerySection", status);
            }

            return information.MaximumSize;
        }

        private Exception NamedFailure(string call, string name, bool write, int code)
        {
            switch (code)
            {
                case ERROR_FILE_NOT_FOUND:
                    return NamedNotFound(name);
                case ERROR_ACCESS_DENIED:
                    return NamedAccessDenied(name, write, "open");
                case ERROR_PRIVILEGE_NOT_HELD:
                    return new MemoryMapException(
                        MemoryMapError.NamedMapAccessDenied,
                        "Creating shared memory '" + name + "' in the Global\\ namespace needs the SeCreateGlobalPrivilege privilege, which services and administrators have. Use a Local\\ name (the default), or run as administrator.",
                        code,
                        "ERROR_PRIVILEGE_NOT_HELD");
                case ERROR_NOT_ENOUGH_MEMORY:
                case ERROR_OUTOFMEMORY:
                case ERROR_COMMITMENT_LIMIT:
                    // Too big for the memory and page file, as an anonymous map of that size would be.
                    return Failure(MemoryMapError.MapFailed, call, code);
                case ERROR_INVALID_HANDLE:
                    return new MemoryMapArgumentException(
                        MemoryMapError.NameInvalid,
                        "The name '" + name + "' is already used by another kind of Windows object (an event, mutex, semaphore or job, which share the namespace); choose another name.",
                        "name");
                default:
                    return Failure(MemoryMapError.NativeError, call, code);
            }
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
                int code = Marshal.GetLastWin32Error();
                MemoryMapError error = code == ERROR_DYNAMIC_CODE_BLOCKED ? MemoryMapError.ExecuteDenied
                    : code == ERROR_ACCESS_DENIED ? MemoryMapError.ProtectionDenied
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
            name = ErrorName(code);
            return new Win32Exception(code).Message;
        }

        private static string ErrorName(int code) => ErrorNames.TryGetValue(code, out string known) ? known : "Win32 error " + code;

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
