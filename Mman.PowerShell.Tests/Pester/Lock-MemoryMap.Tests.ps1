# Lock-MemoryMap, checked against the kernel: VmLck of /proc/self/status (what the process has
# locked) and the "Locked:" lines of /proc/self/smaps for the map's own mapping. Under Wine the
# Windows process is a Linux process and VirtualLock is mlock, so the same files answer there too;
# on real Windows neither exists and those assertions are skipped with the reason.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    $script:page = [Mman.MemoryMap]::PageSize
    $script:noProc = if ($null -eq (Get-ProcStatusPath)) { 'this system has no /proc/<pid>/status to read VmLck from (real Windows, macOS)' }
    $script:limitSkip = if (-not $IsLinux) { 'RLIMIT_MEMLOCK and CAP_IPC_LOCK are Linux''s; Windows has the working-set quota instead (see its context)' }
        elseif (-not (Get-Command prlimit -CommandType Application -ErrorAction Ignore)) { 'prlimit (util-linux) is not installed' }
        elseif (-not (Get-Command setpriv -CommandType Application -ErrorAction Ignore)) { 'setpriv (util-linux) is not installed' }
}

Describe 'Lock-MemoryMap' -Tag CI {
    Context 'When locking a whole file map' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/whole.bin" -Length 10000
            $map = New-MemoryMap -Path $file
            $expected = Get-LockedSpan $map -Offset 0 -Count 10000
            $before = Get-LockedMemory
            $output = Lock-MemoryMap $map
            $after = Get-LockedMemory
            $smaps = Get-MappingLockedMemory -Address $map.Address.ToInt64() -Length $map.Size
            $lockedBytes = $map.LockedBytes
            $firstByte = (Read-MemoryMap $map -Offset 0 -Count 1)[0]
            Close-MemoryMap $map
            $afterClose = Get-LockedMemory
        }

        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should raise VmLck by the map rounded up to whole pages' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after - $before | Should -Be $expected
        }
        It 'Should show the lock in the smaps Locked line of the mapping' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $smaps | Should -Be $expected
        }
        It 'Should report the locked pages in LockedBytes' {
            $lockedBytes | Should -Be $expected
        }
        It 'Should leave the contents readable' {
            $firstByte | Should -Be (Get-PatternByte 0)
        }
        It 'Should release the lock when the map is closed' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $afterClose | Should -Be $before
        }
    }

    Context 'When locking a range with -Offset and -Count' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/range.bin" -Length (8 * $page)
            # -Offset 3: the map starts 3 bytes into its first page, so the range's pages are counted
            # from the mapping's start, not the map's.
            $map = New-MemoryMap -Path $file -Offset 3
            $offset = $page - 10
            $expected = Get-LockedSpan $map -Offset $offset -Count 20
            $before = Get-LockedMemory
            $passThru = Lock-MemoryMap $map -Offset $offset -Count 20 -PassThru
            $after = Get-LockedMemory
            $smaps = Get-MappingLockedMemory -Address $map.Address.ToInt64() -Length $map.Size
            $again = Lock-MemoryMap $map -Offset $offset -Count 20 -PassThru
            $afterAgain = Get-LockedMemory
            $listView = ($map | Format-List | Out-String)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should lock the two pages the range touches' {
            $expected | Should -Be (2 * $page)
        }
        It 'Should raise VmLck by those pages' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after - $before | Should -Be $expected
        }
        It 'Should show them in smaps' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $smaps | Should -Be $expected
        }
        It 'Should emit the map with -PassThru' {
            $passThru | Should -Be $map
        }
        It 'Should count them in LockedBytes' {
            $passThru.LockedBytes | Should -Be $expected
        }
        It 'Should not count a page twice when it is locked again' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $afterAgain | Should -Be $after
            $again.LockedBytes | Should -Be $expected
        }
        It 'Should show LockedBytes in the list view' {
            $listView | Should -Match "LockedBytes\s*:\s*$expected"
        }
    }

    Context 'When maps come through the pipeline' {
        BeforeAll {
            $first = New-MemoryMap -Size (2 * $page)
            $second = New-MemoryMap -Size (3 * $page)
            $before = Get-LockedMemory
            $first, $second | Lock-MemoryMap
            $after = Get-LockedMemory
        }
        AfterAll {
            Close-MemoryMap $first, $second
        }

        It 'Should lock each map' {
            $first.LockedBytes | Should -Be (2 * $page)
            $second.LockedBytes | Should -Be (3 * $page)
        }
        It 'Should raise VmLck by both' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after - $before | Should -Be (5 * $page)
        }
    }

    Context 'When locking through a view' {
        BeforeAll {
            $parent = New-MemoryMap -Size (8 * $page)
            $view = New-MemoryMap -InputObject $parent -Offset (2 * $page) -Size (3 * $page)
            $before = Get-LockedMemory
            Lock-MemoryMap $view
            $parentLocked = $parent.LockedBytes
            $viewLocked = $view.LockedBytes
            $after = Get-LockedMemory
            Close-MemoryMap $view
            $afterViewClose = Get-LockedMemory
            $parentAfterViewClose = $parent.LockedBytes
        }
        AfterAll {
            Close-MemoryMap $parent
        }

        It 'Should report the pages in the view' {
            $viewLocked | Should -Be (3 * $page)
        }
        It 'Should report them in the parent, whose memory they are' {
            $parentLocked | Should -Be (3 * $page)
        }
        It 'Should raise VmLck by the view' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after - $before | Should -Be (3 * $page)
        }
        It 'Should unlock them when the view is closed' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $afterViewClose | Should -Be $before
        }
        It 'Should report nothing locked in the parent after the view is closed' {
            $parentAfterViewClose | Should -Be 0
        }
    }

    Context 'When a view closes while its parent holds a lock on the same pages' {
        BeforeAll {
            $parent = New-MemoryMap -Size (4 * $page)
            $view = New-MemoryMap -InputObject $parent -Offset 0 -Size (2 * $page)
            $before = Get-LockedMemory
            Lock-MemoryMap $parent -Count $page
            Lock-MemoryMap $view
            Close-MemoryMap $view
            $after = Get-LockedMemory
            $smaps = Get-MappingLockedMemory -Address $parent.Address.ToInt64() -Length $parent.Size
            $parentLocked = $parent.LockedBytes
            Close-MemoryMap $parent
            $afterClose = Get-LockedMemory
        }

        It 'Should keep the page the parent locked' {
            $parentLocked | Should -Be $page
        }
        It 'Should keep it locked for the kernel' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after - $before | Should -Be $page
            $smaps | Should -Be $page
        }
        It 'Should release it when the parent closes' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $afterClose | Should -Be $before
        }
    }

    Context 'When -WhatIf is used' {
        BeforeAll {
            $map = New-MemoryMap -Size (4 * $page)
            $before = Get-LockedMemory
            $output = Lock-MemoryMap $map -WhatIf -PassThru
            $after = Get-LockedMemory
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should lock nothing' {
            $map.LockedBytes | Should -Be 0
        }
        It 'Should leave VmLck as it was' {
            if ($noProc) { Set-ItResult -Skipped -Because $noProc; return }
            $after | Should -Be $before
        }
        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
    }

    Context 'When the map or range is wrong' {
        BeforeAll {
            $closed = New-MemoryMap -Size 100
            Close-MemoryMap $closed
            $map = New-MemoryMap -Size 100
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse a closed map with MapClosed' {
            { Lock-MemoryMap $closed -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.LockMemoryMapCommand'
        }
        It 'Should refuse a closed map under -WhatIf too' {
            { Lock-MemoryMap $closed -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.LockMemoryMapCommand'
        }
        It 'Should refuse a range outside the map with RangeOutsideMap' {
            $record = Get-ErrorRecord { Lock-MemoryMap $map -Offset 50 -Count 51 -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -Be 'RangeOutsideMap,Mman.Commands.LockMemoryMapCommand'
            $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should refuse a range outside the map under -WhatIf too' {
            { Lock-MemoryMap $map -Offset 101 -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'RangeOutsideMap,Mman.Commands.LockMemoryMapCommand'
        }
        It 'Should refuse a negative offset with OffsetNegative' {
            { Lock-MemoryMap $map -Offset -1 -ErrorAction Stop } | Should -Throw -ErrorId 'OffsetNegative,Mman.Commands.LockMemoryMapCommand'
        }
        It 'Should lock nothing after refusing' {
            $map.LockedBytes | Should -Be 0
        }
        It 'Should accept an empty range at the end and lock nothing' {
            Lock-MemoryMap $map -Offset 100 -ErrorAction Stop
            $map.LockedBytes | Should -Be 0
        }
    }

    Context 'When locking on Windows, which locks within the minimum working set' {
        BeforeAll {
            $windowsSkip = if (-not $IsWindows) { 'the working-set quota is Windows''s; Linux and macOS have RLIMIT_MEMLOCK (see its context)' }
            if (-not $windowsSkip) {
                # The working set as the system reports it, read without Mman.
                Add-Type -Namespace MmanTest -Name WorkingSet -MemberDefinition @'
[DllImport("kernel32.dll", SetLastError = true)]
public static extern bool GetProcessWorkingSetSizeEx(IntPtr process, out UIntPtr minimum, out UIntPtr maximum, out uint flags);
[DllImport("kernel32.dll")]
public static extern IntPtr GetCurrentProcess();
'@
                function script:Get-MinimumWorkingSet {
                    $minimum = [UIntPtr]::Zero; $maximum = [UIntPtr]::Zero; $flags = [uint32]0
                    $null = [MmanTest.WorkingSet]::GetProcessWorkingSetSizeEx([MmanTest.WorkingSet]::GetCurrentProcess(), [ref]$minimum, [ref]$maximum, [ref]$flags)
                    return [long][uint64]$minimum
                }
                $map = New-MemoryMap -Size (256 * $page)
                $minimumBefore = Get-MinimumWorkingSet
                $lockError = Get-ErrorRecord { Lock-MemoryMap $map -ErrorAction Stop }
                $minimumLocked = Get-MinimumWorkingSet
                $lockedBytes = $map.LockedBytes
                Unlock-MemoryMap $map
                $minimumAfter = Get-MinimumWorkingSet
                Lock-MemoryMap $map -Count $page
                Close-MemoryMap $map
                $minimumAfterClose = Get-MinimumWorkingSet
                $wine = Test-WineHost
            }
        }

        It 'Should lock 1 MiB (with 4 KiB pages) without error' {
            if ($windowsSkip) { Set-ItResult -Skipped -Because $windowsSkip; return }
            $lockError | Should -BeNullOrEmpty
            $lockedBytes | Should -Be (256 * $page)
        }
        It 'Should raise the minimum working set by the locked bytes' {
            if ($windowsSkip) { Set-ItResult -Skipped -Because $windowsSkip; return }
            if ($wine -and $minimumLocked -eq $minimumBefore) { Set-ItResult -Skipped -Because "Wine reports a fixed minimum working set ($minimumBefore bytes) whatever SetProcessWorkingSetSizeEx sets, and enforces no quota; real Windows does"; return }
            $minimumLocked - $minimumBefore | Should -BeGreaterOrEqual (256 * $page)
        }
        It 'Should put the minimum back once nothing is locked' {
            if ($windowsSkip) { Set-ItResult -Skipped -Because $windowsSkip; return }
            $minimumAfter | Should -Be $minimumBefore
        }
        It 'Should put the minimum back when the last locked map is closed' {
            if ($windowsSkip) { Set-ItResult -Skipped -Because $windowsSkip; return }
            $minimumAfterClose | Should -Be $minimumBefore
        }
    }

    Context 'When the lock passes RLIMIT_MEMLOCK (a child without CAP_IPC_LOCK, limit 64 KiB)' {
        BeforeAll {
            if (-not $limitSkip) {
                $script = @'
function VmLck { [long]((Get-Content /proc/self/status | Where-Object { $_ -like 'VmLck:*' }) -replace '\D', '') * 1024 }
$map = New-MemoryMap -Size 1MB
try { Lock-MemoryMap $map -WhatIf } catch { "WHATIF $($_.FullyQualifiedErrorId)" }
try { Lock-MemoryMap $map } catch { "ID $($_.FullyQualifiedErrorId)"; "CATEGORY $($_.CategoryInfo.Category)"; "MESSAGE $($_.Exception.Message)"; "ADVICE $($_.ErrorDetails.RecommendedAction)" }
"AFTERFAIL $(VmLck) $($map.LockedBytes)"
Lock-MemoryMap $map -Count 16KB
"WITHIN $(VmLck) $($map.LockedBytes)"
$second = New-MemoryMap -Size 64KB
try { Lock-MemoryMap $second } catch { "SECOND $($_.FullyQualifiedErrorId)"; "SECONDMESSAGE $($_.Exception.Message)" }
# The call itself past the limit, without the check before it (through the internal mapper, as
# Lock-MemoryMap would if the limit could not be foreseen): mlock's own errno becomes the same error.
$mapper = [Mman.MemoryMap].Assembly.GetType('Mman.NativeMapper').GetProperty('Current', [Reflection.BindingFlags]'NonPublic, Static').GetValue($null)
$third = New-MemoryMap -Size 1MB
try { $mapper.GetType().GetMethod('LockPages', [Reflection.BindingFlags]'NonPublic, Instance').Invoke($mapper, @($third.Address, [long]1MB, [long]1MB)); "DIRECT none" }
catch { $inner = $_.Exception.InnerException; "DIRECT $($inner.Error) $($inner.NativeErrorName)"; "DIRECTMESSAGE $($inner.Message)" }
"ALIVE"
'@
                # Root holds CAP_IPC_LOCK, which the limit does not bind: setpriv drops it from the child
                # (from the bounding set too, or exec would give it back). Other users have no such
                # capability, and may not change the bounding set.
                $dropCapability = if ((& id -u) -eq '0') { @('setpriv', '--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', '--') } else { @() }
                $process = Start-ChildPwsh -Script $script -FileName prlimit `
                    -PrefixArgument (@('--memlock=65536:65536') + $dropCapability)
                $result = Wait-ChildPwsh -Process $process
                $lines = $result.Output
                function script:Get-Value([string] $Key) { ($lines | Where-Object { $_ -like "$Key *" } | Select-Object -First 1) -replace "^$Key ", '' }
            }
        }

        It 'Should end the child normally' {

            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            $result.Crashed | Should -BeFalse -Because $result.ErrorText
            $lines | Should -Contain 'ALIVE'
        }
        It 'Should refuse 1 MiB with LockLimitExceeded' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'ID' | Should -Be 'LockLimitExceeded,Mman.Commands.LockMemoryMapCommand'
        }
        It 'Should refuse it under -WhatIf too (foreseen from getrlimit and VmLck)' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'WHATIF' | Should -Be 'LockLimitExceeded,Mman.Commands.LockMemoryMapCommand'
        }
        It 'Should be a ResourceUnavailable error' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'CATEGORY' | Should -Be 'ResourceUnavailable'
        }
        It 'Should name the limit, its value and how to raise it' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            $message = Get-Value 'MESSAGE'
            $message | Should -Match 'RLIMIT_MEMLOCK'
            $message | Should -Match '65536 bytes'
            $message | Should -Match 'ulimit -l'
            $message | Should -Match 'limits\.conf'
            $message | Should -Match 'LimitMEMLOCK'
            $message | Should -Match 'CAP_IPC_LOCK'
        }
        It 'Should advise a smaller range' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'ADVICE' | Should -Match '-Offset and -Count'
        }
        It 'Should lock nothing when refused' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'AFTERFAIL' | Should -Be '0 0'
        }
        It 'Should lock a range within the limit' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'WITHIN' | Should -Be "$(16KB) $(16KB)"
        }
        It 'Should turn mlock''s own ENOMEM past the limit into LockLimitExceeded' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'DIRECT' | Should -Be 'LockLimitExceeded ENOMEM'
            Get-Value 'DIRECTMESSAGE' | Should -Match 'RLIMIT_MEMLOCK.*65536 bytes.*mlock failed with ENOMEM|mlock failed with ENOMEM.*65536 bytes'
        }
        It 'Should count what is locked already against the limit' {
            if ($limitSkip) { Set-ItResult -Skipped -Because $limitSkip; return }
            Get-Value 'SECOND' | Should -Be 'LockLimitExceeded,Mman.Commands.LockMemoryMapCommand'
            Get-Value 'SECONDMESSAGE' | Should -Match '16384 bytes are locked already'
        }
    }
}
