<#
.SYNOPSIS
    Runs the Pester suite and writes its counts to a JSON file for build.ps1 to sum.
    build.ps1 starts it in a fresh pwsh: the module's assembly cannot be unloaded, so each run
    must import the newly built one into a new process.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # The NUnit report; build.ps1 leaves it out on the Windows path, where Pester's report calls
    # Get-CimInstance (CimCmdlets hangs under Wine) and cannot write some characters of Wine's messages.
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
if ($ResultPath) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = $ResultPath
}
$result = Invoke-Pester -Configuration $config
if ($null -eq $result) {
    # Pester itself failed (no test files, a broken configuration): that is a failed run.
    [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } | ConvertTo-Json | Set-Content -Path $SummaryPath
    return
}
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $SummaryPath
