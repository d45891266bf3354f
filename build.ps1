#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and demonstrates Mman.
.DESCRIPTION
    Build  compiles the C# core and cmdlets twice, for net8.0 (PowerShell 7.4+) and netstandard2.0
           (Windows PowerShell 5.1, PowerShell 7.0-7.3), and lays the module out in out/Mman, ready to
           import: each build in its own subfolder, Mman.psm1 importing the one the session can load.
    Test   builds and packages, then runs the xunit core tests once against each build, on Linux and
           on the Windows code path under Wine, and the Pester cmdlet tests (in a fresh
           pwsh, since a loaded assembly cannot be unloaded; they include installing the package),
           prints "N passed, N failed" and exits non-zero on failure.
    Package builds, lays out the release module in out/package/Mman (module, help, LICENSE, README,
           CHANGELOG), checks it with Test-ModuleManifest and publishes it with Publish-PSResource to a
           local folder repository, out/package/repo, giving the .nupkg the gallery would get. It
           publishes from a pwsh with a temporary HOME, so your own repositories are not touched.
    Demo   builds, then runs examples/Demo.ps1 in a fresh pwsh.
    Bench  builds, then runs bench/Bench.ps1 in a fresh pwsh: Mman against the alternatives, side by
           side in one run (not part of the tests).
    Docs   regenerates the shipped help (en-US MAML and about_Mman.help.txt) from docs/ with
           Microsoft.PowerShell.PlatyPS 1.x when it is importable; -Update first refreshes the
           markdown from the compiled cmdlets. Without PlatyPS, the committed help ships as it is.
    Everything it needs comes from NuGet through restores: no gallery, nothing installed by hand.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Docs', 'Bench')]
    [string] $Task = 'Build',

    # With Docs: first refresh docs/*.md from the compiled cmdlets (new or removed parameters).
    [switch] $Update,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'Mman'
$ResultsOut = Join-Path $Out 'test-results'
$PackageOut = Join-Path $Out 'package'
$PesterVersion = '5.7.1'
# The builds of Mman.PowerShell.dll, each shipped in out/Mman/<framework>/; Mman.psm1 chooses.
$Frameworks = 'net8.0', 'netstandard2.0'

function Invoke-Native {
    # Runs a native command and stops the build when it fails.
    param([string] $What, [scriptblock] $Command)
    & $Command | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}

function Get-PwshCommand {
    # The pwsh running this script: under 'dotnet pwsh' that is dotnet plus pwsh.dll.
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    # The comma keeps a one-element array an array: 'return @($x)' would hand back the bare string.
    return , @($process)
}

