# Records: Read-MemoryMap -Layout and Write-MemoryMap -Layout over real files, compared with Python's
# struct.pack/unpack on the same file where python3 is present (the Linux host), and with bytes built by
# [BitConverter] elsewhere (Windows under Wine has no python3).

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:HavePython = $IsLinux -and [bool](Get-Command python3 -ErrorAction Ignore)
    $script:NoPython = 'python3 is the Linux host''s; the same bytes are checked with [BitConverter] on every system'
    # Id, Big, Small, two bytes of padding, Score, Tag, Raw: 4 + 8 + 2 + 2 + 8 + 8 + 3 = 35 bytes.
    $script:Layout = [ordered]@{ Id = 'UInt32'; Big = 'Int64'; Small = 'Int16'; Pad = 'Padding[2]'; Score = 'Double'; Tag = 'String[8]'; Raw = 'Byte[3]' }
    $script:RecordSize = 35
    $script:PythonScript = "$TestDrive/records.py"
    Set-Content -LiteralPath $PythonScript -Value @'
import struct, sys
path, count, endian, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
fmt = endian + 'Iqh2sd8s3s'
if mode == 'pack':
    with open(path, 'wb') as f:
        for i in range(count):
            f.write(struct.pack(fmt, (4000000000 - i * 7) % 2**32, i * 1234567890123 - 5 * 10**15, (i * 37 % 65536) - 32768,
                                b'\xab\xcd', i / 3, ('t%d' % i).encode(), bytes([i % 256, (i + 1) % 256, (i + 2) % 256])))
else:
    for r in struct.iter_unpack(fmt, open(path, 'rb').read()[:count * struct.calcsize(fmt)]):
        bits = struct.unpack('<q', struct.pack('<d', r[4]))[0]
        print(r[0], r[1], r[2], r[3].hex(), bits, r[5].rstrip(b'\0').decode(), r[6].hex())
'@

    function Get-Expected {
        # Record i's values, as the Python script packs them.
        param([int] $Index)
        [pscustomobject]@{
            Id    = [uint32]((4000000000 - $Index * 7) % 4294967296)
            Big   = [long]$Index * 1234567890123 - 5000000000000000
            Small = [int16](($Index * 37 % 65536) - 32768)
            Score = $Index / 3.0
            Tag   = "t$Index"
            Raw   = [byte[]]@(($Index % 256), (($Index + 1) % 256), (($Index + 2) % 256))
        }
    }

    function ConvertTo-RecordByte {
        # The bytes of record i built with [BitConverter], independent of Mman and of Python.
        param([int] $Index, [switch] $BigEndian)
        $e = Get-Expected $Index
        $numbers = @([BitConverter]::GetBytes($e.Id), [BitConverter]::GetBytes($e.Big), [BitConverter]::GetBytes($e.Small))
        if ($BigEndian) { foreach ($n in $numbers) { [Array]::Reverse($n) } }
        $score = [BitConverter]::GetBytes([double]$e.Score)
        if ($BigEndian) { [Array]::Reverse($score) }
        $tag = [byte[]]::new(8)
        $text = [Text.Encoding]::ASCII.GetBytes($e.Tag)
        [Array]::Copy($text, $tag, $text.Length)
        return , [byte[]]($numbers[0] + $numbers[1] + $numbers[2] + [byte[]](0xAB, 0xCD) + $score + $tag + $e.Raw)
    }

    function New-RecordFile {
        # Count records in a file: packed by Python where it is present, else by [BitConverter].
        param([string] $Path, [int] $Count, [switch] $BigEndian)
        if ($HavePython) {
            & python3 $PythonScript $Path $Count $(if ($BigEndian) { '>' } else { '<' }) pack
        }
        else {
            $all = [Collections.Generic.List[byte]]::new()
            for ($i = 0; $i -lt $Count; $i++) { $all.AddRange((ConvertTo-RecordByte $i -BigEndian:$BigEndian)) }
            [IO.File]::WriteAllBytes($Path, $all.ToArray())
        }
        return $Path
    }

    function Format-Record {
        # One line per record, in the Python script's unpack format.
        param($Record)
        '{0} {1} {2} abcd {3} {4} {5}' -f $Record.Id, $Record.Big, $Record.Small, [BitConverter]::DoubleToInt64Bits($Record.Score), $Record.Tag, [Convert]::ToHexString($Record.Raw).ToLowerInvariant()
    }

    function Get-FileHash256 {
        # Through a handle that shares writing: Windows refuses Get-FileHash's own while a map is open.
        param([string] $Path)
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData((Get-FileBytes $Path)))
    }
}

