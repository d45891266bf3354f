BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:noPython = 'python3 is the Linux host''s; the same moves are checked against the formula of CPython''s test everywhere'

    # Python's mmap.move(dest, src, count) on a copy of a file, for cmp against what Copy-MemoryMap did.
    function Invoke-PythonMove([string] $Path, [long] $Dest, [long] $Src, [long] $Count) {
        & python3 -c "import mmap,sys; f=open(sys.argv[1],'r+b'); m=mmap.mmap(f.fileno(),0); m.move(int(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4])); m.flush(); m.close(); f.close()" $Path $Dest $Src $Count
        if ($LASTEXITCODE -ne 0) { throw "python3 failed on $Path" }
    }

    # A file of random bytes (New-TestFile's pattern is made byte by byte in PowerShell: slow for megabytes).
    function New-RandomFile([string] $Path, [int] $Length, [int] $Seed) {
        $bytes = [byte[]]::new($Length)
        [Random]::new($Seed).NextBytes($bytes)
        [IO.File]::WriteAllBytes($Path, $bytes)
        return (Resolve-Path -LiteralPath $Path).ProviderPath
    }

    # cmp on Linux; the bytes compared in .NET where there is no cmp.
    function Test-SameFile([string] $First, [string] $Second) {
        if ($IsLinux) {
            & cmp -s $First $Second
            return $LASTEXITCODE -eq 0
        }
        return Test-ByteArrayEqual (Get-FileBytes $First) (Get-FileBytes $Second)
    }
}

