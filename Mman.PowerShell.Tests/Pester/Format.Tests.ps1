# What a user sees: the views of Mman.Format.ps1xml fit 80 columns and show what a map is of, and
# Read-MemoryMap -AsHex shows bytes as Format-Hex does, with the map's offsets, checked against an
# independent tool (xxd, or od) on the same file.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:prefix = "mman-test-$PID-format-"

    function Get-RenderedLine {
        # The lines of the objects' default display at Width columns, without colour codes or empty lines.
        param([Parameter(ValueFromPipeline)] $InputObject, [int] $Width = 80)
        end {
            $text = $input | Out-String -Width $Width
            $plain = $text -replace "`e\[[0-9;?]*[a-zA-Z]", ''
            return @($plain -split '\r?\n' | Where-Object { $_.Trim() -ne '' })
        }
    }

    function ConvertFrom-HexRow {
        # Offset and bytes of each row of Format-Hex's display: '000000000000012C 90 91 ... ascii'.
        param([string[]] $Line)
        foreach ($l in $Line) {
            if ($l -match '^([0-9A-F]{16}) ((?:[0-9A-F]{2} ){0,15}[0-9A-F]{2})') {
                [pscustomobject]@{
                    Offset = [Convert]::ToInt64($Matches[1], 16)
                    Bytes  = ($Matches[2] -split ' ') -join ' '
                }
            }
        }
    }

    function Get-DumpRow {
        # The rows of an independent dump of Count bytes of a file from Skip: xxd -s, or od without xxd.
        param([string] $Path, [long] $Skip, [long] $Count)
        if (Get-Command xxd -CommandType Application -ErrorAction Ignore) {
            foreach ($l in (xxd -s $Skip -l $Count $Path)) {
                # '00000190: 9091 9293 ... 9e9f  ................'
                $offset, $rest = $l -split ': ', 2
                $hex = (($rest -split '  ')[0] -replace ' ', '').ToUpperInvariant()
                [pscustomobject]@{
                    Offset = [Convert]::ToInt64($offset, 16)
                    Bytes  = ($hex -split '(..)' | Where-Object { $_ }) -join ' '
                }
            }
            return
        }
        foreach ($l in (od -A d -t x1 -v -j $Skip -N $Count $Path)) {
            # '0000400 90 91 92 ...'; the last line is the end offset alone.
            $fields = @($l -split '\s+' | Where-Object { $_ })
            if ($fields.Count -lt 2) { continue }
            [pscustomobject]@{
                Offset = [long]$fields[0]
                Bytes  = ($fields[1..($fields.Count - 1)] | ForEach-Object { $_.ToUpperInvariant() }) -join ' '
            }
        }
    }
}

