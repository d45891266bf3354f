# Add-, Get-, Set- and Wait-MemoryMapInteger: values of each operation compared with Read-MemoryMap,
# pipeline binding, -WhatIf, errors, waits that end by a write, a timeout or Ctrl+C, and two real pwsh
# processes counting in and handing a turn back and forth through one named map.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }
    $script:prefix = "mman-test-$PID-integer-"
}

Describe 'Add-, Get-, Set-MemoryMapInteger' -Tag CI {
    Context 'When used on anonymous memory' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $first = Add-MemoryMapInteger $map -Offset 8
            $second = Add-MemoryMapInteger $map -Offset 8 -Value 41
            $down = Add-MemoryMapInteger $map -Offset 8 -Value -50
            $read = Get-MemoryMapInteger $map -Offset 8
            $previous = Set-MemoryMapInteger $map -Offset 8 -Value 7 -PassThru
            $silent = Set-MemoryMapInteger $map -Offset 8 -Value 9
            $swap = Set-MemoryMapInteger $map -Offset 8 -Value 10 -Expected 9
            $noSwap = Set-MemoryMapInteger $map -Offset 8 -Value 11 -Expected 9
            $long = Add-MemoryMapInteger $map -Offset 16 -Type Int64 -Value ([long]1 -shl 40)
            Set-MemoryMapInteger $map -Offset 24 -Value ([int]::MaxValue)
            $wrap = Add-MemoryMapInteger $map -Offset 24
        }
        AfterAll { Close-MemoryMap $map }

        It 'Should add 1 by default and output the new value as an Int32' {
            $first | Should -Be 1
            $first | Should -BeOfType [int]
        }
        It 'Should add -Value, negative too' {
            $second | Should -Be 42
            $down | Should -Be -8
        }
        It 'Should read what was added' {
            $read | Should -Be -8
        }
        It 'Should output the previous value with -PassThru, and nothing without' {
            $previous | Should -Be -8
            $silent | Should -BeNullOrEmpty
        }
        It 'Should swap when the value is the one expected' {
            $swap | Should -BeOfType [Mman.MemoryMapExchange]
            $swap.Swapped | Should -BeTrue
            $swap.Previous | Should -Be 9
        }
        It 'Should not swap otherwise, and say what it saw' {
            $noSwap.Swapped | Should -BeFalse
            $noSwap.Previous | Should -Be 10
            (Read-MemoryMap $map -Offset 8 -As Int32 -Count 1)[0] | Should -Be 10
        }
        It 'Should work on an Int64, output as an Int64' {
            $long | Should -Be ([long]1 -shl 40)
            $long | Should -BeOfType [long]
            (Read-MemoryMap $map -Offset 16 -As Int64 -Count 1)[0] | Should -Be ([long]1 -shl 40)
        }
        It 'Should wrap around past Int32.MaxValue' {
            $wrap | Should -Be ([int]::MinValue)
        }
        It 'Should leave the bytes around the integers as they were' {
            (Read-MemoryMap $map -Offset 0 -Count 8) -join ',' | Should -Be '0,0,0,0,0,0,0,0'
            (Read-MemoryMap $map -Offset 12 -Count 4) -join ',' | Should -Be '0,0,0,0'
        }
        It 'Should show a compare-exchange result in 80 columns' {
            $lines = (Set-MemoryMapInteger $map -Offset 16 -Type Int64 -Value 0 -Expected ([long]::MinValue) | Format-Table | Out-String -Width 80) -split '\r?\n'
            ($lines | Measure-Object -Maximum -Property Length).Maximum | Should -BeLessOrEqual 80
            ($lines -join "`n") | Should -Match 'False'
        }
    }

    Context 'When the map comes from the pipeline' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $byValue = $map | Add-MemoryMapInteger -Offset 4 -Value 3
            $byName = [pscustomobject]@{ Map = $map; Offset = 4 } | Add-MemoryMapInteger
            $match = Write-MemoryMap $map -Offset 64 -Text 'FLAG' -PassThru | Find-MemoryMap -Text 'FLAG' | Set-MemoryMapInteger -Value 7 -PassThru
            $readByName = [pscustomobject]@{ Map = $map; Offset = 64 } | Get-MemoryMapInteger
        }
        AfterAll { Close-MemoryMap $map }

        It 'Should bind a map by value' { $byValue | Should -Be 3 }
        It 'Should bind Map and Offset by property name' { $byName | Should -Be 4 }
        It 'Should take a Find-MemoryMap match' {
            $match | Should -Be ([BitConverter]::ToInt32([Text.Encoding]::ASCII.GetBytes('FLAG'), 0))
            $readByName | Should -Be 7
        }
    }

    Context 'When the map is a view at an odd offset of its parent, or a file' {
        BeforeAll {
            $parent = New-MemoryMap -Size 4096
            $view = New-MemoryMap -InputObject $parent -Offset 5 -Size 64
            $viewAdd = Add-MemoryMapInteger $view -Offset 3 -Value 6
            $misaligned = Get-ErrorRecord { Add-MemoryMapInteger $view -Offset 0 -ErrorAction Stop }
            $path = New-TestFile -Path "$TestDrive/counter.bin" -Length 8192
            $file = New-MemoryMap -Path $path -Protection Read, Write
            1..100 | ForEach-Object { $null = Add-MemoryMapInteger $file -Offset 4096 -Type Int64 -Value 3 }
            Sync-MemoryMap $file
            Close-MemoryMap $file
        }
        AfterAll { Close-MemoryMap $parent }

        It 'Should align by the address: the view''s offset 3 is the parent''s 8' {
            $viewAdd | Should -Be 6
            Get-MemoryMapInteger $parent -Offset 8 | Should -Be 6
        }
        It 'Should refuse the view''s offset 0 (the parent''s 5), naming the parent offset' {
            $misaligned.FullyQualifiedErrorId | Should -Be 'IntegerNotAligned,Mman.Commands.AddMemoryMapIntegerCommand'
            $misaligned.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $misaligned.Exception.Message | Should -BeLike '*offset 5 of its parent*'
        }
        It 'Should reach the file' {
            $pattern = [BitConverter]::ToInt64([byte[]]@(0..7 | ForEach-Object { Get-PatternByte -Position (4096 + $_) }), 0)
            $after = [BitConverter]::ToInt64((Get-FileBytes -Path $path), 4096)
            $after | Should -Be ($pattern + 300)
        }
    }

    Context 'When -WhatIf is given' {
        It 'Should change nothing and output nothing' {
            $map = New-MemoryMap -Size 4096
            try {
                Add-MemoryMapInteger $map -Value 5 -WhatIf | Should -BeNullOrEmpty
                Set-MemoryMapInteger $map -Value 5 -Expected 0 -WhatIf | Should -BeNullOrEmpty
                Get-MemoryMapInteger $map | Should -Be 0
            }
            finally { Close-MemoryMap $map }
        }
    }

    Context 'When the request is wrong' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $readOnly = New-MemoryMap -Size 4096 -Protection Read
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
        }
        AfterAll { Close-MemoryMap $map, $readOnly }

        It '<Command> reports <Id>' -ForEach @(
            @{ Command = 'Add-MemoryMapInteger'; Id = 'IntegerNotAligned'; Run = { Add-MemoryMapInteger $map -Offset 2 } }
            @{ Command = 'Get-MemoryMapInteger'; Id = 'IntegerNotAligned'; Run = { Get-MemoryMapInteger $map -Offset 4 -Type Int64 } }
            @{ Command = 'Set-MemoryMapInteger'; Id = 'IntegerNotAligned'; Run = { Set-MemoryMapInteger $map -Offset 1 -Value 1 } }
            @{ Command = 'Wait-MemoryMapInteger'; Id = 'IntegerNotAligned'; Run = { Wait-MemoryMapInteger $map -Offset 3 -Equal 0 } }
            @{ Command = 'Add-MemoryMapInteger'; Id = 'MapNotWritable'; Run = { Add-MemoryMapInteger $readOnly } }
            @{ Command = 'Set-MemoryMapInteger'; Id = 'MapNotWritable'; Run = { Set-MemoryMapInteger $readOnly -Value 1 -Expected 0 } }
            @{ Command = 'Add-MemoryMapInteger'; Id = 'MapClosed'; Run = { Add-MemoryMapInteger $closed } }
            @{ Command = 'Wait-MemoryMapInteger'; Id = 'MapClosed'; Run = { Wait-MemoryMapInteger $closed -Equal 1 } }
            @{ Command = 'Get-MemoryMapInteger'; Id = 'RangeOutsideMap'; Run = { Get-MemoryMapInteger $map -Offset 4096 } }
            @{ Command = 'Set-MemoryMapInteger'; Id = 'ValueNotConvertible'; Run = { Set-MemoryMapInteger $map -Value 2147483648 } }
            @{ Command = 'Wait-MemoryMapInteger'; Id = 'WaitTimedOut'; Run = { Wait-MemoryMapInteger $map -Equal 1 -Timeout 0 } }
        ) {
            $err = Get-ErrorRecord { $ErrorActionPreference = 'Stop'; & $Run }
            $err.FullyQualifiedErrorId | Should -Be "$Id,Mman.Commands.$($Command -replace '-', '')Command"
        }
        It 'Should still read a read-only map' {
            Get-MemoryMapInteger $readOnly | Should -Be 0
        }
    }
}

