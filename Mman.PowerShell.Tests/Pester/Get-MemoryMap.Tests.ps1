BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'Get-MemoryMap' -Tag CI {
    Context 'When maps are open' {
        BeforeAll {
            $first = New-MemoryMap -Size 4096
            $second = New-MemoryMap -Size 8192
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
            $all = @(Get-MemoryMap)
            $ours = @($all | Where-Object { $_.Id -in $first.Id, $second.Id, $closed.Id })
        }
        AfterAll {
            Close-MemoryMap $first, $second
        }

        It 'Should list the open maps' {
            $ours.Id | Should -Be @($first.Id, $second.Id)
        }
        It 'Should emit MemoryMap objects' {
            $ours[0] | Should -BeOfType ([Mman.MemoryMap])
        }
        It 'Should emit the very objects New-MemoryMap returned' {
            [object]::ReferenceEquals($ours[1], $second) | Should -BeTrue
        }
        It 'Should not list a closed map' {
            $all.Id | Should -Not -Contain $closed.Id
        }
        It 'Should list the maps ordered by Id' {
            $all.Id | Should -Be ($all.Id | Sort-Object)
        }
        It 'Should list only valid maps' {
            @($all | Where-Object { -not $_.IsValid }).Count | Should -Be 0
        }
    }

    Context 'When asking for maps by -Id' {
        BeforeAll {
            $first = New-MemoryMap -Size 4096
            $second = New-MemoryMap -Size 4096
            $byId = Get-MemoryMap -Id $second.Id
            $byPosition = Get-MemoryMap $first.Id
            $several = @(Get-MemoryMap -Id $second.Id, $first.Id)
        }
        AfterAll {
            Close-MemoryMap $first, $second
        }

        It 'Should emit the map with that Id' {
            $byId.Id | Should -Be $second.Id
        }
        It 'Should emit the very object' {
            [object]::ReferenceEquals($byId, $second) | Should -BeTrue
        }
        It 'Should take the Id by position' {
            $byPosition.Id | Should -Be $first.Id
        }
        It 'Should emit the maps in the order of the Ids asked for' {
            $several.Id | Should -Be @($second.Id, $first.Id)
        }
    }

    Context 'When -Id names no open map' {
        BeforeAll {
            $open = New-MemoryMap -Size 4096
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
            $unknown = [int]::MaxValue
            $err = Get-ErrorRecord { Get-MemoryMap -Id $unknown -ErrorAction Stop }
            $mixed = @(Get-MemoryMap -Id $unknown, $open.Id -ErrorVariable mixedErrors -ErrorAction SilentlyContinue)
        }
        AfterAll {
            Close-MemoryMap $open
        }

        It 'Should fail with MapNotFound' {
            { Get-MemoryMap -Id $unknown -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotFound,Mman.Commands.GetMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should name the Id in the message' {
            $err.Exception.Message | Should -BeLike "No open memory map has Id $unknown*"
        }
        It 'Should fail with MapNotFound for a closed map' {
            { Get-MemoryMap -Id $closed.Id -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotFound,Mman.Commands.GetMemoryMapCommand'
        }
        It 'Should still emit the maps that are open' {
            $mixed.Id | Should -Be @($open.Id)
        }
        It 'Should write one error for the unknown Id' {
            @($mixedErrors).Count | Should -Be 1
        }
    }

    Context 'When a map is formatted as a table' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/format.bin" -Length 8192
            $fileMap = New-MemoryMap -Path $file -Offset 5
            $anonymous = New-MemoryMap -Size 4096
            $table = $fileMap | Format-Table | Out-String -Width 300
            $anonymousTable = $anonymous | Format-Table | Out-String -Width 300
            $default = $anonymous | Out-String -Width 300
            $list = $fileMap | Format-List | Out-String -Width 300
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
            $closedList = $closed | Format-List | Out-String -Width 300
        }
        AfterAll {
            Close-MemoryMap $fileMap, $anonymous
        }

        It 'Should have the column <Column>' -ForEach @(
            @{ Column = 'Id' }
            @{ Column = 'Kind' }
            @{ Column = 'Size' }
            @{ Column = 'Protection' }
            @{ Column = 'Sharing' }
            @{ Column = 'Source' }
        ) {
            $table | Should -Match "\b$Column\b"
        }
        It 'Should leave Address and IsValid to the list' {
            $table | Should -Not -Match '\bAddress\b|\bIsValid\b'
        }
        It 'Should show the address in 0x hex in the list' {
            $list | Should -Match ('(?m)^Address\s*: 0x{0:X}\s*$' -f $fileMap.Address.ToInt64())
        }
        It 'Should show the file name and the offset' {
            $table | Should -Match ([regex]::Escape("format.bin @ 5"))
        }
        It 'Should show the whole path in the list' {
            $list | Should -Match ('(?m)^Path\s*: {0}\s*$' -f [regex]::Escape($file))
        }
        It 'Should show the kind and the size of an anonymous map' {
            $anonymousTable | Should -Match "\b$($anonymous.Id)\s+Anonymous\s+4096\b"
        }
        It 'Should use the table view by default' {
            $default | Should -Match '\bProtection\s+Sharing\b'
        }
        It 'Should show address 0x0 for a closed map' {
            $closedList | Should -Match '(?m)^Address\s*: 0x0\s*$'
        }
    }
}
