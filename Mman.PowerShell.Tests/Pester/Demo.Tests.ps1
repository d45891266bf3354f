# The demo (examples/Demo.ps1, what 'build.ps1 Demo' runs) redirected to a file, as in a CI log: it
# succeeds, has no colour codes, fits 100 columns, and each step shows what its title claims.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'The demo, redirected' -Tag CI {
    BeforeAll {
        $demo = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../examples/Demo.ps1'))
        # As build.ps1 Demo runs it (pwsh -File), with standard output and error as pipes, so that
        # the demo sees its output redirected.
        $pwsh = Get-PwshCommand
        $info = [Diagnostics.ProcessStartInfo]::new()
        $info.FileName = $pwsh[0]
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $demo)) {
            $info.ArgumentList.Add($argument)
        }
        $info.UseShellExecute = $false
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.Environment['MMAN_MODULE_PATH'] = Get-MmanModulePath
        $process = [Diagnostics.Process]::Start($info)
        $process.StandardInput.Close()
        $result = Wait-ChildPwsh -Process $process -TimeoutSeconds 300
        $lines = $result.Output

        function Get-StepLine([string] $Title) {
            # The lines of the step whose title starts with Title, up to the next step.
            $start = [Array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l.StartsWith("== $Title") })
            if ($start -lt 0) { throw "No step '$Title' in the demo's output." }
            $end = [Array]::FindIndex([string[]]$lines, $start + 1, [Predicate[string]] { param($l) $l.StartsWith('== ') })
            if ($end -lt 0) { $end = $lines.Count }
            return @($lines[($start + 1)..($end - 1)])
        }
    }

    It 'Should exit with 0 and write nothing to the error stream' {
        $result.TimedOut | Should -BeFalse
        $result.ExitCode | Should -Be 0 -Because $result.ErrorText
        $result.ErrorText | Should -BeNullOrEmpty
    }
    It 'Should write no escape character (no colour codes)' {
        $lines | Where-Object { $_.Contains([char]27) } | Should -BeNullOrEmpty
        $result.ErrorText.Contains([char]27) | Should -BeFalse
    }
    It 'Should fit every line in 100 columns' {
        $lines | Where-Object Length -GT 100 | Should -BeNullOrEmpty
    }
    It 'Should show the first 17 bytes of the map as text and as 17 bytes' {
        $step = Get-StepLine 'Read-MemoryMap: the first 17 bytes'
        $step[0] | Should -BeExactly 'a file on disk. M'
        $step[1] -split ' ' | Should -Be ([Text.Encoding]::ASCII.GetBytes('a file on disk. M'))
    }
    It 'Should show the hex rows with their offsets in the map, and where the map starts in the file' {
        $step = Get-StepLine 'Read-MemoryMap -AsHex'
        $step | Where-Object { $_ -match 'Label: Map \d+: .*data\.bin from file offset 11$' } | Should -Not -BeNullOrEmpty
        $step | Where-Object { $_ -match '^0000000000000010 4D 65 6D 6F ' } | Should -Not -BeNullOrEmpty
        $step | Where-Object { $_ -match '^0000000000000020 61 6B 65 73 ' } | Should -Not -BeNullOrEmpty
    }
    It 'Should show the bytes written at 4096 of anonymous memory at their offsets' {
        $step = Get-StepLine 'Anonymous memory'
        $step | Where-Object { $_ -match '^0000000000000FFE 00 00 CA FE BA BE 00 00 ' } | Should -Not -BeNullOrEmpty
    }
    It 'Should show the file name in the table of the open maps' {
        $step = Get-StepLine 'Get-MemoryMap'
        $step | Where-Object { $_ -match ' File .*data\.bin @ 11$' } | Should -Not -BeNullOrEmpty
    }
    It 'Should show the warning about the other bytes as plain text' {
        $step = Get-StepLine 'Views'
        $step | Where-Object { $_ -match '^WARNING: Map \d+ covers bytes 10\.\.29 of map \d+' } | Should -Not -BeNullOrEmpty
    }
    It 'Should end with no map open' {
        $lines[-1] | Should -Be 'Open maps left: 0'
    }
}
