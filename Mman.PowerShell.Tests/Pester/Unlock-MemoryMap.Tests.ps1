# Unlock-MemoryMap, checked against VmLck of /proc/self/status and the "Locked:" lines of
# /proc/self/smaps (Linux, and Wine on Linux, where VirtualUnlock is munlock); on real Windows those
# assertions are skipped with the reason and LockedBytes is what is checked.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:page = [Mman.MemoryMap]::PageSize
    $script:noProc = if ($null -eq (Get-ProcStatusPath)) { 'this system has no /proc/<pid>/status to read VmLck from (real Windows, macOS)' }
}

Describe 'Unlock-MemoryMap' -Tag CI {
    Context 'When unlocking a whole locked file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/whole.bin" -Length (5 * $page)
            $map = New-MemoryMap -Path $file
            $before = Get-LockedMemory
            Lock-MemoryMap $map
            $locked = Get-LockedMemory
            $output = Unlock-MemoryMap $map
            $after = Get-LockedMemory
            $smaps = Get-MappingLockedMemory -Address $map.Address.ToInt64() -Length $map.Size
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should have locked the map first' {

            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $locked - $before | Should -Be (5 * $page)
        }
        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should bring VmLck back' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after | Should -Be $before
        }
        It 'Should leave nothing locked in smaps' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $smaps | Should -Be 0
        }
        It 'Should report 0 LockedBytes' {
            $map.LockedBytes | Should -Be 0
        }
    }

    Context 'When unlocking a range with -Offset and -Count' {
        BeforeAll {
            $map = New-MemoryMap -Size (6 * $page)
            $before = Get-LockedMemory
            Lock-MemoryMap $map
            # Bytes in pages 2 and 3: both pages are unlocked, the four others stay locked.
            $passThru = Unlock-MemoryMap $map -Offset (2 * $page + 1) -Count ($page) -PassThru
            $rangeLocked = $map.LockedBytes
            $after = Get-LockedMemory
            $smaps = Get-MappingLockedMemory -Address $map.Address.ToInt64() -Length $map.Size
            $rest = Unlock-MemoryMap $map -Offset (4 * $page) -PassThru
            $afterRest = Get-LockedMemory
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should emit the map with -PassThru' {
            $passThru | Should -Be $map
        }
        It 'Should unlock the whole pages the range touches' {
            $rangeLocked | Should -Be (4 * $page)
        }
        It 'Should lower VmLck by those pages' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after - $before | Should -Be (4 * $page)
        }
        It 'Should leave the other pages locked in smaps' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $smaps | Should -Be (4 * $page)
        }
        It 'Should unlock from -Offset to the end without -Count' {
            $rest.LockedBytes | Should -Be (2 * $page)
        }
        It 'Should lower VmLck by those too' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $afterRest - $before | Should -Be (2 * $page)
        }
    }

    Context 'When a view unlocks pages its parent locked too' {
        BeforeAll {
            $parent = New-MemoryMap -Size (4 * $page)
            $view = New-MemoryMap -InputObject $parent -Offset $page -Size (2 * $page)
            $before = Get-LockedMemory
            Lock-MemoryMap $parent -Count (2 * $page)
            Lock-MemoryMap $view
            $locked = Get-LockedMemory
            Unlock-MemoryMap $view -WarningVariable warnings -WarningAction SilentlyContinue
            $after = Get-LockedMemory
            $viewLocked = $view.LockedBytes
            Unlock-MemoryMap $parent -WarningVariable parentWarnings
            $afterParent = Get-LockedMemory
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should lock pages 0 to 2 between them' {

            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $locked - $before | Should -Be (3 * $page)
        }
        It 'Should unlock only the page no other map locked' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after - $before | Should -Be (2 * $page)
        }
        It 'Should report the page the parent keeps locked in the view' {
            $viewLocked | Should -Be $page
        }
        It 'Should warn that the parent keeps it locked' {
            "$warnings" | Should -Match "map $($parent.Id) locked them too"
        }
        It 'Should unlock everything when the parent unlocks, without a warning' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $afterParent | Should -Be $before
            $parentWarnings | Should -BeNullOrEmpty
        }
    }

    Context 'When the parent unlocks pages a view locked' {
        BeforeAll {
            $parent = New-MemoryMap -Size (4 * $page)
            $view = New-MemoryMap -InputObject $parent -Offset (2 * $page) -Size (2 * $page)
            $before = Get-LockedMemory
            Lock-MemoryMap $view
            Unlock-MemoryMap $parent
            $after = Get-LockedMemory
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should release the view''s locks, which are part of the parent' {
            $view.LockedBytes | Should -Be 0
        }
        It 'Should bring VmLck back' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after | Should -Be $before
        }
    }

    Context 'When nothing is locked, or -WhatIf is used' {
        BeforeAll {
            $map = New-MemoryMap -Size (2 * $page)
            $nothing = Get-ErrorRecord { Unlock-MemoryMap $map -ErrorAction Stop }
            Lock-MemoryMap $map
            $before = Get-LockedMemory
            $output = Unlock-MemoryMap $map -WhatIf -PassThru
            $after = Get-LockedMemory
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should accept a map with nothing locked' {
            $nothing | Should -BeNullOrEmpty
        }
        It 'Should unlock nothing under -WhatIf' {
            $map.LockedBytes | Should -Be (2 * $page)
        }
        It 'Should leave VmLck as it was under -WhatIf' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after | Should -Be $before
        }
        It 'Should emit nothing under -WhatIf' {
            $output | Should -BeNullOrEmpty
        }
    }

    Context 'When the map or range is wrong' {
        BeforeAll {
            $closed = New-MemoryMap -Size 100
            Lock-MemoryMap $closed
            Close-MemoryMap $closed
            $map = New-MemoryMap -Size 100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse a closed map with MapClosed' {
            { Unlock-MemoryMap $closed -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.UnlockMemoryMapCommand'
        }
        It 'Should refuse a closed map under -WhatIf too' {
            { Unlock-MemoryMap $closed -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.UnlockMemoryMapCommand'
        }
        It 'Should report 0 LockedBytes for the closed map' {
            $closed.LockedBytes | Should -Be 0
        }
        It 'Should refuse a range outside the map with RangeOutsideMap' {
            { Unlock-MemoryMap $map -Offset 99 -Count 2 -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.UnlockMemoryMapCommand'
        }
        It 'Should refuse a negative count with CountNegative' {
            { Unlock-MemoryMap $map -Count -1 -ErrorAction Stop } | Should -Throw -ErrorId 'CountNegative,Mman.Commands.UnlockMemoryMapCommand'
        }
    }
}
