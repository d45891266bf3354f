# Permissions. The suite runs as root in CI, and root is not denied by file modes (CAP_DAC_OVERRIDE), so
# chmod alone proves nothing. Two honest ways instead:
#  1. A child pwsh runs as the unprivileged user 'nobody' (setpriv). The pwsh under ~/.nuget is not
#     reachable by nobody (/root is 0700), so pwsh is staged in $TestDrive as hard links (cp -al; a copy
#     when that fails) and the built module copied next to it. Never change the mode of a staged pwsh
#     file: a hard link shares its inode, and so its mode, with the original.
#  2. As root: an immutable file (chattr +i) cannot be opened for writing even by root.
# Each context is skipped, with the reason, where its tool or privilege is missing.
#
# Windows has its own contexts. There is no second user to run a child as (Wine has one user), so ACLs
# with deny ACEs for this user's SID take the place of modes and of nobody: a deny ACE binds every user it
# names, administrators too. The read-only attribute takes the place of chattr +i: it refuses writing to
# every user. Wine does not enforce either (it keeps no ACLs of files, turning them into Unix modes, and it
# runs as root here), so the cases that need a denial assert it on Windows and are skipped under Wine,
# saying so; the cases whose outcome does not depend on it run everywhere.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    $underWine = Test-WineHost
    # Added to the names of the tests that need Windows to enforce an ACL or the read-only attribute.
    $wineNote = if ($underWine) { ' (not under Wine, which does not enforce it)' } else { '' }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }
    if ($IsWindows) {
        $identity = [Security.Principal.WindowsIdentity]::GetCurrent()
        # Windows: 'root' is an elevated administrator.
        $script:isRoot = [Security.Principal.WindowsPrincipal]::new($identity).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
        $script:userSid = $identity.User
        $script:underWine = Test-WineHost
        $script:wineSkip = 'Wine does not enforce the ACLs of files or the read-only attribute'

        function Add-DenyRule([string] $Path, [Security.AccessControl.FileSystemRights] $Rights) {
            # Adds an ACE that denies this user the rights on the file.
            $acl = Get-Acl -LiteralPath $Path
            $acl.AddAccessRule([Security.AccessControl.FileSystemAccessRule]::new($script:userSid, $Rights, [Security.AccessControl.AccessControlType]::Deny))
            Set-Acl -LiteralPath $Path -AclObject $acl
        }
    }
    else {
        $script:isRoot = (& id -u) -eq '0'
    }
    $script:dirMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'
    # The cases both systems' child scripts run over $secret, $readable and $writable (Out-Case from
    # Get-CasePrelude); each system adds its own around them.
    $script:fileCases = @'
Out-Case secret.read { New-MemoryMap -Path $secret }
Out-Case secret.private { New-MemoryMap -LiteralPath $secret -Protection Read, Write -Sharing Private }
Out-Case readable.read { $map = New-MemoryMap -Path $readable; (Read-MemoryMap $map -Count 8192).Length; Close-MemoryMap $map }
Out-Case readable.read-execute { $map = New-MemoryMap -Path $readable -Protection Read, Execute; "$($map.Protection)"; Close-MemoryMap $map }
Out-Case readable.shared-write { New-MemoryMap -Path $readable -Protection Read, Write }
Out-Case readable.shared-write-only { New-MemoryMap -LiteralPath $readable -Protection Write -Size 100 }
$readOnly = New-MemoryMap -Path $readable
Out-Case readable.protect-read-write { Set-MemoryMapProtection $readOnly -Protection Read, Write }
Out-Case readable.still-read { "$($readOnly.Protection)"; (Read-MemoryMap $readOnly -Count 4).Length }
Out-Case readable.private-write {
    $map = New-MemoryMap -Path $readable -Protection Read, Write -Sharing Private
    Write-MemoryMap $map -Data 1, 2, 3 -Offset 10
    Sync-MemoryMap $map
    (Read-MemoryMap $map -Offset 10 -Count 3) -join ','
    Close-MemoryMap $map
}
Out-Case writable.shared-write {
    $map = New-MemoryMap -Path $writable -Protection Read, Write
    Write-MemoryMap $map -Data 0xAB -Offset 4000
    Sync-MemoryMap $map
    Close-MemoryMap $map
    [IO.File]::ReadAllBytes($writable)[4000]
}
'@
}

