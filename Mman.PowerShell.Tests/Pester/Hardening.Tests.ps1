# The crash-proof matrix: every hostile scenario runs in a child pwsh, and the test asserts that the child
# ended normally (exit code 0, not 134 SIGABRT / 135 SIGBUS / 139 SIGSEGV, not hung) and printed the
# expected result for each case. A fault kills the child, so its exit code is wrong and the lines of the
# cases after the fault are missing: grouping many cases in one child still catches every crash. Two
# control children fault on purpose (a raw read of PROT_NONE memory, and of a page past the end of a
# truncated file) to show that the harness sees a crash, and that these scenarios do fault without Mman.
#
# On Windows a crash ends the child with an NTSTATUS (0xC0000005 access violation, 0xC0000602 fail-fast)
# instead of a signal. Windows refuses to shrink a file while a map of it is open (ERROR_USER_MAPPED_FILE),
# so the truncation scenarios assert that refusal and that every map still reads and writes the whole
# file; the cut succeeds once the maps are closed. A named pipe and the NUL device stand in for the FIFO.

BeforeDiscovery {
    $reader = 'Mman.Commands.ReadMemoryMapCommand'
    $writer = 'Mman.Commands.WriteMemoryMapCommand'
    $syncer = 'Mman.Commands.SyncMemoryMapCommand'
    $protector = 'Mman.Commands.SetMemoryMapProtectionCommand'
    $creator = 'Mman.Commands.NewMemoryMapCommand'
    $closer = 'Mman.Commands.CloseMemoryMapCommand'
    $getter = 'Mman.Commands.GetMemoryMapCommand'

    # Name = the child's case, Expected = its FullyQualifiedErrorId, '<Type>:<Error>' of a .NET call, or 'OK ...'.
    $protectionCases = @(
        @{ Name = 'none.read'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'none.read-all'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'none.read-string'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'none.read-last-byte'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'none.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'none.write-text'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'none.api-read'; Expected = 'MemoryMapAccessException:MapNotReadable' }
        @{ Name = 'none.api-read-buffer'; Expected = 'MemoryMapAccessException:MapNotReadable' }
        @{ Name = 'none.api-write'; Expected = 'MemoryMapAccessException:MapNotWritable' }
        @{ Name = 'none.sync'; Expected = 'OK' }
        @{ Name = 'none-shared.read'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'none-shared.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'none-file.read'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'none-file.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'none-file.sync'; Expected = 'OK' }
        @{ Name = 'to-none.read'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'to-none.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'to-none.api-read'; Expected = 'MemoryMapAccessException:MapNotReadable' }
        @{ Name = 'to-none.back-intact'; Expected = 'OK intact' }
        @{ Name = 'drop.anon.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'drop.anon.write-last'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'drop.anon.write-text'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'drop.anon.api-write'; Expected = 'MemoryMapAccessException:MapNotWritable' }
        @{ Name = 'drop.anon.read'; Expected = 'OK intact' }
        @{ Name = 'drop.file-shared.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'drop.file-shared.api-write'; Expected = 'MemoryMapAccessException:MapNotWritable' }
        @{ Name = 'drop.file-shared.file-intact'; Expected = 'OK intact' }
        @{ Name = 'drop.file-shared.back-to-write'; Expected = 'OK 99' }
        @{ Name = 'drop.file-private.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'drop.file-private.read'; Expected = 'OK intact' }
        @{ Name = 'drop.exec.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'drop.exec.read'; Expected = 'OK intact' }
        @{ Name = 'read-only.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'write-only.read'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'write-only.write'; Expected = 'OK' }
        @{ Name = 'exec-only.read'; Expected = "MapNotReadable,$reader" }
        @{ Name = 'exec-only.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'file-read-only.write'; Expected = "MapNotWritable,$writer" }
        @{ Name = 'file-read-only.to-read-write'; Expected = "ProtectionDenied,$protector" }
        @{ Name = 'file-read-only.to-write'; Expected = "ProtectionDenied,$protector" }
        # The OS refuses Write here (the file is open read-only), not Execute: the right answer is ProtectionDenied.
        @{ Name = 'file-read-only.to-rwx-allowed'; Expected = "ProtectionDenied,$protector" }
        @{ Name = 'file-read-only.still-read'; Expected = 'OK Read' }
        @{ Name = 'file-read-only.intact'; Expected = 'OK intact' }
        @{ Name = 'wx.new'; Expected = "WriteExecuteRefused,$creator" }
        @{ Name = 'rwx.new'; Expected = "WriteExecuteRefused,$creator" }
        @{ Name = 'wx.new-file'; Expected = "WriteExecuteRefused,$creator" }
        @{ Name = 'wx.set'; Expected = "WriteExecuteRefused,$protector" }
        @{ Name = 'wx.set-kept'; Expected = 'OK Read, Write' }
        # Where the system forbids W+X memory (SELinux execmem, PaX), ExecuteDenied is the right answer.
        @{ Name = 'rwx.allowed'; Expected = 'OK 7', "ExecuteDenied,$creator" }
        @{ Name = 'api.offset-negative'; Expected = 'MemoryMapArgumentException:OffsetNegative' }
        @{ Name = 'api.count-negative'; Expected = 'MemoryMapArgumentException:CountNegative' }
        @{ Name = 'api.count-overflow'; Expected = 'MemoryMapArgumentException:RangeOutsideMap' }
        @{ Name = 'api.buffer-small'; Expected = 'ArgumentOutOfRangeException' }
        @{ Name = 'api.buffer-null'; Expected = 'ArgumentNullException' }
        @{ Name = 'api.write-null'; Expected = 'ArgumentNullException' }
        @{ Name = 'api.write-index-past'; Expected = 'ArgumentOutOfRangeException' }
        @{ Name = 'api.protection-invalid'; Expected = 'MemoryMapArgumentException:ProtectionInvalid' }
        @{ Name = 'api.sharing-invalid'; Expected = 'MemoryMapArgumentException:SharingInvalid' }
        @{ Name = 'huge.read-default'; Expected = "CountTooLarge,$reader" }
        @{ Name = 'huge.api-read'; Expected = 'MemoryMapArgumentException:CountTooLarge' }
        @{ Name = 'huge.read-end'; Expected = 'OK 16' }
        @{ Name = 'huge.write-past'; Expected = "RangeOutsideMap,$writer" }
        @{ Name = 'deleted-file.read'; Expected = 'OK intact' }
        foreach ($kind in 'anon', 'file', 'private') {
            @{ Name = "closed-$kind.read"; Expected = "MapClosed,$reader" }
            @{ Name = "closed-$kind.read-string"; Expected = "MapClosed,$reader" }
            @{ Name = "closed-$kind.write"; Expected = "MapClosed,$writer" }
            @{ Name = "closed-$kind.write-text"; Expected = "MapClosed,$writer" }
            @{ Name = "closed-$kind.sync"; Expected = "MapClosed,$syncer" }
            @{ Name = "closed-$kind.protect"; Expected = "MapClosed,$protector" }
            @{ Name = "closed-$kind.api-read"; Expected = 'ObjectDisposedException' }
            @{ Name = "closed-$kind.api-write"; Expected = 'ObjectDisposedException' }
            @{ Name = "closed-$kind.api-sync"; Expected = 'ObjectDisposedException' }
            @{ Name = "closed-$kind.api-protect"; Expected = 'ObjectDisposedException' }
            @{ Name = "closed-$kind.close-again"; Expected = 'OK' }
            @{ Name = "closed-$kind.close-by-id"; Expected = "MapNotFound,$closer" }
            @{ Name = "closed-$kind.get-by-id"; Expected = "MapNotFound,$getter" }
            @{ Name = "closed-$kind.address"; Expected = 'OK 0 False' }
        }
        @{ Name = 'closed-by-id.read'; Expected = "MapClosed,$reader" }
        @{ Name = 'closed.wx-checked-first'; Expected = "WriteExecuteRefused,$protector" }
        @{ Name = 'closed.pipeline'; Expected = "MapClosed,$reader" }
    )

    $truncationCases = @(
        @{ Name = 'before.read-all'; Expected = 'OK equal' }
        @{ Name = 'before.private-cow-past-cut'; Expected = 'OK' }
        @{ Name = 'cut.by-other-process'; Expected = 'OK 0 10000' }
        @{ Name = 'after.read-head'; Expected = 'OK equal' }
        @{ Name = 'after.read-last-kept-byte'; Expected = 'OK 1' }
        @{ Name = 'after.read-straddle'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.read-same-page'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.read-next-page'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.read-last-byte'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.read-all'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.read-string'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.read-zero-count-past'; Expected = 'OK' }
        @{ Name = 'after.api-read'; Expected = 'MemoryMapException:FileTruncated' }
        @{ Name = 'after.api-read-buffer'; Expected = 'MemoryMapException:FileTruncated' }
        @{ Name = 'after.write-head'; Expected = 'OK' }
        @{ Name = 'after.write-last-kept-byte'; Expected = 'OK' }
        @{ Name = 'after.write-same-page'; Expected = "FileTruncated,$writer" }
        @{ Name = 'after.write-far'; Expected = "FileTruncated,$writer" }
        @{ Name = 'after.write-straddle'; Expected = "FileTruncated,$writer" }
        @{ Name = 'after.api-write'; Expected = 'MemoryMapException:FileTruncated' }
        @{ Name = 'after.sync-head'; Expected = 'OK' }
        @{ Name = 'after.sync-all'; Expected = "FileTruncated,$syncer" }
        @{ Name = 'after.protect'; Expected = 'OK' }
        @{ Name = 'after.read-only-map'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.private-read-head'; Expected = 'OK equal' }
        @{ Name = 'after.private-read-cow-page'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.private-write-past'; Expected = "FileTruncated,$writer" }
        @{ Name = 'after.tail-read'; Expected = "FileTruncated,$reader" }
        @{ Name = 'after.tail-write'; Expected = "FileTruncated,$writer" }
        @{ Name = 'after.file-kept-head-write'; Expected = 'OK 77' }
        @{ Name = 'regrow.by-other-process'; Expected = 'OK 0 65536' }
        @{ Name = 'regrow.read-head'; Expected = 'OK equal' }
        @{ Name = 'regrow.read-lost-zero'; Expected = 'OK zeros' }
        @{ Name = 'regrow.tail-read-zero'; Expected = 'OK zeros' }
        @{ Name = 'regrow.write-far'; Expected = 'OK 66' }
        @{ Name = 'empty.by-other-process'; Expected = 'OK 0 0' }
        @{ Name = 'empty.read-first'; Expected = "FileTruncated,$reader" }
        @{ Name = 'empty.write-first'; Expected = "FileTruncated,$writer" }
        @{ Name = 'empty.private-read'; Expected = "FileTruncated,$reader" }
        @{ Name = 'empty.read-zero-count'; Expected = 'OK' }
        @{ Name = 'empty.sync-zero-count'; Expected = 'OK' }
        @{ Name = 'empty.new-map'; Expected = "FileEmpty,$creator" }
        @{ Name = 'empty.close-all'; Expected = 'OK' }
    )
    if ($IsWindows) {
        # Windows refuses the cut (1224 ERROR_USER_MAPPED_FILE) while any map of the file is open, so the
        # maps keep the whole file; growing is allowed. Once the maps are closed the same cuts succeed.
        $truncationCases = @(
            @{ Name = 'before.read-all'; Expected = 'OK equal' }
            @{ Name = 'before.private-cow-past-cut'; Expected = 'OK' }
            @{ Name = 'cut.by-other-process'; Expected = 'OK 1224 65536' }
            @{ Name = 'after.read-all'; Expected = 'OK equal' }
            @{ Name = 'after.read-past-cut'; Expected = 'OK equal' }
            @{ Name = 'after.read-last-byte'; Expected = 'OK equal' }
            @{ Name = 'after.api-read'; Expected = 'OK equal' }
            @{ Name = 'after.read-only-map'; Expected = 'OK equal' }
            @{ Name = 'after.private-read-head'; Expected = 'OK equal' }
            @{ Name = 'after.private-read-cow-page'; Expected = 'OK 238' }
            @{ Name = 'after.tail-read'; Expected = 'OK equal' }
            @{ Name = 'after.write-far'; Expected = 'OK 6' }
            @{ Name = 'after.api-write'; Expected = 'OK 8' }
            @{ Name = 'after.tail-write'; Expected = 'OK 9' }
            @{ Name = 'after.private-write-past'; Expected = 'OK 1 file-kept' }
            @{ Name = 'after.sync-all'; Expected = 'OK' }
            @{ Name = 'after.protect'; Expected = 'OK' }
            @{ Name = 'after.file-whole'; Expected = 'OK 65536 equal' }
            @{ Name = 'grow.by-other-process'; Expected = 'OK 0 70000' }
            @{ Name = 'grow.read-all'; Expected = 'OK equal' }
            @{ Name = 'grow.file-zeros'; Expected = 'OK zeros' }
            @{ Name = 'empty.by-other-process'; Expected = 'OK 1224 70000' }
            @{ Name = 'empty.read-first'; Expected = 'OK equal' }
            @{ Name = 'empty.private-read'; Expected = 'OK equal' }
            @{ Name = 'empty.close-all'; Expected = 'OK' }
            @{ Name = 'closed.cut-by-other-process'; Expected = 'OK 0 10000' }
            @{ Name = 'closed.file-head'; Expected = 'OK equal' }
            @{ Name = 'closed.empty-by-other-process'; Expected = 'OK 0 0' }
            @{ Name = 'empty.new-map'; Expected = "FileEmpty,$creator" }
        )
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:prelude = Get-CasePrelude
    $script:modulePath = Get-MmanModulePath
    $script:stats = @{ Children = 0; Cases = 0; Crashes = 0; RaceIterations = 0 }
    # How a child that faults ends: a signal (128 + 6 SIGABRT, 7 SIGBUS, 11 SIGSEGV), or on Windows an NTSTATUS
    # (0xC0000005 access violation, 0xC0000409 stack buffer overrun, 0xC0000602 fail-fast: .NET's end, and Wine's).
    $script:crashCodes = if ($IsWindows) { @(-1073741819, -1073740791, -1073740286) } else { @(134, 135, 139) }
    # How long a race child may run before it counts as hung: a hang guard, not a speed test. Unloaded,
    # the race takes seconds; on a loaded 2-core machine 800 close-race iterations took over 180 s, on
    # Linux and (Wine runs the five threads of one pwsh several times slower) on the Windows path.
    $script:raceTimeout = 600

    # Functions for a child script: Read-File reads a file that maps hold open (with FileShare.ReadWrite: on
    # Windows [IO.File]::ReadAllBytes fails with a sharing violation then); Set-FileLength has another
    # process, a pwsh without Mman, set a file's length and returns that process's exit code (0, or the
    # Win32 error: 1224 ERROR_USER_MAPPED_FILE when Windows refuses to cut a mapped file) and the length.
    $script:fileFunctions = @'
function Read-File([string] $Path, [long] $Offset = 0, [long] $Count = -1) {
    $stream = [IO.File]::Open($Path, 'Open', 'Read', 'ReadWrite, Delete')
    try {
        if ($Count -lt 0) { $Count = $stream.Length - $Offset }
        $bytes = [byte[]]::new($Count)
        $null = $stream.Seek($Offset, 'Begin')
        $read = 0
        while ($read -lt $Count) {
            $n = $stream.Read($bytes, $read, $Count - $read)
            if ($n -eq 0) { break }
            $read += $n
        }
        , $bytes
    }
    finally { $stream.Dispose() }
}
function Set-FileLength([string] $Path, [long] $Length) {
    $quoted = "'" + $Path.Replace("'", "''") + "'"
    $command = "try { `$s = [IO.FileStream]::new($quoted, 'Open', 'ReadWrite', 'ReadWrite, Delete'); try { `$s.SetLength($Length) } finally { `$s.Dispose() }; exit 0 } catch { exit (`$_.Exception.GetBaseException().HResult -band 0xFFFF) }"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($command))
    # A pwsh like this one: under 'dotnet pwsh' that is dotnet plus pwsh.dll.
    $pwsh = @([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
    $null = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -EncodedCommand $encoded
    $LASTEXITCODE
    [IO.FileInfo]::new($Path).Length
}
'@

    function Invoke-HostileChild {
        # Runs one child, counts it, and returns its result with the CASE lines parsed into .Cases.
        param([string] $Script, [int] $TimeoutSeconds = 120)
        $result = Invoke-ChildPwshResult -Script ($script:prelude + "`n" + $Script) -TimeoutSeconds $TimeoutSeconds
        Add-ChildResult $result
        return $result
    }

    function Add-ChildResult {
        param($Result)
        $cases = ConvertFrom-CaseLine $Result.Output
        $Result | Add-Member -NotePropertyName Cases -NotePropertyValue $cases -Force
        $script:stats.Children++
        $script:stats.Cases += $cases.Count
        if ($Result.Crashed) { $script:stats.Crashes++ }
    }

    function Get-ChildSummary {
        param($Result)
        "exit code $($Result.ExitCode), timed out $($Result.TimedOut); stdout: $($Result.Output -join ' | '); stderr: $($Result.ErrorText)"
    }

    function Get-Report {
        # The 'REPORT key=value ...' lines of a child, as one hashtable of integers summed over lines.
        param($Result)
        $sum = @{}
        foreach ($line in $Result.Output) {
            if ($line -notlike 'REPORT *') { continue }
            foreach ($pair in ($line -split ' ' | Where-Object { $_ -like '*=*' })) {
                $key, $value = $pair -split '=', 2
                if ($value -match '^\d+$') { $sum[$key] = [long]$sum[$key] + [long]$value }
            }
        }
        return $sum
    }

    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }
}

AfterAll {
    Write-Host ("Hardening: {0} child processes, {1} hostile cases reported, {2} race iterations, {3} crashed or hung" -f
        $script:stats.Children, $script:stats.Cases, $script:stats.RaceIterations, $script:stats.Crashes)
}

Describe 'Hardening: hostile use of maps, each scenario in a child pwsh' -Tag CI {
    Context 'When a child is made to fault on purpose (control: the harness sees a crash)' {
        BeforeAll {
            $run = Invoke-HostileChild -Script @'
$map = New-MemoryMap -Size 4096 -Protection None
Out-Case control.before { 'alive' }
# A raw read of PROT_NONE memory, bypassing Mman's checks: this is the fault Mman exists to prevent.
$null = [Runtime.InteropServices.Marshal]::ReadByte($map.Address)
Out-Case control.after { 'alive' }
'@
            # The control crash is expected: do not count it as a crash of Mman.
            if ($run.Crashed) { $script:stats.Crashes-- }
        }

        It 'Should see the faulting child die of a signal (Windows: of an access violation or fail-fast status)' {
            $run.ExitCode | Should -BeIn $script:crashCodes -Because (Get-ChildSummary $run)
        }
        It 'Should flag it as crashed' {
            $run.Crashed | Should -BeTrue
        }
        It 'Should see the line written before the fault' {
            $run.Cases['control.before'] | Should -Be 'OK alive'
        }
        It 'Should miss the line after the fault' {
            $run.Cases.ContainsKey('control.after') | Should -BeFalse
        }
    }

    if ($IsWindows) {
        # Windows cannot shrink a mapped file, so there is nothing past the end to read: the control shows the
        # refusal instead, that the same byte still reads through Mman and raw, and that the cut works once
        # the map is closed.
        Context 'When another process cuts a file that a map holds (control: Windows refuses the cut)' {
            BeforeAll {
                $file = New-TestFile -Path "$TestDrive/control-truncated.bin" -Length 65536
                $run = Invoke-HostileChild -Script ($script:fileFunctions + ("`n`$file = {0}`n" -f (Quote $file)) + @'
$map = New-MemoryMap -Path $file
Out-Case control.cut { Set-FileLength $file 100 }
Out-Case control.mapped-read { (Read-MemoryMap $map -Offset 20000 -Count 1)[0] }
Out-Case control.raw-read { [Runtime.InteropServices.Marshal]::ReadByte($map.Address, 20000) }
Close-MemoryMap $map
Out-Case control.cut-unmapped { Set-FileLength $file 100 }
Out-Case control.after { 'alive' }
'@)
            }

            It 'Should refuse the cut while the file is mapped (1224 ERROR_USER_MAPPED_FILE)' {
                $run.Cases['control.cut'] | Should -Be 'OK 1224 65536' -Because (Get-ChildSummary $run)
            }
            It 'Should still read the byte past the attempted cut through Mman' {
                $run.Cases['control.mapped-read'] | Should -Be "OK $(Get-PatternByte 20000)"
            }
            It 'Should read it raw without a fault' {
                $run.Cases['control.raw-read'] | Should -Be "OK $(Get-PatternByte 20000)"
            }
            It 'Should cut the file once the map is closed' {
                $run.Cases['control.cut-unmapped'] | Should -Be 'OK 0 100'
            }
            It 'Should exit normally' {
                $run.ExitCode | Should -Be 0 -Because (Get-ChildSummary $run)
                $run.Cases['control.after'] | Should -Be 'OK alive'
            }
        }
    }
    else {
        Context 'When a child reads past the end of a truncated file map without Mman (control: truncation faults)' {
            BeforeAll {
                $file = New-TestFile -Path "$TestDrive/control-truncated.bin" -Length 65536
                $run = Invoke-HostileChild -Script (("`$file = {0}`n" -f (Quote $file)) + @'
$map = New-MemoryMap -Path $file
& truncate -s 100 $file
Out-Case control.mapped-read { (Read-MemoryMap $map -Offset 20000 -Count 1) }
# A raw read of a page past the new end of the file: SIGBUS, the fault Mman's length check and fault-safe copy prevent.
$null = [Runtime.InteropServices.Marshal]::ReadByte($map.Address, 20000)
Out-Case control.after { 'alive' }
'@)
                if ($run.Crashed) { $script:stats.Crashes-- }
            }

            It 'Should refuse the read through Mman first' {
                $run.Cases['control.mapped-read'] | Should -Be 'FileTruncated,Mman.Commands.ReadMemoryMapCommand'
            }
            It 'Should see the raw read kill the child with a signal' {
                $run.ExitCode | Should -BeIn @(134, 135, 139) -Because (Get-ChildSummary $run)
            }
            It 'Should miss the line after the fault' {
                $run.Cases.ContainsKey('control.after') | Should -BeFalse
            }
        }
    }

    Context 'When maps are read and written against their protection, and used after close' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/protection.bin" -Length 8192
            $deleted = New-TestFile -Path "$TestDrive/deleted.bin" -Length 4096
            $run = Invoke-HostileChild -Script (("`$file = {0}; `$deleted = {1}`n" -f (Quote $file), (Quote $deleted)) + @'
$pattern = [byte[]](1..64)
function Test-Intact($Map, [long] $Offset = 0) {
    $bytes = Read-MemoryMap $Map -Offset $Offset -Count 64
    if ([Linq.Enumerable]::SequenceEqual([byte[]]$bytes, $pattern)) { 'intact' } else { 'changed: ' + ($bytes -join ',') }
}

$none = New-MemoryMap -Size 4096 -Protection None
Out-Case none.read { Read-MemoryMap $none -Count 1 }
Out-Case none.read-all { Read-MemoryMap $none }
Out-Case none.read-string { Read-MemoryMap $none -AsString }
Out-Case none.read-last-byte { Read-MemoryMap $none -Offset 4095 -Count 1 }
Out-Case none.write { Write-MemoryMap $none -Data 1 }
Out-Case none.write-text { Write-MemoryMap $none -Text 'x' -Offset 4095 }
Out-Case none.api-read { $none.Read(0, 1) }
Out-Case none.api-read-buffer { $none.Read(0, [byte[]]::new(16), 0, 16) }
Out-Case none.api-write { $none.Write(0, [byte[]](1)) }
Out-Case none.sync { Sync-MemoryMap $none }
$noneShared = New-MemoryMap -Size 65536 -Protection None -Sharing Shared
Out-Case none-shared.read { Read-MemoryMap $noneShared -Offset 65535 -Count 1 }
Out-Case none-shared.write { Write-MemoryMap $noneShared -Data 1 -Offset 30000 }
$noneFile = New-MemoryMap -Path $file -Protection None
Out-Case none-file.read { Read-MemoryMap $noneFile -Count 100 }
Out-Case none-file.write { Write-MemoryMap $noneFile -Data 1 }
Out-Case none-file.sync { Sync-MemoryMap $noneFile }

$toNone = New-MemoryMap -Size 4096
Write-MemoryMap $toNone -Data $pattern
Set-MemoryMapProtection $toNone -Protection None
Out-Case to-none.read { Read-MemoryMap $toNone -Count 64 }
Out-Case to-none.write { Write-MemoryMap $toNone -Data 9 }
Out-Case to-none.api-read { $toNone.Read(0, 64) }
Set-MemoryMapProtection $toNone -Protection Read, Write
Out-Case to-none.back-intact { Test-Intact $toNone }

$anon = New-MemoryMap -Size 4096
Write-MemoryMap $anon -Data $pattern
Set-MemoryMapProtection $anon -Protection Read
Out-Case drop.anon.write { Write-MemoryMap $anon -Data 0 }
Out-Case drop.anon.write-last { Write-MemoryMap $anon -Data 0 -Offset 4095 }
Out-Case drop.anon.write-text { Write-MemoryMap $anon -Text 'zzz' }
Out-Case drop.anon.api-write { $anon.Write(0, [byte[]](0)) }
Out-Case drop.anon.read { Test-Intact $anon }

$shared = New-MemoryMap -Path $file -Protection Read, Write
Write-MemoryMap $shared -Data $pattern -Offset 100
Sync-MemoryMap $shared
Set-MemoryMapProtection $shared -Protection Read
Out-Case drop.file-shared.write { Write-MemoryMap $shared -Data 0 -Offset 100 }
Out-Case drop.file-shared.api-write { $shared.Write(100, [byte[]](0, 0)) }
Out-Case drop.file-shared.file-intact {
    $stream = [IO.File]::Open($file, 'Open', 'Read', 'ReadWrite')
    try { $bytes = [byte[]]::new(64); $null = $stream.Seek(100, 'Begin'); $null = $stream.Read($bytes, 0, 64) } finally { $stream.Dispose() }
    if ([Linq.Enumerable]::SequenceEqual($bytes, $pattern)) { 'intact' } else { 'changed' }
}
Out-Case drop.file-shared.back-to-write {
    Set-MemoryMapProtection $shared -Protection Read, Write
    Write-MemoryMap $shared -Data 99 -Offset 8191
    (Read-MemoryMap $shared -Offset 8191 -Count 1)[0]
}

$private = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
Write-MemoryMap $private -Data $pattern -Offset 5000
Set-MemoryMapProtection $private -Protection Read
Out-Case drop.file-private.write { Write-MemoryMap $private -Data 0 -Offset 5000 }
Out-Case drop.file-private.read { Test-Intact $private -Offset 5000 }

$exec = New-MemoryMap -Size 4096
Write-MemoryMap $exec -Data $pattern
Set-MemoryMapProtection $exec -Protection Read, Execute
Out-Case drop.exec.write { Write-MemoryMap $exec -Data 0 }
Out-Case drop.exec.read { Test-Intact $exec }

$readOnly = New-MemoryMap -Size 4096 -Protection Read
Out-Case read-only.write { Write-MemoryMap $readOnly -Data 1 }
$writeOnly = New-MemoryMap -Size 4096 -Protection Write
Out-Case write-only.read { Read-MemoryMap $writeOnly -Count 1 }
Out-Case write-only.write { Write-MemoryMap $writeOnly -Data 1 }
$execOnly = New-MemoryMap -Size 4096 -Protection Execute
Out-Case exec-only.read { Read-MemoryMap $execOnly -Count 1 }
Out-Case exec-only.write { Write-MemoryMap $execOnly -Data 1 }

$fileReadOnly = New-MemoryMap -Path $file
Out-Case file-read-only.write { Write-MemoryMap $fileReadOnly -Data 1 }
Out-Case file-read-only.to-read-write { Set-MemoryMapProtection $fileReadOnly -Protection Read, Write }
Out-Case file-read-only.to-write { Set-MemoryMapProtection $fileReadOnly -Protection Write }
Out-Case file-read-only.to-rwx-allowed { Set-MemoryMapProtection $fileReadOnly -Protection Read, Write, Execute -AllowWriteExecute }
Out-Case file-read-only.still-read { "$($fileReadOnly.Protection)" }
Out-Case file-read-only.intact { Test-Intact $fileReadOnly -Offset 100 }

Out-Case wx.new { New-MemoryMap -Size 4096 -Protection Write, Execute }
Out-Case rwx.new { New-MemoryMap -Size 4096 -Protection Read, Write, Execute }
Out-Case wx.new-file { New-MemoryMap -Path $file -Protection Read, Write, Execute }
$wx = New-MemoryMap -Size 4096
Out-Case wx.set { Set-MemoryMapProtection $wx -Protection Read, Write, Execute }
Out-Case wx.set-kept { "$($wx.Protection)" }
Out-Case rwx.allowed {
    $map = New-MemoryMap -Size 4096 -Protection Read, Write, Execute -AllowWriteExecute
    Write-MemoryMap $map -Data 7
    (Read-MemoryMap $map -Count 1)[0]
    Close-MemoryMap $map
}

Out-Case api.offset-negative { $wx.Read(-1, 1) }
Out-Case api.count-negative { $wx.Read(0, -1) }
Out-Case api.count-overflow { $wx.Read(1, [long]::MaxValue) }
Out-Case api.buffer-small { $wx.Read(0, [byte[]]::new(4), 2, 4) }
Out-Case api.buffer-null { $wx.Read(0, $null, 0, 1) }
Out-Case api.write-null { $wx.Write(0, $null, 0, 1) }
Out-Case api.write-index-past { $wx.Write(0, [byte[]]::new(4), 5, 0) }
Out-Case api.protection-invalid { $wx.SetProtection([Enum]::ToObject([Mman.MemoryProtection], 8), $false) }
Out-Case api.sharing-invalid { [Mman.MemoryMap]::CreateAnonymous(4096, 'Read', [Enum]::ToObject([Mman.MapSharing], 7), $false) }

# Read-only: a 3 GiB private writable map would be charged in full under strict overcommit (vm.overcommit_memory=2).
$huge = New-MemoryMap -Size 3GB -Protection Read
Out-Case huge.read-default { Read-MemoryMap $huge }
Out-Case huge.api-read { $huge.Read(0, 3GB) }
Out-Case huge.read-end { (Read-MemoryMap $huge -Offset (3GB - 16) -Count 16).Length }
Out-Case huge.write-past { Write-MemoryMap $huge -Data 1, 2 -Offset (3GB - 1) }
Close-MemoryMap $huge

$gone = New-MemoryMap -Path $deleted -Protection Read, Write
Write-MemoryMap $gone -Data $pattern
Remove-Item -LiteralPath $deleted
Out-Case deleted-file.read { Test-Intact $gone }

$maps = @{
    anon    = New-MemoryMap -Size 4096
    file    = New-MemoryMap -Path $file -Protection Read, Write
    private = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
}
foreach ($kind in 'anon', 'file', 'private') {
    $map = $maps[$kind]
    $id = $map.Id
    Close-MemoryMap $map
    Out-Case "closed-$kind.read" { Read-MemoryMap $map -Count 1 }
    Out-Case "closed-$kind.read-string" { Read-MemoryMap $map -AsString }
    Out-Case "closed-$kind.write" { Write-MemoryMap $map -Data 1 }
    Out-Case "closed-$kind.write-text" { Write-MemoryMap $map -Text 'x' }
    Out-Case "closed-$kind.sync" { Sync-MemoryMap $map }
    Out-Case "closed-$kind.protect" { Set-MemoryMapProtection $map -Protection Read }
    Out-Case "closed-$kind.api-read" { $map.Read(0, 1) }
    Out-Case "closed-$kind.api-write" { $map.Write(0, [byte[]](1)) }
    Out-Case "closed-$kind.api-sync" { $map.Sync() }
    Out-Case "closed-$kind.api-protect" { $map.SetProtection('Read') }
    Out-Case "closed-$kind.close-again" { Close-MemoryMap $map }
    Out-Case "closed-$kind.close-by-id" { Close-MemoryMap -Id $id }
    Out-Case "closed-$kind.get-by-id" { Get-MemoryMap -Id $id }
    Out-Case "closed-$kind.address" { [long]$map.Address; $map.IsValid }
}
$byId = New-MemoryMap -Size 4096
Close-MemoryMap -Id $byId.Id
Out-Case closed-by-id.read { Read-MemoryMap $byId }
Out-Case closed.wx-checked-first { Set-MemoryMapProtection $byId -Protection Write, Execute }
Out-Case closed.pipeline { New-MemoryMap -Size 16 | Tee-Object -Variable piped | Close-MemoryMap; $piped | Read-MemoryMap }
'@)
        }

        It 'Should exit normally' {
            $run.ExitCode | Should -Be 0 -Because (Get-ChildSummary $run)
        }
        It 'Should give <Expected> for <Name>' -ForEach $protectionCases {
            $run.Cases[$Name] | Should -BeIn @($Expected)
        }
    }

    Context 'When another process truncates a file under shared and private maps' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/truncated.bin" -Length 65536
            if ($IsWindows) {
                $run = Invoke-HostileChild -Script ($script:fileFunctions + ("`n`$file = {0}`n" -f (Quote $file)) + @'
$expected = Read-File $file
function Test-Equal([byte[]] $Bytes, [long] $Offset) {
    if ([Linq.Enumerable]::SequenceEqual($Bytes, [byte[]]$expected[$Offset..($Offset + $Bytes.Length - 1)])) { 'equal' } else { 'different' }
}
function Test-Zero([byte[]] $Bytes) { if (@($Bytes | Where-Object { $_ -ne 0 }).Count -eq 0) { 'zeros' } else { 'not zeros' } }

$shared = New-MemoryMap -Path $file -Protection Read, Write
$private = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
$readOnly = New-MemoryMap -Path $file
$tail = New-MemoryMap -Path $file -Offset 40000 -Size 20000 -Protection Read, Write

Out-Case before.read-all { Test-Equal (Read-MemoryMap $shared) 0 }
Out-Case before.private-cow-past-cut { Write-MemoryMap $private -Data 0xEE -Offset 30000 }
# Another process tries to cut the file to 10000 bytes: Windows refuses while a map of it is open.
Out-Case cut.by-other-process { Set-FileLength $file 10000 }

# So every map still reads the whole file, past the cut that did not happen.
Out-Case after.read-all { Test-Equal (Read-MemoryMap $shared) 0 }
Out-Case after.read-past-cut { Test-Equal (Read-MemoryMap $shared -Offset 9990 -Count 3000) 9990 }
Out-Case after.read-last-byte { Test-Equal (Read-MemoryMap $shared -Offset 65535 -Count 1) 65535 }
Out-Case after.api-read { Test-Equal ($shared.Read(20000, 100)) 20000 }
Out-Case after.read-only-map { Test-Equal (Read-MemoryMap $readOnly -Offset 30000 -Count 100) 30000 }
Out-Case after.private-read-head { Test-Equal (Read-MemoryMap $private -Offset 100 -Count 9800) 100 }
Out-Case after.private-read-cow-page { (Read-MemoryMap $private -Offset 30000 -Count 1)[0] }
Out-Case after.tail-read { Test-Equal (Read-MemoryMap $tail) 40000 }
# And writes past it reach the file (read through another handle); a private write stays in its map.
Out-Case after.write-far { Write-MemoryMap $shared -Data 6 -Offset 60000; Sync-MemoryMap $shared -Offset 60000 -Count 1; (Read-File $file 60000 1)[0] }
Out-Case after.api-write { $null = $shared.Write(40000, [byte[]](8)); $shared.Sync(); (Read-File $file 40000 1)[0] }
Out-Case after.tail-write { Write-MemoryMap $tail -Data 9 -Offset 19999; Sync-MemoryMap $tail; (Read-File $file 59999 1)[0] }
Out-Case after.private-write-past {
    Write-MemoryMap $private -Data 1 -Offset 50000
    (Read-MemoryMap $private -Offset 50000 -Count 1)[0]
    if ((Read-File $file 50000 1)[0] -eq $expected[50000]) { 'file-kept' } else { 'file-changed' }
}
$expected[60000] = 6; $expected[40000] = 8; $expected[59999] = 9
Out-Case after.sync-all { Sync-MemoryMap $shared }
Out-Case after.protect { Set-MemoryMapProtection $shared -Protection Read; Set-MemoryMapProtection $shared -Protection Read, Write }
Out-Case after.file-whole { $bytes = Read-File $file; $bytes.Length; Test-Equal $bytes 0 }

# Growing a mapped file is allowed; the maps keep their size.
Out-Case grow.by-other-process { Set-FileLength $file 70000 }
Out-Case grow.read-all { Test-Equal (Read-MemoryMap $shared) 0 }
Out-Case grow.file-zeros { Test-Zero (Read-File $file 65536) }

Out-Case empty.by-other-process { Set-FileLength $file 0 }
Out-Case empty.read-first { Test-Equal (Read-MemoryMap $shared -Count 1) 0 }
Out-Case empty.private-read { Test-Equal (Read-MemoryMap $private -Count 1) 0 }
Out-Case empty.close-all { Close-MemoryMap $shared, $private, $readOnly, $tail }

# With the maps closed, the same cuts succeed.
Out-Case closed.cut-by-other-process { Set-FileLength $file 10000 }
Out-Case closed.file-head { Test-Equal (Read-File $file) 0 }
Out-Case closed.empty-by-other-process { Set-FileLength $file 0 }
Out-Case empty.new-map { New-MemoryMap -Path $file }
'@)
            }
            else {
                $run = Invoke-HostileChild -Script (("`$file = {0}`n" -f (Quote $file)) + @'
$expected = [IO.File]::ReadAllBytes($file)
function Test-Equal([byte[]] $Bytes, [long] $Offset) {
    if ([Linq.Enumerable]::SequenceEqual($Bytes, [byte[]]$expected[$Offset..($Offset + $Bytes.Length - 1)])) { 'equal' } else { 'different' }
}
function Test-Zero([byte[]] $Bytes) { if (@($Bytes | Where-Object { $_ -ne 0 }).Count -eq 0) { 'zeros' } else { 'not zeros' } }
function Set-Length([long] $Length) {
    # Another process cuts the file: coreutils truncate(1).
    & truncate -s $Length $file
    $LASTEXITCODE
    [IO.FileInfo]::new($file).Length
}

$shared = New-MemoryMap -Path $file -Protection Read, Write
$private = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
$readOnly = New-MemoryMap -Path $file
$tail = New-MemoryMap -Path $file -Offset 40000 -Size 20000 -Protection Read, Write

Out-Case before.read-all { Test-Equal (Read-MemoryMap $shared) 0 }
Out-Case before.private-cow-past-cut { Write-MemoryMap $private -Data 0xEE -Offset 30000 }
Out-Case cut.by-other-process { Set-Length 10000 }

Out-Case after.read-head { Test-Equal (Read-MemoryMap $shared -Count 10000) 0 }
Out-Case after.read-last-kept-byte { (Read-MemoryMap $shared -Offset 9999 -Count 1).Length }
Out-Case after.read-straddle { Read-MemoryMap $shared -Offset 9990 -Count 20 }
Out-Case after.read-same-page { Read-MemoryMap $shared -Offset 10000 -Count 1 }
Out-Case after.read-next-page { Read-MemoryMap $shared -Offset 12288 -Count 1 }
Out-Case after.read-last-byte { Read-MemoryMap $shared -Offset 65535 -Count 1 }
Out-Case after.read-all { Read-MemoryMap $shared }
Out-Case after.read-string { Read-MemoryMap $shared -AsString -Offset 20000 -Count 10 }
Out-Case after.read-zero-count-past { Read-MemoryMap $shared -Offset 50000 -Count 0 }
Out-Case after.api-read { $shared.Read(20000, 1) }
Out-Case after.api-read-buffer { $shared.Read(9000, [byte[]]::new(2000), 0, 2000) }
Out-Case after.write-head { Write-MemoryMap $shared -Data 1, 2, 3 }
Out-Case after.write-last-kept-byte { Write-MemoryMap $shared -Data 4 -Offset 9999 }
Out-Case after.write-same-page { Write-MemoryMap $shared -Data 5 -Offset 10001 }
Out-Case after.write-far { Write-MemoryMap $shared -Data 6 -Offset 60000 }
Out-Case after.write-straddle { Write-MemoryMap $shared -Data 7, 7, 7, 7 -Offset 9998 }
Out-Case after.api-write { $shared.Write(40000, [byte[]](8)) }
Out-Case after.sync-head { Sync-MemoryMap $shared -Count 10000 }
Out-Case after.sync-all { Sync-MemoryMap $shared }
Out-Case after.protect { Set-MemoryMapProtection $shared -Protection Read; Set-MemoryMapProtection $shared -Protection Read, Write }
Out-Case after.read-only-map { Read-MemoryMap $readOnly -Offset 30000 -Count 100 }
# Byte 9999 was just written through the shared map, and the private map still shares that page with the file.
Out-Case after.private-read-head { Test-Equal (Read-MemoryMap $private -Offset 100 -Count 9800) 100 }
Out-Case after.private-read-cow-page { Read-MemoryMap $private -Offset 30000 -Count 1 }
Out-Case after.private-write-past { Write-MemoryMap $private -Data 1 -Offset 50000 }
Out-Case after.tail-read { Read-MemoryMap $tail -Count 1 }
Out-Case after.tail-write { Write-MemoryMap $tail -Data 1 -Offset 19999 }
Out-Case after.file-kept-head-write {
    Write-MemoryMap $shared -Data 77 -Offset 5000
    Sync-MemoryMap $shared -Offset 5000 -Count 1
    [IO.File]::ReadAllBytes($file)[5000]
}

Out-Case regrow.by-other-process { Set-Length 65536 }
$expected[0] = 1; $expected[1] = 2; $expected[2] = 3; $expected[9999] = 4; $expected[5000] = 77
Out-Case regrow.read-head { Test-Equal (Read-MemoryMap $shared -Count 10000) 0 }
Out-Case regrow.read-lost-zero { Test-Zero (Read-MemoryMap $shared -Offset 10000) }
Out-Case regrow.tail-read-zero { Test-Zero (Read-MemoryMap $tail) }
Out-Case regrow.write-far { Write-MemoryMap $shared -Data 66 -Offset 65535; Sync-MemoryMap $shared; [IO.File]::ReadAllBytes($file)[65535] }

Out-Case empty.by-other-process { Set-Length 0 }
Out-Case empty.read-first { Read-MemoryMap $shared -Count 1 }
Out-Case empty.write-first { Write-MemoryMap $shared -Data 1 }
Out-Case empty.private-read { Read-MemoryMap $private -Count 1 }
Out-Case empty.read-zero-count { Read-MemoryMap $shared -Count 0 }
Out-Case empty.sync-zero-count { Sync-MemoryMap $shared -Count 0 }
Out-Case empty.new-map { New-MemoryMap -Path $file }
Out-Case empty.close-all { Close-MemoryMap $shared, $private, $readOnly, $tail }
'@)
            }
        }

        It 'Should exit normally' {
            $run.ExitCode | Should -Be 0 -Because (Get-ChildSummary $run)
        }
        It 'Should give <Expected> for <Name>' -ForEach $truncationCases {
            $run.Cases[$Name] | Should -Be $Expected
        }
    }

    Context 'When maps are closed under four parallel readers, many times' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/close-race.bin" -Length 1MB
            $iterations = 800
            $run = Invoke-HostileChild -TimeoutSeconds $script:raceTimeout -Script (("`$file = {0}; `$modulePath = {1}; `$iterations = {2}`n" -f (Quote $file), (Quote $script:modulePath), $iterations) + @'
$expected = [IO.File]::ReadAllBytes($file)
$state = [hashtable]::Synchronized(@{ Map = $null; Stop = $false })
$report = [Collections.Concurrent.ConcurrentQueue[string]]::new()
0..4 | ForEach-Object -ThrottleLimit 5 -Parallel {
    $state = $using:state; $report = $using:report; $expected = $using:expected
    Import-Module $using:modulePath
    $ErrorActionPreference = 'Stop'
    if ($_ -eq 0) {
        $random = [Random]::new()
        $done = 0
        try {
            for ($i = 0; $i -lt $using:iterations; $i++) {
                $map = switch ($i % 3) {
                    0 { New-MemoryMap -Size $expected.Length | Write-MemoryMap -Data $expected -PassThru }
                    1 { New-MemoryMap -Path $using:file }
                    2 { New-MemoryMap -Path $using:file -Protection Read, Write -Sharing Private }
                }
                $state.Map = $map
                [Threading.Thread]::SpinWait($random.Next(0, 300000))
                Close-MemoryMap $map
                $done++
            }
        }
        catch { $report.Enqueue("closer failed at $done`: $_") }
        finally { $state.Stop = $true }
        $report.Enqueue("REPORT closes=$done")
        return
    }
    $ok = 0; $closed = 0; $wrong = 0; $other = [Collections.Generic.List[string]]::new()
    while (-not $state.Stop) {
        $map = $state.Map
        if ($null -eq $map) { continue }
        try {
            $bytes = if ($_ % 2) { Read-MemoryMap $map } else { $map.Read(0, $map.Size) }
            if ([Linq.Enumerable]::SequenceEqual([byte[]]$bytes, $expected)) { $ok++ } else { $wrong++ }
        }
        catch {
            $e = $_.Exception
            $id = if ($e -is [Management.Automation.MethodInvocationException]) { $e.InnerException.GetType().Name } else { $_.FullyQualifiedErrorId }
            if ($id -in 'MapClosed,Mman.Commands.ReadMemoryMapCommand', 'ObjectDisposedException') { $closed++ } else { $other.Add($id) }
        }
    }
    $report.Enqueue("REPORT reads=$ok refusedclosed=$closed wrong=$wrong")
    foreach ($id in $other) { $report.Enqueue("OTHER $id") }
}
foreach ($line in $report) { [Console]::Out.WriteLine($line) }
Out-Case close-race.finished { 'yes' }
'@)
            $counts = Get-Report $run
            $script:stats.RaceIterations += [long]$counts['closes']
            Write-Host "Close race: $($counts['closes']) maps closed under 4 readers; reads $($counts['reads']) succeeded, $($counts['refusedclosed']) refused MapClosed, $($counts['wrong']) wrong" 
        }

        It 'Should exit normally' {
            $run.ExitCode | Should -Be 0 -Because (Get-ChildSummary $run)
        }
        It 'Should finish the race' {
            $run.Cases['close-race.finished'] | Should -Be 'OK yes'
        }
        It 'Should close a map under the readers every iteration' {
            $counts['closes'] | Should -Be $iterations -Because (Get-ChildSummary $run)
        }
        It 'Should read the right bytes whenever a read succeeds' {
            $counts['wrong'] | Should -Be 0
        }
        It 'Should see successful reads' {
            $counts['reads'] | Should -BeGreaterThan 0
        }
        It 'Should see reads refused because the map was closed (the race happened)' {
            $counts['refusedclosed'] | Should -BeGreaterThan 0
        }
        It 'Should refuse only with MapClosed' {
            @($run.Output | Where-Object { $_ -like 'OTHER *' }) | Should -BeNullOrEmpty
        }
    }

    Context 'When protection flips under parallel readers and writers' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/flip.bin" -Length 256KB
            $flips = 3000
            $run = Invoke-HostileChild -TimeoutSeconds $script:raceTimeout -Script ($script:fileFunctions + ("`n`$file = {0}; `$modulePath = {1}; `$flips = {2}`n" -f (Quote $file), (Quote $script:modulePath), $flips) + @'
$expected = [IO.File]::ReadAllBytes($file)
$anon = New-MemoryMap -Size $expected.Length
Write-MemoryMap $anon -Data $expected
$maps = @($anon, (New-MemoryMap -Path $file -Protection Read, Write), (New-MemoryMap -Path $file -Protection Read, Write -Sharing Private))
$state = [hashtable]::Synchronized(@{ Stop = $false })
$report = [Collections.Concurrent.ConcurrentQueue[string]]::new()
0..4 | ForEach-Object -ThrottleLimit 5 -Parallel {
    $state = $using:state; $report = $using:report; $expected = $using:expected; $maps = $using:maps
    Import-Module $using:modulePath
    $ErrorActionPreference = 'Stop'
    $random = [Random]::new()
    if ($_ -eq 0) {
        $protections = 'None', 'Read', 'Read, Write', 'Write', 'Execute', 'Read, Execute', 'Read, Write'
        $done = 0
        try {
            for ($i = 0; $i -lt $using:flips; $i++) {
                Set-MemoryMapProtection $maps[$i % 3] -Protection $protections[$random.Next(0, $protections.Count)]
                [Threading.Thread]::SpinWait($random.Next(0, 20000))
                $done++
            }
        }
        catch { $report.Enqueue("OTHER flipper failed at $done`: $_") }
        finally { $state.Stop = $true }
        $report.Enqueue("REPORT flips=$done")
        return
    }
    $ok = 0; $refused = 0; $wrong = 0; $writes = 0; $other = [Collections.Generic.List[string]]::new()
    $allowed = 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand', 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand',
        'MemoryMapAccessException:MapNotReadable', 'MemoryMapAccessException:MapNotWritable'
    while (-not $state.Stop) {
        $map = $maps[$random.Next(0, 3)]
        $offset = $random.Next(0, $expected.Length - 4096)
        $count = $random.Next(1, 4096)
        $slice = [ArraySegment[byte]]::new($expected, $offset, $count).ToArray()
        try {
            # Writers write the bytes already there, so every successful read can be checked.
            if ($_ -eq 1) { $bytes = Read-MemoryMap $map -Offset $offset -Count $count }
            elseif ($_ -eq 2) { $bytes = $map.Read($offset, $count) }
            elseif ($_ -eq 3) { Write-MemoryMap $map -Data $slice -Offset $offset }
            else { $null = $map.Write($offset, $expected, $offset, $count) }
            if ($_ -ge 3) { $writes++ }
            elseif ([Linq.Enumerable]::SequenceEqual([byte[]]$bytes, $slice)) { $ok++ }
            else { $wrong++ }
        }
        catch {
            $e = $_.Exception
            $id = if ($e -is [Management.Automation.MethodInvocationException]) { $i = $e.InnerException; $i.GetType().Name + ':' + $i.Error } else { $_.FullyQualifiedErrorId }
            if ($id -in $allowed) { $refused++ } else { $other.Add($id) }
        }
    }
    $report.Enqueue("REPORT reads=$ok writes=$writes refused=$refused wrong=$wrong")
    foreach ($id in $other) { $report.Enqueue("OTHER $id") }
}
foreach ($line in $report) { [Console]::Out.WriteLine($line) }
foreach ($map in $maps) { Set-MemoryMapProtection $map -Protection Read }
Out-Case flip.anon-intact { if ([Linq.Enumerable]::SequenceEqual([byte[]](Read-MemoryMap $maps[0]), $expected)) { 'intact' } else { 'changed' } }
Out-Case flip.file-intact { if ([Linq.Enumerable]::SequenceEqual((Read-File $file), $expected)) { 'intact' } else { 'changed' } }
'@)
            $counts = Get-Report $run
            $script:stats.RaceIterations += [long]$counts['flips']
            Write-Host "Protection flips: $($counts['flips']) flips under 2 readers and 2 writers; $($counts['reads']) reads and $($counts['writes']) writes succeeded, $($counts['refused']) refused by the protection of the moment, $($counts['wrong']) wrong" 
        }

        It 'Should exit normally' {
            $run.ExitCode | Should -Be 0 -Because (Get-ChildSummary $run)
        }
        It 'Should make every protection change' {
            $counts['flips'] | Should -Be $flips -Because (Get-ChildSummary $run)
        }
        It 'Should read the right bytes whenever a read succeeds' {
            $counts['wrong'] | Should -Be 0
        }
        It 'Should see reads and writes succeed' {
            $counts['reads'] | Should -BeGreaterThan 0
            $counts['writes'] | Should -BeGreaterThan 0
        }
        It 'Should see accesses refused by the protection of the moment' {
            $counts['refused'] | Should -BeGreaterThan 0
        }
        It 'Should refuse only with MapNotReadable or MapNotWritable' {
            @($run.Output | Where-Object { $_ -like 'OTHER *' }) | Should -BeNullOrEmpty
        }
        It 'Should leave the anonymous map intact' {
            $run.Cases['flip.anon-intact'] | Should -Be 'OK intact'
        }
        It 'Should leave the file intact' {
            $run.Cases['flip.file-intact'] | Should -Be 'OK intact'
        }
    }

    Context 'When another process truncates and regrows the file while threads read, write and sync' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/truncation-race.bin" -Length 1MB
            $stop = Join-Path $TestDrive 'truncation-race.stop'
            $reader = Start-ChildPwsh -Script ($script:prelude + "`n" + ("`$file = {0}; `$modulePath = {1}; `$stopFile = {2}`n" -f (Quote $file), (Quote $script:modulePath), (Quote $stop)) + @'
$expected = [IO.File]::ReadAllBytes($file)
$maps = @((New-MemoryMap -Path $file -Protection Read, Write), (New-MemoryMap -Path $file -Protection Read, Write -Sharing Private),
    (New-MemoryMap -Path $file -Offset 5000 -Size 900000 -Protection Read, Write))
$report = [Collections.Concurrent.ConcurrentQueue[string]]::new()
[Console]::Out.WriteLine('mapped')
0..3 | ForEach-Object -ThrottleLimit 4 -Parallel {
    $report = $using:report; $expected = $using:expected; $maps = $using:maps
    Import-Module $using:modulePath
    $ErrorActionPreference = 'Stop'
    $random = [Random]::new()
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    $ok = 0; $truncated = 0; $wrong = 0; $other = [Collections.Generic.List[string]]::new()
    $allowed = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand', 'FileTruncated,Mman.Commands.WriteMemoryMapCommand',
        'FileTruncated,Mman.Commands.SyncMemoryMapCommand', 'MemoryMapException:FileTruncated'
    while (-not [IO.File]::Exists($using:stopFile) -and [DateTime]::UtcNow -lt $deadline) {
        $index = $random.Next(0, 3)
        $map = $maps[$index]
        $base = if ($index -eq 2) { 5000 } else { 0 }
        $count = $random.Next(1, 262144)
        $offset = $random.Next(0, [int]($map.Size - $count))
        try {
            # Writes put back the bytes the file had, so a read sees the pattern or the zeros of a regrown file.
            if ($_ -eq 0) { $bytes = Read-MemoryMap $map -Offset $offset -Count $count }
            elseif ($_ -eq 1) { $bytes = $map.Read($offset, $count) }
            elseif ($_ -eq 2) {
                $null = $map.Write($offset, $expected, $base + $offset, $count)
                if ($random.Next(0, 8) -eq 0) { Sync-MemoryMap $map -Offset $offset -Count $count }
            }
            else { Write-MemoryMap $map -Data ([ArraySegment[byte]]::new($expected, $base + $offset, 64).ToArray()) -Offset $offset }
            $ok++
            if ($_ -le 1) {
                foreach ($probe in 0, ($count - 1), $random.Next(0, $count), $random.Next(0, $count)) {
                    if ($bytes[$probe] -ne 0 -and $bytes[$probe] -ne $expected[$base + $offset + $probe]) { $wrong++ }
                }
            }
        }
        catch {
            $e = $_.Exception
            $id = if ($e -is [Management.Automation.MethodInvocationException]) { $i = $e.InnerException; $i.GetType().Name + ':' + $i.Error } else { $_.FullyQualifiedErrorId }
            if ($id -in $allowed) { $truncated++ } else { $other.Add($id) }
        }
    }
    $report.Enqueue("REPORT accesses=$ok truncated=$truncated wrong=$wrong")
    foreach ($id in $other) { $report.Enqueue("OTHER $id") }
}
foreach ($line in $report) { [Console]::Out.WriteLine($line) }
Out-Case truncation-race.close { Close-MemoryMap $maps }
'@)
            $truncator = $null
            try {
                $null = Wait-ChildLine -Process $reader -Line 'mapped' -TimeoutSeconds 60
                # A second process, without Mman, cuts and regrows the file as fast as it can for 4 seconds.
                $truncator = Start-ChildPwsh -NoModule -Script (("`$file = {0}`n" -f (Quote $file)) + @'
$stream = [IO.FileStream]::new($file, 'Open', 'ReadWrite', 'ReadWrite')
$random = [Random]::new()
$watch = [Diagnostics.Stopwatch]::StartNew()
$cuts = 0; $refused = 0
while ($watch.Elapsed.TotalSeconds -lt 4) {
    try {
        $stream.SetLength($random.Next(0, 1MB))
        $cuts++
    }
    catch {
        # Windows refuses to shrink a file while a map of it is open: 1224 ERROR_USER_MAPPED_FILE.
        $e = $_.Exception.GetBaseException()
        if (-not ($e -is [IO.IOException] -and ($e.HResult -band 0xFFFF) -eq 1224)) { throw }
        $refused++
    }
    [Threading.Thread]::SpinWait($random.Next(0, 50000))
    $stream.SetLength(1MB)
    [Threading.Thread]::SpinWait($random.Next(0, 50000))
}
$stream.Dispose()
[Console]::Out.WriteLine("REPORT cuts=$cuts refused=$refused")
'@)
                $truncatorRun = Wait-ChildPwsh -Process $truncator -TimeoutSeconds 60
                Add-ChildResult $truncatorRun
            }
            finally {
                $null = New-Item -ItemType File -Path $stop -Force
            }
            $readerRun = Wait-ChildPwsh -Process $reader -TimeoutSeconds 90
            Add-ChildResult $readerRun
            $counts = Get-Report $readerRun
            $cuts = (Get-Report $truncatorRun)['cuts']
            $refusedCuts = (Get-Report $truncatorRun)['refused']
            $script:stats.RaceIterations += [long]$cuts + [long]$refusedCuts
            Write-Host "Truncation race: $cuts cuts by another process ($refusedCuts refused); $($counts['accesses']) accesses succeeded, $($counts['truncated']) refused FileTruncated, $($counts['wrong']) wrong" 
        }

        It 'Should let the truncating process run normally' {
            $truncatorRun.ExitCode | Should -Be 0 -Because (Get-ChildSummary $truncatorRun)
        }
        if ($IsWindows) {
            # Windows keeps a mapped file whole: every cut is refused, so no access can meet a truncated file.
            It 'Should have every cut refused while the maps are open (Windows: ERROR_USER_MAPPED_FILE)' {
                $refusedCuts | Should -BeGreaterThan 100 -Because (Get-ChildSummary $truncatorRun)
                $cuts | Should -Be 0
            }
            It 'Should keep the file whole' {
                [IO.FileInfo]::new($file).Length | Should -Be 1MB
            }
        }
        else {
            It 'Should cut the file many times' {
                $cuts | Should -BeGreaterThan 100
            }
        }
        It 'Should keep the mapping process alive (exit code 0, no SIGBUS)' {
            $readerRun.ExitCode | Should -Be 0 -Because (Get-ChildSummary $readerRun)
        }
        It 'Should close the maps at the end' {
            $readerRun.Cases['truncation-race.close'] | Should -Be 'OK'
        }
        It 'Should see accesses succeed' {
            $counts['accesses'] | Should -BeGreaterThan 0
        }
        if ($IsWindows) {
            It 'Should refuse no access (the file never shrank)' {
                $counts['truncated'] | Should -Be 0
            }
        }
        else {
            It 'Should see accesses refused with FileTruncated (the race happened)' {
                $counts['truncated'] | Should -BeGreaterThan 0
            }
        }
        It 'Should read only the pattern or the zeros of a regrown file' {
            $counts['wrong'] | Should -Be 0
        }
        It 'Should refuse only with FileTruncated' {
            @($readerRun.Output | Where-Object { $_ -like 'OTHER *' }) | Should -BeNullOrEmpty
        }
    }

    if ($IsWindows) {
        # Windows has no FIFO: its special files are named pipes and devices. A pipe that this host serves and
        # the NUL device must be refused like a FIFO, not mapped, and without waiting for a client or writer.
        Context 'When the path is a named pipe or the NUL device' {
            BeforeAll {
                $pipeName = 'mman-hardening-' + [guid]::NewGuid().ToString('N')
                $server = [IO.Pipes.NamedPipeServerStream]::new($pipeName, 'InOut', 1, 'Byte', 'Asynchronous')
                try {
                    $null = $server.WaitForConnectionAsync()
                    $run = Invoke-HostileChild -TimeoutSeconds 30 -Script (("`$pipe = {0}`n" -f (Quote "\\.\pipe\$pipeName")) + @'
Out-Case pipe.path { New-MemoryMap -Path $pipe }
Out-Case nul.path { New-MemoryMap -Path NUL }
Out-Case nul.device-path { New-MemoryMap -Path '\\.\NUL' }
'@)
                }
                finally {
                    $server.Dispose()
                }
            }

            It 'Should return instead of hanging the host' {
                $run.TimedOut | Should -BeFalse -Because 'New-MemoryMap on a pipe must fail fast, not wait for a client'
            }
            It 'Should exit normally' {
                $run.ExitCode | Should -Be 0 -Because (Get-ChildSummary $run)
            }
            It 'Should refuse the named pipe as not a regular file' {
                $run.Cases['pipe.path'] | Should -Be 'NotARegularFile,Mman.Commands.NewMemoryMapCommand'
            }
            It 'Should refuse NUL as not a regular file' {
                $run.Cases['nul.path'] | Should -Be 'NotARegularFile,Mman.Commands.NewMemoryMapCommand'
            }
            It 'Should refuse \\.\NUL as not a regular file' {
                $run.Cases['nul.device-path'] | Should -Be 'NotARegularFile,Mman.Commands.NewMemoryMapCommand'
            }
        }
    }
    else {
        Context 'When the path is a FIFO (opening it blocks until a writer comes)' {
            BeforeAll {
                $fifo = Join-Path $TestDrive 'fifo'
                & mkfifo $fifo
                $run = Invoke-HostileChild -TimeoutSeconds 10 -Script (("`$fifo = {0}`n" -f (Quote $fifo)) + @'
Out-Case fifo.path { New-MemoryMap -Path $fifo }
'@)
            }

            It 'Should return instead of hanging the host' {
                $run.TimedOut | Should -BeFalse -Because 'New-MemoryMap on a FIFO must fail fast, not wait forever in open(2)'
            }
            It 'Should exit normally' {
                $run.ExitCode | Should -Be 0 -Because (Get-ChildSummary $run)
            }
            It 'Should refuse it as not a regular file' {
                $run.Cases['fifo.path'] | Should -Be 'NotARegularFile,Mman.Commands.NewMemoryMapCommand'
            }
        }
    }
}