Describe 'Wait-MemoryMapInteger' -Tag CI {
    Context 'When the value does not come in time' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Set-MemoryMapInteger $map -Offset 8 -Type Int64 -Value 77
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $err = Get-ErrorRecord { Wait-MemoryMapInteger $map -Offset 8 -Type Int64 -Equal 1 -Timeout 0.3 -ErrorAction Stop }
            $elapsed = $watch.Elapsed.TotalSeconds
            $spanErr = Get-ErrorRecord { Wait-MemoryMapInteger $map -Offset 8 -Type Int64 -NotEqual 77 -Timeout ([TimeSpan]::FromMilliseconds(100)) -ErrorAction Stop }
        }
        AfterAll { Close-MemoryMap $map }

        It 'Should fail with WaitTimedOut, an OperationTimeout' {
            $err.FullyQualifiedErrorId | Should -Be 'WaitTimedOut,Mman.Commands.WaitMemoryMapIntegerCommand'
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        }
        It 'Should say the value last seen' {
            $err.Exception.Message | Should -BeLike '*value last seen was 77*'
        }
        It 'Should take -Timeout in seconds (0.3 s, not 0.3 ticks)' {
            $elapsed | Should -BeGreaterOrEqual 0.29
            $elapsed | Should -BeLessThan 5
        }
        It 'Should take a TimeSpan too' {
            $spanErr.FullyQualifiedErrorId | Should -Be 'WaitTimedOut,Mman.Commands.WaitMemoryMapIntegerCommand'
        }
    }

    Context 'When the value is already there' {
        It 'Should output it at once' {
            $map = New-MemoryMap -Size 4096
            try {
                Wait-MemoryMapInteger $map -Equal 0 -Timeout 0 | Should -Be 0
                Wait-MemoryMapInteger $map -NotEqual 5 | Should -Be 0
            }
            finally { Close-MemoryMap $map }
        }
    }

    Context 'When Ctrl+C stops it, or another thread closes the map' {
        BeforeAll {
            # Waits in a second runspace of this process, stopped (PowerShell.Stop, what Ctrl+C does) or
            # its map closed from here.
            function Start-Wait($Map, [string] $Script) {
                $ps = [PowerShell]::Create()
                $null = $ps.AddScript("Import-Module '$(Get-MmanModulePath)'; `$map = `$args[0]; $Script").AddArgument($Map)
                return @{ PowerShell = $ps; Async = $ps.BeginInvoke() }
            }
            $map = New-MemoryMap -Size 4096 -Sharing Shared

            $stopped = Start-Wait $map 'Wait-MemoryMapInteger $map -Equal 1; ''returned'''
            Start-Sleep -Milliseconds 500
            $stopRunning = $stopped.PowerShell.InvocationStateInfo.State
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $stopped.PowerShell.Stop()
            $stopSeconds = $watch.Elapsed.TotalSeconds
            $stopState = $stopped.PowerShell.InvocationStateInfo.State
            $stopped.PowerShell.Dispose()

            $victim = New-MemoryMap -Size 4096
            $closing = Start-Wait $victim 'try { Wait-MemoryMapInteger $map -Equal 1 -Timeout 20 -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }'
            Start-Sleep -Milliseconds 500
            $watch.Restart()
            Close-MemoryMap $victim
            $closeSeconds = $watch.Elapsed.TotalSeconds
            $closed = $closing.PowerShell.EndInvoke($closing.Async)
            $closedSeconds = $watch.Elapsed.TotalSeconds
            $closing.PowerShell.Dispose()
        }
        AfterAll { Close-MemoryMap $map }

        It 'Should be waiting before the stop' { $stopRunning | Should -Be 'Running' }
        It 'Should end the wait within a fraction of a second of Ctrl+C' {
            $stopState | Should -Be 'Stopped'
            $stopSeconds | Should -BeLessThan 0.5
        }
        It 'Should let another thread close the map without waiting for the wait' {
            $closeSeconds | Should -BeLessThan 0.2
        }
        It 'Should end the wait with MapClosed' {
            "$closed" | Should -Be 'MapClosed,Mman.Commands.WaitMemoryMapIntegerCommand'
            $closedSeconds | Should -BeLessThan 2
        }
    }
}

