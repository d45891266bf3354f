# Named shared memory: New-MemoryMap -Name, Remove-MemoryMap and Get-MemoryMap -Name. On Linux the object
# is the file /dev/shm/<name>, so the tests look there for its size, mode and existence. On Windows it is a
# named section in the session's object directory (\Sessions\<n>\BaseNamedObjects, the Local\ namespace):
# the tests list that directory, read the section's DACL and open it with .NET's MemoryMappedFile, all
# independent of Mman. A section lives only while some handle or view of it is open, in any process, and
# its name cannot be removed; the tests of the lifetime and of Remove-MemoryMap have a Windows variant
# that checks that rule, from a second process too. Every name starts with this file's prefix, and the
# last test checks that none is left behind.

BeforeDiscovery {
    # Names no system accepts here, the reason the message must give, and a label for the test name.
    $invalidNames = if (-not $IsWindows) {
        @(
            @{ Label = '256 ASCII bytes'; Name = 'n' * 256; Why = 'it is 256 bytes in UTF-8, and Linux allows at most 255' }
            @{ Label = '128 characters of 2 UTF-8 bytes each'; Name = [string]::new([char]0xE9, 128); Why = 'it is 256 bytes in UTF-8' }
            @{ Label = 'a slash inside'; Name = 'mman-test/x'; Why = "must not contain '/'" }
            @{ Label = 'a leading slash'; Name = '/mman-test-x'; Why = "leave out the leading '/'" }
            @{ Label = 'a backslash'; Name = 'mman-test\x'; Why = "must not contain '\'" }
            @{ Label = 'the Windows prefix Local\'; Name = 'Local\mman-test-x'; Why = 'Local\ and Global\ are Windows namespaces' }
            @{ Label = 'the Windows prefix Global\'; Name = 'Global\mman-test-x'; Why = 'Local\ and Global\ are Windows namespaces' }
            @{ Label = '.'; Name = '.'; Why = "'.' and '..' name folders" }
            @{ Label = '..'; Name = '..'; Why = "'.' and '..' name folders" }
            @{ Label = 'sem.x (where Linux keeps semaphores)'; Name = 'sem.x'; Why = "start with 'sem.'" }
            @{ Label = 'a line break'; Name = "mman-test`nx"; Why = 'control characters' }
            @{ Label = 'a NUL character'; Name = "mman-test`0x"; Why = 'control characters' }
            @{ Label = 'a tab'; Name = "mman-test`tx"; Why = 'control characters' }
        )
    }
    else {
        # Windows has its own rules (NamedMapName.ToObjectName): Local\ and Global\ are its namespaces, a
        # name is at most 260 characters with its prefix, and it must not be the name of an event or a mutex.
        @(
            @{ Label = '255 characters (261 with the Local\ prefix)'; Name = 'n' * 255; Why = 'it is 261 characters with its prefix, and Windows allows at most 260' }
            @{ Label = 'a slash inside'; Name = 'mman-test/x'; Why = "must not contain '/'" }
            @{ Label = 'a leading slash'; Name = '/mman-test-x'; Why = "must not contain '/'" }
            @{ Label = 'a backslash'; Name = 'mman-test\x'; Why = 'the only prefixes a name may have are Local\ (the default) and Global\' }
            @{ Label = 'the prefix Session\, reserved by Windows'; Name = 'Session\1\mman-test-x'; Why = 'Session\ and other namespaces are reserved by Windows' }
            @{ Label = 'a backslash after Local\'; Name = 'Local\mman-test\x'; Why = 'the only prefixes a name may have are Local\ (the default) and Global\' }
            @{ Label = 'Local\ and nothing after it'; Name = 'Local\'; Why = 'the name after the prefix must not be empty' }
            @{ Label = '.'; Name = '.'; Why = "'.' and '..' name folders" }
            @{ Label = '..'; Name = '..'; Why = "'.' and '..' name folders" }
            @{ Label = 'sem.x (where Linux keeps semaphores)'; Name = 'sem.x'; Why = "start with 'sem.'" }
            @{ Label = 'a line break'; Name = "mman-test`nx"; Why = 'control characters' }
            @{ Label = 'a NUL character'; Name = "mman-test`0x"; Why = 'control characters' }
            @{ Label = 'a tab'; Name = "mman-test`tx"; Why = 'control characters' }
            # Sections share their namespace with events, mutexes, semaphores and jobs.
            @{ Label = 'the name of an event'; Name = "mman-test-$PID-named-event"; Why = 'already used by another kind of Windows object'; TakenByEvent = $true }
        )
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }
    $script:prefix = "mman-test-$PID-named-"
    if ($IsWindows) {
        # Windows: 'root' is an elevated administrator.
        $identity = [Security.Principal.WindowsIdentity]::GetCurrent()
        $script:isRoot = [Security.Principal.WindowsPrincipal]::new($identity).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
        $script:userSid = $identity.User.Value
    }
    else {
        $script:isRoot = (& id -u) -eq '0'
    }
    $script:dirMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'
    # Who may open a new object, as Get-SharedObjectAccess shows it: mode 0600 or 0666 on Linux; on Windows a
    # protected DACL that grants its creator all access (SECTION_ALL_ACCESS, 0xF001F), and with
    # -AllowOtherUsers also Everyone (S-1-1-0) read and write (SECTION_QUERY, MAP_READ, MAP_WRITE and
    # READ_CONTROL, 0x20007), nothing more.
    $script:ownerOnlyAccess = if ($IsWindows) { "protected; AccessAllowed $script:userSid 0x000F001F" } else { '-rw-------' }
    $script:everyoneAccess = if ($IsWindows) { "$script:ownerOnlyAccess; AccessAllowed S-1-1-0 0x00020007" } else { '-rw-rw-rw-' }

    if ($IsWindows) {
        # The Windows calls the tests look at sections with, independently of Mman: the object directory
        # where Local\ names live, a section's DACL and handle count, what is mapped at an address, and
        # sections made with a DACL of the test's choosing.
        if (-not ('MmanTest.NamedSection' -as [type])) {
            Add-Type -Namespace MmanTest -Name NamedSection -MemberDefinition @'
[StructLayout(LayoutKind.Sequential)]
private struct UNICODE_STRING { public ushort Length; public ushort MaximumLength; public IntPtr Buffer; }
[StructLayout(LayoutKind.Sequential)]
private struct OBJECT_ATTRIBUTES { public int Length; public IntPtr RootDirectory; public IntPtr ObjectName; public uint Attributes; public IntPtr SecurityDescriptor; public IntPtr SecurityQualityOfService; }
[StructLayout(LayoutKind.Sequential)]
private struct SECURITY_ATTRIBUTES { public int nLength; public IntPtr lpSecurityDescriptor; public int bInheritHandle; }
[StructLayout(LayoutKind.Sequential)]
private struct MEMORY_BASIC_INFORMATION { public IntPtr BaseAddress; public IntPtr AllocationBase; public uint AllocationProtect; public ushort PartitionId; public IntPtr RegionSize; public uint State; public uint Protect; public uint Type; }
[DllImport("ntdll.dll")] private static extern int NtOpenDirectoryObject(out IntPtr handle, uint access, ref OBJECT_ATTRIBUTES attributes);
[DllImport("ntdll.dll")] private static extern int NtQueryDirectoryObject(IntPtr handle, IntPtr buffer, int length, bool single, bool restart, ref uint context, out int returned);
[DllImport("ntdll.dll")] private static extern int NtQueryObject(IntPtr handle, int informationClass, byte[] buffer, int length, out int returned);
[DllImport("ntdll.dll")] private static extern int NtClose(IntPtr handle);
[DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)] private static extern IntPtr CreateFileMappingW(IntPtr file, ref SECURITY_ATTRIBUTES attributes, uint protect, uint sizeHigh, uint sizeLow, string name);
[DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)] private static extern IntPtr OpenFileMappingW(uint access, bool inherit, string name);
[DllImport("kernel32.dll", SetLastError = true)] private static extern IntPtr MapViewOfFile(IntPtr section, uint access, uint offsetHigh, uint offsetLow, UIntPtr length);
[DllImport("kernel32.dll", SetLastError = true)] public static extern bool UnmapViewOfFile(IntPtr address);
[DllImport("kernel32.dll", SetLastError = true)] public static extern bool CloseHandle(IntPtr handle);
[DllImport("kernel32.dll")] private static extern UIntPtr VirtualQuery(IntPtr address, out MEMORY_BASIC_INFORMATION information, UIntPtr length);
[DllImport("kernel32.dll")] private static extern IntPtr LocalFree(IntPtr memory);
[DllImport("advapi32.dll")] private static extern uint GetSecurityInfo(IntPtr handle, int objectType, uint information, IntPtr owner, IntPtr group, IntPtr dacl, IntPtr sacl, out IntPtr descriptor);
[DllImport("advapi32.dll")] private static extern int GetSecurityDescriptorLength(IntPtr descriptor);
[DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)] private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string sddl, uint revision, out IntPtr descriptor, IntPtr size);

/// <summary>The names of the sections in an object directory, such as \Sessions\1\BaseNamedObjects.</summary>
public static string[] List(string directory)
{
    var names = new System.Collections.Generic.List<string>();
    IntPtr text = Marshal.StringToHGlobalUni(directory);
    IntPtr name = Marshal.AllocHGlobal(Marshal.SizeOf<UNICODE_STRING>());
    IntPtr buffer = Marshal.AllocHGlobal(65536);
    try
    {
        Marshal.StructureToPtr(new UNICODE_STRING { Length = (ushort)(directory.Length * 2), MaximumLength = (ushort)(directory.Length * 2), Buffer = text }, name, false);
        var attributes = new OBJECT_ATTRIBUTES { Length = Marshal.SizeOf<OBJECT_ATTRIBUTES>(), ObjectName = name, Attributes = 0x40 /* OBJ_CASE_INSENSITIVE */ };
        IntPtr handle;
        int status = NtOpenDirectoryObject(out handle, 1 /* DIRECTORY_QUERY */, ref attributes);
        if (status != 0) throw new InvalidOperationException("NtOpenDirectoryObject(" + directory + ") failed with NTSTATUS 0x" + status.ToString("X8"));
        try
        {
            uint context = 0;
            int returned;
            bool restart = true;
            while ((status = NtQueryDirectoryObject(handle, buffer, 65536, true, restart, ref context, out returned)) == 0)
            {
                restart = false;
                var entry = Marshal.PtrToStructure<UNICODE_STRING>(buffer);
                var type = Marshal.PtrToStructure<UNICODE_STRING>(buffer + Marshal.SizeOf<UNICODE_STRING>());
                if (Marshal.PtrToStringUni(type.Buffer, type.Length / 2) == "Section") names.Add(Marshal.PtrToStringUni(entry.Buffer, entry.Length / 2));
            }
            // STATUS_NO_MORE_ENTRIES ends the listing; anything else is a failure, not an empty directory.
            if (status != unchecked((int)0x8000001A)) throw new InvalidOperationException("NtQueryDirectoryObject failed with NTSTATUS 0x" + status.ToString("X8"));
        }
        finally { NtClose(handle); }
    }
    finally { Marshal.FreeHGlobal(buffer); Marshal.FreeHGlobal(name); Marshal.FreeHGlobal(text); }
    return names.ToArray();
}

/// <summary>The DACL of the section called name, in SDDL.</summary>
public static string Dacl(string name)
{
    IntPtr section = OpenFileMappingW(0x20000 /* READ_CONTROL */, false, name);
    if (section == IntPtr.Zero) throw new System.ComponentModel.Win32Exception();
    try
    {
        IntPtr descriptor;
        uint error = GetSecurityInfo(section, 6 /* SE_KERNEL_OBJECT */, 4 /* DACL_SECURITY_INFORMATION */, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, out descriptor);
        if (error != 0) throw new System.ComponentModel.Win32Exception((int)error);
        try
        {
            byte[] bytes = new byte[GetSecurityDescriptorLength(descriptor)];
            Marshal.Copy(descriptor, bytes, 0, bytes.Length);
            return new System.Security.AccessControl.RawSecurityDescriptor(bytes, 0).GetSddlForm(System.Security.AccessControl.AccessControlSections.Access);
        }
        finally { LocalFree(descriptor); }
    }
    finally { CloseHandle(section); }
}

/// <summary>How many handles of the section called name are open, in every process, besides the one this opens to ask; 0 when there is no such section.</summary>
public static long HandleCount(string name)
{
    IntPtr section = OpenFileMappingW(1 /* SECTION_QUERY */, false, name);
    if (section == IntPtr.Zero)
    {
        int error = Marshal.GetLastWin32Error();
        if (error == 2 /* ERROR_FILE_NOT_FOUND */) return 0;
        throw new System.ComponentModel.Win32Exception(error);
    }
    try
    {
        // OBJECT_BASIC_INFORMATION: Attributes, GrantedAccess, HandleCount, PointerCount, ...
        byte[] information = new byte[56];
        int returned;
        int status = NtQueryObject(section, 0 /* ObjectBasicInformation */, information, information.Length, out returned);
        if (status != 0) throw new InvalidOperationException("NtQueryObject failed with NTSTATUS 0x" + status.ToString("X8"));
        return BitConverter.ToUInt32(information, 8) - 1;
    }
    finally { CloseHandle(section); }
}

/// <summary>Whether a view of a section or file is mapped at address (MEM_MAPPED).</summary>
public static bool IsView(IntPtr address)
{
    MEMORY_BASIC_INFORMATION information;
    if (VirtualQuery(address, out information, (UIntPtr)(ulong)Marshal.SizeOf<MEMORY_BASIC_INFORMATION>()) == UIntPtr.Zero) return false;
    return information.State == 0x1000 /* MEM_COMMIT */ && information.Type == 0x40000 /* MEM_MAPPED */;
}

/// <summary>Creates a section backed by the paging file with the DACL in sddl and maps all of it; returns the handle and the address of the view.</summary>
public static IntPtr[] Create(string name, uint size, string sddl)
{
    IntPtr descriptor;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, 1, out descriptor, IntPtr.Zero)) throw new System.ComponentModel.Win32Exception();
    IntPtr section;
    int error;
    try
    {
        var attributes = new SECURITY_ATTRIBUTES { nLength = Marshal.SizeOf<SECURITY_ATTRIBUTES>(), lpSecurityDescriptor = descriptor };
        section = CreateFileMappingW(new IntPtr(-1), ref attributes, 4 /* PAGE_READWRITE */, 0, size, name);
        error = Marshal.GetLastWin32Error();
    }
    finally { LocalFree(descriptor); }
    if (section == IntPtr.Zero) throw new System.ComponentModel.Win32Exception(error);
    if (error == 183 /* ERROR_ALREADY_EXISTS */) { CloseHandle(section); throw new InvalidOperationException("A section named " + name + " exists already."); }
    // The creator's handle has all access, whatever the DACL says.
    IntPtr view = MapViewOfFile(section, 6 /* FILE_MAP_READ | FILE_MAP_WRITE */, 0, 0, (UIntPtr)size);
    if (view == IntPtr.Zero) { error = Marshal.GetLastWin32Error(); CloseHandle(section); throw new System.ComponentModel.Win32Exception(error); }
    return new[] { section, view };
}
'@
        }
        $sessionId = [Diagnostics.Process]::GetCurrentProcess().SessionId
        $script:sectionDirectory = if ($sessionId -eq 0) { '\BaseNamedObjects' } else { "\Sessions\$sessionId\BaseNamedObjects" }
    }

    function Get-ShmPath([string] $Name) { "/dev/shm/$Name" }

    function Read-ViewByte([IntPtr] $Address, [int] $Offset = 0, [int] $Count) {
        # Windows: bytes of a view made by MmanTest.NamedSection, read without Mman.
        @(for ($i = 0; $i -lt $Count; $i++) { [Runtime.InteropServices.Marshal]::ReadByte($Address, $Offset + $i) })
    }

    function Get-ShmListing {
        # The names of this file's objects now: in /dev/shm on Linux, in the session's object directory on Windows.
        if ($IsWindows) {
            return @([MmanTest.NamedSection]::List($script:sectionDirectory) | Where-Object { $_.StartsWith($script:prefix, [StringComparison]::Ordinal) } | Sort-Object)
        }
        @(Get-ChildItem -LiteralPath /dev/shm -Filter "$($script:prefix)*" -ErrorAction Ignore | ForEach-Object Name | Sort-Object)
    }

    function Test-SharedObject([string] $Name) {
        # Whether an object has the name: a file in /dev/shm on Linux, a section in the object directory on
        # Windows (listed, not opened, so a section this user may not open is found too).
        if ($IsWindows) {
            return ($Name -replace '^Local\\', '') -cin @([MmanTest.NamedSection]::List($script:sectionDirectory))
        }
        Test-Path -LiteralPath (Get-ShmPath $Name)
    }

    function Get-SharedObjectSize([string] $Name) {
        # The size of the object: the length of its file on Linux; on Windows the size of a whole view that
        # .NET's MemoryMappedFile makes of the section, which Windows keeps in whole pages.
        if ($IsWindows) {
            $file = [IO.MemoryMappedFiles.MemoryMappedFile]::OpenExisting($Name, [IO.MemoryMappedFiles.MemoryMappedFileRights]::Read)
            try {
                $view = $file.CreateViewAccessor(0, 0, [IO.MemoryMappedFiles.MemoryMappedFileAccess]::Read)
                try { return $view.Capacity } finally { $view.Dispose() }
            }
            finally { $file.Dispose() }
        }
        (Get-Item -LiteralPath (Get-ShmPath $Name)).Length
    }

    function Get-SharedObjectAccess([string] $Name) {
        # Who may open the object: its mode on Linux, such as -rw-------; on Windows its DACL, as
        # "protected; <qualifier> <SID> <mask>; ...", the generic rights of each ACE mapped to a section's
        # own (Windows stores them mapped, Wine as they were given).
        if (-not $IsWindows) { return (Get-Item -LiteralPath (Get-ShmPath $Name)).UnixMode }
        $descriptor = [Security.AccessControl.RawSecurityDescriptor]::new([MmanTest.NamedSection]::Dacl($Name))
        $parts = @()
        if ($descriptor.ControlFlags.HasFlag([Security.AccessControl.ControlFlags]::DiscretionaryAclProtected)) { $parts += 'protected' }
        foreach ($ace in $descriptor.DiscretionaryAcl) {
            $mask = [int64]$ace.AccessMask -band 0xFFFFFFFFL
            $specific = $mask -band 0x0FFFFFFFL
            if ($mask -band 0x10000000L) { $specific = $specific -bor 0xF001FL }   # GENERIC_ALL: SECTION_ALL_ACCESS
            if ($mask -band 0x80000000L) { $specific = $specific -bor 0x20005L }   # GENERIC_READ: READ_CONTROL, QUERY, MAP_READ
            if ($mask -band 0x40000000L) { $specific = $specific -bor 0x20002L }   # GENERIC_WRITE: READ_CONTROL, MAP_WRITE
            if ($mask -band 0x20000000L) { $specific = $specific -bor 0x20008L }   # GENERIC_EXECUTE: READ_CONTROL, MAP_EXECUTE
            $parts += '{0} {1} 0x{2:X8}' -f $ace.AceQualifier, $ace.SecurityIdentifier, $specific
        }
        $parts -join '; '
    }

    function Get-SectionUse([string] $Name, [IntPtr[]] $Address) {
        # Windows: how many of the addresses have a view mapped, and how many handles of the section are
        # open: "<views> <handles>", as Get-ShmUse counts mappings and descriptors on Linux.
        "$(@($Address | Where-Object { [MmanTest.NamedSection]::IsView($_) }).Count) $([MmanTest.NamedSection]::HandleCount($Name))"
    }

    function Get-ShmUse([string] $Name) {
        # How many mappings and descriptors of this process refer to the object: "<mappings> <descriptors>".
        $path = Get-ShmPath $Name
        $mapped = @([IO.File]::ReadAllLines('/proc/self/maps') | Where-Object { $_.EndsWith(' ' + $path) -or $_.EndsWith(' ' + $path + ' (deleted)') }).Count
        $open = 0
        foreach ($fd in [IO.Directory]::GetFileSystemEntries('/proc/self/fd')) {
            try { if ([IO.FileInfo]::new($fd).LinkTarget -in $path, "$path (deleted)") { $open++ } } catch { }
        }
        "$mapped $open"
    }
}

