# The README's two-session example ("## Sharing memory between processes"), run as written: each
# session is a real pwsh process, each 'PS> ' line of its blocks is run in turn, and what it prints must
# be the lines the README shows under it. The blocks are kept here, and README.md must carry them
# exactly (so the README cannot drift from what this test runs). The name 'demo' becomes a
# name of this test run, so that runs in parallel do not meet.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    # The README's three blocks: the first session, the second, and the first again.
    $script:blocks = @(
        @'
PS> $map = New-MemoryMap -Name demo -Size 4KB        # creates 'demo' (or opens it, if it has this size)
PS> Write-MemoryMap $map -Text 'hello from the first session' -Offset 64
PS> Set-MemoryMapInteger $map -Value 1               # the flag at offset 0: 1 = a message is there
PS> Wait-MemoryMapInteger $map -Equal 2              # sleeps until the second session answers
2
PS> Read-MemoryMap $map -Offset 64 -Count 29 -AsString
hello from the second session
'@
        @'
PS> $map = New-MemoryMap -Name demo                  # no -Size: opens the existing object, all of it
PS> Wait-MemoryMapInteger $map -Equal 1              # at once if the flag is set, else when it is
1
PS> Read-MemoryMap $map -Offset 64 -Count 28 -AsString
hello from the first session
PS> Write-MemoryMap $map -Text 'hello from the second session' -Offset 64
PS> Add-MemoryMapInteger $map                        # 1 -> 2: wakes the first session at once
2
PS> Close-MemoryMap $map
'@
        @'
PS> Remove-MemoryMap -Name demo
PS> Close-MemoryMap $map
'@
    )

    # Each 'PS> ' line of a block with the lines shown under it.
    function Split-Session([string[]] $Block) {
        $steps = [Collections.Generic.List[object]]::new()
        foreach ($line in ($Block -join "`n") -split '\r?\n') {
            if ($line.StartsWith('PS> ')) { $steps.Add([pscustomobject]@{ Command = $line.Substring(4); Expected = [Collections.Generic.List[string]]::new() }) }
            elseif ($line -ne '') { $steps[$steps.Count - 1].Expected.Add($line) }
        }
        return , $steps.ToArray()
    }

    # A child pwsh that runs the commands one by one, printing '<<< i' before the output of command i.
    function Start-Session([object[]] $Steps, [string] $Name) {
        $commands = @($Steps | ForEach-Object { $_.Command.Replace("'demo'", "'$Name'").Replace(' demo ', " $Name ").Replace(' demo', " $Name") })
        $json = ConvertTo-Json -InputObject $commands -Compress
        $script = "`$commands = ConvertFrom-Json '$($json.Replace("'", "''"))'`n" + @'
for ($i = 0; $i -lt $commands.Count; $i++) {
    [Console]::Out.WriteLine("<<< $i")
    Invoke-Expression $commands[$i] | Out-String -Stream -Width 120 | Where-Object { $_ -ne '' } | ForEach-Object { [Console]::Out.WriteLine($_.TrimEnd()) }
}
'@
        return Start-ChildPwsh -Script $script
    }

    # The output of each command, from a session's lines.
    function Split-Output([string[]] $Lines, [int] $Count) {
        $outputs = @(for ($i = 0; $i -lt $Count; $i++) { , [string[]]@() })
        $current = -1
        foreach ($line in $Lines) {
            if ($line -match '^<<< (\d+)$') { $current = [int]$Matches[1] }
            elseif ($current -ge 0) { $outputs[$current] += $line }
        }
        return , $outputs
    }
}

Describe 'The README''s two-session example' -Tag CI {
    Context 'When the two sessions run it' {
        BeforeAll {
            $name = "mman-test-$PID-readme"
            $first = Split-Session ($script:blocks[0], $script:blocks[2])
            $second = Split-Session $script:blocks[1]
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $one = Start-Session $first $name
            # The second session starts once the first waits (its fourth command), as a reader of the README would.
            $null = Wait-ChildLine -Process $one -Line '<<< 3' -TimeoutSeconds 60
            $two = Start-Session $second $name
            $runTwo = Wait-ChildPwsh -Process $two -TimeoutSeconds 60
            $runOne = Wait-ChildPwsh -Process $one -TimeoutSeconds 30
            $seconds = $watch.Elapsed.TotalSeconds
            # Wait-ChildLine consumed the lines up to '<<< 3'; the first three commands print nothing.
            $outOne = Split-Output (@('<<< 3') + $runOne.Output) $first.Count
            $outTwo = Split-Output $runTwo.Output $second.Count
            Write-Host ("README example: two sessions in {0:N1} s" -f $seconds)
        }
        AfterAll {
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should run the first session to the end' {
            $runOne.ExitCode | Should -Be 0 -Because "$($runOne.Output -join ' | ') $($runOne.ErrorText)"
            $runOne.ErrorText | Should -BeNullOrEmpty
        }
        It 'Should run the second session to the end' {
            $runTwo.ExitCode | Should -Be 0 -Because "$($runTwo.Output -join ' | ') $($runTwo.ErrorText)"
            $runTwo.ErrorText | Should -BeNullOrEmpty
        }
        It 'Should print in the first session what the README shows, command by command' {
            for ($i = 0; $i -lt $first.Count; $i++) {
                ($outOne[$i] -join "`n") | Should -Be ($first[$i].Expected -join "`n") -Because "of PS> $($first[$i].Command)"
            }
        }
        It 'Should print in the second session what the README shows, command by command' {
            for ($i = 0; $i -lt $second.Count; $i++) {
                ($outTwo[$i] -join "`n") | Should -Be ($second[$i].Expected -join "`n") -Because "of PS> $($second[$i].Command)"
            }
        }
        It 'Should leave no shared memory of the name' -Skip:$IsWindows {
            Test-Path -LiteralPath "/dev/shm/$name" | Should -BeFalse
        }
    }

    Context 'When README.md shows the example' {
        It 'Should carry these blocks exactly' {
            $readme = (Get-Content -Raw -LiteralPath ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../README.md')))) -replace '\r\n', "`n"
            # Contains, not -like: a backtick escapes the next character in a wildcard pattern.
            for ($i = 0; $i -lt $script:blocks.Count; $i++) {
                $fenced = '```powershell' + "`n" + ($script:blocks[$i] -replace '\r\n', "`n") + "`n" + '```'
                $readme.Contains($fenced) | Should -BeTrue -Because "README.md must show block $($i + 1) of the example exactly as this test runs it"
            }
        }
    }
}
