BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'Close-MemoryMap' -Tag CI {
    Context 'When closing one map' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $id = $map.Id
            $output = Close-MemoryMap $map
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should make the map invalid' {
            $map.IsValid | Should -BeFalse
        }
        It 'Should set the address to zero' {
            $map.Address | Should -Be ([IntPtr]::Zero)
        }
        It 'Should drop the map from Get-MemoryMap' {
            @((Get-MemoryMap).Id) | Should -Not -Contain $id
        }
        It 'Should say closed in the description' {
            $map.ToString() | Should -BeLike '*, closed'
        }
        It 'Should keep its size' {
            $map.Size | Should -Be 4096
        }
    }

    Context 'When closing a map twice' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Close-MemoryMap $map
            $output = Close-MemoryMap -Map $map -ErrorVariable errors
        }

        It 'Should write no error' {
            $errors | Should -BeNullOrEmpty
        }
        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should leave the map invalid' {
            $map.IsValid | Should -BeFalse
        }
    }

    Context 'When many maps come from the pipeline at once' {
        BeforeAll {
            $maps = 1..5 | ForEach-Object { New-MemoryMap -Size 4096 }
            $ids = $maps.Id
            $maps | Close-MemoryMap
        }

        It 'Should close every map' {
            @($maps | Where-Object IsValid).Count | Should -Be 0
        }
        It 'Should drop every map from Get-MemoryMap' {
            @((Get-MemoryMap).Id | Where-Object { $ids -contains $_ }).Count | Should -Be 0
        }
    }

    Context 'When an array of maps is passed to -InputObject' {
        BeforeAll {
            $first = New-MemoryMap -Size 4096
            $second = New-MemoryMap -Size 4096
            Close-MemoryMap -InputObject $first, $second
        }

        It 'Should close the first map' {
            $first.IsValid | Should -BeFalse
        }
        It 'Should close the second map' {
            $second.IsValid | Should -BeFalse
        }
    }

    Context 'When closing by -Id' {
        BeforeAll {
            $first = New-MemoryMap -Size 4096
            $second = New-MemoryMap -Size 4096
            $third = New-MemoryMap -Size 4096
            $kept = New-MemoryMap -Size 4096
            Close-MemoryMap -Id $first.Id
            Close-MemoryMap -Id $second.Id, $third.Id
        }
        AfterAll {
            Close-MemoryMap $kept
        }

        It 'Should close the map with that Id' {
            $first.IsValid | Should -BeFalse
        }
        It 'Should close every map in a list of Ids' {
            @($second.IsValid, $third.IsValid) | Should -Be @($false, $false)
        }
        It 'Should leave other maps open' {
            $kept.IsValid | Should -BeTrue
        }
    }

    Context 'When -Id names no open map' {
        BeforeAll {
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
            $open = New-MemoryMap -Size 4096
            $unknown = [int]::MaxValue
            $err = Get-ErrorRecord { Close-MemoryMap -Id $unknown -ErrorAction Stop }
            Close-MemoryMap -Id $unknown, $open.Id -ErrorVariable mixedErrors -ErrorAction SilentlyContinue
        }
        AfterAll {
            Close-MemoryMap $open
        }

        It 'Should fail with MapNotFound' {
            { Close-MemoryMap -Id $unknown -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotFound,Mman.Commands.CloseMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should name the Id in the message' {
            $err.Exception.Message | Should -BeLike "No open memory map has Id $unknown*"
        }
        It 'Should have the Id as target' {
            $err.TargetObject | Should -Be $unknown
        }
        It 'Should fail with MapNotFound for the Id of a closed map' {
            { Close-MemoryMap -Id $closed.Id -ErrorAction Stop } | Should -Throw -ErrorId 'MapNotFound,Mman.Commands.CloseMemoryMapCommand'
        }
        It 'Should still close the known Id in the same call' {
            $open.IsValid | Should -BeFalse
        }
        It 'Should write one error for the unknown Id' {
            @($mixedErrors).Count | Should -Be 1
        }
    }

    Context 'When closing with -WhatIf' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Close-MemoryMap $map -WhatIf
            Close-MemoryMap -Id $map.Id -WhatIf
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should leave the map valid' {
            $map.IsValid | Should -BeTrue
        }
        It 'Should keep the map in Get-MemoryMap' {
            (Get-MemoryMap).Id | Should -Contain $map.Id
        }
        It 'Should leave the map usable' {
            Write-MemoryMap $map -Data 8
            (Read-MemoryMap $map -Count 1) | Should -Be @(8)
        }
    }

    Context 'When closing a shared file map without syncing first' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/close.bin" -Length 4096
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Write-MemoryMap $map -Text 'kept' -Offset 10
            Close-MemoryMap $map
            $fileBytes = [IO.File]::ReadAllBytes($file)
        }

        It 'Should keep the write in the file' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 10, 4) | Should -BeExactly 'kept'
        }
        It 'Should release the file so it can be deleted' {
            Remove-Item -LiteralPath $file
            Test-Path -LiteralPath $file | Should -BeFalse
        }
    }
}
