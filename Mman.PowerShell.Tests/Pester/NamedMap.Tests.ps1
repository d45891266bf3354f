# Named shared memory: New-MemoryMap -Name, Remove-MemoryMap and Get-MemoryMap -Name. On Linux the object
# is the file /dev/shm/<name>, so the tests look there for its size, mode and existence. Every name starts
# with this file's prefix, and the last test checks that none is left behind.

BeforeDiscovery {
    # Names no system accepts here, the reason the message must give, and a label for the test name.
    $invalidNames = @(
        @{ Label = '256 ASCII bytes'; Name = 'n' * 256; Why = 'it is 256 bytes in UTF-8, and Linux allows at most 255' }
        @{ Label = '128 characters of 2 UTF-8 bytes each'; Name = [string]::new([char]0xE9, 128); Why = 'it is 256 bytes in UTF-8' }
        @{ Label = 'a slash inside'; Name = 'mman-test/x'; Why = "must not contain '/'" }
        @{ Label = 'a leading slash'; Name = '/mman-test-x'; Why = "leave out the leading '/'" }
        @{ Label = 'a backslash'; Name = 'mman-test\x'; Why = "must not contain '\'" }
        @{ Label = 'the Windows prefix Local\'; Name = 'Local\mman-test-x'; Why = 'Local\ and Global\ are Windows namespaces' }
        @{ Label = 'the Windows prefix Global\'; Name = 'Global\mman-test-x'; Why = 'Local\ and Global\ are Windows namespaces' }
        @{ Label = '.'; Name = '.'; Why = "'.' and '..' name folders" }
        @{ Label = '..'; Name = '..'; Why = "'.' and '..' name folders" }
        @{ Label = 'sem.x (where Linux keeps semaphores)'; Name = 'sem.x'; Why = "start with 'sem.'" }
        @{ Label = 'a line break'; Name = "mman-test`nx"; Why = 'control characters' }
        @{ Label = 'a NUL character'; Name = "mman-test`0x"; Why = 'control characters' }
        @{ Label = 'a tab'; Name = "mman-test`tx"; Why = 'control characters' }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }
    $script:prefix = "mman-test-$PID-named-"
    $script:isRoot = (& id -u) -eq '0'
    $script:dirMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'

    function Get-ShmPath([string] $Name) { "/dev/shm/$Name" }

    function Get-ShmListing {
        # The names of this file's objects in /dev/shm now.
        @(Get-ChildItem -LiteralPath /dev/shm -Filter "$($script:prefix)*" -ErrorAction Ignore | ForEach-Object Name | Sort-Object)
    }

    function Get-ShmUse([string] $Name) {
        # How many mappings and descriptors of this process refer to the object: "<mappings> <descriptors>".
        $path = Get-ShmPath $Name
        $mapped = @([IO.File]::ReadAllLines('/proc/self/maps') | Where-Object { $_.EndsWith(' ' + $path) -or $_.EndsWith(' ' + $path + ' (deleted)') }).Count
        $open = 0
        foreach ($fd in [IO.Directory]::GetFileSystemEntries('/proc/self/fd')) {
            try { if ([IO.FileInfo]::new($fd).LinkTarget -in $path, "$path (deleted)") { $open++ } } catch { }
        }
        "$mapped $open"
    }
}

Describe 'Named shared memory' -Tag CI {
    Context 'When creating a named map with -Size' {
        BeforeAll {
            $name = $script:prefix + 'create'
            $before = @((Get-MemoryMap).Id)
            $map = New-MemoryMap -Name $name -Size 10000
            $item = Get-Item -LiteralPath (Get-ShmPath $name)
            $use = Get-ShmUse $name
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should emit a MemoryMap' {
            $map | Should -BeOfType ([Mman.MemoryMap])
        }
        It 'Should be of kind Named' {
            $map.Kind | Should -Be ([Mman.MemoryMapKind]::Named)
        }
        It 'Should have the name given' {
            $map.Name | Should -Be $name
        }
        It 'Should have no path' {
            $map.Path | Should -BeNullOrEmpty
        }
        It 'Should have file offset 0' {
            $map.FileOffset | Should -Be 0
        }
        It 'Should not be a view' {
            $map.Parent | Should -BeNullOrEmpty
        }
        It 'Should have the size asked for' {
            $map.Size | Should -Be 10000
        }
        It 'Should default to Read,Write protection' {
            $map.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should default to Shared sharing' {
            $map.Sharing | Should -Be ([Mman.MapSharing]::Shared)
        }
        It 'Should be valid' {
            $map.IsValid | Should -BeTrue
        }
        It 'Should be zero-filled' {
            @((Read-MemoryMap $map) | Where-Object { $_ -ne 0 }).Count | Should -Be 0
        }
        It 'Should create the object in /dev/shm with that size' {
            $item.Length | Should -Be 10000
        }
        It 'Should create it for its owner only (mode 0600)' {
            $item.UnixMode | Should -Be '-rw-------'
        }
        It 'Should map the object once and keep one descriptor of it (to check its length)' {
            $use | Should -Be '1 1'
        }
        It 'Should say its kind and name in the description' {
            $map.ToString() | Should -Be "MemoryMap $($map.Id): Named $name, 10000 bytes, Read, Write, Shared"
        }
        It 'Should be listed by Get-MemoryMap' {
            (Get-MemoryMap).Id | Should -Contain $map.Id
            $before | Should -Not -Contain $map.Id
        }
    }

    Context 'When a second map opens the same name' {
        BeforeAll {
            $name = $script:prefix + 'second'
            $first = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $first -Data 1, 2, 3, 4 -Offset 100
            $second = New-MemoryMap -Name $name
            $sameSize = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $second -Data 0xA0, 0xA1 -Offset 8190
            $seenBySecond = Read-MemoryMap $second -Offset 100 -Count 4
            $seenByFirst = Read-MemoryMap $first -Offset 8190 -Count 2
            $seenBySameSize = Read-MemoryMap $sameSize -Offset 100 -Count 4
            $mode = (Get-Item -LiteralPath (Get-ShmPath $name)).UnixMode
        }
        AfterAll {
            Close-MemoryMap $first, $second, $sameSize
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should take the size of the object when -Size is not given' {
            $second.Size | Should -Be 8192
        }
        It 'Should be another mapping (another address)' {
            $second.Address | Should -Not -Be $first.Address
        }
        It 'Should see what the first map wrote' {
            $seenBySecond | Should -Be @(1, 2, 3, 4)
        }
        It 'Should show its own writes to the first map' {
            $seenByFirst | Should -Be @(0xA0, 0xA1)
        }
        It 'Should open, not recreate, the object when -Size is its size' {
            $seenBySameSize | Should -Be @(1, 2, 3, 4)
        }
        It 'Should leave the mode of the object alone' {
            $mode | Should -Be '-rw-------'
        }
        It 'Should list every map of the name with Get-MemoryMap -Name' {
            @(Get-MemoryMap -Name $name).Id | Should -Be @($first.Id, $second.Id, $sameSize.Id)
        }
    }

    Context 'When another process opens the name' {
        BeforeAll {
            $name = $script:prefix + 'child'
            $map = New-MemoryMap -Name $name -Size 4096
            Write-MemoryMap $map -Text 'from the parent' -Offset 10
            $run = Invoke-ChildPwshResult -Script ((Get-CasePrelude) + ("`n`$shmName = {0}`n" -f (Quote $name)) + @'
$map = New-MemoryMap -Name $shmName
Out-Case kind { "$($map.Kind) $($map.Size) $($map.Name -eq $shmName)" }
Out-Case read { Read-MemoryMap $map -Offset 10 -Count 15 -AsString }
Out-Case write { Write-MemoryMap $map -Text 'from the child' -Offset 2000 }
Close-MemoryMap $map
'@)
            $cases = ConvertFrom-CaseLine $run.Output
            $fromChild = Read-MemoryMap $map -Offset 2000 -Count 14 -AsString
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should run the child normally' {
            $run.ExitCode | Should -Be 0 -Because "$($run.Output -join ' | ') $($run.ErrorText)"
        }
        It 'Should open a Named map of the object''s size in the child' {
            $cases['kind'] | Should -Be 'OK Named 4096 True'
        }
        It 'Should let the child read what this process wrote' {
            $cases['read'] | Should -Be 'OK from the parent'
        }
        It 'Should let this process read what the child wrote' {
            $fromChild | Should -Be 'from the child'
        }
        It 'Should keep the object after the child closed its map and exited' {
            Test-Path -LiteralPath (Get-ShmPath $name) | Should -BeTrue
        }
    }

    Context 'When a process with umask 022 creates objects, with and without -AllowOtherUsers' {
        BeforeAll {
            $ownerOnly = $script:prefix + 'umask-owner'
            $everyone = $script:prefix + 'umask-everyone'
            # sh sets the umask, then becomes the child pwsh.
            $process = Start-ChildPwsh -FileName sh -PrefixArgument '-c', 'umask 022; exec "$@"', 'sh' `
                -Script ((Get-CasePrelude) + ("`n`$ownerOnly = {0}; `$everyone = {1}`n" -f (Quote $ownerOnly), (Quote $everyone)) + @'
Out-Case umask { & sh -c umask }
Out-Case owner-only { $map = New-MemoryMap -Name $ownerOnly -Size 4096; Write-MemoryMap $map -Data 11 -Offset 4095; Close-MemoryMap $map }
Out-Case everyone { $map = New-MemoryMap -Name $everyone -Size 4096 -AllowOtherUsers; Write-MemoryMap $map -Data 22 -Offset 4095; Close-MemoryMap $map }
'@)
            $run = Wait-ChildPwsh -Process $process -TimeoutSeconds 60
            $cases = ConvertFrom-CaseLine $run.Output
            $ownerOnlyMode = (Get-Item -LiteralPath (Get-ShmPath $ownerOnly)).UnixMode
            $everyoneMode = (Get-Item -LiteralPath (Get-ShmPath $everyone)).UnixMode
            $ownerOnlyMap = New-MemoryMap -Name $ownerOnly
            $everyoneMap = New-MemoryMap -Name $everyone
        }
        AfterAll {
            Close-MemoryMap $ownerOnlyMap, $everyoneMap
            Remove-MemoryMap -Name $ownerOnly, $everyone -ErrorAction Ignore
        }

        It 'Should run the child normally' {
            $run.ExitCode | Should -Be 0 -Because "$($run.Output -join ' | ') $($run.ErrorText)"
        }
        It 'Should run the child with umask 022' {
            $cases['umask'] | Should -Be 'OK 0022'
        }
        It 'Should create both objects' {
            $cases['owner-only'] | Should -Be 'OK'
            $cases['everyone'] | Should -Be 'OK'
        }
        It 'Should give the owner-only object mode 0600' {
            $ownerOnlyMode | Should -Be '-rw-------'
        }
        It 'Should give the -AllowOtherUsers object mode 0666 despite the umask' {
            $everyoneMode | Should -Be '-rw-rw-rw-'
        }
        It 'Should keep what the child wrote after it exited' {
            (Read-MemoryMap $ownerOnlyMap -Offset 4095 -Count 1)[0] | Should -Be 11
            (Read-MemoryMap $everyoneMap -Offset 4095 -Count 1)[0] | Should -Be 22
        }
    }

    Context 'When the name is <Label>' -ForEach $invalidNames {
        BeforeAll {
            $listing = Get-ShmListing
            $maps = @((Get-MemoryMap).Id)
            $err = Get-ErrorRecord { New-MemoryMap -Name $Name -Size 4096 -ErrorAction Stop }
            $openErr = Get-ErrorRecord { New-MemoryMap -Name $Name -ErrorAction Stop }
            $removeErr = Get-ErrorRecord { Remove-MemoryMap -Name $Name -ErrorAction Stop }
        }

        It 'Should fail with NameInvalid' {
            $err.FullyQualifiedErrorId | Should -Be 'NameInvalid,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should say why' {
            $err.Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($Why))*"
        }
        It 'Should refuse it without -Size too' {
            $openErr.FullyQualifiedErrorId | Should -Be 'NameInvalid,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse it in Remove-MemoryMap' {
            $removeErr.FullyQualifiedErrorId | Should -Be 'NameInvalid,Mman.Commands.RemoveMemoryMapCommand'
        }
        It 'Should create nothing and open no map' {
            Get-ShmListing | Should -Be $listing
            @((Get-MemoryMap).Id) | Should -Be $maps
        }
    }

    Context 'When the name is empty or null' {
        It 'Should refuse an empty name when binding -Name, as PowerShell does for mandatory strings' {
            { New-MemoryMap -Name '' -Size 4096 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorEmptyStringNotAllowed,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse a null name when binding -Name' {
            { New-MemoryMap -Name $null -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should refuse an empty name in Remove-MemoryMap' {
            { Remove-MemoryMap -Name '' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Mman.Commands.RemoveMemoryMapCommand'
        }
        It 'Should refuse an empty name in the core API with NameInvalid' {
            $err = Get-ErrorRecord { [Mman.MemoryMap]::OpenNamed('', 4096) }
            $err.Exception.InnerException.Error | Should -Be ([Mman.MemoryMapError]::NameInvalid)
        }
    }

    Context 'When the name is 255 bytes, the most Linux allows' {
        BeforeAll {
            $name = $script:prefix + ('x' * (255 - $script:prefix.Length))
            $map = New-MemoryMap -Name $name -Size 4096
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should be 255 bytes long' {
            [Text.Encoding]::UTF8.GetByteCount($name) | Should -Be 255
        }
        It 'Should create the object' {
            Test-Path -LiteralPath (Get-ShmPath $name) | Should -BeTrue
        }
        It 'Should keep the whole name' {
            $map.Name | Should -Be $name
        }
    }

    Context 'When no object has the name' {
        BeforeAll {
            $name = $script:prefix + 'missing'
            $maps = @((Get-MemoryMap).Id)
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -ErrorAction Stop }
            $readErr = Get-ErrorRecord { New-MemoryMap -Name $name -Protection Read -ErrorAction Stop }
        }

        It 'Should fail with NamedMapNotFound' {
            $err.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should state the fact in the exception and say how to create it in the record' {
            $err.Exception.Message | Should -BeExactly "No shared memory named '$name' exists."
            $err.ErrorDetails.RecommendedAction | Should -BeLike "Create it with New-MemoryMap -Name '$name' -Size <bytes>*"
            "$err" | Should -BeExactly ($err.Exception.Message + ' ' + $err.ErrorDetails.RecommendedAction)
        }
        It 'Should name the object as the target' {
            $err.TargetObject | Should -Be $name
        }
        It 'Should fail the same way for a read-only open' {
            $readErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should not create the object' {
            Test-Path -LiteralPath (Get-ShmPath $name) | Should -BeFalse
        }
        It 'Should open no map' {
            @((Get-MemoryMap).Id) | Should -Be $maps
        }
    }

    Context 'When the object exists with another size' {
        BeforeAll {
            $name = $script:prefix + 'mismatch'
            $map = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $map -Data 7 -Offset 8191
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -Size 4096 -ErrorAction Stop }
            $length = (Get-Item -LiteralPath (Get-ShmPath $name)).Length
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should fail with NamedMapSizeMismatch' {
            $err.FullyQualifiedErrorId | Should -Be 'NamedMapSizeMismatch,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report InvalidArgument' {
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        It 'Should give both sizes' {
            $err.Exception.Message | Should -BeLike "Shared memory '$name' already exists with 8192 bytes, not 4096.*"
        }
        It 'Should leave the object its size' {
            $length | Should -Be 8192
        }
        It 'Should leave its bytes' {
            (Read-MemoryMap $map -Offset 8191 -Count 1)[0] | Should -Be 7
        }
    }

    Context 'When the object exists but has no size yet' {
        BeforeAll {
            $name = $script:prefix + 'empty'
            [IO.File]::Create((Get-ShmPath $name)).Dispose()
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -ErrorAction Stop }
            $watch.Stop()
            # What the message advises: open it with a size and Read,Write to set the size.
            $sized = New-MemoryMap -Name $name -Size 4096 -Protection Read, Write
            $length = (Get-Item -LiteralPath (Get-ShmPath $name)).Length
        }
        AfterAll {
            Close-MemoryMap $sized
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should fail with NamedMapEmpty' {
            $err.FullyQualifiedErrorId | Should -Be 'NamedMapEmpty,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should report ResourceUnavailable' {
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }
        It 'Should say how to give it a size' {
            "$err" | Should -BeLike "Shared memory '$name' exists but has no size*-Size <bytes> and -Protection Read,Write*"
        }
        It 'Should wait about a second for the creator to size it, not hang' {
            $watch.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 900
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        }
        It 'Should size it when opened with -Size and Read,Write' {
            $sized.Size | Should -Be 4096
            $length | Should -Be 4096
        }
    }

    Context 'When the operating system cannot map the size asked for' {
        BeforeAll {
            $name = $script:prefix + 'too-big'
            # 1 PiB is more than any 64-bit process can address.
            $err = Get-ErrorRecord { New-MemoryMap -Name $name -Size 1PB -ErrorAction Stop }
        }

        It 'Should fail with MapFailed' {
            $err.FullyQualifiedErrorId | Should -Be 'MapFailed,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should leave no half-made object behind' {
            Test-Path -LiteralPath (Get-ShmPath $name) | Should -BeFalse
        }
    }

    Context 'When another user opens objects of this one (a child pwsh as nobody)' {
        BeforeAll {
            $skip = $null
            if (-not $script:isRoot) { $skip = 'not running as root, so there is no other user to switch to' }
            elseif (-not (Get-Command setpriv -CommandType Application -ErrorAction Ignore)) { $skip = 'setpriv (util-linux) is not installed' }
            elseif (-not (& getent passwd nobody)) { $skip = 'there is no user nobody' }

            $secret = $script:prefix + 'secret'
            $open = $script:prefix + 'open'
            if (-not $skip) {
                $staged = New-NobodyStage -Folder $TestDrive -DirectoryMode $script:dirMode
                $stagedPwsh = $staged.Pwsh
                $stagedModule = $staged.ModulePath
                $nobodyHome = $staged.Home

                $secretMap = New-MemoryMap -Name $secret -Size 4096
                Write-MemoryMap $secretMap -Data 1, 2, 3, 4
                $openMap = New-MemoryMap -Name $open -Size 4096 -AllowOtherUsers
                Write-MemoryMap $openMap -Data 5, 6, 7, 8

                $process = Start-ChildPwsh -Pwsh $stagedPwsh -ModulePath (Join-Path $stagedModule 'Mman.psd1') `
                    -FileName setpriv -PrefixArgument '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--' `
                    -Environment @{ HOME = $nobodyHome; DOTNET_CLI_HOME = $nobodyHome; XDG_CACHE_HOME = $nobodyHome; XDG_DATA_HOME = $nobodyHome; XDG_CONFIG_HOME = $nobodyHome } `
                    -Script ((Get-CasePrelude) + ("`n`$secret = {0}; `$open = {1}`n" -f (Quote $secret), (Quote $open)) + @'
Out-Case whoami { [Environment]::UserName }
Out-Case secret.open { New-MemoryMap -Name $secret }
Out-Case secret.open-read { New-MemoryMap -Name $secret -Protection Read }
Out-Case secret.create-same { New-MemoryMap -Name $secret -Size 4096 }
Out-Case secret.category { try { New-MemoryMap -Name $secret } catch { "$($_.CategoryInfo.Category)" } }
Out-Case secret.message { try { New-MemoryMap -Name $secret } catch { "$_" } }
Out-Case secret.remove { Remove-MemoryMap -Name $secret }
Out-Case open.read { $map = New-MemoryMap -Name $open; (Read-MemoryMap $map -Count 4) -join ','; Close-MemoryMap $map }
Out-Case open.write { $map = New-MemoryMap -Name $open; Write-MemoryMap $map -Data 9, 9 -Offset 100; Close-MemoryMap $map }
'@)
                $run = Wait-ChildPwsh -Process $process -TimeoutSeconds 120
                $cases = ConvertFrom-CaseLine $run.Output
                if (-not $cases.ContainsKey('whoami')) {
                    $skip = "the staged pwsh could not start as nobody (exit code $($run.ExitCode)): $($run.ErrorText)"
                }
            }
            if ($skip) { Write-Host "Named-map permission tests as nobody skipped: $skip" }
        }
        AfterAll {
            if ($secretMap) { Close-MemoryMap $secretMap }
            if ($openMap) { Close-MemoryMap $openMap }
            Remove-MemoryMap -Name $secret, $open -ErrorAction Ignore
        }

        It 'Should run the child as nobody' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $run.ExitCode | Should -Be 0 -Because $run.ErrorText
            $cases['whoami'] | Should -Be 'OK nobody'
        }
        It 'Should give <Expected> for <Case>' -ForEach @(
            @{ Case = 'secret.open'; Expected = 'NamedMapAccessDenied,Mman.Commands.NewMemoryMapCommand' }
            @{ Case = 'secret.open-read'; Expected = 'NamedMapAccessDenied,Mman.Commands.NewMemoryMapCommand' }
            @{ Case = 'secret.create-same'; Expected = 'NamedMapAccessDenied,Mman.Commands.NewMemoryMapCommand' }
            @{ Case = 'secret.category'; Expected = 'OK PermissionDenied' }
            # /dev/shm is sticky (mode 1777): only the owner may remove an object.
            @{ Case = 'secret.remove'; Expected = 'NamedMapAccessDenied,Mman.Commands.RemoveMemoryMapCommand' }
            @{ Case = 'open.read'; Expected = 'OK 5,6,7,8' }
            @{ Case = 'open.write'; Expected = 'OK' }
        ) {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $cases[$Case] | Should -Be $Expected
        }
        It 'Should point to -AllowOtherUsers in the message' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $cases['secret.message'] | Should -BeLike "OK Shared memory '$secret' exists, but this user may not open it for writing.*-AllowOtherUsers*"
        }
        It 'Should leave the owner-only object in place, with its bytes' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            Test-Path -LiteralPath (Get-ShmPath $secret) | Should -BeTrue
            (Read-MemoryMap $secretMap -Count 4) | Should -Be @(1, 2, 3, 4)
        }
        It 'Should show here what the other user wrote to the -AllowOtherUsers object' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            (Read-MemoryMap $openMap -Offset 100 -Count 2) | Should -Be @(9, 9)
        }
    }

    Context 'When a map is opened without Write' {
        BeforeAll {
            $name = $script:prefix + 'read-only'
            $creator = New-MemoryMap -Name $name -Size 4096
            Write-MemoryMap $creator -Data 42
            $reader = New-MemoryMap -Name $name -Protection Read
            $writeErr = Get-ErrorRecord { Write-MemoryMap $reader -Data 1 -ErrorAction Stop }
            $protectErr = Get-ErrorRecord { Set-MemoryMapProtection $reader -Protection Read, Write -ErrorAction Stop }
            $readerAfter = $reader.Protection
            # The creator opened the object read-write, so it can drop Write and add it back.
            Set-MemoryMapProtection $creator -Protection Read
            Set-MemoryMapProtection $creator -Protection Read, Write
            Write-MemoryMap $creator -Data 43
            # A private map of a read-only open may be written: the writes stay in this map.
            $private = New-MemoryMap -Name $name -Protection Read -Sharing Private
            Set-MemoryMapProtection $private -Protection Read, Write
            Write-MemoryMap $private -Data 99 -Offset 1
        }
        AfterAll {
            Close-MemoryMap $creator, $reader, $private
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should map with Read' {
            $reader.Protection | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should read the object' {
            (Read-MemoryMap $reader -Count 1)[0] | Should -Be 43
        }
        It 'Should refuse writes with MapNotWritable' {
            $writeErr.FullyQualifiedErrorId | Should -Be 'MapNotWritable,Mman.Commands.WriteMemoryMapCommand'
        }
        It 'Should refuse to add Write with ProtectionDenied' {
            $protectErr.FullyQualifiedErrorId | Should -Be 'ProtectionDenied,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should report PermissionDenied' {
            $protectErr.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should say the object was opened read-only' {
            $protectErr.Exception.Message | Should -BeLike "*shared memory '$name' was opened read-only because the map was created without Write*"
        }
        It 'Should keep the read-only map at Read' {
            $readerAfter | Should -Be ([Mman.MemoryProtection]::Read)
        }
        It 'Should let the creator drop Write and add it back' {
            $creator.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
        }
        It 'Should let a private map add Write' {
            $private.Protection | Should -Be ([Mman.MemoryProtection]'Read, Write')
            (Read-MemoryMap $private -Offset 1 -Count 1)[0] | Should -Be 99
        }
        It 'Should keep the private write out of the object' {
            (Read-MemoryMap $creator -Offset 1 -Count 1)[0] | Should -Be 0
        }
    }

    Context 'When New-MemoryMap -Name is given -WhatIf' {
        BeforeAll {
            $name = $script:prefix + 'whatif'
            $existing = $script:prefix + 'whatif-existing'
            $existingMap = New-MemoryMap -Name $existing -Size 4096
            $before = @((Get-MemoryMap).Id)
            $output = New-MemoryMap -Name $name -Size 4096 -WhatIf
            $openOutput = New-MemoryMap -Name $existing -WhatIf
            $after = @((Get-MemoryMap).Id)
        }
        AfterAll {
            Close-MemoryMap $existingMap
            Remove-MemoryMap -Name $existing -ErrorAction Ignore
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
            $openOutput | Should -BeNullOrEmpty
        }
        It 'Should create no object' {
            Test-Path -LiteralPath (Get-ShmPath $name) | Should -BeFalse
        }
        It 'Should open no map' {
            $after | Should -Be $before
        }
    }

    Context 'When Remove-MemoryMap removes a name that maps are open on' {
        BeforeAll {
            $name = $script:prefix + 'remove'
            $first = New-MemoryMap -Name $name -Size 4096
            $second = New-MemoryMap -Name $name
            Write-MemoryMap $first -Data 1, 2, 3
            $output = Remove-MemoryMap -Name $name
            $exists = Test-Path -LiteralPath (Get-ShmPath $name)
            Write-MemoryMap $second -Data 4, 5 -Offset 4094
            $openErr = Get-ErrorRecord { New-MemoryMap -Name $name -ErrorAction Stop }
            $againErr = Get-ErrorRecord { Remove-MemoryMap -Name $name -ErrorAction Stop }
            $fresh = New-MemoryMap -Name $name -Size 4096
            Write-MemoryMap $fresh -Data 0xEE
        }
        AfterAll {
            Close-MemoryMap $first, $second, $fresh
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should emit nothing' {
            $output | Should -BeNullOrEmpty
        }
        It 'Should remove the object from /dev/shm' {
            $exists | Should -BeFalse
        }
        It 'Should keep the open maps valid' {
            $first.IsValid | Should -BeTrue
            $second.IsValid | Should -BeTrue
        }
        It 'Should keep their bytes' {
            (Read-MemoryMap $second -Count 3) | Should -Be @(1, 2, 3)
        }
        It 'Should keep them sharing one memory' {
            (Read-MemoryMap $first -Offset 4094 -Count 2) | Should -Be @(4, 5)
        }
        It 'Should no longer open the name' {
            $openErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.NewMemoryMapCommand'
        }
        It 'Should fail a second remove with NamedMapNotFound' {
            $againErr.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.RemoveMemoryMapCommand'
        }
        It 'Should report ObjectNotFound for the second remove' {
            $againErr.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should say there is nothing to remove' {
            $againErr.Exception.Message | Should -Be "No shared memory named '$name' exists, so there is nothing to remove."
        }
        It 'Should create a new, zeroed object under the name afterwards' {
            (Read-MemoryMap $fresh -Offset 1 -Count 2) | Should -Be @(0, 0)
        }
        It 'Should keep the new object apart from the old maps' {
            (Read-MemoryMap $first -Count 1)[0] | Should -Be 1
            (Read-MemoryMap $fresh -Count 1)[0] | Should -Be 0xEE
        }
    }

    Context 'When maps and names come to Remove-MemoryMap through the pipeline or in a list' {
        BeforeAll {
            $piped = $script:prefix + 'piped'
            $kept = $script:prefix + 'piped-whatif'
            $one = $script:prefix + 'list-one'
            $two = $script:prefix + 'list-two'
            $missing = $script:prefix + 'list-missing'
            $pipedMap = New-MemoryMap -Name $piped -Size 4096
            $keptMap = New-MemoryMap -Name $kept -Size 4096
            $oneMap = New-MemoryMap -Name $one -Size 4096
            $twoMap = New-MemoryMap -Name $two -Size 4096
            $view = $keptMap | New-MemoryMap -Offset 100
            $pipedMap | Remove-MemoryMap
            $whatIfOutput = $view | Remove-MemoryMap -WhatIf
            Remove-MemoryMap -Name $one, $missing, $two -ErrorAction SilentlyContinue -ErrorVariable listErrors
        }
        AfterAll {
            Close-MemoryMap $pipedMap, $keptMap, $oneMap, $twoMap
            Remove-MemoryMap -Name $piped, $kept, $one, $two -ErrorAction Ignore
        }

        It 'Should remove the name of a map piped in' {
            Test-Path -LiteralPath (Get-ShmPath $piped) | Should -BeFalse
        }
        It 'Should keep the piped map open' {
            $pipedMap.IsValid | Should -BeTrue
        }
        It 'Should keep the object with -WhatIf (a view piped in names its parent''s object)' {
            Test-Path -LiteralPath (Get-ShmPath $kept) | Should -BeTrue
            $whatIfOutput | Should -BeNullOrEmpty
        }
        It 'Should remove every name of a list' {
            Test-Path -LiteralPath (Get-ShmPath $one) | Should -BeFalse
            Test-Path -LiteralPath (Get-ShmPath $two) | Should -BeFalse
        }
        It 'Should write one error for the missing name, and go on' {
            @($listErrors).Count | Should -Be 1
            $listErrors[0].FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.RemoveMemoryMapCommand'
            $listErrors[0].TargetObject | Should -Be $missing
        }
    }

    Context 'When a named map is synced' {
        BeforeAll {
            $name = $script:prefix + 'sync'
            $map = New-MemoryMap -Name $name -Size 8192
            Write-MemoryMap $map -Data 1, 2, 3 -Offset 5000
            $output = Sync-MemoryMap $map
            $passThru = Sync-MemoryMap $map -PassThru
            $async = Sync-MemoryMap $map -Async -Offset 4096 -Count 4096
            Sync-MemoryMap $map -Invalidate
        }
        AfterAll {
            Close-MemoryMap $map
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should emit nothing without -PassThru' {
            $output | Should -BeNullOrEmpty
            $async | Should -BeNullOrEmpty
        }
        It 'Should emit the map with -PassThru' {
            $passThru.Id | Should -Be $map.Id
        }
        It 'Should keep the bytes through -Invalidate' {
            (Read-MemoryMap $map -Offset 5000 -Count 3) | Should -Be @(1, 2, 3)
        }
    }

    Context 'When every map of a name is closed' {
        BeforeAll {
            $name = $script:prefix + 'lifetime'
            $map = New-MemoryMap -Name $name -Size 4096
            $other = New-MemoryMap -Name $name
            Write-MemoryMap $map -Text 'still here' -Offset 1000
            Close-MemoryMap $map, $other
            $useAfterClose = Get-ShmUse $name
            $exists = Test-Path -LiteralPath (Get-ShmPath $name)
            $reopened = New-MemoryMap -Name $name
        }
        AfterAll {
            Close-MemoryMap $reopened
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should make the maps invalid' {
            $map.IsValid | Should -BeFalse
            $other.IsValid | Should -BeFalse
        }
        It 'Should unmap the object and close its descriptors' {
            $useAfterClose | Should -Be '0 0'
        }
        It 'Should keep the object (on Linux it lives until it is removed)' {
            $exists | Should -BeTrue
        }
        It 'Should show the same bytes to a map opened afterwards' {
            (Read-MemoryMap $reopened -Offset 1000 -Count 10 -AsString) | Should -Be 'still here'
        }
        It 'Should take the size from the object again' {
            $reopened.Size | Should -Be 4096
        }
    }

    Context 'When the runspace that opened a named map closes' {
        BeforeAll {
            $name = $script:prefix + 'runspace'
            $runspace = [runspacefactory]::CreateRunspace()
            $runspace.Open()
            $shell = [powershell]::Create($runspace)
            $null = $shell.AddScript("Import-Module '$(Get-MmanModulePath)'; `$map = New-MemoryMap -Name '$name' -Size 4096; Write-MemoryMap `$map -Data 3, 1, 4; `$map")
            $theirs = @($shell.Invoke())[0]
            $validBefore = $theirs.IsValid
            $runspace.Close()
            $runspace.Dispose()
            $shell.Dispose()
            $mine = New-MemoryMap -Name $name
        }
        AfterAll {
            Close-MemoryMap $mine
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should have had the map open' {
            $validBefore | Should -BeTrue
        }
        It 'Should close the map with the runspace' {
            $theirs.IsValid | Should -BeFalse
        }
        It 'Should keep the object and its bytes' {
            (Read-MemoryMap $mine -Count 3) | Should -Be @(3, 1, 4)
        }
    }

    Context 'When maps are listed by name' {
        BeforeAll {
            $alpha = $script:prefix + 'list-alpha'
            $beta = $script:prefix + 'list-beta'
            $alphaMap = New-MemoryMap -Name $alpha -Size 8192
            $alphaView = $alphaMap | New-MemoryMap -Offset 4096 -Size 100
            $betaMap = New-MemoryMap -Name $beta -Size 4096
            $anonymous = New-MemoryMap -Size 4096
            $byWildcard = @(Get-MemoryMap -Name "$($script:prefix)list-*")
            $byName = @(Get-MemoryMap -Name $alpha)
            $twoNames = @(Get-MemoryMap -Name $beta, $alpha)
            $noMatch = @(Get-MemoryMap -Name "$($script:prefix)nothing-*" -ErrorVariable noMatchErrors)
            $err = Get-ErrorRecord { Get-MemoryMap -Name "$($script:prefix)nothing" -ErrorAction Stop }
            $table = Get-MemoryMap -Name $alpha | Format-Table | Out-String -Width 300
        }
        AfterAll {
            Close-MemoryMap $alphaMap, $betaMap, $anonymous
            Remove-MemoryMap -Name $alpha, $beta -ErrorAction Ignore
        }

        It 'Should list the maps of every matching name, with their views, in Id order' {
            $byWildcard.Id | Should -Be @($alphaMap.Id, $alphaView.Id, $betaMap.Id)
        }
        It 'Should list the maps of one name and their views' {
            $byName.Id | Should -Be @($alphaMap.Id, $alphaView.Id)
        }
        It 'Should list the maps of each name given, name by name' {
            $twoNames.Id | Should -Be @($betaMap.Id, $alphaMap.Id, $alphaView.Id)
        }
        It 'Should list nothing, without error, for a wildcard that matches no name' {
            $noMatch | Should -BeNullOrEmpty
            $noMatchErrors | Should -BeNullOrEmpty
        }
        It 'Should fail with MapNotFound for a name no map of this process has' {
            $err.FullyQualifiedErrorId | Should -Be 'MapNotFound,Mman.Commands.GetMemoryMapCommand'
        }
        It 'Should report ObjectNotFound' {
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        It 'Should show the name as the source of the map' {
            $table | Should -Match "(?m)^\s*$($alphaMap.Id) Named .* $([regex]::Escape($alpha))\s*$"
        }
        It 'Should show the name and the parent as the source of the view' {
            $table | Should -Match "(?m)^\s*$($alphaView.Id) Named .* $([regex]::Escape($alpha)) \(view of $($alphaMap.Id) @ 4096\)\s*$"
        }
    }

    Context 'When another process shrinks the object under a map' {
        BeforeAll {
            $name = $script:prefix + 'shrink'
            # In a child pwsh: were Mman to touch a page past the new end, SIGBUS would kill that process, not this one.
            $run = Invoke-ChildPwshResult -TimeoutSeconds 60 -Script ((Get-CasePrelude) + ("`n`$shmName = {0}`n" -f (Quote $name)) + @'
$map = New-MemoryMap -Name $shmName -Size 65536
$view = $map | New-MemoryMap -Offset 4096
Write-MemoryMap $map -Data ([byte[]](1..200))
Write-MemoryMap $map -Data 7, 7, 7 -Offset 60000
& truncate -s 100 "/dev/shm/$shmName"
Out-Case length { (Get-Item -LiteralPath "/dev/shm/$shmName").Length }
Out-Case read-past { Read-MemoryMap $map -Offset 60000 -Count 3 }
Out-Case read-straddling { Read-MemoryMap $map -Offset 90 -Count 20 }
Out-Case read-all { Read-MemoryMap $map }
Out-Case read-typed { Read-MemoryMap $map -As Int64 -Offset 8192 -Count 1 }
Out-Case read-gathered { Read-MemoryMap $map -As Int32 -Offset 0, 50000 }
Out-Case write-past { Write-MemoryMap $map -Data 1 -Offset 4096 }
Out-Case write-typed { Write-MemoryMap $map -Value 1 -As Int32 -Offset 98 }
Out-Case find { Find-MemoryMap $map -Pattern 7, 7, 7 }
Out-Case sync { Sync-MemoryMap $map }
Out-Case api-read { $map.Read(60000, 3) }
Out-Case view-read { Read-MemoryMap $view -Count 1 }
Out-Case message { try { Read-MemoryMap $map -Offset 60000 -Count 3 -ErrorAction Stop } catch { $_.Exception.Message } }
Out-Case read-inside { (Read-MemoryMap $map -Count 100) -join ',' }
Out-Case write-inside { Write-MemoryMap $map -Data 42 -Offset 99; (Read-MemoryMap $map -Offset 99 -Count 1)[0] }
& truncate -s 65536 "/dev/shm/$shmName"
Out-Case regrown { (Read-MemoryMap $map -Offset 60000 -Count 3) -join ',' }
Close-MemoryMap $map
Remove-MemoryMap -Name $shmName
Out-Case alive { 'yes' }
'@)
            $cases = ConvertFrom-CaseLine $run.Output
        }
        AfterAll {
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should keep the child alive (exit code 0, no SIGBUS)' {
            $run.ExitCode | Should -Be 0 -Because "$($run.Output -join ' | ') $($run.ErrorText)"
            $cases['alive'] | Should -Be 'OK yes'
        }
        It 'Should have shrunk the object to 100 bytes' {
            $cases['length'] | Should -Be 'OK 100'
        }
        It 'Should give <Expected> for <Case>' -ForEach @(
            @{ Case = 'read-past'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-straddling'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-all'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-typed'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'read-gathered'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'write-past'; Expected = 'FileTruncated,Mman.Commands.WriteMemoryMapCommand' }
            @{ Case = 'write-typed'; Expected = 'FileTruncated,Mman.Commands.WriteMemoryMapCommand' }
            @{ Case = 'find'; Expected = 'FileTruncated,Mman.Commands.FindMemoryMapCommand' }
            @{ Case = 'sync'; Expected = 'FileTruncated,Mman.Commands.SyncMemoryMapCommand' }
            @{ Case = 'api-read'; Expected = 'MemoryMapException:FileTruncated' }
            @{ Case = 'view-read'; Expected = 'FileTruncated,Mman.Commands.ReadMemoryMapCommand' }
            @{ Case = 'write-inside'; Expected = 'OK 42' }
            # Growing the object back brings zeros, not the old bytes: shrinking discarded them.
            @{ Case = 'regrown'; Expected = 'OK 0,0,0' }
        ) {
            $cases[$Case] | Should -Be $Expected
        }
        It 'Should still read the bytes left, right' {
            $cases['read-inside'] | Should -Be ('OK ' + ((1..100) -join ','))
        }
        It 'Should say the object was shrunk and how many bytes are left' {
            $cases['message'] | Should -BeLike "OK Shared memory '$name' is now 100 bytes (another process shrank it)*Use the first 100 bytes of the map*"
        }
    }

    Context 'When the file is done' {
        It 'Should leave no shared memory of this file in /dev/shm' {
            Get-ShmListing | Should -BeNullOrEmpty
        }
    }
}
