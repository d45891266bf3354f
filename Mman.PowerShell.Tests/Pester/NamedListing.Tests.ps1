BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    $script:underWine = Test-WineHost
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:prefix = "mman-test-$PID-ls"
    # The name as the listing shows it: Windows lists the session's sections with their Local\ prefix.
    function Get-ListedName([string] $Name) { if ($IsWindows) { "Local\$Name" } else { $Name } }

    # Creates shared memory as another program would, and leaves it there after that program exits.
    function New-ForeignSharedMemory([string] $Name, [int] $Size) {
        if ($IsWindows) {
            return [IO.MemoryMappedFiles.MemoryMappedFile]::CreateNew($Name, $Size)
        }
        # Python's resource tracker would remove the object when Python exits; unregister keeps it.
        python3 -c "from multiprocessing import shared_memory, resource_tracker; m = shared_memory.SharedMemory(name='$Name', create=True, size=$Size); resource_tracker.unregister(m._name, 'shared_memory'); m.close()"
        if ($LASTEXITCODE -ne 0) { throw "python3 could not create shared memory '$Name'." }
    }

    # ls -l of one file of /dev/shm, times as seconds since 1970: mode, owner, size, mtime.
    function Get-LsLine([string] $Name) {
        $fields = -split (ls -l --time-style=+%s -- "/dev/shm/$Name")
        [pscustomobject]@{ Mode = $fields[0].Substring(0, 10); Owner = $fields[2]; Size = [long]$fields[4]; Seconds = [long]$fields[5] }
    }
}

