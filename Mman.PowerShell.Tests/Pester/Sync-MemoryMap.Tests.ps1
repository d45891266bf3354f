BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'Sync-MemoryMap' -Tag CI {
    Context 'When syncing a whole shared file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/whole.bin" -Length 10000
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Write-MemoryMap $map -Text 'first' -Offset 0
            Write-MemoryMap $map -Text 'last' -Offset 9996
            $output = Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should put the first write in the file' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 0, 5) | Should -BeExactly 'first'
        }
        It 'Should put the last write in the file' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 9996, 4) | Should -BeExactly 'last'
        }
        It 'Should keep the other bytes' {
            $fileBytes[5000] | Should -Be (Get-PatternByte 5000)
        }
    }

    Context 'When syncing a range with -Offset and -Count' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/range.bin" -Length 20000
            $map = New-MemoryMap -Path $file -Offset 3 -Protection Read, Write
            Write-MemoryMap $map -Data 0xA1, 0xA2 -Offset 8191
            Sync-MemoryMap $map -Offset 8190 -Count 4
            Write-MemoryMap $map -Data 0xB1 -Offset 15000
            Sync-MemoryMap -Map $map -Offset 15000
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should put the range in the file at the map offset' {
            $fileBytes[8194..8195] | Should -Be @(0xA1, 0xA2)
        }
        It 'Should sync from -Offset to the end without -Count' {
            $fileBytes[15003] | Should -Be 0xB1
        }
        It 'Should accept an empty range at the end of the map' {
            { Sync-MemoryMap $map -Offset $map.Size -ErrorAction Stop } | Should -Not -Throw
        }
    }

    Context 'When syncing with -Async and -Invalidate' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/async.bin" -Length 8192
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Write-MemoryMap $map -Text 'async' -Offset 100
            $asyncOutput = Sync-MemoryMap $map -Async
            Write-MemoryMap $map -Text 'inval' -Offset 200
            $invalidateOutput = Sync-MemoryMap $map -Invalidate -PassThru
            Write-MemoryMap $map -Text 'both' -Offset 300
            Sync-MemoryMap $map -Async -Invalidate -Offset 300 -Count 4
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing for -Async without -PassThru' {
            $asyncOutput | Should -BeNullOrEmpty
        }
        It 'Should put the -Async write in the file' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 100, 5) | Should -BeExactly 'async'
        }
        It 'Should put the -Invalidate write in the file' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 200, 5) | Should -BeExactly 'inval'
        }
        It 'Should keep the map contents after -Invalidate' {
            Read-MemoryMap $map -Offset 200 -Count 5 -AsString | Should -BeExactly 'inval'
        }
        It 'Should emit the map with -Invalidate -PassThru' {
            $invalidateOutput.Id | Should -Be $map.Id
        }
        It 'Should put the -Async -Invalidate range in the file' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 300, 4) | Should -BeExactly 'both'
        }
    }

    Context 'When syncing with -PassThru and from the pipeline' {
        BeforeAll {
            $first = New-MemoryMap -Size 4096
            $second = New-MemoryMap -Size 4096
            $output = @(Sync-MemoryMap $first -PassThru)
            $piped = @($first, $second | Sync-MemoryMap -PassThru)
        }
        AfterAll {
            Close-MemoryMap $first, $second
        }

        It 'Should emit one object' {
            $output.Count | Should -Be 1
        }
        It 'Should emit the same map' {
            [object]::ReferenceEquals($output[0], $first) | Should -BeTrue
        }
        It 'Should sync and emit each piped map' {
            $piped.Id | Should -Be @($first.Id, $second.Id)
        }
    }

    Context 'When syncing a private file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/private.bin" -Length 4096
            $map = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
            Write-MemoryMap $map -Data 0xCC -Offset 7
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should not put the private write in the file' {
            $fileBytes[7] | Should -Be (Get-PatternByte 7)
        }
        It 'Should keep the private write in the map' {
            (Read-MemoryMap $map -Offset 7 -Count 1) | Should -Be @(0xCC)
        }
    }

    Context 'When syncing with -WhatIf' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/whatif.bin" -Length 4096
            $map = New-MemoryMap -Path $file -Protection Read, Write
            $output = Sync-MemoryMap $map -PassThru -WhatIf
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should leave the map open' {
            $map.IsValid | Should -BeTrue
        }
        It 'Should leave the file unchanged' {
            $fileBytes = Get-FileBytes $file
            $fileBytes[4095] | Should -Be (Get-PatternByte 4095)
        }
    }

    Context 'When the range is outside the map' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $err = Get-ErrorRecord { Sync-MemoryMap $map -Offset 4000 -Count 100 -ErrorAction Stop }
            $negativeOffset = Get-ErrorRecord { Sync-MemoryMap $map -Offset -1 -ErrorAction Stop }
            $negativeCount = Get-ErrorRecord { Sync-MemoryMap $map -Count -1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with RangeOutsideMap' {
            $err.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.SyncMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should name the offset, the count and the size' {
            $err.Exception.Message | Should -BeLike 'Offset 4000 and count 100 are outside the map: it is 4096 bytes*'
        }
        It 'Should fail with RangeOutsideMap for -Offset past the end' {
            { Sync-MemoryMap $map -Offset 4097 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.SyncMemoryMapCommand'
        }
        It 'Should fail with OffsetNegative' {
            $negativeOffset.FullyQualifiedErrorId | Should -Be 'OffsetNegative,Mman.Commands.SyncMemoryMapCommand'
        }
        It 'Should fail with CountNegative' {
            $negativeCount.FullyQualifiedErrorId | Should -Be 'CountNegative,Mman.Commands.SyncMemoryMapCommand'
        }
    }

    Context 'When the map is closed' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Close-MemoryMap $map
            $err = Get-ErrorRecord { Sync-MemoryMap $map -ErrorAction Stop }
        }

        It 'Should fail with MapClosed' {
            { Sync-MemoryMap $map -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.SyncMemoryMapCommand'
        }
        It 'Should report InvalidOperation' {
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        It 'Should say the mapping is closed' {
            $err.Exception.Message | Should -BeLike 'Mapping is closed*'
        }
    }
}
