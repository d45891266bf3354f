BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'Write-MemoryMap' -Tag CI {
    Context 'When writing -Data to an anonymous map' {
        BeforeAll {
            $map = New-MemoryMap -Size 64
            $output = Write-MemoryMap $map -Data 1, 2, 3
            Write-MemoryMap $map 4, 5 -Offset 10
            Write-MemoryMap -Map $map -Data 6 -Offset 20
            $map | Write-MemoryMap -Data 7 -Offset 63
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should write at offset 0 by default' {
            (Read-MemoryMap $map -Count 4) | Should -Be @(1, 2, 3, 0)
        }
        It 'Should take -Data by position and write at -Offset' {
            (Read-MemoryMap $map -Offset 9 -Count 4) | Should -Be @(0, 4, 5, 0)
        }
        It 'Should take the map by the -Map alias' {
            (Read-MemoryMap $map -Offset 20 -Count 1) | Should -Be @(6)
        }
        It 'Should take the map from the pipeline and write the last byte' {
            (Read-MemoryMap $map -Offset 63 -Count 1) | Should -Be @(7)
        }
    }

    Context 'When writing with -PassThru' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
            $output = @(Write-MemoryMap $map -Data 9 -PassThru)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit one object' {
            $output.Count | Should -Be 1
        }
        It 'Should emit the same map' {
            $output[0].Id | Should -Be $map.Id
        }
        It 'Should emit the very same object' {
            [object]::ReferenceEquals($output[0], $map) | Should -BeTrue
        }
        It 'Should still write the data' {
            (Read-MemoryMap $map -Count 1) | Should -Be @(9)
        }
    }

    Context 'When writing -Text' {
        BeforeAll {
            $map = New-MemoryMap -Size 128
            Write-MemoryMap $map -Text 'héllo'
            Write-MemoryMap $map -Text 'Ωmega' -Encoding unicode -Offset 32
            Write-MemoryMap $map -Text 'plain' -Encoding ascii -Offset 64
            Write-MemoryMap $map -Text 'obj' -Encoding ([Text.Encoding]::BigEndianUnicode) -Offset 80
            Write-MemoryMap $map -Text 'é' -Encoding latin1 -Offset 96
            Write-MemoryMap $map -Text 'bom' -Encoding utf8BOM -Offset 100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should encode as UTF-8 without a byte-order mark by default' {
            (Read-MemoryMap $map -Count 7) | Should -Be @(0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F, 0)
        }
        It 'Should read back as the same text' {
            Read-MemoryMap $map -Count 6 -AsString | Should -BeExactly 'héllo'
        }
        It 'Should encode as UTF-16LE with -Encoding unicode' {
            (Read-MemoryMap $map -Offset 32 -Count 4) | Should -Be @(0xA9, 0x03, 0x6D, 0x00)
        }
        It 'Should encode with -Encoding ascii' {
            Read-MemoryMap $map -Offset 64 -Count 5 -AsString -Encoding ascii | Should -BeExactly 'plain'
        }
        It 'Should encode with an Encoding object' {
            (Read-MemoryMap $map -Offset 80 -Count 2) | Should -Be @(0x00, 0x6F)
        }
        It 'Should encode with -Encoding latin1' {
            (Read-MemoryMap $map -Offset 96 -Count 1) | Should -Be @(0xE9)
        }
        It 'Should write no byte-order mark even for utf8BOM' {
            (Read-MemoryMap $map -Offset 100 -Count 3) | Should -Be @(0x62, 0x6F, 0x6D)
        }
    }

    Context 'When writing to a shared file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/shared.bin" -Length 10000
            $map = New-MemoryMap -Path $file -Offset 3 -Protection Read, Write
            Write-MemoryMap $map -Text 'shared' -Offset 4096
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should put the bytes in the file at offset plus map offset' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 4099, 6) | Should -BeExactly 'shared'
        }
        It 'Should read the bytes back from the map' {
            Read-MemoryMap $map -Offset 4096 -Count 6 -AsString | Should -BeExactly 'shared'
        }
    }

    Context 'When writing to a private file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/private.bin" -Length 10000
            $map = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
            Write-MemoryMap $map -Text 'private' -Offset 5
            Sync-MemoryMap $map
            $fileBytes = [IO.File]::ReadAllBytes($file)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should read the bytes back from the map' {
            Read-MemoryMap $map -Offset 5 -Count 7 -AsString | Should -BeExactly 'private'
        }
        It 'Should not put the bytes in the file' {
            $fileBytes[5..11] | Should -Be (5..11 | ForEach-Object { Get-PatternByte $_ })
        }
    }

    Context 'When writing with -WhatIf' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
            Write-MemoryMap $map -Data 1, 2, 3
            $output = Write-MemoryMap $map -Data 7, 7, 7 -PassThru -WhatIf
            $null = Write-MemoryMap $map -Text 'abc' -Offset 8 -WhatIf
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should leave the bytes unchanged' {
            (Read-MemoryMap $map -Count 3) | Should -Be @(1, 2, 3)
        }
        It 'Should leave the bytes unchanged for -Text' {
            (Read-MemoryMap $map -Offset 8 -Count 3) | Should -Be @(0, 0, 0)
        }
        It 'Should emit nothing even with -PassThru' {
            $output | Should -BeNullOrEmpty
        }
    }

    Context 'When the map is not writable' {
        BeforeAll {
            $map = New-MemoryMap -Size 16 -Protection Read
            $err = Get-ErrorRecord { Write-MemoryMap $map -Data 1 -ErrorAction Stop }
            $output = Write-MemoryMap $map -Data 1 -PassThru -ErrorAction SilentlyContinue
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapNotWritable' {
            { Write-MemoryMap $map -Data 1 -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should report PermissionDenied' {
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should say the mapping is not writable' {
            $err.Exception.Message | Should -BeLike 'Mapping is not writable*'
        }
        It 'Should not emit the map with -PassThru on failure' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should leave the bytes unchanged' {
            (Read-MemoryMap $map -Count 1) | Should -Be @(0)
        }
    }

    Context 'When the data reaches outside the map' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
            $err = Get-ErrorRecord { Write-MemoryMap $map -Data 1, 2, 3 -Offset 14 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with RangeOutsideMap' {
            $err.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should name the offset, the count and the size' {
            $err.Exception.Message | Should -BeLike 'Offset 14 and count 3 are outside the map: it is 16 bytes*'
        }
        It 'Should write none of the bytes' {
            (Read-MemoryMap $map -Offset 14 -Count 2) | Should -Be @(0, 0)
        }
        It 'Should fail with RangeOutsideMap for an offset that would overflow' {
            { Write-MemoryMap $map -Data 1 -Offset ([long]::MaxValue) -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
    }

    Context 'When -Offset is negative' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
            $err = Get-ErrorRecord { Write-MemoryMap $map -Data 1 -Offset -1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with OffsetNegative' {
            $err.FullyQualifiedErrorId | Should -Be 'OffsetNegative,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the offset must not be negative' {
            $err.Exception.Message | Should -Be 'Offset must not be negative, got -1'
        }
    }

    Context 'When the map is closed' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
            Close-MemoryMap $map
            $err = Get-ErrorRecord { Write-MemoryMap $map -Data 1 -ErrorAction Stop }
        }

        It 'Should fail with MapClosed' {
            { Write-MemoryMap $map -Text 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should report InvalidOperation' {
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        It 'Should say the mapping is closed' {
            $err.Exception.Message | Should -BeLike 'Mapping is closed*'
        }
    }

    Context 'When writing data large enough to be copied in chunks' {
        BeforeAll {
            $length = 257MB
            $map = New-MemoryMap -Size ($length + 4096)
            $data = [byte[]]::new($length)
            $data[0] = 0x11
            $data[200MB] = 0x22
            $data[$length - 1] = 0x33
            Write-MemoryMap $map -Data $data -Offset 4096 -ProgressAction SilentlyContinue
        }
        AfterAll {
            $data = $null
            Close-MemoryMap $map
        }

        It 'Should write the first byte at the offset' {
            (Read-MemoryMap $map -Offset 4096 -Count 1) | Should -Be @(0x11)
        }
        It 'Should write a byte in a later chunk at its place' {
            (Read-MemoryMap $map -Offset (4096 + 200MB) -Count 1) | Should -Be @(0x22)
        }
        It 'Should write the last byte at the end of the map' {
            (Read-MemoryMap $map -Offset ($map.Size - 1) -Count 1) | Should -Be @(0x33)
        }
        It 'Should write nothing before the offset' {
            (Read-MemoryMap $map -Offset 4095 -Count 1) | Should -Be @(0)
        }
    }

    Context 'When large data would not fit and the write fails' {
        BeforeAll {
            $length = 257MB
            $map = New-MemoryMap -Size ($length + 4096)
            $data = [byte[]]::new($length)
            $data[0] = 0x44
            $data[$length - 1] = 0x55
            $outside = Get-ErrorRecord { Write-MemoryMap $map -Data $data -Offset 4097 -ErrorAction Stop -ProgressAction SilentlyContinue }
            $negative = Get-ErrorRecord { Write-MemoryMap $map -Data $data -Offset -1 -ErrorAction Stop -ProgressAction SilentlyContinue }
        }
        AfterAll {
            $data = $null
            Close-MemoryMap $map
        }

        It 'Should fail with RangeOutsideMap one byte past the end' {
            $outside.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should fail with OffsetNegative for a negative offset' {
            $negative.FullyQualifiedErrorId | Should -Be 'OffsetNegative,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should leave the map unchanged at the start of the refused range' {
            (Read-MemoryMap $map -Offset 4097 -Count 1) | Should -Be @(0)
        }
        It 'Should leave the map unchanged where the last byte of a negative-offset write would land' {
            (Read-MemoryMap $map -Offset ($length - 2) -Count 1) | Should -Be @(0)
        }
        It 'Should leave the map unchanged at offset 0' {
            (Read-MemoryMap $map -Count 1) | Should -Be @(0)
        }
    }

    Context 'When one of several offsets is on a page made read-only through a view' {
        BeforeAll {
            $page = [Mman.MemoryMap]::PageSize
            $map = New-MemoryMap -Size (4 * $page)
            $view = $map | New-MemoryMap -Offset (2 * $page) -Size $page -Protection Read
            $dataErr = Get-ErrorRecord { Write-MemoryMap $map -Data 7 -Offset 0, (2 * $page) -ErrorAction Stop }
            $valueErr = Get-ErrorRecord { Write-MemoryMap $map -Value 7, 7 -As Byte -Offset 0, (2 * $page) -ErrorAction Stop }
            $textErr = Get-ErrorRecord { Write-MemoryMap $map -Text 'x' -Offset $page, (2 * $page + 1), 5 -ErrorAction Stop }
            $whatIfErr = Get-ErrorRecord { Write-MemoryMap $map -Data 7 -Offset 0, (2 * $page) -WhatIf -ErrorAction Stop }
            $bytes = Read-MemoryMap $map -Offset 0, $page, (2 * $page), 5 -Count 2
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail -Data with MapNotWritable' {
            $dataErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should fail -Value and -Text the same way' {
            $valueErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
            $textErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should write nothing at the offsets before the refused one' {
            foreach ($pair in $bytes) { $pair | Should -Be @(0, 0) }
        }
        It 'Should report the same error with -WhatIf' {
            $whatIfErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should name the refused bytes in the message and say what to do in RecommendedAction' {
            $dataErr.Exception.Message | Should -Be "Mapping is not writable: bytes $(2 * $page)..$(2 * $page) of map $($map.Id) have protection Read."
            $dataErr.ErrorDetails.RecommendedAction | Should -Be 'Add Write with Set-MemoryMapProtection first.'
            "$dataErr" | Should -Be ($dataErr.Exception.Message + ' Add Write with Set-MemoryMapProtection first.')
        }
    }

    Context 'When the file was truncated below the second of two offsets' {
        BeforeAll {
            $page = [Mman.MemoryMap]::PageSize
            $path = New-TestFile -Path "$TestDrive/cut.bin" -Length (4 * $page)
            $map = New-MemoryMap -Path $path -Protection Read, Write
            $stream = [IO.File]::Open($path, [IO.FileMode]::Open, [IO.FileAccess]::ReadWrite, [IO.FileShare]::ReadWrite)
            try {
                # Windows refuses to cut a file while a map of it is open (ERROR_USER_MAPPED_FILE).
                $truncateErr = Get-ErrorRecord { $stream.SetLength(2 * $page) }
            }
            finally {
                $stream.Dispose()
            }
            $dataErr = Get-ErrorRecord { Write-MemoryMap $map -Data 7 -Offset 0, (3 * $page) -ErrorAction Stop }
            $valueErr = Get-ErrorRecord { Write-MemoryMap $map -Value 8, 9 -As Byte -Offset 1, (3 * $page + 1) -ErrorAction Stop }
            if ($IsWindows) { Sync-MemoryMap $map }
            $first = Get-FileByte -Path $path -Position 0 -Count 2
        }
        AfterAll {
            Close-MemoryMap $map
        }

        if ($IsWindows) {
            It 'Should be refused the truncation while the map is open (Windows)' {
                $truncateErr | Should -Not -BeNullOrEmpty
                # 0x800704C8: ERROR_USER_MAPPED_FILE, "a file with a user-mapped section open".
                $truncateErr.Exception.InnerException.HResult | Should -Be 0x800704C8
                (Get-Item -LiteralPath $path).Length | Should -Be (4 * $page)
            }
            It 'Should write at both offsets, and the map and the file should have the bytes (Windows)' {
                $dataErr | Should -BeNullOrEmpty
                $valueErr | Should -BeNullOrEmpty
                (Read-MemoryMap $map -Offset 0 -Count 3) | Should -Be @(7, 8, (Get-PatternByte 2))
                (Read-MemoryMap $map -Offset (3 * $page) -Count 3) | Should -Be @(7, 9, (Get-PatternByte (3 * $page + 2)))
                $first | Should -Be @(7, 8)
                $inFile = Get-FileByte -Path $path -Position (3 * $page) -Count 3
                $inFile | Should -Be @(7, 9, (Get-PatternByte (3 * $page + 2)))
            }
        }
        else {
            It 'Should fail with FileTruncated' {
                $truncateErr | Should -BeNullOrEmpty
                $dataErr.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.WriteMemoryMapCommand'
                $valueErr.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.WriteMemoryMapCommand'
            }
            It 'Should leave the first offset''s byte in the file as it was' {
                $first | Should -Be @((Get-PatternByte 0), (Get-PatternByte 1))
            }
        }
    }

    Context 'When -WhatIf is given a write that would fail' {
        BeforeAll {
            $output = Invoke-ChildPwsh -Script @'
$map = New-MemoryMap -Size 36 -Protection Read
foreach ($case in @(
        @{ Text = 'X' },
        @{ Text = 'X'; Offset = 1000 },
        @{ Value = 1, 2, 3; As = 'Int32'; Offset = 0, 4 },
        @{ Value = 'abc'; As = 'Int32' })) {
    try { Write-MemoryMap $map @case -WhatIf -ErrorAction Stop; 'NO ERROR' }
    catch { 'ERROR ' + $_.FullyQualifiedErrorId }
}
Set-MemoryMapProtection $map Read, Write
Write-MemoryMap $map -Text 'X' -WhatIf
'@
        }

        It 'Should report the error of the real write, not what it would do' {
            $lines = @($output | ForEach-Object { "$_" } | Where-Object { $_ -like 'ERROR *' })
            $lines | Should -Be @(
                'ERROR MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
                'ERROR RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
                'ERROR BatchMismatch,Mman.Commands.WriteMemoryMapCommand'
                'ERROR ValueNotConvertible,Mman.Commands.WriteMemoryMapCommand')
        }
        It 'Should print What if only for the write that would succeed' {
            @($output | ForEach-Object { "$_" } | Where-Object { $_ -like 'What if:*' }).Count | Should -Be 1
            @($output | ForEach-Object { "$_" } | Where-Object { $_ -eq 'NO ERROR' }).Count | Should -Be 0
        }
    }
}