Describe 'Read-MemoryMap -Layout' -Tag CI {
    Context 'When reading a file of records packed by Python' {
        BeforeAll {
            $little = New-RecordFile "$TestDrive/little.bin" 50
            $big = New-RecordFile "$TestDrive/big.bin" 50 -BigEndian
            $littleMap = New-MemoryMap -Path $little
            $bigMap = New-MemoryMap -Path $big
            $records = Read-MemoryMap $littleMap -Layout $Layout -Count 50
            $bigRecords = Read-MemoryMap $bigMap -Layout $Layout -Count 50 -BigEndian
            $expected = 0..49 | ForEach-Object { Format-Record (Get-Expected $_) }
        }
        AfterAll {
            Close-MemoryMap $littleMap, $bigMap
        }

        It 'Should emit one object per record, with the fields as typed properties and no padding' {
            $records.Count | Should -Be 50
            $records[0].PSObject.Properties.Name | Should -Be @('Id', 'Big', 'Small', 'Score', 'Tag', 'Raw')
            $records[0].Id | Should -BeOfType [uint32]
            $records[0].Small | Should -BeOfType [int16]
            , $records[0].Raw | Should -BeOfType [byte[]]
        }
        It 'Should read the values Python packed, little-endian' {
            $records | ForEach-Object { Format-Record $_ } | Should -Be $expected
        }
        It 'Should read the values Python packed, big-endian with -BigEndian' {
            $bigRecords | ForEach-Object { Format-Record $_ } | Should -Be $expected
        }
        It 'Should read one record by default' {
            @(Read-MemoryMap $littleMap -Layout $Layout -Offset (7 * $RecordSize)).Count | Should -Be 1
            (Read-MemoryMap $littleMap -Layout $Layout -Offset (7 * $RecordSize)).Tag | Should -Be 't7'
        }
        It 'Should read records at each gathered offset, -Stride apart' {
            # Every third record from record 2 and from record 30: two offsets, three records each.
            $got = Read-MemoryMap $littleMap -Layout $Layout -Offset (2 * $RecordSize), (30 * $RecordSize) -Count 3 -Stride (3 * $RecordSize)
            $got.Tag | Should -Be @('t2', 't5', 't8', 't30', 't33', 't36')
        }
        It 'Should read fields at explicit offsets, in a plain hashtable' {
            $got = Read-MemoryMap $littleMap -Layout @{ Tag = 'String[8]@24'; Id = 'UInt32@0' } -Offset $RecordSize
            $got.Id | Should -Be (Get-Expected 1).Id
            $got.Tag | Should -Be 't1'
        }
        It 'Should read nothing for -Count 0' {
            @(Read-MemoryMap $littleMap -Layout $Layout -Count 0).Count | Should -Be 0
        }
    }

    Context 'When the layout is a struct type' {
        BeforeAll {
            if (-not ('MmanTest.RecordStruct' -as [type])) {
                Add-Type -TypeDefinition @'
namespace MmanTest {
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 1)]
    public struct RecordStruct { public uint Id; public long Big; public short Small; }
    public class NotAStruct { public int A; }
}
'@
            }
            $file = New-RecordFile "$TestDrive/struct.bin" 10
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $structs = Read-MemoryMap $map -Layout ([MmanTest.RecordStruct]) -Count 3 -Stride $RecordSize
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit instances of the struct with the struct''s own layout' {
            $structs[2] | Should -BeOfType [MmanTest.RecordStruct]
            $structs.Id | Should -Be (0..2 | ForEach-Object { (Get-Expected $_).Id })
            $structs.Big | Should -Be (0..2 | ForEach-Object { (Get-Expected $_).Big })
            $structs.Small | Should -Be (0..2 | ForEach-Object { (Get-Expected $_).Small })
        }
        It 'Should write structs back unchanged' {
            $before = Get-FileHash256 $file
            Write-MemoryMap $map -Layout ([MmanTest.RecordStruct]) -Record $structs -Stride $RecordSize
            Sync-MemoryMap $map
            Get-FileHash256 $file | Should -Be $before
        }
        It 'Should read a [guid], big-endian fields swapped' {
            $guidMap = New-MemoryMap -Size 16
            try {
                Write-MemoryMap $guidMap -Data (1..16)
                (Read-MemoryMap $guidMap -Layout ([guid])).ToString() | Should -Be ([guid]::new([byte[]](1..16))).ToString()
                (Read-MemoryMap $guidMap -Layout ([guid]) -BigEndian).ToString() | Should -Be '01020304-0506-0708-090a-0b0c0d0e0f10'
            }
            finally { Close-MemoryMap $guidMap }
        }
        It 'Should refuse a class with LayoutInvalid' {
            { Read-MemoryMap $map -Layout ([MmanTest.NotAStruct]) -ErrorAction Stop } | Should -Throw -ErrorId 'LayoutInvalid,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When the layout or the range is wrong' {
        BeforeAll {
            $map = New-MemoryMap -Size 64
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse <Name> with LayoutInvalid naming the field' -TestCases @(
            @{ Name = 'an unknown type'; L = [ordered]@{ A = 'UInt32'; B = 'Int8' }; Says = "Field 'B'" }
            @{ Name = 'a zero-size field'; L = [ordered]@{ A = 'Byte[0]' }; Says = "Field 'A'" }
            @{ Name = 'overlapping fields'; L = [ordered]@{ A = 'UInt32'; B = 'Int16@2' }; Says = "Field 'B' (bytes 2..3) overlaps field 'A'" }
            @{ Name = 'a plain hashtable without offsets'; L = @{ A = 'UInt32' }; Says = 'ordered dictionary' }
            @{ Name = 'only padding'; L = [ordered]@{ P = 'Padding[4]' }; Says = 'no fields' }
            @{ Name = 'a string'; L = 'UInt32'; Says = 'ordered dictionary' }
        ) {
            $e = Get-ErrorRecord { Read-MemoryMap $map -Layout $L -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -Be 'LayoutInvalid,Mman.Commands.ReadMemoryMapCommand'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $e.Exception.Message | Should -BeLike "*$Says*"
        }
        It 'Should refuse a stride smaller than the record with LayoutInvalid' {
            { Read-MemoryMap $map -Layout ([ordered]@{ A = 'UInt64' }) -Count 2 -Stride 4 -ErrorAction Stop } | Should -Throw -ErrorId 'LayoutInvalid,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse when the last record passes the end, reading nothing' {
            { Read-MemoryMap $map -Layout ([ordered]@{ A = 'UInt64' }) -Count 9 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
            { Read-MemoryMap $map -Layout ([ordered]@{ A = 'UInt64' }) -Offset 0, 60 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse a closed map with MapClosed' {
            $closed = New-MemoryMap -Size 16
            Close-MemoryMap $closed
            { Read-MemoryMap $closed -Layout ([ordered]@{ A = 'UInt64' }) -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse an unreadable map with MapNotReadable' {
            $none = New-MemoryMap -Size 4096
            try {
                Set-MemoryMapProtection $none -Protection None
                { Read-MemoryMap $none -Layout ([ordered]@{ A = 'UInt64' }) -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
            }
            finally { Close-MemoryMap $none }
        }
    }

    Context 'When another process truncates the file' {
        It 'Should refuse the records past the cut with FileTruncated, and the process lives on' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows refuses to truncate a file while a map of it is open (ERROR_USER_MAPPED_FILE)' }
            $page = [Environment]::SystemPageSize
            $file = New-TestFile -Path "$TestDrive/cut.bin" -Length (3 * $page)
            $map = New-MemoryMap -Path $file -Protection Read, Write
            try {
                & python3 -c "import os,sys; os.truncate(sys.argv[1], int(sys.argv[2]))" $file $page
                { Read-MemoryMap $map -Layout ([ordered]@{ A = 'UInt64' }) -Count 3 -Stride $page -ErrorAction Stop } | Should -Throw -ErrorId 'FileTruncated,Mman.Commands.ReadMemoryMapCommand'
                { Write-MemoryMap $map -Layout ([ordered]@{ A = 'UInt64' }) -Record @{ A = 1 }, @{ A = 2 } -Stride $page -ErrorAction Stop } | Should -Throw -ErrorId 'FileTruncated,Mman.Commands.WriteMemoryMapCommand'
                (Read-MemoryMap $map -Layout ([ordered]@{ A = 'Byte' })).A | Should -Be (Get-PatternByte 0)
            }
            finally { Close-MemoryMap $map }
        }
    }
}

Describe 'Write-MemoryMap -Layout' -Tag CI {
    Context 'When writing records from hashtables and objects' {
        BeforeAll {
            $file = "$TestDrive/written.bin"
            [IO.File]::WriteAllBytes($file, [byte[]]::new(20 * $RecordSize))
            $bigFile = "$TestDrive/written-big.bin"
            [IO.File]::WriteAllBytes($bigFile, [byte[]]::new(20 * $RecordSize))
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $bigMap = New-MemoryMap -Path $bigFile -Protection Read, Write
            # Hashtables for half, objects for the other half; the padding is set as Python packs it.
            $toWrite = 0..19 | ForEach-Object {
                $e = Get-Expected $_
                if ($_ % 2) { $e } else { @{ Id = $e.Id; Big = $e.Big; Small = $e.Small; Score = $e.Score; Tag = $e.Tag; Raw = $e.Raw } }
            }
            for ($i = 0; $i -lt 20; $i++) {
                Write-MemoryMap $map -Data 0xAB, 0xCD -Offset ($i * $RecordSize + 14)
                Write-MemoryMap $bigMap -Data 0xAB, 0xCD -Offset ($i * $RecordSize + 14)
            }
            Write-MemoryMap $map -Layout $Layout -Record $toWrite
            $toWrite | Write-MemoryMap $bigMap -Layout $Layout -BigEndian
            Sync-MemoryMap $map
            Sync-MemoryMap $bigMap
            $expected = 0..19 | ForEach-Object { Format-Record (Get-Expected $_) }
        }
        AfterAll {
            Close-MemoryMap $map, $bigMap
        }

        It 'Should write what Python unpacks, little-endian' {
            if (-not $HavePython) { Set-ItResult -Skipped -Because $NoPython }
            & python3 $PythonScript $file 20 '<' unpack | Should -Be $expected
        }
        It 'Should write what Python unpacks, big-endian, from the pipeline' {
            if (-not $HavePython) { Set-ItResult -Skipped -Because $NoPython }
            & python3 $PythonScript $bigFile 20 '>' unpack | Should -Be $expected
        }
        It 'Should write the bytes [BitConverter] makes, in both byte orders' {
            $want = [Collections.Generic.List[byte]]::new()
            $wantBig = [Collections.Generic.List[byte]]::new()
            for ($i = 0; $i -lt 20; $i++) { $want.AddRange((ConvertTo-RecordByte $i)); $wantBig.AddRange((ConvertTo-RecordByte $i -BigEndian)) }
            Test-ByteArrayEqual (Get-FileBytes $file) $want.ToArray() | Should -BeTrue
            Test-ByteArrayEqual (Get-FileBytes $bigFile) $wantBig.ToArray() | Should -BeTrue
        }
        It 'Should write records read with -Layout back unchanged' {
            $before = Get-FileHash256 $bigFile
            $read = Read-MemoryMap $bigMap -Layout $Layout -Count 20 -BigEndian
            Write-MemoryMap $bigMap -Layout $Layout -Record $read -BigEndian
            Sync-MemoryMap $bigMap
            Get-FileHash256 $bigFile | Should -Be $before
        }
        It 'Should leave padding and the gaps of a wider stride as they were' {
            $gaps = New-MemoryMap -Size 32
            try {
                Write-MemoryMap $gaps -Data ([byte[]]@(0xEE) * 32)
                Write-MemoryMap $gaps -Layout ([ordered]@{ A = 'Byte'; P = 'Padding[2]'; B = 'Byte' }) -Record @{ A = 1; B = 2 }, @{ A = 3; B = 4 } -Stride 6 -Offset 1
                (Read-MemoryMap $gaps -Count 12) -join ',' | Should -Be '238,1,238,238,2,238,238,3,238,238,4,238'
            }
            finally { Close-MemoryMap $gaps }
        }
        It 'Should split records over gathered offsets' {
            $scatter = New-MemoryMap -Size 32
            try {
                Write-MemoryMap $scatter -Layout ([ordered]@{ A = 'UInt16' }) -Record @{ A = 1 }, @{ A = 2 }, @{ A = 3 }, @{ A = 4 } -Offset 0, 16
                (Read-MemoryMap $scatter -Offset 0, 16 -Count 2 -As UInt16) -join ',' | Should -Be '1,2,3,4'
            }
            finally { Close-MemoryMap $scatter }
        }
        It 'Should change nothing with -WhatIf' {
            $before = Get-FileHash256 $file
            Write-MemoryMap $map -Layout $Layout -Record (Get-Expected 99) -WhatIf
            Sync-MemoryMap $map
            Get-FileHash256 $file | Should -Be $before
        }
    }

    Context 'When a record cannot be written' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/intact.bin" -Length 4096
            $copy = "$TestDrive/intact-copy.bin"
            Copy-Item -LiteralPath $file -Destination $copy
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $small = [ordered]@{ Id = 'UInt16'; Flag = 'Byte'; Name = 'String[4]' }
            $good = @{ Id = 1; Flag = 2; Name = 'ab' }

            function Assert-FileIntact {
                Sync-MemoryMap $map
                if ($HavePython) {
                    & cmp $file $copy
                    $LASTEXITCODE | Should -Be 0
                }
                else {
                    Get-FileHash256 $file | Should -Be (Get-FileHash256 $copy)
                }
            }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse <Name> with <Id>, leaving the file byte-identical' -TestCases @(
            @{ Name = 'a missing field'; Id = 'RecordFieldMissing'; Records = { $good, $good, @{ Id = 3; Name = 'x' } }; Says = "Record 2 has no field 'Flag'" }
            @{ Name = 'a value too large for its field'; Id = 'ValueNotConvertible'; Records = { $good, @{ Id = 1; Flag = 300; Name = 'x' } }; Says = "Record 1, field 'Flag'" }
            @{ Name = 'text that is no number'; Id = 'ValueNotConvertible'; Records = { $good, @{ Id = 'many'; Flag = 1; Name = 'x' } }; Says = "Record 1, field 'Id'" }
            @{ Name = 'a string longer than its field'; Id = 'ValueNotConvertible'; Records = { $good, @{ Id = 1; Flag = 1; Name = 'abcde' } }; Says = "Field 'Name' holds 4 bytes" }
            @{ Name = 'a null value'; Id = 'ValueNotConvertible'; Records = { @{ Id = $null; Flag = 1; Name = 'x' } }; Says = 'is null' }
            @{ Name = 'the last record past the end'; Id = 'RangeOutsideMap'; Records = { $good, $good }; Offset = 4090; Says = 'outside the map' }
        ) {
            $offset = if ($Offset) { $Offset } else { 0 }
            $e = Get-ErrorRecord { Write-MemoryMap $map -Layout $small -Record (& $Records) -Offset $offset -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -Be "$Id,Mman.Commands.WriteMemoryMapCommand"
            $e.Exception.Message | Should -BeLike "*$Says*"
            Assert-FileIntact
        }
        It 'Should refuse a bad record among piped ones, writing none of them' {
            $e = Get-ErrorRecord { $good, $good, @{ Id = 70000; Flag = 1; Name = 'x' } | Write-MemoryMap $map -Layout $small -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -Be 'ValueNotConvertible,Mman.Commands.WriteMemoryMapCommand'
            Assert-FileIntact
        }
        It 'Should refuse records that do not split over the offsets with BatchMismatch' {
            { Write-MemoryMap $map -Layout $small -Record $good, $good, $good -Offset 0, 100 -ErrorAction Stop } | Should -Throw -ErrorId 'BatchMismatch,Mman.Commands.WriteMemoryMapCommand'
            Assert-FileIntact
        }
        It 'Should refuse a read-only map with MapNotWritable, and a closed one with MapClosed' {
            $readOnly = New-MemoryMap -Path $copy
            try {
                { Write-MemoryMap $readOnly -Layout $small -Record $good -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
            }
            finally { Close-MemoryMap $readOnly }
            { Write-MemoryMap $readOnly -Layout $small -Record $good -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.WriteMemoryMapCommand'
            Assert-FileIntact
        }
    }
}
