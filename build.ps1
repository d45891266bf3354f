#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and demonstrates Mman.
.DESCRIPTION
    Build  compiles the C# core and cmdlets twice, for net8.0 (PowerShell 7.4+) and netstandard2.0
           (Windows PowerShell 5.1, PowerShell 7.0-7.3), and lays the module out in out/Mman, ready to
           import: each build in its own subfolder, Mman.psm1 importing the one the session can load.
    Test   builds and packages, then runs the xunit core tests once against each build, on Linux and
           on the Windows code path under Wine, and the Pester cmdlet tests on Linux (in a fresh
           pwsh, since a loaded assembly cannot be unloaded; they include installing the package) and
           on the Windows code path (the WinHost pwsh under Wine, one fresh process per test file),
           prints "N passed, N failed" and exits non-zero on failure.
    Package builds, lays out the release module in out/package/Mman (module, help, LICENSE, README,
           CHANGELOG), checks it with Test-ModuleManifest and turns it into the .nupkg the gallery
           would get with Compress-PSResource, in out/package/repo. No repository is registered, and
           it runs in a pwsh with a temporary HOME, so your own repositories are not touched.
    Demo   builds, then runs examples/Demo.ps1 in a fresh pwsh; with -Windows, in the Windows-path host
           under wine64 instead.
    WinHost builds out/winhost/pwsh.exe: PowerShell 7.6 hosted from NuGet's Microsoft.PowerShell.SDK,
           self-contained for win-x64, with the modules of the PowerShell package. Under wine64 it runs
           any script on the Windows code path: wine64 out/winhost/pwsh.exe -NoProfile -File x.ps1
    Bench  builds, then runs bench/Bench.ps1 in a fresh pwsh: Mman against the alternatives, side by
           side in one run (not part of the tests).
    Docs   regenerates the shipped help (en-US MAML and about_Mman.help.txt) from docs/ with
           Microsoft.PowerShell.PlatyPS 1.x when it is importable; -Update first refreshes the
           markdown from the compiled cmdlets. docs/Repair-MamlHelp.ps1 then puts each example's
           code in its code field, drops markdown markup, adds default values and sets the help
           version to the module's. Without PlatyPS, the committed help ships as it is.
    Everything it needs comes from NuGet through restores: no gallery, nothing installed by hand.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Docs', 'Bench', 'WinHost')]
    [string] $Task = 'Build',

    # With Demo: run the demo on the Windows code path (out/winhost/pwsh.exe under wine64).
    [switch] $Windows,

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
$WinHostOut = Join-Path $Out 'winhost'
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
    # Compress-PSResource writes the .nupkg that Publish-PSResource would push, without a
    # registered repository (on Windows, PSResourceGet keeps its list in the user's profile whatever
    # the environment says).
    Invoke-WithIsolatedHome -Folder (Join-Path $PackageOut 'home') -Script "Compress-PSResource -Path '$stage' -DestinationPath '$repository'"

    $package = Join-Path $repository "Mman.$($manifest.ModuleVersion).nupkg"
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not produce $package." }
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

function Test-WineInstalled {
    # Whether the Windows-path suite can run; without wine64 that is a failure under CI (.ci/run
    # installs it) and a warning elsewhere.
    param([string] $Suite)
    if (Find-Wine) { return $true }
    if ($env:CI -eq 'true') {
        Write-Host "wine64 is not installed, so the $Suite tests cannot run (.ci/run installs it)." -ForegroundColor Red
        return $false
    }
    Write-Warning "wine64 is not installed (apt-get install wine64): the $Suite tests did not run."
    return $false
}

