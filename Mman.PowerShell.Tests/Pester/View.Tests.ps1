# Views: New-MemoryMap -InputObject <map> [-Offset] [-Size] makes a map of part of another map's memory.
# A view shares the memory both ways, is confined to its range, lives only as long as its parent, and
# changes protection page by page (warning when that reaches bytes of the parent outside it).

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:prefix = "mman-test-$PID-view-"
    $script:page = [Mman.MemoryMap]::PageSize

    function New-PatternMap {
        # An anonymous map of Size bytes holding the Get-PatternByte pattern.
        param([long] $Size)
        $map = New-MemoryMap -Size $Size
        $bytes = [byte[]]::new($Size)
        for ($i = 0; $i -lt $Size; $i++) { $bytes[$i] = Get-PatternByte $i }
        Write-MemoryMap $map -Data $bytes
        return $map
    }

    function Get-Pattern {
        # Get-PatternByte for Count positions from Position, as a byte array.
        param([long] $Position, [int] $Count)
        $bytes = [byte[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) { $bytes[$i] = Get-PatternByte ($Position + $i) }
        return , $bytes
    }
}

Describe 'Views of maps' -Tag CI {
    Context 'When making a view of part of an anonymous map' {
        BeforeAll {
            $parent = New-PatternMap 16384
            $before = @((Get-MemoryMap).Id)
            $view = New-MemoryMap -InputObject $parent -Offset 100 -Size 200
            $rest = New-MemoryMap -InputObject $parent -Offset 10000
            $whole = $parent | New-MemoryMap
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should emit a MemoryMap' {
            $view | Should -BeOfType ([Mman.MemoryMap])
        }
        It 'Should have the parent as Parent' {
            $view.Parent.Id | Should -Be $parent.Id
        }
        It 'Should record the offset in the parent' {
            $view.ParentOffset | Should -Be 100
        }
        It 'Should have the size asked for' {
            $view.Size | Should -Be 200
        }
        It 'Should reach to the end of the parent without -Size' {
            $rest.Size | Should -Be 6384
        }
        It 'Should cover the whole parent without -Offset and -Size' {
            $whole.Size | Should -Be 16384
            $whole.ParentOffset | Should -Be 0
        }
        It 'Should have the kind of the parent, and no path or name' {
            $view.Kind | Should -Be ([Mman.MemoryMapKind]::Anonymous)
            $view.Path | Should -BeNullOrEmpty
            $view.Name | Should -BeNullOrEmpty
        }
        It 'Should have file offset 0' {
            $view.FileOffset | Should -Be 0
        }
        It 'Should have the protection and sharing of the parent' {
            $view.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
            $view.Sharing | Should -Be ([Mman.MapSharing]::Private)
        }
        It 'Should be a map of its own, with its own Id' {
            $view.Id | Should -Not -Be $parent.Id
            $before | Should -Not -Contain $view.Id
        }
        It 'Should start at the parent''s address plus the offset' {
            $view.Address.ToInt64() | Should -Be ($parent.Address.ToInt64() + 100)
        }
        It 'Should read the parent''s bytes from the offset' {
            Test-ByteArrayEqual (Read-MemoryMap $view) (Get-Pattern 100 200) | Should -BeTrue
        }
        It 'Should say what it is a view of in the description' {
            $view.ToString() | Should -Be "MemoryMap $($view.Id): Anonymous (view of map $($parent.Id) at 100), 200 bytes, Read, Write, Private"
        }
        It 'Should be listed by Get-MemoryMap, after its parent' {
            $ids = @((Get-MemoryMap).Id)
            $ids | Should -Contain $view.Id
            [array]::IndexOf($ids, $view.Id) | Should -BeGreaterThan ([array]::IndexOf($ids, $parent.Id))
        }
    }

    Context 'When a view and its parent write to the same memory' {
        BeforeAll {
            $parent = New-MemoryMap -Size 8192
            $view = $parent | New-MemoryMap -Offset 1000 -Size 500
            Write-MemoryMap $view -Data 1, 2, 3
            Write-MemoryMap $parent -Data 4, 5, 6 -Offset 1497
            Write-MemoryMap $view -Text 'view text' -Offset 100
            Write-MemoryMap $parent -Value 0x0102030405060708 -As Int64 -Offset 1200
            Write-MemoryMap $view -Value 7, 8 -As Int16 -Offset 300, 310
            $seenByParent = Read-MemoryMap $parent -Offset 1000 -Count 3
            $seenByView = Read-MemoryMap $view -Offset 497 -Count 3
            $textInParent = Read-MemoryMap $parent -Offset 1100 -Count 9 -AsString
            $longInView = Read-MemoryMap $view -As Int64 -Offset 200 -Count 1
            $shortsInParent = Read-MemoryMap $parent -As Int16 -Offset 1300, 1310
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should show writes through the view to the parent, at the view''s offset' {
            $seenByParent | Should -Be @(1, 2, 3)
        }
        It 'Should show writes to the parent through the view' {
            $seenByView | Should -Be @(4, 5, 6)
        }
        It 'Should share text written through the view' {
            $textInParent | Should -Be 'view text'
        }
        It 'Should share typed values written to the parent' {
            $longInView | Should -Be @(0x0102030405060708)
        }
        It 'Should share typed values scattered through the view' {
            $shortsInParent | Should -Be @(7, 8)
        }
        It 'Should leave the parent''s bytes around the view alone' {
            (Read-MemoryMap $parent -Offset 999 -Count 1)[0] | Should -Be 0
            (Read-MemoryMap $parent -Offset 1500 -Count 1)[0] | Should -Be 0
        }
    }

    Context 'When a view is used outside its range' {
        BeforeAll {
            $parent = New-PatternMap 8192
            $view = New-MemoryMap -InputObject $parent -Offset 1000 -Size 200
            $readErr = Get-ErrorRecord { Read-MemoryMap $view -Offset 199 -Count 2 -ErrorAction Stop }
            $writeErr = Get-ErrorRecord { Write-MemoryMap $view -Data 0xFF, 0xFF -Offset 199 -ErrorAction Stop }
            $typedErr = Get-ErrorRecord { Write-MemoryMap $view -Value -1 -As Int32 -Offset 197 -ErrorAction Stop }
            $gatherErr = Get-ErrorRecord { Read-MemoryMap $view -As Int16 -Offset 0, 199 -ErrorAction Stop }
            $findErr = Get-ErrorRecord { Find-MemoryMap $view -Pattern 1 -Offset 201 -ErrorAction Stop }
            $syncErr = Get-ErrorRecord { Sync-MemoryMap $view -Offset 100 -Count 101 -ErrorAction Stop }
            $apiErr = Get-ErrorRecord { $view.Write(200, [byte[]](0xFF)) }
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should refuse a read past its end with RangeOutsideMap' {
            $readErr.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should give the view''s size in the message' {
            $readErr.Exception.Message | Should -Be 'Offset 199 and count 2 are outside the map: it is 200 bytes, so offset + count must be at most 200.'
        }
        It 'Should refuse a write past its end with RangeOutsideMap' {
            $writeErr.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse a typed write past its end' {
            $typedErr.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse a gathered read with one offset too close to its end' {
            $gatherErr.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should refuse a search from past its end' {
            $findErr.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.FindMemoryMapCommand'
        }
        It 'Should refuse a sync past its end' {
            $syncErr.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.SyncMemoryMapCommand'
        }
        It 'Should refuse a write past its end through the API' {
            $apiErr.Exception.InnerException.Error | Should -Be ([Mman.MemoryMapError]::RangeOutsideMap)
        }
        It 'Should leave the parent''s bytes after the view unchanged' {
            Test-ByteArrayEqual (Read-MemoryMap $parent -Offset 1196 -Count 8) (Get-Pattern 1196 8) | Should -BeTrue
        }
    }

    Context 'When a view would not lie inside its parent: <Label>' -ForEach @(
        @{ Label = 'offset at the end'; Offset = 4096; Size = $null; Id = 'RangeOutsideMap'; Category = 'InvalidArgument' }
        @{ Label = 'offset at the end, size 1'; Offset = 4096; Size = 1; Id = 'RangeOutsideMap'; Category = 'InvalidArgument' }
        @{ Label = 'one byte too many'; Offset = 96; Size = 4001; Id = 'RangeOutsideMap'; Category = 'InvalidArgument' }
        @{ Label = 'size larger than the parent'; Offset = 0; Size = 4097; Id = 'RangeOutsideMap'; Category = 'InvalidArgument' }
        @{ Label = 'offset Int64.MaxValue'; Offset = [long]::MaxValue; Size = 1; Id = 'RangeOutsideMap'; Category = 'InvalidArgument' }
        @{ Label = 'offset + size overflowing'; Offset = 10; Size = [long]::MaxValue; Id = 'RangeOutsideMap'; Category = 'InvalidArgument' }
        @{ Label = 'negative offset'; Offset = -1; Size = 10; Id = 'OffsetNegative'; Category = 'InvalidArgument' }
        @{ Label = 'size 0'; Offset = 0; Size = 0; Id = 'SizeNotPositive'; Category = 'InvalidArgument' }
        @{ Label = 'negative size'; Offset = 0; Size = -5; Id = 'SizeNotPositive'; Category = 'InvalidArgument' }
    ) {
        BeforeAll {
            $parent = New-MemoryMap -Size 4096
            $before = @((Get-MemoryMap).Id)
            $parameters = @{ InputObject = $parent; Offset = $Offset }
            if ($null -ne $Size) { $parameters.Size = $Size }
            $err = Get-ErrorRecord { New-MemoryMap @parameters -ErrorAction Stop }
            $after = @((Get-MemoryMap).Id)
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should fail with <Id>' {
            $err.FullyQualifiedErrorId | Should -Be "$Id,Mman.Commands.NewMemoryMapCommand"
        }
        It 'Should report <Category>' {
            $err.CategoryInfo.Category | Should -Be $Category
        }
        It 'Should open no map' {
            $after | Should -Be $before
        }
        It 'Should leave the parent usable' {
            Write-MemoryMap $parent -Data 9 -Offset 4095
            (Read-MemoryMap $parent -Offset 4095 -Count 1)[0] | Should -Be 9
        }
    }

    Context 'When a view would reach past its parent' {
        BeforeAll {
            $parent = New-MemoryMap -Size 4096
            $err = Get-ErrorRecord { New-MemoryMap -InputObject $parent -Offset 96 -Size 4001 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should say where a view must lie' {
            $err.Exception.Message | Should -Be "A view must lie inside map $($parent.Id), which is 4096 bytes: offset 96 with size 4001 does not. Use an offset below 4096 and a size of at most 4096 minus the offset."
        }
        It 'Should name the parent as the target' {
            $err.TargetObject.Id | Should -Be $parent.Id
        }
    }

    Context 'When viewing a file map at an odd offset' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/view.bin" -Length 20000
            $fileMap = New-MemoryMap -Path $file -Offset 101 -Protection Read, Write
            $view = $fileMap | New-MemoryMap -Offset 4000 -Size 333
            $inner = $view | New-MemoryMap -Offset 7 -Size 10
            $viewBytes = Read-MemoryMap $view
            $innerBytes = Read-MemoryMap $inner
            Write-MemoryMap $view -Data 0xA1, 0xA2, 0xA3 -Offset 330
            Write-MemoryMap $inner -Data 0xB1 -Offset 9
            Sync-MemoryMap $view
            $written = Get-FileByte -Path $file -Position 4431 -Count 3
            $writtenInner = Get-FileByte -Path $file -Position 4117 -Count 1
            $around = Get-FileByte -Path $file -Position 4100 -Count 1
            $table = Get-MemoryMap -Id $fileMap.Id, $view.Id, $inner.Id | Format-Table | Out-String -Width 300
        }
        AfterAll {
            Close-MemoryMap $fileMap
        }

        It 'Should be of kind File, with the path of the file' {
            $view.Kind | Should -Be ([Mman.MemoryMapKind]::File)
            $view.Path | Should -Be $file
        }
        It 'Should have the parent''s file offset plus its own as FileOffset' {
            $view.FileOffset | Should -Be 4101
        }
        It 'Should record its offset in the parent' {
            $view.ParentOffset | Should -Be 4000
        }
        It 'Should read the file''s bytes from that file offset' {
            Test-ByteArrayEqual $viewBytes (Get-Pattern 4101 333) | Should -BeTrue
        }
        It 'Should give a view of a view the sum of the offsets' {
            $inner.FileOffset | Should -Be 4108
            $inner.ParentOffset | Should -Be 7
            $inner.Parent.Id | Should -Be $view.Id
        }
        It 'Should read the file''s bytes through a view of a view' {
            Test-ByteArrayEqual $innerBytes (Get-Pattern 4108 10) | Should -BeTrue
        }
        It 'Should write to the file through the view at the right position' {
            $written | Should -Be @(0xA1, 0xA2, 0xA3)
        }
        It 'Should write to the file through the view of a view' {
            $writtenInner | Should -Be @(0xB1)
        }
        It 'Should leave the file byte before the view alone' {
            $around | Should -Be @(Get-PatternByte 4100)
        }
        # The Source column keeps the end of a long path (here the test folder's) and of the view's suffix.
        It 'Should show the end of the file''s path and the parent as the source of the view' {
            # As much of the path's end as the column leaves beside the whole suffix (3-digit ids included).
            $table -match "(?m)^\s*$($view.Id) File .* \.\.\.(\S+) \(view of $($fileMap.Id) @ 4000\)\s*$" | Should -BeTrue
            $file | Should -BeLike "*$($Matches[1])"
        }
        It 'Should show the parent view as the source of the view of a view' {
            $table -match "(?m)^\s*$($inner.Id) File .* \.\.\.(\S+) \(view of $($view.Id) @ 7\)\s*$" | Should -BeTrue
            $file | Should -BeLike "*$($Matches[1])"
        }
        It 'Should show the file name and its offset as the source of the parent' {
            $table | Should -Match "(?m)^\s*$($fileMap.Id) File .* \.\.\.\S*[/\\]view\.bin @ 101\s*$"
        }
        It 'Should show the whole path, the file offset and the parent without a width' {
            [Mman.Commands.MemoryMapFormat]::Source($view, 0) | Should -BeExactly "$file (view of $($fileMap.Id) @ 4000)"
            [Mman.Commands.MemoryMapFormat]::Source($fileMap, 0) | Should -BeExactly "$file @ 101"
        }
    }

    Context 'When viewing a private file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/private.bin" -Length 8192
            $map = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
            $view = $map | New-MemoryMap -Offset 50 -Size 50
            Write-MemoryMap $view -Data 0xCC
            Sync-MemoryMap $map
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should be Private like its parent' {
            $view.Sharing | Should -Be ([Mman.MapSharing]::Private)
        }
        It 'Should show the write in the parent' {
            (Read-MemoryMap $map -Offset 50 -Count 1)[0] | Should -Be 0xCC
        }
        It 'Should keep the write out of the file' {
            (Get-FileByte -Path $file -Position 50 -Count 1) | Should -Be @(Get-PatternByte 50)
        }
    }

    Context 'When viewing a named map' {
        BeforeAll {
            $name = $script:prefix + 'named'
            $map = New-MemoryMap -Name $name -Size 8192
            $other = New-MemoryMap -Name $name
            $view = $map | New-MemoryMap -Offset 4000 -Size 100
            Write-MemoryMap $view -Text 'through a view' -Offset 10
            $seenByOther = Read-MemoryMap $other -Offset 4010 -Count 14 -AsString
        }
        AfterAll {
            Close-MemoryMap $map, $other
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should be of kind Named, with the parent''s name' {
            $view.Kind | Should -Be ([Mman.MemoryMapKind]::Named)
            $view.Name | Should -Be $name
        }
        It 'Should have no path and file offset 0' {
            $view.Path | Should -BeNullOrEmpty
            $view.FileOffset | Should -Be 0
        }
        It 'Should write to the object, seen by another map of the name' {
            $seenByOther | Should -Be 'through a view'
        }
        It 'Should be listed by Get-MemoryMap -Name with its parent' {
            @(Get-MemoryMap -Name $name).Id | Should -Be @($map.Id, $other.Id, $view.Id)
        }
    }

    Context 'When views of views are made' {
        BeforeAll {
            $root = New-PatternMap 16384
            $outer = $root | New-MemoryMap -Offset 1000 -Size 5000
            $inner = $outer | New-MemoryMap -Offset 2000 -Size 100
            Write-MemoryMap $inner -Data 0xDD -Offset 99
            $beyondOuter = Get-ErrorRecord { New-MemoryMap -InputObject $outer -Offset 4950 -Size 100 -ErrorAction Stop }
            $innerOutside = Get-ErrorRecord { Read-MemoryMap $inner -Offset 100 -Count 1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $root
        }

        It 'Should have the outer view as Parent' {
            $inner.Parent.Id | Should -Be $outer.Id
        }
        It 'Should start at the sum of the offsets in the root' {
            $inner.Address.ToInt64() | Should -Be ($root.Address.ToInt64() + 3000)
        }
        It 'Should read the root''s bytes there' {
            Test-ByteArrayEqual (Read-MemoryMap $inner -Count 99) (Get-Pattern 3000 99) | Should -BeTrue
        }
        It 'Should write to the root at the sum of the offsets' {
            (Read-MemoryMap $root -Offset 3099 -Count 1)[0] | Should -Be 0xDD
        }
        It 'Should refuse a view past the outer view even when it is inside the root' {
            $beyondOuter.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should confine the inner view to its own range' {
            $innerOutside.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
    }

    Context 'When a view is closed' {
        BeforeAll {
            $parent = New-PatternMap 8192
            $view = $parent | New-MemoryMap -Offset 100 -Size 100
            $sibling = $parent | New-MemoryMap -Offset 4096
            $inner = $view | New-MemoryMap -Offset 10 -Size 10
            $viewId = $view.Id
            Close-MemoryMap $view
            $againErrors = $null
            Close-MemoryMap $view -ErrorVariable againErrors
            $readErr = Get-ErrorRecord { Read-MemoryMap $view -ErrorAction Stop }
            $innerErr = Get-ErrorRecord { Read-MemoryMap $inner -ErrorAction Stop }
            $listed = @((Get-MemoryMap).Id)
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should make the view invalid' {
            $view.IsValid | Should -BeFalse
        }
        It 'Should set its address to zero' {
            $view.Address | Should -Be ([IntPtr]::Zero)
        }
        It 'Should refuse access with MapClosed' {
            $readErr.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should say it was closed' {
            $readErr.Exception.Message | Should -Be "Mapping is closed: map $viewId was closed."
            "$readErr" | Should -Be "Mapping is closed: map $viewId was closed. Create a new map with New-MemoryMap."
        }
        It 'Should close the views of the view' {
            $inner.IsValid | Should -BeFalse
            $innerErr.Exception.Message | Should -BeLike "Mapping is closed: map $($inner.Id) was closed with map $viewId, which it is a view of.*"
        }
        It 'Should be harmless to close again' {
            $againErrors | Should -BeNullOrEmpty
        }
        It 'Should drop the view and its views from Get-MemoryMap' {
            $listed | Should -Not -Contain $viewId
            $listed | Should -Not -Contain $inner.Id
        }
        It 'Should leave the parent valid and listed' {
            $parent.IsValid | Should -BeTrue
            $listed | Should -Contain $parent.Id
        }
        It 'Should leave the parent''s memory readable, including the bytes the view covered' {
            Test-ByteArrayEqual (Read-MemoryMap $parent -Offset 100 -Count 100) (Get-Pattern 100 100) | Should -BeTrue
        }
        It 'Should leave the parent writable' {
            Write-MemoryMap $parent -Data 0x77 -Offset 150
            (Read-MemoryMap $parent -Offset 150 -Count 1)[0] | Should -Be 0x77
        }
        It 'Should leave another view of the parent working' {
            $sibling.IsValid | Should -BeTrue
            Test-ByteArrayEqual (Read-MemoryMap $sibling -Count 16) (Get-Pattern 4096 16) | Should -BeTrue
        }
    }

    Context 'When the parent of views is closed' {
        BeforeAll {
            $root = New-MemoryMap -Size 8192
            $view = $root | New-MemoryMap -Offset 4096
            $inner = $view | New-MemoryMap -Offset 8 -Size 8
            $ids = $root.Id, $view.Id, $inner.Id
            Close-MemoryMap $root
            $readErr = Get-ErrorRecord { Read-MemoryMap $view -ErrorAction Stop }
            $writeErr = Get-ErrorRecord { Write-MemoryMap $inner -Data 1 -ErrorAction Stop }
            $protectErr = Get-ErrorRecord { Set-MemoryMapProtection $view -Protection Read -ErrorAction Stop }
            $newViewErr = Get-ErrorRecord { New-MemoryMap -InputObject $view -ErrorAction Stop }
            $apiErr = Get-ErrorRecord { $view.Read(0, 1) }
            $listed = @((Get-MemoryMap).Id)
            $closeErrors = $null
            Close-MemoryMap $view, $inner -ErrorVariable closeErrors
        }

        It 'Should make every view invalid' {
            $view.IsValid | Should -BeFalse
            $inner.IsValid | Should -BeFalse
        }
        It 'Should set their addresses to zero' {
            $view.Address | Should -Be ([IntPtr]::Zero)
            $inner.Address | Should -Be ([IntPtr]::Zero)
        }
        It 'Should refuse reads with MapClosed' {
            $readErr.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report InvalidOperation' {
            $readErr.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        It 'Should say which map it was closed with' {
            "$readErr" | Should -Be "Mapping is closed: map $($view.Id) was closed with map $($root.Id), which it is a view of. Views live only as long as their parent. Create a new map with New-MemoryMap."
        }
        It 'Should refuse writes to a view of a view with MapClosed' {
            $writeErr.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse a protection change with MapClosed' {
            $protectErr.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should refuse a view of a closed view with MapClosed' {
            $newViewErr.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse API access with ObjectDisposedException' {
            $apiErr.Exception.InnerException | Should -BeOfType ([ObjectDisposedException])
        }
        It 'Should drop all of them from Get-MemoryMap' {
            @($listed | Where-Object { $ids -contains $_ }) | Should -BeNullOrEmpty
        }
        It 'Should be harmless to close the views afterwards' {
            $closeErrors | Should -BeNullOrEmpty
        }
        It 'Should say closed in their descriptions' {
            $view.ToString() | Should -BeLike '*, closed'
        }
    }

    Context 'When a page-aligned view in the middle is made read-only' {
        BeforeAll {
            $page = $script:page
            $parent = New-MemoryMap -Size (4 * $page)
            $middle = New-MemoryMap -InputObject $parent -Offset $page -Size (2 * $page)
            $last = New-MemoryMap -InputObject $parent -Offset (3 * $page)
            Set-MemoryMapProtection $middle -Protection Read -WarningVariable warnings
            $parentProtection = $parent.Protection
            $middleProtection = $middle.Protection
            $lastProtection = $last.Protection
            Write-MemoryMap $parent -Data 1 -Offset 0
            Write-MemoryMap $parent -Data 2 -Offset ($page - 1)
            Write-MemoryMap $parent -Data 3 -Offset (3 * $page)
            Write-MemoryMap $last -Data 4 -Offset ($page - 1)
            $insideErr = Get-ErrorRecord { Write-MemoryMap $parent -Data 9 -Offset ($page + 5) -ErrorAction Stop }
            $straddleErr = Get-ErrorRecord { Write-MemoryMap $parent -Data 9, 9 -Offset ($page - 1) -ErrorAction Stop }
            $viewErr = Get-ErrorRecord { Write-MemoryMap $middle -Data 9 -ErrorAction Stop }
            $scatterErr = Get-ErrorRecord { Write-MemoryMap $parent -Value 9, 9 -As Byte -Offset 0, ($page * 2) -ErrorAction Stop }
            $apiErr = Get-ErrorRecord { $parent.Write($page * 2, [byte[]](9)) }
            $readAll = Read-MemoryMap $parent
            Set-MemoryMapProtection $middle -Protection Read, Write -WarningVariable backWarnings
            $parentAfter = $parent.Protection
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should not warn: only the view''s own pages change' {
            $warnings | Should -BeNullOrEmpty
            $backWarnings | Should -BeNullOrEmpty
        }
        It 'Should make the view Read' {
            $middleProtection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should report Read for the parent: what every byte of it allows' {
            $parentProtection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should keep another view over other pages Read,Write' {
            $lastProtection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should let the parent write outside the view''s pages' {
            $readAll[0] | Should -Be 1
            $readAll[$page - 1] | Should -Be 2
            $readAll[3 * $page] | Should -Be 3
            $readAll[4 * $page - 1] | Should -Be 4
        }
        It 'Should refuse the parent''s writes inside the view''s pages with MapNotWritable' {
            $insideErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should name the bytes refused' {
            "$insideErr" | Should -Be "Mapping is not writable: bytes $($page + 5)..$($page + 5) of map $($parent.Id) have protection Read. Add Write with Set-MemoryMapProtection first."
        }
        It 'Should refuse a write that reaches into the view''s pages' {
            $straddleErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse writes through the view' {
            $viewErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse a scattered write when one offset is in the view''s pages' {
            $scatterErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse the write through the API' {
            $apiErr.Exception.InnerException.Error | Should -Be ([Mman.MemoryMapError]::MapNotWritable)
        }
        It 'Should leave the bytes of the view''s pages untouched' {
            @($readAll[$page..(3 * $page - 1)] | Where-Object { $_ -ne 0 }).Count | Should -Be 0
        }
        It 'Should let the parent read everywhere' {
            $readAll.Length | Should -Be (4 * $page)
        }
        It 'Should give the parent Read,Write back when the view gets Write back' {
            $parentAfter | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
    }

    Context 'When a view that is not page-aligned changes protection' {
        BeforeAll {
            $page = $script:page
            $parent = New-MemoryMap -Size (3 * $page)
            $small = New-MemoryMap -InputObject $parent -Offset 100 -Size 50
            Set-MemoryMapProtection $small -Protection Read -WarningVariable smallWarnings -WarningAction SilentlyContinue
            $sameWriteErr = Get-ErrorRecord { Write-MemoryMap $parent -Data 1 -Offset 200 -ErrorAction Stop }
            Write-MemoryMap $parent -Data 2 -Offset $page
            $nextPage = (Read-MemoryMap $parent -Offset $page -Count 1)[0]
            Set-MemoryMapProtection $small -Protection Read, Write -WarningAction SilentlyContinue

            $crossing = New-MemoryMap -InputObject $parent -Offset ($page - 10) -Size 20 -Protection Read -WarningVariable crossingWarnings -WarningAction SilentlyContinue
            $crossingProtection = $crossing.Protection
            Set-MemoryMapProtection $crossing -Protection Read, Write -WarningAction SilentlyContinue

            $head = New-MemoryMap -InputObject $parent -Offset 0 -Size 100
            Set-MemoryMapProtection $head -Protection Read -WarningVariable headWarnings -WarningAction SilentlyContinue
            Set-MemoryMapProtection $head -Protection Read, Write -WarningAction SilentlyContinue

            $outer = New-MemoryMap -InputObject $parent -Offset $page -Size $page
            $inner = New-MemoryMap -InputObject $outer -Offset 10 -Size 10 -Protection Read -WarningVariable innerWarnings -WarningAction SilentlyContinue
            Set-MemoryMapProtection $inner -Protection Read, Write -WarningAction SilentlyContinue
            $outerAlignedWarnings = $null
            Set-MemoryMapProtection $outer -Protection Read -WarningVariable outerAlignedWarnings
            Set-MemoryMapProtection $outer -Protection Read, Write

            # A parent whose last page is partial: a view to its end covers all of that page it shows.
            $odd = New-MemoryMap -Size ($page + 904)
            $tail = New-MemoryMap -InputObject $odd -Offset $page -Protection Read -WarningVariable tailWarnings
        }
        AfterAll {
            Close-MemoryMap $parent, $odd
        }

        It 'Should warn, naming the parent''s bytes that change too' {
            "$smallWarnings" | Should -Be "Map $($small.Id) covers bytes 100..149 of map $($parent.Id), which do not start and end on page boundaries ($page bytes a page). Protection applies to whole pages, so bytes 0..99 and 150..$($page - 1) of map $($parent.Id) change too."
        }
        It 'Should warn once' {
            @($smallWarnings).Count | Should -Be 1
        }
        It 'Should change the parent''s bytes of the same page' {
            $sameWriteErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should leave the next page writable' {
            $nextPage | Should -Be 2
        }
        It 'Should warn for a view across a page boundary, naming bytes of both pages' {
            "$crossingWarnings" | Should -Be "Map $($crossing.Id) covers bytes $($page - 10)..$($page + 9) of map $($parent.Id), which do not start and end on page boundaries ($page bytes a page). Protection applies to whole pages, so bytes 0..$($page - 11) and $($page + 10)..$(2 * $page - 1) of map $($parent.Id) change too."
        }
        It 'Should set the protection given with New-MemoryMap -Protection' {
            $crossingProtection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should name only the bytes after a view that starts on a page boundary' {
            "$headWarnings" | Should -Be "Map $($head.Id) covers bytes 0..99 of map $($parent.Id), which do not start and end on page boundaries ($page bytes a page). Protection applies to whole pages, so bytes 100..$($page - 1) of map $($parent.Id) change too."
        }
        It 'Should name the bytes of the root map for a view of a view' {
            "$innerWarnings" | Should -Be "Map $($inner.Id) covers bytes $($page + 10)..$($page + 19) of map $($parent.Id), which do not start and end on page boundaries ($page bytes a page). Protection applies to whole pages, so bytes $page..$($page + 9) and $($page + 20)..$(2 * $page - 1) of map $($parent.Id) change too."
        }
        It 'Should not warn for a page-aligned view of the same page' {
            $outerAlignedWarnings | Should -BeNullOrEmpty
        }
        It 'Should not warn for a view that ends at the parent''s end, in a partial page' {
            $tailWarnings | Should -BeNullOrEmpty
            $tail.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should give the parent back Read,Write when every view has it again' {
            $parent.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
    }

    Context 'When a view of a map opened without Write asks for Write' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/read-only.bin" -Length 8192
            $map = New-MemoryMap -Path $file
            $before = @((Get-MemoryMap).Id)
            $err = Get-ErrorRecord { New-MemoryMap -InputObject $map -Offset 4096 -Protection Read, Write -ErrorAction Stop }
            $after = @((Get-MemoryMap).Id)
            $view = $map | New-MemoryMap -Offset 4096
            $protectErr = Get-ErrorRecord { Set-MemoryMapProtection $view -Protection Read, Write -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with ProtectionDenied' {
            $err.FullyQualifiedErrorId | Should -Be 'ProtectionDenied,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should open no view' {
            $after | Should -Be $before
        }
        It 'Should refuse Set-MemoryMapProtection on a view too' {
            $protectErr.FullyQualifiedErrorId | Should -Be 'ProtectionDenied,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should keep the parent and the view Read' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]::Read)
            $view.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
    }

    Context 'When making a view with -WhatIf' {
        BeforeAll {
            $parent = New-MemoryMap -Size 8192
            $before = @((Get-MemoryMap).Id)
            $output = New-MemoryMap -InputObject $parent -Offset 10 -Size 10 -WhatIf
            $protected = $parent | New-MemoryMap -Offset 100 -Protection Read -WhatIf
            $after = @((Get-MemoryMap).Id)
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
            $protected | Should -BeNullOrEmpty
        }
        It 'Should open no map' {
            $after | Should -Be $before
        }
        It 'Should leave the parent''s protection alone' {
            $parent.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
    }

    Context 'When typed reads and searches run on a view' {
        BeforeAll {
            $parent = New-MemoryMap -Size 8192
            $random = [byte[]]::new(8192)
            [Random]::new(7).NextBytes($random)
            $needle = [Text.Encoding]::ASCII.GetBytes('NEEDLE')
            # Before the view, inside it, across its end, and after it.
            foreach ($at in 50, 1000, 1497, 3000) { [Array]::Copy($needle, 0, $random, $at, $needle.Length) }
            Write-MemoryMap $parent -Data $random
            $view = $parent | New-MemoryMap -Offset 500 -Size 1000
            $found = @(Find-MemoryMap $view -Text 'NEEDLE' -All)
            $last = Find-MemoryMap $view -Text 'NEEDLE' -Last
            $fromMatch = $found | Read-MemoryMap -Count 6 -AsString
            $ints = Read-MemoryMap $view -As Int32
            $gathered = Read-MemoryMap $view -As UInt16 -Offset 0, 998 -BigEndian
            $endErr = Get-ErrorRecord { Read-MemoryMap $view -As Int64 -Offset 993 -Count 1 -ErrorAction Stop }
            Write-MemoryMap $view -Value 0x1122334455667788 -As Int64 -Offset 992
            $writtenInParent = Read-MemoryMap $parent -Offset 1492 -Count 8
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should find only the match inside the view' {
            $found.Count | Should -Be 1
        }
        It 'Should give the match''s offset in the view' {
            $found[0].Offset | Should -Be 500
        }
        It 'Should give the view as the match''s map' {
            $found[0].Map.Id | Should -Be $view.Id
        }
        It 'Should find the same match searching from the end' {
            $last.Offset | Should -Be 500
        }
        It 'Should read at the match through the pipeline' {
            $fromMatch | Should -Be 'NEEDLE'
        }
        It 'Should read every whole Int32 of the view, from the view''s first byte' {
            $ints.Count | Should -Be 250
            $ints[0] | Should -Be ([BitConverter]::ToInt32($random, 500))
            $ints[249] | Should -Be ([BitConverter]::ToInt32($random, 1496))
        }
        It 'Should gather big-endian values at view offsets' {
            $gathered | Should -Be @(([uint16]$random[500] * 256 + $random[501]), ([uint16]$random[1498] * 256 + $random[1499]))
        }
        It 'Should refuse a typed read that reaches past the view' {
            $endErr.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should write a typed value at the end of the view into the parent' {
            $writtenInParent | Should -Be @(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11)
        }
    }

    Context 'When the file is done' {
        if ($IsWindows) {
            It 'Should leave no named section of this file (Windows: no /dev/shm)' {
                # A Windows section lives while a handle or view of it is open: opening it by name (with
                # .NET, not Mman) fails once every map of the name is closed.
                foreach ($suffix in @('named')) {
                    $err = Get-ErrorRecord { [IO.MemoryMappedFiles.MemoryMappedFile]::OpenExisting("Local\$($script:prefix)$suffix").Dispose() }
                    $err.Exception.InnerException | Should -BeOfType ([IO.FileNotFoundException]) -Because "no map of $($script:prefix)$suffix should be open"
                }
            }
        }
        else {
            It 'Should leave no shared memory of this file in /dev/shm' {
                @(Get-ChildItem -LiteralPath /dev/shm -Filter "$($script:prefix)*" -ErrorAction Ignore) | Should -BeNullOrEmpty
            }
        }
    }
}