Describe 'Named shared memory' -Tag CI {
    Context 'When creating a named map with -Size' {
        BeforeAll {
            $name = $script:prefix + 'create'
            $before = @((Get-MemoryMap).Id)
            $map = New-MemoryMap -Name $name -Size 10000
            $size = Get-SharedObjectSize $name
            $access = Get-SharedObjectAccess $name
            $use = if ($IsWindows) { Get-SectionUse $name $map.Address } else { Get-ShmUse $name }
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should emit a MemoryMap' {
            $map | Should -BeOfType ([Mman.MemoryMap])
        }
        It 'Should be of kind Named' {
            $map.Kind | Should -Be ([Mman.MemoryMapKind]::Named)
        }
        It 'Should have the name given' {
            $map.Name | Should -Be $name
        }
        It 'Should have no path' {
            $map.Path | Should -BeNullOrEmpty
        }
        It 'Should have file offset 0' {
            $map.FileOffset | Should -Be 0
        }
        It 'Should not be a view' {
            $map.Parent | Should -BeNullOrEmpty
        }
        It 'Should have the size asked for' {
            $map.Size | Should -Be 10000
        }
        It 'Should default to Read,Write protection' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should default to Shared sharing' {
            $map.Sharing | Should -Be ([Mman.MapSharing]::Shared)
        }
        It 'Should be valid' {
            $map.IsValid | Should -BeTrue
        }
        It 'Should be zero-filled' {
            @((Read-MemoryMap $map) | Where-Object { $_ -ne 0 }).Count | Should -Be 0
        }
        It ($IsWindows ? 'Should create a section of that size in whole pages (as .NET''s MemoryMappedFile sees it)' : 'Should create the object in /dev/shm with that size') {
            $pageSize = [Environment]::SystemPageSize
            $size | Should -Be $(if ($IsWindows) { [Math]::Ceiling(10000 / $pageSize) * $pageSize } else { 10000 })
        }
        It ($IsWindows ? 'Should create it for its owner only (a protected DACL that grants this user alone)' : 'Should create it for its owner only (mode 0600)') {
            $access | Should -Be $script:ownerOnlyAccess
        }
        It ($IsWindows ? 'Should map one view of the section and keep one handle of it (which keeps its name)' : 'Should map the object once and keep one descriptor of it (to check its length)') {
            $use | Should -Be '1 1'
        }
        It 'Should say its kind and name in the description' {
            $map.ToString() | Should -Be "MemoryMap $($map.Id): Named $name, 10000 bytes, Read, Write, Shared"
        }
        It 'Should be listed by Get-MemoryMap' {
            (Get-MemoryMap).Id | Should -Contain $map.Id
            $before | Should -Not -Contain $map.Id
        }
    }

    Context 'When a second map opens the same name' {
        BeforeAll {
            $name = $script:prefix + 'second'
            $first = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $first -Data 1, 2, 3, 4 -Offset 100
            $second = New-MemoryMap -Name $name
            $sameSize = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $second -Data 0xA0, 0xA1 -Offset 8190
            $seenBySecond = Read-MemoryMap $second -Offset 100 -Count 4
            $seenByFirst = Read-MemoryMap $first -Offset 8190 -Count 2
            $seenBySameSize = Read-MemoryMap $sameSize -Offset 100 -Count 4
            $mode = Get-SharedObjectAccess $name
        }
        AfterAll {
            Close-MemoryMap $first, $second, $sameSize
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should take the size of the object when -Size is not given' {
            $second.Size | Should -Be 8192
        }
        It 'Should be another mapping (another address)' {
            $second.Address | Should -Not -Be $first.Address
        }
        It 'Should see what the first map wrote' {
            $seenBySecond | Should -Be @(1, 2, 3, 4)
        }
        It 'Should show its own writes to the first map' {
            $seenByFirst | Should -Be @(0xA0, 0xA1)
        }
        It 'Should open, not recreate, the object when -Size is its size' {
            $seenBySameSize | Should -Be @(1, 2, 3, 4)
        }
        It ($IsWindows ? 'Should leave the DACL of the section alone' : 'Should leave the mode of the object alone') {
            $mode | Should -Be $script:ownerOnlyAccess
        }
        It 'Should list every map of the name with Get-MemoryMap -Name' {
            @(Get-MemoryMap -Name $name).Id | Should -Be @($first.Id, $second.Id, $sameSize.Id)
        }
    }

    Context 'When another process opens the name' {
        BeforeAll {
            $name = $script:prefix + 'child'
            $map = New-MemoryMap -Name $name -Size 4096
            Write-MemoryMap $map -Text 'from the parent' -Offset 10
            $run = Invoke-ChildPwshResult -Script ((Get-CasePrelude) + ("`n`$shmName = {0}`n" -f (Quote $name)) + @'
$map = New-MemoryMap -Name $shmName
Out-Case kind { "$($map.Kind) $($map.Size) $($map.Name -eq $shmName)" }
Out-Case read { Read-MemoryMap $map -Offset 10 -Count 15 -AsString }
Out-Case write { Write-MemoryMap $map -Text 'from the child' -Offset 2000 }
Close-MemoryMap $map
'@)
            $cases = ConvertFrom-CaseLine $run.Output
            $fromChild = Read-MemoryMap $map -Offset 2000 -Count 14 -AsString
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should run the child normally' {
            $run.ExitCode | Should -Be 0 -Because "$($run.Output -join ' | ') $($run.ErrorText)"
        }
        It 'Should open a Named map of the object''s size in the child' {
            $cases['kind'] | Should -Be 'OK Named 4096 True'
        }
        It 'Should let the child read what this process wrote' {
            $cases['read'] | Should -Be 'OK from the parent'
        }
        It 'Should let this process read what the child wrote' {
            $fromChild | Should -Be 'from the child'
        }
        It 'Should keep the object after the child closed its map and exited' {
            Test-SharedObject $name | Should -BeTrue
        }
    }

    if (-not $IsWindows) {
        Context 'When a process with umask 022 creates objects, with and without -AllowOtherUsers' {
            BeforeAll {
                $ownerOnly = $script:prefix + 'umask-owner'
                $everyone = $script:prefix + 'umask-everyone'
                # sh sets the umask, then becomes the child pwsh.
                $process = Start-ChildPwsh -FileName sh -PrefixArgument '-c', 'umask 022; exec "$@"', 'sh' `
                    -Script ((Get-CasePrelude) + ("`n`$ownerOnly = {0}; `$everyone = {1}`n" -f (Quote $ownerOnly), (Quote $everyone)) + @'
Out-Case umask { & sh -c umask }
Out-Case owner-only { $map = New-MemoryMap -Name $ownerOnly -Size 4096; Write-MemoryMap $map -Data 11 -Offset 4095; Close-MemoryMap $map }
Out-Case everyone { $map = New-MemoryMap -Name $everyone -Size 4096 -AllowOtherUsers; Write-MemoryMap $map -Data 22 -Offset 4095; Close-MemoryMap $map }
'@)
                $run = Wait-ChildPwsh -Process $process -TimeoutSeconds 60
                $cases = ConvertFrom-CaseLine $run.Output
                $ownerOnlyMode = (Get-Item -LiteralPath (Get-ShmPath $ownerOnly)).UnixMode
                $everyoneMode = (Get-Item -LiteralPath (Get-ShmPath $everyone)).UnixMode
                $ownerOnlyMap = New-MemoryMap -Name $ownerOnly
                $everyoneMap = New-MemoryMap -Name $everyone
            }
            AfterAll {
                Close-MemoryMap $ownerOnlyMap, $everyoneMap
                Remove-MemoryMap -Name $ownerOnly, $everyone -ErrorAction Ignore
            }

            It 'Should run the child normally' {
                $run.ExitCode | Should -Be 0 -Because "$($run.Output -join ' | ') $($run.ErrorText)"
            }
            It 'Should run the child with umask 022' {
                $cases['umask'] | Should -Be 'OK 0022'
            }
            It 'Should create both objects' {
                $cases['owner-only'] | Should -Be 'OK'
                $cases['everyone'] | Should -Be 'OK'
            }
            It 'Should give the owner-only object mode 0600' {
                $ownerOnlyMode | Should -Be '-rw-------'
            }
            It 'Should give the -AllowOtherUsers object mode 0666 despite the umask' {
                $everyoneMode | Should -Be '-rw-rw-rw-'
            }
            It 'Should keep what the child wrote after it exited' {
                (Read-MemoryMap $ownerOnlyMap -Offset 4095 -Count 1)[0] | Should -Be 11
                (Read-MemoryMap $everyoneMap -Offset 4095 -Count 1)[0] | Should -Be 22
            }
        }
    }
    else {
        # Windows has no umask; the DACL Mman gives a new section decides who may open it. The child holds
        # its maps until this process has opened its own, since a section goes with its last map; a named
        # event tells it when.
        Context 'When another process creates objects, with and without -AllowOtherUsers (Windows: their DACLs)' {
            BeforeAll {
                $ownerOnly = $script:prefix + 'umask-owner'
                $everyone = $script:prefix + 'umask-everyone'
                $doneName = "Local\$($script:prefix)umask-done"
                $done = [Threading.EventWaitHandle]::new($false, [Threading.EventResetMode]::ManualReset, $doneName)
                $process = Start-ChildPwsh -Script ((Get-CasePrelude) + ("`n`$ownerOnly = {0}; `$everyone = {1}; `$doneName = {2}`n" -f (Quote $ownerOnly), (Quote $everyone), (Quote $doneName)) + @'
Out-Case owner-only { $global:ownerOnlyMap = New-MemoryMap -Name $ownerOnly -Size 4096; Write-MemoryMap $global:ownerOnlyMap -Data 11 -Offset 4095 }
Out-Case everyone { $global:everyoneMap = New-MemoryMap -Name $everyone -Size 4096 -AllowOtherUsers; Write-MemoryMap $global:everyoneMap -Data 22 -Offset 4095 }
[Console]::Out.WriteLine('READY')
[Console]::Out.Flush()
$null = [Threading.EventWaitHandle]::OpenExisting($doneName).WaitOne(60000)
Close-MemoryMap $global:ownerOnlyMap, $global:everyoneMap
'@)
                try {
                    $ready = Wait-ChildLine -Process $process -Line 'READY' -TimeoutSeconds 60
                    $ownerOnlyMode = Get-SharedObjectAccess $ownerOnly
                    $everyoneMode = Get-SharedObjectAccess $everyone
                    $ownerOnlyMap = New-MemoryMap -Name $ownerOnly
                    $everyoneMap = New-MemoryMap -Name $everyone
                }
                finally {
                    $null = $done.Set()
                }
                $run = Wait-ChildPwsh -Process $process -TimeoutSeconds 60
                $cases = ConvertFrom-CaseLine (@($ready) + @($run.Output))
                $done.Dispose()
            }
            AfterAll {
                Close-MemoryMap $ownerOnlyMap, $everyoneMap
            }

            It 'Should run the child normally' {
                $run.ExitCode | Should -Be 0 -Because "$($run.Output -join ' | ') $($run.ErrorText)"
            }
            It 'Should run the child with umask 022 (not on Windows: there is no umask)' -Skip {
            }
            It 'Should create both objects' {
                $cases['owner-only'] | Should -Be 'OK'
                $cases['everyone'] | Should -Be 'OK'
            }
            It 'Should give the owner-only object a DACL that grants its owner alone' {
                $ownerOnlyMode | Should -Be $script:ownerOnlyAccess
            }
            It 'Should give the -AllowOtherUsers object a DACL that also lets everyone read and write' {
                $everyoneMode | Should -Be $script:everyoneAccess
            }
            It 'Should keep what the child wrote after it exited, while this process has it open' {
                (Read-MemoryMap $ownerOnlyMap -Offset 4095 -Count 1)[0] | Should -Be 11
                (Read-MemoryMap $everyoneMap -Offset 4095 -Count 1)[0] | Should -Be 22
            }
        }
    }

    Context 'When the name is <Label>' -ForEach $invalidNames {
        BeforeAll {
            if ($IsWindows -and $TakenByEvent) { $takenBy = [Threading.EventWaitHandle]::new($false, [Threading.EventResetMode]::AutoReset, "Local\$Name") }
            $listing = Get-ShmListing
            $maps = @((Get-MemoryMap).Id)
            $err = Get-ErrorRecord { New-MemoryMap -Name $Name -Size 4096 -ErrorAction Stop }
            $openErr = Get-ErrorRecord { New-MemoryMap -Name $Name -ErrorAction Stop }
            $removeErr = Get-ErrorRecord { Remove-MemoryMap -Name $Name -ErrorAction Stop }
        }
        AfterAll {
            if ($IsWindows -and $TakenByEvent) { $takenBy.Dispose() }
        }

        It 'Should fail with NameInvalid' {
            $err.FullyQualifiedErrorId | Should -Be 'NameInvalid,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say why' {
            $err.Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($Why))*"
        }
        It 'Should refuse it without -Size too' {
            $openErr.FullyQualifiedErrorId | Should -Be 'NameInvalid,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse it in Remove-MemoryMap' {
            $removeErr.FullyQualifiedErrorId | Should -Be 'NameInvalid,Mman.Commands.RemoveMemoryMapCommand'
        }
        It 'Should create nothing and open no map' {
            Get-ShmListing | Should -Be $listing
            @((Get-MemoryMap).Id) | Should -Be $maps
        }
    }

    Context 'When the name is empty or null' {
        It 'Should refuse an empty name when binding -Name, as PowerShell does for mandatory strings' {
            { New-MemoryMap -Name '' -Size 4096 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorEmptyStringNotAllowed,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse a null name when binding -Name' {
            { New-MemoryMap -Name $null -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse an empty name in Remove-MemoryMap' {
            { Remove-MemoryMap -Name '' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Mman.Commands.RemoveMemoryMapCommand'
        }
        It 'Should refuse an empty name in the core API with NameInvalid' {
            $err = Get-ErrorRecord { [Mman.MemoryMap]::OpenNamed('', 4096) }
            $err.Exception.InnerException.Error | Should -Be ([Mman.MemoryMapError]::NameInvalid)
        }
    }

    Context ($IsWindows ? 'When the name is 260 characters with its Local\ prefix, the most Windows allows' : 'When the name is 255 bytes, the most Linux allows') {
        BeforeAll {
            $name = $script:prefix + ('x' * ($(if ($IsWindows) { 260 - 'Local\'.Length } else { 255 }) - $script:prefix.Length))
            $map = New-MemoryMap -Name $name -Size 4096
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It ($IsWindows ? 'Should be 260 characters long with the prefix' : 'Should be 255 bytes long') {
            if ($IsWindows) { "Local\$name".Length | Should -Be 260 }
            else { [Text.Encoding]::UTF8.GetByteCount($name) | Should -Be 255 }
        }
        It 'Should create the object' {
            Test-SharedObject $name | Should -BeTrue
        }
        It 'Should keep the whole name' {
            $map.Name | Should -Be $name
        }
    }

    if ($IsWindows) {
        # Windows' namespaces, which the names of Linux and macOS do not have: Local\ (the session's, where
        # names without a prefix go) and Global\ (every session's).
        Context 'When the name has the prefix Local\ or Global\ (Windows)' {
            BeforeAll {
                $bare = $script:prefix + 'namespace'
                $plain = New-MemoryMap -Name $bare -Size 4096
                Write-MemoryMap $plain -Data 5, 6, 7
                $local = New-MemoryMap -Name "Local\$bare"
                $byLocalName = @(Get-MemoryMap -Name "Local\$bare")
                if ($script:isRoot) {
                    $globalMap = New-MemoryMap -Name "Global\$bare" -Size 8192
                    $globalListed = $bare -cin @([MmanTest.NamedSection]::List('\BaseNamedObjects'))
                }
            }
            AfterAll {
                Close-MemoryMap $plain, $local
                if ($globalMap) { Close-MemoryMap $globalMap }
            }

            It 'Should open the same section by the name and by Local\ and the name' {
                $local.Size | Should -Be 4096
                (Read-MemoryMap $local -Count 3) | Should -Be @(5, 6, 7)
            }
            It 'Should keep the name as given, prefix included' {
                $local.Name | Should -BeExactly "Local\$bare"
                $byLocalName.Id | Should -Be @($local.Id)
            }
            It 'Should make Global\ and the name another section, in the global namespace' {
                if (-not $script:isRoot) { Set-ItResult -Skipped -Because 'not an administrator: creating a Global\ section needs SeCreateGlobalPrivilege'; return }
                $globalMap.Size | Should -Be 8192
                (Read-MemoryMap $globalMap -Count 3) | Should -Be @(0, 0, 0)
                $globalListed | Should -BeTrue
            }
        }
    }

    Context 'When no object has the name' {
        BeforeAll {
            $name = $script:prefix + 'missing'
            $maps = @((Get-MemoryMap).Id)
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -ErrorAction Stop }
            $readErr = Get-ErrorRecord { New-MemoryMap -Name $name -Protection Read -ErrorAction Stop }
        }

        It 'Should fail with NamedMapNotFound' {
            $err.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should state the fact in the exception and say how to create it in the record' {
            $err.Exception.Message | Should -BeExactly "No shared memory named '$name' exists."
            $err.ErrorDetails.RecommendedAction | Should -BeLike "Create it with New-MemoryMap -Name '$name' -Size <bytes>*"
            "$err" | Should -BeExactly ($err.Exception.Message + ' ' + $err.ErrorDetails.RecommendedAction)
        }
        It 'Should name the object as the target' {
            $err.TargetObject | Should -Be $name
        }
        It 'Should fail the same way for a read-only open' {
            $readErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should not create the object' {
            Test-SharedObject $name | Should -BeFalse
        }
        It 'Should open no map' {
            @((Get-MemoryMap).Id) | Should -Be $maps
        }
    }

    Context 'When the object exists with another size' {
        BeforeAll {
            $name = $script:prefix + 'mismatch'
            $map = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $map -Data 7 -Offset 8191
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -Size 4096 -ErrorAction Stop }
            $length = Get-SharedObjectSize $name
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should fail with NamedMapSizeMismatch' {
            $err.FullyQualifiedErrorId | Should -Be 'NamedMapSizeMismatch,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should give both sizes' {
            $err.Exception.Message | Should -BeLike "Shared memory '$name' already exists with 8192 bytes, not 4096.*"
        }
        It 'Should leave the object its size' {
            $length | Should -Be 8192
        }
        It 'Should leave its bytes' {
            (Read-MemoryMap $map -Offset 8191 -Count 1)[0] | Should -Be 7
        }
    }

    # Windows has no such state: a section gets its size from CreateFileMapping, which makes it and names it in one step.
    Context "When the object exists but has no size yet$(if ($IsWindows) { ' (not on Windows: a section is sized when it is made)' })" -Skip:$IsWindows {
        BeforeAll {
            $name = $script:prefix + 'empty'
            [IO.File]::Create((Get-ShmPath $name)).Dispose()
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -ErrorAction Stop }
            $watch.Stop()
            # What the message advises: open it with a size and Read,Write to set the size.
            $sized = New-MemoryMap -Name $name -Size 4096 -Protection Read, Write
            $length = (Get-Item -LiteralPath (Get-ShmPath $name)).Length
        }
        AfterAll {
            Close-MemoryMap $sized
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should fail with NamedMapEmpty' {
            $err.FullyQualifiedErrorId | Should -Be 'NamedMapEmpty,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report ResourceUnavailable' {
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }
        It 'Should say how to give it a size' {
            "$err" | Should -BeLike "Shared memory '$name' exists but has no size*-Size <bytes> and -Protection Read,Write*"
        }
        It 'Should wait about a second for the creator to size it, not hang' {
            $watch.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 900
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        }
        It 'Should size it when opened with -Size and Read,Write' {
            $sized.Size | Should -Be 4096
            $length | Should -Be 4096
        }
    }

    Context 'When the operating system cannot map the size asked for' {
        BeforeAll {
            $name = $script:prefix + 'too-big'
            # 1 PiB is more than any 64-bit process can address.
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -Size 1PB -ErrorAction Stop }
        }

        It 'Should fail with MapFailed' {
            $err.FullyQualifiedErrorId | Should -Be 'MapFailed,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should leave no half-made object behind' {
            Test-SharedObject $name | Should -BeFalse
        }
    }

    # Windows: no second user can be made or switched to here (under Wine there is one user), so the
    # objects "of another user" are sections this test makes with the DACLs Mman gives new objects, read
    # from two it makes, with this user's SID replaced by SYSTEM's (S-1-5-18): what an owner-only object of
    # another user, and one it made with -AllowOtherUsers, look like. Wine checks the DACLs of sections
    # as Windows does. The child runs as this user.
    Context ($IsWindows ? 'When this user opens objects of another user (Windows: sections with Mman''s DACLs, made for SYSTEM)' : 'When another user opens objects of this one (a child pwsh as nobody)') {
        BeforeAll {
            $skip = $null
            $secret = $script:prefix + 'secret'
            $open = $script:prefix + 'open'
            if ($IsWindows) {
                $ownerOnlyMap = New-MemoryMap -Name ($script:prefix + 'dacl-owner-only') -Size 4096
                $everyoneMap = New-MemoryMap -Name ($script:prefix + 'dacl-everyone') -Size 4096 -AllowOtherUsers
                $ownerOnlyDacl = [MmanTest.NamedSection]::Dacl($ownerOnlyMap.Name)
                $everyoneDacl = [MmanTest.NamedSection]::Dacl($everyoneMap.Name)
                Close-MemoryMap $ownerOnlyMap, $everyoneMap
                # Each is @(section handle, address of a view of all of it); the creator's handle has all access.
                $secretSection = [MmanTest.NamedSection]::Create("Local\$secret", 4096, $ownerOnlyDacl.Replace($script:userSid, 'S-1-5-18'))
                $openSection = [MmanTest.NamedSection]::Create("Local\$open", 4096, $everyoneDacl.Replace($script:userSid, 'S-1-5-18'))
                foreach ($i in 0..3) {
                    [Runtime.InteropServices.Marshal]::WriteByte($secretSection[1], $i, [byte](1 + $i))
                    [Runtime.InteropServices.Marshal]::WriteByte($openSection[1], $i, [byte](5 + $i))
                }
                $run = Invoke-ChildPwshResult -Script ((Get-CasePrelude) + ("`n`$secret = {0}; `$open = {1}`n" -f (Quote $secret), (Quote $open)) + @'
Out-Case whoami { [Environment]::UserName }
Out-Case secret.open { New-MemoryMap -Name $secret }
Out-Case secret.open-read { New-MemoryMap -Name $secret -Protection Read }
Out-Case secret.create-same { New-MemoryMap -Name $secret -Size 4096 }
Out-Case secret.category { try { New-MemoryMap -Name $secret } catch { "$($_.CategoryInfo.Category)" } }
Out-Case secret.message { try { New-MemoryMap -Name $secret } catch { "$_" } }
Out-Case secret.remove { Remove-MemoryMap -Name $secret }
Out-Case open.read { $map = New-MemoryMap -Name $open; (Read-MemoryMap $map -Count 4) -join ','; Close-MemoryMap $map }
Out-Case open.write { $map = New-MemoryMap -Name $open; Write-MemoryMap $map -Data 9, 9 -Offset 100; Close-MemoryMap $map }
'@)
                $cases = ConvertFrom-CaseLine $run.Output
            }
            elseif (-not $script:isRoot) { $skip = 'not running as root, so there is no other user to switch to' }
            elseif (-not (Get-Command setpriv -CommandType Application -ErrorAction Ignore)) { $skip = 'setpriv (util-linux) is not installed' }
            elseif (-not (& getent passwd nobody)) { $skip = 'there is no user nobody' }

            if (-not $skip -and -not $IsWindows) {
                $staged = New-NobodyStage -Folder $TestDrive -DirectoryMode $script:dirMode
                $stagedPwsh = $staged.Pwsh
                $stagedModule = $staged.ModulePath
                $nobodyHome = $staged.Home

                $secretMap = New-MemoryMap -Name $secret -Size 4096
                Write-MemoryMap $secretMap -Data 1, 2, 3, 4
                $openMap = New-MemoryMap -Name $open -Size 4096 -AllowOtherUsers
                Write-MemoryMap $openMap -Data 5, 6, 7, 8

                $process = Start-ChildPwsh -Pwsh $stagedPwsh -ModulePath (Join-Path $stagedModule 'Mman.psd1') `
                    -FileName setpriv -PrefixArgument '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--' `
                    -Environment @{ HOME = $nobodyHome; DOTNET_CLI_HOME = $nobodyHome; XDG_CACHE_HOME = $nobodyHome; XDG_DATA_HOME = $nobodyHome; XDG_CONFIG_HOME = $nobodyHome } `
                    -Script ((Get-CasePrelude) + ("`n`$secret = {0}; `$open = {1}`n" -f (Quote $secret), (Quote $open)) + @'
Out-Case whoami { [Environment]::UserName }
Out-Case secret.open { New-MemoryMap -Name $secret }
Out-Case secret.open-read { New-MemoryMap -Name $secret -Protection Read }
Out-Case secret.create-same { New-MemoryMap -Name $secret -Size 4096 }
Out-Case secret.category { try { New-MemoryMap -Name $secret } catch { "$($_.CategoryInfo.Category)" } }
Out-Case secret.message { try { New-MemoryMap -Name $secret } catch { "$_" } }
Out-Case secret.remove { Remove-MemoryMap -Name $secret }
Out-Case open.read { $map = New-MemoryMap -Name $open; (Read-MemoryMap $map -Count 4) -join ','; Close-MemoryMap $map }
Out-Case open.write { $map = New-MemoryMap -Name $open; Write-MemoryMap $map -Data 9, 9 -Offset 100; Close-MemoryMap $map }
'@)
                $run = Wait-ChildPwsh -Process $process -TimeoutSeconds 120
                $cases = ConvertFrom-CaseLine $run.Output
                if (-not $cases.ContainsKey('whoami')) {
                    $skip = "the staged pwsh could not start as nobody (exit code $($run.ExitCode)): $($run.ErrorText)"
                }
            }
            if ($skip) { Write-Host "Named-map permission tests as nobody skipped: $skip" }
        }
        AfterAll {
            if ($secretMap) { Close-MemoryMap $secretMap }
            if ($openMap) { Close-MemoryMap $openMap }
            foreach ($section in @($secretSection, $openSection)) {
                if ($section) {
                    $null = [MmanTest.NamedSection]::UnmapViewOfFile($section[1])
                    $null = [MmanTest.NamedSection]::CloseHandle($section[0])
                }
            }
            Remove-MemoryMap -Name $secret, $open -ErrorAction Ignore
        }

        It ($IsWindows ? 'Should run the child normally, as this user (there is no second user here)' : 'Should run the child as nobody') {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $run.ExitCode | Should -Be 0 -Because $run.ErrorText
            $cases['whoami'] | Should -Be "OK $(if ($IsWindows) { [Environment]::UserName } else { 'nobody' })"
        }
        It 'Should give <Expected> for <Case>' -ForEach @(
            @{ Case = 'secret.open'; Expected = 'NamedMapAccessDenied,Mman.Commands.NewMemoryMapCommand' }
            @{ Case = 'secret.open-read'; Expected = 'NamedMapAccessDenied,Mman.Commands.NewMemoryMapCommand' }
            @{ Case = 'secret.create-same'; Expected = 'NamedMapAccessDenied,Mman.Commands.NewMemoryMapCommand' }
            @{ Case = 'secret.category'; Expected = 'OK PermissionDenied' }
            # /dev/shm is sticky (mode 1777): only the owner may remove an object. Windows removes no name:
            # Remove-MemoryMap only checks that the section exists, which a denied open shows.
            @{ Case = 'secret.remove'; Expected = $(if ($IsWindows) { 'OK' } else { 'NamedMapAccessDenied,Mman.Commands.RemoveMemoryMapCommand' }) }
            @{ Case = 'open.read'; Expected = 'OK 5,6,7,8' }
            @{ Case = 'open.write'; Expected = 'OK' }
        ) {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $cases[$Case] | Should -Be $Expected
        }
        It 'Should point to -AllowOtherUsers in the message' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $cases['secret.message'] | Should -BeLike "OK Shared memory '$secret' exists, but this user may not open it for writing.*-AllowOtherUsers*"
        }
        It 'Should leave the owner-only object in place, with its bytes' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            Test-SharedObject $secret | Should -BeTrue
            if ($IsWindows) { Read-ViewByte $secretSection[1] -Count 4 | Should -Be @(1, 2, 3, 4) }
            else { (Read-MemoryMap $secretMap -Count 4) | Should -Be @(1, 2, 3, 4) }
        }
        It 'Should show here what the other user wrote to the -AllowOtherUsers object' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            if ($IsWindows) { Read-ViewByte $openSection[1] -Offset 100 -Count 2 | Should -Be @(9, 9) }
            else { (Read-MemoryMap $openMap -Offset 100 -Count 2) | Should -Be @(9, 9) }
        }
    }

    Context 'When a map is opened without Write' {
        BeforeAll {
            $name = $script:prefix + 'read-only'
            $creator = New-MemoryMap -Name $name -Size 4096
            Write-MemoryMap $creator -Data 42
            $reader = New-MemoryMap -Name $name -Protection Read
            $writeErr = Get-ErrorRecord { Write-MemoryMap $reader -Data 1 -ErrorAction Stop }
            $protectErr = Get-ErrorRecord { Set-MemoryMapProtection $reader -Protection Read, Write -ErrorAction Stop }
            $readerAfter = $reader.Protection
            # The creator opened the object read-write, so it can drop Write and add it back.
            Set-MemoryMapProtection $creator -Protection Read
            Set-MemoryMapProtection $creator -Protection Read, Write
            Write-MemoryMap $creator -Data 43
            # A private map of a read-only open may be written: the writes stay in this map.
            $private = New-MemoryMap -Name $name -Protection Read -Sharing Private
            Set-MemoryMapProtection $private -Protection Read, Write
            Write-MemoryMap $private -Data 99 -Offset 1
        }
        AfterAll {
            Close-MemoryMap $creator, $reader, $private
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should map with Read' {
            $reader.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should read the object' {
            (Read-MemoryMap $reader -Count 1)[0] | Should -Be 43
        }
        It 'Should refuse writes with MapNotWritable' {
            $writeErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse to add Write with ProtectionDenied' {
            $protectErr.FullyQualifiedErrorId | Should -Be 'ProtectionDenied,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should report PermissionDenied' {
            $protectErr.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should say the object was opened read-only' {
            $protectErr.Exception.Message | Should -BeLike "*shared memory '$name' was opened read-only because the map was created without Write*"
        }
        It 'Should keep the read-only map at Read' {
            $readerAfter | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should let the creator drop Write and add it back' {
            $creator.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should let a private map add Write' {
            $private.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
            (Read-MemoryMap $private -Offset 1 -Count 1)[0] | Should -Be 99
        }
        It 'Should keep the private write out of the object' {
            (Read-MemoryMap $creator -Offset 1 -Count 1)[0] | Should -Be 0
        }
    }

    Context 'When New-MemoryMap -Name is given -WhatIf' {
        BeforeAll {
            $name = $script:prefix + 'whatif'
            $existing = $script:prefix + 'whatif-existing'
            $existingMap = New-MemoryMap -Name $existing -Size 4096
            $before = @((Get-MemoryMap).Id)
            $output = New-MemoryMap -Name $name -Size 4096 -WhatIf
            $openOutput = New-MemoryMap -Name $existing -WhatIf
            $after = @((Get-MemoryMap).Id)
        }
        AfterAll {
            Close-MemoryMap $existingMap
            Remove-MemoryMap -Name $existing -ErrorAction Ignore
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
            $openOutput | Should -BeNullOrEmpty
        }
        It 'Should create no object' {
            Test-SharedObject $name | Should -BeFalse
        }
        It 'Should open no map' {
            $after | Should -Be $before
        }
    }

    if (-not $IsWindows) {
        Context 'When Remove-MemoryMap removes a name that maps are open on' {
            BeforeAll {
                $name = $script:prefix + 'remove'
                $first = New-MemoryMap -Name $name -Size 4096
                $second = New-MemoryMap -Name $name
                Write-MemoryMap $first -Data 1, 2, 3
                $output = Remove-MemoryMap -Name $name
                $exists = Test-Path -LiteralPath (Get-ShmPath $name)
                Write-MemoryMap $second -Data 4, 5 -Offset 4094
                $openErr = Get-ErrorRecord { New-MemoryMap -Name $name -ErrorAction Stop }
                $againErr = Get-ErrorRecord { Remove-MemoryMap -Name $name -ErrorAction Stop }
                $fresh = New-MemoryMap -Name $name -Size 4096
                Write-MemoryMap $fresh -Data 0xEE
            }
            AfterAll {
                Close-MemoryMap $first, $second, $fresh
                Remove-MemoryMap -Name $name -ErrorAction Ignore
            }

            It 'Should emit nothing' {
                $output | Should -BeNullOrEmpty
            }
            It 'Should remove the object from /dev/shm' {
                $exists | Should -BeFalse
            }
            It 'Should keep the open maps valid' {
                $first.IsValid | Should -BeTrue
                $second.IsValid | Should -BeTrue
            }
            It 'Should keep their bytes' {
                (Read-MemoryMap $second -Count 3) | Should -Be @(1, 2, 3)
            }
            It 'Should keep them sharing one memory' {
                (Read-MemoryMap $first -Offset 4094 -Count 2) | Should -Be @(4, 5)
            }
            It 'Should no longer open the name' {
                $openErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
            }
            It 'Should fail a second remove with NamedMapNotFound' {
                $againErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.RemoveMemoryMapCommand'
            }
            It 'Should report ObjectNotFound for the second remove' {
                $againErr.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            }
            It 'Should say there is nothing to remove' {
                $againErr.Exception.Message | Should -Be "No shared memory named '$name' exists, so there is nothing to remove."
            }
            It 'Should create a new, zeroed object under the name afterwards' {
                (Read-MemoryMap $fresh -Offset 1 -Count 2) | Should -Be @(0, 0)
            }
            It 'Should keep the new object apart from the old maps' {
                (Read-MemoryMap $first -Count 1)[0] | Should -Be 1
                (Read-MemoryMap $fresh -Count 1)[0] | Should -Be 0xEE
            }
        }
    }
    else {
        # Windows cannot remove the name of a section in use: Remove-MemoryMap succeeds, with a verbose
        # message, while the section exists, and the name goes by itself with the last map, in any process.
        Context 'When Remove-MemoryMap removes a name that maps are open on (Windows: the name stays while they are)' {
            BeforeAll {
                $name = $script:prefix + 'remove'
                $first = New-MemoryMap -Name $name -Size 4096
                $second = New-MemoryMap -Name $name
                Write-MemoryMap $first -Data 1, 2, 3
                $records = @(Remove-MemoryMap -Name $name -Verbose 4>&1)
                $output = @($records | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] })
                $verbose = @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
                $exists = Test-SharedObject $name
                Write-MemoryMap $second -Data 4, 5 -Offset 4094
                $reopened = New-MemoryMap -Name $name
                $againErr = Get-ErrorRecord { Remove-MemoryMap -Name $name -ErrorAction Stop }
                $sameSize = New-MemoryMap -Name $name -Size 4096
                Write-MemoryMap $sameSize -Data 0xEE -Offset 10
                # Another name, whose only map closes before Remove-MemoryMap.
                $gone = $script:prefix + 'remove-gone'
                $goneMap = New-MemoryMap -Name $gone -Size 4096
                Write-MemoryMap $goneMap -Data 0xAB
                Close-MemoryMap $goneMap
                $goneErr = Get-ErrorRecord { Remove-MemoryMap -Name $gone -ErrorAction Stop }
                $fresh = New-MemoryMap -Name $gone -Size 4096
            }
            AfterAll {
                Close-MemoryMap $first, $second, $reopened, $sameSize, $fresh
            }

            It 'Should emit nothing' {
                $output | Should -BeNullOrEmpty
            }
            It 'Should say in a verbose message that the name goes with its last map' {
                $verbose | Should -Contain "On Windows a shared-memory name cannot be removed while it is in use: '$name' goes when its last map, in any process, closes."
            }
            It 'Should keep the section while maps of it are open' {
                $exists | Should -BeTrue
            }
            It 'Should keep the open maps valid' {
                $first.IsValid | Should -BeTrue
                $second.IsValid | Should -BeTrue
            }
            It 'Should keep their bytes' {
                (Read-MemoryMap $second -Count 3) | Should -Be @(1, 2, 3)
            }
            It 'Should keep them sharing one memory' {
                (Read-MemoryMap $first -Offset 4094 -Count 2) | Should -Be @(4, 5)
            }
            It 'Should still open the name, on the same memory' {
                (Read-MemoryMap $reopened -Count 3) | Should -Be @(1, 2, 3)
            }
            It 'Should succeed again while the section exists' {
                $againErr | Should -BeNullOrEmpty
            }
            It 'Should open the same section with -Size while it exists, not make a new one' {
                (Read-MemoryMap $first -Offset 10 -Count 1)[0] | Should -Be 0xEE
            }
            It 'Should fail with NamedMapNotFound once the last map of a name has closed' {
                $goneErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.RemoveMemoryMapCommand'
            }
            It 'Should report ObjectNotFound for it' {
                $goneErr.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            }
            It 'Should say there is nothing to remove, and why on Windows' {
                $goneErr.Exception.Message | Should -Be "No shared memory named '$gone' exists, so there is nothing to remove. (On Windows the name goes by itself when its last map closes: remove it before closing the last map, or use -ErrorAction Ignore.)"
            }
            It 'Should create a new, zeroed object under that name afterwards' {
                (Read-MemoryMap $fresh -Count 1)[0] | Should -Be 0
            }
        }
    }

    Context 'When maps and names come to Remove-MemoryMap through the pipeline or in a list' {
        BeforeAll {
            $piped = $script:prefix + 'piped'
            $kept = $script:prefix + 'piped-whatif'
            $one = $script:prefix + 'list-one'
            $two = $script:prefix + 'list-two'
            $missing = $script:prefix + 'list-missing'
            $pipedMap = New-MemoryMap -Name $piped -Size 4096
            $keptMap = New-MemoryMap -Name $kept -Size 4096
            $oneMap = New-MemoryMap -Name $one -Size 4096
            $twoMap = New-MemoryMap -Name $two -Size 4096
            $view = $keptMap | New-MemoryMap -Offset 100
            if ($IsWindows) {
                # Windows removes no name in use; the verbose message says which name it was given.
                $pipedVerbose = @($pipedMap | Remove-MemoryMap -Verbose 4>&1 | ForEach-Object Message)
            }
            else {
                $pipedMap | Remove-MemoryMap
            }
            $whatIfOutput = $view | Remove-MemoryMap -WhatIf
            if ($IsWindows) {
                $listVerbose = @(Remove-MemoryMap -Name $one, $missing, $two -ErrorAction SilentlyContinue -ErrorVariable listErrors -Verbose 4>&1 | ForEach-Object Message)
            }
            else {
                Remove-MemoryMap -Name $one, $missing, $two -ErrorAction SilentlyContinue -ErrorVariable listErrors
            }
            # What Remove-MemoryMap says on Windows of a name whose section lives on.
            function Get-InUseMessage([string] $Name) { "On Windows a shared-memory name cannot be removed while it is in use: '$Name' goes when its last map, in any process, closes." }
        }
        AfterAll {
            Close-MemoryMap $pipedMap, $keptMap, $oneMap, $twoMap
            Remove-MemoryMap -Name $piped, $kept, $one, $two -ErrorAction Ignore
        }

        It ($IsWindows ? 'Should take the name of a map piped in (and keep its section: the map is open)' : 'Should remove the name of a map piped in') {
            if ($IsWindows) {
                $pipedVerbose | Should -Contain (Get-InUseMessage $piped)
                Test-SharedObject $piped | Should -BeTrue
            }
            else {
                Test-Path -LiteralPath (Get-ShmPath $piped) | Should -BeFalse
            }
        }
        It 'Should keep the piped map open' {
            $pipedMap.IsValid | Should -BeTrue
        }
        It 'Should keep the object with -WhatIf (a view piped in names its parent''s object)' {
            Test-SharedObject $kept | Should -BeTrue
            $whatIfOutput | Should -BeNullOrEmpty
        }
        It ($IsWindows ? 'Should take every name of a list (and keep their sections: their maps are open)' : 'Should remove every name of a list') {
            if ($IsWindows) {
                $listVerbose | Should -Contain (Get-InUseMessage $one)
                $listVerbose | Should -Contain (Get-InUseMessage $two)
                Test-SharedObject $one | Should -BeTrue
                Test-SharedObject $two | Should -BeTrue
            }
            else {
                Test-Path -LiteralPath (Get-ShmPath $one) | Should -BeFalse
                Test-Path -LiteralPath (Get-ShmPath $two) | Should -BeFalse
            }
        }
        It 'Should write one error for the missing name, and go on' {
            @($listErrors).Count | Should -Be 1
            $listErrors[0].FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.RemoveMemoryMapCommand'
            $listErrors[0].TargetObject | Should -Be $missing
        }
    }

    Context 'When a named map is synced' {
        BeforeAll {
            $name = $script:prefix + 'sync'
            $map = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $map -Data 1, 2, 3 -Offset 5000
            $output = Sync-MemoryMap $map
            $passThru = Sync-MemoryMap $map -PassThru
            $async = Sync-MemoryMap $map -Async -Offset 4096 -Count 4096
            Sync-MemoryMap $map -Invalidate
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
            $async | Should -BeNullOrEmpty
        }
        It 'Should emit the map with -PassThru' {
            $passThru.Id | Should -Be $map.Id
        }
        It 'Should keep the bytes through -Invalidate' {
            (Read-MemoryMap $map -Offset 5000 -Count 3) | Should -Be @(1, 2, 3)
        }
    }

    if (-not $IsWindows) {
        Context 'When every map of a name is closed' {
            BeforeAll {
                $name = $script:prefix + 'lifetime'
                $map = New-MemoryMap -Name $name -Size 4096
                $other = New-MemoryMap -Name $name
                Write-MemoryMap $map -Text 'still here' -Offset 1000
                Close-MemoryMap $map, $other
                $useAfterClose = Get-ShmUse $name
                $exists = Test-Path -LiteralPath (Get-ShmPath $name)
                $reopened = New-MemoryMap -Name $name
            }
            AfterAll {
                Close-MemoryMap $reopened
                Remove-MemoryMap -Name $name -ErrorAction Ignore
            }

            It 'Should make the maps invalid' {
                $map.IsValid | Should -BeFalse
                $other.IsValid | Should -BeFalse
            }
            It 'Should unmap the object and close its descriptors' {
                $useAfterClose | Should -Be '0 0'
            }
            It 'Should keep the object (on Linux it lives until it is removed)' {
                $exists | Should -BeTrue
            }
            It 'Should show the same bytes to a map opened afterwards' {
                (Read-MemoryMap $reopened -Offset 1000 -Count 10 -AsString) | Should -Be 'still here'
            }
            It 'Should take the size from the object again' {
                $reopened.Size | Should -Be 4096
            }
        }
    }
    else {
        # Windows: a section lives only while some handle or view of it is open, in any process.
        Context 'When every map of a name is closed (Windows: the section goes with its last map, in any process)' {
            BeforeAll {
                $name = $script:prefix + 'lifetime'
                $map = New-MemoryMap -Name $name -Size 4096
                $other = New-MemoryMap -Name $name
                Write-MemoryMap $map -Text 'still here' -Offset 1000
                $addresses = [IntPtr[]]@($map.Address, $other.Address)
                $useBeforeClose = Get-SectionUse $name $addresses
                Close-MemoryMap $map, $other
                $useAfterClose = Get-SectionUse $name $addresses
                $exists = Test-SharedObject $name
                $reopenErr = Get-ErrorRecord { New-MemoryMap -Name $name -ErrorAction Stop }
                # A second process, started after this one closed its maps.
                $childRun = Invoke-ChildPwshResult -Script ((Get-CasePrelude) + ("`n`$shmName = {0}`n" -f (Quote $name)) + 'Out-Case open { New-MemoryMap -Name $shmName }')
                $childCases = ConvertFrom-CaseLine $childRun.Output
                $fresh = New-MemoryMap -Name $name -Size 8192
                $freshBytes = Read-MemoryMap $fresh -Offset 1000 -Count 10

                # While another process has a map of it, the section outlives the maps of this one.
                $held = $script:prefix + 'lifetime-held'
                $heldMap = New-MemoryMap -Name $held -Size 4096
                Write-MemoryMap $heldMap -Text 'still here' -Offset 1000
                $doneName = "Local\$($script:prefix)lifetime-done"
                $done = [Threading.EventWaitHandle]::new($false, [Threading.EventResetMode]::ManualReset, $doneName)
                $process = Start-ChildPwsh -Script (("`$shmName = {0}; `$doneName = {1}`n" -f (Quote $held), (Quote $doneName)) + @'
$map = New-MemoryMap -Name $shmName
[Console]::Out.WriteLine('READY')
[Console]::Out.Flush()
$null = [Threading.EventWaitHandle]::OpenExisting($doneName).WaitOne(60000)
Close-MemoryMap $map
'@)
                try {
                    $null = Wait-ChildLine -Process $process -Line 'READY' -TimeoutSeconds 60
                    Close-MemoryMap $heldMap
                    $heldExists = Test-SharedObject $held
                    $reopened = New-MemoryMap -Name $held
                }
                finally {
                    $null = $done.Set()
                }
                $heldRun = Wait-ChildPwsh -Process $process -TimeoutSeconds 60
                $done.Dispose()
            }
            AfterAll {
                Close-MemoryMap $fresh, $reopened
            }

            It 'Should make the maps invalid' {
                $map.IsValid | Should -BeFalse
                $other.IsValid | Should -BeFalse
            }
            It 'Should unmap their views and close their handles of the section' {
                $useBeforeClose | Should -Be '2 2'
                $useAfterClose | Should -Be '0 0'
            }
            It 'Should not keep the object (on Windows it lives only while a map of it is open)' {
                $exists | Should -BeFalse
            }
            It 'Should not open the name afterwards (NamedMapNotFound)' {
                $reopenErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
            }
            It 'Should not let a second process open it either' {
                $childRun.ExitCode | Should -Be 0 -Because "$($childRun.Output -join ' | ') $($childRun.ErrorText)"
                $childCases['open'] | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
            }
            It 'Should create a new, zeroed object under the name afterwards, of the new size' {
                $fresh.Size | Should -Be 8192
                @($freshBytes | Where-Object { $_ -ne 0 }).Count | Should -Be 0
            }
            It 'Should keep the object while another process has a map of it' {
                $heldExists | Should -BeTrue
                $heldRun.ExitCode | Should -Be 0 -Because "$($heldRun.Output -join ' | ') $($heldRun.ErrorText)"
            }
            It 'Should show the same bytes to a map opened afterwards' {
                (Read-MemoryMap $reopened -Offset 1000 -Count 10 -AsString) | Should -Be 'still here'
            }
            It 'Should take the size from the object again' {
                $reopened.Size | Should -Be 4096
            }
        }
    }

    Context 'When the runspace that opened a named map closes' {
        BeforeAll {
            $name = $script:prefix + 'runspace'
            $runspace = [runspacefactory]::CreateRunspace()
            $runspace.Open()
            $shell = [powershell]::Create($runspace)
            $null = $shell.AddScript("Import-Module '$(Get-MmanModulePath)'; `$map = New-MemoryMap -Name '$name' -Size 4096; Write-MemoryMap `$map -Data 3, 1, 4; `$map")
            $theirs = @($shell.Invoke())[0]
            $validBefore = $theirs.IsValid
            # On Windows the section would go with the runspace's map: this process holds it with a map of its own.
            if ($IsWindows) { $mine = New-MemoryMap -Name $name }
            $runspace.Close()
            $runspace.Dispose()
            $shell.Dispose()
            if ($IsWindows) { $handlesAfter = [MmanTest.NamedSection]::HandleCount($name) }
            else { $mine = New-MemoryMap -Name $name }
        }
        AfterAll {
            Close-MemoryMap $mine
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should have had the map open' {
            $validBefore | Should -BeTrue
        }
        It ($IsWindows ? 'Should close the map, and its handle of the section, with the runspace' : 'Should close the map with the runspace') {
            $theirs.IsValid | Should -BeFalse
            if ($IsWindows) { $handlesAfter | Should -Be 1 }
        }
        It ($IsWindows ? 'Should keep the object and its bytes (on Windows while this runspace has a map of it)' : 'Should keep the object and its bytes') {
            (Read-MemoryMap $mine -Count 3) | Should -Be @(3, 1, 4)
        }
    }

    Context 'When maps are listed by name' {
        BeforeAll {
            $alpha = $script:prefix + 'list-alpha'
            $beta = $script:prefix + 'list-beta'
            $alphaMap = New-MemoryMap -Name $alpha -Size 8192
            $alphaView = $alphaMap | New-MemoryMap -Offset 4096 -Size 100
            $betaMap = New-MemoryMap -Name $beta -Size 4096
            $anonymous = New-MemoryMap -Size 4096
            $byWildcard = @(Get-MemoryMap -Name "$($script:prefix)list-*")
            $byName = @(Get-MemoryMap -Name $alpha)
            $twoNames = @(Get-MemoryMap -Name $beta, $alpha)
            $noMatch = @(Get-MemoryMap -Name "$($script:prefix)nothing-*" -ErrorVariable noMatchErrors)
            $err = Get-ErrorRecord { Get-MemoryMap -Name "$($script:prefix)nothing" -ErrorAction Stop }
            $table = Get-MemoryMap -Name $alpha | Format-Table | Out-String -Width 300
        }
        AfterAll {
            Close-MemoryMap $alphaMap, $betaMap, $anonymous
            Remove-MemoryMap -Name $alpha, $beta -ErrorAction Ignore
        }

        It 'Should list the maps of every matching name, with their views, in Id order' {
            $byWildcard.Id | Should -Be @($alphaMap.Id, $alphaView.Id, $betaMap.Id)
        }
        It 'Should list the maps of one name and their views' {
            $byName.Id | Should -Be @($alphaMap.Id, $alphaView.Id)
        }
        It 'Should list the maps of each name given, name by name' {
            $twoNames.Id | Should -Be @($betaMap.Id, $alphaMap.Id, $alphaView.Id)
        }
        It 'Should list nothing, without error, for a wildcard that matches no name' {
            $noMatch | Should -BeNullOrEmpty
            $noMatchErrors | Should -BeNullOrEmpty
        }
        It 'Should fail with MapNotFound for a name no map of this process has' {
            $err.FullyQualifiedErrorId | Should -Be 'MapNotFound,Mman.Commands.GetMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        # The Source column (26 characters) keeps the end of a name too long for it.
        It 'Should show the end of the name as the source of the map' {
            $table | Should -Match "(?m)^\s*$($alphaMap.Id) Named .* \.\.\.$([regex]::Escape($alpha.Substring($alpha.Length - 23)))\s*$"
        }
        It 'Should show the end of the name and the parent as the source of the view' {
            # As much of the name's end as the column leaves beside the whole suffix (3-digit ids included).
            $table -match "(?m)^\s*$($alphaView.Id) Named .* \.\.\.(\S+) \(view of $($alphaMap.Id) @ 4096\)\s*$" | Should -BeTrue
            $alphaMap.Name | Should -BeLike "*$($Matches[1])"
        }
    }

    # Windows has no way to shrink a section, which keeps the size it was made with.
    Context "When another process shrinks the object under a map$(if ($IsWindows) { ' (not on Windows: no process can shrink a section)' })" -Skip:$IsWindows {
        BeforeAll {
            $name = $script:prefix + 'shrink'
            # In a child pwsh: were Mman to touch a page past the new end, SIGBUS would kill that process, not this one.
            $run = Invoke-ChildPwshResult -TimeoutSeconds 60 -Script ((Get-CasePrelude) + ("`n`$shmName = {0}`n" -f (Quote $name)) + @'
$map = New-MemoryMap -Name $shmName -Size 65536
$view = $map | New-MemoryMap -Offset 4096
Write-MemoryMap $map -Data ([byte[]](1..200))
Write-MemoryMap $map -Data 7, 7, 7 -Offset 60000
& truncate -s 100 "/dev/shm/$shmName"
Out-Case length { (Get-Item -LiteralPath "/dev/shm/$shmName").Length }
Out-Case read-past { Read-MemoryMap $map -Offset 60000 -Count 3 }
Out-Case read-straddling { Read-MemoryMap $map -Offset 90 -Count 20 }
Out-Case read-all { Read-MemoryMap $map }
Out-Case read-typed { Read-MemoryMap $map -As Int64 -Offset 8192 -Count 1 }
Out-Case read-gathered { Read-MemoryMap $map -As Int32 -Offset 0, 50000 }
Out-Case write-past { Write-MemoryMap $map -Data 1 -Offset 4096 }
Out-Case write-typed { Write-MemoryMap $map -Value 1 -As Int32 -Offset 98 }
Out-Case find { Find-MemoryMap $map -Pattern 7, 7, 7 }
Out-Case sync { Sync-MemoryMap $map }
Out-Case api-read { $map.Read(60000, 3) }
Out-Case view-read { Read-MemoryMap $view -Count 1 }
Out-Case message { try { Read-MemoryMap $map -Offset 60000 -Count 3 -ErrorAction Stop } catch { $_.Exception.Message } }
Out-Case read-inside { (Read-MemoryMap $map -Count 100) -join ',' }
Out-Case write-inside { Write-MemoryMap $map -Data 42 -Offset 99; (Read-MemoryMap $map -Offset 99 -Count 1)[0] }
& truncate -s 65536 "/dev/shm/$shmName"
Out-Case regrown { (Read-MemoryMap $map -Offset 60000 -Count 3) -join ',' }
Close-MemoryMap $map
Remove-MemoryMap -Name $shmName
Out-Case alive { 'yes' }
'@)
            $cases = ConvertFrom-CaseLine $run.Output
        }
        AfterAll {
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should keep the child alive (exit code 0, no SIGBUS)' {
            $run.ExitCode | Should -Be 0 -Because "$($run.Output -join ' | ') $($run.ErrorText)"
            $cases['alive'] | Should -Be 'OK yes'
        }
        It 'Should have shrunk the object to 100 bytes' {
            $cases['length'] | Should -Be 'OK 100'
        }
        It 'Should give <Expected> for <Case>' -ForEach @(
            @{ Case = 'read-past'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-straddling'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-all'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-typed'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-gathered'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'write-past'; Expected = 'FileTruncated,Mman.Commands.WriteMemoryMapCommand' }
            @{ Case = 'write-typed'; Expected = 'FileTruncated,Mman.Commands.WriteMemoryMapCommand' }
            @{ Case = 'find'; Expected = 'FileTruncated,Mman.Commands.FindMemoryMapCommand' }
            @{ Case = 'sync'; Expected = 'FileTruncated,Mman.Commands.SyncMemoryMapCommand' }
            @{ Case = 'api-read'; Expected = 'MemoryMapException:FileTruncated' }
            @{ Case = 'view-read'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'write-inside'; Expected = 'OK 42' }
            # Growing the object back brings zeros, not the old bytes: shrinking discarded them.
            @{ Case = 'regrown'; Expected = 'OK 0,0,0' }
        ) {
            $cases[$Case] | Should -Be $Expected
        }
        It 'Should still read the bytes left, right' {
            $cases['read-inside'] | Should -Be ('OK ' + ((1..100) -join ','))
        }
        It 'Should say the object was shrunk and how many bytes are left' {
            $cases['message'] | Should -BeLike "OK Shared memory '$name' is now 100 bytes (another process shrank it)*Use the first 100 bytes of the map*"
        }
    }

    Context 'When the file is done' {
        It ($IsWindows ? 'Should leave no section of this file in the session''s object directory' : 'Should leave no shared memory of this file in /dev/shm') {
            Get-ShmListing | Should -BeNullOrEmpty
        }
    }
}