function ConvertTo-WinePath {
    # A Linux path as a Windows program under Wine sees it: drive Z: is the Linux root.
    param([string] $Path)
    return 'Z:' + $Path.Replace('/', '\')
}

function Invoke-InWinePrefix {
    # Runs a script block with a fresh Wine prefix in the temp folder (outside the repository: its
    # dosdevices/z: links to /, which module discovery would walk if it were under a folder on
    # PSModulePath), no Wine debug output and the CLR's W^X double mapping off (it crashes under
    # Wine); stops wineserver and deletes the prefix afterwards. HOME points at a throwaway folder
    # too: a new prefix links the Windows user's Documents (and Desktop, Music, ...) to $HOME, so
    # what a test writes there, such as a module PSResourceGet installs for the CurrentUser, would
    # otherwise land in the real home (~/PowerShell/Modules) and outlive the run.
    param([scriptblock] $Script)
    $prefix = Join-Path ([IO.Path]::GetTempPath()) "mman-wineprefix-$PID-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
    $unixHome = "$prefix-home"
    $names = 'WINEPREFIX', 'WINEDEBUG', 'DOTNET_EnableWriteXorExecute', 'HOME'
    $saved = @{}
    foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    try {
        $null = New-Item -ItemType Directory -Path $unixHome
        $env:WINEPREFIX = $prefix
        $env:WINEDEBUG = '-all'
        $env:DOTNET_EnableWriteXorExecute = '0'
        $env:HOME = $unixHome
        & $Script
    }
    finally {
        & (Join-Path (Split-Path (Find-Wine)) 'wineserver') -k 2>$null | Out-Null
        Remove-Item $prefix, $unixHome -Recurse -Force -ErrorAction Ignore
        # Set-Item removes a variable that was unset (see Invoke-WithIsolatedHome).
        foreach ($name in $names) { Set-Item -LiteralPath "Env:$name" -Value $saved[$name] }
    }
}

function Invoke-WinHostBuild {
    # out/winhost/pwsh.exe: PowerShell hosted from Microsoft.PowerShell.SDK (WinHost/), published
    # self-contained for win-x64, with $PSHOME's modules and powershell.config.json (the execution
    # policy a real pwsh.exe has) taken from the PowerShell package that 'dotnet tool restore' fetched.
    $tool = (Get-Content (Join-Path $Root '.config/dotnet-tools.json') -Raw | ConvertFrom-Json).tools.powershell.version
    $package = Join-Path (Get-GlobalPackagesFolder) "powershell/$tool/tools"
    $windowsPwsh = Get-ChildItem $package -Directory | ForEach-Object { Join-Path $_.FullName 'any/win' } |
        Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $windowsPwsh) { throw "The PowerShell $tool package has no Windows build under $package (run 'dotnet tool restore')." }
    if (Test-Path $WinHostOut) { Remove-Item $WinHostOut -Recurse -Force }
    Invoke-Native 'dotnet publish (WinHost)' {
        dotnet publish (Join-Path $Root 'WinHost/WinHost.csproj') -c $Configuration -o $WinHostOut --nologo -v quiet
    }
    # CimCmdlets stays out: under Wine, Get-CimInstance hangs the runspace (Pester's report calls it).
    $modules = New-Item -ItemType Directory -Path (Join-Path $WinHostOut 'Modules')
    Get-ChildItem (Join-Path $windowsPwsh 'Modules') -Directory | Where-Object Name -ne 'CimCmdlets' |
        Copy-Item -Destination $modules -Recurse
    Copy-Item (Join-Path $windowsPwsh 'powershell.config.json') $WinHostOut
    Write-Host "Windows-path host built: $(Join-Path $WinHostOut 'pwsh.exe') (run it with wine64)"
}

function Invoke-WinHostScript {
    # Runs a script with out/winhost/pwsh.exe under wine64 in the current Wine prefix, with a deadline;
    # returns the script's exit code (124 when the deadline passed). Its output is shown without the
    # terminal's escape sequences.
    param([string] $File, [string[]] $Arguments = @(), [int] $TimeoutSeconds = 600)
    $command = @('timeout', '-k', '10', $TimeoutSeconds, (Find-Wine), (Join-Path $WinHostOut 'pwsh.exe'),
        '-NoProfile', '-NonInteractive', '-File', (ConvertTo-WinePath $File)) + $Arguments
    $quoted = ($command | ForEach-Object { "'" + ([string]$_).Replace("'", "'\''") + "'" }) -join ' '
    # A console program under Wine needs a terminal even when its output is redirected: script(1)
    # gives it one, 120 columns wide like a redirected pwsh on Linux. Wine ends lines with CR CR LF:
    # the CRs go, and so do the terminal's escape sequences and Wine's notes about a new prefix and
    # drive Z: (the Linux root has no volume label). NO_COLOR makes PowerShell write plain text.
    $inner = "stty cols 120 rows 50; exec $quoted"
    $shellLine = "NO_COLOR=1 script -qfec $("'" + $inner.Replace("'", "'\''") + "'") /dev/null | tr -d '\r'; exit `${PIPESTATUS[0]}"
    & bash -c $shellLine | ForEach-Object {
        $line = $_ -replace '\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07', ''
        if ($line -notmatch '^wine: (Read access denied for device|created the configuration directory|configuration in|failed to open L"C:\\\\windows\\\\syswow64)') { $line }
    } | Out-Host
    return $LASTEXITCODE
}

