# Typed and batched access: Read-MemoryMap -As / -BigEndian / gathered -Offset, and Write-MemoryMap
# -Value -As / scattered -Offset, checked against [BitConverter] on random data.

BeforeDiscovery {
    $types = 'Byte', 'SByte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Single', 'Double'
    $kinds = 'Anonymous', 'File', 'FileAtOffset'
    $typeCases = foreach ($type in $types) {
        foreach ($bigEndian in $false, $true) {
            @{ Type = $type; BigEndian = $bigEndian; Order = $(if ($bigEndian) { 'big-endian' } else { 'little-endian' }) }
        }
    }
    $kindCases = foreach ($kind in $kinds) { @{ Kind = $kind; TypeCases = $typeCases } }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:MapSize = 64
    $script:ElementSize = @{
        Byte = 1; SByte = 1; Int16 = 2; UInt16 = 2; Int32 = 4; UInt32 = 4; Int64 = 8; UInt64 = 8; Single = 4; Double = 8
    }

    function Get-RandomByte {
        # Count bytes from a seeded generator, so a failure repeats.
        param([int] $Count, [int] $Seed)
        $bytes = [byte[]]::new($Count)
        [Random]::new($Seed).NextBytes($bytes)
        return , $bytes
    }

    function New-TypedMap {
        # A readable and writable map holding Content: anonymous, a shared map of a whole file, or a
        # shared map of a file from an offset that is not page-aligned.
        param([string] $Kind, [byte[]] $Content, [string] $Name = 'typed')
        if ($Kind -eq 'Anonymous') {
            $map = New-MemoryMap -Size $Content.Length
            Write-MemoryMap $map -Data $Content
            return $map
        }
        $offset = if ($Kind -eq 'FileAtOffset') { 4100 } else { 0 }
        $file = [byte[]]::new($offset + $Content.Length + 50)
        [Array]::Copy($Content, 0, $file, $offset, $Content.Length)
        $path = Join-Path $TestDrive "$Name-$Kind.bin"
        [IO.File]::WriteAllBytes($path, $file)
        return New-MemoryMap -Path $path -Offset $offset -Size $Content.Length -Protection Read, Write
    }

    function ConvertFrom-ElementByte {
        # What [BitConverter] makes of Count elements of Type from Position of Bytes; with -BigEndian,
        # of each element's bytes reversed first (Array.Reverse).
        param([string] $Type, [byte[]] $Bytes, [long] $Position, [long] $Count, [switch] $BigEndian)
        $size = $ElementSize[$Type]
        $work = [byte[]]::new($Count * $size)
        [Array]::Copy($Bytes, $Position, $work, 0, $work.Length)
        if ($BigEndian) {
            for ($i = 0; $i -lt $work.Length; $i += $size) { [Array]::Reverse($work, $i, $size) }
        }
        if ($Count -eq 0) { return , @() }
        $at = 0..($Count - 1) | ForEach-Object { $_ * $size }
        $values = switch ($Type) {
            'Byte' { foreach ($i in $at) { $work[$i] } }
            'SByte' { foreach ($i in $at) { [sbyte]([int]$work[$i] - 256 * [int]($work[$i] -gt 127)) } }
            'Int16' { foreach ($i in $at) { [BitConverter]::ToInt16($work, $i) } }
            'UInt16' { foreach ($i in $at) { [BitConverter]::ToUInt16($work, $i) } }
            'Int32' { foreach ($i in $at) { [BitConverter]::ToInt32($work, $i) } }
            'UInt32' { foreach ($i in $at) { [BitConverter]::ToUInt32($work, $i) } }
            'Int64' { foreach ($i in $at) { [BitConverter]::ToInt64($work, $i) } }
            'UInt64' { foreach ($i in $at) { [BitConverter]::ToUInt64($work, $i) } }
            'Single' { foreach ($i in $at) { [BitConverter]::ToSingle($work, $i) } }
            'Double' { foreach ($i in $at) { [BitConverter]::ToDouble($work, $i) } }
        }
        return , @($values)
    }

    function ConvertTo-ElementByte {
        # [BitConverter]'s bytes of each value as Type (each reversed with -BigEndian), concatenated.
        param([string] $Type, [AllowEmptyCollection()] [object[]] $Value, [switch] $BigEndian)
        $size = $ElementSize[$Type]
        $bytes = [Collections.Generic.List[byte]]::new()
        switch ($Type) {
            'Byte' { foreach ($item in $Value) { $bytes.Add([byte]$item) } }
            'SByte' { foreach ($item in $Value) { $bytes.Add([byte](([int][sbyte]$item + 256) % 256)) } }
            'Int16' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([int16]$item)) } }
            'UInt16' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([uint16]$item)) } }
            'Int32' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([int32]$item)) } }
            'UInt32' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([uint32]$item)) } }
            'Int64' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([int64]$item)) } }
            'UInt64' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([uint64]$item)) } }
            'Single' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([single]$item)) } }
            'Double' { foreach ($item in $Value) { $bytes.AddRange([BitConverter]::GetBytes([double]$item)) } }
        }
        $array = $bytes.ToArray()
        if ($BigEndian) {
            for ($i = 0; $i -lt $array.Length; $i += $size) { [Array]::Reverse($array, $i, $size) }
        }
        return , $array
    }

    function Get-Hex {
        # Bytes as one hex string: compares bit-exactly (NaN included) and reads well in a failure.
        param([AllowEmptyCollection()] [byte[]] $Bytes)
        return [BitConverter]::ToString($Bytes)
    }
}

