using System;
using System.Runtime.InteropServices;

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>Named file-mapping objects: opening by name, security, and the exact size of a section.</summary>
        internal static partial class Kernel32
        {
            internal const uint SECTION_QUERY = 0x0001;

            [StructLayout(LayoutKind.Sequential)]
            internal struct SECURITY_ATTRIBUTES
            {
                internal int nLength;
                internal IntPtr lpSecurityDescriptor;
                internal int bInheritHandle;
            }

            [DllImport(LibraryName, CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern IntPtr OpenFileMappingW(uint dwDesiredAccess, [MarshalAs(UnmanagedType.Bool)] bool bInheritHandle, string lpName);

            [DllImport(LibraryName, SetLastError = true)]
            internal static extern IntPtr LocalFree(IntPtr hMem);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(
                string StringSecurityDescriptor, uint StringSDRevision, out IntPtr SecurityDescriptor, IntPtr SecurityDescriptorSize);

            internal const uint TOKEN_QUERY = 0x0008;
            internal const int TokenUser = 1;

            [DllImport(LibraryName)]
            internal static extern IntPtr GetCurrentProcess();

            [DllImport("advapi32.dll", SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool OpenProcessToken(IntPtr ProcessHandle, uint DesiredAccess, out IntPtr TokenHandle);

            [DllImport("advapi32.dll", SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool GetTokenInformation(IntPtr TokenHandle, int TokenInformationClass, IntPtr TokenInformation, int TokenInformationLength, out int ReturnLength);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool ConvertSidToStringSidW(IntPtr Sid, out IntPtr StringSid);

            [StructLayout(LayoutKind.Sequential)]
            internal struct SECTION_BASIC_INFORMATION
            {
                internal IntPtr BaseAddress;
                internal uint AllocationAttributes;
                internal long MaximumSize;
            }

            // The only documented way to learn the size of a section someone else created.
            [DllImport("ntdll.dll")]
            internal static extern int NtQuerySection(
                IntPtr SectionHandle, int SectionInformationClass, out SECTION_BASIC_INFORMATION SectionInformation, UIntPtr SectionInformationLength, IntPtr ReturnLength);
        }
    }
}

namespace Mman
{
    internal static partial class Interop
    {
        /// <summary>The owner of a kernel object, for the listing of named sections.</summary>
        internal static partial class Kernel32
        {
            internal const uint READ_CONTROL = 0x00020000;
            internal const int SE_KERNEL_OBJECT = 6;
            internal const uint OWNER_SECURITY_INFORMATION = 0x00000001;

            [DllImport("advapi32.dll")]
            internal static extern uint GetSecurityInfo(
                IntPtr handle, int ObjectType, uint SecurityInfo, out IntPtr ppsidOwner, IntPtr ppsidGroup, IntPtr ppDacl, IntPtr ppSacl, out IntPtr ppSecurityDescriptor);

            [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
            [return: MarshalAs(UnmanagedType.Bool)]
            internal static extern bool LookupAccountSidW(
                string lpSystemName, IntPtr Sid, char[] Name, ref int cchName, char[] ReferencedDomainName, ref int cchReferencedDomainName, out int peUse);
        }
    }
}
