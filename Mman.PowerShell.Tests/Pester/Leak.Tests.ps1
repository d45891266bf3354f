# Leaks, measured in a child pwsh so that nothing else runs in the process: 20,000 New/Write/Read/Close
# cycles (anonymous and file maps alternately), then 20,000 maps nobody closes, left to the finalizer
# (GC.Collect, WaitForPendingFinalizers, GC.Collect). Open file descriptors (/proc/self/fd), mappings
# (/proc/self/maps lines) and resident memory (VmRSS) must come back to near the level before.
# Then: Remove-Module closes the maps the session opened, and a runspace that closes closes its maps.
# On Windows the same is measured with Windows' own counters: the handles of the process (its entries in
# NtQuerySystemInformation's handle list) for descriptors, its mapped views (VirtualQuery, MEM_MAPPED) for
# mappings, and its working set for resident memory; a file's views are known by GetMappedFileName and its
# handles by GetFinalPathNameByHandle. (/proc/self is no answer there: under Wine it is the wineserver's,
# which opens the files for every Wine process.)

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }
    $script:usageFunction = if ($IsWindows) {
        @'
Add-Type -TypeDefinition @"
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

public static class MmanLeakProbe
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MEMORY_BASIC_INFORMATION
    {
        public IntPtr BaseAddress; public IntPtr AllocationBase; public uint AllocationProtect; public ushort PartitionId;
        public UIntPtr RegionSize; public uint State; public uint Protect; public uint Type;
    }

    [DllImport("kernel32.dll")] private static extern UIntPtr VirtualQuery(IntPtr address, out MEMORY_BASIC_INFORMATION info, UIntPtr length);
    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, EntryPoint = "K32GetMappedFileNameW")] private static extern uint GetMappedFileName(IntPtr process, IntPtr address, StringBuilder name, uint size);
    [DllImport("kernel32.dll")] private static extern IntPtr GetCurrentProcess();
    [DllImport("kernel32.dll")] private static extern uint GetCurrentProcessId();
    [DllImport("ntdll.dll")] private static extern int NtQuerySystemInformation(int infoClass, IntPtr buffer, int length, out int returned);
    [DllImport("kernel32.dll")] private static extern uint GetFileType(IntPtr handle);
    [DllImport("kernel32.dll", CharSet = CharSet.Unicode)] private static extern uint GetFinalPathNameByHandleW(IntPtr handle, StringBuilder path, uint size, uint flags);

    private const uint MemMapped = 0x40000, FileTypeDisk = 1, VolumeNameNone = 4;
    private const int SystemExtendedHandleInformation = 64, InfoLengthMismatch = unchecked((int)0xC0000004);

    /// <summary>Every mapped view of this process (by allocation base) with the file it maps, "" for none.</summary>
    public static Dictionary<long, string> MappedViews()
    {
        var views = new Dictionary<long, string>();
        var name = new StringBuilder(1024);
        MEMORY_BASIC_INFORMATION info;
        long address = 0;
        while (VirtualQuery(new IntPtr(address), out info, (UIntPtr)(uint)Marshal.SizeOf(typeof(MEMORY_BASIC_INFORMATION))) != UIntPtr.Zero)
        {
            if (info.Type == MemMapped && !views.ContainsKey(info.AllocationBase.ToInt64()))
            {
                name.Clear();
                views[info.AllocationBase.ToInt64()] = GetMappedFileName(GetCurrentProcess(), info.BaseAddress, name, 1024) > 0 ? name.ToString() : string.Empty;
            }

            long next = info.BaseAddress.ToInt64() + (long)info.RegionSize.ToUInt64();
            if (next <= address) { break; }
            address = next;
        }

        return views;
    }

    /// <summary>The handles this process holds, from the system's handle list.</summary>
    public static List<IntPtr> OwnHandles()
    {
        int length = 1 << 20;
        while (true)
        {
            IntPtr buffer = Marshal.AllocHGlobal(length);
            try
            {
                int returned;
                int status = NtQuerySystemInformation(SystemExtendedHandleInformation, buffer, length, out returned);
                if (status == InfoLengthMismatch) { length = Math.Max(length * 2, returned + 65536); continue; }
                if (status != 0) { throw new InvalidOperationException("NtQuerySystemInformation failed with NTSTATUS 0x" + status.ToString("X8")); }

                // SYSTEM_HANDLE_INFORMATION_EX: a count and a reserved word, then 40-byte entries of
                // Object, UniqueProcessId, HandleValue, GrantedAccess, ...
                long count = Marshal.ReadInt64(buffer);
                long self = GetCurrentProcessId();
                var handles = new List<IntPtr>();
                for (long i = 0; i < count; i++)
                {
                    IntPtr entry = new IntPtr(buffer.ToInt64() + 16 + i * 40);
                    if (Marshal.ReadInt64(entry, 8) == self) { handles.Add(Marshal.ReadIntPtr(entry, 16)); }
                }

                return handles;
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }

    /// <summary>The path of the file a handle is open on, without its volume; null for a handle that is not a disk file's.</summary>
    public static string FinalPath(IntPtr handle)
    {
        if (GetFileType(handle) != FileTypeDisk) { return null; }
        var path = new StringBuilder(1024);
        return GetFinalPathNameByHandleW(handle, path, 1024, VolumeNameNone) > 0 ? path.ToString() : null;
    }
}
"@
function Get-Usage {
    [pscustomobject]@{
        Fds    = [MmanLeakProbe]::OwnHandles().Count
        Maps   = [MmanLeakProbe]::MappedViews().Count
        RssKiB = [long]([Diagnostics.Process]::GetCurrentProcess().WorkingSet64 / 1KB)
    }
}
function Get-FileUse([string] $Path) {
    # How many views and handles of this process refer to the file: the views' names and the handles' paths
    # end in the file's path without its volume (\Device\HarddiskVolume3\..., or \??\C:\... under Wine).
    $handle = [IO.File]::OpenHandle($Path, 'Open', 'Read', 'ReadWrite, Delete')
    try { $tail = [MmanLeakProbe]::FinalPath($handle.DangerousGetHandle()) } finally { $handle.Dispose() }
    $mapped = @([MmanLeakProbe]::MappedViews().Values | Where-Object { $_.EndsWith($tail, [StringComparison]::OrdinalIgnoreCase) }).Count
    $open = @([MmanLeakProbe]::OwnHandles() | Where-Object { [MmanLeakProbe]::FinalPath($_) -eq $tail }).Count
    "$mapped $open"
}
function Invoke-FullGC { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect() }
# In a function, so that no temporary of the calling script keeps the listed maps alive.
function Get-OpenCount { @(Get-MemoryMap).Count }
'@
    }
    else {
        @'
function Get-Usage {
    [pscustomobject]@{
        Fds    = [IO.Directory]::GetFileSystemEntries('/proc/self/fd').Count
        Maps   = [IO.File]::ReadAllLines('/proc/self/maps').Count
        RssKiB = [long](([IO.File]::ReadAllLines('/proc/self/status') | Where-Object { $_ -like 'VmRSS:*' }) -replace '\D', '')
    }
}
function Get-FileUse([string] $Path) {
    # How many mappings and descriptors of this process refer to the file.
    $mapped = @([IO.File]::ReadAllLines('/proc/self/maps') | Where-Object { $_.EndsWith(' ' + $Path) }).Count
    $open = 0
    foreach ($fd in [IO.Directory]::GetFileSystemEntries('/proc/self/fd')) {
        # An entry can vanish while we look (the descriptor of the listing itself): skip it.
        try { if ([IO.FileInfo]::new($fd).LinkTarget -eq $Path) { $open++ } } catch { }
    }
    "$mapped $open"
}
function Invoke-FullGC { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect() }
# In a function, so that no temporary of the calling script keeps the listed maps alive.
function Get-OpenCount { @(Get-MemoryMap).Count }
'@
    }
}