Describe 'Get-MemoryMap -ListAvailable' -Tag CI {
    Context 'When Mman and another program have created named shared memory' -Skip:$IsMacOS {
        BeforeAll {
            $mmanName = "$script:prefix-m"
            $foreignName = "$script:prefix-o"
            $map = New-MemoryMap -Name $mmanName -Size 5000
            $foreign = New-ForeignSharedMemory $foreignName 3000
            $all = @(Get-MemoryMap -ListAvailable)
            $mmanInfo = $all | Where-Object Name -EQ (Get-ListedName $mmanName)
            $foreignInfo = $all | Where-Object Name -EQ (Get-ListedName $foreignName)
            $pageSize = [Environment]::SystemPageSize
        }
        AfterAll {
            Close-MemoryMap $map
            if ($IsWindows) { $foreign.Dispose() } else { Remove-MemoryMap -Name $mmanName, $foreignName }
        }

        It 'Should emit Mman.NamedMemoryInfo objects' {
            $mmanInfo | Should -BeOfType ([Mman.NamedMemoryInfo])
        }
        It 'Should list the object Mman created, under the name New-MemoryMap takes' {
            @($mmanInfo).Count | Should -Be 1
        }
        It ($IsWindows ? 'Should list the section .NET''s MemoryMappedFile.CreateNew created' : 'Should list the object Python''s shared_memory created') {
            @($foreignInfo).Count | Should -Be 1
        }
        It 'Should list the names sorted' {
            $names = [string[]]$all.Name
            $sorted = [string[]]$all.Name
            [Array]::Sort($sorted, $(if ($IsWindows) { [StringComparer]::OrdinalIgnoreCase } else { [StringComparer]::Ordinal }))
            $names | Should -Be $sorted
        }
        It 'Should give the same size as ls -l (Linux) or the page-rounded size of the section (Windows)' {
            if ($IsWindows) {
                $mmanInfo.Size | Should -Be ([Math]::Ceiling(5000 / $pageSize) * $pageSize)
                $foreignInfo.Size | Should -Be ([Math]::Ceiling(3000 / $pageSize) * $pageSize)
            }
            else {
                $mmanInfo.Size | Should -Be (Get-LsLine $mmanName).Size
                $foreignInfo.Size | Should -Be (Get-LsLine $foreignName).Size
                $foreignInfo.Size | Should -Be 3000
            }
        }
        It 'Should give the same owner as ls -l (Linux) or the default owner of this user''s objects (Windows)' {
            if ($IsWindows) {
                # A new object's owner is the token's default owner: the user, or Administrators when elevated.
                $owner = [Security.Principal.WindowsIdentity]::GetCurrent().Owner.Translate([Security.Principal.NTAccount]).Value
                $mmanInfo.Owner | Should -Be $owner
            }
            else {
                $mmanInfo.Owner | Should -Be (Get-LsLine $mmanName).Owner
                $foreignInfo.Owner | Should -Be (Get-LsLine $foreignName).Owner
            }
        }
        It 'Should give the owner of a section .NET created with default security (Windows; skipped under Wine, which gives such sections no security descriptor)' -Skip:(-not $IsWindows -or $script:underWine) {
            $foreignInfo.Owner | Should -Be ([Security.Principal.WindowsIdentity]::GetCurrent().Owner.Translate([Security.Principal.NTAccount]).Value)
        }
        It 'Should give the same mode as ls -l (Linux; Windows objects have ACLs, not modes)' {
            if ($IsWindows) {
                $mmanInfo.Mode | Should -BeNullOrEmpty
            }
            else {
                $mmanInfo.Mode | Should -BeExactly (Get-LsLine $mmanName).Mode
                $mmanInfo.Mode | Should -BeExactly '-rw-------'
                $foreignInfo.Mode | Should -BeExactly (Get-LsLine $foreignName).Mode
            }
        }
        It 'Should give the same last change as ls -l (Linux; Windows keeps no time for sections)' {
            if ($IsWindows) {
                $mmanInfo.LastWriteTime | Should -BeNullOrEmpty
            }
            else {
                [DateTimeOffset]::new($mmanInfo.LastWriteTime).ToUnixTimeSeconds() | Should -Be (Get-LsLine $mmanName).Seconds
                [DateTimeOffset]::new($foreignInfo.LastWriteTime).ToUnixTimeSeconds() | Should -Be (Get-LsLine $foreignName).Seconds
            }
        }
        It 'Should filter by a wildcard -Name' {
            @(Get-MemoryMap -ListAvailable -Name "$script:prefix-*").Name | Should -Be @((Get-ListedName $mmanName), (Get-ListedName $foreignName))
        }
        It 'Should take -Name by position' {
            (Get-MemoryMap -ListAvailable $mmanName).Name | Should -Be (Get-ListedName $mmanName)
        }
        It ($IsWindows ? 'Should match names case-insensitively, as Windows does' : 'Should match names case-sensitively, as Linux does') {
            $found = @(Get-MemoryMap -ListAvailable -Name "$script:prefix-*".ToUpperInvariant())
            $found.Count | Should -Be $(if ($IsWindows) { 2 } else { 0 })
        }
        It 'Should take the name with its Local\ prefix too (Windows)' -Skip:(-not $IsWindows) {
            (Get-MemoryMap -ListAvailable -Name "Local\$mmanName").Name | Should -Be "Local\$mmanName"
        }
        It 'Should show Mode, Owner, Size, LastWriteTime and the whole name in 80 columns' {
            $lines = ($mmanInfo | Out-String -Width 80) -split "`r?`n" | Where-Object { $_ }
            $lines[0] | Should -Match '^Mode\s+Owner\s+Size\s+LastWriteTime\s+Name$'
            $lines[-1] | Should -Match ([regex]::Escape((Get-ListedName $mmanName)) + '$')
            $lines[-1] | Should -Match '\b5000\b|\b8192\b|\b65536\b'
            @($lines | Where-Object { $_.Length -gt 80 }).Count | Should -Be 0
        }
    }

    Context 'When the system lists things in /dev/shm that are not shared memory' -Skip:(-not $IsLinux) {
        BeforeAll {
            $folder = "/dev/shm/$script:prefix-folder"
            $fifo = "/dev/shm/$script:prefix-fifo"
            $link = "/dev/shm/$script:prefix-link"
            $semaphore = "/dev/shm/sem.$script:prefix"
            $null = New-Item -ItemType Directory -Path $folder
            mkfifo $fifo
            $null = New-Item -ItemType File -Path $semaphore
            $null = New-Item -ItemType SymbolicLink -Path $link -Target $semaphore
            $listed = @(Get-MemoryMap -ListAvailable -Name "*$script:prefix*").Name
        }
        AfterAll {
            Remove-Item -LiteralPath $folder, $fifo, $link, $semaphore -Force
        }

        It 'Should leave out folders, FIFOs, links and named semaphores (sem.*), which ls -l shows' {
            $listed | Should -BeNullOrEmpty
            @(ls -l /dev/shm | Select-String -SimpleMatch $script:prefix).Count | Should -Be 4
        }
    }

    Context 'When the object was created by Mman and is piped on' -Skip:(-not $IsLinux) {
        It 'Should let Remove-MemoryMap remove what the listing emits (Linux; a Windows name goes with its last map, and macOS cannot list)' {
            $name = "$script:prefix-piped"
            Close-MemoryMap (New-MemoryMap -Name $name -Size 100)
            Get-MemoryMap -ListAvailable -Name $name | Remove-MemoryMap
            Test-Path -LiteralPath "/dev/shm/$name" | Should -BeFalse
        }
    }

    Context 'When -Name names no object' {
        It 'Should report NamedMapNotFound (ObjectNotFound) for a name without wildcards' -Skip:$IsMacOS {
            $record = Get-ErrorRecord { Get-MemoryMap -ListAvailable -Name "$script:prefix-none" -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -Be 'NamedMapNotFound,Mman.Commands.GetMemoryMapCommand'
            $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $record.Exception.Message | Should -Match 'ListAvailable'
        }
        It 'Should emit nothing and no error for a wildcard that matches nothing' -Skip:$IsMacOS {
            $found = Get-MemoryMap -ListAvailable -Name "$script:prefix-none*" -ErrorVariable failures
            $found | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }
    }

    Context 'When the system cannot list named shared memory (macOS)' -Skip:(-not $IsMacOS) {
        It 'Should report NamedListingNotSupported (NotImplemented) saying macOS cannot list them' {
            $record = Get-ErrorRecord { Get-MemoryMap -ListAvailable -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -Be 'NamedListingNotSupported,Mman.Commands.GetMemoryMapCommand'
            $record.CategoryInfo.Category | Should -Be 'NotImplemented'
            $record.Exception.Message | Should -Match 'macOS cannot list'
        }
    }

    Context 'When formatting the mode of a POSIX file (every system)' {
        It 'Should show <Mode> as <Text>, as ls -l does' -TestCases @(
            @{ Mode = 0x81A4; Text = '-rw-r--r--' }
            @{ Mode = 0x8180; Text = '-rw-------' }
            @{ Mode = 0x41FF; Text = 'drwxrwxrwx' }
            @{ Mode = 0x43FF; Text = 'drwxrwxrwt' }
            @{ Mode = 0x89ED; Text = '-rwsr-xr-x' }
            @{ Mode = 0x8DA4; Text = '-rwSr-Sr--' }
            @{ Mode = 0x11B6; Text = 'prw-rw-rw-' }
            @{ Mode = 0xA1FF; Text = 'lrwxrwxrwx' }
        ) {
            param($Mode, $Text)
            [Mman.NamedMemoryInfo].GetMethod('FormatMode', [Reflection.BindingFlags]'NonPublic,Static').Invoke($null, @($Mode)) | Should -BeExactly $Text
        }
    }
}