function Invoke-Build {
    Write-Host "Building Mman ($Configuration)" -ForegroundColor Cyan
    # Both target frameworks in one build; BaseOutputPath (not -o, which would put both in one folder)
    # gives each its own out/bin/<Configuration>/<framework>/.
    $bin = Join-Path $Out 'bin'
    Invoke-Native 'dotnet build' {
        dotnet build (Join-Path $Root 'Mman.PowerShell/Mman.PowerShell.csproj') -c $Configuration "-p:BaseOutputPath=$bin/" --nologo -v quiet
    }
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleOut
    foreach ($framework in $Frameworks) {
        $built = Join-Path $bin "$Configuration/$framework"
        $target = New-Item -ItemType Directory -Path (Join-Path $ModuleOut $framework)
        Copy-Item (Join-Path $built 'Mman.PowerShell.dll') $target
        # System.Memory and what it needs, for Windows PowerShell 5.1 (only the netstandard2.0 build
        # has them; .NET has its own).
        Get-ChildItem $built -Filter 'System.*.dll' | Copy-Item -Destination $target
    }
    # The help stays at the module root: the exported cmdlets belong to Mman (the root module), and
    # Get-Help looks for their MAML under that module's folder.
    Copy-Item (Join-Path $Root 'Mman.psd1'), (Join-Path $Root 'Mman.psm1') $ModuleOut
    Copy-Item (Join-Path $Root 'Mman.PowerShell/Mman.Format.ps1xml') $ModuleOut
    $help = Join-Path $Root 'Mman.PowerShell/en-US'
    if (Test-Path $help) { Copy-Item $help $ModuleOut -Recurse }
    Write-Host "Module laid out in $ModuleOut"

    # The API check: the same sources against .NET Framework 4.7.2 (Windows PowerShell 5.1).
    $check = Join-Path $Out 'apicheck'
    Invoke-Native 'dotnet build (net472 API check)' {
        dotnet build (Join-Path $Root 'Mman.PowerShell/Mman.PowerShell.csproj') -c $Configuration -p:MmanApiCheck=true `
            "-p:BaseIntermediateOutputPath=$(Join-Path $check 'obj')/" -o (Join-Path $check 'bin') --nologo -v quiet
    }
    Write-Host 'net472 API check passed: the core compiles against .NET Framework 4.7.2.'
}

function Invoke-WithIsolatedHome {
    # Runs a script in a fresh pwsh whose HOME and data folders are under $Folder, so that
    # PSResourceGet's repository list and CurrentUser modules are not the user's.
    param([string] $Folder, [string] $Script)
    $saved = @{}
    $variables = 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'LOCALAPPDATA', 'APPDATA', 'USERPROFILE', 'PSModulePath'
    foreach ($name in $variables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    try {
        $null = New-Item -ItemType Directory -Path $Folder -Force
        [Environment]::SetEnvironmentVariable('HOME', $Folder)
        [Environment]::SetEnvironmentVariable('USERPROFILE', $Folder)
        [Environment]::SetEnvironmentVariable('XDG_DATA_HOME', (Join-Path $Folder '.local/share'))
        [Environment]::SetEnvironmentVariable('XDG_CONFIG_HOME', (Join-Path $Folder '.config'))
        [Environment]::SetEnvironmentVariable('XDG_CACHE_HOME', (Join-Path $Folder '.cache'))
        [Environment]::SetEnvironmentVariable('LOCALAPPDATA', (Join-Path $Folder 'AppData/Local'))
        [Environment]::SetEnvironmentVariable('APPDATA', (Join-Path $Folder 'AppData/Roaming'))
        [Environment]::SetEnvironmentVariable('PSModulePath', $null)
        # .NET reports a special folder only if it exists; PSResourceGet would otherwise write to the
        # current directory.
        foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'LOCALAPPDATA', 'APPDATA') {
            $null = New-Item -ItemType Directory -Path ([Environment]::GetEnvironmentVariable($name)) -Force
        }
        $pwsh = Get-PwshCommand
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("`$ErrorActionPreference = 'Stop'; Set-Location -LiteralPath '$Folder'; $Script"))
        Invoke-Native 'pwsh (isolated home)' { & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -EncodedCommand $encoded }
    }
    finally {
        # Set-Item removes a variable that was unset; [Environment]::SetEnvironmentVariable would get
        # $null as '' from PowerShell and leave it set and empty (WINEPREFIX='' then breaks wine64).
        foreach ($name in $variables) { Set-Item -LiteralPath "Env:$name" -Value $saved[$name] }
    }
}

function Invoke-Package {
    Invoke-Build
    $manifest = Import-PowerShellDataFile (Join-Path $Root 'Mman.psd1')
    $stage = Join-Path $PackageOut 'Mman'
    $repository = Join-Path $PackageOut 'repo'
    foreach ($folder in $stage, $repository, (Join-Path $PackageOut 'home')) {
        if (Test-Path $folder) { Remove-Item $folder -Recurse -Force }
    }
    $null = New-Item -ItemType Directory -Path $stage, $repository
    Copy-Item (Join-Path $ModuleOut '*') $stage -Recurse
    Copy-Item (Join-Path $Root 'LICENSE'), (Join-Path $Root 'README.md'), (Join-Path $Root 'CHANGELOG.md') $stage
    $tested = Test-ModuleManifest (Join-Path $stage 'Mman.psd1') -ErrorAction Stop
    Write-Host "Test-ModuleManifest: $($tested.Name) $($tested.Version), $($tested.ExportedCmdlets.Count) cmdlets"
    Invoke-WithIsolatedHome -Folder (Join-Path $PackageOut 'home') -Script @"
Register-PSResourceRepository -Name MmanBuild -Uri '$repository' -Trusted
Publish-PSResource -Path '$stage' -Repository MmanBuild
"@
    $package = Join-Path $repository "Mman.$($manifest.ModuleVersion).nupkg"
    if (-not (Test-Path $package)) { throw "Publish-PSResource did not produce $package." }
    Write-Host "Package: $package"
    return $package
}

