# Durability across SIGKILL: a child pwsh writes a known pattern into a shared file map, calls
# Sync-MemoryMap, prints "synced" and waits; the parent kills it with SIGKILL (Process.Kill) the moment it
# sees the line, and checks that the file holds the pattern and nothing else changed. The converse: a
# private (copy-on-write) map written in a child that is killed never changes the file.
#
# On Windows the kill is TerminateProcess (what Process.Kill calls there), and the killed child's exit code
# is -1 instead of SIGKILL's 137; the file is read with Get-FileBytes, which shares it as a map's holder may.
#
# What this proves and what it cannot: a killed process loses nothing it wrote to a shared map and synced,
# because the data is in the file (the page cache) before Sync-MemoryMap returns; msync(MS_SYNC) also writes
# it to the disk, but surviving a power cut cannot be tested without cutting the power, so that part rests on
# the kernel's msync. One case kills a child that never synced, to show that a kill alone does not lose
# shared-map writes on Linux: Sync-MemoryMap matters for crashes of the machine, not of the process.

BeforeDiscovery {
    $sharedCases = @(
        @{ Name = 'one whole page'; FileLength = 4096; MapOffset = 0; MapSize = $null; At = 0; Length = 4096; Seed = 1; Sync = 'all' }
        @{ Name = '1 MiB less one byte at offset 1'; FileLength = 1MB; MapOffset = 0; MapSize = $null; At = 1; Length = 1MB - 1; Seed = 2; Sync = 'all' }
        @{ Name = 'across a page boundary, map at file offset 5000'; FileLength = 65536; MapOffset = 5000; MapSize = 20000; At = 4000; Length = 3000; Seed = 3; Sync = 'range' }
        @{ Name = 'the last 17 bytes of a file of 10000'; FileLength = 10000; MapOffset = 0; MapSize = $null; At = 9983; Length = 17; Seed = 4; Sync = 'range' }
        @{ Name = '64 KiB at 2 MiB + 123 of a 3 MiB file'; FileLength = 3MB; MapOffset = 0; MapSize = $null; At = 2MB + 123; Length = 64KB; Seed = 5; Sync = 'all' }
        @{ Name = 'one byte, map at file offset 4097'; FileLength = 12288; MapOffset = 4097; MapSize = 100; At = 99; Length = 1; Seed = 6; Sync = 'all' }
        @{ Name = '5000 bytes, synced asynchronously then synchronously'; FileLength = 20000; MapOffset = 0; MapSize = $null; At = 7777; Length = 5000; Seed = 7; Sync = 'async' }
        @{ Name = '4 KiB never synced (the kill alone loses nothing)'; FileLength = 16384; MapOffset = 0; MapSize = $null; At = 6000; Length = 4096; Seed = 8; Sync = 'none' }
    )
    $privateCases = @(
        @{ Name = 'whole file'; FileLength = 8192; MapOffset = 0; MapSize = $null; At = 0; Length = 8192; Seed = 11; Sync = 'all' }
        @{ Name = 'a range, map at file offset 3000'; FileLength = 65536; MapOffset = 3000; MapSize = 30000; At = 1234; Length = 20000; Seed = 12; Sync = 'range' }
        @{ Name = 'one byte, never synced'; FileLength = 4096; MapOffset = 0; MapSize = $null; At = 4095; Length = 1; Seed = 13; Sync = 'none' }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:bytesVerified = 0L
    $script:patternBytes = 0L
    $script:kills = 0
    # How a killed child ends: SIGKILL is 128 + 9 on Linux and macOS; Process.Kill on Windows is
    # TerminateProcess with exit code -1 (0xFFFFFFFF).
    $script:killedExitCode = if ($IsWindows) { -1 } else { 137 }

    function Get-Slice([byte[]] $Bytes, [long] $Offset, [long] $Count) {
        $slice = [byte[]]::new($Count)
        [Array]::Copy($Bytes, $Offset, $slice, 0, $Count)
        return , $slice
    }

    function Get-Pattern([int] $Seed, [int] $Length) {
        $bytes = [byte[]]::new($Length)
        [Random]::new($Seed).NextBytes($bytes)
        return , $bytes
    }

    function Start-Writer {
        # Starts a child that maps the file, writes the case's pattern, syncs as the case says, reads it back,
        # prints "synced" and waits to be killed.
        param([hashtable] $Case, [string] $Path, [string] $Sharing)
        $size = if ($null -ne $Case.MapSize) { "-Size $($Case.MapSize)" } else { '' }
        $sync = switch ($Case.Sync) {
            'all' { 'Sync-MemoryMap $map' }
            'range' { "Sync-MemoryMap `$map -Offset $($Case.At) -Count $($Case.Length)" }
            'async' { 'Sync-MemoryMap $map -Async; Sync-MemoryMap $map' }
            'none' { '' }
        }
        $script = @"
`$data = [byte[]]::new($($Case.Length))
[Random]::new($($Case.Seed)).NextBytes(`$data)
`$map = New-MemoryMap -Path '$Path' -Offset $($Case.MapOffset) $size -Protection Read, Write -Sharing $Sharing
Write-MemoryMap `$map -Data `$data -Offset $($Case.At)
$sync
`$back = Read-MemoryMap `$map -Offset $($Case.At) -Count $($Case.Length)
if (-not [Linq.Enumerable]::SequenceEqual([byte[]]`$back, `$data)) { [Console]::Out.WriteLine('read-back differs'); exit 3 }
[Console]::Out.WriteLine('synced')
Start-Sleep -Seconds 600
"@
        return Start-ChildPwsh -Script $script
    }

    function Stop-Writer {
        # Waits for "synced", then kills the child at once (SIGKILL; TerminateProcess on Windows); returns the child's result.
        param([Diagnostics.Process] $Process)
        $lines = Wait-ChildLine -Process $Process -Line 'synced' -TimeoutSeconds 120
        $Process.Kill()
        $script:kills++
        $result = Wait-ChildPwsh -Process $Process -TimeoutSeconds 30
        $result | Add-Member -NotePropertyName Before -NotePropertyValue $lines
        return $result
    }
}

AfterAll {
    Write-Host "Durability: $script:kills children killed (SIGKILL; TerminateProcess on Windows); $script:bytesVerified file bytes verified afterwards, $script:patternBytes of them written by the killed children through shared maps"
}

Describe 'Durability of map writes when the writing process is killed (SIGKILL)' -Tag CI {
    Context 'When a shared map is written and synced: <Name>' -ForEach $sharedCases {
        BeforeAll {
            $path = Join-Path $TestDrive ("shared-{0}.bin" -f $Seed)
            $before = Get-Pattern ($Seed + 100) $FileLength
            [IO.File]::WriteAllBytes($path, $before)
            $expected = $before.Clone()
            [Array]::Copy((Get-Pattern $Seed $Length), 0, $expected, $MapOffset + $At, $Length)
            $run = Stop-Writer (Start-Writer -Case $_ -Path $path -Sharing Shared)
            $after = Get-FileBytes $path
            $script:bytesVerified += $after.Length
            $script:patternBytes += $Length
        }

        It 'Should have been killed (SIGKILL: exit code 137; Windows: -1)' {
            $run.ExitCode | Should -Be $script:killedExitCode -Because "$($run.Before -join ' | ') $($run.ErrorText)"
        }
        It 'Should keep the file length' {
            $after.Length | Should -Be $FileLength
        }
        It 'Should hold the pattern in the file' {
            Test-ByteArrayEqual (Get-Slice $after ($MapOffset + $At) $Length) (Get-Pattern $Seed $Length) | Should -BeTrue
        }
        It 'Should leave every other byte of the file as it was' {
            Test-ByteArrayEqual $expected $after | Should -BeTrue
        }
    }

    Context 'When a private (copy-on-write) map is written: <Name>' -ForEach $privateCases {
        BeforeAll {
            $path = Join-Path $TestDrive ("private-{0}.bin" -f $Seed)
            $before = Get-Pattern ($Seed + 100) $FileLength
            [IO.File]::WriteAllBytes($path, $before)
            $run = Stop-Writer (Start-Writer -Case $_ -Path $path -Sharing Private)
            $after = Get-FileBytes $path
            $script:bytesVerified += $after.Length
        }

        It 'Should have been killed (SIGKILL: exit code 137; Windows: -1)' {
            $run.ExitCode | Should -Be $script:killedExitCode -Because "$($run.Before -join ' | ') $($run.ErrorText)"
        }
        It 'Should leave the file exactly as it was' {
            Test-ByteArrayEqual $before $after | Should -BeTrue
        }
    }
}
