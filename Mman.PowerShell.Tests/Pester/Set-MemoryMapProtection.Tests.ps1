BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
}

Describe 'Set-MemoryMapProtection' -Tag CI {
    Context 'When protection changes allow and then forbid writes' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096 -Protection Read
            Set-MemoryMapProtection $map Read, Write
            Write-MemoryMap $map -Data 1, 2, 3
            $afterWrite = $map.Protection
            Set-MemoryMapProtection -Map $map -Protection Read
            $err = Get-ErrorRecord { Write-MemoryMap $map -Data 9, 9, 9 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should report Read,Write after allowing writes' {
            $afterWrite | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should have let the write through' {
            (Read-MemoryMap $map -Count 3) | Should -Be @(1, 2, 3)
        }
        It 'Should report Read after forbidding writes' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should refuse the write with MapNotWritable' {
            $err.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should report PermissionDenied' {
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should say the mapping is not writable' {
            $err.Exception.Message | Should -BeLike 'Mapping is not writable*'
        }
        It 'Should leave the bytes as they were' {
            (Read-MemoryMap $map -Count 3) | Should -Be @(1, 2, 3)
        }
        It 'Should stay valid after the error' {
            $map.IsValid | Should -BeTrue
        }
        It 'Should allow writes again after Read,Write' {
            Set-MemoryMapProtection $map Read, Write
            Write-MemoryMap $map -Data 4 -Offset 3
            (Read-MemoryMap $map -Count 4) | Should -Be @(1, 2, 3, 4)
        }
    }

    Context 'When protection is None' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Write-MemoryMap $map -Data 5, 6
            Set-MemoryMapProtection $map None
            $readError = Get-ErrorRecord { Read-MemoryMap $map -Count 2 -ErrorAction Stop }
            $writeError = Get-ErrorRecord { Write-MemoryMap $map -Data 1 -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should report None' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]::None)
        }
        It 'Should refuse reads with MapNotReadable' {
            $readError.FullyQualifiedErrorId | Should -Be 'MapNotReadable,Mman.Commands.ReadMemoryMapCommand'
        }
        It 'Should report PermissionDenied for the read' {
            $readError.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should say the mapping is not readable' {
            $readError.Exception.Message | Should -BeLike 'Mapping is not readable*'
        }
        It 'Should refuse writes with MapNotWritable' {
            $writeError.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should read the old bytes once Read is restored' {
            Set-MemoryMapProtection $map Read
            (Read-MemoryMap $map -Count 2) | Should -Be @(5, 6)
        }
    }

    Context 'When a shared file map was created with Read only' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/readonly.bin" -Length 4096
            $map = New-MemoryMap -Path $file
            $err = Get-ErrorRecord { Set-MemoryMapProtection $map Read, Write -ErrorAction Stop }
            $output = Set-MemoryMapProtection $map Read, Write -PassThru -ErrorAction SilentlyContinue
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with ProtectionDenied' {
            { Set-MemoryMapProtection $map Read, Write -ErrorAction Stop } | Should -Throw -ErrorId 'ProtectionDenied,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should report PermissionDenied' {
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should explain that the file was opened read-only' {
            $err.Exception.Message | Should -BeLike '*opened read-only*'
        }
        It 'Should emit nothing with -PassThru on failure' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should keep the Read protection' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should stay readable' {
            (Read-MemoryMap $map -Offset 1 -Count 1) | Should -Be @(Get-PatternByte 1)
        }
    }

    Context 'When a shared file map created with Read,Write loses and regains Write' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/readwrite.bin" -Length 4096
            $map = New-MemoryMap -Path $file -Protection Read, Write
            Set-MemoryMapProtection $map Read
            $err = Get-ErrorRecord { Write-MemoryMap $map -Data 0xEE -ErrorAction Stop }
            Set-MemoryMapProtection $map Read, Write
            Write-MemoryMap $map -Data 0xEF -Offset 1
            Sync-MemoryMap $map
            $fileBytes = Get-FileBytes $file
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should refuse the write while Read only' {
            $err.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should not put the refused write in the file' {
            $fileBytes[0] | Should -Be (Get-PatternByte 0)
        }
        It 'Should put the later write in the file' {
            $fileBytes[1] | Should -Be 0xEF
        }
    }

    Context 'When a private file map created with Read gains Write' {
        BeforeAll {
            $file = New-TestFile -Path "$TestDrive/private.bin" -Length 4096
            $map = New-MemoryMap -Path $file -Sharing Private
            Set-MemoryMapProtection $map Read, Write
            Write-MemoryMap $map -Data 0xEE
            $fileBytes = [IO.File]::ReadAllBytes($file)
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should report Read,Write' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should read its own write' {
            (Read-MemoryMap $map -Count 1) | Should -Be @(0xEE)
        }
        It 'Should not change the file' {
            $fileBytes[0] | Should -Be (Get-PatternByte 0)
        }
    }

    Context 'When adding Execute' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Set-MemoryMapProtection $map Read, Execute
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should report Read,Execute' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Execute')
        }
        It 'Should stay readable' {
            (Read-MemoryMap $map -Count 1) | Should -Be @(0)
        }
    }

    Context 'When the protection is Write and Execute at once' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $err = Get-ErrorRecord { Set-MemoryMapProtection $map Read, Write, Execute -ErrorAction Stop }
            $protectionAfterRefusal = $map.Protection
            Set-MemoryMapProtection $map Read, Write, Execute -AllowWriteExecute
            Write-MemoryMap $map -Data 0x90
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with WriteExecuteRefused' {
            $err.FullyQualifiedErrorId | Should -Be 'WriteExecuteRefused,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should report SecurityError' {
            $err.CategoryInfo.Category | Should -Be 'SecurityError'
        }
        It 'Should point to -AllowWriteExecute' {
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*-AllowWriteExecute*'
        }
        It 'Should keep the old protection after the refusal' {
            $protectionAfterRefusal | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should refuse Write,Execute without Read too' {
            { Set-MemoryMapProtection $map Write, Execute -ErrorAction Stop } | Should -Throw -ErrorId 'WriteExecuteRefused,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should apply Read,Write,Execute with -AllowWriteExecute' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write, Execute')
        }
        It 'Should stay writable with -AllowWriteExecute' {
            (Read-MemoryMap $map -Count 1) | Should -Be @(0x90)
        }
    }

    Context 'When using -PassThru and the pipeline' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $second = New-MemoryMap -Size 4096
            $withPassThru = @(Set-MemoryMapProtection $map Read -PassThru)
            $without = Set-MemoryMapProtection $map Read, Write
            $piped = @($map, $second | Set-MemoryMapProtection -Protection Read -PassThru)
        }
        AfterAll {
            Close-MemoryMap $map, $second
        }

        It 'Should emit the same map with -PassThru' {
            $withPassThru.Id | Should -Be @($map.Id)
        }
        It 'Should emit nothing without -PassThru' {
            $without | Should -BeNullOrEmpty
        }
        It 'Should emit each piped map' {
            $piped.Id | Should -Be @($map.Id, $second.Id)
        }
        It 'Should change each piped map' {
            $second.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
    }

    Context 'When using -WhatIf' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $output = Set-MemoryMapProtection $map None -PassThru -WhatIf
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should leave the protection unchanged' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should leave the map writable' {
            Write-MemoryMap $map -Data 3
            (Read-MemoryMap $map -Count 1) | Should -Be @(3)
        }
        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
    }

    Context 'When the protection has bits that are not a protection' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            $invalid = [Enum]::ToObject([Mman.MemoryProtection], 8)
            $err = Get-ErrorRecord { Set-MemoryMapProtection $map $invalid -ErrorAction Stop }
        }
        AfterAll {
            Close-MemoryMap $map
        }

        It 'Should fail with ProtectionInvalid' {
            $err.FullyQualifiedErrorId | Should -Be 'ProtectionInvalid,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should name the bad value' {
            $err.Exception.Message | Should -BeLike 'Protection 8 is not a combination of None, Read, Write and Execute*'
        }
        It 'Should keep the old protection' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
    }

    Context 'When the map is closed' {
        BeforeAll {
            $map = New-MemoryMap -Size 4096
            Close-MemoryMap $map
            $err = Get-ErrorRecord { Set-MemoryMapProtection $map Read -ErrorAction Stop }
        }

        It 'Should fail with MapClosed' {
            { Set-MemoryMapProtection $map Read -ErrorAction Stop } | Should -Throw -ErrorId 'MapClosed,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should report InvalidOperation' {
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }
        It 'Should say the mapping is closed' {
            $err.Exception.Message | Should -BeLike 'Mapping is closed*'
        }
    }
}