function Get-GlobalPackagesFolder {
    $line = dotnet nuget locals global-packages --list | Select-Object -Last 1
    return ($line -replace '^\s*global-packages:\s*', '').Trim()
}

function Invoke-CoreTests {
    # The core tests against one build of the core: the xunit v3 project is an executable, built with
    # -p:MmanCoreTarget against that build (and checking, in CoreBuildTests, that it loaded it). Its
    # restore also downloads Pester (PackageDownload).
    param([string] $Framework)
    $project = Join-Path $Root 'Mman.PowerShell.Tests/Mman.PowerShell.Tests.csproj'
    $bin = Join-Path $Out "tests-$Framework"
    Invoke-Native "dotnet build (tests, $Framework core)" {
        dotnet build $project -c $Configuration "-p:MmanCoreTarget=$Framework" -o $bin --nologo -v quiet
    }
    $xml = Join-Path $ResultsOut "xunit-$Framework.xml"
    Write-Host "`nRunning the core tests against the $Framework build (xunit)" -ForegroundColor Cyan
    if (Test-Path $xml) { Remove-Item $xml }
    & (Join-Path $bin 'Mman.PowerShell.Tests') -noColor -noLogo -xml $xml | Out-Host
    return Read-XunitResult -Suite "xunit ($Framework)" -Path $xml -Missing "The xunit run against the $Framework build produced no results."
}

function Read-XunitResult {
    # The counts of an xunit XML report; a missing report is one failure.
    param([string] $Suite, [string] $Path, [string] $Missing)
    if (-not (Test-Path $Path)) {
        Write-Host $Missing -ForegroundColor Red
        return [pscustomobject]@{ Suite = $Suite; Passed = 0; Failed = 1; Skipped = 0 }
    }
    $assembly = ([xml](Get-Content $Path -Raw)).assemblies.assembly
    $result = [pscustomobject]@{
        Suite   = $Suite
        Passed  = [int]$assembly.passed
        Failed  = [int]$assembly.failed + [int]$assembly.errors
        Skipped = [int]$assembly.skipped + [int]$assembly.'not-run'
    }
    if ($result.Passed -eq 0) {
        # A run in which nothing passed proves nothing: count it as a failure.
        Write-Host "The $Suite run passed no test." -ForegroundColor Red
        $result.Failed++
    }
    return $result
}

function Find-Wine {
    # Debian's wine64 package puts the binary outside PATH.
    $onPath = Get-Command wine64 -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($onPath) { return $onPath.Source }
    foreach ($candidate in '/usr/lib/wine/wine64', '/usr/lib64/wine/wine64') {
        if (Test-Path $candidate) { return $candidate }
    }
    return $null
}

