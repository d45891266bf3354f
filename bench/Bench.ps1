#requires -Version 7.2
<#
.SYNOPSIS
    Measures Mman against the alternatives and prints one Markdown table, ready for the README.
.DESCRIPTION
    Makes its own data in a temporary folder (1 GiB of random bytes, a 72 MiB log-like text and a
    sparse 16 GiB file), warms the page cache by reading the 1 GiB file once, times every method on
    the same data in the same run, and prints the machine, the date and one table: the median of
    several repetitions for each method, its ratio to each alternative and whether the target is met.
    Each Mman figure is compared with an alternative that does the same work (a new array against a
    new array, a reused buffer against a reused buffer). The temporary folder, and the named shared
    memory made for the gathers, are removed at the end, also after a failure or Ctrl+C.

    Alternatives outside PowerShell are measured when present: Python 3 (bench/bench.py), a C compiler
    (bench/memcpy.c and, on Linux, bench/saferoutes.c, compiled into the temporary folder), grep, sh
    and wc. Rows that need a missing tool, or a Read-MemoryMap parameter this build does not have
    (-Buffer), say "not measured" and why. Not part of the tests; run it with
    'dotnet pwsh ./build.ps1 Bench', which builds first and runs this script in a fresh pwsh.

    A method whose first run takes 10 s or more is timed by that run alone, and its row says so.
    The full run needs about 10 minutes, 2.1 GiB free in the temporary folder, and 3 GiB of memory
    (the anonymous and the named copies of the 1 GiB file are held at the same time).
.PARAMETER Repetitions
    Timed repetitions of each measurement, each set after one untimed warm-up. The slow ones
    (Get-Content one byte at a time, the sparse-file child process) use at most 3. Default 5; 3 with
    -Quick.
.PARAMETER TempRoot
    Where the temporary folder is made; it needs about 2.1 GiB free (0.2 GiB with -Quick) and a file
    system with sparse files.
.PARAMETER Only
    Residency: only the data file and the residency row (Get-MemoryMapResidency against fincore on
    the same half-cached file), then the table; a minute or so. Copy: only the Copy-MemoryMap rows
    (a 256 MiB move within a file map, and 4 KiB moves one call each, against Python's mmap.move on
    the same file), then the table; a minute or so. Resize: only the rows of appending to a mapped
    file (Resize-MemoryMap against closing, extending and mapping the file again, and Python's
    mmap.resize); under a minute, no data file. Atomic: only the rows of the integer cmdlets (an
    atomic add per call against the cmdlet floor; the round trip between two processes through Add-
    and Wait-MemoryMapInteger against pipes and Python), without the data file; a minute or so.
    Records: only the records rows (Read-MemoryMap -Layout and Write-MemoryMap -Layout of 100,000
    four-field records against Python's struct.iter_unpack into namedtuples and struct.pack_into, on
    the same file), then the table; no 1 GiB data file. A minute or so. All (the default): every
    row.