function Invoke-WindowsTests {
    # The core tests again, as a self-contained win-x64 program under Wine: the Windows code path
    # (CreateFileMapping, MapViewOfFile, VirtualProtect, FlushViewOfFile, named sections) executed,
    # not just compiled. Wine approximates Windows; it is not Windows.
    param([string] $Framework)
    $suite = "Windows ($Framework)"
    if (-not (Test-WineInstalled -Suite $suite)) {
        if ($env:CI -eq 'true') { return [pscustomobject]@{ Suite = $suite; Passed = 0; Failed = 1; Skipped = 0 } }
        return @()
    }
    $wine = Find-Wine
    $project = Join-Path $Root 'Mman.PowerShell.Tests/Mman.PowerShell.Tests.csproj'
    $bin = Join-Path $Out "tests-win-$Framework"
    Invoke-Native "dotnet publish (tests, win-x64, $Framework core)" {
        dotnet publish $project -c $Configuration -r win-x64 --self-contained true "-p:MmanCoreTarget=$Framework" -o $bin --nologo -v quiet
    }
    $xml = Join-Path $ResultsOut "xunit-windows-$Framework.xml"
    if (Test-Path $xml) { Remove-Item $xml }
    Write-Host "`nRunning the core tests against the $Framework build on the Windows code path (win-x64 under $(& $wine --version))" -ForegroundColor Cyan
    # The script block runs in its own scope: its exit code comes back as its output.
    $code = Invoke-InWinePrefix {
        Push-Location $bin
        try {
            # One test collection at a time: under Wine, the stress tests of two collections running
            # together on two cores slow each other down from seconds to minutes. Wine can also turn a
            # failure into a hang, so the run has a deadline (a timed-out run is tried once more, and
            # -longRunning names a test that takes too long); wineserver is stopped after each run.
            foreach ($attempt in 1, 2) {
                & timeout -k 10 600 $wine ./Mman.PowerShell.Tests.exe -noColor -noLogo -parallel none -longRunning 60 -xml (ConvertTo-WinePath $xml) | Out-Host
                $code = $LASTEXITCODE
                & (Join-Path (Split-Path $wine) 'wineserver') -k 2>$null | Out-Null
                if ($code -ne 124 -and $code -ne 137) { break }
                Write-Host "The Windows-path run did not finish within 10 minutes (attempt $attempt)." -ForegroundColor Yellow
                if (Test-Path $xml) { Remove-Item $xml }
            }
            $code
        }
        finally {
            Pop-Location
        }
    }
    return Read-XunitResult -Suite $suite -Path $xml -Missing "The Windows-path run produced no results (exit code $code)."
}

