BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    function Get-VmFlag {
        # The kernel's own record of a mapping's advice: the VmFlags line of its /proc/self/smaps
        # entry ("sr" after MADV_SEQUENTIAL, "rr" after MADV_RANDOM).
        param([Parameter(Mandatory)] [Mman.MemoryMap] $Map)
        $start = '{0:x}' -f $Map.Address.ToInt64()
        $lines = Get-Content "/proc/$PID/smaps"
        $inside = $false
        foreach ($line in $lines) {
            if ($line -match '^([0-9a-f]+)-([0-9a-f]+) ') {
                $inside = $Matches[1] -eq $start
            }
            elseif ($inside -and $line -match '^VmFlags:(.*)$') {
                return -split $Matches[1]
            }
        }
        throw "No mapping at 0x$start in /proc/$PID/smaps"
    }
    $script:noSmaps = '/proc/self/smaps, where the kernel shows the advice, is Linux''s'
}

Describe 'Set-MemoryMapAccessHint' -Tag CI {
    Context 'When a map is new' {
        BeforeAll {
            $map = New-MemoryMap -Size 8192
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should report the hint Normal' {
            $map.AccessHint | Should -Be 'Normal'
        }
    }

    Context 'When setting each hint on a file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/hint.bin" -Length 65536 -Zero
            $map = New-MemoryMap -Path $file
            $results = foreach ($hint in 'Sequential', 'Random', 'Normal') {
                $output = Set-MemoryMapAccessHint $map -Hint $hint -PassThru -Verbose 4>&1
                $verbose = @($output | Where-Object { $_ -is [Management.Automation.VerboseRecord] })
                [pscustomobject]@{
                    Hint     = $hint
                    Recorded = $map.AccessHint
                    Emitted  = @($output | Where-Object { $_ -is [Mman.MemoryMap] })
                    Verbose  = @($verbose | Where-Object { $_.Message -like '*no effect*' })
                    Flags    = if ($IsLinux) { Get-VmFlag $map } else { @() }
                }
            }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should record <_> in AccessHint' -ForEach 'Sequential', 'Random', 'Normal' {
            ($results | Where-Object Hint -eq $_).Recorded | Should -Be $_
        }
        It 'Should emit the map with -PassThru' {
            $results | ForEach-Object { [object]::ReferenceEquals($_.Emitted[0], $map) | Should -BeTrue }
        }
        It 'Should show Sequential in the kernel''s VmFlags (sr)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noSmaps }
            $results[0].Flags | Should -Contain 'sr'
            $results[0].Flags | Should -Not -Contain 'rr'
        }
        It 'Should show Random in the kernel''s VmFlags (rr)' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noSmaps }
            $results[1].Flags | Should -Contain 'rr'
            $results[1].Flags | Should -Not -Contain 'sr'
        }
        It 'Should clear both flags for Normal' {
            if (-not $IsLinux) { Set-ItResult -Skipped -Because $noSmaps }
            $results[2].Flags | Should -Not -Contain 'rr'
            $results[2].Flags | Should -Not -Contain 'sr'
        }
        It 'Should say in -Verbose that the hint has no effect on Windows' {
            if (-not $IsWindows) { Set-ItResult -Skipped -Because 'it asserts the Windows message; here the hint has its effect (VmFlags above)' }
            $results | ForEach-Object { $_.Verbose.Count | Should -Be 1 }
        }
        It 'Should not say so where the hint has an effect' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows has no access hints for views (the test above)' }
            $results | ForEach-Object { $_.Verbose.Count | Should -Be 0 }
        }
    }

    Context 'When setting a hint from the pipeline with -WhatIf' {
        BeforeAll {
            $first = New-MemoryMap -Size 4096
            $second = New-MemoryMap -Size 4096
            $output = $first, $second | Set-MemoryMapAccessHint -Hint Random -PassThru -WhatIf
            $whatIf = @($first.AccessHint, $second.AccessHint)
            $piped = @($first, $second | Set-MemoryMapAccessHint -Hint Sequential -PassThru)
        }
        AfterAll {
            Close-MemoryMap $first, $second
        }

        It 'Should emit nothing with -WhatIf' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should change nothing with -WhatIf' {
            $whatIf | Should -Be @('Normal', 'Normal')
        }
        It 'Should set the hint of each piped map' {
            $piped.AccessHint | Should -Be @('Sequential', 'Sequential')
        }
    }

    Context 'When the map is closed or the hint is not one' {
        BeforeAll {
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
            $closedError = Get-ErrorRecord { Set-MemoryMapAccessHint $closed -Hint Random -ErrorAction Stop }
            $map = New-MemoryMap -Size 4096
            $badHint = Get-ErrorRecord { Set-MemoryMapAccessHint $map -Hint WillNeed -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with MapClosed' {
            $closedError.FullyQualifiedErrorId | Should -Be 'MapClosed,Mman.Commands.SetMemoryMapAccessHintCommand'
        }
        It 'Should refuse a hint that is not Normal, Sequential or Random when binding' {
            $badHint.FullyQualifiedErrorId | Should -Be 'CannotConvertArgumentNoMessage,Mman.Commands.SetMemoryMapAccessHintCommand'
        }
        It 'Should leave the hint Normal' {
            $map.AccessHint | Should -Be 'Normal'
        }
    }
}
