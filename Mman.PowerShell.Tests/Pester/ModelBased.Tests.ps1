# A model-based random test: thousands of random New/Read/Write/Set-MemoryMapProtection/Sync/Close/Get
# calls, valid and invalid, on several maps at once (anonymous, and file-backed shared and private), each
# checked against a plain byte-array model: the result or FullyQualifiedErrorId the model predicts, then
# the bytes of the map touched, and regularly of every map and of every file on disk.
#
# The model of a private (copy-on-write) file map follows Linux: a page the map has not written yet still
# shows the file (and so the writes of shared maps of the same file); a page it wrote is its own copy.
#
# The seed is printed; set $env:MMAN_TEST_SEED to replay a run, and $env:MMAN_TEST_STEPS to change its length.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:pageSize = [Environment]::SystemPageSize
    $script:allProtections = [Mman.MemoryProtection[]]@(0..7)

    function Get-Slice([byte[]] $Bytes, [long] $Offset, [long] $Count) {
        $slice = [byte[]]::new($Count)
        [Array]::Copy($Bytes, $Offset, $slice, 0, $Count)
        return , $slice
    }

    function Get-PageRange($Model, [long] $Offset, [long] $Count) {
        # The map's pages (index 0 = the page holding the map's first byte) that [Offset, Offset+Count) touches.
        $first = [Math]::Floor(($Model.Offset + $Offset) / $script:pageSize) - [Math]::Floor($Model.Offset / $script:pageSize)
        $last = [Math]::Floor(($Model.Offset + $Offset + $Count - 1) / $script:pageSize) - [Math]::Floor($Model.Offset / $script:pageSize)
        return [int]$first, [int]$last
    }

    function Get-PageSpan($Model, [int] $Page) {
        # The map offsets [start, end) that page Page of the map covers.
        $base = [Math]::Floor($Model.Offset / $script:pageSize) * $script:pageSize
        $start = [Math]::Max(0, $base + $Page * $script:pageSize - $Model.Offset)
        $end = [Math]::Min($Model.Size, $base + ($Page + 1) * $script:pageSize - $Model.Offset)
        return [long]$start, [long]$end
    }

    function Get-ExpectedBytes($Model) {
        if ($Model.Kind -eq 'Anonymous') { return , $Model.Bytes }
        $fileBytes = $script:files[$Model.File].Bytes
        $view = Get-Slice $fileBytes $Model.Offset $Model.Size
        if ($Model.Sharing -eq 'Private') {
            for ($page = 0; $page -lt $Model.Cow.Length; $page++) {
                if ($Model.Cow[$page]) {
                    $start, $end = Get-PageSpan $Model $page
                    [Array]::Copy($Model.Bytes, $start, $view, $start, $end - $start)
                }
            }
        }
        return , $view
    }

    function Set-ModelBytes($Model, [long] $Offset, [byte[]] $Data) {
        if ($Model.Kind -eq 'Anonymous') {
            [Array]::Copy($Data, 0, $Model.Bytes, $Offset, $Data.Length)
        }
        elseif ($Model.Sharing -eq 'Shared') {
            [Array]::Copy($Data, 0, $script:files[$Model.File].Bytes, $Model.Offset + $Offset, $Data.Length)
        }
        else {
            # Copy-on-write: each page written becomes the map's own copy of what it showed until now.
            $first, $last = Get-PageRange $Model $Offset $Data.Length
            for ($page = $first; $page -le $last; $page++) {
                if (-not $Model.Cow[$page]) {
                    $start, $end = Get-PageSpan $Model $page
                    [Array]::Copy($script:files[$Model.File].Bytes, $Model.Offset + $start, $Model.Bytes, $start, $end - $start)
                    $Model.Cow[$page] = $true
                }
            }
            [Array]::Copy($Data, 0, $Model.Bytes, $Offset, $Data.Length)
        }
    }

    function Invoke-Checked([scriptblock] $Call) {
        # Runs a cmdlet call with errors terminating; returns its output and the FullyQualifiedErrorId.
        $ErrorActionPreference = 'Stop'
        try {
            $output = & $Call
            return @{ Output = $output; Id = $null }
        }
        catch {
            return @{ Output = $null; Id = $_.FullyQualifiedErrorId }
        }
    }

    function Test-WriteExecute([Mman.MemoryProtection] $Protection) {
        ($Protection -band 6) -eq 6
    }

    function Get-RangeError($Model, [long] $Offset, [long] $Count) {
        if ($Offset -lt 0) { return 'OffsetNegative' }
        if ($Count -lt 0) { return 'CountNegative' }
        if ($Offset -gt $Model.Size -or $Count -gt $Model.Size - $Offset) { return 'RangeOutsideMap' }
        return $null
    }

    function Get-RandomRange($Model, [Random] $Random) {
        # Mostly a valid range, sometimes a bad one of every kind.
        $size = $Model.Size
        switch ($Random.Next(0, 20)) {
            0 { return [long](-1 - $Random.Next(0, 100)), [long]1 }
            1 { return [long]0, [long](-1 - $Random.Next(0, 100)) }
            2 { return [long]($size + 1 + $Random.Next(0, 100)), [long]0 }
            3 { $o = [long]$Random.Next(0, [int]$size + 1); return $o, [long]($size - $o + 1 + $Random.Next(0, 10)) }
            4 { return [long]::MaxValue, [long]::MaxValue }
            5 { return [long]$Random.Next(1, [int]$size + 1), [long]::MaxValue }
            default {
                $o = [long]$Random.Next(0, [int]$size + 1)
                $room = $size - $o
                $c = if ($Random.Next(0, 4) -eq 0) { $room } else { [long]$Random.Next(0, [int][Math]::Min($room, 600) + 1) }
                return $o, $c
            }
        }
    }

    function Get-Fail([string] $What) {
        "seed $script:seed, step $script:step ($script:operation): $What"
    }

    function Assert-MapBytes($Model) {
        # The map's bytes equal the model's, when the map is open and readable.
        if ($Model.Closed -or -not ($Model.Protection -band [Mman.MemoryProtection]::Read)) { return $null }
        try { $bytes = Read-MemoryMap $Model.Map -ErrorAction Stop }
        catch { return Get-Fail "map $($Model.Name) could not be read: $($_.FullyQualifiedErrorId)" }
        $expected = Get-ExpectedBytes $Model
        $script:bytesCompared += $expected.Length
        if (-not [Linq.Enumerable]::SequenceEqual([byte[]]$bytes, $expected)) {
            for ($i = 0; $i -lt $expected.Length -and $bytes[$i] -eq $expected[$i]; $i++) { }
            return Get-Fail "map $($Model.Name) differs from the model at offset $i (map $($bytes[$i]), model $($expected[$i]))"
        }
        return $null
    }

    function Assert-FileBytes([string] $Key) {
        # The file on disk equals the model of the file.
        $onDisk = Get-FileBytes -Path $script:files[$Key].Path
        $script:bytesCompared += $onDisk.Length
        if (-not [Linq.Enumerable]::SequenceEqual($onDisk, [byte[]]$script:files[$Key].Bytes)) {
            return Get-Fail "file $Key on disk differs from the model"
        }
        return $null
    }

    $script:seed = if ($env:MMAN_TEST_SEED) { [int]$env:MMAN_TEST_SEED } else { [Random]::new().Next() }
    $steps = if ($env:MMAN_TEST_STEPS) { [int]$env:MMAN_TEST_STEPS } else { 5000 }
    Write-Host "ModelBased: seed $script:seed ($steps steps; set `$env:MMAN_TEST_SEED=$script:seed to replay)"
    $random = [Random]::new($script:seed)

    $script:files = @{}
    foreach ($file in @(@{ Key = 'a'; Length = 12388 }, @{ Key = 'b'; Length = 20000 }, @{ Key = 'c'; Length = 8192 })) {
        $bytes = [byte[]]::new($file.Length)
        $random.NextBytes($bytes)
        $path = Join-Path $TestDrive "model-$($file.Key).bin"
        [IO.File]::WriteAllBytes($path, $bytes)
        $script:files[$file.Key] = @{ Path = $path; Bytes = $bytes }
    }

    $models = [Collections.Generic.List[hashtable]]::new()
    $counts = @{}
    $script:bytesCompared = 0L
    $failure = $null
    $watch = [Diagnostics.Stopwatch]::StartNew()
    for ($script:step = 1; $script:step -le $steps -and -not $failure; $script:step++) {
        $open = @($models | Where-Object { -not $_.Closed })
        $roll = $random.Next(0, 100)
        $kind = if ($open.Count -eq 0 -or ($roll -lt 10 -and $open.Count -lt 8)) { 'new' }
        elseif ($roll -lt 36) { 'read' }
        elseif ($roll -lt 64) { 'write' }
        elseif ($roll -lt 76) { 'protect' }
        elseif ($roll -lt 86) { 'sync' }
        elseif ($roll -lt 91 -or $open.Count -ge 8) { 'close' }
        elseif ($roll -lt 95) { 'get' }
        else { 'new-bad' }
        # Most calls go to an open map, some to a closed one.
        $pool = @(if ($models.Count -gt $open.Count -and $random.Next(0, 10) -eq 0) { $models | Where-Object { $_.Closed } } else { $open })
        $model = if ($pool.Count) { $pool[$random.Next(0, $pool.Count)] } else { $null }
        $expectedId = $null
        $check = $null

        switch ($kind) {
            { $_ -in 'new', 'new-bad' } {
                # Half the maps are Read,Write so that reads and writes succeed often; the rest any protection.
                $protection = if ($random.Next(0, 2) -eq 0) { [Mman.MemoryProtection]3 } else { $script:allProtections[$random.Next(0, 8)] }
                $allow = $random.Next(0, 3) -eq 0
                $sharing = [Mman.MapSharing]$random.Next(0, 2)
                $bad = $kind -eq 'new-bad'
                if ($random.Next(0, 2) -eq 0) {
                    $size = if ($bad -and $random.Next(0, 2) -eq 0) { [long](-$random.Next(0, 3)) } else { [long]$random.Next(1, 20000) }
                    $script:operation = "New-MemoryMap -Size $size -Protection '$protection' -Sharing $sharing -AllowWriteExecute:$allow"
                    $expectedId = if ($size -le 0) { 'SizeNotPositive' } elseif ((Test-WriteExecute $protection) -and -not $allow) { 'WriteExecuteRefused' }
                    $result = Invoke-Checked { New-MemoryMap -Size $size -Protection $protection -Sharing $sharing -AllowWriteExecute:$allow }
                    $new = @{ Kind = 'Anonymous'; Size = $size; Offset = 0; Bytes = [byte[]]::new([Math]::Max(0, $size)) }
                }
                else {
                    $key = @('a', 'b', 'c')[$random.Next(0, 3)]
                    $length = $script:files[$key].Bytes.Length
                    $offset = [long]$random.Next(0, $length)
                    $size = if ($random.Next(0, 3) -eq 0) { $null } else { [long]$random.Next(1, [int]($length - $offset) + 1) }
                    if ($bad) {
                        switch ($random.Next(0, 4)) {
                            0 { $offset = [long](-1 - $random.Next(0, 5000)) }
                            1 { $offset = [long]($length + $random.Next(0, 5000)) }
                            2 { $size = [long]($length - $offset + 1 + $random.Next(0, 5000)) }
                            3 { $size = [long](-$random.Next(0, 2)) }
                        }
                    }
                    $script:operation = "New-MemoryMap -Path $key -Offset $offset -Size $size -Protection '$protection' -Sharing $sharing -AllowWriteExecute:$allow"
                    $expectedId = if ($offset -lt 0) { 'OffsetNegative' }
                    elseif ($null -ne $size -and $size -le 0) { 'SizeNotPositive' }
                    elseif ((Test-WriteExecute $protection) -and -not $allow) { 'WriteExecuteRefused' }
                    elseif ($offset -ge $length -or ($null -ne $size -and $size -gt $length - $offset)) { 'RangeBeyondEndOfFile' }
                    $path = $script:files[$key].Path
                    $result = if ($null -eq $size) {
                        Invoke-Checked { New-MemoryMap -Path $path -Offset $offset -Protection $protection -Sharing $sharing -AllowWriteExecute:$allow }
                    }
                    else {
                        Invoke-Checked { New-MemoryMap -Path $path -Offset $offset -Size $size -Protection $protection -Sharing $sharing -AllowWriteExecute:$allow }
                    }
                    $mapSize = if ($null -eq $size) { $length - $offset } else { $size }
                    $new = @{ Kind = 'File'; File = $key; Size = $mapSize; Offset = $offset; Bytes = [byte[]]::new([Math]::Max(0, $mapSize)) }
                    $new.FileWritable = $sharing -eq 'Shared' -and ($protection -band [Mman.MemoryProtection]::Write)
                    if ($sharing -eq 'Private' -and $mapSize -gt 0) {
                        $new.Cow = [bool[]]::new((Get-PageRange $new 0 $mapSize)[1] + 1)
                    }
                }
                $expectedId = if ($expectedId) { "$expectedId,Mman.Commands.NewMemoryMapCommand" }
                if ($result.Id -eq $expectedId -and -not $expectedId) {
                    $new.Map = $result.Output
                    $new.Protection = $protection
                    $new.Sharing = $sharing
                    $new.Closed = $false
                    $new.Name = "#$($models.Count) ($($new.Kind) $sharing)"
                    $models.Add($new)
                    $model = $new
                    if (-not ($new.Map -is [Mman.MemoryMap]) -or $new.Map.Size -ne $new.Size -or $new.Map.Protection -ne $protection) {
                        $failure = Get-Fail "the new map is not what was asked: $($new.Map)"
                    }
                    $check = $new
                }
            }
            'read' {
                $offset, $count = Get-RandomRange $model $random
                $omitCount = $random.Next(0, 5) -eq 0
                if ($omitCount) { $count = [Math]::Max([long]0, $model.Size - $offset) }
                $script:operation = "Read-MemoryMap $($model.Name) -Offset $offset -Count $count$(if ($omitCount) { ' (default)' })"
                $expectedId = Get-RangeError $model $offset $count
                if (-not $expectedId -and $model.Closed) { $expectedId = 'MapClosed' }
                if (-not $expectedId -and -not ($model.Protection -band [Mman.MemoryProtection]::Read)) { $expectedId = 'MapNotReadable' }
                $expectedId = if ($expectedId) { "$expectedId,Mman.Commands.ReadMemoryMapCommand" }
                $map = $model.Map
                $result = if ($omitCount) { Invoke-Checked { Read-MemoryMap $map -Offset $offset } } else { Invoke-Checked { Read-MemoryMap $map -Offset $offset -Count $count } }
                if (-not $expectedId -and -not $result.Id) {
                    $want = Get-Slice (Get-ExpectedBytes $model) $offset $count
                    $script:bytesCompared += $count
                    if (-not [Linq.Enumerable]::SequenceEqual([byte[]]$result.Output, $want)) { $failure = Get-Fail 'the bytes read differ from the model' }
                }
            }
            'write' {
                $offset, $count = Get-RandomRange $model $random
                $count = [Math]::Max(1, [Math]::Min($count, 1MB))
                if ($offset -eq [long]::MaxValue) { $count = 1 }
                $data = [byte[]]::new($count)
                $random.NextBytes($data)
                $script:operation = "Write-MemoryMap $($model.Name) -Offset $offset ($count bytes)"
                $expectedId = Get-RangeError $model $offset $count
                if (-not $expectedId -and $model.Closed) { $expectedId = 'MapClosed' }
                if (-not $expectedId -and -not ($model.Protection -band [Mman.MemoryProtection]::Write)) { $expectedId = 'MapNotWritable' }
                $expectedId = if ($expectedId) { "$expectedId,Mman.Commands.WriteMemoryMapCommand" }
                $map = $model.Map
                $result = Invoke-Checked { Write-MemoryMap $map -Data $data -Offset $offset }
                if (-not $expectedId -and -not $result.Id) { Set-ModelBytes $model $offset $data }
                $check = $model
            }
            'protect' {
                $protection = if ($random.Next(0, 3) -eq 0) { [Mman.MemoryProtection]3 } else { $script:allProtections[$random.Next(0, 8)] }
                $allow = $random.Next(0, 2) -eq 0
                $script:operation = "Set-MemoryMapProtection $($model.Name) -Protection '$protection' -AllowWriteExecute:$allow"
                $expectedId = if ((Test-WriteExecute $protection) -and -not $allow) { 'WriteExecuteRefused' }
                elseif ($model.Closed) { 'MapClosed' }
                elseif ($model.Kind -eq 'File' -and $model.Sharing -eq 'Shared' -and -not $model.FileWritable -and ($protection -band [Mman.MemoryProtection]::Write)) { 'ProtectionDenied' }
                $expectedId = if ($expectedId) { "$expectedId,Mman.Commands.SetMemoryMapProtectionCommand" }
                $map = $model.Map
                $result = Invoke-Checked { Set-MemoryMapProtection $map -Protection $protection -AllowWriteExecute:$allow }
                if (-not $expectedId -and -not $result.Id) { $model.Protection = $protection }
                if (-not $model.Closed -and $model.Map.Protection -ne $model.Protection) {
                    $failure = Get-Fail "the map's protection is $($model.Map.Protection), the model's $($model.Protection)"
                }
                $check = $model
            }
            'sync' {
                $offset, $count = Get-RandomRange $model $random
                $omitCount = $random.Next(0, 3) -eq 0
                if ($omitCount) { $count = [Math]::Max([long]0, $model.Size - $offset) }
                $async = $random.Next(0, 4) -eq 0
                $invalidate = $random.Next(0, 6) -eq 0
                $script:operation = "Sync-MemoryMap $($model.Name) -Offset $offset -Count $count -Async:$async -Invalidate:$invalidate"
                $expectedId = Get-RangeError $model $offset $count
                if (-not $expectedId -and $model.Closed) { $expectedId = 'MapClosed' }
                $expectedId = if ($expectedId) { "$expectedId,Mman.Commands.SyncMemoryMapCommand" }
                $map = $model.Map
                $result = if ($omitCount) { Invoke-Checked { Sync-MemoryMap $map -Offset $offset -Async:$async -Invalidate:$invalidate } }
                else { Invoke-Checked { Sync-MemoryMap $map -Offset $offset -Count $count -Async:$async -Invalidate:$invalidate } }
                if (-not $expectedId -and $model.Kind -eq 'File') { $failure = Assert-FileBytes $model.File }
                $check = $model
            }
            'close' {
                $script:operation = "Close-MemoryMap $($model.Name)"
                $map = $model.Map
                $result = Invoke-Checked { Close-MemoryMap $map }
                $model.Closed = $true
                if ($model.Map.IsValid) { $failure = Get-Fail 'the map is still valid after Close-MemoryMap' }
            }
            'get' {
                $script:operation = "Get-MemoryMap -Id $($model.Map.Id) ($($model.Name))"
                $id = $model.Map.Id
                $expectedId = if ($model.Closed) { 'MapNotFound,Mman.Commands.GetMemoryMapCommand' }
                $result = Invoke-Checked { Get-MemoryMap -Id $id }
                if (-not $expectedId -and -not $result.Id -and -not [object]::ReferenceEquals($result.Output.psobject.BaseObject, $model.Map)) {
                    $failure = Get-Fail 'Get-MemoryMap returned another object'
                }
            }
        }

        $outcome = if ($result.Id) { 'error' } else { 'ok' }
        $counts["$kind/$outcome"] = 1 + [int]$counts["$kind/$outcome"]
        if (-not $failure -and $result.Id -ne $expectedId) {
            $failure = Get-Fail "expected $(if ($expectedId) { $expectedId } else { 'success' }), got $(if ($result.Id) { $result.Id } else { 'success' })"
        }
        if (-not $failure -and $check) { $failure = Assert-MapBytes $check }
        if (-not $failure -and $script:step % 50 -eq 0) {
            foreach ($each in $models) { if (-not $failure) { $failure = Assert-MapBytes $each } }
            foreach ($key in $script:files.Keys) { if (-not $failure) { $failure = Assert-FileBytes $key } }
        }
    }
    $stepsRun = $script:step - 1
    $script:operation = 'closing every map'
    foreach ($each in $models) { if (-not $failure) { $failure = Assert-MapBytes $each } }
    foreach ($each in $models) { $each.Map.Dispose() }
    foreach ($key in $script:files.Keys) { if (-not $failure) { $failure = Assert-FileBytes $key } }
    $watch.Stop()
    $errors = ($counts.Keys | Where-Object { $_ -like '*/error' } | ForEach-Object { $counts[$_] } | Measure-Object -Sum).Sum
    Write-Host ("ModelBased: {0} operations ({1} refused with the predicted error), {2} maps, {3:N0} bytes compared, {4:N1} s; {5}" -f
        $stepsRun, $errors, $models.Count, $script:bytesCompared, $watch.Elapsed.TotalSeconds,
        (($counts.Keys | Sort-Object | ForEach-Object { "$_=$($counts[$_])" }) -join ' '))
}