function Invoke-WindowsPesterTests {
    # The Pester suite on the Windows code path: every test file in its own fresh WinHost pwsh under
    # Wine (a hang then costs one file, which gets a deadline and one more try, not the whole suite).
    # The Wine prefix is fresh and deleted afterwards, so its user profile is a throwaway one:
    # MMAN_DISPOSABLE_PROFILE tells the package test that it may install there.
    $suite = 'Pester (Windows)'
    if (-not (Test-WineInstalled -Suite $suite)) {
        if ($env:CI -eq 'true') { return [pscustomobject]@{ Suite = $suite; Passed = 0; Failed = 1; Skipped = 0 } }
        return @()
    }
    Invoke-WinHostBuild
    $pester = Join-Path (Get-GlobalPackagesFolder) "pester/$PesterVersion/tools/Pester.psd1"
    $runner = Join-Path $Root 'Mman.PowerShell.Tests/Invoke-PesterSuite.ps1'
    $summaries = Join-Path $ResultsOut 'pester-windows'
    if (Test-Path $summaries) { Remove-Item $summaries -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $summaries
    $files = Get-ChildItem (Join-Path $Root 'Mman.PowerShell.Tests/Pester') -Filter '*.Tests.ps1' | Sort-Object Name
    Write-Host "`nRunning the cmdlet tests on the Windows code path (Pester $PesterVersion in out/winhost/pwsh.exe under $(& (Find-Wine) --version), one process per file)" -ForegroundColor Cyan
    $result = [pscustomobject]@{ Suite = $suite; Passed = 0; Failed = 0; Skipped = 0 }
    $names = 'MMAN_MODULE_PATH', 'MMAN_PACKAGE_PATH', 'MMAN_DISPOSABLE_PROFILE'
    $saved = @{}
    foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    try {
        $env:MMAN_MODULE_PATH = ConvertTo-WinePath (Join-Path $ModuleOut 'Mman.psd1')
        if ($env:MMAN_PACKAGE_PATH) { $env:MMAN_PACKAGE_PATH = ConvertTo-WinePath $env:MMAN_PACKAGE_PATH }
        $env:MMAN_DISPOSABLE_PROFILE = '1'
        Invoke-InWinePrefix {
            foreach ($file in $files) {
                $summary = Join-Path $summaries "$($file.BaseName).json"
                $arguments = '-PesterPath', (ConvertTo-WinePath $pester), '-TestPath', (ConvertTo-WinePath $file.FullName),
                    '-SummaryPath', (ConvertTo-WinePath $summary)
                foreach ($attempt in 1, 2) {
                    $code = Invoke-WinHostScript -File $runner -Arguments $arguments -TimeoutSeconds 900
                    if ($code -ne 124 -and $code -ne 137) { break }
                    Write-Host "$($file.Name) did not finish within 15 minutes on the Windows path (attempt $attempt)." -ForegroundColor Yellow
                    if (Test-Path $summary) { Remove-Item $summary }
                }
                if (-not (Test-Path $summary)) {
                    Write-Host "$($file.Name) produced no results on the Windows path (exit code $code)." -ForegroundColor Red
                    $result.Failed++
                    continue
                }
                $counts = Get-Content $summary -Raw | ConvertFrom-Json
                $result.Passed += [int]$counts.Passed
                $result.Failed += [int]$counts.Failed
                $result.Skipped += [int]$counts.Skipped
            }
        }
    }
    finally {
        foreach ($name in $names) { Set-Item -LiteralPath "Env:$name" -Value $saved[$name] }
    }
    if ($result.Passed -eq 0) {
        Write-Host "The $suite run passed no test." -ForegroundColor Red
        $result.Failed++
    }
    return $result
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
    # what PowerShell 7 on Windows loads, netstandard2.0 what Windows PowerShell 5.1 loads); then the
    # cmdlet tests on Linux and on the Windows code path.
    $suites = @(Invoke-CoreTests -Framework net8.0) + @(Invoke-CoreTests -Framework netstandard2.0) +
        @(Invoke-WindowsTests -Framework net8.0) + @(Invoke-WindowsTests -Framework netstandard2.0) +
        @(Invoke-PesterTests) + @(Invoke-WindowsPesterTests)
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
    $demo = Join-Path $Root 'examples/Demo.ps1'
    if ($Windows) {
        if (-not (Find-Wine)) { throw 'wine64 is not installed (apt-get install wine64): the demo cannot run on the Windows code path.' }
        Invoke-WinHostBuild
        $env:MMAN_MODULE_PATH = ConvertTo-WinePath (Join-Path $ModuleOut 'Mman.psd1')
        $code = Invoke-InWinePrefix { Invoke-WinHostScript -File $demo -TimeoutSeconds 600 }
        if ($code -ne 0) { exit $code }
        return
    }
    $pwsh = Get-PwshCommand
    $env:MMAN_MODULE_PATH = Join-Path $ModuleOut 'Mman.psd1'
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $demo
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
    # PlatyPS 1.x leaves example code in the introduction with its markdown fences, markup in every
    # paragraph and no default values (PlatyPS issues #792, #799): rebuild those parts from docs/,
    # and make the help version (MAML and docs/Mman.md) the module's.
    $version = (Import-PowerShellDataFile (Join-Path $Root 'Mman.psd1')).ModuleVersion
    & (Join-Path $Root 'docs/Repair-MamlHelp.ps1') -Path (Join-Path $help 'Mman.PowerShell.dll-Help.xml') -DocsPath (Join-Path $Root 'docs') -ModuleVersion $version
    Write-Host "Help regenerated in $help; build again to ship it."
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { $null = Invoke-Package }
    'Demo' { Invoke-Demo }
    'Docs' { Invoke-Docs }
    'Bench' { Invoke-Bench }
    'WinHost' { Invoke-WinHostBuild }
}
