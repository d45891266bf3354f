# Find-MemoryMap against a naive search on random data with planted matches, including matches across
# the cmdlet's 64 MiB windows and the core's 1 MiB chunks of file maps.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    function Get-RandomByte {
        # Count bytes from a seeded generator, so a failure repeats.
        param([int] $Count, [int] $Seed)
        $bytes = [byte[]]::new($Count)
        [Random]::new($Seed).NextBytes($bytes)
        return , $bytes
    }

    function Find-NaiveOffset {
        # Every offset in [Start, End) where Pattern starts and ends, by a plain loop: Array.IndexOf
        # finds the candidates for the first byte, a byte-by-byte compare confirms each.
        param([byte[]] $Bytes, [byte[]] $Pattern, [long] $Start = 0, [long] $End = -1)
        if ($End -lt 0) { $End = $Bytes.Length }
        $found = [Collections.Generic.List[long]]::new()
        $last = $End - $Pattern.Length
        $i = if ($Start -le $last) { [Array]::IndexOf($Bytes, $Pattern[0], [int]$Start) } else { -1 }
        while ($i -ge 0 -and $i -le $last) {
            $j = 1
            while ($j -lt $Pattern.Length -and $Bytes[$i + $j] -eq $Pattern[$j]) { $j++ }
            if ($j -eq $Pattern.Length) { $found.Add($i) }
            $i = if ($i + 1 -le $last) { [Array]::IndexOf($Bytes, $Pattern[0], [int]($i + 1)) } else { -1 }
        }
        return , $found.ToArray()
    }

    function Set-Planted {
        # Copies Pattern into Bytes at each of At that leaves room for it.
        param([byte[]] $Bytes, [byte[]] $Pattern, [long[]] $At)
        foreach ($position in $At) {
            if ($position -ge 0 -and $position + $Pattern.Length -le $Bytes.Length) {
                [Array]::Copy($Pattern, 0, $Bytes, $position, $Pattern.Length)
            }
        }
    }

    function New-SearchMap {
        # A map holding Content: anonymous, a whole file, or a file from an offset no page starts at.
        param([string] $Kind, [byte[]] $Content, [string] $Name = 'search')
        if ($Kind -eq 'Anonymous') {
            $map = New-MemoryMap -Size $Content.Length
            Write-MemoryMap $map -Data $Content
            return $map
        }
        $offset = if ($Kind -eq 'FileAtOffset') { 4100 } else { 0 }
        $path = Join-Path $TestDrive "$Name-$Kind.bin"
        $stream = [IO.File]::Create($path)
        try {
            $stream.Write((Get-RandomByte -Count $offset -Seed 1), 0, $offset)
            $stream.Write($Content, 0, $Content.Length)
        }
        finally {
            $stream.Dispose()
        }
        return New-MemoryMap -Path $path -Offset $offset
    }

    function Get-Offset {
        # The offsets of Find-MemoryMap's matches, one by one down the pipeline (nothing for no match).
        param([AllowNull()] [object[]] $Match)
        foreach ($item in $Match) { [long]$item.Offset }
    }
}

