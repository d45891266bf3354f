BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:page = [Mman.MemoryMap]::PageSize
    $script:fqid = { param($id) "$id,Mman.Commands.ResizeMemoryMapCommand" }

    # Python's mmap.resize on a copy of the file, for cmp against what Mman made (Linux host only).
    function Invoke-PythonResize([string] $Path, [long] $Offset, [long] $Size, [long] $WriteAt = -1, [string] $Text = '') {
        $script = 'import mmap,sys; f=open(sys.argv[1],"r+b"); m=mmap.mmap(f.fileno(),0,offset=int(sys.argv[2])); m.resize(int(sys.argv[3])); w=int(sys.argv[4]); t=sys.argv[5].encode(); ' +
            'm[w:w+len(t)]=t if w>=0 else b""; m.flush(); m.close(); f.close()'
        & python3 -c $script $Path $Offset $Size $WriteAt $Text
    }
}

Describe 'Resize-MemoryMap' -Tag CI {
    Context 'When a file map grows (appending to a mapped log)' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/grow.bin" -Length 100
            Copy-Item $file "$TestDrive/grow-python.bin"
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $other = $map
            $id = $map.Id
            $output = Resize-MemoryMap $map -Size 5000 -PassThru
            Write-MemoryMap $map -Text 'tail' -Offset 4000
            $listed = Get-MemoryMap | Where-Object Id -EQ $id
            $table = Get-MemoryMap | Out-String -Width 80
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit the same map object with -PassThru' {
            [object]::ReferenceEquals($output, $map) | Should -BeTrue
        }
        It 'Should keep the Id' {
            $map.Id | Should -Be $id
        }
        It 'Should show the new size to every variable holding the map' {
            $other.Size | Should -Be 5000
        }
        It 'Should list the new size in Get-MemoryMap and its table' {
            $listed.Size | Should -Be 5000
            $table | Should -Match "\b$id\b.*\b5000\b"
        }
        It 'Should extend the file to the new size' {
            $fileBytes.Length | Should -Be 5000
        }
        It 'Should keep the old bytes and put the write past the old end in the file' {
            $fileBytes[99] | Should -Be (Get-PatternByte 99)
            $fileBytes[100] | Should -Be 0
            [Text.Encoding]::ASCII.GetString($fileBytes, 4000, 4) | Should -BeExactly 'tail'
        }
        It 'Should make the same file as Python''s mmap.resize (cmp)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because 'python3 and cmp are the Linux host''s; the tests above check the bytes everywhere' }
            Invoke-PythonResize "$TestDrive/grow-python.bin" 0 5000 4000 'tail'
            & cmp $file "$TestDrive/grow-python.bin"
            $LASTEXITCODE | Should -Be 0
        }
    }

    Context 'When a file map shrinks (test_basic: resize(512))' {
        BeforeAll {
            $file = "$TestDrive/shrink.bin"
            $bytes = New-Object byte[] (2 * $page)
            [Text.Encoding]::ASCII.GetBytes('foo').CopyTo($bytes, $page)
            $bytes[0] = 0x33
            [IO.File]::WriteAllBytes($file, $bytes)
            Copy-Item $file "$TestDrive/shrink-python.bin"
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Resize-MemoryMap $map -Size 512 -Force
            $pastEnd = Get-ErrorRecord { Read-MemoryMap $map -Offset 512 -Count 1 -ErrorAction Stop }
            $first = Read-MemoryMap $map -Offset 0 -Count 1
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should have the new size' {
            $map.Size | Should -Be 512
        }
        It 'Should truncate the file there' {
            (Get-Item $file).Length | Should -Be 512
        }
        It 'Should keep the bytes before the new end' {
            $first | Should -Be 0x33
        }
        It 'Should refuse a read past the new end' {
            $pastEnd.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should make the same file as Python''s mmap.resize (cmp)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because 'python3 and cmp are the Linux host''s; the tests above check the file everywhere' }
            Invoke-PythonResize "$TestDrive/shrink-python.bin" 0 512
            & cmp $file "$TestDrive/shrink-python.bin"
            $LASTEXITCODE | Should -Be 0
        }
    }

    Context 'When a map at a file offset changes size' {
        BeforeAll {
            $align = if ($IsWindows) { 65536 } else { $page }
            $file = New-TestFile -Path "$TestDrive/offset.bin" -Length ($align + 300)
            $map = New-MemoryMap -Path $file -Offset ($align + 10) -Protection Read, Write
            Resize-MemoryMap $map -Size 1000
            $grownLength = (Get-Item $file).Length
            $kept = Read-MemoryMap $map -Offset 0 -Count 1
            Resize-MemoryMap $map -Size 50 -Force
            $shrunkLength = (Get-Item $file).Length
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should extend the file to the offset plus the new size' {
            $grownLength | Should -Be ($align + 10 + 1000)
        }
        It 'Should keep the map''s first byte where it was' {
            $kept | Should -Be (Get-PatternByte ($align + 10))
        }
        It 'Should truncate the file at the offset plus the new size' {
            $shrunkLength | Should -Be ($align + 10 + 50)
        }
    }

    Context 'When a shrink is not confirmed' {
        It 'Should leave the map and the file alone when nobody can confirm (no -Force)' {
            $file = New-TestFile -Path "$TestDrive/noforce.bin" -Length 8192
            $pwsh = Get-PwshCommand
            $module = Get-MmanModulePath
            # A non-interactive host cannot answer ShouldContinue: the shrink must not happen.
            $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NonInteractive -NoProfile -Command "Import-Module '$module'; `$m = New-MemoryMap -Path '$file' -Protection Read,Write; Resize-MemoryMap `$m 10 -ErrorAction SilentlyContinue 2>`$null; `$m.Size" 2>$null
            ($out | Select-Object -Last 1) | Should -Be '8192'
            (Get-Item $file).Length | Should -Be 8192
        }
        It 'Should change nothing under -WhatIf' {
            $file = New-TestFile -Path "$TestDrive/whatif.bin" -Length 8192
            $map = New-MemoryMap -Path $file -Protection Read, Write
            try {
                Resize-MemoryMap $map 10 -WhatIf
                Resize-MemoryMap $map 20000 -WhatIf
                $map.Size | Should -Be 8192
                (Get-Item $file).Length | Should -Be 8192
            }
            finally { Close-MemoryMap $map }
        }
    }

    Context 'When another map of the same file is open' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/two-maps.bin" -Length 8192
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $other = New-MemoryMap -Path $file
            $result = Get-ErrorRecord { Resize-MemoryMap $map -Size 100 -Force -ErrorAction Stop }
            $otherRead = Get-ErrorRecord { Read-MemoryMap $other -Offset 5000 -Count 1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map, $other
        }

        It 'Should be refused on Windows, which cannot truncate a file with a mapped view, leaving the map as it was' {
            if (-not $IsWindows) { Set-ItResult -Skipped -Because 'Linux and macOS truncate a mapped file (the next test)' }
            $result.FullyQualifiedErrorId | Should -Be (& $fqid 'FileOpenFailed')
            $map.Size | Should -Be 8192
            (Get-Item $file).Length | Should -Be 8192
            Read-MemoryMap $map -Offset 8191 -Count 1 | Should -Be (Get-PatternByte 8191)
            Write-MemoryMap $map -Offset 8191 -Data 7
            Read-MemoryMap $other -Offset 8191 -Count 1 | Should -Be 7
        }
        It 'Should shrink on Linux and macOS, and the other map refuses bytes past the file''s new end' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows cannot truncate a file with a mapped view (the test above)' }
            $result | Should -BeNullOrEmpty
            $map.Size | Should -Be 100
            $other.Size | Should -Be 8192
            $otherRead.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When anonymous memory grows (test_resize_up_anonymous_mapping)' {
        It 'Should keep the data and add zeros, <Sharing>' -TestCases @(@{ Sharing = 'Private' }, @{ Sharing = 'Shared' }) {
            $data = [byte[]](1..$page | ForEach-Object { Get-Random -Maximum 256 })
            $map = New-MemoryMap -Size $page -Sharing $Sharing
            try {
                Write-MemoryMap $map -Data $data
                Resize-MemoryMap $map -Size (2 * $page)
                $map.Size | Should -Be (2 * $page)
                Test-ByteArrayEqual $data (Read-MemoryMap $map -Count $page) | Should -BeTrue
                @((Read-MemoryMap $map -Offset $page -Count $page) -ne 0).Count | Should -Be 0
            }
            finally { Close-MemoryMap $map }
        }
    }

    Context 'When anonymous memory shrinks (test_resize_down_anonymous_mapping)' {
        It 'Should keep the first bytes and grow back with zeros, <Sharing>' -TestCases @(@{ Sharing = 'Private' }, @{ Sharing = 'Shared' }) {
            $data = [byte[]](1..(2 * $page) | ForEach-Object { Get-Random -Minimum 1 -Maximum 256 })
            $map = New-MemoryMap -Size (2 * $page) -Sharing $Sharing
            try {
                Write-MemoryMap $map -Data $data
                Resize-MemoryMap $map -Size 100 -Force
                $map.Size | Should -Be 100
                Test-ByteArrayEqual $data[0..99] (Read-MemoryMap $map -Count 100) | Should -BeTrue
                # Python cannot grow shared anonymous memory back on Linux (its shmem object keeps the
                # first size); Mman copies it, and the bytes past the shrink read as zeros.
                Resize-MemoryMap $map -Size (2 * $page)
                Test-ByteArrayEqual $data[0..99] (Read-MemoryMap $map -Count 100) | Should -BeTrue
                @((Read-MemoryMap $map -Offset 100 -Count (2 * $page - 100)) -ne 0).Count | Should -Be 0
            }
            finally { Close-MemoryMap $map }
        }
    }

    Context 'When an access is past the new end (test_resize_past_pos)' {
        BeforeAll {
            $map = New-MemoryMap -Size 8192
            $null = Read-MemoryMap $map -Offset 5000 -Count 14
            Resize-MemoryMap $map -Size 4096 -Force
            $read = Get-ErrorRecord { Read-MemoryMap $map -Offset 5000 -Count 14 -ErrorAction Stop }
            $write = Get-ErrorRecord { Write-MemoryMap $map -Offset 5000 -Text 'abc' -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse the read with RangeOutsideMap' {
            $read.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse the write with RangeOutsideMap' {
            $write.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
    }

    Context 'When the map cannot change size (test_access_parameter: ACCESS_READ, ACCESS_COPY)' {
        It 'Should refuse a read-only file map and leave the file alone' {
            $file = New-TestFile -Path "$TestDrive/readonly.bin" -Length 10
            $map = New-MemoryMap -Path $file
            try {
                $e = Get-ErrorRecord { Resize-MemoryMap $map -Size 20 -ErrorAction Stop }
                $e.FullyQualifiedErrorId | Should -Be (& $fqid 'MapNotResizable')
                $e.CategoryInfo.Category | Should -Be 'InvalidOperation'
                $e.Exception.Message | Should -Match 'read-only'
                (Get-Item $file).Length | Should -Be 10
            }
            finally { Close-MemoryMap $map }
        }
        It 'Should refuse a Private file map and leave the file alone' {
            $file = New-TestFile -Path "$TestDrive/private.bin" -Length 10
            $map = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
            try {
                $e = Get-ErrorRecord { Resize-MemoryMap $map -Size 20 -ErrorAction Stop }
                $e.FullyQualifiedErrorId | Should -Be (& $fqid 'MapNotResizable')
                $e.Exception.Message | Should -Match 'Private'
                (Get-Item $file).Length | Should -Be 10
                $map.Size | Should -Be 10
            }
            finally { Close-MemoryMap $map }
        }
    }

    Context 'When the map has views' {
        BeforeAll {
            $map = New-MemoryMap -Size 8192
            $view = New-MemoryMap -InputObject $map -Offset 100 -Size 50
            $refused = Get-ErrorRecord { Resize-MemoryMap $view -Size 10 -Force -ErrorAction Stop }
            Resize-MemoryMap $map -Size 16384
            $closed = Get-ErrorRecord { Read-MemoryMap $view -Count 1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse to resize a view with ViewNotResizable' {
            $refused.FullyQualifiedErrorId | Should -Be (& $fqid 'ViewNotResizable')
            $refused.ErrorDetails.RecommendedAction | Should -Match 'Resize-MemoryMap'
        }
        It 'Should close the views of a resized map' {
            $view.IsValid | Should -BeFalse
        }
        It 'Should say the view was closed because its parent was resized' {
            $closed.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.ReadMemoryMapCommand'
            $closed.Exception.Message | Should -Match "map $($map.Id), which it is a view of, was resized"
        }
    }

    Context 'When pages have their own protection' {
        BeforeAll {
            $map = New-MemoryMap -Size (2 * $page)
            $view = New-MemoryMap -InputObject $map -Offset 0 -Size $page -Protection Read
            Resize-MemoryMap $map -Size (3 * $page)
            $keptPage = Get-ErrorRecord { Write-MemoryMap $map -Offset 0 -Data 1 -ErrorAction Stop }
            Write-MemoryMap $map -Offset $page -Data 2
            $newPage = Get-ErrorRecord { Write-MemoryMap $map -Offset (2 * $page) -Data 3 -ErrorAction Stop }
            $newRead = Read-MemoryMap $map -Offset (2 * $page) -Count 1
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should keep the protection of the pages kept' {
            $keptPage.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should give new pages what every page allowed before (Read)' {
            $newPage.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
            $newRead | Should -Be 0
        }
    }

    Context 'When the map is given by Id or by property name' {
        It 'Should resize the map with that Id' {
            $map = New-MemoryMap -Size 4096
            try {
                [pscustomobject]@{ Id = $map.Id } | Resize-MemoryMap -Size 8192
                $map.Size | Should -Be 8192
                Resize-MemoryMap -Id $map.Id -Size 12288
                $map.Size | Should -Be 12288
            }
            finally { Close-MemoryMap $map }
        }
        It 'Should report an Id of no open map with MapNotFound' {
            $e = Get-ErrorRecord { Resize-MemoryMap -Id ([int]::MaxValue) -Size 10 -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -Be (& $fqid 'MapNotFound')
        }
    }

    Context 'When named shared memory changes size' {
        BeforeAll {
            $name = "mman-resize-$PID-$(Get-Random)"
            $map = New-MemoryMap -Name $name -Size 4096
            Write-MemoryMap $map -Text 'named' -Offset 0
            $result = Get-ErrorRecord { Resize-MemoryMap $map -Size 8192 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
            if ([Mman.MemoryMap]::CanRemoveNames) { Remove-MemoryMap -Name $name -ErrorAction SilentlyContinue }
        }

        It 'Should grow on Linux, where another map of it then has the new size' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because 'only Linux can change the size of named shared memory (the next test checks the refusal)' }
            $result | Should -BeNullOrEmpty
            $map.Size | Should -Be 8192
            $second = New-MemoryMap -Name $name
            try {
                $second.Size | Should -Be 8192
                Read-MemoryMap $second -Count 5 -AsString | Should -BeExactly 'named'
            }
            finally { Close-MemoryMap $second }
        }
        It 'Should refuse with NotSupportedOnThisSystem on Windows and macOS' {
            if ($IsLinux) { Set-ItResult -Skipped -Because 'Linux can change the size of named shared memory (the test above)' }
            $result.FullyQualifiedErrorId | Should -Be (& $fqid 'NotSupportedOnThisSystem')
            $result.Exception.Message | Should -Match 'cannot change size'
            $map.Size | Should -Be 4096
        }
    }

    Context 'When other threads read while the map is resized' {
        It 'Should keep the host alive and give right bytes or a clean error' {
            $map = New-MemoryMap -Size 65536
            try {
                Write-MemoryMap $map -Data 0x5A -Offset 0
                $jobs = 1..3 | ForEach-Object {
                    Start-ThreadJob -ArgumentList $map -ScriptBlock {
                        param($m)
                        $bad = 0; $errors = 0; $reads = 0
                        $until = [DateTime]::UtcNow.AddSeconds(3)
                        while ([DateTime]::UtcNow -lt $until) {
                            try {
                                $b = $m.Read(0, 1)
                                if ($b[0] -ne 0x5A) { $bad++ }
                                $null = $m.Read(0, [Math]::Min($m.Size, 4096))
                                $reads++
                            }
                            catch { $errors++ }
                        }
                        [pscustomobject]@{ Bad = $bad; Reads = $reads; Errors = $errors }
                    }
                }
                $deadline = [DateTime]::UtcNow.AddSeconds(3)
                $n = 0
                while ([DateTime]::UtcNow -lt $deadline) {
                    Resize-MemoryMap $map -Size ((($n % 4) + 1) * 16384) -Force
                    $n++
                }
                $results = $jobs | Wait-Job | Receive-Job
                $jobs | Remove-Job
                $n | Should -BeGreaterThan 10
                ($results | Measure-Object Bad -Sum).Sum | Should -Be 0
                ($results | Measure-Object Reads -Sum).Sum | Should -BeGreaterThan 0
            }
            finally { Close-MemoryMap $map }
        }
    }
}
