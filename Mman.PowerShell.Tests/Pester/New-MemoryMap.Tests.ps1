BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'New-MemoryMap' -Tag CI {
    Context 'When mapping anonymous memory with only -Size' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit a MemoryMap' {
            $map | Should -BeOfType ([Mman.MemoryMap])
        }
        It 'Should be of kind Anonymous' {
            $map.Kind | Should -Be ([Mman.MemoryMapKind]::Anonymous)
        }
        It 'Should have the requested size' {
            $map.Size | Should -Be 4096
        }
        It 'Should default to Read,Write protection' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should default to Private sharing' {
            $map.Sharing | Should -Be ([Mman.MapSharing]::Private)
        }
        It 'Should have no path' {
            $map.Path | Should -BeNullOrEmpty
        }
        It 'Should have offset 0' {
            $map.FileOffset | Should -Be 0
        }
        It 'Should be valid' {
            $map.IsValid | Should -BeTrue
        }
        It 'Should have a non-zero address' {
            $map.Address | Should -Not -Be ([IntPtr]::Zero)
        }
        It 'Should be zero-filled' {
            $bytes = Read-MemoryMap $map
            @($bytes | Where-Object { $_ -ne 0 }).Count | Should -Be 0
        }
        It 'Should be listed by Get-MemoryMap' {
            (Get-MemoryMap).Id | Should -Contain $map.Id
        }
    }

    Context 'When mapping anonymous memory with an odd size' {
        BeforeAll {
            $map = New-MemoryMap -Size 5000
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should keep the exact size' {
            $map.Size | Should -Be 5000
        }
        It 'Should read and write the last byte' {
            Write-MemoryMap $map -Data 0x5A -Offset 4999
            (Read-MemoryMap $map -Offset 4999 -Count 1)[0] | Should -Be 0x5A
        }
    }

    Context 'When mapping anonymous memory with -Protection and -Sharing' {
        BeforeAll {
            $readOnly = New-MemoryMap -Size 4096 -Protection Read
            $shared = New-MemoryMap -Size 4096 -Sharing Shared
            $none = New-MemoryMap -Size 4096 -Protection None
            $executable = New-MemoryMap -Size 4096 -Protection Read, Execute
        }
        AfterAll {
            Close-MemoryMap $readOnly, $shared, $none, $executable
        }

        It 'Should use the Read protection asked for' {
            $readOnly.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should refuse writes to a Read map' {
            { Write-MemoryMap $readOnly -Data 1 -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should use the Shared sharing asked for' {
            $shared.Sharing | Should -Be ([Mman.MapSharing]::Shared)
        }
        It 'Should keep Read,Write protection when only -Sharing is given' {
            $shared.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should read back what was written to a shared anonymous map' {
            Write-MemoryMap $shared -Data 1, 2, 3 -Offset 100
            (Read-MemoryMap $shared -Offset 100 -Count 3) | Should -Be @(1, 2, 3)
        }
        It 'Should use protection None' {
            $none.Protection | Should -Be ([Mman.MemoryProtection]::None)
        }
        It 'Should refuse reads of a None map' {
            { Read-MemoryMap $none -Count 1 -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should map with Read,Execute' {
            $executable.Protection | Should -Be ([Mman.MemoryProtection]'Read, Execute')
        }
    }

    Context 'When -Size is 0' {
        BeforeAll {
            $err = Get-ErrorRecord { New-MemoryMap -Size 0 -ErrorAction Stop }
        }

        It 'Should fail with SizeNotPositive' {
            { New-MemoryMap -Size 0 -ErrorAction Stop } | Should -Throw -ErrorId 'SizeNotPositive,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the size must be positive' {
            $err.Exception.Message | Should -Be 'Size must be positive, got 0'
        }
    }

    Context 'When -Size is negative' {
        It 'Should fail with SizeNotPositive' {
            { New-MemoryMap -Size -4096 -ErrorAction Stop } | Should -Throw -ErrorId 'SizeNotPositive,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should say which size was given' {
            $err = Get-ErrorRecord { New-MemoryMap -Size -4096 -ErrorAction Stop }
            $err.Exception.Message | Should -Be 'Size must be positive, got -4096'
        }
    }

    Context 'When -Protection has bits that are not a protection' {
        It 'Should fail with ProtectionInvalid' {
            $invalid = [Enum]::ToObject([Mman.MemoryProtection], 8)
            { New-MemoryMap -Size 4096 -Protection $invalid -ErrorAction Stop } | Should -Throw -ErrorId 'ProtectionInvalid,Mman.Commands.NewMemoryMapCommand'
        }
    }

    Context 'When -Protection is Write and Execute at once' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/wx.bin" -Length 4096
            $before = @((Get-MemoryMap).Id)
            $err = Get-ErrorRecord { New-MemoryMap -Size 4096 -Protection Read, Write, Execute -ErrorAction Stop }
            $after = @((Get-MemoryMap).Id)
        }

        It 'Should fail with WriteExecuteRefused' {
            $err.FullyQualifiedErrorId | Should -Be 'WriteExecuteRefused,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report SecurityError' {
            $err.CategoryInfo.Category | Should -Be 'SecurityError'
        }
        It 'Should point to -AllowWriteExecute' {
            "$err" | Should -BeLike '*W^X*-AllowWriteExecute*'
        }
        It 'Should open no map' {
            $after | Should -Be $before
        }
        It 'Should refuse Write,Execute without Read too' {
            { New-MemoryMap -Size 4096 -Protection Write, Execute -ErrorAction Stop } | Should -Throw -ErrorId 'WriteExecuteRefused,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse it for a file map' {
            { New-MemoryMap -Path $file -Protection Read, Write, Execute -ErrorAction Stop } | Should -Throw -ErrorId 'WriteExecuteRefused,Mman.Commands.NewMemoryMapCommand'
        }
    }

    Context 'When -AllowWriteExecute is given' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096 -Protection Read, Write, Execute -AllowWriteExecute
            Write-MemoryMap $map -Data 0xC3
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should map with Read,Write,Execute' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write, Execute')
        }
        It 'Should be writable and readable' {
            (Read-MemoryMap $map -Count 1) | Should -Be @(0xC3)
        }
    }

    Context 'When the operating system cannot map the size' {
        BeforeAll {
            # 1 PiB is more than any 64-bit process can address.
            $err = Get-ErrorRecord { New-MemoryMap -Size 1PB -ErrorAction Stop }
        }

        It 'Should fail with MapFailed' {
            $err.FullyQualifiedErrorId | Should -Be 'MapFailed,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report ResourceUnavailable' {
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }
    }

    Context 'When mapping anonymous memory with -WhatIf' {
        BeforeAll {
            $before = @((Get-MemoryMap).Id)
            $output = New-MemoryMap -Size 4096 -WhatIf
            $after = @((Get-MemoryMap).Id)
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should open no map' {
            $after | Should -Be $before
        }
    }

    Context 'When mapping a file with only -Path' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/default.bin" -Length 10000
            $map = New-MemoryMap -Path $file
            $expected = [IO.File]::ReadAllBytes($file)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should be of kind File' {
            $map.Kind | Should -Be ([Mman.MemoryMapKind]::File)
        }
        It 'Should have the full path of the file' {
            $map.Path | Should -Be $file
        }
        It 'Should start at offset 0' {
            $map.FileOffset | Should -Be 0
        }
        It 'Should map the whole file' {
            $map.Size | Should -Be 10000
        }
        It 'Should default to Read protection' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should default to Shared sharing' {
            $map.Sharing | Should -Be ([Mman.MapSharing]::Shared)
        }
        It 'Should read the bytes of the file' {
            $bytes = Read-MemoryMap $map
            [Convert]::ToBase64String($bytes) | Should -Be ([Convert]::ToBase64String($expected))
        }
        It 'Should not be writable' {
            { Write-MemoryMap $map -Data 1 -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
    }

    Context 'When mapping a file with -Offset and no -Size' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/offset.bin" -Length 10000
            $map = New-MemoryMap -Path $file -Offset 100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should record the offset' {
            $map.FileOffset | Should -Be 100
        }
        It 'Should map the rest of the file' {
            $map.Size | Should -Be 9900
        }
        It 'Should read file byte 100 as map byte 0' {
            (Read-MemoryMap $map -Count 1)[0] | Should -Be (Get-PatternByte 100)
        }
        It 'Should read the last file byte as the last map byte' {
            (Read-MemoryMap $map -Offset 9899 -Count 1)[0] | Should -Be (Get-PatternByte 9999)
        }
    }

    Context 'When mapping a file with -Offset and -Size' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/range.bin" -Length 10000
            $map = New-MemoryMap -Path $file -Offset 4096 -Size 100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should map the size asked for' {
            $map.Size | Should -Be 100
        }
        It 'Should read the bytes of that range' {
            $expected = Get-FileByte -Path $file -Position 4096 -Count 100
            (Read-MemoryMap $map) | Should -Be $expected
        }
        It 'Should refuse to read past the size' {
            { Read-MemoryMap $map -Offset 99 -Count 2 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When mapping a file at unaligned offset <Offset>' -ForEach @(
        @{ Offset = 5 }
        @{ Offset = 4095 }
        @{ Offset = 4097 }
        @{ Offset = 65537 }
    ) {
        BeforeAll {
            $length = 140000
            $file = New-TestFile -Path "$TestDrive/unaligned-$Offset.bin" -Length $length
            $map = New-MemoryMap -Path $file -Offset $Offset -Protection Read, Write
            Write-MemoryMap $map -Data 0xF1, 0xF2, 0xF3 -Offset 10
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should map from the offset to the end of the file' {
            $map.Size | Should -Be ($length - $Offset)
        }
        It 'Should read the file byte at the offset as byte 0' {
            (Read-MemoryMap $map -Count 1)[0] | Should -Be (Get-PatternByte $Offset)
        }
        It 'Should read the next bytes in order' {
            $expected = 1..9 | ForEach-Object { Get-PatternByte ($Offset + $_) }
            (Read-MemoryMap $map -Offset 1 -Count 9) | Should -Be $expected
        }
        It 'Should read the last file byte as the last map byte' {
            (Read-MemoryMap $map -Offset ($map.Size - 1) -Count 1)[0] | Should -Be (Get-PatternByte ($length - 1))
        }
        It 'Should land a write at the right file position' {
            $fileBytes[($Offset + 10)..($Offset + 12)] | Should -Be @(0xF1, 0xF2, 0xF3)
        }
        It 'Should leave the file byte before the write unchanged' {
            $fileBytes[$Offset + 9] | Should -Be (Get-PatternByte ($Offset + 9))
        }
        It 'Should leave the file byte after the write unchanged' {
            $fileBytes[$Offset + 13] | Should -Be (Get-PatternByte ($Offset + 13))
        }
        It 'Should leave the file byte just before the offset unchanged' {
            $fileBytes[$Offset - 1] | Should -Be (Get-PatternByte ($Offset - 1))
        }
    }

    Context 'When mapping a file over 4 GiB at an offset past 4 GiB' {
        BeforeAll {
            $file = "$TestDrive/huge.bin"
            $markerAt = 4.5GB
            $stream = [IO.File]::Create($file)
            try {
                # NTFS zero-fills up to a write unless the file is sparse; ext4, XFS and APFS are sparse anyway.
                Set-SparseFile $stream
                $stream.Position = $markerAt
                $stream.Write([byte[]](0x4D, 0x4D, 0x41, 0x4E), 0, 4)
                $stream.SetLength(5GB)
            }
            finally {
                $stream.Dispose()
            }
            $mapOffset = $markerAt - 7
            $map = New-MemoryMap -Path $file -Offset $mapOffset -Size 8192 -Protection Read, Write
            $rest = New-MemoryMap -Path $file -Offset $mapOffset
            Write-MemoryMap $map -Data 0x11, 0x22, 0x33 -Offset 5000
            Sync-MemoryMap $map
            $written = Get-FileByte -Path $file -Position ($mapOffset + 5000) -Count 3
        }
        AfterAll {
            Close-MemoryMap $map, $rest
        }

        It 'Should record an offset past 4 GiB' {
            $map.FileOffset | Should -Be ([long]4.5GB - 7)
        }
        It 'Should read the marker where the file has it' {
            (Read-MemoryMap $map -Offset 7 -Count 4) | Should -Be @(0x4D, 0x4D, 0x41, 0x4E)
        }
        It 'Should read the zeros of the sparse file before the marker' {
            (Read-MemoryMap $map -Count 7) | Should -Be @(0, 0, 0, 0, 0, 0, 0)
        }
        It 'Should write at the right position past 4 GiB' {
            $written | Should -Be @(0x11, 0x22, 0x33)
        }
        It 'Should read its own write back' {
            (Read-MemoryMap $map -Offset 5000 -Count 3) | Should -Be @(0x11, 0x22, 0x33)
        }
        It 'Should default the size to the rest of the 5 GiB file' {
            $rest.Size | Should -Be (5GB - $mapOffset)
        }
        It 'Should see the shared write through a second map' {
            (Read-MemoryMap $rest -Offset 5000 -Count 3) | Should -Be @(0x11, 0x22, 0x33)
        }
        It 'Should read the last byte of the file' {
            (Read-MemoryMap $rest -Offset ($rest.Size - 1) -Count 1)[0] | Should -Be 0
        }
    }

    Context 'When mapping a shared file with Read,Write' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/shared.bin" -Length 8192
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Write-MemoryMap $map -Data 0xAA, 0xBB -Offset 4095
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should be Shared' {
            $map.Sharing | Should -Be ([Mman.MapSharing]::Shared)
        }
        It 'Should read the write back from the map' {
            (Read-MemoryMap $map -Offset 4095 -Count 2) | Should -Be @(0xAA, 0xBB)
        }
        It 'Should have the write in the file after Sync-MemoryMap' {
            $fileBytes[4095..4096] | Should -Be @(0xAA, 0xBB)
        }
        It 'Should keep the file length' {
            $fileBytes.Length | Should -Be 8192
        }
    }

    Context 'When mapping a private file map with Read,Write' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/private.bin" -Length 8192
            $map = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
            Write-MemoryMap $map -Data 0xAA, 0xBB -Offset 10
            Sync-MemoryMap $map
            $fileBytes = [IO.File]::ReadAllBytes($file)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should be Private' {
            $map.Sharing | Should -Be ([Mman.MapSharing]::Private)
        }
        It 'Should read the write back from the map' {
            (Read-MemoryMap $map -Offset 10 -Count 2) | Should -Be @(0xAA, 0xBB)
        }
        It 'Should not put the write in the file' {
            $fileBytes[10..11] | Should -Be @((Get-PatternByte 10), (Get-PatternByte 11))
        }
    }

    Context 'When -Path has a wildcard that matches exactly one file' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/single-match.bin" -Length 64
            $map = New-MemoryMap -Path "$TestDrive/single-m*.bin"
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should map that file' {
            $map.Path | Should -Be $file
        }
        It 'Should read its bytes' {
            (Read-MemoryMap $map -Offset 63 -Count 1)[0] | Should -Be (Get-PatternByte 63)
        }
    }

    Context 'When -LiteralPath names a file with wildcard characters' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/literal[1].bin" -Length 64
            $map = New-MemoryMap -LiteralPath $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should map that file' {
            $map.Path | Should -Be $file
        }
        It 'Should read its bytes' {
            (Read-MemoryMap $map -Offset 1 -Count 1)[0] | Should -Be (Get-PatternByte 1)
        }
    }

    Context 'When the path is relative to the current location or on a PowerShell drive' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/relative.bin" -Length 64
            Push-Location $TestDrive
            try {
                $relative = New-MemoryMap -Path ./relative.bin
            }
            finally {
                Pop-Location
            }
            $onDrive = New-MemoryMap -Path 'TestDrive:/relative.bin'
        }
        AfterAll {
            Close-MemoryMap $relative, $onDrive
        }

        It 'Should resolve a relative path against the PowerShell location' {
            $relative.Path | Should -Be $file
        }
        It 'Should resolve a PSDrive path to the file system path' {
            $onDrive.Path | Should -Be $file
        }
    }

    Context 'When file items come from the pipeline' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/piped[x].bin" -Length 128
            $second = New-TestFile -Path "$TestDrive/piped-second.bin" -Length 256
            $fromItem = Get-Item -LiteralPath $file | New-MemoryMap
            $fromString = $second | New-MemoryMap
            $many = Get-Item -LiteralPath $file, $second | New-MemoryMap
        }
        AfterAll {
            Close-MemoryMap $fromItem, $fromString
            $many | Close-MemoryMap
        }

        It 'Should bind a FileInfo by property name' {
            $fromItem.Path | Should -Be $file
        }
        It 'Should map the whole piped file' {
            $fromItem.Size | Should -Be 128
        }
        It 'Should bind a string as -Path' {
            $fromString.Path | Should -Be $second
        }
        It 'Should emit one map per piped item' {
            $many.Count | Should -Be 2
        }
        It 'Should map each piped item' {
            $many.Size | Should -Be @(128, 256)
        }
    }

    Context 'When -Path names several files' {
        BeforeAll {
            $first = New-TestFile -Path "$TestDrive/several-1.bin" -Length 10
            $second = New-TestFile -Path "$TestDrive/several-2.bin" -Length 20
            $maps = New-MemoryMap -Path $first, $second
        }
        AfterAll {
            $maps | Close-MemoryMap
        }

        It 'Should emit one map per path' {
            $maps.Count | Should -Be 2
        }
        It 'Should map the files in order' {
            $maps.Path | Should -Be @($first, $second)
        }
    }

    Context 'When one of several paths is missing' {
        BeforeAll {
            $good = New-TestFile -Path "$TestDrive/partial.bin" -Length 10
            $maps = New-MemoryMap -Path "$TestDrive/partial-missing.bin", $good -ErrorVariable errors -ErrorAction SilentlyContinue
        }
        AfterAll {
            $maps | Close-MemoryMap
        }

        It 'Should still map the file that exists' {
            $maps.Path | Should -Be $good
        }
        It 'Should write one non-terminating FileNotFound error' {
            $errors.FullyQualifiedErrorId | Should -Be 'FileNotFound,Mman.Commands.NewMemoryMapCommand'
        }
    }

    Context 'When mapping a file with -WhatIf' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/whatif.bin" -Length 64
            $before = @((Get-MemoryMap).Id)
            $output = New-MemoryMap -Path $file -Protection Read, Write -WhatIf
            $after = @((Get-MemoryMap).Id)
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should open no map' {
            $after | Should -Be $before
        }
    }

    Context 'When the file does not exist' {
        BeforeAll {
            $missing = "$TestDrive/missing.bin"
            $err = Get-ErrorRecord { New-MemoryMap -Path $missing -ErrorAction Stop }
        }

        It 'Should fail with FileNotFound' {
            { New-MemoryMap -Path $missing -ErrorAction Stop } | Should -Throw -ErrorId 'FileNotFound,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should name the path in the message' {
            $err.Exception.Message | Should -BeLike '*missing.bin*'
        }
        It 'Should fail with FileNotFound for -LiteralPath too' {
            { New-MemoryMap -LiteralPath $missing -ErrorAction Stop } | Should -Throw -ErrorId 'FileNotFound,Mman.Commands.NewMemoryMapCommand'
        }
    }

    Context 'When a wildcard matches no file' {
        BeforeAll {
            $err = Get-ErrorRecord { New-MemoryMap -Path "$TestDrive/nothing-*.bin" -ErrorAction Stop }
        }

        It 'Should fail with FileNotFound' {
            { New-MemoryMap -Path "$TestDrive/nothing-*.bin" -ErrorAction Stop } | Should -Throw -ErrorId 'FileNotFound,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should say no file matches the pattern' {
            $err.Exception.Message | Should -BeLike "No file matches*nothing-``*.bin*"
        }
    }

    Context 'When a wildcard matches two files' {
        BeforeAll {
            $null = New-TestFile -Path "$TestDrive/twin-a.bin" -Length 8
            $null = New-TestFile -Path "$TestDrive/twin-b.bin" -Length 8
            $err = Get-ErrorRecord { New-MemoryMap -Path "$TestDrive/twin-?.bin" -ErrorAction Stop }
        }

        It 'Should fail with PathAmbiguous' {
            { New-MemoryMap -Path "$TestDrive/twin-?.bin" -ErrorAction Stop } | Should -Throw -ErrorId 'PathAmbiguous,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say how many files match' {
            $err.Exception.Message | Should -BeLike '*matches 2 files*'
        }
    }

    Context 'When the path is a directory' {
        BeforeAll {
            $directory = New-Item -ItemType Directory -Path "$TestDrive/a-directory"
            $err = Get-ErrorRecord { New-MemoryMap -Path $directory.FullName -ErrorAction Stop }
        }

        It 'Should fail with PathIsDirectory' {
            { New-MemoryMap -Path $directory.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'PathIsDirectory,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the path is a directory' {
            $err.Exception.Message | Should -BeLike '*is a directory*'
        }
    }

    Context 'When the file is empty' {
        BeforeAll {
            $empty = "$TestDrive/empty.bin"
            [IO.File]::WriteAllBytes($empty, [byte[]]@())
            $err = Get-ErrorRecord { New-MemoryMap -Path $empty -ErrorAction Stop }
        }

        It 'Should fail with FileEmpty' {
            { New-MemoryMap -Path $empty -ErrorAction Stop } | Should -Throw -ErrorId 'FileEmpty,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the file is empty' {
            $err.Exception.Message | Should -BeLike '*is empty (0 bytes)*'
        }
        It 'Should advise writing to the file first' {
            $err.ErrorDetails.Message | Should -BeLike '*Write to the file first*'
        }
    }

    Context 'When the file is made by the system when read (<Path>, Linux only: Windows has no procfs or sysfs)' -ForEach @(
        @{ Path = '/proc/self/status'; FileSystem = 'procfs' }
        # The first sysfs file of these that this system has (the name says which was used).
        @{ Path = (@('/sys/kernel/mm/transparent_hugepage/enabled', '/sys/devices/system/cpu/online', '/sys/power/state') |
                Where-Object { $IsLinux -and (Test-Path -LiteralPath $_) } | Select-Object -First 1) ?? 'no sysfs file here'; FileSystem = 'sysfs' }
    ) {
        BeforeAll {
            if ($IsLinux -and (Test-Path -LiteralPath $Path)) {
                $err = Get-ErrorRecord { New-MemoryMap -LiteralPath $Path -ErrorAction Stop }
                $whatIf = Get-ErrorRecord { New-MemoryMap -LiteralPath $Path -WhatIf -ErrorAction Stop }
            }
        }

        It 'Should fail with FileNotMappable' -Skip:(-not $IsLinux -or -not (Test-Path -LiteralPath $Path)) {
            $err.FullyQualifiedErrorId | Should -Be 'FileNotMappable,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument with the path as target' -Skip:(-not $IsLinux -or -not (Test-Path -LiteralPath $Path)) {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.TargetObject | Should -Be $Path
        }
        It 'Should say it cannot be mapped, and why' -Skip:(-not $IsLinux -or -not (Test-Path -LiteralPath $Path)) {
            $err.Exception.Message | Should -BeLike "*'$Path' cannot be mapped: it is on $FileSystem, whose files are made by the system when they are read, so it has no pages to map*"
        }
        It 'Should not call it empty or blame mmap' -Skip:(-not $IsLinux -or -not (Test-Path -LiteralPath $Path)) {
            $err.Exception.Message | Should -Not -BeLike '*is empty*'
            $err.Exception.Message | Should -Not -BeLike '*ENODEV*'
            $err.ErrorDetails.Message | Should -Not -BeLike '*Write to the file first*'
        }
        It 'Should advise reading it with Get-Content' -Skip:(-not $IsLinux -or -not (Test-Path -LiteralPath $Path)) {
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*Get-Content*'
        }
        It 'Should refuse it the same way under -WhatIf' -Skip:(-not $IsLinux -or -not (Test-Path -LiteralPath $Path)) {
            $whatIf.FullyQualifiedErrorId | Should -Be $err.FullyQualifiedErrorId
        }
    }

    Context 'When -Size reaches past the end of the file' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/short.bin" -Length 100
            $err = Get-ErrorRecord { New-MemoryMap -Path $file -Offset 50 -Size 51 -ErrorAction Stop }
        }

        It 'Should fail with RangeBeyondEndOfFile' {
            { New-MemoryMap -Path $file -Offset 50 -Size 51 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeBeyondEndOfFile,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say how much can be mapped' {
            $err.Exception.Message | Should -BeLike '*at most 50 bytes can be mapped from offset 50*'
        }
        It 'Should map when -Size reaches exactly the end' {
            $map = New-MemoryMap -Path $file -Offset 50 -Size 50
            try {
                $map.Size | Should -Be 50
            }
            finally {
                Close-MemoryMap $map
            }
        }
    }

    Context 'When -Offset is at or past the end of the file' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/short-offset.bin" -Length 100
            $err = Get-ErrorRecord { New-MemoryMap -Path $file -Offset 100 -ErrorAction Stop }
        }

        It 'Should fail with RangeBeyondEndOfFile at the end' {
            { New-MemoryMap -Path $file -Offset 100 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeBeyondEndOfFile,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should fail with RangeBeyondEndOfFile past the end' {
            { New-MemoryMap -Path $file -Offset 5000 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeBeyondEndOfFile,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the offset is past the end' {
            $err.Exception.Message | Should -BeLike 'Offset 100 is at or past the end of the file*'
        }
    }

    Context 'When -Offset is negative' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/negative.bin" -Length 100
            $err = Get-ErrorRecord { New-MemoryMap -Path $file -Offset -1 -ErrorAction Stop }
        }

        It 'Should fail with OffsetNegative' {
            { New-MemoryMap -Path $file -Offset -1 -ErrorAction Stop } | Should -Throw -ErrorId 'OffsetNegative,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the offset must not be negative' {
            $err.Exception.Message | Should -Be 'Offset must not be negative, got -1'
        }
    }

    Context 'When -Size is 0 for a file' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/size-zero.bin" -Length 100
        }

        It 'Should fail with SizeNotPositive' {
            { New-MemoryMap -Path $file -Size 0 -ErrorAction Stop } | Should -Throw -ErrorId 'SizeNotPositive,Mman.Commands.NewMemoryMapCommand'
        }
    }

    Context 'When the path is not on the file system' {
        It 'Should fail with PathNotFileSystem for a provider other than FileSystem' {
            { New-MemoryMap -Path 'Env:/PATH' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFileSystem,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should fail with PathNotValid for a drive that does not exist' {
            { New-MemoryMap -Path 'NoSuchMmanDrive:/x.bin' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotValid,Mman.Commands.NewMemoryMapCommand'
        }
    }
}
