# The gallery package, proven by installing it: build.ps1 Package makes the .nupkg with
# Compress-PSResource and puts its path in $env:MMAN_PACKAGE_PATH (build.ps1 Test does this before the
# suites run). These tests install that package with Install-PSResource from a folder repository,
# import it by name in fresh pwsh processes and use it, leaving the user's own repositories and
# modules untouched: the isolated pwsh's HOME and data folders point into a temporary home.
# On Windows, PSResourceGet keeps its repository list and CurrentUser modules in the profile's known
# folders (LocalApplicationData, Documents), which no environment variable moves. There the install
# runs only when the whole profile is a throwaway one: build.ps1 runs the Windows-path suite in a fresh
# Wine prefix that it deletes afterwards, and says so with MMAN_DISPOSABLE_PROFILE=1. Elsewhere on
# Windows the install tests are skipped, and the package's contents are still checked.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:package = $env:MMAN_PACKAGE_PATH
    if (-not $package -or -not (Test-Path -LiteralPath $package)) {
        throw "No package to test: run 'build.ps1 Test' (or 'build.ps1 Package' and set MMAN_PACKAGE_PATH to the .nupkg)."
    }
    $script:version = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../Mman.psd1')).ModuleVersion

    # Everything PSResourceGet and pwsh read from the user's profile points into the temporary home.
    $script:tempHome = Join-Path $TestDrive 'home'
    $null = New-Item -ItemType Directory -Path $tempHome
    $script:isolated = @{
        HOME            = $tempHome
        USERPROFILE     = $tempHome
        XDG_DATA_HOME   = Join-Path $tempHome '.local/share'
        XDG_CONFIG_HOME = Join-Path $tempHome '.config'
        XDG_CACHE_HOME  = Join-Path $tempHome '.cache'
        LOCALAPPDATA    = Join-Path $tempHome 'AppData/Local'
        APPDATA         = Join-Path $tempHome 'AppData/Roaming'
        PSModulePath    = ''
    }
    # .NET reports a special folder only if it exists; PSResourceGet would otherwise write to the
    # current directory.
    foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'LOCALAPPDATA', 'APPDATA') {
        $null = New-Item -ItemType Directory -Path $isolated[$name] -Force
    }

    function Invoke-Isolated([string] $Script, [int] $TimeoutSeconds = 120) {
        # A fresh pwsh in the temporary home, without the module under test preloaded.
        $process = Start-ChildPwsh -Script "`$ErrorActionPreference = 'Stop'; Set-Location -LiteralPath '$tempHome'; $Script" -NoModule -Environment $isolated
        $result = Wait-ChildPwsh -Process $process -TimeoutSeconds $TimeoutSeconds
        if ($result.ExitCode -ne 0) {
            throw "The isolated pwsh failed ($($result.ExitCode)): $($result.Output -join ' | ') $($result.ErrorText)"
        }
        return $result.Output
    }

    # Where PSResourceGet keeps the repository list and puts CurrentUser modules (as its source does:
    # LocalApplicationData/PSResourceGet; Documents/PowerShell/Modules on Windows, else
    # HOME/.local/share/powershell/Modules), seen from this pwsh and from the isolated one.
    $locationScript = @'
