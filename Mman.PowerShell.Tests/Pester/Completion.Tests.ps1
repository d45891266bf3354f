BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:prefix = "mman-test-$PID-tab"
    function Get-ListedName([string] $Name) { if ($IsWindows) { "Local\$Name" } else { $Name } }

    # What Tab offers at the end of the line, as PowerShell's own completion sees it.
    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }
}

Describe 'Argument completion' -Tag CI {
    Context 'When completing -Id of Get-MemoryMap and Close-MemoryMap' {
        BeforeAll {
            $maps = @(1..3 | ForEach-Object { New-MemoryMap -Size 4096 })
            $closed = New-MemoryMap -Size 4096
            Close-MemoryMap $closed
        }
        AfterAll {
            Close-MemoryMap $maps
        }

        It 'Should offer the Id of every open map of <Line>' -TestCases @(
            @{ Line = 'Get-MemoryMap -Id ' }
            @{ Line = 'Get-MemoryMap ' }
            @{ Line = 'Close-MemoryMap -Id ' }
        ) {
            param($Line)
            $offered = Get-Completion $Line
            $open = @(Get-MemoryMap).Id
            [int[]]$offered.CompletionText | Should -Be $open
            foreach ($map in $maps) { "$($map.Id)" | Should -BeIn $offered.CompletionText }
        }
        It 'Should not offer a closed map' {
            (Get-Completion 'Close-MemoryMap -Id ').CompletionText | Should -Not -Contain "$($closed.Id)"
        }
        It 'Should show each map''s description as the tooltip' {
            $offered = Get-Completion 'Close-MemoryMap -Id ' | Where-Object CompletionText -EQ "$($maps[1].Id)"
            $offered.ToolTip | Should -BeExactly $maps[1].ToString()
            $offered.ListItemText | Should -BeExactly "$($maps[1].Id)"
            $offered.ResultType | Should -Be 'ParameterValue'
        }
        It 'Should offer only the Ids that start with the digits typed' {
            $typed = "$($maps[2].Id)"
            $offered = Get-Completion "Get-MemoryMap -Id $typed"
            $offered.CompletionText | Should -Contain $typed
            @($offered | Where-Object { -not $_.CompletionText.StartsWith($typed) }).Count | Should -Be 0
        }
        It 'Should complete after a comma in a list of Ids' {
            (Get-Completion "Close-MemoryMap -Id $($maps[0].Id),").CompletionText | Should -Contain "$($maps[1].Id)"
        }
    }

    Context 'When completing -Name of shared memory open here and on the system' -Skip:$IsMacOS {
        BeforeAll {
            $openName = "$script:prefix-open"
            $spaced = "$script:prefix-two words"
            $foreignName = "$script:prefix-other"
            $map = New-MemoryMap -Name $openName -Size 4096
            $spacedMap = New-MemoryMap -Name $spaced -Size 4096
            if ($IsWindows) {
                $foreign = [IO.MemoryMappedFiles.MemoryMappedFile]::CreateNew($foreignName, 4096)
            }
            else {
                # Another program's object, left in /dev/shm: only the system listing knows it.
                python3 -c "from multiprocessing import shared_memory, resource_tracker; m = shared_memory.SharedMemory(name='$foreignName', create=True, size=4096); resource_tracker.unregister(m._name, 'shared_memory'); m.close()"
            }
            $expected = @((Get-ListedName $openName), (Get-ListedName $foreignName), (Get-ListedName $spaced))
        }
        AfterAll {
            Close-MemoryMap $map, $spacedMap
            if ($IsWindows) { $foreign.Dispose() } else { Remove-MemoryMap -Name $openName, $spaced, $foreignName }
        }

        It 'Should offer the names that start with the word typed, from <Line>' -TestCases @(
            @{ Line = 'Get-MemoryMap -Name ' }
            @{ Line = 'Get-MemoryMap -ListAvailable -Name ' }
            @{ Line = 'Remove-MemoryMap -Name ' }
            @{ Line = 'Remove-MemoryMap ' }
            @{ Line = 'New-MemoryMap -Size 4096 -Name ' }
        ) {
            param($Line)
            $offered = Get-Completion ($Line + $script:prefix)
            $offered.ListItemText | Should -Be $expected
        }
        It 'Should put a name with a space in single quotes' {
            $offered = Get-Completion "Get-MemoryMap -Name $script:prefix-two"
            $offered.CompletionText | Should -Be @("'$(Get-ListedName $spaced)'")
        }
        It 'Should complete a name already begun in quotes' {
            $offered = Get-Completion "Get-MemoryMap -Name '$script:prefix-two w"
            $offered.CompletionText | Should -Be @("'$(Get-ListedName $spaced)'")
        }
        It 'Should take wildcards in the word typed' {
            (Get-Completion "Get-MemoryMap -Name $script:prefix-*er").ListItemText | Should -Be @((Get-ListedName $foreignName))
        }
        It ($IsWindows ? 'Should match without regard to case, as Windows names do' : 'Should match case-sensitively, as Linux names do') {
            $offered = Get-Completion ('Get-MemoryMap -Name ' + $script:prefix.ToUpperInvariant())
            $offered.Count | Should -Be $(if ($IsWindows) { 3 } else { 0 })
        }
        It 'Should take the Local\ prefix in the word typed (Windows)' -Skip:(-not $IsWindows) {
            (Get-Completion "Get-MemoryMap -Name Local\$script:prefix-op").CompletionText | Should -Be @("Local\$openName")
        }
        It 'Should describe a name open here by the system listing and the map (tooltip)' {
            $offered = Get-Completion "Get-MemoryMap -Name $script:prefix-op"
            $info = Get-MemoryMap -ListAvailable -Name $openName
            $offered.ToolTip | Should -BeExactly "$info; open as map $($map.Id)"
        }
        It 'Should describe a name only the system lists by its size and owner (tooltip)' {
            $offered = Get-Completion "Get-MemoryMap -Name $script:prefix-ot"
            $info = Get-MemoryMap -ListAvailable -Name $foreignName
            $offered.ToolTip | Should -BeExactly $info.ToString()
            $offered.ToolTip | Should -Match '4096 bytes'
        }
    }

    Context 'When a map is open whose name was removed from the system (Linux and macOS; Windows cannot remove a name in use)' -Skip:$IsWindows {
        BeforeAll {
            $name = "$script:prefix-gone"
            $map = New-MemoryMap -Name $name -Size 4096
            Remove-MemoryMap -Name $name
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should still offer the name of the map open here, described by the map' {
            $offered = Get-Completion "Get-MemoryMap -Name $name"
            $offered.CompletionText | Should -Be @($name)
            $offered.ToolTip | Should -BeExactly $map.ToString()
        }
    }
}
