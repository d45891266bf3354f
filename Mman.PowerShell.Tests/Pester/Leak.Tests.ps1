# Leaks, measured in a child pwsh so that nothing else runs in the process: 20,000 New/Write/Read/Close
# cycles (anonymous and file maps alternately), then 20,000 maps nobody closes, left to the finalizer
# (GC.Collect, WaitForPendingFinalizers, GC.Collect). Open file descriptors (/proc/self/fd), mappings
# (/proc/self/maps lines) and resident memory (VmRSS) must come back to near the level before.
# Then: Remove-Module closes the maps the session opened, and a runspace that closes closes its maps.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }
    $script:usageFunction = @'
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