Describe 'Copy-MemoryMap' -Tag CI {
    Context 'When moving within a file map, as CPython''s test_move does first' {
        BeforeAll {
            $file = "$TestDrive/abcde.bin"
            [IO.File]::WriteAllBytes($file, [Text.Encoding]::ASCII.GetBytes('ABCDEabcde'))
            $pyFile = "$TestDrive/abcde-python.bin"
            Copy-Item -LiteralPath $file -Destination $pyFile
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $output = Copy-MemoryMap $map -Offset 0 -DestinationOffset 5 -Count 5
            $text = Read-MemoryMap $map -AsString
            Close-MemoryMap $map
            if ($IsLinux) { Invoke-PythonMove $pyFile 5 0 5 }
        }

        It 'Should duplicate the front 5 bytes' {
            $text | Should -BeExactly 'ABCDEABCDE'
        }
        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should leave the file as Python''s mmap.move leaves its copy (cmp)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPython; return }
            Test-SameFile $file $pyFile | Should -BeTrue
        }
    }

    Context 'When moving every dest, src and count of ten bytes (CPython''s "more excessive test")' {
        BeforeAll {
            $data = [Text.Encoding]::ASCII.GetBytes('0123456789')
            $map = New-MemoryMap -Size 10
            $ours = [Collections.Generic.List[string]]::new()
            $formula = [Collections.Generic.List[string]]::new()
            for ($dest = 0; $dest -lt 10; $dest++) {
                for ($src = 0; $src -lt 10; $src++) {
                    for ($count = 0; $count -lt 10 - [Math]::Max($dest, $src); $count++) {
                        Write-MemoryMap $map -Data $data
                        Copy-MemoryMap $map -Offset $src -DestinationOffset $dest -Count $count
                        $ours.Add("$dest $src $count " + (Read-MemoryMap $map -AsString))
                        # expected = data[:dest] + data[src:src+count] + data[dest+count:]
                        $formula.Add("$dest $src $count " + '0123456789'.Substring(0, $dest) + '0123456789'.Substring($src, $count) + '0123456789'.Substring($dest + $count))
                    }
                }
            }
            Close-MemoryMap $map
            if ($IsLinux) {
                $python = @(& python3 -c @'
import mmap
data = b"0123456789"
for dest in range(10):
    for src in range(10):
        for count in range(10 - max(dest, src)):
            m = mmap.mmap(-1, 10)
            m[:] = data
            m.move(dest, src, count)
            print(dest, src, count, m[:].decode())
            m.close()
'@)
            }
        }

        It 'Should make every move CPython''s test makes (385 of them)' {
            $ours.Count | Should -Be 385
        }
        It 'Should give what the test''s formula expects' {
            ($ours -join "`n") | Should -BeExactly ($formula -join "`n")
        }
        It 'Should give what Python''s mmap.move gives' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPython; return }
            ($ours -join "`n") | Should -BeExactly ($python -join "`n")
        }
    }

    Context 'When given out-of-range offsets and counts (CPython''s segfault test, issue 5387)' {
        BeforeAll {
            $map = New-MemoryMap -Size 100
            $offsets = -100, -1, 0, 1, 100
            $outcomes = [Collections.Generic.List[string]]::new()
            foreach ($dest in $offsets) {
                foreach ($src in $offsets) {
                    foreach ($size in $offsets) {
                        $record = Get-ErrorRecord { Copy-MemoryMap $map -DestinationOffset $dest -Offset $src -Count $size -ErrorAction Stop }
                        $outcomes.Add("$dest $src $size " + $(if ($record) { 'ValueError' } else { 'ok' }))
                    }
                }
            }
            $ids = @(
                (Get-ErrorRecord { Copy-MemoryMap $map -DestinationOffset -1 -Offset 0 -Count 0 -ErrorAction Stop }).FullyQualifiedErrorId
                (Get-ErrorRecord { Copy-MemoryMap $map -DestinationOffset 0 -Offset 0 -Count -1 -ErrorAction Stop }).FullyQualifiedErrorId
                (Get-ErrorRecord { Copy-MemoryMap $map -DestinationOffset 1 -Offset 0 -Count 100 -ErrorAction Stop }).FullyQualifiedErrorId
            )
            $alive = $map.IsValid
            Close-MemoryMap $map
            $one = New-MemoryMap -Size 1
            $single = @(
                foreach ($case in @(0, 0, 2), @(1, 0, 1), @(0, 1, 1), @(0, 0, 1), @(0, 0, 0)) {
                    $record = Get-ErrorRecord { Copy-MemoryMap $one -DestinationOffset $case[0] -Offset $case[1] -Count $case[2] -ErrorAction Stop }
                    if ($record) { 'ValueError' } else { 'ok' }
                }
            )
            Close-MemoryMap $one
            if ($IsLinux) {
                $python = @(& python3 -c @'
import mmap
m = mmap.mmap(-1, 100)
offsets = [-100, -1, 0, 1, 100]
for dest in offsets:
    for src in offsets:
        for size in offsets:
            try:
                m.move(dest, src, size)
                print(dest, src, size, "ok")
            except ValueError:
                print(dest, src, size, "ValueError")
'@)
            }
        }

        It 'Should refuse or do each of the 125 moves, leaving the map usable' {
            $outcomes.Count | Should -Be 125
            $alive | Should -BeTrue
        }
        It 'Should refuse exactly the moves Python refuses' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPython; return }
            ($outcomes -join "`n") | Should -BeExactly ($python -join "`n")
        }
        It 'Should refuse the cases CPython''s test lists as ValueError' {
            foreach ($case in @(-1, -1, -1), @(-1, -1, 0), @(-1, 0, -1), @(0, -1, -1), @(-1, 0, 0), @(0, -1, 0), @(0, 0, -1)) {
                $outcomes | Should -Contain "$($case[0]) $($case[1]) $($case[2]) ValueError"
            }
        }
        It 'Should say which: a negative offset, a negative count, a range past the end' {
            $ids | Should -Be @(
                'OffsetNegative,Mman.Commands.CopyMemoryMapCommand'
                'CountNegative,Mman.Commands.CopyMemoryMapCommand'
                'RangeOutsideMap,Mman.Commands.CopyMemoryMapCommand')
        }
        It 'Should handle the single-byte map as CPython''s test does' {
            $single | Should -Be @('ValueError', 'ValueError', 'ValueError', 'ok', 'ok')
        }
    }

    Context 'When moving megabytes within a file map, by one byte and by more than a chunk' {
        BeforeAll {
            $cases = @(
                @{ Dest = 1; Src = 0; Count = 8MB - 1 }
                @{ Dest = 0; Src = 1; Count = 8MB - 1 }
                @{ Dest = 3MB + 7; Src = 5; Count = 5MB - 12 }
                @{ Dest = 5; Src = 3MB + 7; Count = 5MB - 12 }
            )
            $results = foreach ($case in $cases) {
                $file = New-RandomFile "$TestDrive/big-$($case.Dest)-$($case.Src).bin" 8MB $case.Dest
                $pyFile = "$file.python"
                Copy-Item -LiteralPath $file -Destination $pyFile
                $expected = Get-FileBytes $file
                [Array]::Copy($expected, $case.Src, $expected, $case.Dest, $case.Count)
                $map = New-MemoryMap -Path $file -Protection Read, Write
                Copy-MemoryMap $map -Offset $case.Src -DestinationOffset $case.Dest -Count $case.Count
                Close-MemoryMap $map
                if ($IsLinux) { Invoke-PythonMove $pyFile $case.Dest $case.Src $case.Count }
                @{ Case = "$($case.Dest) $($case.Src) $($case.Count)"; Memmove = Test-ByteArrayEqual (Get-FileBytes $file) $expected; Python = $IsLinux -and (Test-SameFile $file $pyFile) }
            }
        }

        It 'Should end as memmove (Array.Copy) would: <_>' -ForEach @(0, 1, 2, 3) {
            $results[$_].Memmove | Should -BeTrue -Because $results[$_].Case
        }
        It 'Should end as Python''s mmap.move does (cmp): <_>' -ForEach @(0, 1, 2, 3) {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPython; return }
            $results[$_].Python | Should -BeTrue -Because $results[$_].Case
        }
    }

    Context 'When copying from a view into its parent, overlapping' {
        BeforeAll {
            $file = New-RandomFile "$TestDrive/view.bin" 20000 5
            $expected = Get-FileBytes $file
            [Array]::Copy($expected, 100 + 10, $expected, 50, 15000)
            $parent = New-MemoryMap -Path $file -Protection Read, Write
            $view = New-MemoryMap -InputObject $parent -Offset 100
            Copy-MemoryMap $view -Offset 10 -Destination $parent -DestinationOffset 50 -Count 15000
            $bytes = Read-MemoryMap $parent
            Close-MemoryMap $parent
        }

        It 'Should move the bytes as one memmove in the parent would' {
            Test-ByteArrayEqual $bytes $expected | Should -BeTrue
        }
    }

    Context 'When copying a file map into named memory and back into another file' {
        BeforeAll {
            $name = 'mman-test-copy-' + [Guid]::NewGuid().ToString('N').Substring(0, 12)
            $source = New-RandomFile "$TestDrive/source.bin" 300000 3
            $target = New-TestFile -Path "$TestDrive/target.bin" -Length 300000 -Zero
            $fileMap = New-MemoryMap -Path $source
            $named = New-MemoryMap -Name $name -Size 300000
            $passThru = Copy-MemoryMap $fileMap -Destination $named -PassThru
            $reopened = New-MemoryMap -Name $name
            # Opened without -Size, the map has the object's size: on Windows, whole pages.
            $viaName = Read-MemoryMap $reopened -Count 300000
            $targetMap = New-MemoryMap -Path $target -Protection Read, Write
            $named | Copy-MemoryMap -Destination $targetMap
            # Removed before the last map closes, which cleans up on every system (on Windows the name
            # goes with its last map).
            Remove-MemoryMap -Name $name
            Close-MemoryMap $fileMap, $named, $reopened, $targetMap
        }

        It 'Should emit the destination with -PassThru' {
            $passThru.Name | Should -Be $name
        }
        It 'Should put the file''s bytes in the named memory (read through another map of it)' {
            Test-ByteArrayEqual $viaName (Get-FileBytes $source) | Should -BeTrue
        }
        It 'Should put them back into the other file: the two files are the same (cmp)' {
            Test-SameFile $source $target | Should -BeTrue
        }
    }

    Context 'When bound from the pipeline by property name' {
        BeforeAll {
            $map = New-MemoryMap -Size 64
            Write-MemoryMap $map -Text 'needle'
            [pscustomobject]@{ Map = $map; Offset = 0 } | Copy-MemoryMap -DestinationOffset 32 -Count 6
            $found = Find-MemoryMap $map -Pattern ([Text.Encoding]::ASCII.GetBytes('needle')) | Select-Object -Last 1 | Copy-MemoryMap -DestinationOffset 10 -Count 6 -PassThru
            $text = Read-MemoryMap $map -Offset 10 -Count 28 -AsString
            Close-MemoryMap $map
        }

        It 'Should take -Map and -Offset from the object' {
            $text.Substring(22, 6) | Should -BeExactly 'needle'
        }
        It 'Should take a Find-MemoryMap result' {
            $text.Substring(0, 6) | Should -BeExactly 'needle'
            $found | Should -Not -BeNullOrEmpty
        }
    }

    Context 'When -WhatIf is given' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/whatif.bin" -Length 5000
            $before = Get-FileBytes $file
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $other = New-MemoryMap -Size 5000
            $output = Copy-MemoryMap $map -Offset 0 -DestinationOffset 1 -WhatIf -PassThru
            Copy-MemoryMap $other -Destination $map -WhatIf
            Close-MemoryMap $map, $other
        }

        It 'Should change nothing' {
            Test-ByteArrayEqual (Get-FileBytes $file) $before | Should -BeTrue
        }
        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
    }

    Context 'When refused' {
        BeforeAll {
            $readOnlyFile = New-TestFile -Path "$TestDrive/readonly.bin" -Length 100
            $readOnly = New-MemoryMap -Path $readOnlyFile
            $anonymous = New-MemoryMap -Size 100
            Write-MemoryMap $anonymous -Text 'keep'
            $none = New-MemoryMap -Size 100 -Protection None
            $closed = New-MemoryMap -Size 100
            Close-MemoryMap $closed
            $notWritable = Get-ErrorRecord { Copy-MemoryMap $anonymous -Destination $readOnly -ErrorAction Stop }
            $notReadable = Get-ErrorRecord { Copy-MemoryMap $none -Destination $anonymous -ErrorAction Stop }
            $closedSource = Get-ErrorRecord { Copy-MemoryMap $closed -Destination $anonymous -ErrorAction Stop }
            $closedTarget = Get-ErrorRecord { Copy-MemoryMap $anonymous -Destination $closed -ErrorAction Stop }
            $outside = Get-ErrorRecord { Copy-MemoryMap $anonymous -Destination $readOnly -DestinationOffset 90 -Count 20 -ErrorAction Stop }
            $noDestination = Get-ErrorRecord { Copy-MemoryMap $anonymous -Offset 5 -ErrorAction Stop }
            $kept = Read-MemoryMap $anonymous -Count 4 -AsString
            Close-MemoryMap $readOnly, $anonymous, $none
        }

        It 'Should fail with MapNotWritable for a read-only destination' {
            $notWritable.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.CopyMemoryMapCommand'
            $notWritable.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should fail with MapNotReadable for an unreadable source' {
            $notReadable.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.CopyMemoryMapCommand'
        }
        It 'Should fail with MapClosed for a closed source or destination' {
            $closedSource.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.CopyMemoryMapCommand'
            $closedTarget.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.CopyMemoryMapCommand'
        }
        It 'Should fail with RangeOutsideMap naming the destination' {
            $outside.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.CopyMemoryMapCommand'
            $outside.Exception.Message | Should -BeLike 'At the destination, map *: destination offset 90 and count 20 are outside the map*'
        }
        It 'Should fail with InvalidArgument for a move within one map without -DestinationOffset' {
            $noDestination.FullyQualifiedErrorId | Should -Be 'InvalidArgument,Mman.Commands.CopyMemoryMapCommand'
            $noDestination.Exception.Message | Should -BeLike '*-DestinationOffset*'
        }
        It 'Should leave the source as it was' {
            $kept | Should -BeExactly 'keep'
        }
    }

    Context 'When the file behind a map was truncated' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/truncated.bin" -Length 20000
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $anonymous = New-MemoryMap -Size 20000
            $shrunk = $false
            if (-not $IsWindows) {
                $stream = [IO.FileStream]::new($file, 'Open', 'ReadWrite', 'ReadWrite')
                try { $stream.SetLength(100) } finally { $stream.Dispose() }
                $shrunk = $true
                $asSource = Get-ErrorRecord { Copy-MemoryMap $map -Offset 8192 -Count 10 -Destination $anonymous -ErrorAction Stop }
                $asDestination = Get-ErrorRecord { Copy-MemoryMap $anonymous -Destination $map -DestinationOffset 8192 -Count 10 -ErrorAction Stop }
            }
            Close-MemoryMap $map, $anonymous
        }

        It 'Should fail with FileTruncated, not a crash, either way' {
            if (-not $shrunk) { Set-ItResult -Skipped -Because 'Windows refuses to truncate a file while a view of it is mapped'; return }
            $asSource.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.CopyMemoryMapCommand'
            $asDestination.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.CopyMemoryMapCommand'
        }
    }

    Context 'When a large copy is stopped (Ctrl+C)' {
        BeforeAll {
            # 4 GiB of untouched memory: the copy runs for a second or more, so it is still running
            # when stopped after its first progress record.
            $size = 4GB
            $source = New-MemoryMap -Size $size
            $target = New-MemoryMap -Size $size
            Write-MemoryMap $source -Data 0x5A -Offset 0
            Write-MemoryMap $source -Data 0xA5 -Offset ($size - 1)
            $shell = [powershell]::Create()
            $null = $shell.AddScript("param(`$s, `$t) Import-Module '$(Get-MmanModulePath)'; `$ProgressPreference = 'Continue'; Copy-MemoryMap `$s -Destination `$t").AddArgument($source).AddArgument($target)
            $async = $shell.BeginInvoke()
            $wait = [Diagnostics.Stopwatch]::StartNew()
            while ($shell.Streams.Progress.Count -eq 0 -and $wait.Elapsed.TotalSeconds -lt 30 -and $shell.InvocationStateInfo.State -eq 'Running') {
                Start-Sleep -Milliseconds 5
            }
            $runningBeforeStop = $shell.InvocationStateInfo.State
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Stop()
            $state = $shell.InvocationStateInfo.State
            $progress = @($shell.Streams.Progress)
            $shell.Dispose()
            $first = (Read-MemoryMap $target -Count 1)[0]
            $last = (Read-MemoryMap $target -Offset ($size - 1) -Count 1)[0]
            Close-MemoryMap $source, $target
            $after = New-MemoryMap -Size 4096
            Write-MemoryMap $after -Data 1
            $alive = (Read-MemoryMap $after -Count 1)[0]
            Close-MemoryMap $after
        }

        It 'Should still be running when stopped' {
            $runningBeforeStop | Should -Be 'Running'
        }
        It 'Should stop within 3 seconds' {
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        }
        It 'Should end Stopped' {
            $state | Should -Be 'Stopped'
        }
        It 'Should have said in its progress how far it got' {
            @($progress | Where-Object { $_.Activity -like 'Copy-MemoryMap: map *' -and $_.StatusDescription -like '* of 4,096 MiB' }).Count | Should -BeGreaterThan 0
        }
        It 'Should have copied the first chunks and not the last' {
            $first | Should -Be 0x5A
            $last | Should -Be 0
        }
        It 'Should leave the host working' {
            $alive | Should -Be 1
        }
    }
}
