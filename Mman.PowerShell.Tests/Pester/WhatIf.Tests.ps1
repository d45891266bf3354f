# -WhatIf and -Confirm check first: every cmdlet that supports ShouldProcess refuses, under -WhatIf
# and -Confirm, what its real run refuses, with the same ErrorRecord, before ShouldProcess is asked,
# and changes nothing.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    # The state a case watches, as one string: the file's bytes and the open maps' ids and protections.
    function Get-WatchedState {
        param([string] $Path)
        $bytes = if ($Path -and (Test-Path -LiteralPath $Path -PathType Leaf)) { [IO.File]::ReadAllBytes($Path) -join ',' } else { 'none' }
        $maps = (Get-MemoryMap | ForEach-Object { "$($_.Id):$($_.Protection)" }) -join ';'
        return "$bytes|$maps"
    }
}

Describe 'ShouldProcess cmdlets check first' -Tag CI {
    BeforeAll {
        $file = New-TestFile -Path "$TestDrive/data.bin" -Length 64
        $empty = New-TestFile -Path "$TestDrive/empty.bin" -Length 0
        $missing = Join-Path $TestDrive 'missing.bin'
        $folder = Join-Path $TestDrive 'folder'
        $null = New-Item -ItemType Directory -Path $folder
        $missingName = 'mman-whatif-missing-' + [Guid]::NewGuid().ToString('N').Substring(0, 12)
        $anonymous = New-MemoryMap -Size 4096
        $readOnly = New-MemoryMap -Path $file
        $closed = New-MemoryMap -Size 4096
        Close-MemoryMap $closed
        $view = New-MemoryMap -InputObject $anonymous -Offset 0 -Size 10
    }

    AfterAll {
        Close-MemoryMap $anonymous, $readOnly
    }

    It '<Cmdlet> -WhatIf refuses <Kind> with the real run''s ErrorRecord and changes nothing' -ForEach @(
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a missing file'; Run = { param($c) New-MemoryMap -Path $missing @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a missing file (-LiteralPath)'; Run = { param($c) New-MemoryMap -LiteralPath $missing @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'an empty file'; Run = { param($c) New-MemoryMap -Path $empty @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a directory'; Run = { param($c) New-MemoryMap -Path $folder @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a path on another provider'; Run = { param($c) New-MemoryMap -Path 'Env:PATH' @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'an offset past the end of the file'; Run = { param($c) New-MemoryMap -Path $file -Offset 1000 @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a size past the end of the file'; Run = { param($c) New-MemoryMap -Path $file -Offset 10 -Size 100 @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a negative offset'; Run = { param($c) New-MemoryMap -Path $file -Offset -1 @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'Write and Execute on a file'; Run = { param($c) New-MemoryMap -Path $file -Protection Read, Write, Execute @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a size of 0 (anonymous)'; Run = { param($c) New-MemoryMap -Size 0 @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'Write and Execute (anonymous)'; Run = { param($c) New-MemoryMap -Size 4096 -Protection Read, Write, Execute @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'missing named memory'; Run = { param($c) New-MemoryMap -Name $missingName @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a name that is not valid'; Run = { param($c) New-MemoryMap -Name 'a/b' -Size 4096 @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a view past the end of its map'; Run = { param($c) New-MemoryMap -InputObject $anonymous -Offset 5000 @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a view of a closed map'; Run = { param($c) New-MemoryMap -InputObject $closed -Offset 0 @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a view made Write and Execute'; Run = { param($c) New-MemoryMap -InputObject $anonymous -Protection Read, Write, Execute @c } }
        @{ Cmdlet = 'New-MemoryMap'; Kind = 'a writable view of a read-only file map'; Run = { param($c) New-MemoryMap -InputObject $readOnly -Protection Read, Write @c } }
        @{ Cmdlet = 'Set-MemoryMapProtection'; Kind = 'a closed map'; Run = { param($c) Set-MemoryMapProtection $closed Read @c } }
        @{ Cmdlet = 'Set-MemoryMapProtection'; Kind = 'Write and Execute'; Run = { param($c) Set-MemoryMapProtection $anonymous Read, Write, Execute @c } }
        @{ Cmdlet = 'Set-MemoryMapProtection'; Kind = 'Write on a read-only file map'; Run = { param($c) Set-MemoryMapProtection $readOnly Read, Write @c } }
        @{ Cmdlet = 'Sync-MemoryMap'; Kind = 'a closed map'; Run = { param($c) Sync-MemoryMap $closed @c } }
        @{ Cmdlet = 'Sync-MemoryMap'; Kind = 'an offset past the end of the map'; Run = { param($c) Sync-MemoryMap $readOnly -Offset 100 -Count 1 @c } }
        @{ Cmdlet = 'Sync-MemoryMap'; Kind = 'a count past the end of the map'; Run = { param($c) Sync-MemoryMap $readOnly -Offset 10 -Count 60 @c } }
        @{ Cmdlet = 'Sync-MemoryMap'; Kind = 'a negative count'; Run = { param($c) Sync-MemoryMap $readOnly -Count -1 @c } }
        @{ Cmdlet = 'Lock-MemoryMap'; Kind = 'a closed map'; Run = { param($c) Lock-MemoryMap $closed @c } }
        @{ Cmdlet = 'Lock-MemoryMap'; Kind = 'a count past the end of the map'; Run = { param($c) Lock-MemoryMap $readOnly -Offset 10 -Count 60 @c } }
        @{ Cmdlet = 'Lock-MemoryMap'; Kind = 'a negative offset'; Run = { param($c) Lock-MemoryMap $anonymous -Offset -1 @c } }
        @{ Cmdlet = 'Unlock-MemoryMap'; Kind = 'a closed map'; Run = { param($c) Unlock-MemoryMap $closed @c } }
        @{ Cmdlet = 'Unlock-MemoryMap'; Kind = 'an offset past the end of the map'; Run = { param($c) Unlock-MemoryMap $readOnly -Offset 100 -Count 1 @c } }
        @{ Cmdlet = 'Unlock-MemoryMap'; Kind = 'a negative count'; Run = { param($c) Unlock-MemoryMap $anonymous -Count -1 @c } }
        @{ Cmdlet = 'Remove-MemoryMap'; Kind = 'missing named memory'; Run = { param($c) Remove-MemoryMap -Name $missingName @c } }
        @{ Cmdlet = 'Remove-MemoryMap'; Kind = 'a name that is not valid'; Run = { param($c) Remove-MemoryMap -Name 'a/b' @c } }
        @{ Cmdlet = 'Close-MemoryMap'; Kind = 'an Id no map has'; Run = { param($c) Close-MemoryMap -Id ([int]::MaxValue) @c } }
        @{ Cmdlet = 'Write-MemoryMap'; Kind = 'a read-only map'; Run = { param($c) Write-MemoryMap $readOnly -Text 'X' @c } }
        @{ Cmdlet = 'Write-MemoryMap'; Kind = 'an offset past the end of the map'; Run = { param($c) Write-MemoryMap $anonymous -Text 'X' -Offset 5000 @c } }
        @{ Cmdlet = 'Write-MemoryMap'; Kind = 'a closed map'; Run = { param($c) Write-MemoryMap $closed -Data 1 @c } }
        @{ Cmdlet = 'Copy-MemoryMap'; Kind = 'a read-only destination'; Run = { param($c) Copy-MemoryMap $anonymous -Destination $readOnly @c } }
        @{ Cmdlet = 'Copy-MemoryMap'; Kind = 'a closed source'; Run = { param($c) Copy-MemoryMap $closed -Destination $anonymous @c } }
        @{ Cmdlet = 'Copy-MemoryMap'; Kind = 'a range past the end of the destination'; Run = { param($c) Copy-MemoryMap $anonymous -Destination $anonymous -DestinationOffset 4000 -Count 100 @c } }
        @{ Cmdlet = 'Copy-MemoryMap'; Kind = 'a negative count'; Run = { param($c) Copy-MemoryMap $anonymous -DestinationOffset 1 -Count -1 @c } }
        @{ Cmdlet = 'Resize-MemoryMap'; Kind = 'a closed map'; Run = { param($c) Resize-MemoryMap $closed -Size 8192 @c } }
        @{ Cmdlet = 'Resize-MemoryMap'; Kind = 'a read-only file map'; Run = { param($c) Resize-MemoryMap $readOnly -Size 128 @c } }
        @{ Cmdlet = 'Resize-MemoryMap'; Kind = 'a read-only file map, shrinking'; Run = { param($c) Resize-MemoryMap $readOnly -Size 10 -Force @c } }
        @{ Cmdlet = 'Resize-MemoryMap'; Kind = 'a size of 0'; Run = { param($c) Resize-MemoryMap $anonymous -Size 0 @c } }
        @{ Cmdlet = 'Resize-MemoryMap'; Kind = 'a view'; Run = { param($c) Resize-MemoryMap $view -Size 20 @c } }
        @{ Cmdlet = 'Add-MemoryMapInteger'; Kind = 'a read-only map'; Run = { param($c) Add-MemoryMapInteger $readOnly @c } }
        @{ Cmdlet = 'Add-MemoryMapInteger'; Kind = 'a misaligned offset'; Run = { param($c) Add-MemoryMapInteger $anonymous -Offset 2 @c } }
        @{ Cmdlet = 'Add-MemoryMapInteger'; Kind = 'a closed map'; Run = { param($c) Add-MemoryMapInteger $closed @c } }
        @{ Cmdlet = 'Set-MemoryMapInteger'; Kind = 'a read-only map'; Run = { param($c) Set-MemoryMapInteger $readOnly -Value 1 @c } }
        @{ Cmdlet = 'Set-MemoryMapInteger'; Kind = 'a misaligned Int64'; Run = { param($c) Set-MemoryMapInteger $anonymous -Offset 4 -Type Int64 -Value 1 -Expected 0 @c } }
        @{ Cmdlet = 'Set-MemoryMapInteger'; Kind = 'an offset past the end of the map'; Run = { param($c) Set-MemoryMapInteger $anonymous -Offset 4096 -Value 1 @c } }
    ) {
        $before = Get-WatchedState -Path $file
        $whatIf = Get-ErrorRecord { & $Run @{ WhatIf = $true; ErrorAction = 'Stop' } }
        $after = Get-WatchedState -Path $file
        $real = Get-ErrorRecord { & $Run @{ ErrorAction = 'Stop' } }

        $real | Should -Not -BeNullOrEmpty -Because 'the real run must fail for this case to mean anything'
        $whatIf | Should -Not -BeNullOrEmpty -Because '-WhatIf must refuse what the real run refuses'
        $whatIf.FullyQualifiedErrorId | Should -Be $real.FullyQualifiedErrorId
        $whatIf.CategoryInfo.Category | Should -Be $real.CategoryInfo.Category
        "$($whatIf.TargetObject)" | Should -Be "$($real.TargetObject)"
        $whatIf.Exception.Message | Should -Be $real.Exception.Message
        $after | Should -Be $before
        Test-Path -LiteralPath $missing | Should -BeFalse
    }

    It 'Should print no "What if" line for a request that fails' {
        # -WhatIf writes its line to the host; under a transcript-free host the information stream
        # does not carry it, so a child pwsh's whole output is looked at instead.
        $lines = Invoke-ChildPwsh "try { New-MemoryMap -Path '$missing' -WhatIf -ErrorAction Stop } catch { 'refused: ' + `$_.FullyQualifiedErrorId }"
        ($lines -join "`n") | Should -Not -BeLike '*What if*'
        ($lines -join "`n") | Should -BeLike '*refused: FileNotFound,Mman.Commands.NewMemoryMapCommand*'
    }

    It 'Should still say "What if" for a request that would succeed' {
        $lines = Invoke-ChildPwsh "New-MemoryMap -Path '$file' -WhatIf; Set-MemoryMapProtection (New-MemoryMap -Size 4096) Read -WhatIf; Resize-MemoryMap (New-MemoryMap -Size 4096) 10 -WhatIf; Remove-MemoryMap -Name '$missingName' -WhatIf -ErrorAction Ignore; 'done'"
        @($lines | Where-Object { "$_" -like 'What if:*' }).Count | Should -Be 3
    }
}

Describe 'ShouldProcess cmdlets check before -Confirm asks' -Tag CI {
    BeforeAll {
        $file = New-TestFile -Path "$TestDrive/data.bin" -Length 64
        $missing = Join-Path $TestDrive 'missing.bin'
        $missingName = 'mman-confirm-missing-' + [Guid]::NewGuid().ToString('N').Substring(0, 12)

        # A child pwsh without a console (-NonInteractive): had any of these asked for confirmation,
        # the prompt would have failed there instead of the check. Each line is "<case>=<FQID>".
        $script = @"
`$anonymous = New-MemoryMap -Size 4096
`$readOnly = New-MemoryMap -Path '$file'
`$closed = New-MemoryMap -Size 4096; Close-MemoryMap `$closed
`$cases = [ordered]@{
    MissingFile = { New-MemoryMap -Path '$missing' @args }
    OffsetPastEnd = { New-MemoryMap -Path '$file' -Offset 1000 @args }
    MissingName = { New-MemoryMap -Name '$missingName' @args }
    ViewOfClosed = { New-MemoryMap -InputObject `$closed @args }
    ProtectClosed = { Set-MemoryMapProtection `$closed Read @args }
    ProtectReadOnly = { Set-MemoryMapProtection `$readOnly Read, Write @args }
    SyncPastEnd = { Sync-MemoryMap `$readOnly -Offset 100 -Count 1 @args }
    RemoveMissing = { Remove-MemoryMap -Name '$missingName' @args }
    WriteReadOnly = { Write-MemoryMap `$readOnly -Text 'X' @args }
    CopyToReadOnly = { Copy-MemoryMap `$anonymous -Destination `$readOnly @args }
    ResizeReadOnly = { Resize-MemoryMap `$readOnly -Size 10 -Force @args }
    ResizeClosed = { Resize-MemoryMap `$closed -Size 8192 @args }
    AddReadOnly = { Add-MemoryMapInteger `$readOnly @args }
    SetMisaligned = { Set-MemoryMapInteger `$anonymous -Offset 2 -Value 1 @args }
}
foreach (`$case in `$cases.GetEnumerator()) {
    `$confirm = try { & `$case.Value -Confirm -ErrorAction Stop; 'none' } catch { `$_.FullyQualifiedErrorId }
    `$real = try { & `$case.Value -ErrorAction Stop; 'none' } catch { `$_.FullyQualifiedErrorId }
    "`$(`$case.Key)=`$confirm=`$real"
}
"@
        $results = @{}
        foreach ($line in (Invoke-ChildPwsh $script)) {
            $parts = "$line" -split '='
            if ($parts.Count -eq 3) {
                $results[$parts[0]] = @{ Confirm = $parts[1]; Real = $parts[2] }
            }
        }
    }

    It 'Should refuse <Case> under -Confirm as the real run does, without asking' -ForEach @(
        @{ Case = 'MissingFile' }, @{ Case = 'OffsetPastEnd' }, @{ Case = 'MissingName' }, @{ Case = 'ViewOfClosed' },
        @{ Case = 'ProtectClosed' }, @{ Case = 'ProtectReadOnly' }, @{ Case = 'SyncPastEnd' }, @{ Case = 'RemoveMissing' },
        @{ Case = 'WriteReadOnly' }, @{ Case = 'CopyToReadOnly' }, @{ Case = 'ResizeReadOnly' }, @{ Case = 'ResizeClosed' }, @{ Case = 'AddReadOnly' }, @{ Case = 'SetMisaligned' }
    ) {
        $results[$Case] | Should -Not -BeNullOrEmpty
        $results[$Case].Real | Should -Not -Be 'none'
        $results[$Case].Confirm | Should -Be $results[$Case].Real
    }
}