Describe 'The views of Mman.Format.ps1xml' -Tag CI {
    Context 'When the maps of a session are shown at 80 columns' {
        BeforeAll {
            # A path longer than the Source column, so that it must be shortened.
            $dir = Join-Path $TestDrive 'a-folder-with-a-long-name/another-folder-with-a-long-name'
            $null = New-Item -ItemType Directory -Path $dir -Force
            $path = New-TestFile -Path (Join-Path $dir 'recognisable.bin') -Length 20000
            $file = New-MemoryMap -Path $path -Offset 11
            $anon = New-MemoryMap -Size 1MB
            $name = "${prefix}shown-in-a-table"
            $named = New-MemoryMap -Name $name -Size 16384
            $view = $named | New-MemoryMap -Offset 4096 -Size 4096
            $fileView = $file | New-MemoryMap -Offset 5
            $maps = $file, $anon, $named, $view, $fileView
            $table = $maps | Get-RenderedLine
            $rowOf = @{}
            foreach ($map in $maps) { $rowOf[$map.Id] = $table | Where-Object { $_ -match "^\s*$($map.Id) " } }
        }
        AfterAll {
            Remove-MemoryMap -Name $name -ErrorAction Ignore
            Close-MemoryMap $file, $anon, $named
        }

        It 'Should fit every line of the table in 80 columns' {
            $table | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        }
        It 'Should head the table with Id, Kind, Size, Protection, Sharing and Source' {
            $table[0] -split '\s+' | Where-Object { $_ } | Should -Be @('Id', 'Kind', 'Size', 'Protection', 'Sharing', 'Source')
        }
        It 'Should leave Address and IsValid out of the table' {
            $table[0] | Should -Not -Match 'Address|IsValid'
        }
        It 'Should show one row for each map' {
            foreach ($map in $maps) { @($rowOf[$map.Id]).Count | Should -Be 1 -Because "map $($map.Id) has one row" }
        }
        It 'Should show the kind, size, protection and sharing of each map' {
            $rowOf[$anon.Id] | Should -Match '^\s*\d+ Anonymous\s+1048576 Read, Write\s+Private\s*$'
            $rowOf[$file.Id] | Should -Match "^\s*\d+ File\s+$($file.Size) Read\s+Shared "
        }
        It 'Should show the end of a long path, with the file name and the file offset' {
            $rowOf[$file.Id] | Should -Match '\.\.\.[^ ]*recognisable\.bin @ 11$'
        }
        It 'Should show the end of a name longer than the column' {
            $name.Length | Should -BeGreaterThan 26
            $rowOf[$named.Id] | Should -Match "Shared  \.\.\.$([regex]::Escape($name.Substring($name.Length - 23)))$"
        }
        It 'Should show a short name whole' {
            $short = New-MemoryMap -Name "mmf-$PID" -Size 4096
            try {
                $short | Get-RenderedLine | Select-Object -Last 1 | Should -Match " Shared  mmf-$PID$"
            }
            finally {
                Remove-MemoryMap -Name "mmf-$PID"
                Close-MemoryMap $short
            }
        }
        It 'Should show which map a view is of and where' {
            $rowOf[$view.Id] | Should -Match "\(view of $($named.Id) @ 4096\)$"
            $rowOf[$fileView.Id] | Should -Match "\.bin \(view of $($file.Id) @ 5\)$"
        }
        It 'Should show Read, Write, Execute whole' {
            $rwx = New-MemoryMap -Size 16 -Protection Read, Write, Execute -AllowWriteExecute
            try {
                $rwx | Get-RenderedLine | Select-Object -Last 1 | Should -Match ' Read, Write, Execute Private'
            }
            finally {
                Close-MemoryMap $rwx
            }
        }
        It 'Should show a short path whole' {
            $short = New-TestFile -Path (Join-Path $TestDrive 's.bin') -Length 10
            $map = New-MemoryMap -Path $short
            try {
                [Mman.Commands.MemoryMapFormat]::Source($map, 1000) | Should -Be $short
                [Mman.Commands.MemoryMapFormat]::Source($map, $short.Length) | Should -Be $short
                [Mman.Commands.MemoryMapFormat]::Source($map, $short.Length - 1) | Should -Be ('...' + $short.Substring(4))
            }
            finally {
                Close-MemoryMap $map
            }
        }
    }

    Context 'When a map is shown as a list at 80 columns' {
        BeforeAll {
            $dir = Join-Path $TestDrive 'a-folder-with-a-long-name/another-folder-with-a-long-name/and-one-more-folder'
            $null = New-Item -ItemType Directory -Path $dir -Force
            $path = New-TestFile -Path (Join-Path $dir 'listed.bin') -Length 8192
            $file = New-MemoryMap -Path $path
            $view = $file | New-MemoryMap -Offset 4096
            $list = $view | Format-List | Get-RenderedLine
            $value = @{}
            foreach ($line in $list) { if ($line -match '^(\w+)\s*: ?(.*)$') { $value[$Matches[1]] = $Matches[2] } }
        }
        AfterAll {
            Close-MemoryMap $file
        }

        It 'Should fit every line in 80 columns' {
            $list | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        }
        It 'Should show the address in hexadecimal, as 0x and the hex digits of Address' {
            $value['Address'] | Should -BeExactly ('0x{0:X}' -f $view.Address.ToInt64())
        }
        It 'Should show IsValid, FileOffset and the parent''s Id' {
            $value['IsValid'] | Should -Be 'True'
            $value['FileOffset'] | Should -Be '4096'
            $value['Parent'] | Should -Be "$($file.Id)"
            $value['ParentOffset'] | Should -Be '4096'
        }
        It 'Should show LockedBytes, 0 when nothing is locked' {
            $value['LockedBytes'] | Should -Be '0'
        }
        It 'Should show the file name' {
            # A list breaks a long value into lines, indented under the first.
            (($list | ForEach-Object Trim) -join '') | Should -Match 'listed\.bin'
        }
        It 'Should show the address of a closed map as 0x0' {
            $closed = New-MemoryMap -Size 16
            Close-MemoryMap $closed
            $closed | Format-List | Get-RenderedLine | Where-Object { $_ -match '^Address' } | Should -Match ': 0x0$'
        }
    }

    Context 'When the matches of Find-MemoryMap are shown at 80 columns' {
        BeforeAll {
            $dir = Join-Path $TestDrive 'a-folder-with-a-long-name/another-folder-with-a-long-name/and-one-more-folder'
            $null = New-Item -ItemType Directory -Path $dir -Force
            $path = Join-Path $dir 'searched.txt'
            [IO.File]::WriteAllText($path, 'one needle, two needles')
            $file = New-MemoryMap -Path $path
            $matched = Find-MemoryMap $file -Text needle -All
            $table = $matched | Get-RenderedLine
            $list = $matched | Format-List | Get-RenderedLine
        }
        AfterAll {
            Close-MemoryMap $file
        }

        It 'Should fit every line of the table in 80 columns' {
            $table | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        }
        It 'Should show the map, offset, length and the file name of each match' {
            $rows = @($table | Select-Object -Skip 2)
            $rows.Count | Should -Be 2
            $rows[0] | Should -Match "^\s*$($file.Id)\s+4\s+6 .*searched\.txt$"
            $rows[1] | Should -Match "^\s*$($file.Id)\s+16\s+6 .*searched\.txt$"
        }
        It 'Should fit every line of the list in 80 columns and show the file name' {
            $list | Where-Object Length -GT 80 | Should -BeNullOrEmpty
            (($list | ForEach-Object Trim) -join '') | Should -Match 'searched\.txt'
        }
        It 'Should show the name of named memory in the Source of a match' {
            $name = "${prefix}match"
            $named = New-MemoryMap -Name $name -Size 4096
            try {
                Write-MemoryMap $named -Text 'find me'
                Find-MemoryMap $named -Text me | Get-RenderedLine | Select-Object -Last 1 | Should -Match "$([regex]::Escape($name))$"
            }
            finally {
                Remove-MemoryMap -Name $name
                Close-MemoryMap $named
            }
        }
    }
}