Describe 'Permissions' -Tag CI {
    if (-not $IsWindows) {
        Context 'When a child pwsh runs as the unprivileged user nobody' {
            BeforeAll {
                $skip = $null
                if (-not $script:isRoot) { $skip = 'not running as root, so there is no other user to switch to' }
                elseif (-not (Get-Command setpriv -CommandType Application -ErrorAction Ignore)) { $skip = 'setpriv (util-linux) is not installed' }
                elseif (-not (& getent passwd nobody)) { $skip = 'there is no user nobody' }

                if (-not $skip) {
                    $staged = New-NobodyStage -Folder $TestDrive -DirectoryMode $script:dirMode
                    $stagedPwsh = $staged.Pwsh
                    $stagedModule = $staged.ModulePath
                    $nobodyHome = $staged.Home

                    $files = Join-Path $TestDrive 'files'
                    $null = New-Item -ItemType Directory -Path $files
                    [IO.File]::SetUnixFileMode($files, $script:dirMode)
                    $secret = New-TestFile -Path "$files/secret.bin" -Length 8192
                    [IO.File]::SetUnixFileMode($secret, 'UserRead, UserWrite')
                    $readable = New-TestFile -Path "$files/readable.bin" -Length 8192
                    [IO.File]::SetUnixFileMode($readable, 'UserRead, UserWrite, GroupRead, OtherRead')
                    $readableBefore = [IO.File]::ReadAllBytes($readable)
                    $writable = New-TestFile -Path "$files/writable.bin" -Length 8192
                    [IO.File]::SetUnixFileMode($writable, 'UserRead, UserWrite, GroupRead, GroupWrite, OtherRead, OtherWrite')
                    $hidden = Join-Path $files 'private-dir'
                    $null = New-Item -ItemType Directory -Path $hidden
                    [IO.File]::SetUnixFileMode($hidden, 'UserRead, UserWrite, UserExecute')
                    $inner = New-TestFile -Path "$hidden/inner.bin" -Length 100

                    $process = Start-ChildPwsh -Pwsh $stagedPwsh -ModulePath (Join-Path $stagedModule 'Mman.psd1') `
                        -FileName setpriv -PrefixArgument '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--' `
                        -Environment @{ HOME = $nobodyHome; DOTNET_CLI_HOME = $nobodyHome; XDG_CACHE_HOME = $nobodyHome; XDG_DATA_HOME = $nobodyHome; XDG_CONFIG_HOME = $nobodyHome } `
                        -Script ((Get-CasePrelude) + ("`n`$secret = {0}; `$readable = {1}; `$writable = {2}; `$inner = {3}; `$hidden = {4}`n" -f (Quote $secret), (Quote $readable), (Quote $writable), (Quote $inner), (Quote $hidden)) + @'
Out-Case whoami { [Environment]::UserName; & id -u }
'@ + "`n" + $script:fileCases + "`n" + @'
Out-Case etc-shadow.read { New-MemoryMap -Path /etc/shadow }
Out-Case hidden.inner-path { New-MemoryMap -Path $inner }
Out-Case hidden.inner-literal-path { New-MemoryMap -LiteralPath $inner }
Out-Case hidden.directory { New-MemoryMap -LiteralPath $hidden }
'@)
                    $run = Wait-ChildPwsh -Process $process -TimeoutSeconds 120
                    $cases = ConvertFrom-CaseLine $run.Output
                    if (-not $cases.ContainsKey('whoami')) {
                        $skip = "the staged pwsh could not start as nobody (exit code $($run.ExitCode)): $($run.ErrorText)"
                    }
                    $readableAfter = [IO.File]::ReadAllBytes($readable)
                    $writableAfter = [IO.File]::ReadAllBytes($writable)
                }
                if ($skip) { Write-Host "Permission tests as nobody skipped: $skip" }
            }

            It 'Should run the child as nobody' {
                if ($skip) { Set-ItResult -Skipped -Because $skip; return }
                $run.ExitCode | Should -Be 0 -Because $run.ErrorText
                $cases['whoami'] | Should -Be 'OK nobody 65534'
            }
            It 'Should give <Expected> for <Name>' -ForEach @(
                @{ Name = 'secret.read'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand' }
                @{ Name = 'secret.private'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand' }
                @{ Name = 'etc-shadow.read'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand' }
                @{ Name = 'readable.read'; Expected = 'OK 8192' }
                @{ Name = 'readable.read-execute'; Expected = 'OK Read, Execute' }
                @{ Name = 'readable.shared-write'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand' }
                @{ Name = 'readable.shared-write-only'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand' }
                @{ Name = 'readable.protect-read-write'; Expected = 'ProtectionDenied,Mman.Commands.SetMemoryMapProtectionCommand' }
                @{ Name = 'readable.still-read'; Expected = 'OK Read 4' }
                @{ Name = 'readable.private-write'; Expected = 'OK 1,2,3' }
                @{ Name = 'writable.shared-write'; Expected = 'OK 171' }
                # The file exists; nobody may not search its directory. That is access denied, not "does not exist".
                @{ Name = 'hidden.inner-path'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand' }
                @{ Name = 'hidden.inner-literal-path'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand' }
                @{ Name = 'hidden.directory'; Expected = 'PathIsDirectory,Mman.Commands.NewMemoryMapCommand' }
            ) {
                if ($skip) { Set-ItResult -Skipped -Because $skip; return }
                $cases[$Name] | Should -Be $Expected
            }
            It 'Should leave the read-only file unchanged by the private write' {
                if ($skip) { Set-ItResult -Skipped -Because $skip; return }
                Test-ByteArrayEqual $readableBefore $readableAfter | Should -BeTrue
            }
            It 'Should put the shared write in the writable file' {
                if ($skip) { Set-ItResult -Skipped -Because $skip; return }
                $writableAfter[4000] | Should -Be 0xAB
            }
        }

        Context 'When root maps a file whose mode forbids writing (why the tests above use nobody)' {
            BeforeAll {
                $file = New-TestFile -Path "$TestDrive/mode-0444.bin" -Length 4096
                [IO.File]::SetUnixFileMode($file, 'UserRead, GroupRead, OtherRead')
                $record = Get-ErrorRecord { $map = New-MemoryMap -Path $file -Protection Read, Write -ErrorAction Stop; Close-MemoryMap $map }
            }

            It 'Should be denied exactly when not root: mode bits do not bind root' {
                if ($script:isRoot) {
                    $record | Should -BeNullOrEmpty
                }
                else {
                    $record.FullyQualifiedErrorId | Should -Be 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'
                }
            }
        }
    }
    else {
        Context 'When a child pwsh runs as this user, whom the ACLs of the files deny (Windows)' {
            BeforeAll {
                $files = Join-Path $TestDrive 'files'
                $null = New-Item -ItemType Directory -Path $files
                $secret = New-TestFile -Path "$files/secret.bin" -Length 8192
                Add-DenyRule $secret 'ReadData'
                $readable = New-TestFile -Path "$files/readable.bin" -Length 8192
                Add-DenyRule $readable 'WriteData, AppendData'
                $readableBefore = [IO.File]::ReadAllBytes($readable)
                $writable = New-TestFile -Path "$files/writable.bin" -Length 8192
                $hidden = Join-Path $files 'private-dir'
                $null = New-Item -ItemType Directory -Path $hidden

                $run = Invoke-ChildPwshResult -Script ((Get-CasePrelude) + ("`n`$secret = {0}; `$readable = {1}; `$writable = {2}; `$hidden = {3}`n" -f (Quote $secret), (Quote $readable), (Quote $writable), (Quote $hidden)) + @'
Out-Case whoami { [Environment]::UserName }
'@ + "`n" + $script:fileCases + "`n" + @'
Out-Case hidden.directory { New-MemoryMap -LiteralPath $hidden }
'@)
                $cases = ConvertFrom-CaseLine $run.Output
                $readableAfter = [IO.File]::ReadAllBytes($readable)
                $writableAfter = [IO.File]::ReadAllBytes($writable)
            }

            It 'Should run the child normally, as this user (there is no second user to switch to here)' {
                $run.ExitCode | Should -Be 0 -Because $run.ErrorText
                $cases['whoami'] | Should -Be "OK $([Environment]::UserName)"
            }
            # Gap: why Windows, or Wine, cannot show the case.
            It 'Should give <Expected> for <Name><Note>' -ForEach @(
                @{ Name = 'secret.read'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'; Note = $wineNote; Gap = $(if ($underWine) { 'Wine does not enforce the ACLs of files' }) }
                @{ Name = 'secret.private'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'; Note = $wineNote; Gap = $(if ($underWine) { 'Wine does not enforce the ACLs of files' }) }
                @{ Name = 'etc-shadow.read'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'; Note = ' (not on Windows: no /etc/shadow)'; Gap = 'Windows has no /etc/shadow' }
                @{ Name = 'readable.read'; Expected = 'OK 8192'; Note = '' }
                @{ Name = 'readable.read-execute'; Expected = 'OK Read, Execute'; Note = '' }
                @{ Name = 'readable.shared-write'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'; Note = $wineNote; Gap = $(if ($underWine) { 'Wine does not enforce the ACLs of files' }) }
                @{ Name = 'readable.shared-write-only'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'; Note = $wineNote; Gap = $(if ($underWine) { 'Wine does not enforce the ACLs of files' }) }
                @{ Name = 'readable.protect-read-write'; Expected = 'ProtectionDenied,Mman.Commands.SetMemoryMapProtectionCommand'; Note = '' }
                @{ Name = 'readable.still-read'; Expected = 'OK Read 4'; Note = '' }
                @{ Name = 'readable.private-write'; Expected = 'OK 1,2,3'; Note = '' }
                @{ Name = 'writable.shared-write'; Expected = 'OK 171'; Note = '' }
                # Every Windows user may bypass traverse checking (SeChangeNotifyPrivilege): a folder that
                # denies listing does not keep anyone from a file in it whose full path they know.
                @{ Name = 'hidden.inner-path'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'; Note = ' (not on Windows: every user may pass through folders)'; Gap = 'on Windows every user may pass through folders it cannot list' }
                @{ Name = 'hidden.inner-literal-path'; Expected = 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'; Note = ' (not on Windows: every user may pass through folders)'; Gap = 'on Windows every user may pass through folders it cannot list' }
                @{ Name = 'hidden.directory'; Expected = 'PathIsDirectory,Mman.Commands.NewMemoryMapCommand'; Note = '' }
            ) {
                if ($Gap) { Set-ItResult -Skipped -Because $Gap; return }
                $cases[$Name] | Should -Be $Expected
            }
            It 'Should leave the read-only file unchanged by the private write' {
                Test-ByteArrayEqual $readableBefore $readableAfter | Should -BeTrue
            }
            It 'Should put the shared write in the writable file' {
                $writableAfter[4000] | Should -Be 0xAB
            }
        }

        Context 'When this user maps a file whose ACL denies it writing (Windows: a deny ACE binds administrators too)' {
            BeforeAll {
                $file = New-TestFile -Path "$TestDrive/deny-write.bin" -Length 4096
                Add-DenyRule $file 'WriteData, AppendData'
                $record = Get-ErrorRecord { $map = New-MemoryMap -Path $file -Protection Read, Write -ErrorAction Stop; Close-MemoryMap $map }
            }

            It "Should be denied, administrator or not$wineNote" {
                if ($script:underWine) { Set-ItResult -Skipped -Because $script:wineSkip; return }
                $record.FullyQualifiedErrorId | Should -Be 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'
            }
        }
    }

    Context 'When this user maps a file that refuses writing to everyone (Linux: chattr +i, as root; Windows: the read-only attribute)' {
        BeforeAll {
            $skip = $null
            # The denial itself: asserted where the system enforces it.
            $denialSkip = $null
            $file = New-TestFile -Path "$TestDrive/write-protected.bin" -Length 8192
            $before = [IO.File]::ReadAllBytes($file)
            if ($IsWindows) {
                (Get-Item -LiteralPath $file).IsReadOnly = $true
                if ($script:underWine) { $denialSkip = $script:wineSkip }
            }
            elseif (-not $script:isRoot) { $skip = 'not running as root (chattr +i needs CAP_LINUX_IMMUTABLE)' }
            elseif (-not (Get-Command chattr -CommandType Application -ErrorAction Ignore)) { $skip = 'chattr (e2fsprogs) is not installed' }
            else {
                & chattr +i $file 2>$null
                if ($LASTEXITCODE -ne 0) { $skip = "chattr +i is not supported on the file system of $TestDrive" }
            }
            if ($skip) {
                Write-Host "Write-protected file tests skipped: $skip"
                $denialSkip = $skip
            }
            else {
                try {
                    $sharedWrite = Get-ErrorRecord { New-MemoryMap -Path $file -Protection Read, Write -ErrorAction Stop }
                    # Where the system lets this user write the file after all (Wine, as root), the map is made: close it.
                    @($sharedWrite) | Where-Object { $_ -is [Mman.MemoryMap] } | Close-MemoryMap
                    $readMap = New-MemoryMap -Path $file
                    $protect = Get-ErrorRecord { Set-MemoryMapProtection $readMap -Protection Read, Write -ErrorAction Stop }
                    $readBack = Read-MemoryMap $readMap -Count 16
                    $private = New-MemoryMap -Path $file -Protection Read, Write -Sharing Private
                    Write-MemoryMap $private -Data 9, 9, 9 -Offset 100
                    Sync-MemoryMap $private
                    $privateBack = Read-MemoryMap $private -Offset 100 -Count 3
                    Close-MemoryMap $readMap, $private
                    $after = [IO.File]::ReadAllBytes($file)
                }
                finally {
                    if ($IsWindows) { (Get-Item -LiteralPath $file).IsReadOnly = $false } else { & chattr -i $file }
                }
            }
        }

        It "Should refuse a shared writable map with FileAccessDenied$wineNote" {
            if ($denialSkip) { Set-ItResult -Skipped -Because $denialSkip; return }
            $sharedWrite.FullyQualifiedErrorId | Should -Be 'FileAccessDenied,Mman.Commands.NewMemoryMapCommand'
        }
        It "Should report PermissionDenied$wineNote" {
            if ($denialSkip) { Set-ItResult -Skipped -Because $denialSkip; return }
            $sharedWrite.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        It 'Should refuse to add Write to a read map with ProtectionDenied' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $protect.FullyQualifiedErrorId | Should -Be 'ProtectionDenied,Mman.Commands.SetMemoryMapProtectionCommand'
        }
        It 'Should keep the read map readable' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            Test-ByteArrayEqual $readBack ([byte[]]$before[0..15]) | Should -BeTrue
        }
        It 'Should allow a private map to be written' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            $privateBack | Should -Be @(9, 9, 9)
        }
        It 'Should leave the file unchanged' {
            if ($skip) { Set-ItResult -Skipped -Because $skip; return }
            Test-ByteArrayEqual $before $after | Should -BeTrue
        }
    }
}