Describe 'Leaks of maps, descriptors and memory' -Tag CI {
    Context 'When 20,000 maps are closed and 20,000 are left to the finalizer' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/leak.bin" -Length 65536
            $cycles = 20000
            $run = Invoke-ChildPwshResult -TimeoutSeconds 240 -Script ($script:usageFunction + ("`n`$file = {0}; `$cycles = {1}`n" -f (Quote $file), $cycles) + @'
$data = [byte[]]::new(4096)
[Random]::new(1).NextBytes($data)
function Invoke-Cycle([int] $Count) {
    for ($i = 0; $i -lt $Count; $i++) {
        $map = if ($i % 2) { New-MemoryMap -Size 65536 } else { New-MemoryMap -Path $file -Protection Read, Write }
        Write-MemoryMap $map -Data $data -Offset ($i % 4096)
        $back = Read-MemoryMap $map -Offset ($i % 4096) -Count 4096
        if ($back[4095] -ne $data[4095]) { throw "cycle $i read back the wrong bytes" }
        Close-MemoryMap $map
    }
}
function Invoke-Abandon([int] $Count) {
    for ($i = 0; $i -lt $Count; $i++) {
        $map = if ($i % 2) { New-MemoryMap -Size 65536 } else { New-MemoryMap -Path $file -Protection Read, Write -Sharing ('Shared', 'Private')[($i / 2) % 2] }
        Write-MemoryMap $map -Data 1 -Offset ($i % 65536)
    }
    $map = $null
}
# Warm up (JIT, caches, the first GCs), then measure.
Invoke-Cycle 1000
Invoke-Abandon 1000
Invoke-FullGC
$start = Get-Usage
$watch = [Diagnostics.Stopwatch]::StartNew()
Invoke-Cycle $cycles
Invoke-FullGC
$afterCycles = Get-Usage
$cycleSeconds = $watch.Elapsed.TotalSeconds
$watch.Restart()
Invoke-Abandon $cycles
$beforeCollect = Get-Usage
$openBeforeCollect = Get-OpenCount
Invoke-FullGC
$afterFinalizer = Get-Usage
$openAfterCollect = Get-OpenCount
[pscustomobject]@{
    Start = $start; AfterCycles = $afterCycles; BeforeCollect = $beforeCollect; AfterFinalizer = $afterFinalizer
    OpenBeforeCollect = $openBeforeCollect; OpenAfterCollect = $openAfterCollect
    CycleSeconds = $cycleSeconds; AbandonSeconds = $watch.Elapsed.TotalSeconds
} | ConvertTo-Json -Compress | ForEach-Object { [Console]::Out.WriteLine("RESULT $_") }
'@)
            $line = @($run.Output | Where-Object { $_ -like 'RESULT *' }) | Select-Object -Last 1
            $usage = if ($line) { $line.Substring(7) | ConvertFrom-Json }
            if ($usage) {
                Write-Host ("Leak: fds {0} -> {1} after {6:N0} cycles ({7:N1} s) -> {2} after {6:N0} abandoned maps and GC ({3} before GC); maps {4} -> {5} -> {8} ({9} before GC); RSS {10:N0} KiB -> {11:N0} KiB -> {12:N0} KiB; open maps before GC {13}, after {14}" -f
                    $usage.Start.Fds, $usage.AfterCycles.Fds, $usage.AfterFinalizer.Fds, $usage.BeforeCollect.Fds,
                    $usage.Start.Maps, $usage.AfterCycles.Maps, $cycles, $usage.CycleSeconds, $usage.AfterFinalizer.Maps, $usage.BeforeCollect.Maps,
                    $usage.Start.RssKiB, $usage.AfterCycles.RssKiB, $usage.AfterFinalizer.RssKiB, $usage.OpenBeforeCollect, $usage.OpenAfterCollect)
            }
        }

        It 'Should run the child to the end' {
            $run.ExitCode | Should -Be 0 -Because "exit code $($run.ExitCode), timed out $($run.TimedOut): $($run.Output -join ' | ') $($run.ErrorText)"
            $usage | Should -Not -BeNullOrEmpty
        }
        It 'Should hold no more descriptors after 20,000 closed maps (+10 at most)' {
            $usage.AfterCycles.Fds | Should -BeLessOrEqual ($usage.Start.Fds + 10)
        }
        It 'Should hold no more mappings after 20,000 closed maps (+50 at most)' {
            $usage.AfterCycles.Maps | Should -BeLessOrEqual ($usage.Start.Maps + 50)
        }
        It 'Should hold no more memory after 20,000 closed maps (+64 MiB at most)' {
            $usage.AfterCycles.RssKiB | Should -BeLessOrEqual ($usage.Start.RssKiB + 64 * 1024)
        }
        It 'Should release the descriptors of abandoned maps in the finalizer (+10 at most)' {
            $usage.AfterFinalizer.Fds | Should -BeLessOrEqual ($usage.Start.Fds + 10)
        }
        It 'Should unmap abandoned maps in the finalizer (+50 at most)' {
            $usage.AfterFinalizer.Maps | Should -BeLessOrEqual ($usage.Start.Maps + 50)
        }
        It 'Should give back the memory of abandoned maps (+64 MiB at most)' {
            $usage.AfterFinalizer.RssKiB | Should -BeLessOrEqual ($usage.Start.RssKiB + 64 * 1024)
        }
        It 'Should list no abandoned map as open after the finalizer ran' {
            $usage.OpenAfterCollect | Should -Be 0
        }
    }

    Context 'When the module is removed, or a runspace that opened maps closes' {
        BeforeAll {
            $removed = New-TestFile -Path "$TestDrive/removed.bin" -Length 8192
            $runspaceFile = New-TestFile -Path "$TestDrive/runspace.bin" -Length 8192
            $parallelFile = New-TestFile -Path "$TestDrive/parallel.bin" -Length 8192
            $modulePath = Get-MmanModulePath
            $run = Invoke-ChildPwshResult -TimeoutSeconds 120 -Script ((Get-CasePrelude) + "`n" + $script:usageFunction +
                ("`n`$removed = {0}; `$runspaceFile = {1}; `$parallelFile = {2}; `$modulePath = {3}`n" -f (Quote $removed), (Quote $runspaceFile), (Quote $parallelFile), (Quote $modulePath)) + @'
$anon = New-MemoryMap -Size 65536
$shared = New-MemoryMap -Path $removed -Protection Read, Write
$private = New-MemoryMap -Path $removed -Sharing Private
Out-Case remove.before { Get-FileUse $removed }
Remove-Module Mman
Out-Case remove.anon-closed { $anon.IsValid }
Out-Case remove.shared-closed { $shared.IsValid }
Out-Case remove.private-closed { $private.IsValid }
Out-Case remove.file-released { Get-FileUse $removed }
Import-Module $modulePath
Out-Case remove.read-after { Read-MemoryMap $anon -Count 1 }
Out-Case remove.none-listed { @(Get-MemoryMap).Count }

$mine = New-MemoryMap -Path $runspaceFile
$runspace = [runspacefactory]::CreateRunspace()
$runspace.Open()
$shell = [powershell]::Create($runspace)
$null = $shell.AddScript("Import-Module '$modulePath'; New-MemoryMap -Path '$runspaceFile' -Protection Read, Write; New-MemoryMap -Size 4096")
$theirs = $shell.Invoke()
Out-Case runspace.opened { @($theirs | Where-Object IsValid).Count; Get-FileUse $runspaceFile }
$other = [powershell]::Create($runspace)
$null = $other.AddScript('Remove-Module Mman')
$null = $other.Invoke()
Out-Case runspace.remove-there-keeps-mine { $mine.IsValid }
Out-Case runspace.remove-there-closes-theirs { @($theirs | Where-Object IsValid).Count }
$runspace2 = [runspacefactory]::CreateRunspace()
$runspace2.Open()
$shell2 = [powershell]::Create($runspace2)
$null = $shell2.AddScript("Import-Module '$modulePath'; New-MemoryMap -Path '$runspaceFile' -Protection Read, Write; New-MemoryMap -Size 4096")
$theirs2 = $shell2.Invoke()
$runspace2.Close()
Out-Case runspace.close-closes-theirs { @($theirs2 | Where-Object IsValid).Count }
Out-Case runspace.close-keeps-mine { $mine.IsValid }
Out-Case runspace.file-keeps-only-mine { Get-FileUse $runspaceFile }
$runspace.Dispose()

$fromParallel = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel { Import-Module $using:modulePath; New-MemoryMap -Path $using:parallelFile -Protection Read, Write }
Out-Case parallel.closed-after { @($fromParallel | Where-Object IsValid).Count; Get-FileUse $parallelFile }
$fromJob = Start-ThreadJob { Import-Module $using:modulePath; New-MemoryMap -Path $using:parallelFile } | Receive-Job -Wait -AutoRemoveJob
# The job's runspace closes shortly after the job ends, on another thread.
$deadline = [DateTime]::UtcNow.AddSeconds(10)
while ($fromJob.IsValid -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
Out-Case threadjob.closed-after { $fromJob.IsValid; Get-FileUse $parallelFile }
Out-Case mine.still-usable { (Read-MemoryMap $mine -Count 4).Length }
'@)
        }

        It 'Should exit normally' {
            $run.ExitCode | Should -Be 0 -Because "exit code $($run.ExitCode): $($run.Output -join ' | ') $($run.ErrorText)"
        }
        It 'Should give <Expected> for <Name>' -ForEach @(
            @{ Name = 'remove.before'; Expected = 'OK 2 2' }
            @{ Name = 'remove.anon-closed'; Expected = 'OK False' }
            @{ Name = 'remove.shared-closed'; Expected = 'OK False' }
            @{ Name = 'remove.private-closed'; Expected = 'OK False' }
            @{ Name = 'remove.file-released'; Expected = 'OK 0 0' }
            @{ Name = 'remove.read-after'; Expected = 'MapClosed,Mman.Commands.ReadMemoryMapCommand' }
            @{ Name = 'remove.none-listed'; Expected = 'OK 0' }
            @{ Name = 'runspace.opened'; Expected = 'OK 2 2 2' }
            @{ Name = 'runspace.remove-there-keeps-mine'; Expected = 'OK True' }
            @{ Name = 'runspace.remove-there-closes-theirs'; Expected = 'OK 0' }
            @{ Name = 'runspace.close-closes-theirs'; Expected = 'OK 0' }
            @{ Name = 'runspace.close-keeps-mine'; Expected = 'OK True' }
            @{ Name = 'runspace.file-keeps-only-mine'; Expected = 'OK 1 1' }
            @{ Name = 'parallel.closed-after'; Expected = 'OK 0 0 0' }
            @{ Name = 'threadjob.closed-after'; Expected = 'OK False 0 0' }
            @{ Name = 'mine.still-usable'; Expected = 'OK 4' }
        ) {
            $cases = ConvertFrom-CaseLine $run.Output
            $cases[$Name] | Should -Be $Expected
        }
    }
}
