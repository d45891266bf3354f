BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'Read-MemoryMap' -Tag CI {
    Context 'When reading bytes from an anonymous map' {
        BeforeAll {
            $map = New-MemoryMap -Size 256
            Write-MemoryMap $map -Data ([byte[]](0..255))
            $four = Read-MemoryMap $map -Count 4
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit one object, not one per byte' {
            (Read-MemoryMap $map -Count 4 | Measure-Object).Count | Should -Be 1
        }
        It 'Should emit a byte[]' {
            $four.GetType() | Should -Be ([byte[]])
        }
        It 'Should read the bytes written' {
            $four | Should -Be @(0, 1, 2, 3)
        }
        It 'Should read the whole map by default' {
            (Read-MemoryMap $map).Length | Should -Be 256
        }
        It 'Should read from -Offset to the end without -Count' {
            $bytes = Read-MemoryMap $map -Offset 250
            $bytes | Should -Be @(250, 251, 252, 253, 254, 255)
        }
        It 'Should read -Count bytes from -Offset' {
            (Read-MemoryMap $map -Offset 100 -Count 3) | Should -Be @(100, 101, 102)
        }
        It 'Should read an empty array with -Count 0' {
            (Read-MemoryMap $map -Offset 10 -Count 0).Length | Should -Be 0
        }
        It 'Should read an empty array at -Offset equal to the size' {
            (Read-MemoryMap $map -Offset 256).Length | Should -Be 0
        }
        It 'Should take the map by the -Map alias' {
            (Read-MemoryMap -Map $map -Offset 7 -Count 1) | Should -Be @(7)
        }
        It 'Should take the map by -InputObject' {
            (Read-MemoryMap -InputObject $map -Offset 8 -Count 1) | Should -Be @(8)
        }
        It 'Should take the map from the pipeline' {
            ($map | Read-MemoryMap -Offset 9 -Count 1) | Should -Be @(9)
        }
    }

    Context 'When several maps come from the pipeline' {
        BeforeAll {
            $first = New-MemoryMap -Size 16
            $second = New-MemoryMap -Size 16
            Write-MemoryMap $first -Data 1
            Write-MemoryMap $second -Data 2
            $results = @($first, $second | Read-MemoryMap -Count 1)
        }
        AfterAll {
            Close-MemoryMap $first, $second
        }

        It 'Should emit one array per map' {
            $results.Count | Should -Be 2
        }
        It 'Should read each map in order' {
            $results[0][0], $results[1][0] | Should -Be @(1, 2)
        }
    }

    Context 'When reading a file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/read.bin" -Length 9000
            $map = New-MemoryMap -Path $file
            $expected = [IO.File]::ReadAllBytes($file)
            $bytes = Read-MemoryMap $map
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should read as many bytes as the file has' {
            $bytes.Length | Should -Be 9000
        }
        It 'Should read the bytes of the file' {
            [Convert]::ToBase64String($bytes) | Should -Be ([Convert]::ToBase64String($expected))
        }
        It 'Should read across a page boundary' {
            (Read-MemoryMap $map -Offset 4094 -Count 4) | Should -Be $expected[4094..4097]
        }
    }

    Context 'When reading with -AsString' {
        BeforeAll {
            $map = New-MemoryMap -Size 64
            $utf8 = [Text.Encoding]::UTF8.GetBytes('héllo wörld')
            Write-MemoryMap $map -Data $utf8
            $text = Read-MemoryMap $map -Count $utf8.Length -AsString
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit a string' {
            $text | Should -BeOfType ([string])
        }
        It 'Should decode UTF-8 by default' {
            $text | Should -BeExactly 'héllo wörld'
        }
        It 'Should decode with -Encoding utf8' {
            Read-MemoryMap $map -Count $utf8.Length -AsString -Encoding utf8 | Should -BeExactly 'héllo wörld'
        }
        It 'Should decode from -Offset' {
            Read-MemoryMap $map -Offset 7 -Count 6 -AsString | Should -BeExactly 'wörld'
        }
        It 'Should emit one string' {
            (Read-MemoryMap $map -Count 5 -AsString | Measure-Object).Count | Should -Be 1
        }
    }

    Context 'When reading with -AsString and another -Encoding' {
        BeforeAll {
            $map = New-MemoryMap -Size 64
            $unicode = [Text.Encoding]::Unicode.GetBytes('Ωmega')
            Write-MemoryMap $map -Data $unicode
            Write-MemoryMap $map -Data ([Text.Encoding]::ASCII.GetBytes('plain')) -Offset 32
            Write-MemoryMap $map -Data 0xE9 -Offset 40
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should decode UTF-16LE with -Encoding unicode' {
            Read-MemoryMap $map -Count $unicode.Length -AsString -Encoding unicode | Should -BeExactly 'Ωmega'
        }
        It 'Should decode with -Encoding ascii' {
            Read-MemoryMap $map -Offset 32 -Count 5 -AsString -Encoding ascii | Should -BeExactly 'plain'
        }
        It 'Should decode with an Encoding object' {
            Read-MemoryMap $map -Count $unicode.Length -AsString -Encoding ([Text.Encoding]::Unicode) | Should -BeExactly 'Ωmega'
        }
        It 'Should decode with a code page number' {
            Read-MemoryMap $map -Count $unicode.Length -AsString -Encoding 1200 | Should -BeExactly 'Ωmega'
        }
        It 'Should decode with -Encoding latin1' {
            Read-MemoryMap $map -Offset 40 -Count 1 -AsString -Encoding latin1 | Should -BeExactly 'é'
        }
        It 'Should refuse a name that is not an encoding' {
            { Read-MemoryMap $map -Count 1 -AsString -Encoding 'no-such-encoding' -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentTransformationError,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When -Offset and -Count reach outside the map' {
        BeforeAll {
            $map = New-MemoryMap -Size 100
            $err = Get-ErrorRecord { Read-MemoryMap $map -Offset 90 -Count 20 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with RangeOutsideMap' {
            { Read-MemoryMap $map -Offset 90 -Count 20 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should name the offset, the count and the size' {
            $err.Exception.Message | Should -BeLike 'Offset 90 and count 20 are outside the map: it is 100 bytes*'
        }
        It 'Should have the map as target' {
            $err.TargetObject.Id | Should -Be $map.Id
        }
        It 'Should fail with RangeOutsideMap for -Offset past the end' {
            { Read-MemoryMap $map -Offset 101 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with RangeOutsideMap for sums that overflow' {
            { Read-MemoryMap $map -Offset ([long]::MaxValue) -Count ([long]::MaxValue) -ErrorAction Stop } |
                Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should leave the map usable' {
            (Read-MemoryMap $map -Offset 99 -Count 1) | Should -Be @(0)
        }
    }

    Context 'When -Offset or -Count is negative' {
        BeforeAll {
            $map = New-MemoryMap -Size 100
            $offsetError = Get-ErrorRecord { Read-MemoryMap $map -Offset -1 -ErrorAction Stop }
            $countError = Get-ErrorRecord { Read-MemoryMap $map -Count -1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with OffsetNegative' {
            $offsetError.FullyQualifiedErrorId | Should -Be 'OffsetNegative,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report InvalidArgument for a negative offset' {
            $offsetError.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the offset must not be negative' {
            $offsetError.Exception.Message | Should -Be 'Offset must not be negative, got -1'
        }
        It 'Should fail with CountNegative' {
            $countError.FullyQualifiedErrorId | Should -Be 'CountNegative,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report InvalidArgument for a negative count' {
            $countError.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say the count must not be negative' {
            $countError.Exception.Message | Should -Be 'Count must not be negative, got -1'
        }
    }

    Context 'When -Count is more than one array can hold' {
        BeforeAll {
            # Untouched anonymous pages cost no memory, so a 3 GiB map is cheap.
            $big = New-MemoryMap -Size 3GB
            $small = New-MemoryMap -Size 4096
            $err = Get-ErrorRecord { Read-MemoryMap $big -Count 3GB -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $big, $small
        }

        It 'Should fail with CountTooLarge inside a large map' {
            $err.FullyQualifiedErrorId | Should -Be 'CountTooLarge,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say to read in smaller pieces' {
            $err.Exception.Message | Should -BeLike 'Count 3221225472 is more than one array can hold*smaller pieces*'
        }
        It 'Should fail with CountTooLarge when the default count is the whole large map' {
            { Read-MemoryMap $big -ErrorAction Stop } | Should -Throw -ErrorId 'CountTooLarge,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with RangeOutsideMap when the count is also past the map' {
            { Read-MemoryMap $big -Count 4GB -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with RangeOutsideMap in a small map' {
            { Read-MemoryMap $small -Count 3GB -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should still read a small range of the large map' {
            (Read-MemoryMap $big -Offset (3GB - 2) -Count 2) | Should -Be @(0, 0)
        }
    }

    Context 'When reading a range large enough to be copied in chunks' {
        BeforeAll {
            $size = 300MB
            $map = New-MemoryMap -Size $size
            Write-MemoryMap $map -Data 0x01 -Offset 1
            Write-MemoryMap $map -Data 0x7F -Offset (200MB)
            Write-MemoryMap $map -Data 0xFE -Offset ($size - 1)
            $bytes = Read-MemoryMap $map -Offset 1 -Count ($size - 1) -ProgressAction SilentlyContinue
        }
        AfterAll {
            $bytes = $null
            Close-MemoryMap $map
        }

        It 'Should read the whole range' {
            $bytes.Length | Should -Be ($size - 1)
        }
        It 'Should read the first byte of the range' {
            $bytes[0] | Should -Be 0x01
        }
        It 'Should read a byte in a later chunk at its place' {
            $bytes[200MB - 1] | Should -Be 0x7F
        }
        It 'Should read the last byte' {
            $bytes[$size - 2] | Should -Be 0xFE
        }
        It 'Should fail with RangeOutsideMap when the range reaches one byte past the end' {
            { Read-MemoryMap $map -Offset 1 -Count $size -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When the map does not allow reading' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Write-MemoryMap $map -Data 42
            Set-MemoryMapProtection $map None
            $err = Get-ErrorRecord { Read-MemoryMap $map -Count 1 -ErrorAction Stop }
            $bigError = Get-ErrorRecord { Read-MemoryMap $map -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapNotReadable' {
            { Read-MemoryMap $map -Count 1 -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report PermissionDenied' {
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should say the mapping is not readable' {
            $err.Exception.Message | Should -BeLike 'Mapping is not readable*'
        }
        It 'Should fail the same way for the whole map' {
            $bigError.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should read again once Read is restored' {
            Set-MemoryMapProtection $map Read
            (Read-MemoryMap $map -Count 1) | Should -Be @(42)
        }
    }

    Context 'When the map is closed' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Close-MemoryMap $map
            $err = Get-ErrorRecord { Read-MemoryMap $map -Count 1 -ErrorAction Stop }
        }

        It 'Should fail with MapClosed' {
            { Read-MemoryMap $map -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report InvalidOperation' {
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        It 'Should say the mapping is closed' {
            $err.Exception.Message | Should -BeLike 'Mapping is closed*'
        }
    }

    Context 'When the file behind the map has been truncated' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/truncated.bin" -Length 8192
            $map = New-MemoryMap -Path $file
            $stream = [IO.File]::Open($file, [IO.FileMode]::Open, [IO.FileAccess]::ReadWrite, [IO.FileShare]::ReadWrite)
            try {
                # Windows refuses to cut a file while a map of it is open (ERROR_USER_MAPPED_FILE).
                $truncateErr = Get-ErrorRecord { $stream.SetLength(100) }
            }
            finally {
                $stream.Dispose()
            }
            $err = Get-ErrorRecord { $null = Read-MemoryMap $map -Offset 5000 -Count 10 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        if ($IsWindows) {
            It 'Should be refused the truncation while the map is open (Windows)' {
                $truncateErr | Should -Not -BeNullOrEmpty
                # 0x800704C8: ERROR_USER_MAPPED_FILE, "a file with a user-mapped section open".
                $truncateErr.Exception.InnerException.HResult | Should -Be 0x800704C8
                (Get-Item -LiteralPath $file).Length | Should -Be 8192
            }
            It 'Should still read the bytes past the refused cut (Windows)' {
                $err | Should -BeNullOrEmpty
                (Read-MemoryMap $map -Offset 5000 -Count 10) | Should -Be (Get-FileByte -Path $file -Position 5000 -Count 10)
                (Read-MemoryMap $map -Offset 5000 -Count 10) | Should -Be (5000..5009 | ForEach-Object { Get-PatternByte $_ })
            }
            It 'Should still read the bytes below the refused cut (Windows)' {
                (Read-MemoryMap $map -Offset 99 -Count 1) | Should -Be @(Get-PatternByte 99)
            }
        }
        else {
            It 'Should fail with FileTruncated' {
                $truncateErr | Should -BeNullOrEmpty
                $err.FullyQualifiedErrorId | Should -Be 'FileTruncated,Mman.Commands.ReadMemoryMapCommand'
            }
            It 'Should report InvalidData' {
                $err.CategoryInfo.Category | Should -Be 'InvalidData'
            }
            It 'Should still read the bytes the file still has' {
                (Read-MemoryMap $map -Offset 99 -Count 1) | Should -Be @(Get-PatternByte 99)
            }
        }
    }

    Context 'When reading into a -Buffer' {
        BeforeAll {
            $map = New-MemoryMap -Size 100
            Write-MemoryMap $map -Data ([byte[]](1..100))
            $buffer = [byte[]]::new(16)
            $read = Read-MemoryMap $map -Buffer $buffer -Offset 10
            $filled = [byte[]]$buffer.Clone()
            $partBuffer = [byte[]](,0xEE * 16)
            $part = Read-MemoryMap $map -Buffer $partBuffer -Offset 20 -Count 4
            $tailBuffer = [byte[]]::new(16)
            $tail = Read-MemoryMap $map -Buffer $tailBuffer -Offset 90
            $end = Read-MemoryMap $map -Buffer $tailBuffer -Offset 100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit the number of bytes read, one [int]' {
            $read | Should -BeOfType [int]
            $read | Should -Be 16
        }
        It 'Should fill the buffer from -Offset' {
            $filled | Should -Be @(11..26)
        }
        It 'Should read -Count bytes and leave the rest of the buffer as it was' {
            $part | Should -Be 4
            $partBuffer | Should -Be (@(21, 22, 23, 24) + @(,0xEE * 12))
        }
        It 'Should read fewer bytes where the map ends' {
            $tail | Should -Be 10
            $tailBuffer[0..9] | Should -Be @(91..100)
        }
        It 'Should read 0 bytes at the end of the map' {
            $end | Should -Be 0
        }
        It 'Should refuse an offset past the end with RangeOutsideMap' {
            { Read-MemoryMap $map -Buffer $buffer -Offset 101 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse a negative offset with OffsetNegative' {
            { Read-MemoryMap $map -Buffer $buffer -Offset -1 -ErrorAction Stop } | Should -Throw -ErrorId 'OffsetNegative,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse a -Count larger than the buffer with BufferTooSmall, reading nothing' {
            $small = [byte[]]::new(4)
            $err = Get-ErrorRecord { Read-MemoryMap $map -Buffer $small -Count 5 -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -Be 'BufferTooSmall,Mman.Commands.ReadMemoryMapCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $small | Should -Be @(0, 0, 0, 0)
        }
        It 'Should refuse a negative -Count with CountNegative' {
            { Read-MemoryMap $map -Buffer $buffer -Count -1 -ErrorAction Stop } | Should -Throw -ErrorId 'CountNegative,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse several offsets with BufferTakesOneOffset' {
            { Read-MemoryMap $map -Buffer $buffer -Offset 0, 8 -ErrorAction Stop } | Should -Throw -ErrorId 'BufferTakesOneOffset,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse a null buffer before running' {
            { Read-MemoryMap $map -Buffer $null } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorNullNotAllowed,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should read nothing into an empty buffer' {
            Read-MemoryMap $map -Buffer ([byte[]]::new(0)) -Offset 5 | Should -Be 0
        }
        It 'Should not take -As or -AsString with it' {
            { Read-MemoryMap $map -Buffer $buffer -AsString } | Should -Throw -ErrorId 'AmbiguousParameterSet,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When a read of 256 MiB or more, copied with progress, is refused' {
        BeforeAll {
            # Untouched anonymous memory costs nothing; the read is refused before anything is copied.
            $map = New-MemoryMap -Size 300MB -Protection Write
            $allocated = [GC]::GetAllocatedBytesForCurrentThread()
            $err = Get-ErrorRecord { Read-MemoryMap $map -ErrorAction Stop }
            $allocated = [GC]::GetAllocatedBytesForCurrentThread() - $allocated
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapNotReadable' {
            $err.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should not allocate the 300 MiB array first' {
            $allocated | Should -BeLessThan 64MB
        }
    }

    Context 'When reading into a -Buffer is refused by the map' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Set-MemoryMapProtection $map Write
            $buffer = [byte[]](,7 * 8)
            $unreadable = Get-ErrorRecord { Read-MemoryMap $map -Buffer $buffer -ErrorAction Stop }
            $unreadableBuffer = [byte[]]$buffer.Clone()
            Close-MemoryMap $map
            $closed = Get-ErrorRecord { Read-MemoryMap $map -Buffer $buffer -ErrorAction Stop }
        }

        It 'Should fail with MapNotReadable and leave the buffer alone' {
            $unreadable.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
            $unreadableBuffer | Should -Be @(7, 7, 7, 7, 7, 7, 7, 7)
        }
        It 'Should fail with MapClosed' {
            $closed.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When a file is read in a loop with one reused -Buffer' {
        BeforeAll {
            $path = "$TestDrive/loop.bin"
            $content = [byte[]]::new(1MB + 12345)
            [Random]::new(5).NextBytes($content)
            [IO.File]::WriteAllBytes($path, $content)
            $map = New-MemoryMap -Path $path
            $buffer = [byte[]]::new(64KB)
            $hash = [Security.Cryptography.IncrementalHash]::CreateHash('SHA256')
            $offset = 0L
            $calls = 0
            while (($n = Read-MemoryMap $map -Buffer $buffer -Offset $offset) -gt 0) {
                $hash.AppendData($buffer, 0, $n)
                $offset += $n
                $calls++
            }
            $digest = [Convert]::ToHexString($hash.GetHashAndReset()).ToLowerInvariant()
            Close-MemoryMap $map
        }

        It 'Should read every byte, in pieces of the buffer''s size' {
            $offset | Should -Be $content.Length
            $calls | Should -Be 17
        }
        if ($IsWindows) {
            It 'Should read what Get-FileHash reads from the file (Windows: no sha256sum)' {
                # Get-FileHash reads the file with a FileStream, not through a map.
                $digest | Should -Be (Get-FileHash -LiteralPath $path -Algorithm SHA256).Hash.ToLowerInvariant()
            }
        }
        else {
            It 'Should read what sha256sum reads from the file' {
                $sha256sum = Get-Command sha256sum -CommandType Application -ErrorAction Ignore | Select-Object -First 1
                if (-not $sha256sum) { Set-ItResult -Skipped -Because 'sha256sum is not installed here'; return }
                $digest | Should -Be ((& $sha256sum.Source $path) -split '\s+')[0]
            }
        }
    }
}