Describe 'Find-MemoryMap' -Tag CI {
    Context 'When searching random data with planted matches (<Kind>)' -ForEach @(
        @{ Kind = 'Anonymous' }, @{ Kind = 'File' }, @{ Kind = 'FileAtOffset' }
    ) {
        BeforeAll {
            $size = 3MB + 17
            $content = Get-RandomByte -Count $size -Seed (10 + $Kind.Length)
            # A two-byte pattern matches by chance about fifty times; the eight-byte one only where planted.
            $short = Get-RandomByte -Count 2 -Seed 2
            $long = Get-RandomByte -Count 8 -Seed 3
            Set-Planted $content $short 0, 1000, 1001, (1MB - 1), (2MB - 1), ($size - 2)
            Set-Planted $content $long 5000, (1MB - 5), (2MB - 3), (3MB - 8), ($size - 8)
            $map = New-SearchMap -Kind $Kind -Content $content
            $ranges = @(@(0, $size), @(1, ($size - 1)), @(1000, 1MB), @((1MB - 4), 10), @((1MB - 5), 8), @((2MB - 100), (1MB + 50)))
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should find every match of a short pattern, in order, like a naive search' {
            Get-Offset (Find-MemoryMap $map -Pattern $short -All) | Should -Be (Find-NaiveOffset $content $short)
        }
        It 'Should find every match of a long pattern, in order, like a naive search' {
            $expected = Find-NaiveOffset $content $long
            $expected | Should -Be @(5000, (1MB - 5), (2MB - 3), (3MB - 8), ($size - 8))
            Get-Offset (Find-MemoryMap $map -Pattern $long -All) | Should -Be $expected
        }
        It 'Should find the first match' {
            Get-Offset (Find-MemoryMap $map -Pattern $short) | Should -Be 0
            Get-Offset (Find-MemoryMap $map -Pattern $long) | Should -Be 5000
        }
        It 'Should find the last match with -Last' {
            Get-Offset (Find-MemoryMap $map -Pattern $short -Last) | Should -Be (Find-NaiveOffset $content $short)[-1]
        }
        It 'Should find the match ending at the last byte with -Last' {
            Get-Offset (Find-MemoryMap $map -Pattern $long -Last) | Should -Be ($size - 8)
        }
        It 'Should find every match from the last with -All -Last' {
            $expected = Find-NaiveOffset $content $short
            [Array]::Reverse($expected)
            Get-Offset (Find-MemoryMap $map -Pattern $short -All -Last) | Should -Be $expected
        }
        It 'Should find the match across the 1 MiB chunk boundary' {
            Get-Offset (Find-MemoryMap $map -Pattern $long -Offset (1MB - 100) -Count 200) | Should -Be (1MB - 5)
            Get-Offset (Find-MemoryMap $map -Pattern $long -Offset (1MB - 100) -Count 200 -Last) | Should -Be (1MB - 5)
        }
        It 'Should find in -Offset and -Count ranges like a naive search' {
            foreach ($range in $ranges) {
                $expected = Find-NaiveOffset $content $short $range[0] ($range[0] + $range[1])
                $because = "range $($range[0]) + $($range[1])"
                Get-Offset (Find-MemoryMap $map -Pattern $short -Offset $range[0] -Count $range[1] -All) | Should -Be $expected -Because $because
                [Array]::Reverse($expected)
                Get-Offset (Find-MemoryMap $map -Pattern $short -Offset $range[0] -Count $range[1] -All -Last) | Should -Be $expected -Because $because
                $expected = Find-NaiveOffset $content $long $range[0] ($range[0] + $range[1])
                Get-Offset (Find-MemoryMap $map -Pattern $long -Offset $range[0] -Count $range[1] -All) | Should -Be $expected -Because $because
            }
        }
        It 'Should search from -Offset to the end without -Count' {
            Get-Offset (Find-MemoryMap $map -Pattern $long -Offset 5001 -All) | Should -Be (Find-NaiveOffset $content $long 5001)
        }
    }

    Context 'When a match crosses a 64 MiB window of an anonymous map' {
        BeforeAll {
            $size = 64MB + 1MB
            $map = New-MemoryMap -Size $size
            $needle = [byte[]](0x4E, 0x45, 0x45, 0x44, 0x4C, 0x45, 0x21, 0x7F)
            $backward = $size - 64MB
        }
        AfterAll {
            Close-MemoryMap $map
        }

        # Forward, the first window is [0, 64 MiB + 7); backward, it is [Size - 64 MiB - 7, Size).
        It 'Should find a match at <Name> like a naive search' -ForEach @(
            @{ Name = '64MB-3'; At = 64MB - 3 }
            @{ Name = '64MB-8'; At = 64MB - 8 }
            @{ Name = '64MB'; At = 64MB }
            @{ Name = '64MB+3'; At = 64MB + 3 }
            @{ Name = '64MB+7'; At = 64MB + 7 }
            @{ Name = 'Size-64MB-10 (the backward window)'; At = 1MB - 10 }
            @{ Name = 'Size-64MB-7 (the backward window)'; At = 1MB - 7 }
            @{ Name = 'Size-64MB-3 (the backward window)'; At = 1MB - 3 }
        ) {
            Write-MemoryMap $map -Data $needle -Offset $At
            try {
                $expected = Find-NaiveOffset (Read-MemoryMap $map) $needle
                $expected | Should -Be $At
                Get-Offset (Find-MemoryMap $map -Pattern $needle) | Should -Be $expected
                Get-Offset (Find-MemoryMap $map -Pattern $needle -Last) | Should -Be $expected
                Get-Offset (Find-MemoryMap $map -Pattern $needle -All) | Should -Be $expected
                Get-Offset (Find-MemoryMap $map -Pattern $needle -All -Last) | Should -Be $expected
            }
            finally {
                Write-MemoryMap $map -Data ([byte[]]::new($needle.Length)) -Offset $At
            }
        }
        It 'Should find matches on both sides of the window boundary, in order' {
            $at = [long[]]((64MB - 3), (64MB + 5), (1MB - 10), (1MB - 2))
            foreach ($position in $at) { Write-MemoryMap $map -Data $needle -Offset $position }
            try {
                $expected = Find-NaiveOffset (Read-MemoryMap $map) $needle
                $expected | Should -Be ([long[]]($at | Sort-Object))
                Get-Offset (Find-MemoryMap $map -Pattern $needle -All) | Should -Be $expected
                [Array]::Reverse($expected)
                Get-Offset (Find-MemoryMap $map -Pattern $needle -All -Last) | Should -Be $expected
            }
            finally {
                foreach ($position in $at) { Write-MemoryMap $map -Data ([byte[]]::new($needle.Length)) -Offset $position }
            }
        }
        It 'Should find a match across the backward window boundary of a -Count range with -Last' {
            # The range is [0, Size - 100), so the first backward window starts at Size - 100 - 64 MiB - 7.
            $position = $size - 100 - 64MB - 10
            Write-MemoryMap $map -Data $needle -Offset $position
            try {
                Get-Offset (Find-MemoryMap $map -Pattern $needle -Count ($size - 100) -Last) | Should -Be $position
                Get-Offset (Find-MemoryMap $map -Pattern $needle -Count ($size - 100) -Last -All) | Should -Be $position
            }
            finally {
                Write-MemoryMap $map -Data ([byte[]]::new($needle.Length)) -Offset $position
            }
        }
        It 'Should find a match across the window boundary of an -Offset range' {
            Write-MemoryMap $map -Data $needle -Offset (100 + 64MB - 3)
            try {
                Get-Offset (Find-MemoryMap $map -Pattern $needle -Offset 100) | Should -Be (100 + 64MB - 3)
            }
            finally {
                Write-MemoryMap $map -Data ([byte[]]::new($needle.Length)) -Offset (100 + 64MB - 3)
            }
        }
    }

    Context 'When a file map is larger than one 64 MiB window' {
        BeforeAll {
            # A sparse file: only the planted bytes take room.
            $size = 64MB + 1MB + 13
            $path = Join-Path $TestDrive 'sparse.bin'
            $needle = [byte[]](0x4E, 0x45, 0x45, 0x44, 0x4C, 0x45, 0x21, 0x7F)
            $at = [long[]](0, (1MB - 5), (64MB - 3), (64MB + 6), ($size - 64MB - 10), ($size - 8))
            $stream = [IO.File]::Create($path)
            try {
                Set-SparseFile $stream
                $stream.SetLength($size)
                foreach ($position in $at) {
                    $stream.Position = $position
                    $stream.Write($needle, 0, $needle.Length)
                }
            }
            finally {
                $stream.Dispose()
            }
            $expected = Find-NaiveOffset ([IO.File]::ReadAllBytes($path)) $needle
            $map = New-MemoryMap -Path $path
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should have planted the matches the naive search finds' {
            $expected | Should -Be ([long[]]($at | Sort-Object))
        }
        It 'Should find every match like a naive search' {
            Get-Offset (Find-MemoryMap $map -Pattern $needle -All) | Should -Be $expected
        }
        It 'Should find every match from the last with -All -Last' {
            $reversed = $expected.Clone()
            [Array]::Reverse($reversed)
            Get-Offset (Find-MemoryMap $map -Pattern $needle -All -Last) | Should -Be $reversed
        }
        It 'Should find the match ending at the last byte with -Last' {
            Get-Offset (Find-MemoryMap $map -Pattern $needle -Last) | Should -Be ($size - 8)
        }
    }

    Context 'When the match is at either end of the map' {
        BeforeAll {
            $map = New-MemoryMap -Size 4099
            Write-MemoryMap $map -Text 'head'
            Write-MemoryMap $map -Text 'tail' -Offset (4099 - 4)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should find a match at offset 0' {
            Get-Offset (Find-MemoryMap $map -Text 'head') | Should -Be 0
            Get-Offset (Find-MemoryMap $map -Text 'head' -Last) | Should -Be 0
        }
        It 'Should find a match ending at the last byte' {
            Get-Offset (Find-MemoryMap $map -Text 'tail') | Should -Be (4099 - 4)
            Get-Offset (Find-MemoryMap $map -Text 'tail' -Last -All) | Should -Be (4099 - 4)
        }
        It 'Should find a match ending at the last byte from an -Offset without -Count' {
            Get-Offset (Find-MemoryMap $map -Text 'tail' -Offset 4000) | Should -Be (4099 - 4)
        }
        It 'Should not find it when -Count stops one byte short' {
            Find-MemoryMap $map -Text 'tail' -Count (4099 - 1) | Should -BeNullOrEmpty
        }
    }

    Context 'When matches overlap' {
        BeforeAll {
            $map = New-MemoryMap -Size 8
            Write-MemoryMap $map -Text 'aaaa'
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should find each overlapping match with -All' {
            Get-Offset (Find-MemoryMap $map -Text 'aa' -All) | Should -Be @(0, 1, 2)
        }
        It 'Should find the last one with -Last' {
            Get-Offset (Find-MemoryMap $map -Text 'aa' -Last) | Should -Be 2
        }
        It 'Should find them from the last with -All -Last' {
            Get-Offset (Find-MemoryMap $map -Text 'aa' -All -Last) | Should -Be @(2, 1, 0)
        }
        It 'Should find one match without -All' {
            @(Find-MemoryMap $map -Text 'aa').Count | Should -Be 1
        }
        It 'Should find aba at 0, 2 and 4 of abababa' {
            Write-MemoryMap $map -Text 'abababa'
            Get-Offset (Find-MemoryMap $map -Text 'aba' -All) | Should -Be @(0, 2, 4)
            Get-Offset (Find-MemoryMap $map -Text 'aba' -All -Last) | Should -Be @(4, 2, 0)
        }
    }

    Context 'When -Offset and -Count cut the range' {
        BeforeAll {
            $map = New-MemoryMap -Size 200
            Write-MemoryMap $map -Text 'NEEDLE' -Offset 100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should find the match when the range holds exactly it' {
            Get-Offset (Find-MemoryMap $map -Text 'NEEDLE' -Offset 100 -Count 6) | Should -Be 100
        }
        It 'Should not find a match the range starts inside' {
            Find-MemoryMap $map -Text 'NEEDLE' -Offset 101 | Should -BeNullOrEmpty
        }
        It 'Should not find a match the range ends inside' {
            Find-MemoryMap $map -Text 'NEEDLE' -Count 105 | Should -BeNullOrEmpty
            Find-MemoryMap $map -Text 'NEEDLE' -Offset 100 -Count 5 -Last | Should -BeNullOrEmpty
        }
        It 'Should find nothing, without an error, for a pattern longer than the range' {
            Find-MemoryMap $map -Text 'NEEDLE' -Offset 100 -Count 3 -All -ErrorAction Stop | Should -BeNullOrEmpty
            Find-MemoryMap $map -Text 'NEEDLE' -Offset 200 -ErrorAction Stop | Should -BeNullOrEmpty
            Find-MemoryMap $map -Text 'NEEDLE' -Offset 50 -Count 0 -Last -ErrorAction Stop | Should -BeNullOrEmpty
        }
        It 'Should fail with RangeOutsideMap for a range past the end' {
            { Find-MemoryMap $map -Text 'NEEDLE' -Offset 150 -Count 51 -ErrorAction Stop } |
                Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.FindMemoryMapCommand'
            { Find-MemoryMap $map -Text 'NEEDLE' -Offset 201 -ErrorAction Stop } |
                Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.FindMemoryMapCommand'
        }
        It 'Should fail with OffsetNegative and CountNegative' {
            { Find-MemoryMap $map -Text 'NEEDLE' -Offset -1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'OffsetNegative,Mman.Commands.FindMemoryMapCommand'
            { Find-MemoryMap $map -Text 'NEEDLE' -Count -1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'CountNegative,Mman.Commands.FindMemoryMapCommand'
        }
    }

    Context 'When searching for -Text' {
        BeforeAll {
            $map = New-MemoryMap -Size 64
            Write-MemoryMap $map -Text 'Ωmega' -Encoding unicode -Offset 10
            Write-MemoryMap $map -Text 'Ωmega' -Offset 40
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should find UTF-16 text with -Encoding unicode' {
            Get-Offset (Find-MemoryMap $map -Text 'mega' -Encoding unicode) | Should -Be 12
        }
        It 'Should give the match the encoded length' {
            (Find-MemoryMap $map -Text 'Ωmega' -Encoding unicode).Length | Should -Be 10
        }
        It 'Should search UTF-8 by default' {
            Get-Offset (Find-MemoryMap $map -Text 'Ωmega') | Should -Be 40
            (Find-MemoryMap $map -Text 'Ωmega').Length | Should -Be 6
        }
        It 'Should take an Encoding object' {
            Get-Offset (Find-MemoryMap $map -Text 'Ωm' -Encoding ([Text.Encoding]::Unicode) -All) | Should -Be 10
        }
    }

    Context 'When the pattern is empty' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse an empty -Pattern' {
            { Find-MemoryMap $map -Pattern @() -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Mman.Commands.FindMemoryMapCommand'
        }
        It 'Should refuse an empty -Text' {
            { Find-MemoryMap $map -Text '' -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Mman.Commands.FindMemoryMapCommand'
        }
        It 'Should fail with PatternEmpty for -Text that encodes to no bytes' {
            $dropping = [Text.Encoding]::GetEncoding('us-ascii', [Text.EncoderReplacementFallback]::new(''), [Text.DecoderFallback]::ReplacementFallback)
            $err = Get-ErrorRecord { Find-MemoryMap $map -Text 'Ω' -Encoding $dropping -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -Be 'PatternEmpty,Mman.Commands.FindMemoryMapCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
    }

    Context 'When emitting matches' {
        BeforeAll {
            $map = New-MemoryMap -Size 32
            Write-MemoryMap $map -Data 1, 2, 3 -Offset 5
            Write-MemoryMap $map -Data 1, 2, 3 -Offset 20
            $found = @(Find-MemoryMap $map -Pattern 1, 2, 3 -All)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit MemoryMapMatch objects' {
            $found[0] | Should -BeOfType ([Mman.MemoryMapMatch])
        }
        It 'Should give the searched map' {
            [object]::ReferenceEquals($found[1].Map, $map) | Should -BeTrue
        }
        It 'Should give the pattern length' {
            $found[1].Length | Should -Be 3
        }
        It 'Should describe itself as map and offset' {
            "$($found[1])" | Should -Be "map $($map.Id) @ 20"
        }
        It 'Should pipe into Read-MemoryMap, reading at each match' {
            $read = @(Find-MemoryMap $map -Pattern 1, 2, 3 -All | Read-MemoryMap -Count 4)
            $read.Count | Should -Be 2
            $read[0] | Should -Be @(1, 2, 3, 0)
            $read[1] | Should -Be @(1, 2, 3, 0)
        }
        It 'Should pipe into Read-MemoryMap -As' {
            $read = @(Find-MemoryMap $map -Pattern 1, 2, 3 -Last | Read-MemoryMap -As UInt16 -Count 1)
            $read[0] | Should -Be @(0x0201)
        }
        It 'Should pipe into Write-MemoryMap, writing at each match, as MemoryMapMatch documents' {
            Find-MemoryMap $map -Pattern 1, 2, 3 -All | Write-MemoryMap -Data 9 -ErrorAction Stop
            (Read-MemoryMap $map -Offset 5 -Count 1) | Should -Be @(9)
            (Read-MemoryMap $map -Offset 20 -Count 1) | Should -Be @(9)
        }
    }

    Context 'When the pipeline wants only the first matches' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Write-MemoryMap $map -Text 'x' -Offset 10, 20, 30, 40
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should stop after Select-Object -First' {
            Get-Offset (Find-MemoryMap $map -Text 'x' -All | Select-Object -First 2) | Should -Be @(10, 20)
        }
        It 'Should stop after Select-Object -First with -Last' {
            Get-Offset (Find-MemoryMap $map -Text 'x' -All -Last | Select-Object -First 3) | Should -Be @(40, 30, 20)
        }
    }

    Context 'When several maps come from the pipeline' {
        BeforeAll {
            $first = New-MemoryMap -Size 16
            $second = New-MemoryMap -Size 16
            Write-MemoryMap $first -Text 'x' -Offset 3
            Write-MemoryMap $second -Text 'x' -Offset 9
            $found = @($first, $second | Find-MemoryMap -Text 'x')
        }
        AfterAll {
            Close-MemoryMap $first, $second
        }

        It 'Should search each map' {
            Get-Offset $found | Should -Be @(3, 9)
            $found[1].Map.Id | Should -Be $second.Id
        }
    }

    Context 'When the map cannot be searched' {
        BeforeAll {
            $unreadable = New-MemoryMap -Size 4096
            Set-MemoryMapProtection $unreadable None
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
            $file = New-TestFile -Path "$TestDrive/truncated.bin" -Length 8192
            $truncatedMap = New-MemoryMap -Path $file
            $stream = [IO.File]::Open($file, [IO.FileMode]::Open, [IO.FileAccess]::ReadWrite, [IO.FileShare]::ReadWrite)
            try {
                # Windows refuses to cut a file while a map of it is open (ERROR_USER_MAPPED_FILE).
                $truncateErr = Get-ErrorRecord { $stream.SetLength(100) }
            }
            finally {
                $stream.Dispose()
            }
            $err = Get-ErrorRecord { Find-MemoryMap $unreadable -Pattern 0 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $unreadable, $truncatedMap
        }

        It 'Should fail with MapNotReadable' {
            $err.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.FindMemoryMapCommand'
        }
        It 'Should report PermissionDenied' {
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should fail with MapClosed for a closed map' {
            { Find-MemoryMap $closed -Pattern 0 -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.FindMemoryMapCommand'
        }
        if ($IsWindows) {
            It 'Should be refused the truncation while the map is open (Windows)' {
                $truncateErr | Should -Not -BeNullOrEmpty
                # 0x800704C8: ERROR_USER_MAPPED_FILE, "a file with a user-mapped section open".
                $truncateErr.Exception.InnerException.HResult | Should -Be 0x800704C8
                (Get-Item -LiteralPath $file).Length | Should -Be 8192
            }
            It 'Should still search the whole file past the refused cut (Windows)' {
                $pattern = [byte[]]((Get-PatternByte 5000), (Get-PatternByte 5001))
                $expected = Find-NaiveOffset (Get-FileBytes $file) $pattern
                $expected | Should -Contain 5000
                Get-Offset (Find-MemoryMap $truncatedMap -Pattern $pattern -All) | Should -Be $expected
            }
        }
        else {
            It 'Should fail with FileTruncated for a range the file no longer has' {
                $truncateErr | Should -BeNullOrEmpty
                { Find-MemoryMap $truncatedMap -Pattern 0xEE -ErrorAction Stop } | Should -Throw -ErrorId 'FileTruncated,Mman.Commands.FindMemoryMapCommand'
            }
            It 'Should still search what the file still has' {
                $expected = Find-NaiveOffset (Get-FileBytes $file) ([byte[]](Get-PatternByte 50))
                Get-Offset (Find-MemoryMap $truncatedMap -Pattern (Get-PatternByte 50) -Count 100 -All) | Should -Be $expected
            }
        }
    }

    Context 'When searching more than one window' {
        BeforeAll {
            $big = New-MemoryMap -Size (64MB + 4096)
            $small = New-MemoryMap -Size (64MB)
            Write-MemoryMap $big -Text 'end' -Offset (64MB + 4093)

            function Get-ProgressOf {
                # The progress records Find-MemoryMap writes, collected by a PowerShell in this process.
                param([Mman.MemoryMap] $Map)
                $shell = [powershell]::Create()
                try {
                    $null = $shell.AddScript('param($m, $p) Import-Module $p; Find-MemoryMap $m -Text end -All').AddArgument($Map).AddArgument((Get-MmanModulePath))
                    $output = $shell.Invoke()
                    return [pscustomobject]@{ Output = @($output); Progress = @($shell.Streams.Progress) }
                }
                finally {
                    $shell.Dispose()
                }
            }
            $bigRun = Get-ProgressOf $big
            $smallRun = Get-ProgressOf $small
        }
        AfterAll {
            Close-MemoryMap $big, $small
        }

        It 'Should write progress for a range over 64 MiB' {
            $bigRun.Progress.Count | Should -BeGreaterThan 0
        }
        It 'Should complete its progress' {
            $bigRun.Progress[-1].RecordType | Should -Be 'Completed'
        }
        It 'Should still find the match' {
            $bigRun.Output.Offset | Should -Be (64MB + 4093)
        }
        It 'Should write no progress for 64 MiB or less' {
            $smallRun.Progress.Count | Should -Be 0
        }
    }

    Context 'When -All finds tens of thousands of matches in a file (<Kind>)' -ForEach @(
        @{ Kind = 'File' }
        @{ Kind = 'Anonymous' }
    ) {
        BeforeAll {
            # Log-like text, 'ERROR' in one line of ten or so, spread over more than one 256 KiB chunk.
            $random = [Random]::new(17)
            $builder = [Text.StringBuilder]::new()
            for ($line = 0; $line -lt 60000; $line++) {
                $level = if ($random.Next(10) -eq 0) { 'ERROR' } else { 'INFO' }
                $null = $builder.Append("2026-11-30T12:00:00 $level request $($random.Next()) took $($random.Next(1000)) ms`n")
            }
            $path = "$TestDrive/many.log"
            [IO.File]::WriteAllText($path, $builder.ToString())
            $bytes = [IO.File]::ReadAllBytes($path)
            $map = if ($Kind -eq 'File') { New-MemoryMap -Path $path } else {
                $anonymous = New-MemoryMap -Size $bytes.Length
                Write-MemoryMap $anonymous -Data $bytes
                $anonymous
            }
            $forward = @((Find-MemoryMap $map -Text 'ERROR' -All).Offset)
            $backward = @((Find-MemoryMap $map -Text 'ERROR' -All -Last).Offset)
            # An independent answer: .NET's regular expressions over the bytes as Latin-1 text.
            $expected = [Collections.Generic.List[long]]::new()
            foreach ($match in [regex]::Matches([Text.Encoding]::Latin1.GetString($bytes), 'ERROR')) { $expected.Add($match.Index) }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should find every match, in order' {
            $expected.Count | Should -BeGreaterThan 5000
            $forward | Should -Be $expected.ToArray()
        }
        It 'Should find every match from the end with -Last' {
            [array]::Reverse($backward)
            $backward | Should -Be $expected.ToArray()
        }
        if ($IsWindows) {
            It 'Should agree with an ordinal String.IndexOf over the file read anew (Windows: no grep)' {
                # Independent of the map and of the regular expressions above: the file read again with a
                # FileStream, searched with String.IndexOf.
                $text = [Text.Encoding]::Latin1.GetString((Get-FileBytes $path))
                $found = [Collections.Generic.List[long]]::new()
                $at = $text.IndexOf('ERROR', [StringComparison]::Ordinal)
                while ($at -ge 0) {
                    $found.Add($at)
                    $at = $text.IndexOf('ERROR', $at + 1, [StringComparison]::Ordinal)
                }
                $found.Count | Should -BeGreaterThan 5000
                $found.ToArray() | Should -Be $forward
            }
        }
        else {
            It 'Should agree with grep -b -o' {
                $grep = Get-Command grep -CommandType Application -ErrorAction Ignore | Select-Object -First 1
                if (-not $grep) { Set-ItResult -Skipped -Because 'grep is not installed here'; return }
                $env:LC_ALL = 'C'
                try { $lines = & $grep.Source -a -b -o -F ERROR $path } finally { Remove-Item Env:LC_ALL }
                [long[]]($lines | ForEach-Object { ($_ -split ':')[0] }) | Should -Be $forward
            }
        }
    }
}
