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
                'Close-MemoryMap', 'Find-MemoryMap', 'Get-MemoryMap', 'New-MemoryMap', 'Read-MemoryMap',
                'Remove-MemoryMap', 'Set-MemoryMapProtection', 'Sync-MemoryMap', 'Write-MemoryMap'
            )
        }

        It 'Should pass Test-ModuleManifest' {
            $manifest.Name | Should -Be 'Mman'
        }
        It 'Should list exactly the nine cmdlets to export' {
            @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be $expected
        }
        It 'Should export exactly the nine cmdlets once imported' {
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
        It 'Should give the assembly the module''s version' {
            $dll = Join-Path (Split-Path $manifestPath) 'Mman.PowerShell.dll'
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
        ) {
            (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
        }
        It 'Should not give <Name> -WhatIf' -ForEach @(
            @{ Name = 'Read-MemoryMap' }
            @{ Name = 'Get-MemoryMap' }
            @{ Name = 'Find-MemoryMap' }
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
Remove-Module Mman
[pscustomobject]@{ Valid = @(`$maps | Where-Object IsValid).Count; Address = [long]`$maps[0].Address } | ConvertTo-Json -Compress
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
