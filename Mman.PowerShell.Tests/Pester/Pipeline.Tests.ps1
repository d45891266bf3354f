BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'Mman pipelines' -Tag CI {
    Context 'When New-MemoryMap feeds Write-MemoryMap -PassThru and Read-MemoryMap' {
        BeforeAll {
            $result = @(New-MemoryMap -Size 16 | Tee-Object -Variable map | Write-MemoryMap -Data 1, 2, 3 -PassThru | Read-MemoryMap -Count 3)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit one byte array' {
            $result.Count | Should -Be 1
        }
        It 'Should read what was written' {
            $result[0] | Should -Be @(1, 2, 3)
        }
    }

    Context 'When a file goes through every cmdlet in one pipeline' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/pipeline.bin" -Length 4096
            $output = Get-Item -LiteralPath $file |
                New-MemoryMap -Protection Read, Write |
                Tee-Object -Variable map |
                Set-MemoryMapProtection -Protection Read -PassThru |
                Set-MemoryMapProtection -Protection Read, Write -PassThru |
                Write-MemoryMap -Text 'piped' -Offset 4 -PassThru |
                Sync-MemoryMap -PassThru |
                Close-MemoryMap
            $fileBytes = [IO.File]::ReadAllBytes($file)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit nothing at the end' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should put the text in the file' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 4, 5) | Should -BeExactly 'piped'
        }
        It 'Should close the map' {
            $map.IsValid | Should -BeFalse
        }
    }

    Context 'When several maps go through the pipeline' {
        BeforeAll {
            $maps = 1..3 | ForEach-Object { New-MemoryMap -Size 16 }
            $results = @($maps | Write-MemoryMap -Data 0x2A -Offset 15 -PassThru | Read-MemoryMap -Offset 15)
        }
        AfterAll {
            $maps | Close-MemoryMap
        }

        It 'Should emit one array per map' {
            $results.Count | Should -Be 3
        }
        It 'Should write and read each map' {
            $results | ForEach-Object { $_[0] } | Should -Be @(0x2A, 0x2A, 0x2A)
        }
    }

    Context 'When Get-MemoryMap feeds Close-MemoryMap in a fresh pwsh' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/child.bin" -Length 4096
            $script = @"
`$maps = @(1..3 | ForEach-Object { New-MemoryMap -Size 4096 }) + @(New-MemoryMap -Path '$file')
`$before = @(Get-MemoryMap).Count
Get-MemoryMap | Close-MemoryMap
[pscustomobject]@{ Before = `$before; After = @(Get-MemoryMap).Count; Valid = @(`$maps | Where-Object IsValid).Count } | ConvertTo-Json -Compress
"@
            $result = Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | ConvertFrom-Json
        }

        It 'Should list the four maps the child opened' {
            $result.Before | Should -Be 4
        }
        It 'Should leave no open map' {
            $result.After | Should -Be 0
        }
        It 'Should close every map' {
            $result.Valid | Should -Be 0
        }
    }

    Context 'When Read-MemoryMap feeds a command that takes an array' {
        BeforeAll {
            $map = New-MemoryMap -Size 8
            Write-MemoryMap $map -Data 1, 2, 3, 4, 5, 6, 7, 8
            $lengths = @(Read-MemoryMap $map | ForEach-Object { $_.Length })
            $hex = Read-MemoryMap $map -Count 2 | ForEach-Object { [Convert]::ToHexString($_) }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should pass the whole array as one pipeline object' {
            $lengths | Should -Be @(8)
        }
        It 'Should let the next command use the array' {
            $hex | Should -Be '0102'
        }
    }
}