function Invoke-WindowsTests {
    # The core tests again, as a self-contained win-x64 program under Wine: the Windows code path
    # (CreateFileMapping, MapViewOfFile, VirtualProtect, FlushViewOfFile, named sections) executed,
    # not just compiled. Wine approximates Windows; it is not Windows.
    param([string] $Framework)
    $suite = "Windows ($Framework)"
    $wine = Find-Wine
    if (-not $wine) {
        if ($env:CI -eq 'true') {
            Write-Host 'wine64 is not installed, so the Windows-path tests cannot run (.ci/run installs it).' -ForegroundColor Red
            return [pscustomobject]@{ Suite = $suite; Passed = 0; Failed = 1; Skipped = 0 }
        }
        Write-Warning 'wine64 is not installed (apt-get install wine64): the Windows-path tests did not run.'
        return @()
    }
    $project = Join-Path $Root 'Mman.PowerShell.Tests/Mman.PowerShell.Tests.csproj'
    $bin = Join-Path $Out "tests-win-$Framework"
    Invoke-Native "dotnet publish (tests, win-x64, $Framework core)" {
        dotnet publish $project -c $Configuration -r win-x64 --self-contained true "-p:MmanCoreTarget=$Framework" -o $bin --nologo -v quiet
    }
    # A fresh prefix outside the repository: its dosdevices/z: links to /, which module discovery
    # would walk if it were under a folder on PSModulePath.
    $prefix = Join-Path ([IO.Path]::GetTempPath()) "mman-wineprefix-$PID"
    $xml = Join-Path $ResultsOut "xunit-windows-$Framework.xml"
    if (Test-Path $xml) { Remove-Item $xml }
    $wineserver = Join-Path (Split-Path $wine) 'wineserver'
    Write-Host "`nRunning the core tests against the $Framework build on the Windows code path (win-x64 under $(& $wine --version))" -ForegroundColor Cyan
    $saved = @{ WINEPREFIX = $env:WINEPREFIX; WINEDEBUG = $env:WINEDEBUG; DOTNET_EnableWriteXorExecute = $env:DOTNET_EnableWriteXorExecute }
    try {
        # A fresh prefix; no Wine debug output; the CLR's W^X double mapping crashes under Wine.
        $env:WINEPREFIX = $prefix
        $env:WINEDEBUG = '-all'
        $env:DOTNET_EnableWriteXorExecute = '0'
        Push-Location $bin
        # One test collection at a time: under Wine, the stress tests of two collections running
        # together on two cores slow each other down from seconds to minutes. Wine can also turn a
        # failure into a hang, so the run has a deadline (a timed-out run is tried once more, and
        # -longRunning names a test that takes too long); wineserver is stopped after each run.
        foreach ($attempt in 1, 2) {
            & timeout -k 10 600 $wine ./Mman.PowerShell.Tests.exe -noColor -noLogo -parallel none -longRunning 60 -xml ('Z:' + $xml.Replace('/', '\')) | Out-Host
            $code = $LASTEXITCODE
            & $wineserver -k 2>$null
            if ($code -ne 124 -and $code -ne 137) { break }
            Write-Host "The Windows-path run did not finish within 10 minutes (attempt $attempt)." -ForegroundColor Yellow
            if (Test-Path $xml) { Remove-Item $xml }
        }
    }
    finally {
        Pop-Location
        Remove-Item $prefix -Recurse -Force -ErrorAction Ignore
        # Set-Item removes a variable that was unset (see Invoke-WithIsolatedHome).
        foreach ($name in $saved.Keys) { Set-Item -LiteralPath "Env:$name" -Value $saved[$name] }
    }
    return Read-XunitResult -Suite $suite -Path $xml -Missing "The Windows-path run produced no results (exit code $code)."
}

function Invoke-PesterTests {
    $pester = Join-Path (Get-GlobalPackagesFolder) "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $pester)) { throw "Pester $PesterVersion was not restored to $pester." }
    $summary = Join-Path $ResultsOut 'pester-summary.json'
    if (Test-Path $summary) { Remove-Item $summary }
    Write-Host "`nRunning the cmdlet tests (Pester $PesterVersion, fresh pwsh)" -ForegroundColor Cyan
    $pwsh = Get-PwshCommand
    $env:MMAN_MODULE_PATH = Join-Path $ModuleOut 'Mman.psd1'
    $runner = Join-Path $Root 'Mman.PowerShell.Tests/Invoke-PesterSuite.ps1'
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $runner `
        -PesterPath $pester -TestPath (Join-Path $Root 'Mman.PowerShell.Tests/Pester') `
        -SummaryPath $summary -ResultPath (Join-Path $ResultsOut 'pester.xml') | Out-Host
    if (-not (Test-Path $summary)) {
        Write-Host 'The Pester run produced no results.' -ForegroundColor Red
        return [pscustomobject]@{ Suite = 'Pester'; Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts = Get-Content $summary -Raw | ConvertFrom-Json
    return [pscustomobject]@{ Suite = 'Pester'; Passed = [int]$counts.Passed; Failed = [int]$counts.Failed; Skipped = [int]$counts.Skipped }
}

function Invoke-Test {
    try {
        # Package builds first; the Pester suite installs the package it publishes.
        $env:MMAN_PACKAGE_PATH = Invoke-Package
    }
    catch {
        # A build or package that fails is a failed run: say so in the closing line CI reads.
        Write-Host $_ -ForegroundColor Red
        Write-Host '0 passed, 1 failed'
        exit 1
    }
    $null = New-Item -ItemType Directory -Path $ResultsOut -Force
    # The core tests against both builds, on Linux and on the Windows code path under Wine (net8.0 is
    # what PowerShell 7 on Windows loads, netstandard2.0 what Windows PowerShell 5.1 loads).
    $suites = @(Invoke-CoreTests -Framework net8.0) + @(Invoke-CoreTests -Framework netstandard2.0) +
        @(Invoke-WindowsTests -Framework net8.0) + @(Invoke-WindowsTests -Framework netstandard2.0) +
        @(Invoke-PesterTests)
    Write-Host ''
    foreach ($suite in $suites) {
        Write-Host ('{0,-24} {1} passed, {2} failed, {3} skipped' -f $suite.Suite, $suite.Passed, $suite.Failed, $suite.Skipped)
    }
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    $skipped = ($suites | Measure-Object Skipped -Sum).Sum
    $total = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $total += ", $skipped skipped" }
    # The closing line CI reads: the totals alone on a line.
    Write-Host $total
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $pwsh = Get-PwshCommand
    $env:MMAN_MODULE_PATH = Join-Path $ModuleOut 'Mman.psd1'
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'examples/Demo.ps1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    Invoke-Build
    $pwsh = Get-PwshCommand
    $env:MMAN_MODULE_PATH = Join-Path $ModuleOut 'Mman.psd1'
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'bench/Bench.ps1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Docs {
    Invoke-Build
    $help = Join-Path $Root 'Mman.PowerShell/en-US'
    $about = Join-Path $Root 'docs/ConvertTo-AboutHelpText.ps1'
    & $about -Path (Join-Path $Root 'docs/about_Mman.md') -Destination (Join-Path $help 'about_Mman.help.txt')
    if (-not (Get-Module -ListAvailable -Name Microsoft.PowerShell.PlatyPS)) {
        Write-Warning 'Microsoft.PowerShell.PlatyPS 1.x is not installed (Install-PSResource Microsoft.PowerShell.PlatyPS); the committed MAML in Mman.PowerShell/en-US ships unchanged.'
        return
    }
    # In a fresh pwsh: the module under documentation must be the one just built.
    $script = {
        param($Module, $Docs, $Help, $Staging, $Update)
        $ErrorActionPreference = 'Stop'
        Import-Module $Module
        Import-Module Microsoft.PowerShell.PlatyPS
        $pages = Get-ChildItem $Docs -Filter '*-*.md'
        if ($Update) { $null = Update-MarkdownCommandHelp -Path $pages.FullName }
        $null = Import-MarkdownCommandHelp -Path $pages.FullName | Export-MamlCommandHelp -OutputFolder $Staging -Force
        Copy-Item (Join-Path $Staging 'Mman/Mman.PowerShell.dll-Help.xml') $Help -Force
    }
    $pwsh = Get-PwshCommand
    $staging = Join-Path $Out 'maml'
    $childCommand = "& { $script } -Module '$(Join-Path $ModuleOut 'Mman.psd1')' -Docs '$(Join-Path $Root 'docs')' -Help '$help' -Staging '$staging' -Update:`$$([bool]$Update)"
    Invoke-Native 'PlatyPS' { & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $childCommand }
    Write-Host "Help regenerated in $help; build again to ship it."
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { $null = Invoke-Package }
    'Demo' { Invoke-Demo }
    'Docs' { Invoke-Docs }
    'Bench' { Invoke-Bench }
}
