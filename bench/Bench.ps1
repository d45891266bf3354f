#requires -Version 7.2
<#
.SYNOPSIS
    Measures Mman against the alternatives and prints one Markdown table, ready for the README.
.DESCRIPTION
    Makes its own data in a temporary folder (1 GiB of random bytes and a sparse 16 GiB file), warms
    the page cache by reading the 1 GiB file once, times every method on the same files in the same
    run, and prints the machine, the date and one table: the median of several repetitions for each
    method, its ratio to each alternative and whether the target is met. The temporary folder is
    removed at the end, also after a failure or Ctrl+C.

    Alternatives outside PowerShell are measured when present: Python 3 (bench/bench.py), a C compiler
    (bench/memcpy.c, compiled into the temporary folder) and grep. Not part of the tests; run it with
    'dotnet pwsh ./build.ps1 Bench', which builds first and runs this script in a fresh pwsh.
.PARAMETER Repetitions
    Timed repetitions of each measurement, each set after one untimed warm-up. The slow ones
    (Get-Content one byte at a time, the sparse-file child process) use at most 3.
.PARAMETER TempRoot
    Where the temporary folder is made; it needs about 2.1 GiB free and a file system with sparse files.
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
#>
[CmdletBinding()]
param(
    [ValidateRange(3, 9)]
    [int] $Repetitions = 5,

    [ValidateNotNullOrEmpty()]
    [string] $TempRoot = [IO.Path]::GetTempPath()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# Progress bars would draw over the output; the measured calls run the same either way.
$ProgressPreference = 'SilentlyContinue'

$clock = [Diagnostics.Stopwatch]::StartNew()

function Get-CpuTicks {
    # Linux only: the machine's busy and total CPU ticks (/proc/stat) and this process's own, its
    # finished children included (/proc/self/stat), to tell how much other processes ran meanwhile.
    if (-not (Test-Path /proc/stat)) { return $null }
    # user nice system idle iowait irq softirq steal (guest time is already in user).
    $all = [long[]]((Get-Content /proc/stat -TotalCount 1) -split '\s+' | Select-Object -Skip 1 -First 8)
    $self = (Get-Content /proc/self/stat -Raw) -replace '^.*\)\s*', '' -split '\s+'
    return [pscustomobject]@{
        Total = ($all | Measure-Object -Sum).Sum
        Busy  = ($all | Measure-Object -Sum).Sum - $all[3] - $all[4]
        # utime, stime, cutime, cstime: fields 14 to 17, counted from the state (field 3) here.
        Self  = [long]$self[11] + [long]$self[12] + [long]$self[13] + [long]$self[14]
    }
}
$ticksAtStart = Get-CpuTicks
$module = if ($env:MMAN_MODULE_PATH) { $env:MMAN_MODULE_PATH } else { Join-Path $PSScriptRoot '../out/Mman/Mman.psd1' }
$module = (Resolve-Path -LiteralPath $module).Path
Import-Module $module

$DataSize = 1GB
$Chunk = 1MB
$SparseSize = 16GB
$SparseRead = 4KB
$Int64Count = 100000
$SmallCalls = 20000
$SmallCount = 16
$GetContentSize = 1MB
$PatternLength = 15
$SlowRepetitions = [Math]::Min(3, $Repetitions)
$Invariant = [Globalization.CultureInfo]::InvariantCulture

#region Helpers

function Write-Status([string] $Text) {
    Write-Host ('[{0:mm\:ss}] {1}' -f $clock.Elapsed, $Text) -ForegroundColor DarkGray
}

function Format-Invariant([string] $Format) {
    return [string]::Format($Invariant, $Format, [object[]]$args)
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    $middle = [Math]::Floor($sorted.Length / 2)
    if ($sorted.Length % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

function Measure-Median {
    # Runs $Warmup (by default $Action) once untimed, then $Action $Times times; the median in seconds.
    # The actions take what they use as parameters: local variables, as in a user's own function, are
    # faster in PowerShell than variables looked up in the script's scope. A full collection before
    # each run, untimed, so no run pays for an earlier run's garbage.
    param([scriptblock] $Action, [object[]] $Arguments = @(), [int] $Times = $Repetitions, [scriptblock] $Warmup)
    $null = if ($Warmup) { & $Warmup @Arguments } else { & $Action @Arguments }
    $seconds = foreach ($run in 1..$Times) {
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = & $Action @Arguments
        $watch.Elapsed.TotalSeconds
    }
    return Get-Median $seconds
}

function Invoke-Timed {
    # Runs a helper (bench.py, the compiled memcpy) that times itself and prints
    # {"seconds": [...], "result": ...}; returns the median and the result.
    param([string] $Command, [object[]] $Arguments)
    $text = & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
    $answer = $text | ConvertFrom-Json
    return [pscustomobject]@{ Seconds = Get-Median $answer.seconds; Result = $answer.result }
}

function Find-Application([string[]] $Names) {
    foreach ($name in $Names) {
        $found = Get-Command -Name $name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if ($found) { return $found.Source }
    }
    return $null
}

function Get-PwshCommand {
    # The pwsh running this script: under 'dotnet pwsh' that is dotnet plus pwsh.dll.
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($process)
}

function Get-Sha256([object] $Data) {
    $sha = [Security.Cryptography.SHA256]::Create()
    try { return [Convert]::ToHexString($sha.ComputeHash($Data)) } finally { $sha.Dispose() }
}

function ConvertTo-Int64Array([byte[]] $Bytes) {
    $values = [long[]]::new($Bytes.Length / 8)
    [Buffer]::BlockCopy($Bytes, 0, $values, 0, $Bytes.Length)
    return , $values
}

function Format-Rate([double] $Bytes, [double] $Seconds) {
    $perSecond = $Bytes / $Seconds
    if ($perSecond -ge 1e8) { return Format-Invariant '{0:N2} GB/s' ($perSecond / 1e9) }
    if ($perSecond -ge 1e6) { return Format-Invariant '{0:N1} MB/s' ($perSecond / 1e6) }
    return Format-Invariant '{0:N3} MB/s ({1:N1} s per MiB)' ($perSecond / 1e6) ($Seconds / ($Bytes / 1MB))
}

function Format-Ratio([double] $Ratio) {
    if ($Ratio -ge 100) { return Format-Invariant '{0:N0}×' $Ratio }
    if ($Ratio -ge 10) { return Format-Invariant '{0:N1}×' $Ratio }
    return Format-Invariant '{0:N2}×' $Ratio
}

$Rows = [Collections.Generic.List[object]]::new()

function Add-Row {
    # One line of the table. With a target: -AtLeast (higher ratio is better) or -AtMost (lower is
    # better); without one, the alternative is shown for information.
    param(
        [string] $Benchmark, [string] $Mman, [string] $Alternative, [string] $Figure,
        [double] $Ratio = [double]::NaN, [double] $AtLeast = [double]::NaN, [double] $AtMost = [double]::NaN,
        [string] $Target, [string] $Missing
    )
    $met = '—'
    $ratioText = '—'
    if ($Missing) {
        $Figure = "not measured ($Missing)"
        if (-not $Target) { $Target = '—' }
        if (-not [double]::IsNaN($AtLeast) -or -not [double]::IsNaN($AtMost)) { $met = 'not measured' }
    }
    elseif (-not [double]::IsNaN($Ratio)) {
        $ratioText = Format-Ratio $Ratio
        if (-not [double]::IsNaN($AtLeast)) {
            $Target = Format-Invariant '≥ {0}×' $AtLeast
            $met = if ($Ratio -ge $AtLeast) { 'met' } else { 'missed' }
        }
        elseif (-not [double]::IsNaN($AtMost)) {
            $Target = Format-Invariant '≤ {0}× the cost' $AtMost
            $met = if ($Ratio -le $AtMost) { 'met' } else { 'missed' }
        }
    }
    if (-not $Target) { $Target = '—' }
    $Rows.Add([pscustomobject]@{
            Benchmark = $Benchmark; Mman = $Mman; Alternative = $Alternative; Figure = $Figure
            Ratio = $ratioText; Target = $Target; Met = $met
        })
}

function Format-MarkdownTable {
    # The rows as a Markdown table whose columns line up in plain text too.
    $columns = [ordered]@{
        Benchmark = 'Benchmark'; Mman = 'Mman'; Alternative = 'Alternative'; Figure = 'Alternative measured'
        Ratio = 'Ratio'; Target = 'Target'; Met = 'Target met / missed'
    }
    $widths = @{}
    foreach ($key in $columns.Keys) {
        $widths[$key] = ( @($columns[$key].Length) + @($Rows | ForEach-Object { $_.$key.Length }) | Measure-Object -Maximum).Maximum
    }
    $line = { param($cells) '| ' + ((@($columns.Keys) | ForEach-Object { $cells[$_].PadRight($widths[$_]) }) -join ' | ') + ' |' }
    & $line $columns
    '|' + ((@($columns.Keys) | ForEach-Object { '-' * ($widths[$_] + 2) }) -join '|') + '|'
    foreach ($row in $Rows) {
        $cells = @{}
        foreach ($key in $columns.Keys) { $cells[$key] = $row.$key }
        & $line $cells
    }
}

function Get-MachineDescription {
    $cpu = $null
    $memory = [GC]::GetGCMemoryInfo().TotalAvailableMemoryBytes
    $os = [Runtime.InteropServices.RuntimeInformation]::OSDescription
    if ($IsLinux) {
        $model = Select-String -LiteralPath /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1
        if ($model) { $cpu = $model.Matches[0].Groups[1].Value }
        $total = Select-String -LiteralPath /proc/meminfo -Pattern '^MemTotal:\s*(\d+) kB' | Select-Object -First 1
        if ($total) { $memory = [long]$total.Matches[0].Groups[1].Value * 1KB }
        if (Test-Path /etc/os-release) {
            $pretty = Select-String -LiteralPath /etc/os-release -Pattern '^PRETTY_NAME="?([^"]+)"?' | Select-Object -First 1
            if ($pretty) { $os = $pretty.Matches[0].Groups[1].Value + ', kernel ' + (uname -r) }
        }
    }
    elseif ($IsMacOS) {
        $cpu = sysctl -n machdep.cpu.brand_string
        $memory = [long](sysctl -n hw.memsize)
    }
    elseif ($IsWindows) {
        $cpu = (Get-CimInstance Win32_Processor | Select-Object -First 1).Name
    }
    if (-not $cpu) { $cpu = [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString() }
    return Format-Invariant '{0}, {1} cores, {2:N1} GiB memory; {3}' $cpu.Trim() ([Environment]::ProcessorCount) ($memory / 1GB) $os
}

#endregion

$python = Find-Application 'python3', 'python'
if ($python -and -not ((& $python --version 2>&1) -match '^Python 3')) { $python = $null }
$compiler = if ($IsWindows) { $null } else { Find-Application 'cc', 'gcc', 'clang' }
$grep = if ($IsWindows) { $null } else { Find-Application 'grep' }
$noPython = 'python3 not found'
$noCompiler = if ($IsWindows) { 'needs POSIX mmap' } else { 'no C compiler found' }
$noGrep = 'grep not found'
$checks = [Collections.Generic.List[string]]::new()
$problems = [Collections.Generic.List[string]]::new()

$work = Join-Path $TempRoot ('mman-bench-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $work
$map = $null
$mmf = $null
$accessor = $null
try {
    #region Data

    Write-Status "Writing 1 GiB of random bytes to $work"
    $dataPath = Join-Path $work 'random-1GiB.bin'
    $buffer = [byte[]]::new($Chunk)
    $stream = [IO.File]::Create($dataPath)
    try {
        for ($done = 0L; $done -lt $DataSize; $done += $Chunk) {
            [Random]::Shared.NextBytes($buffer)
            $stream.Write($buffer, 0, $Chunk)
        }
        # On the disk before any timing starts, so no write-back runs under the read timings.
        $stream.Flush($true)
    }
    finally {
        $stream.Dispose()
    }

    Write-Status 'Warming the page cache: reading the file once (and hashing it for the checks)'
    $stream = [IO.File]::OpenRead($dataPath)
    try { $dataHash = Get-Sha256 $stream } finally { $stream.Dispose() }

    Write-Status 'Writing the sparse 16 GiB file (4 KiB of data at its end)'
    $sparsePath = Join-Path $work 'sparse-16GiB.bin'
    $marker = [byte[]]::new($SparseRead)
    [Random]::Shared.NextBytes($marker)
    $null = New-Item -ItemType File -Path $sparsePath
    if ($IsWindows) { $null = fsutil sparse setflag $sparsePath }
    $stream = [IO.File]::OpenWrite($sparsePath)
    try {
        $stream.SetLength($SparseSize)
        $stream.Position = $SparseSize - $SparseRead
        $stream.Write($marker, 0, $marker.Length)
    }
    finally {
        $stream.Dispose()
    }
    $allocated = if (-not $IsWindows -and (Find-Application 'du')) { [long]((du -k $sparsePath) -split '\s+')[0] } else { $null }

    $memcpy = $null
    if ($compiler) {
        $memcpy = Join-Path $work 'memcpy'
        & $compiler -O2 -o $memcpy (Join-Path $PSScriptRoot 'memcpy.c') 2>&1 | Out-Host
        if ($LASTEXITCODE -ne 0) { $memcpy = $null; $noCompiler = "$compiler failed on memcpy.c" }
    }
    $benchPy = Join-Path $PSScriptRoot 'bench.py'

    $map = New-MemoryMap -Path $dataPath
    $mmf = [IO.MemoryMappedFiles.MemoryMappedFile]::CreateFromFile(
        $dataPath, [IO.FileMode]::Open, [NullString]::Value, 0, [IO.MemoryMappedFiles.MemoryMappedFileAccess]::Read)
    $accessor = $mmf.CreateViewAccessor(0, 0, [IO.MemoryMappedFiles.MemoryMappedFileAccess]::Read)

    #endregion

    #region Sequential reads

    Write-Status 'Sequential read, 1 MiB chunks: Read-MemoryMap'
    $mmanChunked = Measure-Median -Arguments $map, $DataSize, $Chunk -Action {
        param($source, [long] $size, [int] $step)
        for ($offset = 0L; $offset -lt $size; $offset += $step) {
            $null = Read-MemoryMap $source -Offset $offset -Count $step
        }
    }

    Write-Status 'Sequential read, 1 MiB chunks: MemoryMappedViewAccessor.ReadArray, FileStream.Read'
    $readBuffer = [byte[]]::new($Chunk)
    $accessorChunked = Measure-Median -Arguments $accessor, $readBuffer, $DataSize, $Chunk -Action {
        param($source, [byte[]] $buffer, [long] $size, [int] $step)
        for ($offset = 0L; $offset -lt $size; $offset += $step) {
            $null = $source.ReadArray($offset, $buffer, 0, $step)
        }
    }
    $streamChunked = Measure-Median -Arguments $dataPath, $readBuffer, $Chunk -Action {
        param([string] $path, [byte[]] $buffer, [int] $step)
        $stream = [IO.File]::OpenRead($path)
        try { while ($stream.Read($buffer, 0, $step) -gt 0) { } } finally { $stream.Dispose() }
    }

    Write-Status 'Sequential read: Get-Content -AsByteStream on 1 MiB (slow: one object per byte)'
    $getContentBytes = Measure-Median -Arguments $dataPath, $GetContentSize -Times $SlowRepetitions -Warmup {
        param([string] $path) Get-Content -LiteralPath $path -AsByteStream -TotalCount 64KB
    } -Action {
        param([string] $path, [long] $size) Get-Content -LiteralPath $path -AsByteStream -TotalCount $size
    }
    $getContentArray = Measure-Median -Arguments $dataPath, $GetContentSize -Action {
        param([string] $path, [long] $size) Get-Content -LiteralPath $path -AsByteStream -TotalCount $size -ReadCount 0
    }

    Write-Status 'Sequential read, 1 MiB chunks: Python mmap slices, C memcpy'
    $pythonChunked = if ($python) { (Invoke-Timed $python @($benchPy, 'read', $dataPath, $Chunk, $Repetitions)).Seconds }
    $cChunked = if ($memcpy) { (Invoke-Timed $memcpy @($dataPath, $Chunk, $Repetitions)).Seconds }

    Write-Status 'Sequential read, one call of 1 GiB: Read-MemoryMap -Count 1GB'
    $mmanWhole = Measure-Median -Arguments $map, $DataSize -Action { param($source, [long] $size) Read-MemoryMap $source -Count $size }
    $whole = Read-MemoryMap $map -Count $DataSize
    if ((Get-Sha256 $whole) -eq $dataHash) { $checks.Add('the 1 GiB read has the file''s SHA-256') }
    else { $problems.Add('the 1 GiB Read-MemoryMap differs from the file') }
    $whole = $null

    $rate = Format-Rate $DataSize $mmanChunked
    $benchmark = 'Sequential read, 1 MiB chunks (1,024 Read-MemoryMap calls)'
    Add-Row $benchmark $rate 'Python mmap slices m[o:o+1 MiB]' (Format-Rate $DataSize $pythonChunked) `
        -Ratio ($pythonChunked / $mmanChunked) -AtLeast 0.5 -Missing $(if (-not $python) { $noPython })
    Add-Row $benchmark $rate 'FileStream.Read from PowerShell' (Format-Rate $DataSize $streamChunked) `
        -Ratio ($streamChunked / $mmanChunked) -AtLeast 2
    Add-Row $benchmark $rate 'MemoryMappedViewAccessor.ReadArray from PowerShell' (Format-Rate $DataSize $accessorChunked) `
        -Ratio ($accessorChunked / $mmanChunked)
    Add-Row $benchmark $rate 'Get-Content -AsByteStream -TotalCount 1MB (one object per byte)' (Format-Rate $GetContentSize $getContentBytes) `
        -Ratio (($getContentBytes / $GetContentSize) / ($mmanChunked / $DataSize))
    Add-Row $benchmark $rate 'Get-Content -AsByteStream -TotalCount 1MB -ReadCount 0 (one array)' (Format-Rate $GetContentSize $getContentArray) `
        -Ratio (($getContentArray / $GetContentSize) / ($mmanChunked / $DataSize))
    Add-Row $benchmark $rate 'C memcpy loop over an mmap (physical limit)' (Format-Rate $DataSize $cChunked) `
        -Ratio ($cChunked / $mmanChunked) -Missing $(if (-not $memcpy) { $noCompiler })
    Add-Row 'Sequential read, one call (Read-MemoryMap -Count 1GB)' (Format-Rate $DataSize $mmanWhole) `
        'C memcpy loop over an mmap, 1 MiB chunks' (Format-Rate $DataSize $cChunked) `
        -Ratio ($cChunked / $mmanWhole) -AtLeast 0.7 -Missing $(if (-not $memcpy) { $noCompiler })

    #endregion

    #region Random Int64 reads

    Write-Status 'Random Int64 reads: 100,000 offsets'
    $offsets = [long[]]::new($Int64Count)
    for ($i = 0; $i -lt $Int64Count; $i++) { $offsets[$i] = [Random]::Shared.NextInt64(0, $DataSize - 8 + 1) }
    $mmanGather = Measure-Median -Arguments $map, $offsets -Action {
        param($source, [long[]] $at) Read-MemoryMap $source -Offset $at -As Int64
    }
    $mmanValues = Read-MemoryMap $map -Offset $offsets -As Int64
    $readInt64 = {
        param($source, [long[]] $at)
        $n = $at.Length
        $values = [long[]]::new($n)
        for ($i = 0; $i -lt $n; $i++) { $values[$i] = $source.ReadInt64($at[$i]) }
        , $values
    }
    $accessorGather = Measure-Median -Arguments $accessor, $offsets -Action $readInt64
    $accessorValues = & $readInt64 $accessor $offsets
    $same = [Linq.Enumerable]::SequenceEqual([long[]]$mmanValues, [long[]]$accessorValues)
    $pythonGather = $null
    if ($python) {
        $offsetsPath = Join-Path $work 'offsets.bin'
        $valuesPath = Join-Path $work 'values.bin'
        $bytes = [byte[]]::new($Int64Count * 8)
        [Buffer]::BlockCopy($offsets, 0, $bytes, 0, $bytes.Length)
        if (-not [BitConverter]::IsLittleEndian) { throw 'bench.py takes the offsets little-endian.' }
        [IO.File]::WriteAllBytes($offsetsPath, $bytes)
        $pythonGather = (Invoke-Timed $python @($benchPy, 'int64', $dataPath, $offsetsPath, $valuesPath, $Repetitions)).Seconds
        $pythonValues = ConvertTo-Int64Array ([IO.File]::ReadAllBytes($valuesPath))
        $same = $same -and [Linq.Enumerable]::SequenceEqual([long[]]$mmanValues, [long[]]$pythonValues)
    }
    $who = if ($python) { 'Mman, the accessor and Python' } else { 'Mman and the accessor' }
    if ($same) { $checks.Add("the 100,000 Int64 values are identical from $who") }
    else { $problems.Add("the 100,000 Int64 values differ between $who") }

    $perValue = { param($seconds) Format-Invariant '{0:N3} µs/value ({1:N1} ms per 100,000)' ($seconds * 1e6 / $Int64Count) ($seconds * 1e3) }
    $benchmark = 'Random Int64 reads, 100,000 offsets (one gathered Read-MemoryMap -Offset -As Int64)'
    Add-Row $benchmark (& $perValue $mmanGather) 'Python struct.unpack_from loop over mmap' (& $perValue $pythonGather) `
        -Ratio ($pythonGather / $mmanGather) -AtLeast 10 -Missing $(if (-not $python) { $noPython })
    Add-Row $benchmark (& $perValue $mmanGather) 'MemoryMappedViewAccessor.ReadInt64, PowerShell loop' (& $perValue $accessorGather) `
        -Ratio ($accessorGather / $mmanGather)

    #endregion

    #region Small reads

    Write-Status 'Per-call cost: 20,000 small reads and 20,000 Write-Output calls'
    $token = 16
    $mmanSmall = Measure-Median -Arguments $map, $SmallCalls, $SmallCount -Action {
        param($source, [int] $calls, [int] $count)
        for ($i = 0; $i -lt $calls; $i++) { $null = Read-MemoryMap $source -Offset 4096 -Count $count }
    }
    $writeOutput = Measure-Median -Arguments $token, $SmallCalls -Action {
        param($value, [int] $calls)
        for ($i = 0; $i -lt $calls; $i++) { $null = Write-Output $value }
    }
    $perCall = { param($seconds) Format-Invariant '{0:N1} µs/call' ($seconds * 1e6 / $SmallCalls) }
    Add-Row 'Small read (16 bytes), per call, in a loop' (& $perCall $mmanSmall) 'Write-Output of one object (the floor of a cmdlet call)' `
        (& $perCall $writeOutput) -Ratio ($mmanSmall / $writeOutput) -AtMost 2

    #endregion

    #region Find

    Write-Status 'Find an absent 15-byte pattern in 1 GiB: Find-MemoryMap, Python mmap.find, grep'
    # Random bytes, but no NUL, CR or LF: grep -f takes one pattern per line.
    $pattern = [byte[]]::new($PatternLength)
    for ($i = 0; $i -lt $PatternLength; $i++) {
        do { $byte = [Random]::Shared.Next(1, 256) } while ($byte -eq 10 -or $byte -eq 13)
        $pattern[$i] = $byte
    }
    $patternPath = Join-Path $work 'pattern.bin'
    [IO.File]::WriteAllBytes($patternPath, $pattern)
    $mmanFind = Measure-Median -Arguments $map, $pattern -Action { param($source, [byte[]] $bytes) Find-MemoryMap $source -Pattern $bytes }
    $absent = @(Find-MemoryMap $map -Pattern $pattern).Count -eq 0
    $pythonFind = $null
    if ($python) {
        $answer = Invoke-Timed $python @($benchPy, 'find', $dataPath, $patternPath, $Repetitions)
        $pythonFind = $answer.Seconds
        $absent = $absent -and $answer.Result -eq -1
    }
    $grepFind = $null
    if ($grep) {
        $locale = $env:LC_ALL
        $env:LC_ALL = 'C'
        try {
            $grepFind = Measure-Median -Arguments $grep, $patternPath, $dataPath -Action {
                param([string] $command, [string] $patternFile, [string] $path)
                $count = & $command -c -a -F -f $patternFile $path
                # grep exits 1 when nothing matches, which is the expected answer here.
                if ($LASTEXITCODE -gt 1) { throw "grep failed with exit code $LASTEXITCODE." }
                $script:grepCount = $count
            }
        }
        finally {
            $env:LC_ALL = $locale
        }
        $absent = $absent -and $grepCount -eq '0'
    }
    if ($absent) { $checks.Add('the pattern is reported absent by every searcher') }
    else { $problems.Add('a searcher found the random pattern (or disagreed); its timing is not a full scan') }

    $benchmark = 'Find an absent 15-byte pattern in 1 GiB (Find-MemoryMap -Pattern)'
    Add-Row $benchmark (Format-Rate $DataSize $mmanFind) 'Python mmap.find' (Format-Rate $DataSize $pythonFind) `
        -Ratio ($pythonFind / $mmanFind) -AtLeast 2 -Missing $(if (-not $python) { $noPython })
    Add-Row $benchmark (Format-Rate $DataSize $mmanFind) 'grep -c -a -F -f (the same bytes, LC_ALL=C)' (Format-Rate $DataSize $grepFind) `
        -Ratio ($grepFind / $mmanFind) -Missing $(if (-not $grep) { $noGrep })

    #endregion

    #region Write and sync

    Write-Status 'Write 1 GiB in 1 MiB chunks and sync: Write-MemoryMap + Sync-MemoryMap, FileStream + Flush($true)'
    $writeChunk = [byte[]]::new($Chunk)
    [Random]::Shared.NextBytes($writeChunk)
    $writePath = Join-Path $work 'written.bin'
    $writeWithMman = {
        param([string] $path, [byte[]] $data, [long] $size)
        $stream = [IO.File]::Create($path)
        try { $stream.SetLength($size) } finally { $stream.Dispose() }
        $target = New-MemoryMap -Path $path -Protection Read, Write
        try {
            for ($offset = 0L; $offset -lt $size; $offset += $data.Length) { Write-MemoryMap $target -Data $data -Offset $offset }
            Sync-MemoryMap $target
        }
        finally {
            Close-MemoryMap $target
        }
    }
    $writeWithStream = {
        param([string] $path, [byte[]] $data, [long] $size)
        $stream = [IO.File]::Create($path)
        try {
            for ($offset = 0L; $offset -lt $size; $offset += $data.Length) { $stream.Write($data, 0, $data.Length) }
            $stream.Flush($true)
        }
        finally {
            $stream.Dispose()
        }
    }
    $timings = @{ Mman = [Collections.Generic.List[double]]::new(); Stream = [Collections.Generic.List[double]]::new() }
    foreach ($warmup in $writeWithMman, $writeWithStream) { & $warmup $writePath $writeChunk 64MB; Remove-Item -LiteralPath $writePath }
    for ($run = 0; $run -lt $Repetitions; $run++) {
        # Alternate which goes first, so neither always follows the other's file deletion.
        $order = if ($run % 2) { 'Stream', 'Mman' } else { 'Mman', 'Stream' }
        foreach ($method in $order) {
            [GC]::Collect()
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $write = if ($method -eq 'Mman') { $writeWithMman } else { $writeWithStream }
            & $write $writePath $writeChunk $DataSize
            $timings[$method].Add($watch.Elapsed.TotalSeconds)
            if ($method -eq 'Mman' -and $run -eq 0) {
                $check = [byte[]]::new($Chunk)
                $stream = [IO.File]::OpenRead($writePath)
                try {
                    $stream.Position = $DataSize - $Chunk
                    $null = $stream.Read($check, 0, $Chunk)
                }
                finally {
                    $stream.Dispose()
                }
                if ((Get-Sha256 $check) -eq (Get-Sha256 $writeChunk)) { $checks.Add('the file written through the map holds the data') }
                else { $problems.Add('the file written through the map does not hold the data') }
            }
            Remove-Item -LiteralPath $writePath
        }
    }
    $mmanWrite = Get-Median $timings.Mman
    $streamWrite = Get-Median $timings.Stream
    Add-Row 'Write 1 GiB in 1 MiB chunks to a new file, then sync (Write-MemoryMap, Sync-MemoryMap)' (Format-Rate $DataSize $mmanWrite) `
        'FileStream.Write in 1 MiB chunks, then Flush($true)' (Format-Rate $DataSize $streamWrite) -Ratio ($streamWrite / $mmanWrite) -AtLeast 1

    #endregion

    #region Sparse file

    Write-Status 'Sparse 16 GiB file: map it and read its last 4 KiB, in a child pwsh'
    $probe = Join-Path $work 'SparseProbe.ps1'
    Set-Content -LiteralPath $probe -Encoding utf8 -Value @'
param([string] $Module, [string] $Path, [int] $Count)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
function Read-End {
    $map = New-MemoryMap -Path $Path
    try { Read-MemoryMap $map -Offset ($map.Size - $Count) -Count $Count } finally { Close-MemoryMap $map }
}
# The same calls once first, so what compiling them costs is not counted.
$null = Read-End
[GC]::Collect()
[GC]::WaitForPendingFinalizers()
[GC]::Collect()
$process = [Diagnostics.Process]::GetCurrentProcess()
$reset = $false
if ($IsLinux) {
    # Writing 5 to clear_refs sets the peak (VmHWM) back to the working set now.
    try {
        $clear = [IO.FileStream]::new('/proc/self/clear_refs', 'Open', 'Write', 'ReadWrite')
        try { $clear.WriteByte([byte][char]'5') } finally { $clear.Dispose() }
        $reset = $true
    }
    catch { }
}
$process.Refresh()
$before = [Environment]::WorkingSet
$peakBefore = $process.PeakWorkingSet64
$map = New-MemoryMap -Path $Path
$bytes = Read-MemoryMap $map -Offset ($map.Size - $Count) -Count $Count
$process.Refresh()
$peakAfter = $process.PeakWorkingSet64
$during = [Environment]::WorkingSet
$size = $map.Size
Close-MemoryMap $map
[pscustomobject]@{
    Before = $before; PeakBefore = $peakBefore; PeakAfter = $peakAfter; During = $during; Reset = $reset
    Size = $size; Data = [Convert]::ToBase64String($bytes)
} | ConvertTo-Json -Compress
'@
    $pwsh = Get-PwshCommand
    $increases = [Collections.Generic.List[double]]::new()
    $resetEverywhere = $true
    $sparseOk = $true
    for ($run = 0; $run -lt $SlowRepetitions; $run++) {
        $json = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $probe -Module $module -Path $sparsePath -Count $SparseRead
        if ($LASTEXITCODE -ne 0) { throw "The sparse-file probe failed with exit code $LASTEXITCODE." }
        $answer = $json | ConvertFrom-Json
        $sparseOk = $sparseOk -and $answer.Size -eq $SparseSize -and $answer.Data -eq [Convert]::ToBase64String($marker)
        if ($answer.Reset) {
            $increases.Add($answer.PeakAfter - $answer.Before)
        }
        else {
            # The peak could not be reset: the larger of the working set's growth and the peak's growth.
            $resetEverywhere = $false
            $increases.Add([Math]::Max($answer.During - $answer.Before, $answer.PeakAfter - $answer.PeakBefore))
        }
    }
    if ($sparseOk) { $checks.Add('the last 4 KiB of the sparse file read back as written') }
    else { $problems.Add('the sparse file''s last 4 KiB did not read back as written') }
    $increase = Get-Median $increases
    $how = if ($resetEverywhere) { 'peak working set' } else { 'working set' }
    $sparseText = Format-Invariant '+{0:N0} KiB ({1:N2} MiB) {2}' ($increase / 1KB) ($increase / 1MB) $how
    $Rows.Add([pscustomobject]@{
            Benchmark = 'Sparse 16 GiB file: New-MemoryMap, then Read-MemoryMap of its last 4 KiB'; Mman = $sparseText
            Alternative = '— (absolute target)'; Figure = '—'; Ratio = '—'; Target = '< 8 MiB'
            Met = if ($increase -lt 8MB) { 'met' } else { 'missed' }
        })

    #endregion
}
finally {
    if ($map) { Close-MemoryMap $map }
    if ($accessor) { $accessor.Dispose() }
    if ($mmf) { $mmf.Dispose() }
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Continue
}

#region Report

$ticksAtEnd = Get-CpuTicks

$software = @("PowerShell $($PSVersionTable.PSVersion) on $([Runtime.InteropServices.RuntimeInformation]::FrameworkDescription)")
if ($python) { $software += "$(& $python --version 2>&1)" }
if ($compiler) { $software += (& $compiler --version | Select-Object -First 1) }
if ($grep) { $software += (& $grep --version | Select-Object -First 1) }
$sparseNote = if ($null -ne $allocated) { Format-Invariant ' ({0:N0} KiB of it allocated)' $allocated } else { '' }

Write-Host ''
"## Mman benchmark"
''
"- Machine: $(Get-MachineDescription)"
"- Date: $((Get-Date).ToString('yyyy-MM-dd HH:mm zzz', $Invariant))"
"- Software: $($software -join '; ')"
"- Data: 1 GiB of random bytes and a sparse 16 GiB file$sparseNote, made for this run in a temporary folder and removed after it."
if ($ticksAtStart) {
    $others = (($ticksAtEnd.Busy - $ticksAtStart.Busy) - ($ticksAtEnd.Self - $ticksAtStart.Self)) / ($ticksAtEnd.Total - $ticksAtStart.Total)
    Format-Invariant '- Other processes used {0:P0} of the machine''s CPU time during the run (/proc/stat; 0 % would mean the run had it to itself).' ([Math]::Max(0, $others))
}
"- The page cache was warmed before the read timings by reading the 1 GiB file once; every read below is from memory."
''
Format-MarkdownTable
''
(Format-Invariant '- Medians of {0} timed runs, each set after one untimed warm-up run ({1} runs for Get-Content per byte and for the sparse-file child processes). GB/s is 10^9 bytes per second.' $Repetitions $SlowRepetitions)
'- Ratio: Mman''s speed ÷ the alternative''s, higher is better; for the small read, Mman''s time per call ÷ Write-Output''s, lower is better. Rows with no target are for information.'
'- PowerShell methods run as loops over local variables in one pwsh; Mman''s map and the accessor are opened once, outside the timings. Python (bench/bench.py) and C (bench/memcpy.c, -O2) time themselves, without their start-up; the grep timing includes starting grep.'
'- Find: the pattern is 15 random bytes (none of them NUL, CR or LF), absent from the file; grep gets the same bytes as a fixed string from a file, with -a and LC_ALL=C.'
'- Write: each run writes a new file. Mman sizes it with SetLength, maps it Read,Write and Shared, makes 1,024 Write-MemoryMap calls, then Sync-MemoryMap (msync MS_SYNC on Linux); FileStream writes 1,024 times, then Flush($true) (fsync). The two alternate in going first.'
'- Sparse: in a fresh child pwsh, after the same calls once untimed; the increase is the peak working set (VmHWM, reset through /proc/self/clear_refs on Linux) over the working set before New-MemoryMap.'
if ($checks.Count) { "- Checks passed: $($checks -join '; ')." }
if ($problems.Count) { "- CHECKS FAILED: $($problems -join '; ')." }
(Format-Invariant '- Run time: {0:N0} min {1:N0} s, making the data included.' ([Math]::Floor($clock.Elapsed.TotalMinutes)) $clock.Elapsed.Seconds)

#endregion

if ($problems.Count) { exit 1 }
