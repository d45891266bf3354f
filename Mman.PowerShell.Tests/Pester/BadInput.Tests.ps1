# At least 150 bad inputs across the seven cmdlets, from the table in BadInputCases.ps1: each must end in
# the expected FullyQualifiedErrorId and ErrorCategory, leave the host running and leave every map of the
# fixture as it was (and the map the case touched still usable). The whole table is replayed first in a
# child pwsh, so that a case that crashed a process would show as a bad exit code, not kill this run.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'BadInputCases.ps1')
    $cases = Get-BadInputCase
    $cmdlets = 'New-MemoryMap', 'Read-MemoryMap', 'Write-MemoryMap', 'Set-MemoryMapProtection', 'Sync-MemoryMap', 'Close-MemoryMap', 'Get-MemoryMap', 'Remove-MemoryMap', 'Copy-MemoryMap'
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $casesPath = Join-Path $PSScriptRoot 'BadInputCases.ps1'
    . $casesPath
    $allCases = Get-BadInputCase

    $childDirectory = Join-Path $TestDrive 'child'
    $replay = Invoke-ChildPwshResult -TimeoutSeconds 180 -Script @"
. '$casesPath'
`$fx = New-BadInputFixture -Directory '$childDirectory'
`$index = 0
foreach (`$case in Get-BadInputCase) {
    `$record = if (-not `$case.Skip) { Invoke-BadInputCase -Case `$case -Fixture `$fx }
    `$id = if (`$case.Skip) { 'SKIPPED' } elseif (`$record) { `$record.FullyQualifiedErrorId + '|' + `$record.CategoryInfo.Category } else { 'NO-ERROR' }
    [Console]::Out.WriteLine("CASE `$index `$id")
    `$index++
}
`$problems = @(Test-BadInputFixture -Fixture `$fx)
[Console]::Out.WriteLine("CASE fixture " + `$(if (`$problems.Count) { `$problems -join '; ' } else { 'intact' }))
"@
    $replayed = ConvertFrom-CaseLine $replay.Output

    $fx = New-BadInputFixture -Directory (Join-Path $TestDrive 'fixture')
}

AfterAll {
    if ($fx) {
        foreach ($map in $fx.Maps.Values) { $map.Dispose() }
        if ($fx['SocketHandle']) { $fx.SocketHandle.Dispose() }
        if ($fx['PipeServers']) { foreach ($server in $fx.PipeServers) { $server.Dispose() } }
    }
}

Describe 'Bad input to the seven cmdlets' -Tag CI {
    Context 'When the whole table is replayed in a child pwsh' {
        It 'Should exit normally' {
            $replay.ExitCode | Should -Be 0 -Because "exit code $($replay.ExitCode), timed out $($replay.TimedOut): $($replay.ErrorText)"
        }
        It 'Should report every case' {
            @($replayed.Keys | Where-Object { $_ -match '^\d+$' }).Count | Should -Be $allCases.Count
        }
        It 'Should give the expected id and category for every case' {
            $wrong = for ($i = 0; $i -lt $allCases.Count; $i++) {
                $case = $allCases[$i]
                $got = $replayed["$i"]
                if ($case.Skip) { if ($got -ne 'SKIPPED') { "$($case.Cmdlet) '$($case.Name)': expected SKIPPED, got $got" }; continue }
                $ok = $false
                foreach ($id in $case.Id) { if ($got -eq "$id|$($case.Category)") { $ok = $true } }
                if (-not $ok) { "$($case.Cmdlet) '$($case.Name)': expected $($case.Id -join ' or ') ($($case.Category)), got $got" }
            }
            $wrong | Should -BeNullOrEmpty
        }
        It 'Should leave every map of the child''s fixture intact' {
            $replayed['fixture'] | Should -Be 'intact'
        }
    }

    Context 'When each case runs in this host' {
        It 'Should give <Id> (<Category>) for <Cmdlet> <Name>' -ForEach $cases {
            if ($replay.Crashed) {
                Set-ItResult -Skipped -Because 'the child replay crashed; running the cases here could kill the test host'
                return
            }
            if ($Skip) {
                Set-ItResult -Skipped -Because $Skip
                return
            }
            $record = Invoke-BadInputCase -Case $_ -Fixture $fx
            $record | Should -Not -BeNullOrEmpty -Because 'the call must fail'
            $record.FullyQualifiedErrorId | Should -BeIn $Id
            $record.CategoryInfo.Category | Should -Be $Category
            # The host survived (we are here) and every map is as it was; the map the case used still works.
            Test-BadInputFixture -Fixture $fx | Should -BeNullOrEmpty
            Test-BadInputMapUsable -Fixture $fx -Key $Map | Should -BeNullOrEmpty
        }
    }

    Context 'When the table is counted' {
        It 'Should hold at least 150 cases' {
            Write-Host "Bad-input cases: $($allCases.Count)"
            $allCases.Count | Should -BeGreaterOrEqual 150
        }
        It 'Should name every case once per cmdlet' {
            $names = $allCases | ForEach-Object { "$($_.Cmdlet) $($_.Name)" }
            @($names | Group-Object | Where-Object Count -gt 1 | ForEach-Object Name) | Should -BeNullOrEmpty
        }
        It 'Should have at least 10 cases for <_>' -ForEach $cmdlets {
            @($allCases | Where-Object Cmdlet -eq $_).Count | Should -BeGreaterOrEqual 10
        }
    }
}