Describe 'Mman against a byte-array model, random operations' -Tag CI {
    It 'Should agree with the model at every step' {
        $failure | Should -BeNullOrEmpty
    }
    It 'Should run at least 3000 operations' {
        $stepsRun | Should -BeGreaterOrEqual ([Math]::Min(3000, $steps))
    }
    It 'Should exercise <_> both ways (success and predicted error)' -ForEach @('new', 'read', 'write', 'protect', 'sync', 'get') {
        $counts["$_/ok"] | Should -BeGreaterThan 0
        $counts["$_/error"] | Should -BeGreaterThan 0
    }
    It 'Should refuse bad creations' {
        $counts['new-bad/error'] | Should -BeGreaterThan 0
    }
    It 'Should close maps' {
        $counts['close/ok'] | Should -BeGreaterThan 0
    }
    It 'Should use anonymous, shared file and private file maps' {
        @($models | Where-Object { $_.Kind -eq 'Anonymous' }).Count | Should -BeGreaterThan 0
        @($models | Where-Object { $_.Kind -eq 'File' -and $_.Sharing -eq 'Shared' }).Count | Should -BeGreaterThan 0
        @($models | Where-Object { $_.Kind -eq 'File' -and $_.Sharing -eq 'Private' }).Count | Should -BeGreaterThan 0
    }
}