Describe 'Read-MemoryMap -As' -Tag CI {
    Context 'When reading every type from a map (<Kind>)' -ForEach $kindCases {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed (1 + $Kind.Length)
            $map = New-TypedMap -Kind $Kind -Content $content
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should read <Type> <Order> like BitConverter at unaligned offsets' -ForEach $TypeCases {
            foreach ($offset in 0, 1, 3, 7) {
                $count = [Math]::Floor(($MapSize - $offset) / $ElementSize[$Type])
                $expected = ConvertFrom-ElementByte -Type $Type -Bytes $content -Position $offset -Count $count -BigEndian:$BigEndian
                $actual = Read-MemoryMap $map -Offset $offset -As $Type -BigEndian:$BigEndian
                $actual.Length | Should -Be $count -Because "offset $offset"
                Get-Hex (ConvertTo-ElementByte $Type $actual) | Should -Be (Get-Hex (ConvertTo-ElementByte $Type $expected)) -Because "offset $offset"
                if ($Type -notin 'Single', 'Double') {
                    $actual | Should -Be $expected -Because "offset $offset"
                }
            }
            $two = ConvertFrom-ElementByte -Type $Type -Bytes $content -Position 5 -Count 2 -BigEndian:$BigEndian
            Get-Hex (ConvertTo-ElementByte $Type (Read-MemoryMap $map -Offset 5 -As $Type -Count 2 -BigEndian:$BigEndian)) |
                Should -Be (Get-Hex (ConvertTo-ElementByte $Type $two)) -Because '-Count 2 at offset 5'
        }
    }

    Context 'When reading each type' {
        BeforeAll {
            $map = New-MemoryMap -Size $MapSize
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit one <_>[], not its elements' -ForEach 'Byte', 'SByte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Single', 'Double' {
            $output = @(Read-MemoryMap $map -Offset 1 -As $_ -Count 3)
            $output.Count | Should -Be 1
            $output[0].GetType() | Should -Be ([type]"System.$_[]")
            $output[0].Length | Should -Be 3
        }
    }

    Context 'When reading known bytes' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
            Write-MemoryMap $map -Data 1, 2, 3, 4, 5, 6, 7, 8 -Offset 1
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should read Int32 little-endian by default' {
            (Read-MemoryMap $map -Offset 1 -As Int32 -Count 1) | Should -Be 0x04030201
        }
        It 'Should read Int32 big-endian with -BigEndian' {
            (Read-MemoryMap $map -Offset 1 -As Int32 -Count 1 -BigEndian) | Should -Be 0x01020304
        }
        It 'Should read UInt64 big-endian' {
            (Read-MemoryMap $map -Offset 1 -As UInt64 -Count 1 -BigEndian) | Should -Be ([uint64]0x0102030405060708)
        }
        It 'Should ignore -BigEndian for bytes' {
            (Read-MemoryMap $map -Offset 1 -As Byte -Count 2 -BigEndian) | Should -Be @(1, 2)
        }
    }

    Context 'When -Count is left out or given' {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed 20
            $map = New-TypedMap -Kind Anonymous -Content $content
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should read all whole elements to the end from one offset' {
            (Read-MemoryMap $map -Offset 3 -As Int64).Length | Should -Be 7
        }
        It 'Should read all whole elements of the map by default' {
            (Read-MemoryMap $map -As Double).Length | Should -Be 8
        }
        It 'Should read an empty array when less than one element is left' {
            $empty = Read-MemoryMap $map -Offset ($MapSize - 3) -As Int32
            $empty.GetType() | Should -Be ([int[]])
            $empty.Length | Should -Be 0
        }
        It 'Should read an empty array at -Offset equal to the size' {
            (Read-MemoryMap $map -Offset $MapSize -As Int16).Length | Should -Be 0
        }
        It 'Should read one element at each of several offsets' {
            $values = Read-MemoryMap $map -Offset 0, 9, 3 -As Int32
            $values | Should -Be @(
                [BitConverter]::ToInt32($content, 0), [BitConverter]::ToInt32($content, 9), [BitConverter]::ToInt32($content, 3))
        }
        It 'Should read -Count elements at each of several offsets' {
            (Read-MemoryMap $map -Offset 0, 9, 3 -As Int32 -Count 2).Length | Should -Be 6
        }
        It 'Should read an empty array with -Count 0' {
            (Read-MemoryMap $map -Offset 0, 9 -As Int32 -Count 0).Length | Should -Be 0
        }
        It 'Should fail with RangeOutsideMap when -Count elements reach past the end' {
            { Read-MemoryMap $map -Offset 1 -As Int64 -Count 8 -ErrorAction Stop } |
                Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with CountNegative for a negative -Count' {
            { Read-MemoryMap $map -As Int64 -Count -1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'CountNegative,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with OffsetNegative for a negative -Offset' {
            { Read-MemoryMap $map -As Int64 -Offset -1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'OffsetNegative,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with RangeOutsideMap, as for bytes, when -Count elements are far more than a small map holds' {
            # Read-MemoryMap -Count 3GB of a small map is RangeOutsideMap; the typed read should agree.
            { Read-MemoryMap $map -Count 3GB -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
            { Read-MemoryMap $map -As Int64 -Count 400000000 -ErrorAction Stop } |
                Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When -Count elements are more than one array can hold' {
        BeforeAll {
            # Untouched anonymous pages cost nothing.
            $big = New-MemoryMap -Size 3GB
        }
        AfterAll {
            Close-MemoryMap $big
        }

        It 'Should fail with CountTooLarge' {
            { Read-MemoryMap $big -As Int64 -Count 300000000 -ErrorAction Stop } |
                Should -Throw -ErrorId 'CountTooLarge,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with CountTooLarge for the default count of the whole map' {
            { Read-MemoryMap $big -As Byte -ErrorAction Stop } | Should -Throw -ErrorId 'CountTooLarge,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When gathering from several offsets (<Kind>)' -ForEach @(@{ Kind = 'Anonymous' }, @{ Kind = 'File' }, @{ Kind = 'FileAtOffset' }) {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed (30 + $Kind.Length)
            $map = New-TypedMap -Kind $Kind -Content $content -Name gather
            $offsets = [long[]](37, 3, 3, 0, 40, 11, 37, 1)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should equal the single reads concatenated, with duplicate and unsorted offsets' {
            $gathered = Read-MemoryMap $map -Offset $offsets -As Int64 -Count 3
            $single = foreach ($offset in $offsets) { (Read-MemoryMap $map -Offset $offset -As Int64 -Count 3) }
            $gathered.Length | Should -Be 24
            $gathered | Should -Be $single
        }
        It 'Should equal the single reads concatenated with -BigEndian' {
            $gathered = Read-MemoryMap $map -Offset $offsets -As UInt16 -Count 2 -BigEndian
            $single = foreach ($offset in $offsets) { (Read-MemoryMap $map -Offset $offset -As UInt16 -Count 2 -BigEndian) }
            $gathered | Should -Be $single
        }
        It 'Should equal BitConverter at each offset' {
            $gathered = Read-MemoryMap $map -Offset $offsets -As Int32
            $gathered | Should -Be @($offsets | ForEach-Object { [BitConverter]::ToInt32($content, $_) })
        }
        It 'Should emit one array for all offsets' {
            @(Read-MemoryMap $map -Offset $offsets -As Int32).Count | Should -Be 1
        }
    }

    Context 'When one offset among many is outside the map' {
        BeforeAll {
            $map = New-MemoryMap -Size $MapSize
            $typed = @(Read-MemoryMap $map -Offset 0, 8, ($MapSize - 4), 16 -As Int64 -ErrorAction SilentlyContinue -ErrorVariable typedErrors)
            $bytes = @(Read-MemoryMap $map -Offset 0, 8, ($MapSize + 1), 16 -Count 2 -ErrorAction SilentlyContinue -ErrorVariable bytesErrors)
            $strings = @(Read-MemoryMap $map -Offset 0, 8, ($MapSize + 1) -Count 2 -AsString -ErrorAction SilentlyContinue)
            $negative = @(Read-MemoryMap $map -Offset 0, -8 -As Int16 -ErrorAction SilentlyContinue -ErrorVariable negativeErrors)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with RangeOutsideMap for -As' {
            $typedErrors[0].FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should emit nothing for -As' {
            $typed.Count | Should -Be 0
        }
        It 'Should fail with OffsetNegative for a negative offset among many' {
            $negativeErrors[0].FullyQualifiedErrorId | Should -Be 'OffsetNegative,Mman.Commands.ReadMemoryMapCommand'
            $negative.Count | Should -Be 0
        }
        It 'Should fail with RangeOutsideMap for bytes' {
            $bytesErrors[0].FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should check every offset before emitting any bytes' {
            $bytes.Count | Should -Be 0
        }
        It 'Should check every offset before emitting any string' {
            $strings.Count | Should -Be 0
        }
    }

    Context 'When reading bytes at several offsets' {
        BeforeAll {
            $map = New-MemoryMap -Size $MapSize
            Write-MemoryMap $map -Data ([byte[]](0..($MapSize - 1)))
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit one byte[] per offset with -Count' {
            $arrays = @(Read-MemoryMap $map -Offset 10, 3 -Count 2)
            $arrays.Count | Should -Be 2
            $arrays[0] | Should -Be @(10, 11)
            $arrays[1] | Should -Be @(3, 4)
        }
        It 'Should read from each offset to the end without -Count' {
            $arrays = @(Read-MemoryMap $map -Offset 10, 3)
            $arrays.Count | Should -Be 2
            $arrays[0] | Should -Be (10..($MapSize - 1))
            $arrays[1] | Should -Be (3..($MapSize - 1))
        }
    }

    Context 'When offsets come from the pipeline by property name' {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed 40
            $map = New-TypedMap -Kind Anonymous -Content $content
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should read at the piped Offset' {
            ([pscustomobject]@{ Offset = 8 } | Read-MemoryMap $map -As Int32 -Count 1) | Should -Be ([BitConverter]::ToInt32($content, 8))
        }
        It 'Should read all whole elements from the piped Offset without -Count' {
            $values = [pscustomobject]@{ Offset = 8 } | Read-MemoryMap $map -As Int32
            $values.Length | Should -Be 14
            $values[0] | Should -Be ([BitConverter]::ToInt32($content, 8))
        }
        It 'Should emit one array per piped object' {
            $arrays = @([pscustomobject]@{ Offset = 8 }, [pscustomobject]@{ Offset = 5 } | Read-MemoryMap $map -As Int16 -Count 1)
            $arrays.Count | Should -Be 2
            $arrays[1][0] | Should -Be ([BitConverter]::ToInt16($content, 5))
        }
        It 'Should take both Map and Offset from the piped object' {
            ([pscustomobject]@{ Map = $map; Offset = 13 } | Read-MemoryMap -As UInt32 -Count 1) | Should -Be ([BitConverter]::ToUInt32($content, 13))
        }
        It 'Should gather when the piped Offset is an array' {
            ([pscustomobject]@{ Offset = [long[]](4, 0) } | Read-MemoryMap $map -As Int32) |
                Should -Be @([BitConverter]::ToInt32($content, 4), [BitConverter]::ToInt32($content, 0))
        }
    }

    Context 'When a file map with a FileOffset is piped in' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/fileoffset.bin" -Length 12000
            $fileBytes = [IO.File]::ReadAllBytes($file)
            $map = New-MemoryMap -Path $file -Offset 4100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should have a FileOffset and no Offset property' {
            $map.FileOffset | Should -Be 4100
            $map.PSObject.Properties['Offset'] | Should -BeNullOrEmpty
        }
        It 'Should read bytes from map offset 0' {
            ($map | Read-MemoryMap -Count 4) | Should -Be $fileBytes[4100..4103]
        }
        It 'Should read typed values from map offset 0' {
            ($map | Read-MemoryMap -As Int32 -Count 1) | Should -Be ([BitConverter]::ToInt32($fileBytes, 4100))
        }
        It 'Should read the whole map by default' {
            ($map | Read-MemoryMap).Length | Should -Be (12000 - 4100)
        }
        It 'Should write at map offset 0 when piped into Write-MemoryMap' {
            $writable = New-MemoryMap -Path $file -Offset 4100 -Protection Read, Write -Sharing Private
            try {
                $writable | Write-MemoryMap -Value 0x7F7E7D7C -As Int32
                (Read-MemoryMap $writable -Count 5) | Should -Be @(0x7C, 0x7D, 0x7E, 0x7F, $fileBytes[4104])
            }
            finally {
                Close-MemoryMap $writable
            }
        }
        It 'Should read from map offset 0 when piped from Get-MemoryMap' {
            (Get-MemoryMap | Where-Object Id -EQ $map.Id | Read-MemoryMap -Count 2) | Should -Be $fileBytes[4100..4101]
        }
    }

    Context 'When the map cannot be read' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Set-MemoryMapProtection $map None
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapNotReadable for one offset' {
            { Read-MemoryMap $map -As Int32 -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with MapNotReadable for several offsets' {
            { Read-MemoryMap $map -Offset 0, 4 -As Int32 -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should fail with MapClosed for a closed map' {
            { Read-MemoryMap $closed -Offset 0, 4 -As Int32 -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.ReadMemoryMapCommand'
        }
    }
}

Describe 'Write-MemoryMap -Value' -Tag CI {
    Context 'When writing every type to a map (<Kind>)' -ForEach $kindCases {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed (50 + $Kind.Length)
            $map = New-TypedMap -Kind $Kind -Content $content -Name write
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should store <Type> <Order> as BitConverter does at unaligned offsets' -ForEach $TypeCases {
            foreach ($offset in 1, 3, 7) {
                $count = [int][Math]::Floor(($MapSize - $offset) / $ElementSize[$Type])
                $source = Get-RandomByte -Count ($count * $ElementSize[$Type]) -Seed ($offset + $Type.Length)
                $values = ConvertFrom-ElementByte -Type $Type -Bytes $source -Position 0 -Count $count
                Write-MemoryMap $map -Value $values -As $Type -Offset $offset -BigEndian:$BigEndian
                $expected = ConvertTo-ElementByte -Type $Type -Value $values -BigEndian:$BigEndian
                Get-Hex (Read-MemoryMap $map -Offset $offset -Count $expected.Length) | Should -Be (Get-Hex $expected) -Because "offset $offset"
                Get-Hex (ConvertTo-ElementByte $Type (Read-MemoryMap $map -Offset $offset -As $Type -BigEndian:$BigEndian)) |
                    Should -Be (Get-Hex (ConvertTo-ElementByte $Type $values)) -Because "offset $offset read back"
            }
        }
        It 'Should leave the bytes around a written <Type> alone' -ForEach $TypeCases {
            $before = Read-MemoryMap $map
            Write-MemoryMap $map -Value 1 -As $Type -Offset 5 -BigEndian:$BigEndian
            $after = Read-MemoryMap $map
            Get-Hex $after[0..4] | Should -Be (Get-Hex $before[0..4])
            $end = 5 + $ElementSize[$Type]
            Get-Hex $after[$end..($MapSize - 1)] | Should -Be (Get-Hex $before[$end..($MapSize - 1)])
        }
    }

    Context 'When writing to a shared file map' {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed 60
            $map = New-TypedMap -Kind FileAtOffset -Content $content -Name shared
            Write-MemoryMap $map -Value 0x01020304, -2 -As Int32 -Offset 3 -BigEndian
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $map.Path
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should put the values in the file at FileOffset plus the offset' {
            $fileBytes[4103..4110] | Should -Be @(1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFE)
        }
    }

    Context 'When scattering over several offsets (<Kind>)' -ForEach @(@{ Kind = 'Anonymous' }, @{ Kind = 'File' }, @{ Kind = 'FileAtOffset' }) {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed (70 + $Kind.Length)
            $scattered = New-TypedMap -Kind $Kind -Content $content -Name scattered
            $written = New-TypedMap -Kind $Kind -Content $content -Name written
        }
        AfterAll {
            Close-MemoryMap $scattered, $written
        }

        It 'Should equal the single writes, with duplicate, overlapping and unsorted offsets' {
            # Duplicates: the later values win; 41 overlaps 40.
            $offsets = [long[]](40, 3, 41, 3, 20, 48, 0, 40)
            $values = [long[]](1..16 | ForEach-Object { [long]$_ * 0x0101010101 - 7 })
            Write-MemoryMap $scattered -Value $values -As Int64 -Offset $offsets
            for ($i = 0; $i -lt $offsets.Length; $i++) {
                Write-MemoryMap $written -Value $values[(2 * $i)..(2 * $i + 1)] -As Int64 -Offset $offsets[$i]
            }
            Get-Hex (Read-MemoryMap $scattered) | Should -Be (Get-Hex (Read-MemoryMap $written))
        }
        It 'Should equal the single writes with -BigEndian' {
            $offsets = [long[]](9, 1, 60)
            $values = [int16[]](-2, 300, 7, 1, -32768, 32767)
            Write-MemoryMap $scattered -Value $values -As Int16 -Offset $offsets -BigEndian
            for ($i = 0; $i -lt $offsets.Length; $i++) {
                Write-MemoryMap $written -Value $values[(2 * $i)..(2 * $i + 1)] -As Int16 -Offset $offsets[$i] -BigEndian
            }
            Get-Hex (Read-MemoryMap $scattered) | Should -Be (Get-Hex (Read-MemoryMap $written))
        }
        It 'Should read back with the same gather' {
            $offsets = [long[]](50, 2, 30)
            Write-MemoryMap $scattered -Value 1.5, -2.25, 1e300 -As Double -Offset $offsets
            (Read-MemoryMap $scattered -Offset $offsets -As Double) | Should -Be @(1.5, -2.25, 1e300)
        }
    }

    Context 'When the values do not split evenly over the offsets' {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed 80
            $map = New-TypedMap -Kind File -Content $content -Name uneven
            $err = Get-ErrorRecord { Write-MemoryMap $map -Value 1, 2, 3 -As Int32 -Offset 0, 8 -ErrorAction Stop }
            $fewer = Get-ErrorRecord { Write-MemoryMap $map -Value 1, 2 -As Int32 -Offset 0, 8, 16 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with BatchMismatch' {
            $err.FullyQualifiedErrorId | Should -Be 'BatchMismatch,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say how many values and offsets there were' {
            $err.Exception.Message | Should -Be 'The values must split evenly over the offsets: 3 values for 2 offsets.'
        }
        It 'Should fail with BatchMismatch for fewer values than offsets' {
            $fewer.FullyQualifiedErrorId | Should -Be 'BatchMismatch,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should write nothing' {
            Get-Hex (Read-MemoryMap $map) | Should -Be (Get-Hex $content)
        }
    }

    Context 'When one offset among many is outside the map' {
        BeforeAll {
            $content = Get-RandomByte -Count $MapSize -Seed 90
            $map = New-TypedMap -Kind File -Content $content -Name bad
            $valueError = Get-ErrorRecord { Write-MemoryMap $map -Value 1, 2, 3 -As Int32 -Offset 0, ($MapSize - 2), 8 -ErrorAction Stop }
            $negativeError = Get-ErrorRecord { Write-MemoryMap $map -Value 1, 2 -As Int32 -Offset 0, -1 -ErrorAction Stop }
            $dataError = Get-ErrorRecord { Write-MemoryMap $map -Data 1, 2, 3 -Offset 0, ($MapSize - 2), 8 -ErrorAction Stop }
            $textError = Get-ErrorRecord { Write-MemoryMap $map -Text 'abc' -Offset 0, 8, ($MapSize - 2) -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with RangeOutsideMap for -Value' {
            $valueError.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should fail with OffsetNegative for a negative offset' {
            $negativeError.FullyQualifiedErrorId | Should -Be 'OffsetNegative,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should fail with RangeOutsideMap for -Data' {
            $dataError.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should fail with RangeOutsideMap for -Text' {
            $textError.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should write nothing at any offset' {
            Get-Hex (Read-MemoryMap $map) | Should -Be (Get-Hex $content)
        }
    }

    Context 'When writing -Data and -Text at several offsets' {
        BeforeAll {
            $map = New-MemoryMap -Size $MapSize
            Write-MemoryMap $map -Data 7, 8 -Offset 40, 1, 20
            Write-MemoryMap $map -Text 'Ω' -Encoding unicode -Offset 10, 30
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should write -Data at each offset' {
            foreach ($offset in 40, 1, 20) {
                (Read-MemoryMap $map -Offset $offset -Count 2) | Should -Be @(7, 8)
            }
        }
        It 'Should write -Text at each offset' {
            foreach ($offset in 10, 30) {
                (Read-MemoryMap $map -Offset $offset -Count 2 -AsString -Encoding unicode) | Should -BeExactly 'Ω'
            }
        }
        It 'Should write nothing elsewhere' {
            $bytes = Read-MemoryMap $map
            @(0..($MapSize - 1) | Where-Object { $_ -notin 1, 2, 10, 11, 20, 21, 30, 31, 40, 41 -and $bytes[$_] -ne 0 }) |
                Should -BeNullOrEmpty
        }
    }

    Context 'When -Value needs converting' {
        BeforeAll {
            $map = New-MemoryMap -Size $MapSize
        }
        BeforeEach {
            Write-MemoryMap $map -Data ([byte[]]::new($MapSize))
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should convert the string ''7''' {
            Write-MemoryMap $map -Value '7' -As Int32 -Offset 4
            (Read-MemoryMap $map -Offset 4 -As Int32 -Count 1) | Should -Be 7
        }
        It 'Should convert the double 7.0' {
            Write-MemoryMap $map -Value 7.0 -As Int32 -Offset 4
            (Read-MemoryMap $map -Offset 4 -As Int32 -Count 1) | Should -Be 7
        }
        It 'Should round a double as PowerShell does' {
            Write-MemoryMap $map -Value 7.6, 2.5 -As Int32 -Offset 4
            (Read-MemoryMap $map -Offset 4 -As Int32 -Count 2) | Should -Be @([int]7.6, [int]2.5)
        }
        It 'Should convert an [int[]] to Int16' {
            Write-MemoryMap $map -Value ([int[]](1, -2, 300)) -As Int16 -Offset 1
            (Read-MemoryMap $map -Offset 1 -As Int16 -Count 3) | Should -Be @(1, -2, 300)
        }
        It 'Should write an [int[]] as Int32' {
            Write-MemoryMap $map -Value ([int[]](5, 6)) -As Int32
            (Read-MemoryMap $map -As Int32 -Count 3) | Should -Be @(5, 6, 0)
        }
        It 'Should write a scalar as one element' {
            Write-MemoryMap $map -Value 9 -As Int64 -Offset 8
            (Read-MemoryMap $map -Offset 8 -As Int64 -Count 2) | Should -Be @(9, 0)
        }
        It 'Should convert integers to Single and Double' {
            Write-MemoryMap $map -Value 3, '0.5' -As Single
            Write-MemoryMap $map -Value 3 -As Double -Offset 8
            (Read-MemoryMap $map -As Single -Count 2) | Should -Be @(3.0, 0.5)
            (Read-MemoryMap $map -Offset 8 -As Double -Count 1) | Should -Be 3.0
        }
        It 'Should write a [byte[]] as Byte' {
            Write-MemoryMap $map -Value ([byte[]](1, 2, 255)) -As Byte -Offset 3
            (Read-MemoryMap $map -Offset 3 -Count 3) | Should -Be @(1, 2, 255)
        }
        It 'Should write negative SByte values' {
            Write-MemoryMap $map -Value -1, -128, 127 -As SByte
            (Read-MemoryMap $map -Count 3) | Should -Be @(0xFF, 0x80, 0x7F)
        }
        It 'Should fail with ValueNotConvertible for a value that does not convert' {
            { Write-MemoryMap $map -Value 'abc' -As Int32 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ValueNotConvertible,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should fail with ValueNotConvertible when one of several values does not convert, and write none' {
            { Write-MemoryMap $map -Value 1, 'abc', 3 -As Int32 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ValueNotConvertible,Mman.Commands.WriteMemoryMapCommand'
            (Read-MemoryMap $map -As Int32 -Count 1) | Should -Be 0
        }
        It 'Should report InvalidArgument for a value that does not convert' {
            $err = Get-ErrorRecord { Write-MemoryMap $map -Value @{ a = 1 } -As Int32 -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -Be 'ValueNotConvertible,Mman.Commands.WriteMemoryMapCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should fail with ValueNotConvertible for 300 as Byte (PowerShell does not wrap), and write nothing' {
            $err = Get-ErrorRecord { Write-MemoryMap $map -Value 1, 300 -As Byte -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -Be 'ValueNotConvertible,Mman.Commands.WriteMemoryMapCommand'
            $err.Exception.Message | Should -BeLike '*300*'
            (Read-MemoryMap $map -Count 2) | Should -Be @(0, 0)
        }
        It 'Should fail with ValueNotConvertible for -1 as UInt32' {
            { Write-MemoryMap $map -Value -1 -As UInt32 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ValueNotConvertible,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse a null -Value' {
            { Write-MemoryMap $map -Value $null -As Int32 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Mman.Commands.WriteMemoryMapCommand'
        }
    }

    Context 'When the map and offsets come from the pipeline by property name' {
        BeforeAll {
            $map = New-MemoryMap -Size $MapSize
            [pscustomobject]@{ Map = $map; Offset = 4 } | Write-MemoryMap -Value -5 -As Int32
            [pscustomobject]@{ Map = $map; Offset = [long[]](20, 12) } | Write-MemoryMap -Value 1, 2 -As Int16 -BigEndian
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should write at the piped Offset' {
            (Read-MemoryMap $map -Offset 4 -As Int32 -Count 1) | Should -Be -5
        }
        It 'Should scatter over a piped array of offsets' {
            (Read-MemoryMap $map -Offset 20, 12 -As Int16 -BigEndian) | Should -Be @(1, 2)
            (Read-MemoryMap $map -Offset 12 -Count 2) | Should -Be @(0, 2)
        }
    }

    Context 'When writing -Value with -WhatIf and -PassThru' {
        BeforeAll {
            $map = New-MemoryMap -Size 16
            $whatIf = Write-MemoryMap $map -Value 1, 2 -As Int32 -Offset 0, 8 -PassThru -WhatIf
            $passThru = @(Write-MemoryMap $map -Value 5 -As Int16 -Offset 2 -PassThru)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should write nothing with -WhatIf' {
            (Read-MemoryMap $map -Offset 8 -As Int32 -Count 1) | Should -Be 0
        }
        It 'Should emit nothing with -WhatIf' {
            $whatIf | Should -BeNullOrEmpty
        }
        It 'Should emit the map with -PassThru' {
            $passThru.Count | Should -Be 1
            [object]::ReferenceEquals($passThru[0], $map) | Should -BeTrue
        }
    }

    Context 'When the map cannot be written' {
        BeforeAll {
            $map = New-MemoryMap -Size 16 -Protection Read
            $closed = New-MemoryMap -Size 16
            Close-MemoryMap $closed
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapNotWritable' {
            { Write-MemoryMap $map -Value 1, 2 -As Int32 -Offset 0, 8 -ErrorAction Stop } |
                Should -Throw -ErrorId 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
            (Read-MemoryMap $map -As Int32 -Count 1) | Should -Be 0
        }
        It 'Should fail with MapClosed for a closed map' {
            { Write-MemoryMap $closed -Value 1 -As Int32 -ErrorAction Stop } |
                Should -Throw -ErrorId 'MapClosed,Mman.Commands.WriteMemoryMapCommand'
        }
    }
}
