# Get-MemoryMapResidency: which pages of maps and files are in memory, checked against the system's
# own tools on the same file (vmtouch, fincore, dd) on Linux, and on the Windows path against what
# the process itself did to a map (Windows reports the working set, not the file cache).

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:page = [Mman.MemoryMap]::PageSize
    $script:linuxTools = $IsLinux -and (Get-Command vmtouch, fincore -CommandType Application -ErrorAction Ignore).Count -ge 2
    $script:noLinuxTools = 'vmtouch and fincore are Linux tools (and Windows measures no file by its path); .ci/run installs vmtouch'

    function Get-VmtouchPages([string] $Path) {
        # 'Resident Pages: 512/1024  2M/4M  50%'
        $line = vmtouch $Path | Where-Object { $_ -match 'Resident Pages:\s+(\d+)/(\d+)' }
        if (-not $line) { throw "vmtouch printed no resident page count for $Path" }
        return [long]$Matches[1]
    }

    function Get-FincorePages([string] $Path) {
        $json = (fincore --bytes --json $Path) -join "`n" | ConvertFrom-Json
        return [long]$json.fincore[0].pages * 0 + [long][math]::Ceiling($json.fincore[0].res / $script:page)
    }

    function Clear-FileCache([string] $Path) {
        # Dirty pages cannot be evicted: write them back first, then vmtouch -e (fadvise DONTNEED).
        sync $Path
        $null = vmtouch -e $Path
    }

    function Get-RenderedLine {
        param([Parameter(ValueFromPipeline)] $InputObject, [int] $Width = 80)
        end {
            $text = $input | Out-String -Width $Width
            $plain = $text -replace "`e\[[0-9;?]*[a-zA-Z]", ''
            return @($plain -split '\r?\n' | Where-Object { $_.Trim() -ne '' })
        }
    }
}