$modules = if ($IsWindows) { Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'PowerShell/Modules' } else { Join-Path $HOME '.local/share/powershell/Modules' }
'{0}|{1}' -f (Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'), $modules
'@
    $script:userRepositories, $script:userModules = (& ([scriptblock]::Create($locationScript))) -split '\|'
    $script:isolatedRepositories, $script:isolatedModules = (Invoke-Isolated $locationScript | Select-Object -Last 1) -split '\|'
    $script:profileIsTemporary = $isolatedRepositories -like "$tempHome*" -and $isolatedModules -like "$tempHome*"
    $script:profileIsDisposable = $env:MMAN_DISPOSABLE_PROFILE -eq '1'
    $script:installSkipped = -not ($profileIsTemporary -or $profileIsDisposable)
    $script:installSkipReason = "PSResourceGet's repository list ($isolatedRepositories) and CurrentUser modules are the profile's own here, whatever the environment says; MMAN_DISPOSABLE_PROFILE=1 allows the install in a throwaway profile"

    # The user's own repository list and CurrentUser modules, to prove they are left alone.
    function Get-UserState {
        $list = if (Test-Path $userRepositories) { (Get-FileHash $userRepositories).Hash } else { $null }
        $modules = if (Test-Path $userModules) { @(Get-ChildItem $userModules -Recurse -Depth 1 | ForEach-Object FullName) -join '|' } else { $null }
        "$list;$modules"
    }
    $script:userStateBefore = Get-UserState

    if (-not $installSkipped) {
        $repository = Split-Path $package
        $script:installed = Invoke-Isolated @"
Register-PSResourceRepository -Name MmanTest -Uri '$repository' -Trusted
Install-PSResource -Name Mman -Repository MmanTest -TrustRepository -Scope CurrentUser
`$module = Get-Module -ListAvailable -Name Mman
'{0}|{1}' -f `$module.Version, `$module.ModuleBase
"@
        $script:installedVersion, $script:moduleBase = ($installed | Select-Object -Last 1) -split '\|'
    }
}

Describe 'The Mman package' -Tag CI {
    Context 'When the .nupkg is inspected' {
        BeforeAll {
            Add-Type -AssemblyName System.IO.Compression.FileSystem
            $zip = [IO.Compression.ZipFile]::OpenRead($package)
            try {
                $entries = @($zip.Entries.FullName)
                $reader = [IO.StreamReader]::new($zip.GetEntry('Mman.nuspec').Open())
                $nuspec = [xml]$reader.ReadToEnd()
                $reader.Dispose()
            }
            finally {
                $zip.Dispose()
            }
            $metadata = $nuspec.package.metadata
        }

        It 'Should be named Mman.<version>.nupkg' {
            Split-Path $package -Leaf | Should -BeExactly "Mman.$version.nupkg"
        }
        It 'Should contain <File>' -ForEach @(
            @{ File = 'Mman.psd1' }
            @{ File = 'Mman.psm1' }
            @{ File = 'net8.0/Mman.PowerShell.dll' }
            @{ File = 'netstandard2.0/Mman.PowerShell.dll' }
            @{ File = 'Mman.Format.ps1xml' }
            @{ File = 'en-US/Mman.PowerShell.dll-Help.xml' }
            @{ File = 'en-US/about_Mman.help.txt' }
            @{ File = 'LICENSE' }
            @{ File = 'README.md' }
            @{ File = 'CHANGELOG.md' }
            @{ File = 'netstandard2.0/System.Memory.dll' }
            @{ File = 'netstandard2.0/System.Buffers.dll' }
            @{ File = 'netstandard2.0/System.Numerics.Vectors.dll' }
            @{ File = 'netstandard2.0/System.Runtime.CompilerServices.Unsafe.dll' }
        ) {
            $entries | Should -Contain $File
        }
        It 'Should ship the net8.0 build alone in its folder (.NET 8 has System.Memory built in)' {
            @($entries -like 'net8.0/*') | Should -Be @('net8.0/Mman.PowerShell.dll')
        }
        It 'Should have no assembly at the root, where neither PowerShell would look for it' {
            @($entries | Where-Object { $_ -notmatch '/' -and $_ -like '*.dll' }) | Should -BeNullOrEmpty
        }
        It 'Should not contain test, build or debug files' {
            @($entries | Where-Object { $_ -match '(?i)tests?/|\.pdb$|\.deps\.json$|^bin/|^obj/' }) | Should -BeNullOrEmpty
        }
        It 'Should carry the id, version, authors and description' {
            $metadata.id | Should -BeExactly 'Mman'
            $metadata.version | Should -BeExactly $version
            $metadata.authors | Should -Not -BeNullOrEmpty
            $metadata.description | Should -Match 'memory mapping'
        }
        It 'Should carry the project and license links and the release notes' {
            $metadata.projectUrl | Should -Match '^https://'
            $metadata.licenseUrl | Should -Match '^https://.*LICENSE'
            $metadata.releaseNotes | Should -Match ([regex]::Escape($version))
        }
        It 'Should carry the tag <Tag>' -ForEach @(
            @{ Tag = 'PSEdition_Core' }, @{ Tag = 'PSEdition_Desktop' }, @{ Tag = 'Windows' }, @{ Tag = 'Linux' },
            @{ Tag = 'MacOS' }, @{ Tag = 'mmap' }, @{ Tag = 'SharedMemory' }
        ) {
            -split $metadata.tags | Should -Contain $Tag
        }
    }

    Context 'When the package is installed with Install-PSResource' {
        BeforeEach {
            if ($installSkipped) { Set-ItResult -Skipped -Because $installSkipReason }
        }

        It 'Should install the version that was published' {
            $installedVersion | Should -BeExactly $version
        }
        It 'Should install into the isolated pwsh''s module folder' {
            $moduleBase | Should -BeLike "$isolatedModules*"
        }
        It 'Should keep PSResourceGet''s repository list where the isolated pwsh has it' {
            $isolatedRepositories | Should -Exist
            Get-Content $isolatedRepositories -Raw | Should -Match 'MmanTest'
        }
        It 'Should have a temporary home for the repository list and modules (not on Windows: its known folders do not move)' -Skip:$IsWindows {
            $profileIsTemporary | Should -BeTrue
        }
    }

    Context 'When the user''s own repository list and modules are checked afterwards' {
        BeforeEach {
            # Installed or skipped, nothing of the user's changes; only a throwaway profile
            # (MMAN_DISPOSABLE_PROFILE) gets the install, on purpose.
            if ($profileIsDisposable -and -not $profileIsTemporary) {
                Set-ItResult -Skipped -Because 'the profile is a throwaway one (MMAN_DISPOSABLE_PROFILE): the install went into it on purpose'
            }
        }

        It 'Should leave the user''s repository list and CurrentUser modules as they were' {
            Get-UserState | Should -BeExactly $userStateBefore
        }
        It 'Should leave no MmanTest repository in the user''s list' {
            if (Test-Path $userRepositories) {
                Get-Content $userRepositories -Raw | Should -Not -Match 'MmanTest'
            }
            else {
                $userRepositories | Should -Not -Exist
            }
        }
    }

    Context 'When the installed module is imported by name in a fresh pwsh' {
        BeforeEach {
            if ($installSkipped) { Set-ItResult -Skipped -Because $installSkipReason }
        }
        BeforeAll {
            if ($installSkipped) { return }
            # One fresh process: import by name, then a smoke scenario over a real file and
            # named shared memory, and help from the installed copy.
            $file = Join-Path $TestDrive 'smoke.bin'
            [IO.File]::WriteAllBytes($file, [byte[]](0..255))
            $name = "mman-test-$PID-package"
            $lines = Invoke-Isolated @"
Import-Module Mman
`$module = Get-Module Mman
`$map = New-MemoryMap -Path '$file' -Protection Read, Write
Write-MemoryMap `$map -Offset 10 -Data ([byte[]](201, 202, 203))
Sync-MemoryMap `$map
Close-MemoryMap `$map
`$named = New-MemoryMap -Name '$name' -Size 4096
Write-MemoryMap `$named -Text 'installed'
`$again = New-MemoryMap -Name '$name'
`$text = Read-MemoryMap `$again -Count 9 -AsString
Remove-MemoryMap -Name '$name'
Close-MemoryMap `$again, `$named
`$gone = try { New-MemoryMap -Name '$name' | Close-MemoryMap; `$false } catch { `$_.FullyQualifiedErrorId -like 'NamedMapNotFound,*' }
`$help = Get-Help New-MemoryMap -Full
`$about = Get-Help about_Mman
[pscustomobject]@{
    ModuleBase   = `$module.ModuleBase
    Version      = `$module.Version.ToString()
    Cmdlets      = @(`$module.ExportedCmdlets.Keys | Sort-Object)
    Assembly     = (Get-Command New-MemoryMap).ImplementingType.Assembly.Location
    Named        = `$text
    Gone         = `$gone
    Open         = @(Get-MemoryMap).Count
    Examples     = @(`$help.examples.example).Count
    Synopsis     = `$help.Synopsis
    About        = [bool](`$about | Out-String | Select-String 'NamedMapNotFound')
} | ConvertTo-Json -Compress
"@
            $smoke = ($lines | Select-Object -Last 1) | ConvertFrom-Json
        }

        It 'Should import the installed copy' {
            $smoke.ModuleBase | Should -BeExactly $moduleBase
            $smoke.Version | Should -BeExactly $version
        }
        It 'Should run the cmdlets of the installed net8.0 build' {
            $smoke.Assembly | Should -BeExactly (Join-Path $moduleBase 'net8.0/Mman.PowerShell.dll')
        }
        It 'Should export the twenty-two cmdlets' {
            $smoke.Cmdlets | Should -Be @(
                'Add-MemoryMapInteger', 'Clear-MemoryMap', 'Clear-MemoryMapResidency', 'Close-MemoryMap', 'Copy-MemoryMap',
                'Find-MemoryMap', 'Get-MemoryMap', 'Get-MemoryMapInteger', 'Get-MemoryMapResidency', 'Lock-MemoryMap',
                'New-MemoryMap', 'Read-MemoryMap', 'Remove-MemoryMap', 'Request-MemoryMapResidency', 'Resize-MemoryMap',
                'Set-MemoryMapAccessHint', 'Set-MemoryMapInteger', 'Set-MemoryMapProtection', 'Sync-MemoryMap',
                'Unlock-MemoryMap', 'Wait-MemoryMapInteger', 'Write-MemoryMap')
        }
        It 'Should have written through a file map to the file' {
            $bytes = [IO.File]::ReadAllBytes($file)
            $bytes[9..13] | Should -Be @(9, 201, 202, 203, 13)
        }
        It 'Should have shared named memory between two maps' {
            $smoke.Named | Should -BeExactly 'installed'
        }
        It 'Should have closed every map' {
            $smoke.Open | Should -Be 0
        }
        It 'Should have removed the named object' {
            $smoke.Gone | Should -BeTrue
            if ($IsLinux) { "/dev/shm/mman-test-$PID-package" | Should -Not -Exist }
        }
        It 'Should show the full help of the installed copy' {
            $smoke.Synopsis | Should -Match 'Maps'
            $smoke.Examples | Should -BeGreaterOrEqual 3
        }
        It 'Should show the about_Mman topic of the installed copy' {
            $smoke.About | Should -BeTrue
        }
    }
}
