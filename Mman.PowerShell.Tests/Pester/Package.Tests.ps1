# The gallery package, proven by installing it: build.ps1 Package publishes Mman with Publish-PSResource
# to a local folder repository and puts the .nupkg's path in $env:MMAN_PACKAGE_PATH (build.ps1 Test does
# this before the suites run). These tests install that package with Install-PSResource into a
# temporary HOME, import it by name in fresh pwsh processes and use it, leaving the user's own
# repositories and modules untouched.

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

    # The user's own repository list, to prove it is left alone.
    $script:userRepositories = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'
    $script:userRepositoriesBefore = if (Test-Path $userRepositories) { (Get-FileHash $userRepositories).Hash } else { $null }

    $repository = Split-Path $package
    $script:installed = Invoke-Isolated @"
Register-PSResourceRepository -Name MmanTest -Uri '$repository' -Trusted
Install-PSResource -Name Mman -Repository MmanTest -TrustRepository -Scope CurrentUser
`$module = Get-Module -ListAvailable -Name Mman
'{0}|{1}' -f `$module.Version, `$module.ModuleBase
"@
    $script:installedVersion, $script:moduleBase = ($installed | Select-Object -Last 1) -split '\|'
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
        It 'Should install the version that was published' {
            $installedVersion | Should -BeExactly $version
        }
        It 'Should install into the temporary home, not the user''s modules' {
            $moduleBase | Should -BeLike "$tempHome*"
        }
        It 'Should leave the user''s repository list as it was' {
            $after = if (Test-Path $userRepositories) { (Get-FileHash $userRepositories).Hash } else { $null }
            $after | Should -Be $userRepositoriesBefore
        }
        It 'Should keep PSResourceGet''s settings in the temporary home' {
            Join-Path $isolated.XDG_DATA_HOME 'PSResourceGet/PSResourceRepository.xml' | Should -Exist
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
        BeforeAll {
            # One fresh process: import by name, time it, then a smoke scenario over a real file and
            # named shared memory, and help from the installed copy.
            $file = Join-Path $TestDrive 'smoke.bin'
            [IO.File]::WriteAllBytes($file, [byte[]](0..255))
            $name = "mman-test-$PID-package"
            $lines = Invoke-Isolated @"
`$elapsed = Measure-Command { Import-Module Mman }
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
`$help = Get-Help New-MemoryMap -Full
`$about = Get-Help about_Mman
[pscustomobject]@{
    Milliseconds = `$elapsed.TotalMilliseconds
    ModuleBase   = `$module.ModuleBase
    Version      = `$module.Version.ToString()
    Cmdlets      = @(`$module.ExportedCmdlets.Keys | Sort-Object)
    Assembly     = (Get-Command New-MemoryMap).ImplementingType.Assembly.Location
    Named        = `$text
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
        It 'Should import in well under a second' {
            $smoke.Milliseconds | Should -BeLessThan 1000
        }
        It 'Should export the nine cmdlets' {
            $smoke.Cmdlets | Should -Be @(
                'Close-MemoryMap', 'Find-MemoryMap', 'Get-MemoryMap', 'New-MemoryMap', 'Read-MemoryMap',
                'Remove-MemoryMap', 'Set-MemoryMapProtection', 'Sync-MemoryMap', 'Write-MemoryMap')
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
            "/dev/shm/mman-test-$PID-package" | Should -Not -Exist
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