Describe 'Read-MemoryMap -AsHex' -Tag CI {
    Context 'When a file map that starts at file offset 100 is read as hex' {
        BeforeAll {
            $path = New-TestFile -Path (Join-Path $TestDrive 'hex.bin') -Length 9000
            $map = New-MemoryMap -Path $path -Offset 100
            $rows = @(Read-MemoryMap $map -Offset 4096 -Count 64 -AsHex)
            $shown = $rows | Get-RenderedLine -Width 100
            $shownRows = @(ConvertFrom-HexRow $shown)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit Format-Hex''s own objects, 16 bytes each' {
            $rows.Count | Should -Be 4
            $rows | ForEach-Object { $_.GetType().FullName | Should -Be 'Microsoft.PowerShell.Commands.ByteCollection' }
            $rows | ForEach-Object { $_.Bytes.Length | Should -Be 16 }
        }
        It 'Should number the rows with their offsets in the map' {
            $rows.Offset64 | Should -Be @(4096, 4112, 4128, 4144)
        }
        It 'Should show the map''s offsets in the default display' {
            $shownRows.Offset | Should -Be @(4096, 4112, 4128, 4144)
            $shown | Where-Object { $_ -match '^0000000000001000 ' } | Should -Not -BeNullOrEmpty
        }
        It 'Should show the file and where the map starts in it in the label' {
            $rows[0].Label | Should -BeExactly "Map $($map.Id): $path from file offset 100"
            # Wide enough for the long temporary path of Windows, so that the label is on one line.
            $rows | Get-RenderedLine -Width 300 | Should -Contain "   Label: Map $($map.Id): $path from file offset 100"
        }
        It 'Should show the bytes of the file at file offset 100 plus each offset' {
            $bytes = Get-FileByte -Path $path -Position (100 + 4096) -Count 64
            for ($i = 0; $i -lt 4; $i++) {
                $expected = ($bytes[(16 * $i)..(16 * $i + 15)] | ForEach-Object { '{0:X2}' -f $_ }) -join ' '
                $shownRows[$i].Bytes | Should -Be $expected
            }
        }
        It 'Should show what xxd -s shows for the same file range, at the file offset minus the map''s (xxd and od are not on Windows)' -Skip:$IsWindows {
            $dump = @(Get-DumpRow -Path $path -Skip (100 + 4096) -Count 64)
            $dump.Count | Should -Be 4
            $dump.Offset | ForEach-Object { $_ - 100 } | Should -Be $shownRows.Offset
            $dump.Bytes | Should -Be $shownRows.Bytes
        }
        It 'Should end with a short row where the range ends inside a row' {
            $last = @(Read-MemoryMap $map -Offset 8880 -AsHex)
            $last.Offset64 | Should -Be @(8880, 8896)
            $last[1].Bytes.Length | Should -Be 4
            $expected = Get-FileByte -Path $path -Position 8980 -Count 20
            ($last | ForEach-Object { $_.Bytes }) | Should -Be $expected
        }
    }

    Context 'When reading as hex at several offsets, nothing, or outside the map' {
        BeforeAll {
            $map = New-MemoryMap -Size 256
            Write-MemoryMap $map -Data ([byte[]](0..255))
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit the rows of each offset in the order given' {
            $rows = @(Read-MemoryMap $map -Offset 200, 8 -Count 20 -AsHex)
            $rows.Offset64 | Should -Be @(200, 216, 8, 24)
            $rows[1].Bytes | Should -Be @(216, 217, 218, 219)
        }
        It 'Should emit nothing for -Count 0' {
            @(Read-MemoryMap $map -Offset 10 -Count 0 -AsHex).Count | Should -Be 0
        }
        It 'Should label anonymous memory as such' {
            (Read-MemoryMap $map -Count 1 -AsHex).Label | Should -BeExactly "Map $($map.Id): anonymous"
        }
        It 'Should label a view with its map and offset' {
            $view = $map | New-MemoryMap -Offset 32
            (Read-MemoryMap $view -Count 1 -AsHex).Label | Should -BeExactly "Map $($view.Id): anonymous (view of map $($map.Id) @ 32)"
        }
        It 'Should refuse a range outside the map with RangeOutsideMap and emit nothing' {
            $out = @()
            $err = Get-ErrorRecord { $script:out = @(Read-MemoryMap $map -Offset 0, 250 -Count 16 -AsHex -ErrorAction Stop) }
            $err.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
            $script:out.Count | Should -Be 0
        }
        It 'Should refuse a map that is not readable with MapNotReadable' {
            $writeOnly = New-MemoryMap -Size 16 -Protection Write
            try {
                $err = Get-ErrorRecord { Read-MemoryMap $writeOnly -AsHex -ErrorAction Stop }
                $err.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
            }
            finally {
                Close-MemoryMap $writeOnly
            }
        }
    }

    Context 'When named memory is read as hex' {
        It 'Should label it with its name' {
            $name = "${prefix}hex"
            $named = New-MemoryMap -Name $name -Size 4096
            try {
                Write-MemoryMap $named -Text 'ping' -Offset 4000
                $row = Read-MemoryMap $named -Offset 4000 -Count 4 -AsHex
                $row.Label | Should -BeExactly "Map $($named.Id): named '$name'"
                $row.Offset64 | Should -Be 4000
                [Text.Encoding]::ASCII.GetString($row.Bytes) | Should -Be 'ping'
            }
            finally {
                Remove-MemoryMap -Name $name
                Close-MemoryMap $named
            }
        }
    }
}