.PARAMETER Quick
    For trying the script, not for figures: 64 MiB of data instead of 1 GiB, an 8 MiB text instead
    of 72 MiB, 10,000 gathered offsets instead of 100,000, fewer small-read calls and 3 repetitions
    unless -Repetitions says otherwise. The whole run takes a minute or two. Run it against the
    module in out/ after 'dotnet pwsh ./build.ps1 Build', or the one MMAN_MODULE_PATH names.
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/Bench.ps1 -Quick
.EXAMPLE
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/Bench.ps1 -Only Residency
.EXAMPLE
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/Bench.ps1 -Only Resize
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/Bench.ps1 -Only Atomic
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./bench/Bench.ps1 -Only Records
#>
[CmdletBinding()]
param(
    [ValidateRange(3, 9)]
    [int] $Repetitions = 5,

    [ValidateNotNullOrEmpty()]
    [string] $TempRoot = [IO.Path]::GetTempPath(),

    [switch] $Quick,

    [ValidateSet('All', 'Residency', 'Copy', 'Resize', 'Atomic', 'Records')]
    [string] $Only = 'All'
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

if ($Quick -and -not $PSBoundParameters.ContainsKey('Repetitions')) { $Repetitions = 3 }
$DataSize = if ($Quick) { 64MB } else { 1GB }
$TextSize = if ($Quick) { 8MB } else { 72MB }
$Int64Count = if ($Quick) { 10000 } else { 100000 }
$SmallCalls = if ($Quick) { 2000 } else { 20000 }
$AtomicCalls = if ($Quick) { 2000 } else { 20000 }
$PingPongRounds = if ($Quick) { 500 } else { 2000 }
$GetContentSize = if ($Quick) { 64KB } else { 1MB }
$Chunk = 1MB
# Just under 1 MiB: shows whether anything changes at exactly 1 MiB.
$OddChunk = 1MB - 64
$SparseSize = 16GB
$SparseRead = 4KB
$SmallCount = 16
# The Copy rows: one move of this many bytes within a file map, by a shift smaller than a page, so
# that source and destination overlap; and 4 KiB moves, one call each.
$MoveSize = if ($Quick) { 32MB } else { 256MB }
$MoveShift = 4097
$SmallMove = 4KB
$PatternLength = 15
$Word = 'ERROR'
# The text is the same in every run: the same seed, the same lines.
$TextSeed = 11
$SlowRepetitions = [Math]::Min(3, $Repetitions)
# A method whose first run takes this long is timed by that run alone.
$LongRun = 10
$Invariant = [Globalization.CultureInfo]::InvariantCulture

#region Helpers

function Write-Status([string] $Text) {
    Write-Host ('[{0:mm\:ss}] {1}' -f $clock.Elapsed, $Text) -ForegroundColor DarkGray
}

function Format-Invariant([string] $Format) {
    return [string]::Format($Invariant, $Format, [object[]]$args)
}

function Format-Size([long] $Bytes) {
    # '1 GiB', '1 MiB', '1,048,512 bytes': the sizes named in the table.
    foreach ($unit in @(@(1GB, 'GiB'), @(1MB, 'MiB'), @(1KB, 'KiB'))) {
        if ($Bytes -ge $unit[0] -and $Bytes % $unit[0] -eq 0) { return Format-Invariant '{0:N0} {1}' ($Bytes / $unit[0]) $unit[1] }
    }
    return Format-Invariant '{0:N0} bytes' $Bytes
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    $middle = [Math]::Floor($sorted.Length / 2)
    if ($sorted.Length % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

function Measure-Run {
    # Runs $Warmup (by default $Action) once, then $Action $Times times. Returns the median seconds,
    # the median number of gen2 collections during a timed run (GC.CollectionCount(2) after minus
    # before), how many runs were timed and, with -KeepOutput, the output of the last run (for the
    # checks; without it the output is discarded, as '$null = ...' does).
    # The actions take what they use as parameters: local variables, as in a user's own function, are
    # faster in PowerShell than variables looked up in the script's scope. A full collection before
    # each run, untimed and not counted, so no run pays for an earlier run's garbage. When the first
    # run of $Action takes $LongRun seconds or more it is the only timing: repeating it would take
    # too long, and what a first run adds (compiling, page tables) is lost in that much time.
    param([scriptblock] $Action, [object[]] $Arguments = @(), [int] $Times = $Repetitions, [scriptblock] $Warmup, [switch] $KeepOutput)
    $seconds = [Collections.Generic.List[double]]::new()
    $collections = [Collections.Generic.List[double]]::new()
    $output = $null
    for ($run = 0; $run -le $Times; $run++) {
        $block = if ($run -eq 0 -and $Warmup) { $Warmup } else { $Action }
        $output = $null
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        $gen2 = [GC]::CollectionCount(2)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        if ($KeepOutput) { $output = & $block @Arguments } else { $null = & $block @Arguments }
        $elapsed = $watch.Elapsed.TotalSeconds
        $gen2 = [GC]::CollectionCount(2) - $gen2
        if ($run -eq 0 -and ($Warmup -or $elapsed -lt $LongRun)) { continue }
        $seconds.Add($elapsed)
        $collections.Add($gen2)
        if ($run -eq 0) { break }
    }
    return [pscustomobject]@{
        Seconds = Get-Median $seconds; Gen2 = Get-Median $collections; Runs = $seconds.Count; Output = $output
    }
}

function Measure-Interleaved {
    # Like Measure-Run for several methods compared in one row, but their runs take turns (A B C, A B C,
    # ...), after one untimed warm-up round: whatever the machine does over the minutes of a set (the
    # page cache, memory a hypervisor has to hand back, the GC's tuning) falls on every method alike,
    # not on whichever happens to go first. $Methods is an ordered dictionary of name -> @(action,
    # arguments); returns a dictionary of name -> the object Measure-Run returns.
    param([System.Collections.Specialized.OrderedDictionary] $Methods, [int] $Times = $Repetitions)
    $seconds = @{}
    $collections = @{}
    foreach ($name in $Methods.Keys) {
        $seconds[$name] = [Collections.Generic.List[double]]::new()
        $collections[$name] = [Collections.Generic.List[double]]::new()
    }
    for ($run = 0; $run -le $Times; $run++) {
        foreach ($name in $Methods.Keys) {
            $action, $arguments = $Methods[$name]
            [GC]::Collect()
            [GC]::WaitForPendingFinalizers()
            $gen2 = [GC]::CollectionCount(2)
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $null = & $action @arguments
            $elapsed = $watch.Elapsed.TotalSeconds
            if ($run -eq 0) { continue }
            $seconds[$name].Add($elapsed)
            $collections[$name].Add([GC]::CollectionCount(2) - $gen2)
        }
    }
    $results = @{}
    foreach ($name in $Methods.Keys) {
        $results[$name] = [pscustomobject]@{
            Seconds = Get-Median $seconds[$name]; Gen2 = Get-Median $collections[$name]; Runs = $seconds[$name].Count; Output = $null
        }
    }
    return $results
}

function Measure-Median {
    # Measure-Run's median seconds alone.
    param([scriptblock] $Action, [object[]] $Arguments = @(), [int] $Times = $Repetitions, [scriptblock] $Warmup)
    return (Measure-Run @PSBoundParameters).Seconds
}

function Invoke-Timed {
    # Runs a helper (bench.py, the compiled memcpy) that times itself and prints
    # {"seconds": [...], "result": ...}; returns the median and the result.
    param([string] $Command, [object[]] $Arguments)
    $answer = Invoke-Helper $Command $Arguments
    return [pscustomobject]@{ Seconds = Get-Median $answer.seconds; Result = $answer.result }
}

function Invoke-Helper {
    # Runs a helper that prints one JSON line; returns it parsed.
    param([string] $Command, [object[]] $Arguments)
    $text = & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
    return $text | ConvertFrom-Json
}

function Find-Application([string[]] $Names) {
    foreach ($name in $Names) {
        $found = Get-Command -Name $name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if ($found) { return $found.Source }
    }
    return $null
}

function Build-Helper([string] $Name) {
    # Compiles bench/<Name>.c into the temporary folder (no binaries are committed); $null on failure.
    $output = Join-Path $work $Name
    & $compiler -O2 -o $output (Join-Path $PSScriptRoot "$Name.c") 2>&1 | Out-Host
    if ($LASTEXITCODE -ne 0) { return $null }
    return $output
}

function Get-PwshCommand {
    # The pwsh running this script: under 'dotnet pwsh' that is dotnet plus pwsh.dll.
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return , @($process)
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

function Test-SameInt64([object] $Expected, [object] $Actual) {
    return $null -ne $Expected -and $null -ne $Actual -and [Linq.Enumerable]::SequenceEqual([long[]]$Expected, [long[]]$Actual)
}

function Get-Ratio([object] $Numerator, [object] $Denominator) {
    # NaN when either side was not measured.
    if ($null -eq $Numerator -or $null -eq $Denominator -or $Denominator -eq 0) { return [double]::NaN }
    return [double]$Numerator / [double]$Denominator
}

function Format-Rate([double] $Bytes, [object] $Seconds) {
    if ($null -eq $Seconds -or $Seconds -le 0) { return '—' }
    $perSecond = $Bytes / $Seconds
    if ($perSecond -ge 1e8) { return Format-Invariant '{0:N2} GB/s' ($perSecond / 1e9) }
    if ($perSecond -ge 1e6) { return Format-Invariant '{0:N1} MB/s' ($perSecond / 1e6) }
    return Format-Invariant '{0:N3} MB/s ({1:N1} s per MiB)' ($perSecond / 1e6) ($Seconds / ($Bytes / 1MB))
}

function Format-Measured {
    # A rate with what the run cost besides: gen2 collections, and a mark when one run was timed.
    param([double] $Bytes, [object] $Measured)
    if ($null -eq $Measured) { return '—' }
    $text = (Format-Rate $Bytes $Measured.Seconds) + (Format-Invariant ', {0:N0} gen2 GCs' $Measured.Gen2)
    return $text + (Format-Once $Measured)
}

function Format-Once([object] $Measured) {
    if ($Measured.Runs -eq 1 -and $Repetitions -gt 1) { return Format-Invariant ' (one run: its first took over {0} s)' $LongRun }
    return ''
}

function Format-Ratio([double] $Ratio) {
    if ($Ratio -ge 100) { return Format-Invariant '{0:N0}×' $Ratio }
    if ($Ratio -ge 10) { return Format-Invariant '{0:N1}×' $Ratio }
    return Format-Invariant '{0:N2}×' $Ratio
}

$Rows = [Collections.Generic.List[object]]::new()

function Add-Row {
    # One line of the table. With a target: -AtLeast (higher ratio is better) or -AtMost (lower is
    # better); without one, the alternative is shown for information. -Missing says why the
    # alternative, -MmanMissing why Mman's side, was not measured.
    param(
        [string] $Benchmark, [string] $Mman, [string] $Alternative, [string] $Figure,
        [double] $Ratio = [double]::NaN, [double] $AtLeast = [double]::NaN, [double] $AtMost = [double]::NaN,
        [string] $Missing, [string] $MmanMissing
    )
    $target = '—'
    if (-not [double]::IsNaN($AtLeast)) { $target = Format-Invariant '≥ {0}×' $AtLeast }
    elseif (-not [double]::IsNaN($AtMost)) { $target = Format-Invariant '≤ {0}× the cost' $AtMost }
    $met = '—'
    $ratioText = '—'
    if ($MmanMissing) { $Mman = "not measured ($MmanMissing)" }
    if ($Missing) { $Figure = "not measured ($Missing)" }
    if ($Missing -or $MmanMissing -or [double]::IsNaN($Ratio)) {
        if ($target -ne '—') { $met = 'not measured' }
    }
    else {
        $ratioText = Format-Ratio $Ratio
        if (-not [double]::IsNaN($AtLeast)) { $met = if ($Ratio -ge $AtLeast) { 'met' } else { 'missed' } }
        elseif (-not [double]::IsNaN($AtMost)) { $met = if ($Ratio -le $AtMost) { 'met' } else { 'missed' } }
    }
    $Rows.Add([pscustomobject]@{
            Benchmark = $Benchmark; Mman = $Mman; Alternative = $Alternative; Figure = $Figure
            Ratio = $ratioText; Target = $target; Met = $met
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

function New-LogText {
    # Log-like ASCII lines, at least $Size bytes, the same for the same seed; the level is ERROR in
    # one line in ten, and the word appears nowhere else. In C#: a PowerShell loop over 900,000 lines
    # takes half a minute.
    param([long] $Size, [int] $Seed)
    if (-not ('MmanBench.LogText' -as [type])) {
        Add-Type -TypeDefinition @'
namespace MmanBench
{
    using System;
    using System.Globalization;
    using System.Text;

    public static class LogText
    {
        private static readonly string[] s_levels = { "INFO ", "INFO ", "INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN ", "WARN ", "ERROR" };
        private static readonly string[] s_services = { "auth", "billing", "cache", "gateway", "orders", "search", "storage", "worker" };
        private static readonly string[] s_messages =
        {
            "request served", "cache miss", "retrying connection to upstream", "user signed in", "job finished",
            "timeout waiting for lock", "disk usage above threshold", "payload rejected by validator",
        };

        public static byte[] Make(long size, int seed)
        {
            var random = new Random(seed);
            var text = new StringBuilder(checked((int)size + 256));
            long ticks = new DateTime(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc).Ticks;
            while (text.Length < size)
            {
                ticks += random.Next(1, 4000000);
                text.AppendFormat(
                    CultureInfo.InvariantCulture,
                    "{0:yyyy-MM-ddTHH:mm:ss.fff}Z {1} {2}[{3}]: {4}, id {5:x8}, took {6} ms\n",
                    new DateTime(ticks), s_levels[random.Next(10)], s_services[random.Next(8)], random.Next(100, 10000),
                    s_messages[random.Next(8)], random.Next(), random.Next(1, 2000));
            }

            return Encoding.ASCII.GetBytes(text.ToString());
        }
    }
}
'@
    }
    return , [MmanBench.LogText]::Make($Size, $Seed)
}

#endregion

$python = Find-Application 'python3', 'python'
if ($python -and -not ((& $python --version 2>&1) -match '^Python 3')) { $python = $null }
$compiler = if ($IsWindows) { $null } else { Find-Application 'cc', 'gcc', 'clang' }
$grep = if ($IsWindows) { $null } else { Find-Application 'grep' }
$shell = if ($IsWindows) { $null } else { Find-Application 'sh' }
$wc = if ($IsWindows) { $null } else { Find-Application 'wc' }
$noPython = 'python3 not found'
$noCompiler = if ($IsWindows) { 'needs POSIX mmap' } else { 'no C compiler found' }
$noGrep = 'grep not found'
$noGrepCount = if (-not ($grep -and $shell -and $wc)) { 'grep, sh or wc not found' }
$noSafeRoutes = if (-not $IsLinux) { 'Linux only: process_vm_readv, F_SETPIPE_SZ' } elseif (-not $compiler) { $noCompiler }
$noNamed = if (-not $IsLinux) { 'measured on Linux only' }
$hasBuffer = (Get-Command Read-MemoryMap).Parameters.ContainsKey('Buffer')
$noBuffer = if (-not $hasBuffer) { 'Read-MemoryMap has no -Buffer in this build' }
# Set by rows that -Only Residency skips; the report reads them.
$allocated = $null
$textText = $null
$checks = [Collections.Generic.List[string]]::new()
$problems = [Collections.Generic.List[string]]::new()

$dataText = Format-Size $DataSize
$chunkText = Format-Size $Chunk
$oddText = Format-Size $OddChunk
$countText = Format-Invariant '{0:N0}' $Int64Count
if ($Quick) { Write-Status "Quick run: $dataText of data, a $(Format-Size $TextSize) text, $countText offsets, $Repetitions repetitions" }

$work = Join-Path $TempRoot ('mman-bench-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $work
$map = $null
$mmf = $null
$accessor = $null
$anon = $null
$named = $null
$namedName = $null
$textMap = $null
$textAnon = $null
$copyMap = $null
try {
    #region Copy

    if ($Only -in 'All', 'Copy') {
        $moveText = Format-Size $MoveSize
        Write-Status "Copy: a $moveText move within a file map and $(Format-Invariant '{0:N0}' $SmallCalls) moves of 4 KiB, against Python's mmap.move on the same file"
        $benchPy = Join-Path $PSScriptRoot 'bench.py'
        $copyPath = Join-Path $work 'move.bin'
        $bytes = [byte[]]::new($MoveSize + 1MB)
        [Random]::Shared.NextBytes($bytes)
        [IO.File]::WriteAllBytes($copyPath, $bytes)
        # The check: one move by Mman of the same bytes, as memmove (Array.Copy) does it.
        $expected = $bytes.Clone()
        [Array]::Copy($expected, 0, $expected, $MoveShift, $MoveSize)
        $copyMap = New-MemoryMap -Path $copyPath -Protection Read, Write
        Copy-MemoryMap $copyMap -Offset 0 -DestinationOffset $MoveShift -Count $MoveSize
        $mmanMoved = [Linq.Enumerable]::SequenceEqual([byte[]](Read-MemoryMap $copyMap), [byte[]]$expected)
        if ($mmanMoved) { $checks.Add("Copy-MemoryMap moved $moveText by $MoveShift bytes as memmove does") }
        else { $problems.Add("Copy-MemoryMap's $moveText move differs from memmove's") }
        $bytes = $null
        $expected = $null

        $bigMove = Measure-Run { param($m, [long] $shift, [long] $count) Copy-MemoryMap $m -Offset 0 -DestinationOffset $shift -Count $count } @($copyMap, $MoveShift, $MoveSize)
        $smallMoves = Measure-Run {
            param($m, [int] $calls, [long] $count)
            for ($i = 0; $i -lt $calls; $i++) { Copy-MemoryMap $m -Offset 0 -DestinationOffset 1 -Count $count }
        } @($copyMap, $SmallCalls, $SmallMove)
        $coreMoves = Measure-Run {
            param($m, [int] $calls, [long] $count)
            for ($i = 0; $i -lt $calls; $i++) { $m.Move(1, 0, $count) }
        } @($copyMap, $SmallCalls, $SmallMove)
        Close-MemoryMap $copyMap
        $copyMap = $null
        $pythonMove = $null
        $pythonMoves = $null
        if ($python) {
            $pythonMove = (Invoke-Timed $python @($benchPy, 'move', $copyPath, $MoveShift, 0, $MoveSize, $Repetitions)).Seconds
            $pythonMoves = (Invoke-Timed $python @($benchPy, 'moves', $copyPath, $SmallMove, $SmallCalls, $Repetitions)).Seconds
        }
        Add-Row ("Move $moveText within a file map by $MoveShift bytes, overlapping (" + '`Copy-MemoryMap -Offset 0 -DestinationOffset 4097`)') `
            (Format-Measured $MoveSize $bigMove) 'Python mmap.move on the same file' (Format-Rate $MoveSize $pythonMove) `
            -Ratio (Get-Ratio $pythonMove $bigMove.Seconds) -Missing $(if (-not $python) { $noPython })
        $perCall = $smallMoves.Seconds / $SmallCalls
        $pythonPerCall = if ($pythonMoves) { $pythonMoves / $SmallCalls }
        $pythonText = if ($pythonPerCall) { Format-Invariant '{0:N2} µs a call' ($pythonPerCall * 1e6) }
        Add-Row 'Move 4 KiB within a file map, one call each (`Copy-MemoryMap -Count 4096` in a loop)' `
            (Format-Invariant '{0:N1} µs a call' ($perCall * 1e6)) 'Python mmap.move(1, 0, 4096) in a loop' $pythonText `
            -Ratio (Get-Ratio $pythonPerCall $perCall) -Missing $(if (-not $python) { $noPython })
        $corePerCall = $coreMoves.Seconds / $SmallCalls
        Add-Row 'Move 4 KiB, one call each, without the cmdlet (`$map.Move(1, 0, 4096)` from PowerShell)' `
            (Format-Invariant '{0:N2} µs a call' ($corePerCall * 1e6)) 'Python mmap.move(1, 0, 4096) in a loop' $pythonText `
            -Ratio (Get-Ratio $pythonPerCall $corePerCall) -Missing $(if (-not $python) { $noPython })
        Remove-Item -LiteralPath $copyPath
    }

    #endregion

    #region Atomic

    if ($Only -in 'All', 'Atomic') {
    # Add-MemoryMapInteger per call against the cheapest cmdlet calls there are, in the same loop shape.
    Write-Status "Atomic: $(Format-Invariant '{0:N0}' $AtomicCalls) calls of Add-MemoryMapInteger against Write-Output and Get-MemoryMap -Id"
    $counterMap = New-MemoryMap -Size 4096
    try {
        $calls = @{
            Add    = { param($m, [int] $n) for ($i = 0; $i -lt $n; $i++) { $null = Add-MemoryMapInteger $m } }, @($counterMap, $AtomicCalls)
            Output = { param($m, [int] $n) for ($i = 0; $i -lt $n; $i++) { $null = Write-Output $i } }, @($counterMap, $AtomicCalls)
            GetMap = { param($m, [int] $n) $id = $m.Id; for ($i = 0; $i -lt $n; $i++) { $null = Get-MemoryMap -Id $id } }, @($counterMap, $AtomicCalls)
        }
        $timings = Measure-Interleaved ([ordered]@{ Add = $calls.Add; Output = $calls.Output; GetMap = $calls.GetMap })
        $expectedCount = $AtomicCalls * ($Repetitions + 1)
        $counted = Get-MemoryMapInteger $counterMap
        if ($counted -eq $expectedCount) { $checks.Add("the counter holds every add ($(Format-Invariant '{0:N0}' $counted))") }
        else { $problems.Add("the counter holds $counted, not $expectedCount") }
    }
    finally { Close-MemoryMap $counterMap }
    $perAdd = $timings.Add.Seconds / $AtomicCalls
    $perOutput = $timings.Output.Seconds / $AtomicCalls
    $perGetMap = $timings.GetMap.Seconds / $AtomicCalls
    Add-Row 'One atomic add (`Add-MemoryMapInteger $map`, per call, in a loop)' (Format-Invariant '{0:N1} µs' ($perAdd * 1e6)) `
        '`Write-Output $i`: the cheapest cmdlet call, doing nothing (the cmdlet floor)' (Format-Invariant '{0:N1} µs' ($perOutput * 1e6)) `
        -Ratio ($perAdd / $perOutput) -AtMost 3
    Add-Row 'One atomic add, against the cheapest Mman cmdlet call' (Format-Invariant '{0:N1} µs' ($perAdd * 1e6)) `
        '`Get-MemoryMap -Id $id`: a lookup in the list of open maps' (Format-Invariant '{0:N1} µs' ($perGetMap * 1e6)) `
        -Ratio ($perAdd / $perGetMap)

    # Wake-up latency: a turn passed back and forth between this process and a child pwsh. Each round
    # trip is two wake-ups, each by an Add-MemoryMapInteger in one process of a Wait-MemoryMapInteger in
    # the other.
    Write-Status "Atomic: ping-pong of $(Format-Invariant '{0:N0}' $PingPongRounds) round trips with a child pwsh, through Wait- and Add-MemoryMapInteger, against pipes"
    $pwsh = Get-PwshCommand
    $turnName = "mman-bench-$PID-turn"
    $turnMap = New-MemoryMap -Name $turnName -Size 4096
    try {
        $side = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$module'
`$map = New-MemoryMap -Name '$turnName'
`$null = Add-MemoryMapInteger `$map -Offset 4
for (`$round = 0; `$round -lt $($PingPongRounds * 2); `$round++) {
    `$null = Wait-MemoryMapInteger `$map -Equal (2 * `$round + 1) -Timeout 60
    `$null = Add-MemoryMapInteger `$map
}
Close-MemoryMap `$map
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($side))
        $child = Start-Process -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru -NoNewWindow
        $null = Wait-MemoryMapInteger $turnMap -Offset 4 -Equal 1 -Timeout 120
        $play = {
            param($m, [int] $first, [int] $n)
            for ($round = $first; $round -lt $first + $n; $round++) {
                $null = Add-MemoryMapInteger $m
                $null = Wait-MemoryMapInteger $m -Equal (2 * $round + 2) -Timeout 60
            }
        }
        # A warm-up half, untimed, then the timed half.
        & $play $turnMap 0 $PingPongRounds
        $self = [Diagnostics.Process]::GetCurrentProcess()
        $cpuBefore = $self.TotalProcessorTime
        $watch = [Diagnostics.Stopwatch]::StartNew()
        & $play $turnMap $PingPongRounds $PingPongRounds
        $mmanPing = $watch.Elapsed.TotalSeconds / $PingPongRounds
        $self.Refresh()
        $mmanPingCpu = ($self.TotalProcessorTime - $cpuBefore).TotalSeconds / ($watch.Elapsed.TotalSeconds)
        if (-not $child.WaitForExit(60000)) { $child.Kill(); $problems.Add('the ping-pong child did not end') }
        if ((Get-MemoryMapInteger $turnMap) -eq 4 * $PingPongRounds) { $checks.Add("the ping-pong ended at $(4 * $PingPongRounds), every turn taken") }
        else { $problems.Add("the ping-pong ended at $(Get-MemoryMapInteger $turnMap), not $(4 * $PingPongRounds)") }
    }
    finally {
        Remove-MemoryMap -Name $turnName -Confirm:$false -ErrorAction Continue
        Close-MemoryMap $turnMap
    }

    # The same round trips through anonymous pipes to a child pwsh that echoes each byte: what a
    # PowerShell user who coordinates two processes without shared memory writes.
    $echo = '$in = [Console]::OpenStandardInput(); $out = [Console]::OpenStandardOutput(); while (($b = $in.ReadByte()) -ge 0) { $out.WriteByte($b); $out.Flush() }'
    $info = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $echo)) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $echoProcess = [Diagnostics.Process]::Start($info)
    try {
        $toChild = $echoProcess.StandardInput.BaseStream
        $fromChild = $echoProcess.StandardOutput.BaseStream
        $bounce = {
            param($writer, $reader, [int] $n)
            for ($i = 0; $i -lt $n; $i++) {
                $writer.WriteByte(1)
                $writer.Flush()
                $null = $reader.ReadByte()
            }
        }
        & $bounce $toChild $fromChild $PingPongRounds
        $watch = [Diagnostics.Stopwatch]::StartNew()
        & $bounce $toChild $fromChild $PingPongRounds
        $pipePing = $watch.Elapsed.TotalSeconds / $PingPongRounds
    }
    finally {
        $echoProcess.StandardInput.Close()
        if (-not $echoProcess.WaitForExit(10000)) { $echoProcess.Kill() }
        $echoProcess.Dispose()
    }
    Add-Row 'Round trip between two pwsh processes (`Add-MemoryMapInteger`, then `Wait-MemoryMapInteger` for the answer)' `
        (Format-Invariant '{0:N0} µs (this side used {1:P0} of a core)' ($mmanPing * 1e6) $mmanPingCpu) `
        'One byte each way through anonymous pipes to a child pwsh (Stream.WriteByte, Flush, ReadByte)' (Format-Invariant '{0:N0} µs' ($pipePing * 1e6)) `
        -Ratio ($mmanPing / $pipePing)
    # A round trip is four cmdlet calls (an add and a wait on each side): its floor, whatever the wake-up costs.
    Add-Row 'Round trip between two pwsh processes, as above, against its four cmdlet calls' (Format-Invariant '{0:N0} µs' ($mmanPing * 1e6)) `
        'Four `Add-MemoryMapInteger` calls in one process (no waiting; measured above)' (Format-Invariant '{0:N0} µs' (4 * $perAdd * 1e6)) `
        -Ratio ($mmanPing / (4 * $perAdd)) -AtMost 2

    if ($python) {
        $pingPy = @"
import multiprocessing as mp, time, json
def echo(c):
    while True:
        x = c.recv()
        if x is None: break
        c.send(x)
if __name__ == '__main__':
    a, b = mp.Pipe()
    p = mp.Process(target=echo, args=(b,)); p.start()
    n = $PingPongRounds
    for i in range(n): a.send(i); a.recv()
    t = time.perf_counter()
    for i in range(n): a.send(i); a.recv()
    s = (time.perf_counter() - t) / n
    a.send(None); p.join()
    print(json.dumps({'seconds': s}))
"@
        $pingPath = Join-Path $work 'pingpong.py'
        Set-Content -LiteralPath $pingPath -Value $pingPy -Encoding utf8
        $pyPing = (Invoke-Helper $python @($pingPath)).seconds
        Add-Row 'Round trip between two processes, as above' (Format-Invariant '{0:N0} µs' ($mmanPing * 1e6)) `
            'Python multiprocessing.Pipe, send and recv between two Python processes' (Format-Invariant '{0:N0} µs' ($pyPing * 1e6)) `
            -Ratio ($mmanPing / $pyPing)
    }
    else {
        Add-Row 'Round trip between two processes, as above' '' 'Python multiprocessing.Pipe' '' -Missing $noPython
    }
    }

    #endregion

    #region Resize

    if ($Only -in 'All', 'Resize') {
        # Appending to a mapped log: 4 KiB at a time to a 16 MiB file, the map growing to cover it.
        # Today's alternative without Resize-MemoryMap: close the map, extend the file, map it again.
        $appendCount = if ($Quick) { 50 } else { 200 }
        $appendPath = Join-Path $work 'append.bin'
        $appendChunk = [byte[]]::new(4KB)
        [Random]::Shared.NextBytes($appendChunk)
        $appendStart = 16MB
        $reset = {
            param([string] $path, [long] $length)
            $stream = [IO.File]::Create($path)
            try { $stream.SetLength($length) } finally { $stream.Dispose() }
        }
        Write-Status "Resize: appending 4 KiB $appendCount times to a mapped 16 MiB file"
        $append = [ordered]@{
            Mman = {
                param([string] $path, [byte[]] $chunk, [int] $times, [long] $start, [scriptblock] $reset)
                & $reset $path $start
                $m = New-MemoryMap -Path $path -Protection Read, Write
                try {
                    for ($i = 0; $i -lt $times; $i++) {
                        $end = $m.Size
                        Resize-MemoryMap $m -Size ($end + $chunk.Length)
                        Write-MemoryMap $m -Data $chunk -Offset $end
                    }
                }
                finally { Close-MemoryMap $m }
            }, @($appendPath, $appendChunk, $appendCount, $appendStart, $reset)
            Remap = {
                param([string] $path, [byte[]] $chunk, [int] $times, [long] $start, [scriptblock] $reset)
                & $reset $path $start
                $m = New-MemoryMap -Path $path -Protection Read, Write
                try {
                    for ($i = 0; $i -lt $times; $i++) {
                        $end = $m.Size
                        Close-MemoryMap $m
                        $stream = [IO.FileStream]::new($path, 'Open', 'ReadWrite', 'ReadWrite')
                        try { $stream.SetLength($end + $chunk.Length) } finally { $stream.Dispose() }
                        $m = New-MemoryMap -Path $path -Protection Read, Write
                        Write-MemoryMap $m -Data $chunk -Offset $end
                    }
                }
                finally { Close-MemoryMap $m }
            }, @($appendPath, $appendChunk, $appendCount, $appendStart, $reset)
        }
        $timings = Measure-Interleaved $append
        $expectedLength = $appendStart + $appendCount * $appendChunk.Length
        if ((Get-Item -LiteralPath $appendPath).Length -eq $expectedLength) { $checks.Add("appending with Resize-MemoryMap and by remapping both end with a file of $expectedLength bytes") }
        else { $problems.Add("the appended file is $((Get-Item -LiteralPath $appendPath).Length) bytes, not $expectedLength") }
        $appendBenchmark = Format-Invariant 'Append 4 KiB {0} times to a mapped 16 MiB file (`Resize-MemoryMap`, then `Write-MemoryMap`)' $appendCount
        $perMman = $timings.Mman.Seconds / $appendCount
        $perRemap = $timings.Remap.Seconds / $appendCount
        Add-Row $appendBenchmark (Format-Invariant '{0:N3} ms per append' ($perMman * 1000)) `
            'Close-MemoryMap, FileStream.SetLength, New-MemoryMap, Write-MemoryMap (a new map, with a new Id, each time)' (Format-Invariant '{0:N3} ms per append' ($perRemap * 1000)) `
            -Ratio ($perRemap / $perMman) -AtLeast 1
        if ($python) {
            $pyScript = 'import mmap,sys,time,os,json; p=sys.argv[1]; n=int(sys.argv[2]); c=os.urandom(4096); s=[]' + "`n" +
                'for r in range(' + ($Repetitions + 1) + '):' + "`n" +
                ' f=open(p,"wb"); f.truncate(16*1024*1024); f.close(); f=open(p,"r+b"); m=mmap.mmap(f.fileno(),0); t=time.perf_counter()' + "`n" +
                ' for i in range(n):' + "`n" +
                '  e=len(m); m.resize(e+4096); m[e:e+4096]=c' + "`n" +
                ' s.append(time.perf_counter()-t); m.close(); f.close()' + "`n" +
                'print(json.dumps({"seconds": s[1:], "result": os.path.getsize(p)}))'
            $pyAnswer = (& $python -c $pyScript $appendPath $appendCount) | ConvertFrom-Json
            $perPython = (Get-Median ([double[]]$pyAnswer.seconds)) / $appendCount
            Add-Row "$appendBenchmark, against Python" (Format-Invariant '{0:N3} ms per append' ($perMman * 1000)) `
                'Python mmap.resize, then a slice assignment (timed inside Python)' (Format-Invariant '{0:N3} ms per append' ($perPython * 1000)) `
                -Ratio ($perPython / $perMman)
        }
        else {
            Add-Row "$appendBenchmark, against Python" '' 'Python mmap.resize' '' -Missing $noPython
        }
    }

    #endregion

    #region Records

    # 100,000 records of 22 bytes (UInt32, Double, Int16, Byte[8]; Python's '<Idh8s'), made by Python
    # or, without it, by Read-MemoryMap's own counterpart; both sides read the same file from the page
    # cache and build one object per record with the four fields.
    $recordsBenchmark = 'Read 100,000 records of 4 fields (`Read-MemoryMap -Layout $layout -Count 100000`)'
    $recordsWriteBenchmark = 'Write 100,000 records of 4 fields back (`Write-MemoryMap -Layout $layout -Record $records`)'
    if ($Only -in 'All', 'Records') {
        $recordCount = 100000
        $recordPath = Join-Path $work 'records.bin'
        $recordLayout = [ordered]@{ Id = 'UInt32'; Value = 'Double'; Small = 'Int16'; Tag = 'Byte[8]' }
        $recordBytes = [byte[]]::new($recordCount * 22)
        [Random]::new(15).NextBytes($recordBytes)
        [IO.File]::WriteAllBytes($recordPath, $recordBytes)
        $recordMap = New-MemoryMap -Path $recordPath -Protection Read, Write
        try {
            Write-Status 'Records: Read-MemoryMap -Layout and Write-MemoryMap -Layout of 100,000 records'
            $readRecords = Measure-Run { param($map, $layout, $count) Read-MemoryMap $map -Layout $layout -Count $count } @($recordMap, $recordLayout, $recordCount) -KeepOutput
            $records = @($readRecords.Output)
            $writeRecords = Measure-Run { param($map, $layout, $records) Write-MemoryMap $map -Layout $layout -Record $records } @($recordMap, $recordLayout, $records)
            if ($records.Count -eq $recordCount -and $records[-1].Id -eq [BitConverter]::ToUInt32($recordBytes, 22 * ($recordCount - 1))) { $checks.Add('Read-MemoryMap -Layout read 100,000 records, the last one''s Id as BitConverter reads it') }
            else { $problems.Add('Read-MemoryMap -Layout did not read the 100,000 records as BitConverter does') }
            $recordSync = $recordMap.Read(0, $recordBytes.Length)
            if ([Linq.Enumerable]::SequenceEqual($recordSync, $recordBytes)) { $checks.Add('the records written back left the file byte-identical') }
            else { $problems.Add('the records written back changed the file') }
            $readText = Format-Invariant '{0:N0} ms' ($readRecords.Seconds * 1000)
            $writeText = Format-Invariant '{0:N0} ms' ($writeRecords.Seconds * 1000)
            if (-not $python) {
                Add-Row $recordsBenchmark $readText 'Python struct.iter_unpack into namedtuples' '' -Missing $noPython
                Add-Row $recordsWriteBenchmark $writeText 'Python struct.pack_into' '' -Missing $noPython
            }
            else {
                $pythonRecords = @'
import collections, json, mmap, statistics, struct, sys, time
path, runs = sys.argv[1], int(sys.argv[2])
R = collections.namedtuple('R', 'Id Value Small Tag')
s = struct.Struct('<Idh8s')
with open(path, 'r+b') as f:
    m = mmap.mmap(f.fileno(), 0)
    reads, writes = [], []
    for run in range(runs + 1):
        t = time.perf_counter(); records = [R._make(v) for v in s.iter_unpack(m)]; reads.append(time.perf_counter() - t)
        t = time.perf_counter()
        for i, r in enumerate(records): s.pack_into(m, i * 22, *r)
        writes.append(time.perf_counter() - t)
    print(json.dumps({'read': statistics.median(reads[1:]), 'write': statistics.median(writes[1:]), 'count': len(records)}))
'@
                $answer = Invoke-Helper $python @('-c', $pythonRecords, $recordPath, $Repetitions)
                if ($answer.count -ne $recordCount) { $problems.Add("Python unpacked $($answer.count) records, not $recordCount") }
                Add-Row $recordsBenchmark $readText 'Python struct.iter_unpack over an mmap of the file into namedtuples' (Format-Invariant '{0:N0} ms' ($answer.read * 1000)) `
                    -Ratio ($answer.read / $readRecords.Seconds)
                Add-Row $recordsWriteBenchmark $writeText 'Python struct.pack_into the mmap, per record' (Format-Invariant '{0:N0} ms' ($answer.write * 1000)) `
                    -Ratio ($answer.write / $writeRecords.Seconds)
            }
        }
        finally {
            Close-MemoryMap $recordMap
        }
    }

    #endregion

    # -Only Copy, Resize, Atomic and Records stop here; the regions below are left unindented so that they read as before.
    if ($Only -in 'All', 'Residency') {

    #region Data

    Write-Status "Writing $dataText of random bytes to $work"
    $dataPath = Join-Path $work 'random.bin'
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

    #region Residency

    # Before the cache is warmed: the file's first half only is cached, as after a job that read it.
    # dd iflag=nocache count=0 drops the whole file from the cache (posix_fadvise DONTNEED; it was
    # flushed above, so no page is dirty), and dd reads the first half back.
    $residencyBenchmark = "Residency of a $dataText file, half of it cached (" + '`Get-MemoryMapResidency -LiteralPath $file`)'
    $fincore = if ($IsLinux) { Find-Application 'fincore' } else { $null }
    $dd = if ($IsLinux) { Find-Application 'dd' } else { $null }
    if (-not $fincore -or -not $dd) {
        $why = if (-not $IsLinux) { 'fincore and a file''s page cache by path are Linux tools here' } else { 'fincore (util-linux) or dd is not installed' }
        Add-Row $residencyBenchmark '' 'fincore on the same file' '' -Missing $why -AtLeast 1
    }
    else {
        Write-Status 'Residency: dropping the file from the cache and reading its first half back (dd), then Get-MemoryMapResidency against fincore'
        & $dd "if=$dataPath" iflag=nocache count=0 status=none
        & $dd "if=$dataPath" of=/dev/null bs=1M "count=$($DataSize / 2 / 1MB)" status=none
        $residency = @{
            Mman    = { param([string] $path) Get-MemoryMapResidency -LiteralPath $path }, @($dataPath)
            Fincore = { param([string] $tool, [string] $path) & $tool --bytes --raw --noheadings --output RES $path }, @($fincore, $dataPath)
        }
        $timings = Measure-Interleaved ([ordered]@{ Mman = $residency.Mman; Fincore = $residency.Fincore })
        $measured = Get-MemoryMapResidency -LiteralPath $dataPath
        $fincoreBytes = [long](& $fincore --bytes --raw --noheadings --output RES $dataPath)
        $fincorePages = [long][Math]::Ceiling($fincoreBytes / $measured.PageSize)
        $residencyText = Format-Invariant '{0:N1} % resident: {1:N0} of {2:N0} pages, fincore {3:N0}' $measured.Percent $measured.ResidentPages $measured.Pages $fincorePages
        if ([Math]::Abs($measured.ResidentPages - $fincorePages) -le 1) { $checks.Add("Get-MemoryMapResidency and fincore agree on the half-cached file ($residencyText)") }
        else { $problems.Add("Get-MemoryMapResidency and fincore disagree on the half-cached file ($residencyText)") }
        $mmanResidency = $timings.Mman.Seconds
        $fincoreResidency = $timings.Fincore.Seconds
        Add-Row $residencyBenchmark (Format-Invariant '{0:N2} ms' ($mmanResidency * 1000)) `
            'fincore --bytes on the same file (a process started per call, as a script runs it)' (Format-Invariant '{0:N2} ms' ($fincoreResidency * 1000)) `
            -Ratio ($fincoreResidency / $mmanResidency) -AtLeast 1
    }

    #endregion

    # -Only Residency stops here; the regions below are left unindented so that they read as before.
    if ($Only -eq 'All') {

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
    $saferoutes = $null
    if ($compiler) {
        $memcpy = Build-Helper 'memcpy'
        if (-not $memcpy) { $noCompiler = "$compiler failed on memcpy.c" }
        if ($IsLinux) {
            $saferoutes = Build-Helper 'saferoutes'
            if (-not $saferoutes) { $noSafeRoutes = "$compiler failed on saferoutes.c" }
        }
    }
    $benchPy = Join-Path $PSScriptRoot 'bench.py'

    $map = New-MemoryMap -Path $dataPath
    $mmf = [IO.MemoryMappedFiles.MemoryMappedFile]::CreateFromFile(
        $dataPath, [IO.FileMode]::Open, [NullString]::Value, 0, [IO.MemoryMappedFiles.MemoryMappedFileAccess]::Read)
    $accessor = $mmf.CreateViewAccessor(0, 0, [IO.MemoryMappedFiles.MemoryMappedFileAccess]::Read)

    #endregion

    #region Chunk loops: a new array per chunk

    # Both sides treat the array alike. Kept: the chunk stays in a variable until the next one
    # replaces it, as in a loop that processes it. Discarded: '$null = ...', no survivor at all, which
    # keeps .NET's large-object-heap budget at its minimum, so a blocking gen2 collection runs every
    # few 1 MiB allocations, whoever allocates.
    $readKept = {
        param($source, [long] $size, [int] $step)
        for ($offset = 0L; $offset -lt $size; $offset += $step) {
            $n = [Math]::Min($step, $size - $offset)
            $chunk = Read-MemoryMap $source -Offset $offset -Count $n
        }
    }
    $streamKept = {
        param([string] $path, [long] $size, [int] $step)
        $stream = [IO.File]::OpenRead($path)
        try {
            for ($offset = 0L; $offset -lt $size; $offset += $step) {
                $n = [Math]::Min($step, $size - $offset)
                $chunk = [byte[]]::new($n)
                $null = $stream.Read($chunk, 0, $n)
            }
        }
        finally {
            $stream.Dispose()
        }
    }
    $readDiscarded = {
        param($source, [long] $size, [int] $step)
        for ($offset = 0L; $offset -lt $size; $offset += $step) {
            $n = [Math]::Min($step, $size - $offset)
            $null = Read-MemoryMap $source -Offset $offset -Count $n
        }
    }
    $streamDiscarded = {
        param([string] $path, [long] $size, [int] $step)
        $stream = [IO.File]::OpenRead($path)
        try {
            for ($offset = 0L; $offset -lt $size; $offset += $step) {
                $n = [Math]::Min($step, $size - $offset)
                $null = $stream.Read([byte[]]::new($n), 0, $n)
            }
        }
        finally {
            $stream.Dispose()
        }
    }
    $allocateKept = {
        param([long] $size, [int] $step)
        for ($offset = 0L; $offset -lt $size; $offset += $step) {
            $n = [Math]::Min($step, $size - $offset)
            $chunk = [byte[]]::new($n)
        }
    }

    Write-Status "Chunk loops, a new array per chunk kept in a variable: Read-MemoryMap, FileStream.Read, allocation alone ($chunkText and $oddText)"
    $kept = Measure-Interleaved ([ordered]@{
            Mman = $readKept, @($map, $DataSize, $Chunk)
            Stream = $streamKept, @($dataPath, $DataSize, $Chunk)
            Allocate = $allocateKept, @($DataSize, $Chunk)
        })
    $mmanKept = $kept.Mman
    $streamKeptRun = $kept.Stream
    $allocateRun = $kept.Allocate
    $odd = Measure-Interleaved ([ordered]@{
            Mman = $readKept, @($map, $DataSize, $OddChunk)
            Stream = $streamKept, @($dataPath, $DataSize, $OddChunk)
        })
    $mmanOdd = $odd.Mman
    $streamOdd = $odd.Stream

    Write-Status 'Chunk loops, each new array discarded at once ($null = ...): Read-MemoryMap, FileStream.Read'
    $discarded = Measure-Interleaved ([ordered]@{
            Mman = $readDiscarded, @($map, $DataSize, $Chunk)
            Stream = $streamDiscarded, @($dataPath, $DataSize, $Chunk)
        })
    $mmanDiscarded = $discarded.Mman
    $streamDiscardedRun = $discarded.Stream

    Write-Status 'Sequential read: Get-Content -AsByteStream (slow: one object per byte)'
    $getContentBytes = Measure-Median -Arguments $dataPath, $GetContentSize -Times $SlowRepetitions -Warmup {
        param([string] $path) Get-Content -LiteralPath $path -AsByteStream -TotalCount 64KB
    } -Action {
        param([string] $path, [long] $size) Get-Content -LiteralPath $path -AsByteStream -TotalCount $size
    }
    $getContentArray = Measure-Median -Arguments $dataPath, $GetContentSize -Action {
        param([string] $path, [long] $size) Get-Content -LiteralPath $path -AsByteStream -TotalCount $size -ReadCount 0
    }

    Write-Status 'Chunk loop: Python mmap slices (a new bytes object per chunk)'
    $pythonChunked = if ($python) { (Invoke-Timed $python @($benchPy, 'read', $dataPath, $Chunk, $Repetitions)).Seconds }

    # Markdown code spans in single quotes, so PowerShell leaves their $ and ` alone.
    $rate = Format-Measured $DataSize $mmanKept
    $benchmark = "Read $dataText in $chunkText chunks, a new array per chunk kept in a variable " + '(`$chunk = Read-MemoryMap $map -Offset $o -Count 1MB`)'
    Add-Row $benchmark $rate 'FileStream.Read into a new `[byte[]]::new(1MB)` per chunk, kept the same way' (Format-Measured $DataSize $streamKeptRun) `
        -Ratio (Get-Ratio $streamKeptRun.Seconds $mmanKept.Seconds) -AtLeast 1
    Add-Row $benchmark $rate 'Python mmap slices m[o:o+1 MiB] (a new bytes object per chunk)' (Format-Rate $DataSize $pythonChunked) `
        -Ratio (Get-Ratio $pythonChunked $mmanKept.Seconds) -Missing $(if (-not $python) { $noPython })
    Add-Row $benchmark $rate 'Allocation alone: `$chunk = [byte[]]::new(1MB)` per chunk, nothing read (the floor of every new-array loop)' `
        (Format-Measured $DataSize $allocateRun) -Ratio (Get-Ratio $allocateRun.Seconds $mmanKept.Seconds)
    Add-Row $benchmark $rate "Get-Content -AsByteStream -TotalCount $(Format-Size $GetContentSize) (one object per byte)" (Format-Rate $GetContentSize $getContentBytes) `
        -Ratio (Get-Ratio ($getContentBytes / $GetContentSize) ($mmanKept.Seconds / $DataSize))
    Add-Row $benchmark $rate "Get-Content -AsByteStream -TotalCount $(Format-Size $GetContentSize) -ReadCount 0 (one array)" (Format-Rate $GetContentSize $getContentArray) `
        -Ratio (Get-Ratio ($getContentArray / $GetContentSize) ($mmanKept.Seconds / $DataSize))
    $benchmark = "Read $dataText in chunks of 1 MiB − 64 bytes, a new array per chunk kept in a variable " + '(`-Count (1MB-64)`)'
    Add-Row $benchmark (Format-Measured $DataSize $mmanOdd) 'FileStream.Read into a new `[byte[]]::new(1MB-64)` per chunk, kept the same way' `
        (Format-Measured $DataSize $streamOdd) -Ratio (Get-Ratio $streamOdd.Seconds $mmanOdd.Seconds) -AtLeast 1
    $benchmark = "Read $dataText in $chunkText chunks, each new array discarded at once " + '(`$null = Read-MemoryMap $map -Offset $o -Count 1MB`)'
    Add-Row $benchmark (Format-Measured $DataSize $mmanDiscarded) '`$null = $stream.Read([byte[]]::new(1MB), 0, 1MB)`, discarded the same way' `
        (Format-Measured $DataSize $streamDiscardedRun) -Ratio (Get-Ratio $streamDiscardedRun.Seconds $mmanDiscarded.Seconds)

    #endregion

    #region Chunk loops: one reused buffer

    Write-Status "Chunk loops into one reused $chunkText array: Read-MemoryMap -Buffer, FileStream.Read, MemoryMappedViewAccessor.ReadArray, C memcpy"
    $reused = [byte[]]::new($Chunk)
    $bufferLoop = {
        param($source, [byte[]] $buffer, [long] $size)
        $total = 0L
        for ($offset = 0L; $offset -lt $size; $offset += $buffer.Length) {
            $total += Read-MemoryMap $source -Buffer $buffer -Offset $offset
        }
        $total
    }
    $streamLoop = {
        param([string] $path, [byte[]] $buffer, [long] $size)
        $total = 0L
        $stream = [IO.File]::OpenRead($path)
        try {
            for ($offset = 0L; $offset -lt $size; $offset += $buffer.Length) {
                $total += $stream.Read($buffer, 0, $buffer.Length)
            }
        }
        finally {
            $stream.Dispose()
        }
        $total
    }
    $coreLoop = {
        param($source, [byte[]] $buffer, [long] $size)
        for ($offset = 0L; $offset -lt $size; $offset += $buffer.Length) {
            $source.Read($offset, $buffer, 0, $buffer.Length)
        }
    }
    $callLoop = {
        # The cmdlet's own cost: the same calls with -Count 0, which copy nothing.
        param($source, [byte[]] $buffer, [long] $size)
        for ($offset = 0L; $offset -lt $size; $offset += $buffer.Length) {
            $null = Read-MemoryMap $source -Buffer $buffer -Offset $offset -Count 0
        }
    }
    $accessorLoop = {
        param($source, [byte[]] $buffer, [long] $size)
        $total = 0L
        for ($offset = 0L; $offset -lt $size; $offset += $buffer.Length) {
            $total += $source.ReadArray($offset, $buffer, 0, $buffer.Length)
        }
        $total
    }
    $methods = [ordered]@{
        Stream = $streamLoop, @($dataPath, $reused, $DataSize)
        Core = $coreLoop, @($map, $reused, $DataSize)
        Accessor = $accessorLoop, @($accessor, $reused, $DataSize)
    }
    $mmanBuffer = $null
    $callBuffer = $null
    if ($hasBuffer) {
        # Checked once, untimed: every byte counted, and the buffer holds the file's last chunk.
        $counted = & $bufferLoop $map $reused $DataSize
        $last = [byte[]]::new($Chunk)
        $stream = [IO.File]::OpenRead($dataPath)
        try {
            $stream.Position = $DataSize - $Chunk
            $null = $stream.Read($last, 0, $Chunk)
        }
        finally {
            $stream.Dispose()
        }
        if ($counted -eq $DataSize -and (Get-Sha256 $reused) -eq (Get-Sha256 $last)) {
            $checks.Add("the -Buffer loop counted $dataText read and ended with the file's last $chunkText")
        }
        else { $problems.Add("the -Buffer loop counted $counted bytes (of $DataSize) or ended with other bytes than the file's") }
        $methods.Insert(0, 'Buffer', @($bufferLoop, @($map, $reused, $DataSize)))
        $methods.Insert(1, 'Calls', @($callLoop, @($map, $reused, $DataSize)))
    }
    $reusedRuns = Measure-Interleaved $methods
    if ($hasBuffer) {
        $mmanBuffer = $reusedRuns.Buffer
        $callBuffer = $reusedRuns.Calls
    }
    $streamBuffer = $reusedRuns.Stream
    $coreBuffer = $reusedRuns.Core
    $accessorBuffer = $reusedRuns.Accessor
    $cChunked = if ($memcpy) { (Invoke-Timed $memcpy @($dataPath, $Chunk, $Repetitions)).Seconds }

    $rate = if ($mmanBuffer) { Format-Measured $DataSize $mmanBuffer }
    $mmanSeconds = if ($mmanBuffer) { $mmanBuffer.Seconds }
    $benchmark = "Read $dataText in $chunkText chunks into one reused array " + '(`$n = Read-MemoryMap $map -Buffer $buffer -Offset $o`)'
    Add-Row $benchmark $rate 'FileStream.Read into one reused array' (Format-Measured $DataSize $streamBuffer) `
        -Ratio (Get-Ratio $streamBuffer.Seconds $mmanSeconds) -AtLeast 0.9 -MmanMissing $noBuffer
    Add-Row $benchmark $rate 'The core method in the same loop, no cmdlet: `$map.Read($o, $buffer, 0, 1MB)`' (Format-Measured $DataSize $coreBuffer) `
        -Ratio (Get-Ratio $coreBuffer.Seconds $mmanSeconds) -MmanMissing $noBuffer
    Add-Row $benchmark $rate 'The cmdlet calls alone: the same loop with `-Count 0`, nothing copied (time, not speed)' `
        $(if ($callBuffer) { Format-Invariant '{0:N1} ms, {1:N1} µs per call' ($callBuffer.Seconds * 1e3) ($callBuffer.Seconds * 1e6 / ($DataSize / $Chunk)) } else { '—' }) `
        -Ratio $(if ($callBuffer) { Get-Ratio $callBuffer.Seconds $mmanSeconds } else { [double]::NaN }) -MmanMissing $noBuffer
    Add-Row $benchmark $rate 'MemoryMappedViewAccessor.ReadArray into one reused array' (Format-Measured $DataSize $accessorBuffer) `
        -Ratio (Get-Ratio $accessorBuffer.Seconds $mmanSeconds) -MmanMissing $noBuffer
    Add-Row $benchmark $rate 'C memcpy loop over an mmap into one reused buffer (the physical limit)' (Format-Rate $DataSize $cChunked) `
        -Ratio (Get-Ratio $cChunked $mmanSeconds) -MmanMissing $noBuffer -Missing $(if (-not $memcpy) { $noCompiler })

    #endregion

    #region One call

    Write-Status "One call of $($dataText): Read-MemoryMap -Count $DataSize, Python m[0:size]"
    $mmanWhole = Measure-Run -Arguments $map, $DataSize -KeepOutput -Action { param($source, [long] $size) Read-MemoryMap $source -Count $size }
    if ((Get-Sha256 $mmanWhole.Output) -eq $dataHash) { $checks.Add("the $dataText read has the file's SHA-256") }
    else { $problems.Add("the $dataText Read-MemoryMap differs from the file") }
    $mmanWhole.Output = $null
    $pythonWhole = $null
    if ($python) {
        $answer = Invoke-Timed $python @($benchPy, 'slice', $dataPath, $Repetitions)
        $pythonWhole = $answer.Seconds
        if ($answer.Result -ne $DataSize) { $problems.Add("Python's slice held $($answer.Result) bytes, not $DataSize") }
    }

    $benchmark = "Read $dataText in one call (" + '`Read-MemoryMap $map -Count ' + $(if ($Quick) { '64MB' } else { '1GB' }) + '`, a new array)'
    $rate = Format-Measured $DataSize $mmanWhole
    Add-Row $benchmark $rate 'Python one slice m[0:size] (a new bytes object)' (Format-Rate $DataSize $pythonWhole) `
        -Ratio (Get-Ratio $pythonWhole $mmanWhole.Seconds) -AtLeast 0.7 -Missing $(if (-not $python) { $noPython })
    Add-Row $benchmark $rate "C memcpy loop over an mmap, $chunkText chunks into one reused buffer" (Format-Rate $DataSize $cChunked) `
        -Ratio (Get-Ratio $cChunked $mmanWhole.Seconds) -Missing $(if (-not $memcpy) { $noCompiler })

    #endregion

    #region Gathers

    Write-Status "Copying the file into anonymous memory$(if ($IsLinux) { ' and named shared memory' }) for the gathers (not timed)"
    $anon = New-MemoryMap -Size $DataSize
    if ($IsLinux) {
        # /dev/shm may be too small for it; then that row says why, and the rest goes on.
        $namedName = "mman-bench-$PID"
        try { $named = New-MemoryMap -Name $namedName -Size $DataSize }
        catch {
            $noNamed = "New-MemoryMap -Name failed: $($_.Exception.Message)"
            $namedName = $null
        }
    }
    $stream = [IO.File]::OpenRead($dataPath)
    try {
        for ($offset = 0L; $offset -lt $DataSize; $offset += $n) {
            $n = $stream.Read($buffer, 0, $Chunk)
            if ($n -le 0) { throw "$dataPath ended at $offset bytes." }
            $null = $anon.Write($offset, $buffer, 0, $n)
            if ($named) { $null = $named.Write($offset, $buffer, 0, $n) }
        }
    }
    finally {
        $stream.Dispose()
    }

    Write-Status "Random Int64 reads: $countText offsets, one gathered call from each map; the accessor, Python"
    $offsets = [long[]]::new($Int64Count)
    for ($i = 0; $i -lt $Int64Count; $i++) { $offsets[$i] = [Random]::Shared.NextInt64(0, $DataSize - 8 + 1) }
    $gather = { param($source, [long[]] $at) Read-MemoryMap $source -Offset $at -As Int64 }
    $gatherFile = Measure-Run -Arguments $map, $offsets -KeepOutput -Action $gather
    $gatherAnon = Measure-Run -Arguments $anon, $offsets -KeepOutput -Action $gather
    $gatherNamed = if ($named) { Measure-Run -Arguments $named, $offsets -KeepOutput -Action $gather }
    $readInt64 = {
        param($source, [long[]] $at)
        $n = $at.Length
        $values = [long[]]::new($n)
        for ($i = 0; $i -lt $n; $i++) { $values[$i] = $source.ReadInt64($at[$i]) }
        , $values
    }
    $accessorGather = Measure-Run -Arguments $accessor, $offsets -KeepOutput -Action $readInt64
    $offsetsPath = Join-Path $work 'offsets.bin'
    if (-not [BitConverter]::IsLittleEndian) { throw 'bench.py and saferoutes.c take the offsets little-endian.' }
    $bytes = [byte[]]::new($Int64Count * 8)
    [Buffer]::BlockCopy($offsets, 0, $bytes, 0, $bytes.Length)
    [IO.File]::WriteAllBytes($offsetsPath, $bytes)
    $pythonGather = $null
    $expected = $accessorGather.Output
    $who = 'the accessor'
    if ($python) {
        $valuesPath = Join-Path $work 'values.bin'
        $pythonGather = (Invoke-Timed $python @($benchPy, 'int64', $dataPath, $offsetsPath, $valuesPath, $Repetitions)).Seconds
        $pythonValues = ConvertTo-Int64Array ([IO.File]::ReadAllBytes($valuesPath))
        if (Test-SameInt64 $expected $pythonValues) { $who = 'the accessor and Python' }
        else { $problems.Add("the accessor's and Python's $countText Int64 values differ") }
    }
    $gathers = [ordered]@{ 'file map' = $gatherFile; 'anonymous map' = $gatherAnon }
    if ($gatherNamed) { $gathers['named shared memory'] = $gatherNamed }
    foreach ($kind in $gathers.Keys) {
        if (Test-SameInt64 $expected $gathers[$kind].Output) { $checks.Add("the $countText Int64 values from Mman's $kind are the same as from $who") }
        else { $problems.Add("the $countText Int64 values from Mman's $kind differ from $who's") }
    }

    Write-Status "Closing the anonymous$(if ($named) { ' and named' }) copies"
    Close-MemoryMap $anon
    $anon = $null
    if ($named) {
        Remove-MemoryMap -Name $namedName -Confirm:$false
        $namedName = $null
        Close-MemoryMap $named
        $named = $null
    }

    $saferoutesAnswer = $null
    if ($saferoutes) {
        Write-Status "The floor of each copy route, in C: $countText random 8-byte reads by memcpy, process_vm_readv, pread, a pipe"
        $routesPath = Join-Path $work 'routes.bin'
        $saferoutesAnswer = Invoke-Helper $saferoutes @($dataPath, $offsetsPath, $routesPath, $Repetitions)
        if (Test-SameInt64 $expected (ConvertTo-Int64Array ([IO.File]::ReadAllBytes($routesPath)))) {
            $checks.Add("saferoutes.c's four routes read the same $countText values as $who")
        }
        else { $problems.Add("saferoutes.c read other values than $who") }
    }

    $perValue = {
        param($seconds)
        if ($null -eq $seconds) { return '—' }
        Format-Invariant '{0:N3} µs/value ({1:N1} ms per {2})' ($seconds * 1e6 / $Int64Count) ($seconds * 1e3) $countText
    }
    $measuredPerValue = { param($measured) if ($measured) { (& $perValue $measured.Seconds) + (Format-Once $measured) } }
    $pythonText = & $perValue $pythonGather
    $call = '(`Read-MemoryMap $map -Offset $offsets -As Int64`)'
    $benchmark = "Random Int64 reads, $countText offsets in one gathered call $call, anonymous map holding the file's $dataText"
    Add-Row $benchmark (& $measuredPerValue $gatherAnon) 'Python struct.unpack_from loop over an mmap of the file' $pythonText `
        -Ratio (Get-Ratio $pythonGather $gatherAnon.Seconds) -AtLeast 10 -Missing $(if (-not $python) { $noPython })
    $benchmark = "Random Int64 reads, $countText offsets in one gathered call $call, file map"
    Add-Row $benchmark (& $measuredPerValue $gatherFile) 'Python struct.unpack_from loop over an mmap of the file' $pythonText `
        -Ratio (Get-Ratio $pythonGather $gatherFile.Seconds) -AtLeast 1.5 -Missing $(if (-not $python) { $noPython })
    Add-Row $benchmark (& $measuredPerValue $gatherFile) 'MemoryMappedViewAccessor.ReadInt64, PowerShell loop' (& $perValue $accessorGather.Seconds) `
        -Ratio (Get-Ratio $accessorGather.Seconds $gatherFile.Seconds)
    $benchmark = "Random Int64 reads, $countText offsets in one gathered call $call, named shared memory holding the file's $dataText"
    Add-Row $benchmark (& $measuredPerValue $gatherNamed) 'Python struct.unpack_from loop over an mmap of the file' $pythonText `
        -Ratio (Get-Ratio $pythonGather $(if ($gatherNamed) { $gatherNamed.Seconds })) -AtLeast 1.5 `
        -Missing $(if (-not $python) { $noPython }) -MmanMissing $noNamed

    $benchmark = "The floor of each copy route: $countText random 8-byte reads from an mmap of the file, in C (bench/saferoutes.c)"
    $routes = [ordered]@{
        'memcpy'           = 'memcpy: plain loads (unsafe: SIGBUS if another process truncates the file)'
        'process_vm_readv' = 'process_vm_readv on our own pid, 1,024 remote iovecs per call'
        'pread'            = 'pread of the file, one call per value'
        'pipe'             = 'writev of 1,024 mapped ranges into a pipe, then one read of it'
    }
    foreach ($route in $routes.Keys) {
        $seconds = if ($saferoutesAnswer) { Get-Median $saferoutesAnswer.routes.$route }
        Add-Row $benchmark ('file map, gathered: ' + (& $measuredPerValue $gatherFile)) $routes[$route] (& $perValue $seconds) `
            -Ratio (Get-Ratio $seconds $gatherFile.Seconds) -Missing $noSafeRoutes
    }

    #endregion

    #region Small reads

    Write-Status "Per-call cost: $(Format-Invariant '{0:N0}' $SmallCalls) small reads and as many Write-Output calls"
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

    #region Find every match

    Write-Status "Making a $(Format-Size $TextSize) log-like text ($Word in one line in ten, seed $TextSeed)"
    $textBytes = New-LogText $TextSize $TextSeed
    $textPath = Join-Path $work 'log.txt'
    [IO.File]::WriteAllBytes($textPath, $textBytes)
    $textLength = $textBytes.Length
    $textText = Format-Invariant '{0:N1} MiB' ($textLength / 1MB)
    $textMap = New-MemoryMap -Path $textPath
    $textAnon = New-MemoryMap -Size $textLength
    $null = $textAnon.Write(0, $textBytes, 0, $textLength)
    $textBytes = $null

    Write-Status "Find-MemoryMap -Text $Word -All: anonymous map, file map (slow in builds that check each match on a file map), Python, grep"
    $findAll = { param($source, [string] $word) Find-MemoryMap $source -Text $word -All }
    $findAnon = Measure-Run -Arguments $textAnon, $Word -KeepOutput -Action $findAll
    $findFile = Measure-Run -Arguments $textMap, $Word -KeepOutput -Action $findAll
    $anonOffsets = [long[]]@(foreach ($found in $findAnon.Output) { $found.Offset })
    $fileOffsets = [long[]]@(foreach ($found in $findFile.Output) { $found.Offset })
    $findAnon.Output = $null
    $findFile.Output = $null
    $matchCount = $anonOffsets.Length
    $counts = [ordered]@{ 'Mman (file map)' = $fileOffsets.Length; 'Mman (anonymous map)' = $anonOffsets.Length }
    if (Test-SameInt64 $anonOffsets $fileOffsets) { $checks.Add("Find-MemoryMap -All gives the same $(Format-Invariant '{0:N0}' $matchCount) offsets on the file map and the anonymous map") }
    else { $problems.Add('Find-MemoryMap -All gives other offsets on the file map than on the anonymous map') }
    $wordPath = Join-Path $work 'word.txt'
    [IO.File]::WriteAllBytes($wordPath, [Text.Encoding]::ASCII.GetBytes($Word))
    $pythonFindAll = $null
    if ($python) {
        $foundPath = Join-Path $work 'found.bin'
        $answer = Invoke-Timed $python @($benchPy, 'findall', $textPath, $wordPath, $foundPath, $Repetitions)
        $pythonFindAll = $answer.Seconds
        $counts['Python'] = [long]$answer.Result
        if (Test-SameInt64 $anonOffsets (ConvertTo-Int64Array ([IO.File]::ReadAllBytes($foundPath)))) { $checks.Add('Python finds the same offsets') }
        else { $problems.Add('Python finds other offsets than Find-MemoryMap -All') }
    }
    $grepFindAll = $null
    if (-not $noGrepCount) {
        $grepFindAll = Measure-Run -Arguments $shell, $Word, $textPath -KeepOutput -Action {
            param([string] $command, [string] $word, [string] $path)
            # One line per match with -o; grep exits 1 when nothing matches, which sh passes on only
            # with pipefail, so the count itself is the check.
            $count = & $command -c 'LC_ALL=C grep -b -o -F -- "$1" "$2" | wc -l' sh $word $path
            if ($LASTEXITCODE -ne 0) { throw "grep | wc failed with exit code $LASTEXITCODE." }
            [long]"$count".Trim()
        }
        $counts['grep'] = $grepFindAll.Output
    }
    $distinct = @($counts.Values | Sort-Object -Unique)
    $countList = ($counts.Keys | ForEach-Object { Format-Invariant '{0} {1:N0}' $_ $counts[$_] }) -join ', '
    if ($distinct.Count -eq 1 -and $matchCount -gt 0) { $checks.Add("every searcher counts $(Format-Invariant '{0:N0}' $matchCount) matches of $Word") }
    else { $problems.Add("the searchers count different matches of $($Word): $countList") }

    $perMatch = {
        param($seconds)
        if ($null -eq $seconds) { return '—' }
        Format-Invariant '{0:N3} s, {1:N2} µs/match' $seconds ($seconds * 1e6 / [Math]::Max(1, $matchCount))
    }
    $findTexts = @{ 'file map' = $findFile; 'anonymous map' = $findAnon }
    foreach ($kind in 'file map', 'anonymous map') {
        $measured = $findTexts[$kind]
        $benchmark = Format-Invariant 'Find-MemoryMap -Text {0} -All in a {1} log ({2:N0} matches), {3}' $Word $textText $matchCount $kind
        $mmanText = (& $perMatch $measured.Seconds) + (Format-Once $measured)
        Add-Row $benchmark $mmanText 'Python mmap.find loop, from each match on (time, not speed)' (& $perMatch $pythonFindAll) `
            -Ratio (Get-Ratio $measured.Seconds $pythonFindAll) -AtMost 2 -Missing $(if (-not $python) { $noPython })
        Add-Row $benchmark $mmanText "grep -b -o -F $Word, lines counted by wc -l (time, not speed)" (& $perMatch $(if ($grepFindAll) { $grepFindAll.Seconds })) `
            -Ratio (Get-Ratio $measured.Seconds $(if ($grepFindAll) { $grepFindAll.Seconds })) -Missing $noGrepCount
    }
    Close-MemoryMap $textMap, $textAnon
    $textMap = $null
    $textAnon = $null

    #endregion

    #region Find an absent pattern

    Write-Status "Find an absent 15-byte pattern in $($dataText): Find-MemoryMap, Python mmap.find, grep"
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
            $grepRun = Measure-Run -Arguments $grep, $patternPath, $dataPath -KeepOutput -Action {
                param([string] $command, [string] $patternFile, [string] $path)
                $count = & $command -c -a -F -f $patternFile $path
                # grep exits 1 when nothing matches, which is the expected answer here.
                if ($LASTEXITCODE -gt 1) { throw "grep failed with exit code $LASTEXITCODE." }
                $count
            }
        }
        finally {
            $env:LC_ALL = $locale
        }
        $grepFind = $grepRun.Seconds
        $absent = $absent -and "$($grepRun.Output)" -eq '0'
    }
    if ($absent) { $checks.Add('the pattern is reported absent by every searcher') }
    else { $problems.Add('a searcher found the random pattern (or disagreed); its timing is not a full scan') }

    $benchmark = "Find an absent 15-byte pattern in $dataText (Find-MemoryMap -Pattern)"
    Add-Row $benchmark (Format-Rate $DataSize $mmanFind) 'Python mmap.find' (Format-Rate $DataSize $pythonFind) `
        -Ratio (Get-Ratio $pythonFind $mmanFind) -AtLeast 2 -Missing $(if (-not $python) { $noPython })
    Add-Row $benchmark (Format-Rate $DataSize $mmanFind) 'grep -c -a -F -f (the same bytes, LC_ALL=C)' (Format-Rate $DataSize $grepFind) `
        -Ratio (Get-Ratio $grepFind $mmanFind) -Missing $(if (-not $grep) { $noGrep })

    #endregion

    #region Write and sync

    Write-Status "Write $dataText in $chunkText chunks and sync: Write-MemoryMap + Sync-MemoryMap, FileStream + Flush(`$true)"
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
    foreach ($warmup in $writeWithMman, $writeWithStream) { & $warmup $writePath $writeChunk ([Math]::Min(64MB, $DataSize)); Remove-Item -LiteralPath $writePath }
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
    Add-Row "Write $dataText in $chunkText chunks to a new file, then sync (Write-MemoryMap, Sync-MemoryMap)" (Format-Rate $DataSize $mmanWrite) `
        "FileStream.Write in $chunkText chunks, then Flush(`$true)" (Format-Rate $DataSize $streamWrite) -Ratio ($streamWrite / $mmanWrite) -AtLeast 1

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
    }
}
finally {
    # Also after a failure or Ctrl+C: every map closed, the named memory's name removed, the folder gone.
    if ($namedName) { Remove-MemoryMap -Name $namedName -Confirm:$false -ErrorAction Continue }
    foreach ($open in $map, $anon, $named, $textMap, $textAnon, $copyMap) { if ($open) { Close-MemoryMap $open } }
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
if ($Quick) { '- QUICK RUN (-Quick): smaller data and fewer repetitions, for trying the script; not figures for the README.' }
"- Machine: $(Get-MachineDescription)"
"- Date: $((Get-Date).ToString('yyyy-MM-dd HH:mm zzz', $Invariant))"
"- Software: $($software -join '; ')"
"- Module: $module"
if ($Only -eq 'Copy') { "- Data: a $(Format-Size ($MoveSize + 1MB)) file of random bytes, made for this run in a temporary folder and removed after it (-Only Copy: the Copy-MemoryMap rows alone)." }
elseif ($Only -eq 'Residency') { "- Data: $dataText of random bytes, made for this run in a temporary folder and removed after it (-Only Residency: the residency row alone)." }
elseif ($Only -eq 'Resize') { '- Data: a 16 MiB file of zeros, made for each run in a temporary folder and removed after it (-Only Resize: the append rows alone).' }
elseif ($Only -eq 'Atomic') { '- Data: none (-Only Atomic: the rows of the integer cmdlets alone).' }
elseif ($Only -eq 'Records') { '- Data: a file of 100,000 random 22-byte records, made for this run in a temporary folder and removed after it (-Only Records: the records rows alone).' }
else { "- Data: $dataText of random bytes, a $textText log-like text and a sparse 16 GiB file$sparseNote, made for this run in a temporary folder and removed after it." }
if ($ticksAtStart) {
    $others = (($ticksAtEnd.Busy - $ticksAtStart.Busy) - ($ticksAtEnd.Self - $ticksAtStart.Self)) / ($ticksAtEnd.Total - $ticksAtStart.Total)
    Format-Invariant '- Other processes used {0:P0} of the machine''s CPU time during the run (/proc/stat; 0 % would mean the run had it to itself).' ([Math]::Max(0.0, $others))
}
if ($Only -eq 'All') { "- The page cache was warmed before the read timings by reading the $dataText file once; every read below is from memory." }
''
Format-MarkdownTable
''
(Format-Invariant '- Medians of {0} timed runs, each set after one untimed warm-up run ({1} runs for Get-Content per byte and for the sparse-file child processes; a method whose first run took {2} s or more was timed by that run alone, and says so). GB/s is 10^9 bytes per second.' $Repetitions $SlowRepetitions $LongRun)
'- Ratio: Mman''s speed ÷ the alternative''s, higher is better; where the target reads "the cost" (the small read, Find -All and the rows beside them), Mman''s time ÷ the alternative''s, lower is better. Rows with no target are for information.'
if ($Only -eq 'All') {
    '- PowerShell methods run as loops over local variables in one pwsh; the maps and the accessor are opened once, outside the timings. Python (bench/bench.py) and C (bench/memcpy.c, bench/saferoutes.c, -O2) time themselves, without their start-up; the grep timings include starting grep.'
    '- New arrays: both sides of a row treat the array alike. "Kept in a variable" (`$chunk = ...` until the next chunk replaces it) is what a loop that processes its chunks does. "Discarded at once" (`$null = ...`) leaves no survivor, so .NET''s large-object-heap budget stays at its minimum and a blocking gen2 collection runs every few 1 MiB allocations, for FileStream as for Mman. "gen2 GCs" is GC.CollectionCount(2) after minus before, in one timed run (median); the full collection before each run is not counted. The allocation-alone row is the floor every new-array method pays. The methods of these rows take turns, run by run (A B C, A B C, ...), so that what the machine does over the minutes (memory the hypervisor hands back, the GC tuning itself) falls on each alike.'
    "- -Buffer: measured only when Read-MemoryMap has a -Buffer parameter (Get-Command); this build $(if ($hasBuffer) { 'has it' } else { 'has not' }). Each call fills the 1 MiB array from -Offset and emits the number of bytes read; FileStream reads into one reused array the same way. The methods take turns run by run, as for new arrays. The -Count 0 row is the same loop copying nothing: what 1,024 calls of the cmdlet cost by themselves (parameter binding and the pipeline), which no copy can win back; the core-method row is the same copies without the cmdlet."
    "- One call: both allocate a new $dataText object: Read-MemoryMap a byte[], Python a bytes object (m[0:size]). C memcpy copies into one reused buffer, so it is the physical limit rather than the same work."
    "- Gathers: the same $countText random offsets for every map and method. The anonymous map (New-MemoryMap -Size) and, on Linux, the named shared memory (New-MemoryMap -Name mman-bench-<pid>, removed with Remove-MemoryMap at the end) were filled with the file's bytes before the timings; Python reads an mmap of the file."
    '- Copy routes (bench/saferoutes.c, Linux): reading file-backed memory by plain loads (memcpy) is the floor, but kills the process with SIGBUS when another process truncates the file; process_vm_readv, pread and writev into a pipe report an error instead. Their per-value cost is the floor of a crash-safe gather by that route; Mman copies file-backed and named memory through such a route, anonymous memory directly.'
    "- Find -All: a log-like text made for the run from a seeded Random (seed $TextSeed), $Word as the level of one line in ten; every searcher must count the same matches, and Mman's file and anonymous maps must give the same offsets (Python's too). Python: i = m.find(p); while i != -1: i = m.find(p, i + 1). grep: sh -c 'grep -b -o -F ERROR FILE | wc -l' with LC_ALL=C."
    '- Find an absent pattern: 15 random bytes (none of them NUL, CR or LF), absent from the file; grep gets the same bytes as a fixed string from a file, with -a and LC_ALL=C.'
    '- Write: each run writes a new file. Mman sizes it with SetLength, maps it Read,Write and Shared, makes one Write-MemoryMap call per chunk, then Sync-MemoryMap (msync MS_SYNC on Linux); FileStream writes as many times, then Flush($true) (fsync). The two alternate in going first.'
    '- Sparse: in a fresh child pwsh, after the same calls once untimed; the increase is the peak working set (VmHWM, reset through /proc/self/clear_refs on Linux) over the working set before New-MemoryMap.'
}
if ($Only -in 'All', 'Copy') {
    "- Copy: Copy-MemoryMap, then Python's mmap.move, on one file of random bytes mapped Shared and Read,Write, the page cache warm (a check move before the timings touched every page). The large move shifts $(Format-Size $MoveSize) up by $MoveShift bytes, so source and destination overlap; on Linux Mman copies file-backed memory through the kernel (process_vm_readv: a file truncated meanwhile is an error, not SIGBUS), overlapping chunks through a buffer, where Python's memmove would end the process with SIGBUS. The 4 KiB rows time $(Format-Invariant '{0:N0}' $SmallCalls) calls in a loop: the cmdlet's binding and pipeline per call, then the core method alone. Ratio: Python's time ÷ Mman's, higher is better."
}
if ($Only -in 'All', 'Residency') { "- Residency (Linux): before the cache is warmed, the $dataText file is dropped from the page cache (dd iflag=nocache count=0) and its first half read back (dd bs=1M), so both tools measure the same half-cached file; the two take turns, run by run. Get-MemoryMapResidency maps the file read-only in 1 GiB windows, asks mincore (and cachestat), unmaps and closes it, and returns its object; fincore runs as a script would run it, a process per call, its --bytes RES read back as text. Ratio: fincore's time ÷ Mman's." }
if ($Only -in 'All', 'Resize') { '- Append (Resize-MemoryMap): each run makes the 16 MiB file anew and maps it Read,Write and Shared; Mman grows the one map by 4 KiB with Resize-MemoryMap (the file is extended and mapped again) and writes the new bytes; the alternative closes the map, extends the file with FileStream.SetLength and maps it again, as a script must without Resize-MemoryMap; the two take turns, run by run. Ratio: the alternative''s time ÷ Mman''s. Python resizes one mmap and assigns the slice, timed inside Python, without the cmdlet''s parameter binding: for information.' }
if ($Only -in 'All', 'Atomic') {
    (Format-Invariant '- Atomic add: {0:N0} calls per run in a for loop over local variables, `$null = ...` for each, the three methods taking turns run by run; the counter is checked to hold every add. Ratio: Mman''s time per call ÷ the other call''s, lower is better.' $AtomicCalls)
    (Format-Invariant '- Round trip: {0:N0} round trips after as many untimed, between this pwsh and a child pwsh started for it (Linux: futex waits, woken by the other side''s Add-MemoryMapInteger; Windows and macOS: the bounded back-off poll). The pipe row bounces one byte off a child pwsh that echoes it: .NET method calls, not cmdlets, so it shows what the cmdlet calls cost rather than the wake-up; the row against four adds shows the wake-up itself (a round trip that cost no more than its four cmdlet calls would be 1×); Python''s row (multiprocessing.Pipe) times itself without its start-up. "Used ... of a core" is this process''s CPU time over the timed rounds ÷ their wall time. Ratio: Mman''s time ÷ the alternative''s, lower is better.' $PingPongRounds)
}
if ($Only -in 'All', 'Records') { "- Records: 100,000 records of 22 bytes (UInt32, Double, Int16, Byte[8]; Python's '<Idh8s'), from the page cache. Read-MemoryMap -Layout copies them out of the map in one checked copy and emits one object per record (in PowerShell 7.4 and later, an instance of a class made for the layout); Python (timing itself, without its start-up) builds a namedtuple per record with struct.iter_unpack over an mmap of the same file. The write puts the same records back: Write-MemoryMap -Layout -Record converts and checks every record first, then copies; Python calls struct.pack_into per record. Ratio: Python's time ÷ Mman's." }
if ($checks.Count) { "- Checks passed: $($checks -join '; ')." }
if ($problems.Count) { "- CHECKS FAILED: $($problems -join '; ')." }
(Format-Invariant '- Run time: {0:N0} min {1:N0} s, making the data included.' ([Math]::Floor($clock.Elapsed.TotalMinutes)) $clock.Elapsed.Seconds)

#endregion

if ($problems.Count) { exit 1 }
