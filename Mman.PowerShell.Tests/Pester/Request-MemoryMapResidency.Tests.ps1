BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:onLinux = $IsLinux
    $script:noPageCacheTools = 'fincore and vmtouch, which count the page cache here, are Linux tools; elsewhere the cmdlet is checked by its outcome'
    $script:noShrink = 'only Linux and macOS let a mapped file shrink; Windows refuses (the next test)'
}

Describe 'Request-MemoryMapResidency' -Tag CI {
    Context 'When touching a whole map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/touch.bin" -Length (2MB + 100)
            if ($onLinux) { Clear-CachedPage $file; $before = Get-CachedPageCount $file }
            $map = New-MemoryMap -Path $file
            $output = Request-MemoryMapResidency $map -Touch
            if ($onLinux) { $after = Get-CachedPageCount $file }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should start from no resident page (vmtouch -e)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $before.Resident | Should -Be 0
        }
        It 'Should leave every page resident, as vmtouch counts them' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.VmtouchResident | Should -Be $after.VmtouchPages
        }
        It 'Should leave every page resident, as fincore counts them' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.Resident | Should -Be $after.Pages
        }
        It 'Should leave the map open and its bytes as the file holds them' {
            $map.IsValid | Should -BeTrue
            (Read-MemoryMap $map -Offset (2MB + 99) -Count 1)[0] | Should -Be (Get-PatternByte (2MB + 99))
        }
    }

    Context 'When touching a range with -PassThru' {
        BeforeAll {
            $page = [Mman.MemoryMap]::PageSize
            $file = New-TestFile -Path "$TestDrive/range.bin" -Length ($page * 64) -Zero
            if ($onLinux) { Clear-CachedPage $file }
            $map = New-MemoryMap -Path $file

            # Random: no read-around on the faults, so exactly the touched pages come in.
            Set-MemoryMapAccessHint $map Random
            $output = @(Request-MemoryMapResidency $map -Offset ($page * 4) -Count ($page * 3) -Touch -PassThru)
            if ($onLinux) { $after = Get-CachedPageCount $file }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit the map' {
            $output.Count | Should -Be 1
            [object]::ReferenceEquals($output[0], $map) | Should -BeTrue
        }
        It 'Should bring in the 3 pages of the range and not the other 61 (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.Resident | Should -Be 3
        }
    }

    Context 'When prefetching without -Touch (a hint)' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/hint.bin" -Length 4MB -Zero
            if ($onLinux) { Clear-CachedPage $file; $before = Get-CachedPageCount $file }
            $map = New-MemoryMap -Path $file
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $output = Request-MemoryMapResidency $map -PassThru
            $watch.Stop()
            if ($onLinux) {
                # The reads the hint starts finish in the background: give them up to 5 seconds.
                $deadline = [DateTime]::UtcNow.AddSeconds(5)
                do {
                    $after = Get-CachedPageCount $file
                    if ($after.Resident -eq $after.Pages) { break }
                    Start-Sleep -Milliseconds 100
                } while ([DateTime]::UtcNow -lt $deadline)
            }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit the map with -PassThru' {
            $output.Id | Should -Be $map.Id
        }
        It 'Should return at once' {
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        }
        It 'Should raise the residency of an evicted file (fincore: 0 before, more after)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $before.Resident | Should -Be 0
            $after.Resident | Should -BeGreaterThan 0
        }
        It 'Should bring in most of the file within 5 seconds (vmtouch)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.VmtouchResident | Should -BeGreaterOrEqual ([long]($after.VmtouchPages * 0.9))
        }
    }

    Context 'When given files by -Path and -LiteralPath' {
        BeforeAll {
            $folder = New-Item -ItemType Directory -Path "$TestDrive/files"
            $sub = New-Item -ItemType Directory -Path "$TestDrive/files/sub"
            $one = New-TestFile -Path "$folder/one.bin" -Length 100000
            $two = New-TestFile -Path "$folder/two.bin" -Length 300000
            $deep = New-TestFile -Path "$sub/deep.bin" -Length 50000
            $empty = New-TestFile -Path "$folder/empty.bin" -Length 0
            $odd = New-TestFile -Path "$folder/odd[1].bin" -Length 20000
            if ($onLinux) { Clear-CachedPage $one, $two, $deep, $odd }
            $wildcard = @(Request-MemoryMapResidency -Path "$folder/*.bin" -Touch -ErrorVariable wildcardErrors)
            if ($onLinux) { $afterWildcard = @($one, $two, $odd, $deep | ForEach-Object { Get-CachedPageCount $_ }) }
            if ($onLinux) { Clear-CachedPage $deep }
            Request-MemoryMapResidency -Path $folder -Recurse -Touch
            if ($onLinux) { $afterRecurse = Get-CachedPageCount $deep }
            if ($onLinux) { Clear-CachedPage $odd }
            Get-Item -LiteralPath $odd | Request-MemoryMapResidency -Touch
            if ($onLinux) { $afterLiteral = Get-CachedPageCount $odd }
            $missing = @(Request-MemoryMapResidency -Path "$folder/none.bin", $one -ErrorAction SilentlyContinue -ErrorVariable missingErrors)
            $maps = @(Get-MemoryMap | Where-Object { $_.Path -like "$folder*" })
        }

        It 'Should emit nothing for files' {
            $wildcard | Should -BeNullOrEmpty
        }
        It 'Should pass over the empty file without an error' {
            $wildcardErrors | Should -BeNullOrEmpty
        }
        It 'Should leave every page of every matched file resident (vmtouch)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $afterWildcard[0..2] | ForEach-Object { $_.VmtouchResident | Should -Be $_.VmtouchPages }
        }
        It 'Should not touch the subfolder without -Recurse (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $afterWildcard[3].Resident | Should -Be 0
        }
        It 'Should touch the subfolder with -Recurse (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $afterRecurse.Resident | Should -Be $afterRecurse.Pages
        }
        It 'Should take piped files as -LiteralPath (a name with brackets)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $afterLiteral.Resident | Should -Be $afterLiteral.Pages
        }
        It 'Should report a missing file and go on' {
            $missingErrors.Count | Should -Be 1
            $missingErrors[0].FullyQualifiedErrorId | Should -Be 'FileNotFound,Mman.Commands.RequestMemoryMapResidencyCommand'
        }
        It 'Should leave no map open' {
            $maps | Should -BeNullOrEmpty
        }
    }

    Context 'When the pages cannot be read' {
        BeforeAll {
            $none = New-MemoryMap -Size 8192 -Protection None
            $noneTouch = Get-ErrorRecord { Request-MemoryMapResidency $none -Touch -ErrorAction Stop }
            $noneHint = Get-ErrorRecord { Request-MemoryMapResidency $none -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $none
        }

        It 'Should refuse to touch pages without Read with MapNotReadable' {
            $noneTouch.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.RequestMemoryMapResidencyCommand'
        }
        It 'Should accept the hint for pages without Read (nothing is read)' {
            $noneHint | Should -BeNullOrEmpty
        }
    }

    Context 'When the file has been truncated below the map' {
        BeforeAll {
            $page = [Mman.MemoryMap]::PageSize
            $file = New-TestFile -Path "$TestDrive/shrunk.bin" -Length ($page * 8)
            $map = New-MemoryMap -Path $file
            if ($onLinux) {
                $stream = [IO.File]::Open($file, 'Open', 'ReadWrite', 'ReadWrite')
                $stream.SetLength($page * 2)
                $stream.Dispose()
                $touch = Get-ErrorRecord { Request-MemoryMapResidency $map -Touch -ErrorAction Stop }
                $hint = Get-ErrorRecord { Request-MemoryMapResidency $map -ErrorAction Stop }
                $front = Get-ErrorRecord { Request-MemoryMapResidency $map -Count ($page * 2) -Touch -ErrorAction Stop }
            }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse -Touch with FileTruncated, not crash' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noShrink }
            $touch.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.RequestMemoryMapResidencyCommand'
        }
        It 'Should refuse the hint with FileTruncated' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noShrink }
            $hint.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.RequestMemoryMapResidencyCommand'
        }
        It 'Should touch the part the file still covers' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noShrink }
            $front | Should -BeNullOrEmpty
        }
        It 'Should be impossible on Windows, which refuses to shrink a mapped file' {
            if (-not $IsWindows) { Set-ItResult -Skipped -Because 'it asserts what Windows does instead: Linux and macOS let a mapped file shrink (the tests above)' }
            $stream = [IO.File]::Open($file, 'Open', 'ReadWrite', 'ReadWrite')
            try { { $stream.SetLength(100) } | Should -Throw } finally { $stream.Dispose() }
        }
    }

    Context 'When the map is closed or the range is wrong' {
        BeforeAll {
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
            $map = New-MemoryMap -Size 4096
            $closedError = Get-ErrorRecord { Request-MemoryMapResidency $closed -ErrorAction Stop }
            $closedTouch = Get-ErrorRecord { Request-MemoryMapResidency $closed -Touch -ErrorAction Stop }
            $outside = Get-ErrorRecord { Request-MemoryMapResidency $map -Offset 4000 -Count 100 -ErrorAction Stop }
            $outsideTouch = Get-ErrorRecord { Request-MemoryMapResidency $map -Offset 4000 -Count 100 -Touch -ErrorAction Stop }
            $negative = Get-ErrorRecord { Request-MemoryMapResidency $map -Offset -1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapClosed' {
            $closedError.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.RequestMemoryMapResidencyCommand'
            $closedError.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        It 'Should fail with MapClosed for -Touch' {
            $closedTouch.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.RequestMemoryMapResidencyCommand'
        }
        It 'Should fail with RangeOutsideMap' {
            $outside.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.RequestMemoryMapResidencyCommand'
            $outside.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should fail with RangeOutsideMap for -Touch' {
            $outsideTouch.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.RequestMemoryMapResidencyCommand'
        }
        It 'Should fail with OffsetNegative' {
            $negative.FullyQualifiedErrorId | Should -Be 'OffsetNegative,Mman.Commands.RequestMemoryMapResidencyCommand'
        }
    }

    Context 'When a touch of a large file is stopped (Ctrl+C)' {
        BeforeAll {
            # 64 GiB with no blocks: touching all of it takes minutes, so it is still running when stopped.
            $file = "$TestDrive/sparse.bin"
            $stream = [IO.File]::Open($file, 'CreateNew', 'ReadWrite', 'None')
            try {
                Set-SparseFile $stream
                $stream.SetLength(64GB)
            }
            finally {
                $stream.Dispose()
            }

            $shell = [powershell]::Create()
            $null = $shell.AddScript("Import-Module '$(Get-MmanModulePath)'; `$ProgressPreference = 'Continue'; Request-MemoryMapResidency -LiteralPath '$file' -Touch")
            $async = $shell.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $runningBeforeStop = $shell.InvocationStateInfo.State
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Stop()
            $state = $shell.InvocationStateInfo.State
            $progress = @($shell.Streams.Progress)
            $shell.Dispose()
            $after = New-MemoryMap -Size 4096
            Write-MemoryMap $after -Data 1
            $alive = (Read-MemoryMap $after -Count 1)[0]
            Close-MemoryMap $after
        }
        AfterAll {
            Remove-Item -LiteralPath $file -ErrorAction Ignore
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
        It 'Should have written progress for the range' {
            @($progress | Where-Object { $_.PercentComplete -ge 0 -and $_.Activity -like 'Touching the pages of*' }).Count | Should -BeGreaterThan 0
        }
        It 'Should leave the host working' {
            $alive | Should -Be 1
        }
    }
}
