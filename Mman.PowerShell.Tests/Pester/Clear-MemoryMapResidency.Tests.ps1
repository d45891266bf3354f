BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:onLinux = $IsLinux
    $script:noPageCacheTools = 'fincore and vmtouch, which count the page cache here, are Linux tools; elsewhere the cmdlet is checked by its outcome'
}

Describe 'Clear-MemoryMapResidency' -Tag CI {
    Context 'When evicting a shared map after writing through it' {
        BeforeAll {
            $page = [Mman.MemoryMap]::PageSize
            $file = New-TestFile -Path "$TestDrive/written.bin" -Length ($page * 64) -Zero
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Write-MemoryMap $map -Text 'first' -Offset 0
            Write-MemoryMap $map -Text 'middle' -Offset ($page * 30 + 7)
            Write-MemoryMap $map -Text 'last' -Offset ($page * 64 - 4)
            Request-MemoryMapResidency $map -Touch
            if ($onLinux) { $before = Get-CachedPageCount $file }
            $output = Clear-MemoryMapResidency $map -Confirm:$false
            if ($onLinux) {
                $after = Get-CachedPageCount $file
                # Read by another program, after the eviction: what the disk holds.
                $python = & python3 -c "import sys; d=open(sys.argv[1],'rb').read(); print(d[0:5].decode(), d[$($page * 30 + 7):$($page * 30 + 13)].decode(), d[-4:].decode())" $file
            }
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should start with every page resident (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $before.Resident | Should -Be 64
        }
        It 'Should leave no page of the file resident (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.Resident | Should -Be 0
        }
        It 'Should leave no page of the file resident (vmtouch)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.VmtouchResident | Should -Be 0
        }
        It 'Should have written the changes to the file first (python3 reads them)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because 'python3 is the Linux host''s; the next test reads the file with .NET everywhere' }
            $python | Should -BeExactly 'first middle last'
        }
        It 'Should have written the changes to the file first' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 0, 5) | Should -BeExactly 'first'
            [Text.Encoding]::ASCII.GetString($fileBytes, $page * 64 - 4, 4) | Should -BeExactly 'last'
        }
        It 'Should keep the map usable, reading the same bytes again' {
            Read-MemoryMap $map -Offset ($page * 30 + 7) -Count 6 -AsString | Should -BeExactly 'middle'
        }
    }

    Context 'When evicting a range with -PassThru' {
        BeforeAll {
            $page = [Mman.MemoryMap]::PageSize
            $file = New-TestFile -Path "$TestDrive/range.bin" -Length ($page * 16) -Zero
            $map = New-MemoryMap -Path $file -Protection Read, Write

            # Linux caches a file in folios of several pages when it can (as writing the file just
            # did), and a folio goes only as a whole. Read back page by page (Random: no read-around)
            # after vmtouch -e, the file is cached one page a folio, so a range can go alone.
            if ($onLinux) { Clear-CachedPage $file }
            Set-MemoryMapAccessHint $map Random
            Request-MemoryMapResidency $map -Touch
            Write-MemoryMap $map -Data 0x5A -Offset ($page * 5 + 1)
            $output = @(Clear-MemoryMapResidency $map -Offset ($page * 4 + 10) -Count ($page * 3) -Confirm:$false -PassThru)
            if ($onLinux) { $after = Get-CachedPageCount $file }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit the map' {
            [object]::ReferenceEquals($output[0], $map) | Should -BeTrue
        }
        It 'Should evict the 4 pages the range touches and keep the other 12 (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.Resident | Should -Be 12
        }
        It 'Should have written the range''s change to the file' {
            (Get-FileByte -Path $file -Position ($page * 5 + 1) -Count 1)[0] | Should -Be 0x5A
        }
    }

    Context 'When evicting files by -Path' {
        BeforeAll {
            $folder = New-Item -ItemType Directory -Path "$TestDrive/files"
            $one = New-TestFile -Path "$folder/one.bin" -Length 100000 -Zero
            $two = New-TestFile -Path "$folder/two.bin" -Length 300000 -Zero
            $null = New-TestFile -Path "$folder/empty.bin" -Length 0
            Request-MemoryMapResidency -Path "$folder/*.bin" -Touch
            if ($onLinux) {
                $before = @($one, $two | ForEach-Object { Get-CachedPageCount $_ })
                $whatIf = Clear-MemoryMapResidency -Path "$folder/*.bin" -WhatIf
                $afterWhatIf = @($one, $two | ForEach-Object { Get-CachedPageCount $_ })
                $output = Clear-MemoryMapResidency -Path "$folder/*.bin" -Confirm:$false -ErrorVariable evictErrors
                $after = @($one, $two | ForEach-Object { Get-CachedPageCount $_ })
            }
            else {
                $refused = Get-ErrorRecord { Clear-MemoryMapResidency -Path "$folder/*.bin" -Confirm:$false }
            }
            $maps = @(Get-MemoryMap | Where-Object { $_.Path -like "$folder*" })
        }

        It 'Should start with the files resident (vmtouch)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $before | ForEach-Object { $_.VmtouchResident | Should -Be $_.VmtouchPages }
        }
        It 'Should change nothing with -WhatIf (fincore unchanged)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $afterWhatIf.Resident | Should -Be $before.Resident
        }
        It 'Should leave no page of either file resident (fincore, vmtouch)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.Resident | Should -Be @(0, 0)
            $after.VmtouchResident | Should -Be @(0, 0)
        }
        It 'Should pass over the empty file and emit nothing' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because 'Windows cannot evict files (the next test)' }
            $evictErrors | Should -BeNullOrEmpty
            $output | Should -BeNullOrEmpty
        }
        It 'Should refuse on Windows with NotSupportedOnThisSystem, saying why' {
            if (-not $IsWindows) { Set-ItResult -Skipped -Because 'it asserts the Windows refusal; Linux and macOS can evict a file (the tests above)' }
            $refused.FullyQualifiedErrorId | Should -Be 'NotSupportedOnThisSystem,Mman.Commands.ClearMemoryMapResidencyCommand'
            $refused.CategoryInfo.Category | Should -Be 'NotImplemented'
            $refused.Exception.Message | Should -BeLike '*system file cache*'
        }
        It 'Should leave no map open' {
            $maps | Should -BeNullOrEmpty
        }
    }

    Context 'When evicting a file just written with write(), its pages still dirty' {
        BeforeAll {
            if ($onLinux) {
                $file = "$TestDrive/just-written.bin"
                $bytes = [byte[]]::new(1MB)
                [Random]::new(7).NextBytes($bytes)
                # FileStream.Write leaves the pages dirty in the cache, not yet written back: what
                # posix_fadvise alone (and vmtouch -e, the first time) cannot evict.
                [IO.File]::WriteAllBytes($file, $bytes)
                $before = Get-CachedPageCount $file
                Clear-MemoryMapResidency -LiteralPath $file -Confirm:$false
                $after = Get-CachedPageCount $file
                $hash = (& python3 -c "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())" $file)
                $expected = [BitConverter]::ToString([Security.Cryptography.SHA256]::HashData($bytes)).Replace('-', '').ToLowerInvariant()
            }
        }

        It 'Should start with every page resident (fincore)' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $noPageCacheTools; return }
            $before.Resident | Should -Be $before.Pages
        }
        It 'Should write the pages back and evict every one of them (fincore, vmtouch)' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $noPageCacheTools; return }
            $after.Resident | Should -Be 0
            $after.VmtouchResident | Should -Be 0
        }
        It 'Should keep the file''s bytes (python3 reads them back)' {
            if (-not $onLinux) { Set-ItResult -Skipped -Because $noPageCacheTools; return }
            $hash | Should -Be $expected
        }
    }

    Context 'When evicting with -WhatIf' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/whatif.bin" -Length 65536 -Zero
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Request-MemoryMapResidency $map -Touch
            Write-MemoryMap $map -Data 7 -Offset 9
            if ($onLinux) { $before = Get-CachedPageCount $file }
            $output = Clear-MemoryMapResidency $map -PassThru -WhatIf
            if ($onLinux) { $after = Get-CachedPageCount $file }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should leave the residency as it was (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.Resident | Should -Be $before.Resident
            $after.Resident | Should -Be 16
        }
        It 'Should keep the map''s contents' {
            (Read-MemoryMap $map -Offset 9 -Count 1)[0] | Should -Be 7
        }
    }

    Context 'When the map''s protection is None' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/none.bin" -Length 16384 -Zero
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Write-MemoryMap $map -Data 0x42 -Offset 5000
            Set-MemoryMapProtection $map -Protection None
            $evictError = Get-ErrorRecord { Clear-MemoryMapResidency $map -Confirm:$false -ErrorAction Stop }
            if ($onLinux) { $after = Get-CachedPageCount $file }
            Set-MemoryMapProtection $map -Protection Read
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should evict without needing any access' {
            $evictError | Should -BeNullOrEmpty
        }
        It 'Should leave no page resident (fincore)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noPageCacheTools }
            $after.Resident | Should -Be 0
        }
        It 'Should have written the change to the file' {
            (Get-FileByte -Path $file -Position 5000 -Count 1)[0] | Should -Be 0x42
            (Read-MemoryMap $map -Offset 5000 -Count 1)[0] | Should -Be 0x42
        }
    }

    Context 'When the map has no file cache to evict' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/private.bin" -Length 8192
            $anonymous = New-MemoryMap -Size 8192
            Write-MemoryMap $anonymous -Data 1 -Offset 0
            $private = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
            Write-MemoryMap $private -Data 0xEE -Offset 3
            $anonymousError = Get-ErrorRecord { Clear-MemoryMapResidency $anonymous -Confirm:$false -ErrorAction Stop }
            $privateError = Get-ErrorRecord { Clear-MemoryMapResidency $private -Confirm:$false -ErrorAction Stop }
            $whatIfError = Get-ErrorRecord { Clear-MemoryMapResidency $private -WhatIf -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $anonymous, $private
        }

        It 'Should refuse anonymous memory with NoCacheToEvict' {
            $anonymousError.FullyQualifiedErrorId | Should -Be 'NoCacheToEvict,Mman.Commands.ClearMemoryMapResidencyCommand'
            $anonymousError.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        It 'Should refuse a Private file map with NoCacheToEvict, saying its writes would be lost' {
            $privateError.FullyQualifiedErrorId | Should -Be 'NoCacheToEvict,Mman.Commands.ClearMemoryMapResidencyCommand'
            $privateError.Exception.Message | Should -BeLike '*Private file map*lose them*'
        }
        It 'Should refuse before -WhatIf' {
            $whatIfError.FullyQualifiedErrorId | Should -Be 'NoCacheToEvict,Mman.Commands.ClearMemoryMapResidencyCommand'
        }
        It 'Should lose nothing' {
            (Read-MemoryMap $anonymous -Count 1)[0] | Should -Be 1
            (Read-MemoryMap $private -Offset 3 -Count 1)[0] | Should -Be 0xEE
        }
    }

    Context 'When the map is closed or the range is wrong' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/errors.bin" -Length 4096
            $closed = New-MemoryMap -Path $file
            Close-MemoryMap $closed
            $map = New-MemoryMap -Path $file
            $closedError = Get-ErrorRecord { Clear-MemoryMapResidency $closed -Confirm:$false -ErrorAction Stop }
            $outside = Get-ErrorRecord { Clear-MemoryMapResidency $map -Offset 4000 -Count 100 -Confirm:$false -ErrorAction Stop }
            $outsideWhatIf = Get-ErrorRecord { Clear-MemoryMapResidency $map -Offset 4097 -WhatIf -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapClosed' {
            $closedError.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.ClearMemoryMapResidencyCommand'
        }
        It 'Should fail with RangeOutsideMap' {
            $outside.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ClearMemoryMapResidencyCommand'
        }
        It 'Should fail with RangeOutsideMap under -WhatIf too' {
            $outsideWhatIf.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ClearMemoryMapResidencyCommand'
        }
    }

    Context 'When the cmdlet is inspected' {
        It 'Should have ConfirmImpact Medium' {
            $attribute = [Mman.Commands.ClearMemoryMapResidencyCommand].GetCustomAttributes([Management.Automation.CmdletAttribute], $false)[0]
            $attribute.ConfirmImpact | Should -Be 'Medium'
        }
    }
}
