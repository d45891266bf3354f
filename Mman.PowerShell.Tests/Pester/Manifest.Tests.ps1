BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $manifestPath = Get-MmanModulePath
}

Describe 'Mman module manifest' -Tag CI {
    Context 'When the manifest is tested' {
        BeforeAll {
            $manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
            $expected = @(
                'Add-MemoryMapInteger', 'Clear-MemoryMap', 'Clear-MemoryMapResidency', 'Close-MemoryMap', 'Copy-MemoryMap',
                'Find-MemoryMap', 'Get-MemoryMap', 'Get-MemoryMapInteger', 'Get-MemoryMapResidency', 'Lock-MemoryMap',
                'New-MemoryMap', 'Read-MemoryMap', 'Remove-MemoryMap', 'Request-MemoryMapResidency', 'Resize-MemoryMap',
                'Set-MemoryMapAccessHint', 'Set-MemoryMapInteger', 'Set-MemoryMapProtection', 'Sync-MemoryMap',
                'Unlock-MemoryMap', 'Wait-MemoryMapInteger', 'Write-MemoryMap'
            )
        }

        It 'Should pass Test-ModuleManifest' {
            $manifest.Name | Should -Be 'Mman'
        }
        It 'Should list exactly the twenty-two cmdlets to export' {
            @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be $expected
        }
        It 'Should export exactly the twenty-two cmdlets once imported' {
            @((Get-Command -Module Mman).Name | Sort-Object) | Should -Be $expected
        }
        It 'Should export cmdlets only' {
            @(Get-Command -Module Mman | Where-Object CommandType -ne 'Cmdlet').Count | Should -Be 0
        }
        It 'Should export no aliases' {
            $manifest.ExportedAliases.Count | Should -Be 0
        }
        It 'Should be tagged for both editions' {
            $manifest.Tags | Should -Contain 'PSEdition_Core'
        }
        It 'Should be tagged for <Os>' -ForEach @(@{ Os = 'Windows' }, @{ Os = 'Linux' }, @{ Os = 'MacOS' }) {
            $manifest.Tags | Should -Contain $Os
        }
        It 'Should give the <Framework> assembly the module''s version' -ForEach @(@{ Framework = 'net8.0' }, @{ Framework = 'netstandard2.0' }) {
            $dll = Join-Path (Split-Path $manifestPath) "$Framework/Mman.PowerShell.dll"
            [Version]([Diagnostics.FileVersionInfo]::GetVersionInfo($dll).FileVersion) | Should -Be ([Version]"$($manifest.Version).0")
        }
        It 'Should declare .NET Framework 4.7.2 for Windows PowerShell' {
            $manifest.DotNetFrameworkVersion | Should -Be ([Version]'4.7.2')
        }
        It 'Should have project and license links' {
            $manifest.ProjectUri.AbsoluteUri | Should -Match '^https://'
            $manifest.LicenseUri.AbsoluteUri | Should -Match 'LICENSE$'
        }
        It 'Should have a CHANGELOG entry for its version' {
            Get-Content (Join-Path $PSScriptRoot '../../CHANGELOG.md') -Raw | Should -Match ('(?m)^## ' + [regex]::Escape($manifest.Version.ToString()) + '\s*$')
        }
        It 'Should load the format file' {
            Get-FormatData -TypeName 'Mman.MemoryMap' | Should -Not -BeNullOrEmpty
        }
    }

    Context 'When the module chooses the build of its assembly' {
        BeforeAll {
            $moduleBase = Split-Path $manifestPath
            $assembly = (Get-Command New-MemoryMap).ImplementingType.Assembly
            $names = @(
                'Add-MemoryMapInteger', 'Clear-MemoryMap', 'Clear-MemoryMapResidency', 'Close-MemoryMap', 'Copy-MemoryMap',
                'Find-MemoryMap', 'Get-MemoryMap', 'Get-MemoryMapInteger', 'Get-MemoryMapResidency', 'Lock-MemoryMap',
                'New-MemoryMap', 'Read-MemoryMap', 'Remove-MemoryMap', 'Request-MemoryMapResidency', 'Resize-MemoryMap',
                'Set-MemoryMapAccessHint', 'Set-MemoryMapInteger', 'Set-MemoryMapProtection', 'Sync-MemoryMap',
                'Unlock-MemoryMap', 'Wait-MemoryMapInteger', 'Write-MemoryMap'
            )
        }

        It 'Should run on .NET 8 or later here (PowerShell 7.4+), where Mman.psm1 picks net8.0' {
            [Environment]::Version.Major | Should -BeGreaterOrEqual 8
        }
        It 'Should load the net8.0 assembly' {
            $assembly.Location | Should -BeExactly (Join-Path $moduleBase 'net8.0/Mman.PowerShell.dll')
        }
        It 'Should load an assembly built for .NET 8' {
            $assembly.GetCustomAttributes([Runtime.Versioning.TargetFrameworkAttribute], $false)[0].FrameworkName | Should -BeExactly '.NETCoreApp,Version=v8.0'
        }
        It 'Should take every cmdlet from that one assembly' {
            @(Get-Command -Name $names | Where-Object { $_.ImplementingType.Assembly -ne $assembly }) | Should -BeNullOrEmpty
        }
        It 'Should attribute every cmdlet to the module Mman' {
            @(Get-Command -Name $names | Select-Object -ExpandProperty ModuleName -Unique) | Should -Be @('Mman')
        }
        It 'Should ship the MAML help once, in en-US at the module root' {
            # Get-Help looks for a cmdlet's MAML under the folder of the cmdlet's module, and the
            # exported cmdlets belong to Mman (the root module), not to the nested dll in its subfolder.
            @(Get-ChildItem -LiteralPath $moduleBase -Recurse -Filter '*-Help.xml').FullName | Should -Be @(Join-Path $moduleBase 'en-US/Mman.PowerShell.dll-Help.xml')
        }
        It 'Should find that help for New-MemoryMap' {
            # Without the MAML, Get-Help makes a synopsis from the syntax alone.
            (Get-Help New-MemoryMap -Full).Synopsis | Should -Match '^Maps anonymous memory'
        }
    }

    Context 'When the netstandard2.0 assembly is imported on its own in a fresh pwsh' {
        BeforeAll {
            # PowerShell 7.4+ loads the net8.0 build, so the cmdlets of the netstandard2.0 build (what
            # Windows PowerShell 5.1 and PowerShell 7.0-7.3 load) run here only when imported directly.
            $dll = Join-Path (Split-Path $manifestPath) 'netstandard2.0/Mman.PowerShell.dll'
            $script = @'
$map = New-MemoryMap -Size 4096
Write-MemoryMap $map -Text 'from netstandard2.0' -Offset 100
$text = Read-MemoryMap $map -Offset 100 -Count 19 -AsString
Close-MemoryMap $map
$assembly = (Get-Command New-MemoryMap).ImplementingType.Assembly
[pscustomobject]@{
    Text      = $text
    Valid     = $map.IsValid
    Location  = $assembly.Location
    Framework = $assembly.GetCustomAttributes([Runtime.Versioning.TargetFrameworkAttribute], $false)[0].FrameworkName
} | ConvertTo-Json -Compress
'@
            $child = Wait-ChildPwsh -Process (Start-ChildPwsh -Script $script -ModulePath $dll)
            $result = if ($child.ExitCode -eq 0) { $child.Output | Select-Object -Last 1 | ConvertFrom-Json }
        }

        It 'Should end normally' {
            $child.ExitCode | Should -Be 0 -Because $child.ErrorText
        }
        It 'Should run the cmdlets of the netstandard2.0 assembly' {
            $result.Location | Should -BeExactly $dll
        }
        It 'Should run an assembly built for .NET Standard 2.0' {
            $result.Framework | Should -BeExactly '.NETStandard,Version=v2.0'
        }
        It 'Should read back the text it wrote' {
            $result.Text | Should -BeExactly 'from netstandard2.0'
        }
        It 'Should close the map' {
            $result.Valid | Should -BeFalse
        }
    }

    Context 'When the module is imported again in a fresh pwsh' {
        BeforeAll {
            # Invoke-ChildPwsh has imported it once; a second import is a no-op, -Force removes and
            # imports it again over the assembly already loaded.
            $script = @"
Import-Module '$manifestPath'
Import-Module '$manifestPath' -Force
`$map = New-MemoryMap -Size 4096
Write-MemoryMap `$map -Text 'again'
[pscustomobject]@{
    Cmdlets = @((Get-Command -Module Mman).Name | Sort-Object)
    Modules = @((Get-Module -All | Where-Object Name -Like 'Mman*').Name | Sort-Object)
    Text    = Read-MemoryMap `$map -Count 5 -AsString
} | ConvertTo-Json -Compress
Close-MemoryMap `$map
"@
            $result = Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | ConvertFrom-Json
        }

        It 'Should still export exactly the twenty-two cmdlets' {
            $result.Cmdlets | Should -Be @(
                'Add-MemoryMapInteger', 'Clear-MemoryMap', 'Clear-MemoryMapResidency', 'Close-MemoryMap', 'Copy-MemoryMap',
                'Find-MemoryMap', 'Get-MemoryMap', 'Get-MemoryMapInteger', 'Get-MemoryMapResidency', 'Lock-MemoryMap',
                'New-MemoryMap', 'Read-MemoryMap', 'Remove-MemoryMap', 'Request-MemoryMapResidency', 'Resize-MemoryMap',
                'Set-MemoryMapAccessHint', 'Set-MemoryMapInteger', 'Set-MemoryMapProtection', 'Sync-MemoryMap',
                'Unlock-MemoryMap', 'Wait-MemoryMapInteger', 'Write-MemoryMap')
        }
        It 'Should hold Mman and its nested assembly once each' {
            $result.Modules | Should -Be @('Mman', 'Mman.PowerShell')
        }
        It 'Should map, write and read' {
            $result.Text | Should -BeExactly 'again'
        }
    }

    Context 'When the cmdlets are inspected' {
        It 'Should give <Name> -AllowWriteExecute' -ForEach @(
            @{ Name = 'New-MemoryMap' }
            @{ Name = 'Set-MemoryMapProtection' }
        ) {
            (Get-Command $Name).Parameters.Keys | Should -Contain 'AllowWriteExecute'
        }
        It 'Should give <Name> -WhatIf' -ForEach @(
            @{ Name = 'New-MemoryMap' }
            @{ Name = 'Write-MemoryMap' }
            @{ Name = 'Set-MemoryMapProtection' }
            @{ Name = 'Sync-MemoryMap' }
            @{ Name = 'Close-MemoryMap' }
            @{ Name = 'Remove-MemoryMap' }
            @{ Name = 'Lock-MemoryMap' }
            @{ Name = 'Unlock-MemoryMap' }
            @{ Name = 'Clear-MemoryMap' }
            @{ Name = 'Clear-MemoryMapResidency' }
            @{ Name = 'Set-MemoryMapAccessHint' }
            @{ Name = 'Copy-MemoryMap' }
            @{ Name = 'Resize-MemoryMap' }
            @{ Name = 'Add-MemoryMapInteger' }
            @{ Name = 'Set-MemoryMapInteger' }
        ) {
            (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
        }
        It 'Should not give <Name> -WhatIf' -ForEach @(
            @{ Name = 'Read-MemoryMap' }
            @{ Name = 'Get-MemoryMap' }
            @{ Name = 'Find-MemoryMap' }
            @{ Name = 'Get-MemoryMapInteger' }
            @{ Name = 'Wait-MemoryMapInteger' }
            @{ Name = 'Request-MemoryMapResidency' }
        ) {
            (Get-Command $Name).Parameters.Keys | Should -Not -Contain 'WhatIf'
        }
        It 'Should declare that <Name> outputs <Type>' -ForEach @(
            @{ Name = 'New-MemoryMap'; Type = 'Mman.MemoryMap' }
            @{ Name = 'Get-MemoryMap'; Type = 'Mman.MemoryMap' }
            @{ Name = 'Read-MemoryMap'; Type = 'System.Byte[]' }
            @{ Name = 'Read-MemoryMap'; Type = 'System.String' }
            @{ Name = 'Read-MemoryMap'; Type = 'System.Array' }
            @{ Name = 'Find-MemoryMap'; Type = 'Mman.MemoryMapMatch' }
        ) {
            (Get-Command $Name).OutputType.Name | Should -Contain $Type
        }
        It 'Should make anonymous memory the default parameter set of New-MemoryMap' {
            (Get-Command New-MemoryMap).DefaultParameterSet | Should -Be 'Anonymous'
        }
    }

    Context 'When the module is removed in a fresh pwsh' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/remove.bin" -Length 4096
            $script = @"
`$maps = @(New-MemoryMap -Size 4096) + @(New-MemoryMap -Path '$file' -Protection Read, Write)
Write-MemoryMap `$maps[1] -Text 'gone'
`$before = @(Get-Module -All | Where-Object Name -Like 'Mman*').Count
Remove-Module Mman
[pscustomobject]@{
    Valid   = @(`$maps | Where-Object IsValid).Count
    Address = [long]`$maps[0].Address
    Before  = `$before
    Left    = @((Get-Module -All | Where-Object Name -Like 'Mman*').Name)
    Command = [bool](Get-Command New-MemoryMap -ListImported -ErrorAction Ignore)
} | ConvertTo-Json -Compress
"@
            $result = Invoke-ChildPwsh -Script $script | Select-Object -Last 1 | ConvertFrom-Json
            $fileBytes = [IO.File]::ReadAllBytes($file)
        }

        It 'Should close the maps the session opened' {
            $result.Valid | Should -Be 0
        }
        It 'Should unmap them' {
            $result.Address | Should -Be 0
        }
        It 'Should remove Mman and its nested assembly module' {
            $result.Before | Should -Be 2
            $result.Left | Should -BeNullOrEmpty
        }
        It 'Should leave no Mman cmdlet behind' {
            $result.Command | Should -BeFalse
        }
        It 'Should keep what was written to a shared file map' {
            [Text.Encoding]::ASCII.GetString($fileBytes, 0, 4) | Should -BeExactly 'gone'
        }
    }

    Context 'When -Protection is bound' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096 -Protection Read, Write
            $fromString = New-MemoryMap -Size 4096 -Protection 'Read, Execute'
        }
        AfterAll {
            Close-MemoryMap $map, $fromString
        }

        It 'Should bind Read,Write as the enum' {
            $map.Protection | Should -BeOfType ([Mman.MemoryProtection])
        }
        It 'Should combine the flags' {
            [int]$map.Protection | Should -Be 3
        }
        It 'Should bind a comma-separated string' {
            $fromString.Protection | Should -Be ([Mman.MemoryProtection]'Read, Execute')
        }
        It 'Should refuse a name that is not a protection' {
            { New-MemoryMap -Size 4096 -Protection Bogus -ErrorAction Stop } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,Mman.Commands.NewMemoryMapCommand'
        }
    }

    Context 'When completing parameter values with tab' {
        BeforeAll {
            function Get-Completion([string] $Line) {
                (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
            }
        }

        It 'Should offer <Value> for New-MemoryMap -Protection' -ForEach @(
            @{ Value = 'None' }, @{ Value = 'Read' }, @{ Value = 'Write' }, @{ Value = 'Execute' }
        ) {
            Get-Completion 'New-MemoryMap -Size 4096 -Protection ' | Should -Contain $Value
        }
        It 'Should offer the protections for Set-MemoryMapProtection -Protection' {
            Get-Completion 'Set-MemoryMapProtection -InputObject $m -Protection ' | Should -Contain 'Execute'
        }
        It 'Should offer Shared and Private for -Sharing' {
            @(Get-Completion 'New-MemoryMap -Size 4096 -Sharing ' | Sort-Object) | Should -Be @('Private', 'Shared')
        }
        It 'Should offer utf8 for Read-MemoryMap -Encoding' {
            Get-Completion 'Read-MemoryMap $m -AsString -Encoding ' | Should -Contain 'utf8'
        }
        It 'Should offer utf8 for Write-MemoryMap -Encoding' {
            Get-Completion 'Write-MemoryMap $m -Text x -Encoding ' | Should -Contain 'utf8'
        }
        It 'Should offer only the names that start with what was typed' {
            @(Get-Completion 'Write-MemoryMap $m -Text x -Encoding utf3') | Should -Be @('utf32')
        }
    }
}