Describe 'Integers shared between processes' -Tag CI {
    Context 'When two pwsh processes each add 1 100,000 times to one counter' {
        BeforeAll {
            $name = $script:prefix + 'counter'
            $map = New-MemoryMap -Name $name -Size 4096
            # Both children start, open the map, and then wait for the go at offset 8, so that their loops overlap.
            $script = "`$map = New-MemoryMap -Name $(Quote $name)`n" + @'
$null = Add-MemoryMapInteger $map -Offset 4
$null = Wait-MemoryMapInteger $map -Offset 8 -Equal 1 -Timeout 60
$watch = [Diagnostics.Stopwatch]::StartNew()
# One Add-MemoryMapInteger, the map piped to it 100,000 times: an atomic add per input.
[Linq.Enumerable]::Repeat([object]$map, 100000) | Add-MemoryMapInteger | Out-Null
[Console]::Out.WriteLine("DONE $($watch.Elapsed.TotalSeconds)")
'@
            $children = @(Start-ChildPwsh -Script $script; Start-ChildPwsh -Script $script)
            $ready = Wait-MemoryMapInteger $map -Offset 4 -Equal 2 -Timeout 60 -ErrorAction SilentlyContinue
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Set-MemoryMapInteger $map -Offset 8 -Value 1
            $runs = @($children | ForEach-Object { Wait-ChildPwsh -Process $_ -TimeoutSeconds 300 })
            $children = $null
            $seconds = $watch.Elapsed.TotalSeconds
            $total = Get-MemoryMapInteger $map
            Write-Host ("Two processes, 100,000 adds each: {0} in {1:N1} s ({2})" -f $total, $seconds, (($runs | ForEach-Object { $_.Output }) -join '; '))
        }
        AfterAll {
            if ($children) { $children | ForEach-Object { if (-not $_.HasExited) { $_.Kill($true) } } }
            if ($map) { Close-MemoryMap $map }
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should start both children' { $ready | Should -Be 2 }
        It 'Should run both to the end' {
            $runs.ExitCode | Should -Be @(0, 0) -Because (($runs | ForEach-Object { $_.ErrorText }) -join ' | ')
        }
        It 'Should count exactly 200,000' { $total | Should -Be 200000 }
    }

    Context 'When two pwsh processes pass a turn back and forth 1,000 times' {
        BeforeAll {
            $name = $script:prefix + 'pingpong'
            $map = New-MemoryMap -Name $name -Size 4096
            # The turn counter at offset 0: side 0 moves it from even to odd, side 1 from odd to even. Before the
            # game, side 1 waits a whole second for the start (offset 8) while this process sleeps: the CPU time
            # of that wait alone shows whether it sleeps or spins.
            $side = @'
$map = New-MemoryMap -Name $name
$self = [Diagnostics.Process]::GetCurrentProcess()
# A warm-up game of 50 rounds on offset 12, so that the measured one runs compiled code.
for ($round = 0; $round -lt 50; $round++) {
    $null = Wait-MemoryMapInteger $map -Offset 12 -Equal (2 * $round + $role) -Timeout 30
    $null = Add-MemoryMapInteger $map -Offset 12
}
$null = Add-MemoryMapInteger $map -Offset 4
$cpu = $self.TotalProcessorTime; $watch = [Diagnostics.Stopwatch]::StartNew()
$null = Wait-MemoryMapInteger $map -Offset 8 -Equal 1 -Timeout 60
$self.Refresh(); [Console]::Out.WriteLine("IDLE $($watch.Elapsed.TotalSeconds) $(($self.TotalProcessorTime - $cpu).TotalSeconds)")
$cpu = $self.TotalProcessorTime; $watch.Restart()
for ($round = 0; $round -lt 1000; $round++) {
    $null = Wait-MemoryMapInteger $map -Equal (2 * $round + $role) -Timeout 30
    [Threading.Thread]::Sleep(1)
    $null = Add-MemoryMapInteger $map
}
$self.Refresh(); [Console]::Out.WriteLine("GAME $($watch.Elapsed.TotalSeconds) $(($self.TotalProcessorTime - $cpu).TotalSeconds)")
'@
            # Without tiered compilation in the children: its background thread recompiles PowerShell's
            # methods for seconds after start-up, a core's worth of CPU (measured: 1.0 to 1.4 s of a 3 s game)
            # that has nothing to do with waiting.
            $tiered = $env:DOTNET_TieredCompilation
            $env:DOTNET_TieredCompilation = '0'
            try {
                $children = @(
                    Start-ChildPwsh -Script ("`$name = $(Quote $name); `$role = 0`n" + $side)
                    Start-ChildPwsh -Script ("`$name = $(Quote $name); `$role = 1`n" + $side))
            }
            finally { $env:DOTNET_TieredCompilation = $tiered }
            $ready = Wait-MemoryMapInteger $map -Offset 4 -Equal 2 -Timeout 60 -ErrorAction SilentlyContinue
            Start-Sleep -Seconds 2
            Set-MemoryMapInteger $map -Offset 8 -Value 1
            $runs = @($children | ForEach-Object { Wait-ChildPwsh -Process $_ -TimeoutSeconds 120 })
            $children = $null
            $final = Get-MemoryMapInteger $map
            $figures = foreach ($run in $runs) {
                $idle = @($run.Output | Where-Object { $_ -like 'IDLE *' }) -split ' '
                $game = @($run.Output | Where-Object { $_ -like 'GAME *' }) -split ' '
                [pscustomobject]@{ IdleWall = [double]$idle[1]; IdleCpu = [double]$idle[2]; GameWall = [double]$game[1]; GameCpu = [double]$game[2] }
            }
            Write-Host ("Ping-pong, 1,000 rounds: {0}" -f (($figures | ForEach-Object { "wall {0:N2} s, CPU {1:N2} s (idle wait {2:N2} s, CPU {3:N3} s)" -f $_.GameWall, $_.GameCpu, $_.IdleWall, $_.IdleCpu }) -join '; '))
        }
        AfterAll {
            if ($children) { $children | ForEach-Object { if (-not $_.HasExited) { $_.Kill($true) } } }
            if ($map) { Close-MemoryMap $map }
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should start both sides' { $ready | Should -Be 2 }
        It 'Should play every round on both sides' {
            $runs.ExitCode | Should -Be @(0, 0) -Because (($runs | ForEach-Object { $_.ErrorText }) -join ' | ')
            $final | Should -Be 2000
        }
        # A waiter that spun would use a whole core (CPU = wall) for its thread alone; the limits leave room
        # for what else runs in pwsh (its background compilation and collection). Each turn holds the turn
        # for a millisecond (its "work", a sleep), so each side waits at least that long for every turn of
        # the other: without it the two cmdlet calls of a turn (about 100 µs of CPU each here) take as long
        # as the wake-up, and CPU time would measure the cmdlets, not the wait.
        It 'Should sleep through a long wait (process CPU under half the wall time)' {
            foreach ($f in $figures) { $f.IdleCpu | Should -BeLessThan (0.5 * $f.IdleWall) }
        }
        It 'Should use well under a core per side while playing (process CPU under half the wall time)' {
            foreach ($f in $figures) { $f.GameCpu | Should -BeLessThan (0.5 * $f.GameWall) }
        }
    }
}