Describe 'Get-MemoryMapResidency' -Tag CI {
    Context 'When a file is measured after vmtouch -e and after dd reads half of it' {
        BeforeAll {
            if ($script:linuxTools) {
                $file = New-TestFile -Path "$TestDrive/half.bin" -Length (1024 * $page + 100)
                Clear-FileCache $file
                $evicted = Get-MemoryMapResidency $file
                $vmtouchEvicted = Get-VmtouchPages $file
                dd if=$file of=/dev/null bs=$page count=512 status=none
                $half = Get-MemoryMapResidency $file
                $fincoreHalf = Get-FincorePages $file
                $vmtouchHalf = Get-VmtouchPages $file
            }
        }

        It 'Should report 0 % after vmtouch -e, as vmtouch does' {
            if (-not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            $evicted.ResidentPages | Should -Be 0
            $evicted.Percent | Should -Be 0
            $vmtouchEvicted | Should -Be 0
            $evicted.ResidentRanges | Should -BeNullOrEmpty
        }
        It 'Should count the pages of the file, the last one partial' {
            if (-not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            $half.Pages | Should -Be 1025
            $half.Size | Should -Be (1024 * $page + 100)
            $half.PageSize | Should -Be $page
        }
        It 'Should match fincore within one page after dd' {
            if (-not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            [math]::Abs($half.ResidentPages - $fincoreHalf) | Should -BeLessOrEqual 1
        }
        It 'Should match vmtouch within one page after dd' {
            if (-not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            [math]::Abs($half.ResidentPages - $vmtouchHalf) | Should -BeLessOrEqual 1
        }
        It 'Should find at least the half dd read, from the start of the file' {
            if (-not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            $half.ResidentPages | Should -BeGreaterOrEqual 512
            $half.ResidentRanges[0].Offset | Should -Be 0
            $half.ResidentRanges[0].Length | Should -BeGreaterOrEqual (512 * $page)
        }
        It 'Should give ranges that add up to the resident pages' {
            if (-not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            $bytes = ($half.ResidentRanges | Measure-Object Length -Sum).Sum
            $expected = $half.ResidentPages * $page
            # The file's last page holds 100 bytes: a run that reaches it counts 100 bytes, not a page.
            $bytes | Should -BeIn @($expected, ($expected - $page + 100))
        }
    }

    Context 'When every page is touched through Read-MemoryMap' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/touched.bin" -Length (64 * $page)
            if ($linuxTools) { Clear-FileCache $file }
            $map = New-MemoryMap -Path $file
            $before = Get-MemoryMapResidency $map
            $null = Read-MemoryMap $map -Offset 0 -Count $map.Size
            $after = Get-MemoryMapResidency $map
            $byPath = if (-not $IsWindows) { Get-MemoryMapResidency -LiteralPath $file }
            if ($linuxTools) { $fincoreAfter = Get-FincorePages $file }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should report no page of the fresh map resident' {
            # Linux: evicted by vmtouch -e. Windows: a fresh view has no page in the working set.
            if (-not $IsWindows -and -not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            $before.ResidentPages | Should -Be 0
        }
        It 'Should report 100 % of the map after the read' {
            $after.Percent | Should -Be 100
            $after.ResidentPages | Should -Be 64
            $after.GetStrip(20) | Should -BeExactly ('[' + 'O' * 20 + ']')
        }
        It 'Should name the map and its file' {
            $after.Map.Id | Should -Be $map.Id
            $after.Path | Should -Be $file
        }
        It 'Should report 100 % of the file by its path too, as fincore does' {
            if (-not $linuxTools) { Set-ItResult -Skipped -Because $noLinuxTools; return }
            $byPath.Percent | Should -Be 100
            $fincoreAfter | Should -Be 64
        }
    }

    Context 'When a map is written to' {
        BeforeAll {
            $map = New-MemoryMap -Size (40 * $page)
            $untouched = Get-MemoryMapResidency $map
            foreach ($i in 0..19) { Write-MemoryMap $map -Data 1 -Offset ($i * $page) }
            $written = $map | Get-MemoryMapResidency
            $range = Get-MemoryMapResidency $map -Offset (10 * $page + 5) -Count (20 * $page)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should report no page of untouched anonymous memory resident' {
            $untouched.ResidentPages | Should -Be 0
            $untouched.GetStrip(20) | Should -BeExactly ('[' + ' ' * 20 + ']')
        }
        It 'Should report the pages written, and draw them in the strip' {
            $written.ResidentPages | Should -Be 20
            $written.Percent | Should -Be 50
            $written.GetStrip(20) | Should -BeExactly ('[' + 'O' * 10 + ' ' * 10 + ']')
            $written.GetStrip(3) | Should -BeExactly '[Oo ]'
        }
        It 'Should give the written pages as one range from the map start' {
            $written.ResidentRanges.Count | Should -Be 1
            $written.ResidentRanges[0].Offset | Should -Be 0
            $written.ResidentRanges[0].Length | Should -Be (20 * $page)
        }
        It 'Should measure a range with -Offset and -Count, in map offsets' {
            $range.Offset | Should -Be (10 * $page + 5)
            $range.Size | Should -Be (20 * $page)
            $range.Pages | Should -Be 21
            $range.ResidentPages | Should -Be 10
            $range.ResidentRanges[0].Offset | Should -Be (10 * $page + 5)
            $range.ResidentRanges[0].Length | Should -Be (10 * $page - 5)
        }
        It 'Should leave the counts only cachestat gives empty for anonymous memory' {
            $written.Dirty | Should -BeNullOrEmpty
            $written.Evicted | Should -BeNullOrEmpty
        }
    }

    Context 'When the system reports page-cache counts (Linux cachestat, 6.5 and later)' {
        BeforeAll {
            $kernel = if ($IsLinux) { [version]((uname -r) -replace '^(\d+\.\d+).*', '$1') }
            $hasCachestat = $IsLinux -and $kernel -ge [version]'6.5' -and
                [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -in 'X64', 'Arm64'
            $file = New-TestFile -Path "$TestDrive/dirty.bin" -Length (16 * $page)
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Sync-MemoryMap $map
            foreach ($i in 0..2) { Write-MemoryMap $map -Data 7 -Offset ($i * 5 * $page) }
            $dirty = Get-MemoryMapResidency $map
            Sync-MemoryMap $map
            $clean = Get-MemoryMapResidency $map
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should count the pages written and not yet synced as dirty' {
            if (-not $hasCachestat) {
                $dirty.Dirty | Should -BeNullOrEmpty -Because 'without cachestat the counts are null, never a guess'
                return
            }
            $dirty.Dirty | Should -BeGreaterOrEqual 3
        }
        It 'Should count no dirty page after Sync-MemoryMap' {
            if (-not $hasCachestat) { Set-ItResult -Skipped -Because 'cachestat needs Linux 6.5 or later on x64 or arm64'; return }
            $clean.Dirty | Should -Be 0
            $clean.Writeback | Should -Be 0
            $clean.Evicted | Should -Not -BeNullOrEmpty
            $clean.RecentlyEvicted | Should -Not -BeNullOrEmpty
        }
    }

    Context 'When many files are named by a wildcard, a directory or the pipeline' {
        BeforeAll {
            $null = New-Item -ItemType Directory "$TestDrive/many", "$TestDrive/many/sub"
            foreach ($i in 1..20) { $null = New-TestFile -Path ("$TestDrive/many/f{0:00}.bin" -f $i) -Length ($i * 1000) }
            $null = New-TestFile -Path "$TestDrive/many/sub/deep.bin" -Length 10
            $null = New-TestFile -Path "$TestDrive/many/[odd].bin" -Length 10
            $null = New-Item -ItemType File "$TestDrive/many/empty.bin"
            if (-not $IsWindows) {
                $wild = @(Get-MemoryMapResidency "$TestDrive/many/f*.bin")
                $directory = @(Get-MemoryMapResidency "$TestDrive/many")
                $recursed = @(Get-MemoryMapResidency "$TestDrive/many" -Recurse)
                $piped = @(Get-ChildItem "$TestDrive/many" -File | Get-MemoryMapResidency)
                $empty = Get-MemoryMapResidency -LiteralPath "$TestDrive/many/empty.bin"
            }
        }

        It 'Should measure every file a wildcard matches, in order' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path (NotSupportedOnThisSystem, tested below)'; return }
            $wild.Count | Should -Be 20
            $wild[0].Path | Should -Be (Join-Path $TestDrive 'many/f01.bin')
            $wild[19].Size | Should -Be 20000
        }
        It 'Should measure the files of a directory, and of its subdirectories with -Recurse' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path (NotSupportedOnThisSystem, tested below)'; return }
            $directory.Count | Should -Be 22
            $recursed.Count | Should -Be 23
            $recursed.Path | Should -Contain (Join-Path $TestDrive 'many/sub/deep.bin')
        }
        It 'Should take Get-ChildItem output by PSPath, so names with wildcard characters work' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path (NotSupportedOnThisSystem, tested below)'; return }
            $piped.Count | Should -Be 22
            $piped.Path | Should -Contain (Join-Path $TestDrive 'many/[odd].bin')
        }
        It 'Should give an empty file a result of 0 pages, not an error' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path (NotSupportedOnThisSystem, tested below)'; return }
            $empty.Pages | Should -Be 0
            $empty.Percent | Should -Be 0
            $empty.GetStrip(20) | Should -BeExactly '[]'
        }
    }

    Context 'When 10,000 small files are measured in one call' {
        BeforeAll {
            if (-not $IsWindows) {
                $dir = New-Item -ItemType Directory "$TestDrive/tenk"
                $bytes = [byte[]]::new(100)
                foreach ($i in 1..10000) { [IO.File]::WriteAllBytes("$dir/f$i.bin", $bytes) }
                $fds = if ($IsLinux) { @(Get-ChildItem /proc/self/fd).Count }
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $results = Get-MemoryMapResidency "$dir/*.bin"
                $watch.Stop()
                $fdsAfter = if ($IsLinux) { @(Get-ChildItem /proc/self/fd).Count }
                $maps = @(Get-MemoryMap).Count
            }
        }

        It 'Should measure every one of them' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path'; return }
            @($results).Count | Should -Be 10000
            ($results | Where-Object Pages -NE 1) | Should -BeNullOrEmpty
            Write-Host "10,000 files in $($watch.ElapsedMilliseconds) ms"
        }
        It 'Should leave no descriptor and no map open' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path'; return }
            if ($IsLinux) { $fdsAfter | Should -BeLessOrEqual ($fds + 2) }
            $maps | Should -Be 0
        }
    }

    Context 'When a user who may only read a file measures it (Linux)' {
        # Linux's mincore shows a file's page cache only to a user who owns the file or may write to
        # it, and to others reports every page resident, whatever is cached (a guard against watching
        # another user's file accesses). Get-MemoryMapResidency then asks cachestat, which kernels
        # 6.5 and later have and the newest restrict the same way, and refuses when it cannot tell.
        BeforeAll {
            $skip = $null
            $kernel = if ($IsLinux) { [version]((uname -r) -replace '^(\d+\.\d+).*', '$1') }
            if (-not $IsLinux) { $skip = 'the rule is Linux''s (mincore on macOS reports the cache to any reader)' }
            elseif ((& id -u) -ne '0') { $skip = 'not running as root, so there is no other user to switch to' }
            elseif (-not (Get-Command setpriv -CommandType Application -ErrorAction Ignore)) { $skip = 'setpriv (util-linux) is not installed' }
            elseif (-not (& getent passwd nobody)) { $skip = 'there is no user nobody' }
            if (-not $skip) {
                $dirMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'
                $staged = New-NobodyStage -Folder $TestDrive -DirectoryMode $dirMode
                $files = Join-Path $TestDrive 'files'
                $null = New-Item -ItemType Directory -Path $files
                [IO.File]::SetUnixFileMode($files, $dirMode)
                $readOnly = New-TestFile -Path "$files/read-only.bin" -Length (8 * $page)
                [IO.File]::SetUnixFileMode($readOnly, 'UserRead, UserWrite, GroupRead, OtherRead')
                $writable = New-TestFile -Path "$files/writable.bin" -Length (8 * $page)
                [IO.File]::SetUnixFileMode($writable, 'UserRead, UserWrite, GroupRead, GroupWrite, OtherRead, OtherWrite')
                # The read-only file's first half cached, the writable file whole.
                # python3 drops the file (after sync, no page is dirty) and reads its first half back
                # with read-ahead off (POSIX_FADV_RANDOM), so exactly that half is cached; dropping
                # only the second half would not do, as one large folio may hold the whole file.
                sync $readOnly $writable
                $null = [IO.File]::ReadAllBytes($writable)
                python3 -c "import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM); os.pread(fd, 4 * $page, 0)" $readOnly
                $asRoot = Get-MemoryMapResidency -LiteralPath $readOnly, $writable
                $script = "`$r = Get-MemoryMapResidency -LiteralPath '$readOnly', '$writable' -ErrorAction Continue 2>&1; foreach (`$x in `$r) { if (`$x -is [Management.Automation.ErrorRecord]) { 'ERROR ' + `$x.FullyQualifiedErrorId } else { 'RESULT ' + `$x.ResidentPages + ' ' + (`$x.ResidentRanges -join ',') } }"
                $process = Start-ChildPwsh -Script $script -Pwsh $staged.Pwsh -ModulePath (Join-Path $staged.ModulePath 'Mman.psd1') `
                    -FileName setpriv -PrefixArgument '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--' `
                    -Environment @{ HOME = $staged.Home; DOTNET_CLI_HOME = $staged.Home; XDG_CACHE_HOME = $staged.Home; XDG_DATA_HOME = $staged.Home; XDG_CONFIG_HOME = $staged.Home }
                $run = Wait-ChildPwsh -Process $process -TimeoutSeconds 120
                $lines = @(@($run.Output) -match '^(RESULT|ERROR) ')
                if ($lines.Count -ne 2) { $skip = "the staged pwsh could not run as nobody (exit code $($run.ExitCode)): $($run.ErrorText) $($run.Output)" }
                $hasCachestat = $kernel -ge [version]'6.5' -and [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -in 'X64', 'Arm64'
            }
        }

        It 'Should see what root sees: half of one file cached, all of the other' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $asRoot.ResidentPages | Should -Be @(4, 8)
        }
        It 'Should give nobody the truth about a file it may only read, through cachestat' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            # Never the 8 pages mincore reports: the truth where cachestat tells it, else a refusal.
            $lines[0] | Should -BeIn @("RESULT 4 0+$(4 * $page)", 'ERROR FileAccessDenied,Mman.Commands.GetMemoryMapResidencyCommand')
            if (-not $hasCachestat) { $lines[0] | Should -BeLike 'ERROR *' }
        }
        It 'Should give nobody the cache of a file it may write, through mincore' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $lines[1] | Should -Be "RESULT 8 0+$(8 * $page)"
        }
    }

    Context 'When something cannot be measured' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/ok.bin" -Length 5000
            $null = New-Item -ItemType Directory "$TestDrive/nofiles"
        }

        It 'Should report a missing file as FileNotFound and go on with the others' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path (NotSupportedOnThisSystem, tested below)'; return }
            $out = Get-MemoryMapResidency $file, "$TestDrive/missing.bin", $file -ErrorVariable errors -ErrorAction SilentlyContinue
            @($out).Count | Should -Be 2
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -Be 'FileNotFound,Mman.Commands.GetMemoryMapResidencyCommand'
            $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should report a directory without files as FileNotFound, suggesting -Recurse' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path (NotSupportedOnThisSystem, tested below)'; return }
            $e = Get-ErrorRecord { Get-MemoryMapResidency "$TestDrive/nofiles" -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -Be 'FileNotFound,Mman.Commands.GetMemoryMapResidencyCommand'
            $e.Exception.Message | Should -BeLike '*has no files*-Recurse*'
        }
        It 'Should refuse a path on another provider as PathNotFileSystem' {
            { Get-MemoryMapResidency Env:PATH -ErrorAction Stop } |
                Should -Throw -ErrorId 'PathNotFileSystem,Mman.Commands.GetMemoryMapResidencyCommand'
        }
        It 'Should refuse a wildcard that matches nothing as FileNotFound' {
            { Get-MemoryMapResidency "$TestDrive/none*.bin" -ErrorAction Stop } |
                Should -Throw -ErrorId 'FileNotFound,Mman.Commands.GetMemoryMapResidencyCommand'
        }
        It 'Should refuse a device as NotARegularFile' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path (NotSupportedOnThisSystem, tested below)'; return }
            { Get-MemoryMapResidency -LiteralPath /dev/null -ErrorAction Stop } |
                Should -Throw -ErrorId 'NotARegularFile,Mman.Commands.GetMemoryMapResidencyCommand'
        }
        It 'Should refuse a closed map as MapClosed' {
            $map = New-MemoryMap -Size 4096
            Close-MemoryMap $map
            { Get-MemoryMapResidency $map -ErrorAction Stop } |
                Should -Throw -ErrorId 'MapClosed,Mman.Commands.GetMemoryMapResidencyCommand'
        }
        It 'Should refuse a range outside the map as RangeOutsideMap' {
            $map = New-MemoryMap -Size 4096
            try {
                { Get-MemoryMapResidency $map -Offset 100 -Count 4000 -ErrorAction Stop } |
                    Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.GetMemoryMapResidencyCommand'
            }
            finally {
                Close-MemoryMap $map
            }
        }
        It 'Should refuse files by path on Windows as NotSupportedOnThisSystem, once for all of them' {
            if (-not $IsWindows) { Set-ItResult -Skipped -Because 'Linux and macOS measure files by their path (mincore)'; return }
            $e = Get-ErrorRecord { Get-MemoryMapResidency $file, $file }
            $e.FullyQualifiedErrorId | Should -Be 'NotSupportedOnThisSystem,Mman.Commands.GetMemoryMapResidencyCommand'
            $e.CategoryInfo.Category | Should -Be 'NotImplemented'
            $e.ErrorDetails.Message | Should -BeLike '*working set*New-MemoryMap*'
        }
    }

    Context 'When residency is shown at 80 columns' {
        BeforeAll {
            $map = New-MemoryMap -Size (40 * $page)
            Write-MemoryMap $map -Data 1 -Offset 0
            $view = New-MemoryMap -InputObject $map -Offset 40000 -Size 100000
            $long = "$TestDrive/" + ('d' * 60)
            $null = New-Item -ItemType Directory $long
            $file = New-TestFile -Path "$long/a-rather-long-file-name.bin" -Length 12345
            $rows = @(Get-MemoryMapResidency $map) + @(Get-MemoryMapResidency $view)
            if (-not $IsWindows) { $rows += Get-MemoryMapResidency $file }
            $table = $rows | Get-RenderedLine
            $list = $rows | Format-List | Get-RenderedLine
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fit every line of the table in 80 columns' {
            $table | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        }
        It 'Should show the strip of 18 cells and the map in the row' {
            $table | Where-Object { $_ -like "*``[o                 ``]*map $($map.Id)" } | Should -Not -BeNullOrEmpty
        }
        It 'Should show a view as the map and its place in its parent, as much as its 27 columns hold' {
            # The longest of these forms that fits the Source column: long ids (a full test run has
            # made thousands of maps) take the shorter ones.
            $forms = "map $($view.Id) (view of $($map.Id) @ 40000)", "map $($view.Id) (of $($map.Id) @ 40000)", "map $($view.Id) (view of $($map.Id))"
            $expected = @($forms | Where-Object Length -LE 27)[0]
            $expected | Should -Not -BeNullOrEmpty -Because 'ids below 100,000 fit at least the shortest form'
            $table | Where-Object { $_.EndsWith(" $expected") } | Should -Not -BeNullOrEmpty
        }
        It 'Should show a view''s place in the shorter forms when the ids are long' {
            # 24 columns never hold the long form ("map N (view of P @ 40000)" is at least 25).
            $forms = "map $($view.Id) (of $($map.Id) @ 40000)", "map $($view.Id) (view of $($map.Id))", "map $($view.Id)"
            $row = [Mman.Commands.MemoryMapFormat]::ResidencySource((Get-MemoryMapResidency $view), 24)
            $row | Should -BeExactly @($forms | Where-Object Length -LE 24)[0]
        }
        It 'Should keep the end of a long path' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows measures no file by its path'; return }
            $table | Where-Object { $_ -like '*...*long-file-name.bin' } | Should -Not -BeNullOrEmpty
        }
        It 'Should fit every line of the list in 80 columns' {
            $list | Where-Object Length -GT 80 | Should -BeNullOrEmpty
            $list | Where-Object { $_ -like 'Strip*:*' } | Should -Not -BeNullOrEmpty
        }
    }
}
