# The bad-input table for BadInput.Tests.ps1, dot-sourced by the test file and by the child pwsh that replays
# the whole table. Not a test file itself (its name does not end in .Tests.ps1).
#
# New-BadInputFixture  makes the files and maps the cases use, in a directory.
# Get-BadInputCase     returns the cases: Cmdlet, Name, Id (FullyQualifiedErrorId, or several acceptable ones),
#                      Category, Run (a script block taking the fixture), Map (the fixture map whose
#                      usability is checked after the case, if the case touches one) and Skip (why the case
#                      cannot run on this system, or nothing). On Windows the special files are Windows' own.
# Test-BadInputFixture returns what is wrong with the fixture (nothing when every map is as it was made).
# Test-BadInputMapUsable returns what is wrong when one map is used normally after a case.

Set-StrictMode -Version Latest

function New-BadInputPattern {
    param([int] $Length, [int] $Seed)
    $bytes = [byte[]]::new($Length)
    for ($i = 0; $i -lt $Length; $i++) { $bytes[$i] = [byte](($i * 7 + $Seed) % 251) }
    return , $bytes
}

function Get-BadInputPlatformGap {
    # What this system cannot make for the fixture, each with the reason its cases are skipped: nothing on
    # Linux. On Windows, symbolic links need a privilege (or Developer Mode) and Wine makes none at all,
    # and Wine has no AF_UNIX sockets (Windows 10 and later have them). Probed, not assumed.
    $gap = @{}
    if (-not $IsWindows) { return $gap }
    $probe = Join-Path ([IO.Path]::GetTempPath()) "mman-test-$PID-badinput-probe-$([Guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $probe
    try {
        $link = Join-Path $probe 'link'
        try { $null = New-Item -ItemType SymbolicLink -Path $link -Target (Join-Path $probe 'target') -ErrorAction Stop } catch { }
        if (-not [IO.FileInfo]::new($link).LinkTarget) {
            $gap.SymbolicLink = 'skipped where no symbolic link can be made: Wine, or no SeCreateSymbolicLinkPrivilege'
        }
        $socket = $null
        try {
            $socket = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::Unix, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Unspecified)
            $socket.Bind([Net.Sockets.UnixDomainSocketEndPoint]::new((Join-Path $probe 'socket')))
        }
        catch { $gap.Socket = 'skipped where no AF_UNIX socket can be made: Wine' }
        finally { if ($socket) { $socket.Dispose() } }
    }
    finally { Remove-Item -LiteralPath $probe -Recurse -Force -ErrorAction SilentlyContinue }
    return $gap
}

function New-BadInputFixture {
    param([Parameter(Mandatory)] [string] $Directory)
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $fx = @{ Dir = (Resolve-Path -LiteralPath $Directory).ProviderPath; Maps = [ordered]@{}; Expect = @{} }
    $fx.Pattern = New-BadInputPattern 8192 3
    $fx.File = Join-Path $fx.Dir 'data.bin'
    [IO.File]::WriteAllBytes($fx.File, $fx.Pattern)
    $fx.Small = Join-Path $fx.Dir 'small.bin'
    [IO.File]::WriteAllBytes($fx.Small, (New-BadInputPattern 100 5))
    $fx.Empty = Join-Path $fx.Dir 'empty.bin'
    [IO.File]::WriteAllBytes($fx.Empty, [byte[]]@())
    $fx.Sub = Join-Path $fx.Dir 'several'
    $null = New-Item -ItemType Directory -Path $fx.Sub
    foreach ($name in 'one.bin', 'two.bin', 'three.bin') { [IO.File]::WriteAllBytes((Join-Path $fx.Sub $name), [byte[]](1, 2, 3)) }
    $null = New-Item -ItemType Directory -Path (Join-Path $fx.Sub 'inner.dir')
    $fx.Missing = Join-Path $fx.Dir 'missing.bin'
    $gap = Get-BadInputPlatformGap
    if ($IsWindows) {
        # Windows' special file: a named pipe, served here so that it exists. A client that opened it and
        # closed it leaves its instance used up, so there are spare instances for the cases that open it.
        $fx.Pipe = "\\.\pipe\mman-test-$PID-badinput-" + [Guid]::NewGuid().ToString('N')
        $fx.PipeServers = @(for ($i = 0; $i -lt 4; $i++) {
                [IO.Pipes.NamedPipeServerStream]::new($fx.Pipe.Substring(9), 'InOut', [IO.Pipes.NamedPipeServerStream]::MaxAllowedServerInstances, 'Byte', 'Asynchronous')
            })
    }
    else {
        $fx.Fifo = Join-Path $fx.Dir 'fifo'
        & mkfifo $fx.Fifo
    }
    $fx.Socket = Join-Path $fx.Dir 'socket'
    if (-not $gap['Socket']) {
        # The socket stays open while the fixture lives: .NET removes the socket file when it closes it.
        $fx.SocketHandle = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::Unix, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Unspecified)
        $fx.SocketHandle.Bind([Net.Sockets.UnixDomainSocketEndPoint]::new($fx.Socket))
    }
    $fx.Dangling = Join-Path $fx.Dir 'dangling'
    $fx.Loop = Join-Path $fx.Dir 'loop-a'
    if (-not $gap['SymbolicLink']) {
        $null = New-Item -ItemType SymbolicLink -Path $fx.Dangling -Target (Join-Path $fx.Dir 'nothing-here')
        $null = New-Item -ItemType SymbolicLink -Path $fx.Loop -Target (Join-Path $fx.Dir 'loop-b')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $fx.Dir 'loop-b') -Target $fx.Loop
    }
    $fx.TruncatedFile = Join-Path $fx.Dir 'truncated.bin'
    [IO.File]::WriteAllBytes($fx.TruncatedFile, (New-BadInputPattern 16384 9))

    $page = New-BadInputPattern 4096 1
    function Add-Map([string] $Key, $Map, [byte[]] $Bytes, [long] $At = 0) {
        $fx.Maps[$Key] = $Map
        $fx.Expect[$Key] = @{ Valid = $Map.IsValid; Protection = "$($Map.Protection)"; Bytes = $Bytes; At = $At }
    }
    $anon = New-MemoryMap -Size 4096; Write-MemoryMap $anon -Data $page
    Add-Map Anon $anon $page
    $shared = New-MemoryMap -Size 4096 -Sharing Shared; Write-MemoryMap $shared -Data $page
    Add-Map Shared $shared $page
    $readOnly = New-MemoryMap -Size 4096; Write-MemoryMap $readOnly -Data $page; Set-MemoryMapProtection $readOnly -Protection Read
    Add-Map ReadOnly $readOnly $page
    $readExec = New-MemoryMap -Size 4096; Write-MemoryMap $readExec -Data $page; Set-MemoryMapProtection $readExec -Protection Read, Execute
    Add-Map ReadExec $readExec $page
    Add-Map None (New-MemoryMap -Size 4096 -Protection None) $null
    Add-Map WriteOnly (New-MemoryMap -Size 4096 -Protection Write) $null
    Add-Map ExecOnly (New-MemoryMap -Size 4096 -Protection Execute) $null
    $closed = New-MemoryMap -Size 4096; Close-MemoryMap $closed
    Add-Map Closed $closed $null
    $closedFile = New-MemoryMap -Path $fx.File -Protection Read, Write; Close-MemoryMap $closedFile
    Add-Map ClosedFile $closedFile $null
    Add-Map FileShared (New-MemoryMap -Path $fx.File -Protection Read, Write) $fx.Pattern
    Add-Map FileRead (New-MemoryMap -Path $fx.File) $fx.Pattern
    Add-Map FilePrivate (New-MemoryMap -Path $fx.File -Protection Read, Write -Sharing Private) $fx.Pattern
    Add-Map FileOffset (New-MemoryMap -Path $fx.File -Offset 5000 -Size 3000 -Protection Read, Write) ([byte[]]$fx.Pattern[5000..7999])
    $truncated = New-MemoryMap -Path $fx.TruncatedFile -Protection Read, Write
    $stream = [IO.FileStream]::new($fx.TruncatedFile, 'Open', 'ReadWrite', 'ReadWrite')
    if ($IsWindows) {
        # Windows refuses to shrink a file while a view of it is mapped (ERROR_USER_MAPPED_FILE, "The requested
        # operation cannot be performed on a file with a user-mapped section open"): the map keeps all its
        # bytes, which Test-BadInputFixture checks after every case.
        $refused = $null
        try { $stream.SetLength(5000) } catch { $refused = $_.Exception.GetBaseException() } finally { $stream.Dispose() }
        if (-not $refused) { throw "Windows truncated $($fx.TruncatedFile) while a view of it was mapped" }
        if ($refused.HResult -ne [int]0x800704C8) { throw "Truncating $($fx.TruncatedFile) failed otherwise than with ERROR_USER_MAPPED_FILE: $refused" }
        if ((Get-Item -LiteralPath $fx.TruncatedFile).Length -ne 16384) { throw "$($fx.TruncatedFile) changed its length" }
        Add-Map Truncated $truncated (New-BadInputPattern 16384 9)
    }
    else {
        try { $stream.SetLength(5000) } finally { $stream.Dispose() }
        Add-Map Truncated $truncated ([byte[]](New-BadInputPattern 16384 9)[0..4999])
    }
    # Read-only: a 3 GiB private writable map would be charged in full under strict overcommit (vm.overcommit_memory=2).
    Add-Map Huge (New-MemoryMap -Size 3GB -Protection Read) ([byte[]]::new(16)) (3GB - 16)
    $sentinel = New-MemoryMap -Size 65536; Write-MemoryMap $sentinel -Data $page -Offset 60000
    Add-Map Sentinel $sentinel $page 60000
    return $fx
}

function Test-BadInputFixture {
    # Every map still open or closed as made, with its protection and its bytes; the file unchanged.
    param([Parameter(Mandatory)] $Fixture)
    foreach ($key in $Fixture.Maps.Keys) {
        $map = $Fixture.Maps[$key]
        $want = $Fixture.Expect[$key]
        if ($map.IsValid -ne $want.Valid) { "map $key is IsValid=$($map.IsValid), expected $($want.Valid)"; continue }
        if (-not $want.Valid) { continue }
        if ("$($map.Protection)" -ne $want.Protection) { "map $key has protection $($map.Protection), expected $($want.Protection)" }
        if ($null -ne $want.Bytes) {
            $bytes = Read-MemoryMap $map -Offset $want.At -Count $want.Bytes.Length -ErrorAction Stop
            if (-not [Linq.Enumerable]::SequenceEqual([byte[]]$bytes, [byte[]]$want.Bytes)) { "map $key no longer holds its bytes" }
        }
    }
    # Shared for reading and writing: Windows refuses a read-only share while a writable map holds the file.
    $stream = [IO.FileStream]::new($Fixture.File, 'Open', 'Read', 'ReadWrite')
    try { $file = [byte[]]::new($stream.Length); $read = 0; while ($read -lt $file.Length -and ($n = $stream.Read($file, $read, $file.Length - $read))) { $read += $n } }
    finally { $stream.Dispose() }
    if (-not [Linq.Enumerable]::SequenceEqual($file, [byte[]]$Fixture.Pattern)) { "the file $($Fixture.File) changed" }
}

function Test-BadInputMapUsable {
    # After a failed call on a map, the map still works: read it if readable, write and restore a byte if writable.
    param([Parameter(Mandatory)] $Fixture, [string] $Key)
    if (-not $Key) { return }
    $map = $Fixture.Maps[$Key]
    $want = $Fixture.Expect[$Key]
    if (-not $map.IsValid) { return }
    $at = $want.At + $(if ($null -ne $want.Bytes) { $want.Bytes.Length - 1 } else { 0 })
    $protection = $map.Protection
    if ($protection -band [Mman.MemoryProtection]::Read) {
        $old = (Read-MemoryMap $map -Offset $at -Count 1 -ErrorAction Stop)[0]
        if ($protection -band [Mman.MemoryProtection]::Write) {
            Write-MemoryMap $map -Data ([byte](($old + 1) % 256)) -Offset $at -ErrorAction Stop
            $new = (Read-MemoryMap $map -Offset $at -Count 1 -ErrorAction Stop)[0]
            Write-MemoryMap $map -Data $old -Offset $at -ErrorAction Stop
            if ($new -ne ($old + 1) % 256) { "map $Key did not keep a write after the failed call" }
        }
    }
    elseif ($protection -band [Mman.MemoryProtection]::Write) {
        Write-MemoryMap $map -Data 0 -Offset $at -ErrorAction Stop
    }
}

function Get-BadInputCase {
    $cases = [Collections.Generic.List[hashtable]]::new()
    $categories = @{
        SizeNotPositive = 'InvalidArgument'; OffsetNegative = 'InvalidArgument'; CountNegative = 'InvalidArgument'
        RangeOutsideMap = 'InvalidArgument'; RangeBeyondEndOfFile = 'InvalidArgument'; FileEmpty = 'InvalidArgument'
        FileNotMappable = 'InvalidArgument'
        CountTooLarge = 'InvalidArgument'; NotARegularFile = 'InvalidArgument'; WriteExecuteRefused = 'SecurityError'
        MapNotReadable = 'PermissionDenied'; MapNotWritable = 'PermissionDenied'; ProtectionDenied = 'PermissionDenied'
        MapClosed = 'InvalidOperation'; FileTruncated = 'InvalidData'; MapFailed = 'ResourceUnavailable'
        FileNotFound = 'ObjectNotFound'; MapNotFound = 'ObjectNotFound'; FileOpenFailed = 'OpenError'
        PathAmbiguous = 'InvalidArgument'; PathIsDirectory = 'InvalidArgument'; PathNotFileSystem = 'InvalidArgument'
        PathNotValid = 'InvalidArgument'; InvalidArgument = 'InvalidArgument'
        IntegerNotAligned = 'InvalidArgument'; ValueNotConvertible = 'InvalidArgument'; WaitTimedOut = 'OperationTimeout'
        LayoutInvalid = 'InvalidArgument'; RecordFieldMissing = 'InvalidArgument'
        BatchMismatch = 'InvalidArgument'
        # PowerShell's own parameter binding.
        CannotConvertArgumentNoMessage = 'InvalidArgument'; CannotConvertArgument = 'InvalidArgument'
        AmbiguousParameterSet = 'InvalidArgument'; NamedParameterNotFound = 'InvalidArgument'
        PositionalParameterNotFound = 'InvalidArgument'; InputObjectNotBound = 'InvalidArgument'
        ParameterArgumentValidationError = 'InvalidData'; ParameterArgumentValidationErrorNullNotAllowed = 'InvalidData'
        ParameterArgumentValidationErrorEmptyArrayNotAllowed = 'InvalidData'
        ParameterArgumentValidationErrorEmptyStringNotAllowed = 'InvalidData'
        ParameterArgumentTransformationError = 'InvalidData'; ParameterBindingFailed = 'WriteError'
        ViewNotResizable = 'InvalidOperation'; MapNotResizable = 'InvalidOperation'
    }
    $gap = Get-BadInputPlatformGap
    function Add-Case {
        # -Skip: why the case cannot run on this system; it is then reported as skipped, the reason in its name.
        param([string] $Cmdlet, [string] $Name, [string[]] $Id, [scriptblock] $Run, [string] $Map, [string] $Skip)
        $class = 'Mman.Commands.' + ($Cmdlet -replace '-', '') + 'Command'
        if ($IsWindows -and $Id[0] -eq 'FileTruncated') {
            # Windows refuses to shrink a file while a view of it is mapped (New-BadInputFixture checks the
            # refusal), so no map ever sees its file end early.
            $Skip = 'not on Windows: a mapped file cannot be truncated'
        }
        $cases.Add(@{
                Cmdlet   = $Cmdlet
                Name     = $(if ($Skip) { "$Name ($Skip)" } else { $Name })
                Skip     = $Skip
                Id       = [string[]]@($Id | ForEach-Object { "$_,$class" })
                Category = $categories[$Id[0]]
                Run      = $Run
                Map      = $Map
            })
    }

    # ---- New-MemoryMap: anonymous memory ----
    Add-Case New-MemoryMap 'size zero' SizeNotPositive { New-MemoryMap -Size 0 }
    Add-Case New-MemoryMap 'size -1' SizeNotPositive { New-MemoryMap -Size -1 }
    Add-Case New-MemoryMap 'size -4096' SizeNotPositive { New-MemoryMap -Size -4096 }
    Add-Case New-MemoryMap 'size Int64.MinValue' SizeNotPositive { New-MemoryMap -Size ([long]::MinValue) }
    Add-Case New-MemoryMap 'size empty string (converts to 0)' SizeNotPositive { New-MemoryMap -Size '' }
    Add-Case New-MemoryMap 'size zero, shared' SizeNotPositive { New-MemoryMap -Size 0 -Sharing Shared }
    Add-Case New-MemoryMap 'size Int64.MaxValue' MapFailed { New-MemoryMap -Size ([long]::MaxValue) }
    Add-Case New-MemoryMap 'size Int64.MaxValue - 4095 (rounds up past the top)' MapFailed { New-MemoryMap -Size ([long]::MaxValue - 4095) }
    Add-Case New-MemoryMap 'size 2^62 (past any address space)' MapFailed { New-MemoryMap -Size ([long]1 -shl 62) }
    Add-Case New-MemoryMap 'size 2^62 shared' MapFailed { New-MemoryMap -Size ([long]1 -shl 62) -Sharing Shared }
    Add-Case New-MemoryMap 'size text' CannotConvertArgumentNoMessage { New-MemoryMap -Size 'abc' }
    Add-Case New-MemoryMap 'size 1e30' CannotConvertArgumentNoMessage { New-MemoryMap -Size 1e30 }
    Add-Case New-MemoryMap 'size 2^63' CannotConvertArgumentNoMessage { New-MemoryMap -Size 9223372036854775808 }
    Add-Case New-MemoryMap 'size null' ParameterArgumentValidationErrorNullNotAllowed { New-MemoryMap -Size $null }
    Add-Case New-MemoryMap 'protection name unknown' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Protection Bogus }
    Add-Case New-MemoryMap 'protection 8 (no such flag)' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Protection 8 }
    Add-Case New-MemoryMap 'protection -1' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Protection -1 }
    Add-Case New-MemoryMap 'protection Read,Bogus' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Protection 'Read,Bogus' }
    Add-Case New-MemoryMap 'protection empty string' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Protection '' }
    Add-Case New-MemoryMap 'protection null' ParameterBindingFailed { New-MemoryMap -Size 4096 -Protection $null }
    Add-Case New-MemoryMap 'protection Write,Execute without the switch' WriteExecuteRefused { New-MemoryMap -Size 4096 -Protection Write, Execute }
    Add-Case New-MemoryMap 'protection Read,Write,Execute without the switch' WriteExecuteRefused { New-MemoryMap -Size 4096 -Protection Read, Write, Execute }
    Add-Case New-MemoryMap 'protection Write,Execute shared without the switch' WriteExecuteRefused { New-MemoryMap -Size 4096 -Protection Write, Execute -Sharing Shared }
    Add-Case New-MemoryMap 'protection 6 (W+X as a number)' WriteExecuteRefused { New-MemoryMap -Size 4096 -Protection 6 }
    Add-Case New-MemoryMap 'W+X with -AllowWriteExecute:$false' WriteExecuteRefused { New-MemoryMap -Size 4096 -Protection Read, Write, Execute -AllowWriteExecute:$false }
    Add-Case New-MemoryMap 'sharing name unknown' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Sharing Bogus }
    Add-Case New-MemoryMap 'sharing 2' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Sharing 2 }
    Add-Case New-MemoryMap 'sharing -1' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Sharing -1 }
    Add-Case New-MemoryMap 'sharing empty string' CannotConvertArgumentNoMessage { New-MemoryMap -Size 4096 -Sharing '' }
    Add-Case New-MemoryMap 'offset with anonymous memory' AmbiguousParameterSet { New-MemoryMap -Size 4096 -Offset 10 }
    Add-Case New-MemoryMap 'unknown parameter' NamedParameterNotFound { New-MemoryMap -Size 4096 -Bogus 1 }

    # ---- New-MemoryMap: files ----
    Add-Case New-MemoryMap 'missing file -Path' FileNotFound { param($fx) New-MemoryMap -Path $fx.Missing }
    Add-Case New-MemoryMap 'missing file -LiteralPath' FileNotFound { param($fx) New-MemoryMap -LiteralPath $fx.Missing }
    Add-Case New-MemoryMap 'missing directory in path' FileNotFound { param($fx) New-MemoryMap -Path (Join-Path $fx.Dir 'no-dir/file.bin') }
    Add-Case New-MemoryMap 'missing file, relative path' FileNotFound { New-MemoryMap -Path './surely-not-here.bin' }
    Add-Case New-MemoryMap 'wildcard matching no file' FileNotFound { param($fx) New-MemoryMap -Path (Join-Path $fx.Dir 'zz*.bin') }
    Add-Case New-MemoryMap 'wildcard matching several files' PathAmbiguous { param($fx) New-MemoryMap -Path (Join-Path $fx.Sub '*.bin') }
    Add-Case New-MemoryMap 'wildcard ? matching several files' PathAmbiguous { param($fx) New-MemoryMap -Path (Join-Path $fx.Sub 't*.bin') }
    Add-Case New-MemoryMap 'wildcard matching files and a directory' PathAmbiguous { param($fx) New-MemoryMap -Path (Join-Path $fx.Sub '*') }
    if ($IsWindows) {
        # Not 'inner.*': Wine's directory listing matches nothing for a '<name>.*' pattern (Windows' does).
        Add-Case New-MemoryMap 'wildcard matching one directory' PathIsDirectory { param($fx) New-MemoryMap -Path (Join-Path $fx.Sub 'inner*') }
    }
    else {
        Add-Case New-MemoryMap 'wildcard matching one directory' PathIsDirectory { param($fx) New-MemoryMap -Path (Join-Path $fx.Sub 'inner.*') }
    }
    Add-Case New-MemoryMap 'invalid wildcard pattern' FileNotFound { param($fx) New-MemoryMap -Path (Join-Path $fx.Dir 'x[') }
    # On Windows '*' cannot be part of a file name, so the path is not valid (ERROR_INVALID_NAME); on Linux it can.
    Add-Case New-MemoryMap 'wildcard characters taken literally' $(if ($IsWindows) { 'PathNotValid' } else { 'FileNotFound' }) { param($fx) New-MemoryMap -LiteralPath (Join-Path $fx.Sub '*.bin') }
    Add-Case New-MemoryMap 'directory -Path' PathIsDirectory { param($fx) New-MemoryMap -Path $fx.Dir }
    Add-Case New-MemoryMap 'directory -LiteralPath' PathIsDirectory { param($fx) New-MemoryMap -LiteralPath $fx.Sub }
    Add-Case New-MemoryMap 'directory .' PathIsDirectory { New-MemoryMap -Path . }
    Add-Case New-MemoryMap 'root directory' PathIsDirectory { New-MemoryMap -LiteralPath / }
    Add-Case New-MemoryMap 'directory from Get-Item' PathIsDirectory { param($fx) Get-Item -LiteralPath $fx.Sub | New-MemoryMap }
    Add-Case New-MemoryMap '0-byte file' FileEmpty { param($fx) New-MemoryMap -Path $fx.Empty }
    Add-Case New-MemoryMap '0-byte file with -Size 1' FileEmpty { param($fx) New-MemoryMap -Path $fx.Empty -Size 1 }
    Add-Case New-MemoryMap '0-byte file, Read,Write shared' FileEmpty { param($fx) New-MemoryMap -Path $fx.Empty -Protection Read, Write }
    Add-Case New-MemoryMap 'size one past the end of the file' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Size 101 }
    Add-Case New-MemoryMap 'size far past the end of the file' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Size 1GB }
    Add-Case New-MemoryMap 'size Int64.MaxValue on a file' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Size ([long]::MaxValue) }
    Add-Case New-MemoryMap 'offset at the end of the file' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Offset 100 }
    Add-Case New-MemoryMap 'offset past the end of the file' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Offset 4096 }
    Add-Case New-MemoryMap 'offset Int64.MaxValue' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Offset ([long]::MaxValue) }
    Add-Case New-MemoryMap 'offset 1 and the whole length' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Offset 1 -Size 100 }
    Add-Case New-MemoryMap 'offset and size overflowing' RangeBeyondEndOfFile { param($fx) New-MemoryMap -Path $fx.Small -Offset 50 -Size ([long]::MaxValue) }
    Add-Case New-MemoryMap 'offset -1 on a file' OffsetNegative { param($fx) New-MemoryMap -Path $fx.Small -Offset -1 }
    Add-Case New-MemoryMap 'offset Int64.MinValue on a file' OffsetNegative { param($fx) New-MemoryMap -Path $fx.Small -Offset ([long]::MinValue) }
    Add-Case New-MemoryMap 'size zero on a file' SizeNotPositive { param($fx) New-MemoryMap -Path $fx.Small -Size 0 }
    Add-Case New-MemoryMap 'size -1 on a file' SizeNotPositive { param($fx) New-MemoryMap -Path $fx.Small -Size -1 }
    Add-Case New-MemoryMap 'offset text' CannotConvertArgumentNoMessage { param($fx) New-MemoryMap -Path $fx.Small -Offset 'abc' }
    Add-Case New-MemoryMap 'W+X file without the switch' WriteExecuteRefused { param($fx) New-MemoryMap -Path $fx.Small -Protection Read, Write, Execute }
    Add-Case New-MemoryMap 'W+X private file without the switch' WriteExecuteRefused { param($fx) New-MemoryMap -Path $fx.Small -Protection Write, Execute -Sharing Private }
    Add-Case New-MemoryMap 'protection unknown on a file' CannotConvertArgumentNoMessage { param($fx) New-MemoryMap -Path $fx.Small -Protection Bogus }
    Add-Case New-MemoryMap 'sharing unknown on a file' CannotConvertArgumentNoMessage { param($fx) New-MemoryMap -Path $fx.Small -Sharing 7 }
    if ($IsWindows) {
        # Windows' special files: the NUL device and a named pipe (/dev, /proc and /sys are Linux's; under
        # Wine those paths would reach the Linux files through drive Z:, which is not Windows behaviour).
        Add-Case New-MemoryMap 'NUL device' NotARegularFile { New-MemoryMap -Path '\\.\NUL' }
        Add-Case New-MemoryMap 'NUL device -LiteralPath with -Size' NotARegularFile { New-MemoryMap -LiteralPath '\\.\NUL' -Size 4096 -Protection Read, Write -Sharing Private }
        Add-Case New-MemoryMap 'named pipe' NotARegularFile { param($fx) New-MemoryMap -Path $fx.Pipe }
        Add-Case New-MemoryMap 'named pipe -LiteralPath with -Size' NotARegularFile { param($fx) New-MemoryMap -LiteralPath $fx.Pipe -Size 4096 }
    }
    else {
        Add-Case New-MemoryMap '/dev/null' NotARegularFile { New-MemoryMap -Path /dev/null }
        Add-Case New-MemoryMap '/dev/zero' NotARegularFile { New-MemoryMap -Path /dev/zero }
        Add-Case New-MemoryMap '/dev/zero with -Size' NotARegularFile { New-MemoryMap -LiteralPath /dev/zero -Size 4096 -Protection Read, Write -Sharing Private }
        Add-Case New-MemoryMap '/dev/urandom' NotARegularFile { New-MemoryMap -LiteralPath /dev/urandom -Size 16 }
        Add-Case New-MemoryMap '/dev/full' NotARegularFile { New-MemoryMap -Path /dev/full }
        Add-Case New-MemoryMap 'FIFO' NotARegularFile { param($fx) New-MemoryMap -Path $fx.Fifo }
        Add-Case New-MemoryMap 'FIFO -LiteralPath with -Size' NotARegularFile { param($fx) New-MemoryMap -LiteralPath $fx.Fifo -Size 4096 }
    }
    Add-Case New-MemoryMap 'unix socket' NotARegularFile { param($fx) New-MemoryMap -Path $fx.Socket } -Skip $gap['Socket']
    if ($IsLinux) {
        Add-Case New-MemoryMap '/proc file (reports 0 bytes)' FileNotMappable { New-MemoryMap -Path /proc/self/status }
        Add-Case New-MemoryMap '/proc/self/maps' FileNotMappable { New-MemoryMap -LiteralPath /proc/self/maps }
    }
    if ($IsLinux -and (Test-Path -LiteralPath /sys/kernel/mm/transparent_hugepage/enabled)) {
        Add-Case New-MemoryMap '/sys file (4096 bytes, no mmap)' FileNotMappable { New-MemoryMap -Path /sys/kernel/mm/transparent_hugepage/enabled }
    }
    Add-Case New-MemoryMap 'dangling symbolic link' FileNotFound { param($fx) New-MemoryMap -LiteralPath $fx.Dangling } -Skip $gap['SymbolicLink']
    Add-Case New-MemoryMap 'symbolic link loop' FileOpenFailed { param($fx) New-MemoryMap -LiteralPath $fx.Loop } -Skip $gap['SymbolicLink']
    Add-Case New-MemoryMap 'NUL character in the path' PathNotValid { param($fx) New-MemoryMap -LiteralPath ($fx.Dir + "/a`0b") }
    Add-Case New-MemoryMap 'path of 5000 characters' PathNotValid { param($fx) New-MemoryMap -LiteralPath ($fx.Dir + '/' + ('x' * 5000)) }
    Add-Case New-MemoryMap 'file name of 300 characters' PathNotValid { param($fx) New-MemoryMap -LiteralPath ($fx.Dir + '/' + ('y' * 300)) }
    Add-Case New-MemoryMap 'Environment provider path' PathNotFileSystem { New-MemoryMap -Path Env:PATH }
    Add-Case New-MemoryMap 'Function provider path' PathNotFileSystem { New-MemoryMap -Path Function:\prompt }
    Add-Case New-MemoryMap 'Variable provider path' PathNotFileSystem { New-MemoryMap -Path Variable:\PWD }
    # Windows has the Registry provider and its HKLM: drive; elsewhere there is no such drive.
    Add-Case New-MemoryMap 'Windows registry drive' $(if ($IsWindows) { 'PathNotFileSystem' } else { 'PathNotValid' }) { New-MemoryMap -Path 'HKLM:\SOFTWARE' }
    Add-Case New-MemoryMap 'unknown drive' PathNotValid { New-MemoryMap -Path 'NoSuchDrive:\file.bin' }
    Add-Case New-MemoryMap 'empty path' ParameterArgumentValidationError { New-MemoryMap -Path '' }
    Add-Case New-MemoryMap 'null path' ParameterArgumentValidationError { New-MemoryMap -Path $null }
    Add-Case New-MemoryMap 'empty array of paths' ParameterArgumentValidationError { New-MemoryMap -Path @() }
    Add-Case New-MemoryMap 'array holding null' ParameterArgumentValidationError { New-MemoryMap -Path @($null) }
    Add-Case New-MemoryMap 'empty literal path' ParameterArgumentValidationError { New-MemoryMap -LiteralPath '' }
    Add-Case New-MemoryMap 'null literal path' ParameterArgumentValidationError { New-MemoryMap -LiteralPath $null }
    Add-Case New-MemoryMap '-Path and -LiteralPath' AmbiguousParameterSet { param($fx) New-MemoryMap -Path $fx.Small -LiteralPath $fx.Small }
    Add-Case New-MemoryMap '-Path and -Size with a missing file' FileNotFound { param($fx) New-MemoryMap -Path $fx.Missing -Size 10 }
    Add-Case New-MemoryMap 'a good path and a missing one' FileNotFound { param($fx) New-MemoryMap -Path $fx.Small, $fx.Missing }
    Add-Case New-MemoryMap 'a number from the pipeline (a relative path)' FileNotFound { 42 | New-MemoryMap }
    Add-Case New-MemoryMap 'a date from the pipeline' PathNotValid { [datetime]::new(2020, 1, 2, 3, 4, 5) | New-MemoryMap }
    Add-Case New-MemoryMap 'an object from the pipeline' FileNotFound { [pscustomobject]@{ Name = 'x' } | New-MemoryMap }
    Add-Case New-MemoryMap 'an object with a LiteralPath property' FileNotFound { param($fx) [pscustomobject]@{ LiteralPath = $fx.Missing } | New-MemoryMap }

    # ---- Read-MemoryMap ----
    Add-Case Read-MemoryMap 'offset -1' OffsetNegative { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset -1 } Anon
    Add-Case Read-MemoryMap 'offset Int64.MinValue' OffsetNegative { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset ([long]::MinValue) -Count 1 } Anon
    Add-Case Read-MemoryMap 'offset and count both negative' OffsetNegative { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset -1 -Count -1 } Anon
    Add-Case Read-MemoryMap 'count -1' CountNegative { param($fx) Read-MemoryMap $fx.Maps.Anon -Count -1 } Anon
    Add-Case Read-MemoryMap 'count Int64.MinValue' CountNegative { param($fx) Read-MemoryMap $fx.Maps.Anon -Count ([long]::MinValue) } Anon
    Add-Case Read-MemoryMap 'offset one past the end' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset 4097 } Anon
    Add-Case Read-MemoryMap 'offset Int64.MaxValue' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset ([long]::MaxValue) } Anon
    Add-Case Read-MemoryMap 'count one more than the size' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Count 4097 } Anon
    Add-Case Read-MemoryMap 'offset 1 and count = size' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset 1 -Count 4096 } Anon
    Add-Case Read-MemoryMap 'offset at the end and count 1' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset 4096 -Count 1 } Anon
    Add-Case Read-MemoryMap 'count Int64.MaxValue' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Count ([long]::MaxValue) } Anon
    Add-Case Read-MemoryMap 'offset + count overflowing Int64' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset ([long]::MaxValue) -Count ([long]::MaxValue) } Anon
    Add-Case Read-MemoryMap 'offset 4095 + count Int64.MaxValue' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset 4095 -Count ([long]::MaxValue) } Anon
    Add-Case Read-MemoryMap 'range outside a map with an offset into its file' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.FileOffset -Offset 2999 -Count 2 } FileOffset
    Add-Case Read-MemoryMap 'range outside a PROT_NONE map (bounds first)' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.None -Offset 5000 } None
    Add-Case Read-MemoryMap 'more than one array holds, by default' CountTooLarge { param($fx) Read-MemoryMap $fx.Maps.Huge } Huge
    Add-Case Read-MemoryMap 'count MaxReadCount + 1' CountTooLarge { param($fx) Read-MemoryMap $fx.Maps.Huge -Count 0x7FFFFFC8 } Huge
    Add-Case Read-MemoryMap 'count 2 GiB from 1 GiB' CountTooLarge { param($fx) Read-MemoryMap $fx.Maps.Huge -Offset 1GB -Count 2GB } Huge
    Add-Case Read-MemoryMap 'count 3 GiB as a string' CountTooLarge { param($fx) Read-MemoryMap $fx.Maps.Huge -Count 3GB -AsString } Huge
    Add-Case Read-MemoryMap 'PROT_NONE map' MapNotReadable { param($fx) Read-MemoryMap $fx.Maps.None } None
    Add-Case Read-MemoryMap 'PROT_NONE map, one byte' MapNotReadable { param($fx) Read-MemoryMap $fx.Maps.None -Offset 4095 -Count 1 } None
    Add-Case Read-MemoryMap 'PROT_NONE map as a string' MapNotReadable { param($fx) Read-MemoryMap $fx.Maps.None -AsString } None
    Add-Case Read-MemoryMap 'write-only map' MapNotReadable { param($fx) Read-MemoryMap $fx.Maps.WriteOnly -Count 1 } WriteOnly
    Add-Case Read-MemoryMap 'execute-only map' MapNotReadable { param($fx) Read-MemoryMap $fx.Maps.ExecOnly -Count 1 } ExecOnly
    Add-Case Read-MemoryMap 'closed map' MapClosed { param($fx) Read-MemoryMap $fx.Maps.Closed } Closed
    Add-Case Read-MemoryMap 'closed map as a string' MapClosed { param($fx) Read-MemoryMap $fx.Maps.Closed -AsString -Count 1 } Closed
    Add-Case Read-MemoryMap 'closed file map' MapClosed { param($fx) Read-MemoryMap $fx.Maps.ClosedFile -Count 1 } ClosedFile
    Add-Case Read-MemoryMap 'closed map with a bad offset (bounds first)' OffsetNegative { param($fx) Read-MemoryMap $fx.Maps.Closed -Offset -1 } Closed
    Add-Case Read-MemoryMap 'truncated file, past the cut' FileTruncated { param($fx) Read-MemoryMap $fx.Maps.Truncated -Offset 5000 -Count 1 } Truncated
    Add-Case Read-MemoryMap 'truncated file, whole map' FileTruncated { param($fx) Read-MemoryMap $fx.Maps.Truncated } Truncated
    Add-Case Read-MemoryMap 'truncated file, straddling the cut' FileTruncated { param($fx) Read-MemoryMap $fx.Maps.Truncated -Offset 4990 -Count 20 -AsString } Truncated
    Add-Case Read-MemoryMap 'null map' ParameterArgumentValidationError { Read-MemoryMap -InputObject $null }
    Add-Case Read-MemoryMap 'null map from the pipeline' ParameterArgumentValidationError { $null | Read-MemoryMap }
    Add-Case Read-MemoryMap 'text from the pipeline' InputObjectNotBound { 'text' | Read-MemoryMap }
    Add-Case Read-MemoryMap 'number from the pipeline' InputObjectNotBound { 42 | Read-MemoryMap }
    Add-Case Read-MemoryMap 'byte array from the pipeline' InputObjectNotBound { , [byte[]](1, 2) | Read-MemoryMap }
    Add-Case Read-MemoryMap 'text as -InputObject' CannotConvertArgumentNoMessage { Read-MemoryMap -InputObject 'text' }
    Add-Case Read-MemoryMap 'number as -InputObject' CannotConvertArgumentNoMessage { Read-MemoryMap -InputObject 42 }
    Add-Case Read-MemoryMap 'two maps as -InputObject' CannotConvertArgument { param($fx) Read-MemoryMap -InputObject @($fx.Maps.Anon, $fx.Maps.Shared) } Anon
    Add-Case Read-MemoryMap 'encoding name unknown' ParameterArgumentTransformationError { param($fx) Read-MemoryMap $fx.Maps.Anon -AsString -Encoding 'bogus' } Anon
    Add-Case Read-MemoryMap 'encoding empty name' ParameterArgumentTransformationError { param($fx) Read-MemoryMap $fx.Maps.Anon -AsString -Encoding '' } Anon
    Add-Case Read-MemoryMap 'encoding code page 99999 as text' ParameterArgumentTransformationError { param($fx) Read-MemoryMap $fx.Maps.Anon -AsString -Encoding '99999' } Anon
    Add-Case Read-MemoryMap 'encoding code page 70000' ParameterArgumentTransformationError { param($fx) Read-MemoryMap $fx.Maps.Anon -AsString -Encoding ([int]70000) } Anon
    Add-Case Read-MemoryMap 'encoding code page -5' ParameterArgumentTransformationError { param($fx) Read-MemoryMap $fx.Maps.Anon -AsString -Encoding ([int]-5) } Anon
    # A null encoding must be refused at binding, not end in a NullReferenceException.
    Add-Case Read-MemoryMap 'encoding null' ParameterArgumentValidationError, ParameterArgumentTransformationError { param($fx) Read-MemoryMap $fx.Maps.Anon -AsString -Encoding $null } Anon
    Add-Case Read-MemoryMap 'encoding of the wrong type' CannotConvertArgumentNoMessage { param($fx) Read-MemoryMap $fx.Maps.Anon -AsString -Encoding ([datetime]::MinValue) } Anon
    Add-Case Read-MemoryMap 'offset text' CannotConvertArgumentNoMessage { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset 'abc' } Anon
    Add-Case Read-MemoryMap 'offset 1e30' CannotConvertArgumentNoMessage { param($fx) Read-MemoryMap $fx.Maps.Anon -Offset 1e30 } Anon
    Add-Case Read-MemoryMap 'count text' CannotConvertArgumentNoMessage { param($fx) Read-MemoryMap $fx.Maps.Anon -Count 'many' } Anon
    Add-Case Read-MemoryMap 'unknown parameter' NamedParameterNotFound { param($fx) Read-MemoryMap $fx.Maps.Anon -Bogus } Anon
    Add-Case Read-MemoryMap 'layout: unknown field type' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt32'; B = 'Int128' }) } Anon
    Add-Case Read-MemoryMap 'layout: zero-size field' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'String[0]' }) } Anon
    Add-Case Read-MemoryMap 'layout: overlapping fields' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt64'; B = 'Byte@7' }) } Anon
    Add-Case Read-MemoryMap 'layout: plain hashtable without offsets' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout @{ A = 'UInt32'; B = 'UInt32' } } Anon
    Add-Case Read-MemoryMap 'layout: empty' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{}) } Anon
    Add-Case Read-MemoryMap 'layout: a number' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout 42 } Anon
    Add-Case Read-MemoryMap 'layout: a class' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([System.Text.StringBuilder]) } Anon
    Add-Case Read-MemoryMap 'layout: a struct with automatic layout' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([datetime]) } Anon
    Add-Case Read-MemoryMap 'layout: stride below the record size' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt64' }) -Count 2 -Stride 7 } Anon
    Add-Case Read-MemoryMap 'layout: stride negative' LayoutInvalid { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt64' }) -Count 2 -Stride -8 } Anon
    Add-Case Read-MemoryMap 'layout: count negative' CountNegative { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt64' }) -Count -1 } Anon
    Add-Case Read-MemoryMap 'layout: count Int64.MaxValue' CountTooLarge, RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt64' }) -Count ([long]::MaxValue) } Anon
    Add-Case Read-MemoryMap 'layout: last record past the end' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt64' }) -Count 513 } Anon
    Add-Case Read-MemoryMap 'layout: huge stride' RangeOutsideMap { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt64' }) -Count 3 -Stride ([long]::MaxValue) } Anon
    Add-Case Read-MemoryMap 'layout: PROT_NONE map' MapNotReadable { param($fx) Read-MemoryMap $fx.Maps.None -Layout ([ordered]@{ A = 'UInt64' }) } None
    Add-Case Read-MemoryMap 'layout: closed map' MapClosed { param($fx) Read-MemoryMap $fx.Maps.Closed -Layout ([ordered]@{ A = 'UInt64' }) } Closed
    Add-Case Read-MemoryMap 'layout: truncated file, past the cut' FileTruncated { param($fx) Read-MemoryMap $fx.Maps.Truncated -Layout ([ordered]@{ A = 'UInt64' }) -Offset 4000 -Count 2 -Stride 1000 } Truncated
    Add-Case Read-MemoryMap 'layout null' ParameterArgumentValidationError, ParameterArgumentValidationErrorNullNotAllowed { param($fx) Read-MemoryMap $fx.Maps.Anon -Layout $null } Anon
    Add-Case Read-MemoryMap 'extra positional argument' PositionalParameterNotFound { param($fx) Read-MemoryMap $fx.Maps.Anon 10 } Anon

    # ---- Write-MemoryMap ----
    Add-Case Write-MemoryMap 'data null' ParameterArgumentValidationErrorNullNotAllowed { param($fx) Write-MemoryMap $fx.Maps.Anon -Data $null } Anon
    Add-Case Write-MemoryMap 'data empty array' ParameterArgumentValidationErrorEmptyArrayNotAllowed { param($fx) Write-MemoryMap $fx.Maps.Anon -Data @() } Anon
    Add-Case Write-MemoryMap 'data 256' CannotConvertArgumentNoMessage { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 256 } Anon
    Add-Case Write-MemoryMap 'data -1' CannotConvertArgumentNoMessage { param($fx) Write-MemoryMap $fx.Maps.Anon -Data -1 } Anon
    Add-Case Write-MemoryMap 'data text' CannotConvertArgumentNoMessage { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 'abc' } Anon
    Add-Case Write-MemoryMap 'data with one value too large' CannotConvertArgumentNoMessage { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1, 2, 300 } Anon
    Add-Case Write-MemoryMap 'data of the wrong type' CannotConvertArgumentNoMessage { param($fx) Write-MemoryMap $fx.Maps.Anon -Data ([datetime]::MinValue) } Anon
    Add-Case Write-MemoryMap 'text empty' ParameterArgumentValidationErrorEmptyStringNotAllowed { param($fx) Write-MemoryMap $fx.Maps.Anon -Text '' } Anon
    Add-Case Write-MemoryMap 'text null' ParameterArgumentValidationErrorNullNotAllowed { param($fx) Write-MemoryMap $fx.Maps.Anon -Text $null } Anon
    Add-Case Write-MemoryMap 'data and text' AmbiguousParameterSet { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1 -Text 'a' } Anon
    Add-Case Write-MemoryMap 'offset -1' OffsetNegative { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1 -Offset -1 } Anon
    Add-Case Write-MemoryMap 'offset Int64.MinValue' OffsetNegative { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1 -Offset ([long]::MinValue) } Anon
    Add-Case Write-MemoryMap 'offset at the end' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1 -Offset 4096 } Anon
    Add-Case Write-MemoryMap 'two bytes at the last byte' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1, 2 -Offset 4095 } Anon
    Add-Case Write-MemoryMap 'offset Int64.MaxValue' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1 -Offset ([long]::MaxValue) } Anon
    Add-Case Write-MemoryMap 'data one byte longer than the map' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Anon -Data ([byte[]]::new(4097)) } Anon
    Add-Case Write-MemoryMap 'offset 1 and data as long as the map' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Anon -Data ([byte[]]::new(4096)) -Offset 1 } Anon
    Add-Case Write-MemoryMap 'text too long for the map' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Anon -Text ('x' * 1025) -Encoding utf32 } Anon
    Add-Case Write-MemoryMap 'past the end of a map with an offset into its file' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.FileOffset -Data 1, 2 -Offset 2999 } FileOffset
    Add-Case Write-MemoryMap 'past the end of a 3 GiB map' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Huge -Data 1 -Offset 3GB } Huge
    Add-Case Write-MemoryMap 'read-only map, out of range (bounds first)' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.ReadOnly -Data 1 -Offset 5000 } ReadOnly
    Add-Case Write-MemoryMap 'read-only map' MapNotWritable { param($fx) Write-MemoryMap $fx.Maps.ReadOnly -Data 1 } ReadOnly
    Add-Case Write-MemoryMap 'read-only map, text' MapNotWritable { param($fx) Write-MemoryMap $fx.Maps.ReadOnly -Text 'abc' -Offset 4093 } ReadOnly
    Add-Case Write-MemoryMap 'read-execute map' MapNotWritable { param($fx) Write-MemoryMap $fx.Maps.ReadExec -Data 1 } ReadExec
    Add-Case Write-MemoryMap 'PROT_NONE map' MapNotWritable { param($fx) Write-MemoryMap $fx.Maps.None -Data 1 } None
    Add-Case Write-MemoryMap 'execute-only map' MapNotWritable { param($fx) Write-MemoryMap $fx.Maps.ExecOnly -Data 1 } ExecOnly
    Add-Case Write-MemoryMap 'shared file map opened read-only' MapNotWritable { param($fx) Write-MemoryMap $fx.Maps.FileRead -Data 1 } FileRead
    Add-Case Write-MemoryMap 'closed map' MapClosed { param($fx) Write-MemoryMap $fx.Maps.Closed -Data 1 } Closed
    Add-Case Write-MemoryMap 'closed map, text' MapClosed { param($fx) Write-MemoryMap $fx.Maps.Closed -Text 'x' } Closed
    Add-Case Write-MemoryMap 'closed file map' MapClosed { param($fx) Write-MemoryMap $fx.Maps.ClosedFile -Data 1 } ClosedFile
    Add-Case Write-MemoryMap 'truncated file, past the cut' FileTruncated { param($fx) Write-MemoryMap $fx.Maps.Truncated -Data 1 -Offset 5000 } Truncated
    Add-Case Write-MemoryMap 'truncated file, straddling the cut' FileTruncated { param($fx) Write-MemoryMap $fx.Maps.Truncated -Data 1, 2, 3 -Offset 4999 } Truncated
    Add-Case Write-MemoryMap 'encoding name unknown' ParameterArgumentTransformationError { param($fx) Write-MemoryMap $fx.Maps.Anon -Text 'a' -Encoding 'bogus' } Anon
    Add-Case Write-MemoryMap 'encoding code page 99999' ParameterArgumentTransformationError { param($fx) Write-MemoryMap $fx.Maps.Anon -Text 'a' -Encoding ([int]99999) } Anon
    Add-Case Write-MemoryMap 'encoding null' ParameterArgumentValidationError, ParameterArgumentTransformationError { param($fx) Write-MemoryMap $fx.Maps.Anon -Text 'a' -Encoding $null } Anon
    Add-Case Write-MemoryMap 'null map' ParameterArgumentValidationError { Write-MemoryMap -InputObject $null -Data 1 }
    Add-Case Write-MemoryMap 'text from the pipeline' InputObjectNotBound { 'text' | Write-MemoryMap -Data 1 }
    Add-Case Write-MemoryMap 'number from the pipeline' InputObjectNotBound { 42 | Write-MemoryMap -Data 1 }
    Add-Case Write-MemoryMap 'text as -InputObject' CannotConvertArgumentNoMessage { Write-MemoryMap -InputObject 'text' -Data 1 }
    Add-Case Write-MemoryMap 'offset text' CannotConvertArgumentNoMessage { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1 -Offset 'abc' } Anon
    Add-Case Write-MemoryMap 'unknown parameter' NamedParameterNotFound { param($fx) Write-MemoryMap $fx.Maps.Anon -Data 1 -Bogus } Anon
    Add-Case Write-MemoryMap 'record: field missing' RecordFieldMissing { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt32'; B = 'Byte' }) -Record @{ A = 1; B = 2 }, @{ A = 1 } } Anon
    Add-Case Write-MemoryMap 'record: value out of range' ValueNotConvertible { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'Byte' }) -Record @{ A = 256 } } Anon
    Add-Case Write-MemoryMap 'record: text for a number' ValueNotConvertible { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'Int32' }) -Record @{ A = 'abc' } } Anon
    Add-Case Write-MemoryMap 'record: string too long' ValueNotConvertible { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'String[2]' }) -Record @{ A = 'abc' } } Anon
    Add-Case Write-MemoryMap 'record: bytes too long' ValueNotConvertible { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'Byte[2]' }) -Record @{ A = [byte[]](1, 2, 3) } } Anon
    Add-Case Write-MemoryMap 'record: null value' ValueNotConvertible { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'Int32' }) -Record @{ A = $null } } Anon
    Add-Case Write-MemoryMap 'record: not a struct of the layout' ValueNotConvertible { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([guid]) -Record 'not a guid' } Anon
    Add-Case Write-MemoryMap 'record: layout invalid' LayoutInvalid { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'Char' }) -Record @{ A = 1 } } Anon
    Add-Case Write-MemoryMap 'record: stride below the record size' LayoutInvalid { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt32' }) -Record @{ A = 1 }, @{ A = 2 } -Stride 2 } Anon
    Add-Case Write-MemoryMap 'record: records do not split over the offsets' BatchMismatch { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt32' }) -Record @{ A = 1 }, @{ A = 2 }, @{ A = 3 } -Offset 0, 8 } Anon
    Add-Case Write-MemoryMap 'record: last record past the end' RangeOutsideMap { param($fx) Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt32' }) -Record @{ A = 1 }, @{ A = 2 } -Offset 4090 } Anon
    Add-Case Write-MemoryMap 'record: read-only map' MapNotWritable { param($fx) Write-MemoryMap $fx.Maps.ReadOnly -Layout ([ordered]@{ A = 'UInt32' }) -Record @{ A = 1 } } ReadOnly
    Add-Case Write-MemoryMap 'record: closed map' MapClosed { param($fx) Write-MemoryMap $fx.Maps.Closed -Layout ([ordered]@{ A = 'UInt32' }) -Record @{ A = 1 } } Closed
    Add-Case Write-MemoryMap 'record: truncated file, past the cut' FileTruncated { param($fx) Write-MemoryMap $fx.Maps.Truncated -Layout ([ordered]@{ A = 'UInt32' }) -Record @{ A = 1 } -Offset 5000 } Truncated
    Add-Case Write-MemoryMap 'record: from the pipeline, one bad' ValueNotConvertible { param($fx) @{ A = 1 }, @{ A = -1 } | Write-MemoryMap $fx.Maps.Anon -Layout ([ordered]@{ A = 'UInt16' }) } Anon

    # ---- Set-MemoryMapProtection ----
    Add-Case Set-MemoryMapProtection 'protection name unknown' CannotConvertArgumentNoMessage { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection Bogus } Anon
    Add-Case Set-MemoryMapProtection 'protection 8' CannotConvertArgumentNoMessage { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection 8 } Anon
    Add-Case Set-MemoryMapProtection 'protection -1' CannotConvertArgumentNoMessage { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection -1 } Anon
    Add-Case Set-MemoryMapProtection 'protection 255' CannotConvertArgumentNoMessage { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection 255 } Anon
    Add-Case Set-MemoryMapProtection 'protection Read,Bogus' CannotConvertArgumentNoMessage { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection 'Read,Bogus' } Anon
    Add-Case Set-MemoryMapProtection 'protection empty string' CannotConvertArgumentNoMessage { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection '' } Anon
    Add-Case Set-MemoryMapProtection 'protection null' ParameterArgumentValidationErrorNullNotAllowed { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection $null } Anon
    Add-Case Set-MemoryMapProtection 'Write,Execute without the switch' WriteExecuteRefused { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection Write, Execute } Anon
    Add-Case Set-MemoryMapProtection 'Read,Write,Execute without the switch' WriteExecuteRefused { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection Read, Write, Execute } Anon
    Add-Case Set-MemoryMapProtection 'W+X on a read-only map' WriteExecuteRefused { param($fx) Set-MemoryMapProtection $fx.Maps.ReadOnly -Protection Write, Execute } ReadOnly
    Add-Case Set-MemoryMapProtection 'W+X on a file map' WriteExecuteRefused { param($fx) Set-MemoryMapProtection $fx.Maps.FileShared -Protection Read, Write, Execute } FileShared
    Add-Case Set-MemoryMapProtection 'W+X with -AllowWriteExecute:$false' WriteExecuteRefused { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection 6 -AllowWriteExecute:$false } Anon
    Add-Case Set-MemoryMapProtection 'W+X on a closed map (checked first)' WriteExecuteRefused { param($fx) Set-MemoryMapProtection $fx.Maps.Closed -Protection Write, Execute } Closed
    Add-Case Set-MemoryMapProtection 'closed map' MapClosed { param($fx) Set-MemoryMapProtection $fx.Maps.Closed -Protection Read } Closed
    Add-Case Set-MemoryMapProtection 'closed file map' MapClosed { param($fx) Set-MemoryMapProtection $fx.Maps.ClosedFile -Protection None } ClosedFile
    Add-Case Set-MemoryMapProtection 'Read,Write on a shared file opened read-only' ProtectionDenied { param($fx) Set-MemoryMapProtection $fx.Maps.FileRead -Protection Read, Write } FileRead
    Add-Case Set-MemoryMapProtection 'Write on a shared file opened read-only' ProtectionDenied { param($fx) Set-MemoryMapProtection $fx.Maps.FileRead -Protection Write } FileRead
    # The OS refuses Write (the file is open read-only), not Execute: ProtectionDenied, as for Read,Write.
    Add-Case Set-MemoryMapProtection 'RWX allowed on a shared file opened read-only' ProtectionDenied { param($fx) Set-MemoryMapProtection $fx.Maps.FileRead -Protection Read, Write, Execute -AllowWriteExecute } FileRead
    Add-Case Set-MemoryMapProtection 'null map' ParameterArgumentValidationError { Set-MemoryMapProtection -InputObject $null -Protection Read }
    Add-Case Set-MemoryMapProtection 'text from the pipeline' InputObjectNotBound { 'text' | Set-MemoryMapProtection -Protection Read }
    Add-Case Set-MemoryMapProtection 'number from the pipeline' InputObjectNotBound { 42 | Set-MemoryMapProtection -Protection Read }
    Add-Case Set-MemoryMapProtection 'text as -InputObject' CannotConvertArgumentNoMessage { Set-MemoryMapProtection -InputObject 'text' -Protection Read }
    Add-Case Set-MemoryMapProtection 'two maps as -InputObject' CannotConvertArgument { param($fx) Set-MemoryMapProtection -InputObject @($fx.Maps.Anon, $fx.Maps.Shared) -Protection Read } Anon
    Add-Case Set-MemoryMapProtection 'unknown parameter' NamedParameterNotFound { param($fx) Set-MemoryMapProtection $fx.Maps.Anon -Protection Read -Bogus } Anon

    # ---- Copy-MemoryMap ----
    Add-Case Copy-MemoryMap 'offset -1' OffsetNegative { param($fx) Copy-MemoryMap $fx.Maps.Anon -Offset -1 -DestinationOffset 0 -Count 1 } Anon
    Add-Case Copy-MemoryMap 'destination offset -1' OffsetNegative { param($fx) Copy-MemoryMap $fx.Maps.Anon -DestinationOffset -1 -Count 1 } Anon
    Add-Case Copy-MemoryMap 'count -1' CountNegative { param($fx) Copy-MemoryMap $fx.Maps.Anon -DestinationOffset 1 -Count -1 } Anon
    Add-Case Copy-MemoryMap 'source range past the end' RangeOutsideMap { param($fx) Copy-MemoryMap $fx.Maps.Anon -Offset 4000 -DestinationOffset 0 -Count 100 } Anon
    Add-Case Copy-MemoryMap 'destination range past the end' RangeOutsideMap { param($fx) Copy-MemoryMap $fx.Maps.FileShared -Destination $fx.Maps.Anon -DestinationOffset 4000 -Count 100 } Anon
    Add-Case Copy-MemoryMap 'offset + count overflowing Int64' RangeOutsideMap { param($fx) Copy-MemoryMap $fx.Maps.Anon -Offset ([long]::MaxValue) -DestinationOffset 0 -Count ([long]::MaxValue) } Anon
    Add-Case Copy-MemoryMap 'count Int64.MaxValue into another map' RangeOutsideMap { param($fx) Copy-MemoryMap $fx.Maps.FileShared -Destination $fx.Maps.FileOffset -Count ([long]::MaxValue) } FileOffset
    Add-Case Copy-MemoryMap 'closed source' MapClosed { param($fx) Copy-MemoryMap $fx.Maps.Closed -Destination $fx.Maps.Anon } Anon
    Add-Case Copy-MemoryMap 'closed destination' MapClosed { param($fx) Copy-MemoryMap $fx.Maps.FileShared -Destination $fx.Maps.ClosedFile } FileShared
    Add-Case Copy-MemoryMap 'unreadable source' MapNotReadable { param($fx) Copy-MemoryMap $fx.Maps.None -Destination $fx.Maps.Anon } Anon
    Add-Case Copy-MemoryMap 'write-only source' MapNotReadable { param($fx) Copy-MemoryMap $fx.Maps.WriteOnly -Destination $fx.Maps.Shared } Shared
    Add-Case Copy-MemoryMap 'read-only destination' MapNotWritable { param($fx) Copy-MemoryMap $fx.Maps.Anon -Destination $fx.Maps.ReadOnly } ReadOnly
    Add-Case Copy-MemoryMap 'read-only file map as destination' MapNotWritable { param($fx) Copy-MemoryMap $fx.Maps.Anon -Destination $fx.Maps.FileRead } FileRead
    Add-Case Copy-MemoryMap 'move within a read-only map' MapNotWritable { param($fx) Copy-MemoryMap $fx.Maps.ReadOnly -Offset 1 -DestinationOffset 0 } ReadOnly
    Add-Case Copy-MemoryMap 'truncated file as source' FileTruncated { param($fx) Copy-MemoryMap $fx.Maps.Truncated -Offset 8000 -Count 10 -Destination $fx.Maps.Anon } Anon
    Add-Case Copy-MemoryMap 'truncated file as destination' FileTruncated { param($fx) Copy-MemoryMap $fx.Maps.Anon -Destination $fx.Maps.Truncated -DestinationOffset 8000 -Count 10 } Truncated
    Add-Case Copy-MemoryMap 'move within a truncated file, past the cut' FileTruncated { param($fx) Copy-MemoryMap $fx.Maps.Truncated -Offset 0 -DestinationOffset 8000 -Count 10 } Truncated
    Add-Case Copy-MemoryMap 'within one map without -DestinationOffset' InvalidArgument { param($fx) Copy-MemoryMap $fx.Maps.Anon -Offset 10 } Anon
    Add-Case Copy-MemoryMap 'null map' ParameterArgumentValidationError { Copy-MemoryMap -InputObject $null -DestinationOffset 0 }
    Add-Case Copy-MemoryMap 'null destination' ParameterArgumentValidationError { param($fx) Copy-MemoryMap $fx.Maps.Anon -Destination $null } Anon
    Add-Case Copy-MemoryMap 'text from the pipeline' InputObjectNotBound { 'text' | Copy-MemoryMap -DestinationOffset 1 }
    Add-Case Copy-MemoryMap 'text as -Destination' CannotConvertArgumentNoMessage { param($fx) Copy-MemoryMap $fx.Maps.Anon -Destination 'text' } Anon
    Add-Case Copy-MemoryMap 'offset text' CannotConvertArgumentNoMessage { param($fx) Copy-MemoryMap $fx.Maps.Anon -Offset 'abc' -DestinationOffset 0 } Anon

    # ---- Sync-MemoryMap ----
    Add-Case Sync-MemoryMap 'offset -1' OffsetNegative { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Offset -1 } FileShared
    Add-Case Sync-MemoryMap 'offset Int64.MinValue' OffsetNegative { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Offset ([long]::MinValue) -Count 1 } FileShared
    Add-Case Sync-MemoryMap 'count -1' CountNegative { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Count -1 } FileShared
    Add-Case Sync-MemoryMap 'count Int64.MinValue, async' CountNegative { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Count ([long]::MinValue) -Async } FileShared
    Add-Case Sync-MemoryMap 'offset one past the end' RangeOutsideMap { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Offset 8193 } FileShared
    Add-Case Sync-MemoryMap 'offset 1 and count = size' RangeOutsideMap { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Offset 1 -Count 8192 } FileShared
    Add-Case Sync-MemoryMap 'count Int64.MaxValue' RangeOutsideMap { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Count ([long]::MaxValue) } FileShared
    Add-Case Sync-MemoryMap 'offset + count overflowing Int64' RangeOutsideMap { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Offset ([long]::MaxValue) -Count ([long]::MaxValue) -Invalidate } FileShared
    Add-Case Sync-MemoryMap 'range outside anonymous memory' RangeOutsideMap { param($fx) Sync-MemoryMap $fx.Maps.Anon -Offset 4000 -Count 100 } Anon
    Add-Case Sync-MemoryMap 'range outside a map with an offset into its file' RangeOutsideMap { param($fx) Sync-MemoryMap $fx.Maps.FileOffset -Offset 3000 -Count 1 } FileOffset
    Add-Case Sync-MemoryMap 'closed map' MapClosed { param($fx) Sync-MemoryMap $fx.Maps.Closed } Closed
    Add-Case Sync-MemoryMap 'closed file map' MapClosed { param($fx) Sync-MemoryMap $fx.Maps.ClosedFile -Async } ClosedFile
    Add-Case Sync-MemoryMap 'truncated file, whole map' FileTruncated { param($fx) Sync-MemoryMap $fx.Maps.Truncated } Truncated
    Add-Case Sync-MemoryMap 'truncated file, past the cut' FileTruncated { param($fx) Sync-MemoryMap $fx.Maps.Truncated -Offset 8000 -Count 10 } Truncated
    Add-Case Sync-MemoryMap 'null map' ParameterArgumentValidationError { Sync-MemoryMap -InputObject $null }
    Add-Case Sync-MemoryMap 'text from the pipeline' InputObjectNotBound { 'text' | Sync-MemoryMap }
    Add-Case Sync-MemoryMap 'number from the pipeline' InputObjectNotBound { 42 | Sync-MemoryMap }
    Add-Case Sync-MemoryMap 'text as -InputObject' CannotConvertArgumentNoMessage { Sync-MemoryMap -InputObject 'text' }
    Add-Case Sync-MemoryMap 'offset text' CannotConvertArgumentNoMessage { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Offset 'abc' } FileShared
    Add-Case Sync-MemoryMap 'unknown parameter' NamedParameterNotFound { param($fx) Sync-MemoryMap $fx.Maps.FileShared -Bogus } FileShared

    # ---- Resize-MemoryMap ----
    Add-Case Resize-MemoryMap 'size zero' SizeNotPositive { param($fx) Resize-MemoryMap $fx.Maps.Anon -Size 0 } Anon
    Add-Case Resize-MemoryMap 'size -1' SizeNotPositive { param($fx) Resize-MemoryMap $fx.Maps.FileShared -Size -1 -Force } FileShared
    Add-Case Resize-MemoryMap 'size Int64.MinValue' SizeNotPositive { param($fx) Resize-MemoryMap $fx.Maps.Anon -Size ([long]::MinValue) -Force } Anon
    Add-Case Resize-MemoryMap 'a view' ViewNotResizable { param($fx) Resize-MemoryMap (New-MemoryMap -InputObject $fx.Maps.Sentinel -Offset 0 -Size 100) -Size 50 -Force } Sentinel
    Add-Case Resize-MemoryMap 'read-only file map' MapNotResizable { param($fx) Resize-MemoryMap $fx.Maps.FileRead -Size 9000 } FileRead
    Add-Case Resize-MemoryMap 'read-only file map, shrink' MapNotResizable { param($fx) Resize-MemoryMap $fx.Maps.FileRead -Size 10 -Force } FileRead
    Add-Case Resize-MemoryMap 'private file map' MapNotResizable { param($fx) Resize-MemoryMap $fx.Maps.FilePrivate -Size 9000 } FilePrivate
    Add-Case Resize-MemoryMap 'closed map' MapClosed { param($fx) Resize-MemoryMap $fx.Maps.Closed -Size 8192 } Closed
    Add-Case Resize-MemoryMap 'closed file map' MapClosed { param($fx) Resize-MemoryMap $fx.Maps.ClosedFile -Size 10 -Force } ClosedFile
    Add-Case Resize-MemoryMap 'id of a closed map' MapNotFound { param($fx) Resize-MemoryMap -Id $fx.Maps.Closed.Id -Size 8192 } Closed
    Add-Case Resize-MemoryMap 'id Int32.MaxValue' MapNotFound { Resize-MemoryMap -Id ([int]::MaxValue) -Size 8192 }
    Add-Case Resize-MemoryMap 'null map' ParameterArgumentValidationError { Resize-MemoryMap -InputObject $null -Size 8192 }
    Add-Case Resize-MemoryMap 'text from the pipeline' InputObjectNotBound { 'text' | Resize-MemoryMap -Size 8192 }
    Add-Case Resize-MemoryMap 'text as -InputObject' CannotConvertArgumentNoMessage { Resize-MemoryMap -InputObject 'text' -Size 8192 }
    Add-Case Resize-MemoryMap 'size text' CannotConvertArgumentNoMessage { param($fx) Resize-MemoryMap $fx.Maps.Anon -Size 'abc' } Anon
    Add-Case Resize-MemoryMap '-InputObject and -Id' AmbiguousParameterSet { param($fx) Resize-MemoryMap -InputObject $fx.Maps.Sentinel -Id $fx.Maps.Sentinel.Id -Size 8192 } Sentinel
    Add-Case Resize-MemoryMap 'unknown parameter' NamedParameterNotFound { param($fx) Resize-MemoryMap $fx.Maps.Anon -Size 8192 -Bogus } Anon

    # ---- Close-MemoryMap ----
    Add-Case Close-MemoryMap 'null map' ParameterArgumentValidationError { Close-MemoryMap $null }
    Add-Case Close-MemoryMap 'array holding null' ParameterArgumentValidationError { Close-MemoryMap @($null) }
    Add-Case Close-MemoryMap 'a map and null (closes neither)' ParameterArgumentValidationError { param($fx) Close-MemoryMap @($fx.Maps.Sentinel, $null) } Sentinel
    Add-Case Close-MemoryMap 'text from the pipeline' InputObjectNotBound { 'text' | Close-MemoryMap }
    Add-Case Close-MemoryMap 'number from the pipeline' InputObjectNotBound { 42 | Close-MemoryMap }
    Add-Case Close-MemoryMap 'date from the pipeline' InputObjectNotBound { [datetime]::MinValue | Close-MemoryMap }
    Add-Case Close-MemoryMap 'text as -InputObject' CannotConvertArgumentNoMessage { Close-MemoryMap -InputObject 'text' }
    Add-Case Close-MemoryMap 'id text' CannotConvertArgumentNoMessage { Close-MemoryMap -Id 'abc' }
    Add-Case Close-MemoryMap 'id 2^31' CannotConvertArgumentNoMessage { Close-MemoryMap -Id 2147483648 }
    Add-Case Close-MemoryMap 'id -2^31 - 1' CannotConvertArgumentNoMessage { Close-MemoryMap -Id -2147483649 }
    Add-Case Close-MemoryMap 'id null' ParameterArgumentValidationErrorNullNotAllowed { Close-MemoryMap -Id $null }
    Add-Case Close-MemoryMap 'id empty array' ParameterArgumentValidationErrorEmptyArrayNotAllowed { Close-MemoryMap -Id @() }
    Add-Case Close-MemoryMap 'id -1' MapNotFound { Close-MemoryMap -Id -1 }
    Add-Case Close-MemoryMap 'id 0' MapNotFound { Close-MemoryMap -Id 0 }
    Add-Case Close-MemoryMap 'id Int32.MaxValue' MapNotFound { Close-MemoryMap -Id ([int]::MaxValue) }
    Add-Case Close-MemoryMap 'id Int32.MinValue' MapNotFound { Close-MemoryMap -Id ([int]::MinValue) }
    Add-Case Close-MemoryMap 'id of a closed map' MapNotFound { param($fx) Close-MemoryMap -Id $fx.Maps.Closed.Id } Closed
    Add-Case Close-MemoryMap '-InputObject and -Id' AmbiguousParameterSet { param($fx) Close-MemoryMap -InputObject $fx.Maps.Sentinel -Id $fx.Maps.Sentinel.Id } Sentinel
    Add-Case Close-MemoryMap 'unknown parameter' NamedParameterNotFound { param($fx) Close-MemoryMap $fx.Maps.Sentinel -Bogus } Sentinel

    # ---- Get-MemoryMap ----
    Add-Case Get-MemoryMap 'id -1' MapNotFound { Get-MemoryMap -Id -1 }
    Add-Case Get-MemoryMap 'id 0' MapNotFound { Get-MemoryMap -Id 0 }
    Add-Case Get-MemoryMap 'id Int32.MaxValue' MapNotFound { Get-MemoryMap -Id ([int]::MaxValue) }
    Add-Case Get-MemoryMap 'id Int32.MinValue' MapNotFound { Get-MemoryMap ([int]::MinValue) }
    Add-Case Get-MemoryMap 'id of a closed map' MapNotFound { param($fx) Get-MemoryMap -Id $fx.Maps.Closed.Id }
    Add-Case Get-MemoryMap 'id text' CannotConvertArgumentNoMessage { Get-MemoryMap -Id 'abc' }
    Add-Case Get-MemoryMap 'id 2^31' CannotConvertArgumentNoMessage { Get-MemoryMap -Id 2147483648 }
    Add-Case Get-MemoryMap 'id of the wrong type' CannotConvertArgumentNoMessage { Get-MemoryMap -Id ([datetime]::MinValue) }
    Add-Case Get-MemoryMap 'text from the pipeline' InputObjectNotBound { 'text' | Get-MemoryMap }
    Add-Case Get-MemoryMap 'number from the pipeline' InputObjectNotBound { 42 | Get-MemoryMap }
    Add-Case Get-MemoryMap 'a map from the pipeline' InputObjectNotBound { param($fx) $fx.Maps.Sentinel | Get-MemoryMap } Sentinel
    Add-Case Get-MemoryMap 'unknown parameter' NamedParameterNotFound { Get-MemoryMap -Bogus }
    Add-Case Get-MemoryMap 'extra positional argument' PositionalParameterNotFound { Get-MemoryMap 1 2 }

    # ---- Named shared memory and views (issue 6) ----
    # Every name starts with mman-test-<pid>-badinput-; only the size-mismatch and empty-object cases create
    # an object, and they remove it again.
    $categories['NameInvalid'] = 'InvalidArgument'; $categories['NamedMapNotFound'] = 'ObjectNotFound'
    $categories['NamedMapSizeMismatch'] = 'InvalidArgument'; $categories['NamedMapAccessDenied'] = 'PermissionDenied'
    $categories['NamedMapEmpty'] = 'ResourceUnavailable'
    Add-Case New-MemoryMap 'name empty string' ParameterArgumentValidationErrorEmptyStringNotAllowed { New-MemoryMap -Name '' -Size 4096 }
    Add-Case New-MemoryMap 'name null' ParameterArgumentValidationError { New-MemoryMap -Name $null }
    Add-Case New-MemoryMap 'name of 256 bytes' NameInvalid { New-MemoryMap -Name ('n' * 256) -Size 4096 }
    Add-Case New-MemoryMap 'name with a slash' NameInvalid { New-MemoryMap -Name "mman-test-$PID-badinput/x" -Size 4096 }
    Add-Case New-MemoryMap 'name with a leading slash, opened' NameInvalid { New-MemoryMap -Name "/mman-test-$PID-badinput" }
    if ($IsWindows) {
        # Windows takes the Local\ and Global\ prefixes, and no other namespace.
        Add-Case New-MemoryMap 'name with the Session\ prefix' NameInvalid { New-MemoryMap -Name "Session\1\mman-test-$PID-badinput" -Size 4096 }
        Add-Case New-MemoryMap 'name that is only the Local\ prefix' NameInvalid { New-MemoryMap -Name 'Local\' -Size 4096 }
    }
    else {
        Add-Case New-MemoryMap 'name with the Local\ prefix' NameInvalid { New-MemoryMap -Name "Local\mman-test-$PID-badinput" -Size 4096 }
    }
    Add-Case New-MemoryMap 'name ..' NameInvalid { New-MemoryMap -Name '..' -Size 4096 }
    Add-Case New-MemoryMap 'name sem.x' NameInvalid { New-MemoryMap -Name 'sem.x' -Size 4096 }
    Add-Case New-MemoryMap 'name with a NUL character' NameInvalid { New-MemoryMap -Name "mman-test-$PID-badinput`0" -Size 4096 }
    Add-Case New-MemoryMap 'name that no object has' NamedMapNotFound { New-MemoryMap -Name "mman-test-$PID-badinput-missing" }
    Add-Case New-MemoryMap 'name that no object has, read-only' NamedMapNotFound { New-MemoryMap -Name "mman-test-$PID-badinput-missing" -Protection Read -Sharing Private }
    Add-Case New-MemoryMap 'name of an object of another size' NamedMapSizeMismatch {
        $name = "mman-test-$PID-badinput-mismatch"
        $map = New-MemoryMap -Name $name -Size 4096
        # On Windows the name goes with its last map: there is nothing to remove.
        try { New-MemoryMap -Name $name -Size 8192 } finally { $map.Dispose(); if (-not $IsWindows) { Remove-MemoryMap -Name $name } }
    }
    Add-Case New-MemoryMap 'name of an object of size 0' NamedMapEmpty {
        $name = "mman-test-$PID-badinput-empty"
        [IO.File]::Create("/dev/shm/$name").Dispose()
        try { New-MemoryMap -Name $name } finally { Remove-MemoryMap -Name $name }
    } -Skip $(if ($IsWindows) { 'not on Windows: a section cannot be of size 0' })
    Add-Case New-MemoryMap 'name, size zero' SizeNotPositive { New-MemoryMap -Name "mman-test-$PID-badinput" -Size 0 }
    Add-Case New-MemoryMap 'name, size -1' SizeNotPositive { New-MemoryMap -Name "mman-test-$PID-badinput" -Size -1 }
    Add-Case New-MemoryMap 'name, size 1 PiB' MapFailed { New-MemoryMap -Name "mman-test-$PID-badinput" -Size 1PB }
    Add-Case New-MemoryMap 'name, W+X without the switch' WriteExecuteRefused { New-MemoryMap -Name "mman-test-$PID-badinput" -Size 4096 -Protection Read, Write, Execute }
    Add-Case New-MemoryMap 'name, sharing unknown' CannotConvertArgumentNoMessage { New-MemoryMap -Name "mman-test-$PID-badinput" -Size 4096 -Sharing Bogus }
    Add-Case New-MemoryMap 'two names' CannotConvertArgument { New-MemoryMap -Name 'a', 'b' -Size 4096 }
    Add-Case New-MemoryMap '-Name and -Path' AmbiguousParameterSet { param($fx) New-MemoryMap -Name "mman-test-$PID-badinput" -Path $fx.Small }
    Add-Case New-MemoryMap '-Name and -Offset' AmbiguousParameterSet { New-MemoryMap -Name "mman-test-$PID-badinput" -Size 4096 -Offset 10 }
    Add-Case New-MemoryMap '-AllowOtherUsers with anonymous memory' AmbiguousParameterSet { New-MemoryMap -Size 4096 -AllowOtherUsers -Sharing Shared -Offset 0 }
    Add-Case New-MemoryMap 'view offset at the end of the map' RangeOutsideMap { param($fx) New-MemoryMap -InputObject $fx.Maps.Anon -Offset 4096 } Anon
    Add-Case New-MemoryMap 'view one byte too long' RangeOutsideMap { param($fx) New-MemoryMap -InputObject $fx.Maps.Anon -Offset 1 -Size 4096 } Anon
    Add-Case New-MemoryMap 'view offset Int64.MaxValue' RangeOutsideMap { param($fx) $fx.Maps.Anon | New-MemoryMap -Offset ([long]::MaxValue) -Size 1 } Anon
    Add-Case New-MemoryMap 'view offset + size overflowing' RangeOutsideMap { param($fx) New-MemoryMap -InputObject $fx.Maps.FileOffset -Offset 10 -Size ([long]::MaxValue) } FileOffset
    Add-Case New-MemoryMap 'view offset -1' OffsetNegative { param($fx) New-MemoryMap -InputObject $fx.Maps.Anon -Offset -1 } Anon
    Add-Case New-MemoryMap 'view size zero' SizeNotPositive { param($fx) New-MemoryMap -InputObject $fx.Maps.Anon -Size 0 } Anon
    Add-Case New-MemoryMap 'view size -1' SizeNotPositive { param($fx) $fx.Maps.Shared | New-MemoryMap -Size -1 } Shared
    Add-Case New-MemoryMap 'view of a closed map' MapClosed { param($fx) New-MemoryMap -InputObject $fx.Maps.Closed } Closed
    Add-Case New-MemoryMap 'view of a closed file map, piped' MapClosed { param($fx) $fx.Maps.ClosedFile | New-MemoryMap -Offset 10 } ClosedFile
    Add-Case New-MemoryMap 'view W+X without the switch' WriteExecuteRefused { param($fx) New-MemoryMap -InputObject $fx.Maps.Anon -Offset 100 -Size 10 -Protection Read, Write, Execute } Anon
    Add-Case New-MemoryMap 'view with Write of a file opened read-only' ProtectionDenied { param($fx) New-MemoryMap -InputObject $fx.Maps.FileRead -Offset 4096 -Protection Read, Write } FileRead
    Add-Case New-MemoryMap 'view with -Sharing' AmbiguousParameterSet { param($fx) New-MemoryMap -InputObject $fx.Maps.Anon -Sharing Shared } Anon
    Add-Case New-MemoryMap 'view with -Name' AmbiguousParameterSet { param($fx) New-MemoryMap -InputObject $fx.Maps.Anon -Name x } Anon
    Add-Case New-MemoryMap 'view of null' ParameterArgumentValidationError { New-MemoryMap -InputObject $null -Offset 1 }
    Add-Case New-MemoryMap 'view of text' CannotConvertArgumentNoMessage { New-MemoryMap -InputObject 'text' -Offset 1 }

    Add-Case Read-MemoryMap 'view, past its end' RangeOutsideMap { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.Anon -Offset 100 -Size 10; try { Read-MemoryMap $view -Offset 5 -Count 6 } finally { $view.Dispose() } } Anon
    Add-Case Read-MemoryMap 'view of a PROT_NONE map' MapNotReadable { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.None -Offset 100; try { Read-MemoryMap $view -Count 1 } finally { $view.Dispose() } } None
    Add-Case Read-MemoryMap 'view of a truncated file, past the cut' FileTruncated { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.Truncated -Offset 4000; try { Read-MemoryMap $view -Offset 1000 -Count 1 } finally { $view.Dispose() } } Truncated
    Add-Case Read-MemoryMap 'view whose parent was closed' MapClosed { $parent = New-MemoryMap -Size 4096; $view = $parent | New-MemoryMap -Offset 10; $parent.Dispose(); Read-MemoryMap $view }
    Add-Case Write-MemoryMap 'view, past its end' RangeOutsideMap { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.Anon -Offset 100 -Size 10; try { Write-MemoryMap $view -Data 1, 2 -Offset 9 } finally { $view.Dispose() } } Anon
    Add-Case Write-MemoryMap 'view of a read-only map' MapNotWritable { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.ReadOnly -Offset 4000; try { Write-MemoryMap $view -Data 1 } finally { $view.Dispose() } } ReadOnly
    Add-Case Write-MemoryMap 'view, typed past its end' RangeOutsideMap { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.Shared -Offset 4090; try { Write-MemoryMap $view -Value 1 -As Int64 -Offset 0 } finally { $view.Dispose() } } Shared
    Add-Case Set-MemoryMapProtection 'view W+X without the switch' WriteExecuteRefused { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.Anon -Offset 100 -Size 10; try { Set-MemoryMapProtection $view -Protection Read, Write, Execute } finally { $view.Dispose() } } Anon
    Add-Case Set-MemoryMapProtection 'view with Write of a file opened read-only' ProtectionDenied { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.FileRead -Offset 100; try { Set-MemoryMapProtection $view -Protection Read, Write } finally { $view.Dispose() } } FileRead
    Add-Case Set-MemoryMapProtection 'view whose parent was closed' MapClosed { $parent = New-MemoryMap -Size 4096; $view = $parent | New-MemoryMap; $parent.Dispose(); Set-MemoryMapProtection $view -Protection Read }
    Add-Case Sync-MemoryMap 'view, past its end' RangeOutsideMap { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.FileShared -Offset 8000; try { Sync-MemoryMap $view -Offset 100 -Count 93 } finally { $view.Dispose() } } FileShared
    Add-Case Close-MemoryMap 'id of a view closed with its parent' MapNotFound { $parent = New-MemoryMap -Size 4096; $view = $parent | New-MemoryMap; $parent.Dispose(); Close-MemoryMap -Id $view.Id }

    Add-Case Get-MemoryMap 'name no map of this process has' MapNotFound { Get-MemoryMap -Name "mman-test-$PID-badinput-none" }
    Add-Case Get-MemoryMap 'names, one with no map' MapNotFound { Get-MemoryMap -Name "mman-test-$PID-badinput-*", "mman-test-$PID-badinput-none" }
    Add-Case Get-MemoryMap 'name empty' ParameterArgumentValidationError { Get-MemoryMap -Name '' }
    Add-Case Get-MemoryMap 'name null' ParameterArgumentValidationError { Get-MemoryMap -Name $null }
    Add-Case Get-MemoryMap 'name and id' AmbiguousParameterSet { Get-MemoryMap -Name x -Id 1 }

    Add-Case Remove-MemoryMap 'name no object has' NamedMapNotFound { Remove-MemoryMap -Name "mman-test-$PID-badinput-missing" }
    Add-Case Remove-MemoryMap 'name no object has, positional' NamedMapNotFound { Remove-MemoryMap "mman-test-$PID-badinput-missing" }
    Add-Case Remove-MemoryMap 'name empty' ParameterArgumentValidationError { Remove-MemoryMap -Name '' }
    Add-Case Remove-MemoryMap 'name null' ParameterArgumentValidationError { Remove-MemoryMap -Name $null }
    Add-Case Remove-MemoryMap 'empty array of names' ParameterArgumentValidationError { Remove-MemoryMap -Name @() }
    Add-Case Remove-MemoryMap 'array holding null' ParameterArgumentValidationError { Remove-MemoryMap -Name @($null) }
    Add-Case Remove-MemoryMap 'name with a slash' NameInvalid { Remove-MemoryMap -Name 'mman-test/x' }
    if ($IsWindows) {
        Add-Case Remove-MemoryMap 'name with the Session\ prefix' NameInvalid { Remove-MemoryMap -Name 'Session\1\mman-test-x' }
    }
    else {
        Add-Case Remove-MemoryMap 'name with the Global\ prefix' NameInvalid { Remove-MemoryMap -Name 'Global\mman-test-x' }
    }
    Add-Case Remove-MemoryMap 'name ..' NameInvalid { Remove-MemoryMap -Name '..' }
    Add-Case Remove-MemoryMap 'name sem.x' NameInvalid { Remove-MemoryMap -Name 'sem.x' }
    Add-Case Remove-MemoryMap 'name of 256 bytes' NameInvalid { Remove-MemoryMap -Name ('n' * 256) }
    Add-Case Remove-MemoryMap 'name with a line break' NameInvalid { Remove-MemoryMap -Name "mman-test`nx" }
    Add-Case Remove-MemoryMap 'an anonymous map piped (no name)' ParameterArgumentValidationError { param($fx) $fx.Maps.Sentinel | Remove-MemoryMap } Sentinel
    Add-Case Remove-MemoryMap 'a file map piped (no name)' ParameterArgumentValidationError { param($fx) $fx.Maps.FileRead | Remove-MemoryMap } FileRead
    Add-Case Remove-MemoryMap 'a name no object has, from the pipeline' NamedMapNotFound { "mman-test-$PID-badinput-missing" | Remove-MemoryMap }
    Add-Case Remove-MemoryMap 'an invalid name from the pipeline' NameInvalid { 'mman-test/x' | Remove-MemoryMap }
    Add-Case Remove-MemoryMap 'unknown parameter' NamedParameterNotFound { Remove-MemoryMap -Name x -Bogus }

    # ---- Add-, Get-, Set-, Wait-MemoryMapInteger (issue 15) ----
    Add-Case Add-MemoryMapInteger 'offset 1 (not aligned)' IntegerNotAligned { param($fx) Add-MemoryMapInteger $fx.Maps.Anon -Offset 1 } Anon
    Add-Case Add-MemoryMapInteger 'Int64 at offset 4 (not aligned)' IntegerNotAligned { param($fx) Add-MemoryMapInteger $fx.Maps.Shared -Offset 4 -Type Int64 } Shared
    Add-Case Add-MemoryMapInteger 'view at parent offset 1, offset 0' IntegerNotAligned { param($fx) $view = New-MemoryMap -InputObject $fx.Maps.Anon -Offset 1; try { Add-MemoryMapInteger $view } finally { $view.Dispose() } } Anon
    Add-Case Add-MemoryMapInteger 'read-only map' MapNotWritable { param($fx) Add-MemoryMapInteger $fx.Maps.ReadOnly } ReadOnly
    Add-Case Add-MemoryMapInteger 'map opened read-only from its file' MapNotWritable { param($fx) Add-MemoryMapInteger $fx.Maps.FileRead -Offset 8 } FileRead
    Add-Case Add-MemoryMapInteger 'closed map' MapClosed { param($fx) Add-MemoryMapInteger $fx.Maps.Closed }
    Add-Case Add-MemoryMapInteger 'offset at the end' RangeOutsideMap { param($fx) Add-MemoryMapInteger $fx.Maps.Anon -Offset 4096 } Anon
    Add-Case Add-MemoryMapInteger 'Int64 straddling the end' RangeOutsideMap { param($fx) Add-MemoryMapInteger $fx.Maps.Anon -Offset 4092 -Type Int64 } Anon
    Add-Case Add-MemoryMapInteger 'offset -4' OffsetNegative { param($fx) Add-MemoryMapInteger $fx.Maps.Anon -Offset -4 } Anon
    Add-Case Add-MemoryMapInteger 'value past Int32' ValueNotConvertible { param($fx) Add-MemoryMapInteger $fx.Maps.Anon -Value 3000000000 } Anon
    Add-Case Add-MemoryMapInteger 'past the end of a truncated file' FileTruncated { param($fx) Add-MemoryMapInteger $fx.Maps.Truncated -Offset 8192 } Truncated
    Add-Case Add-MemoryMapInteger 'type Byte' ParameterArgumentValidationError { param($fx) Add-MemoryMapInteger $fx.Maps.Anon -Type Byte } Anon
    Add-Case Get-MemoryMapInteger 'offset 2 (not aligned)' IntegerNotAligned { param($fx) Get-MemoryMapInteger $fx.Maps.ReadOnly -Offset 2 } ReadOnly
    Add-Case Get-MemoryMapInteger 'no access' MapNotReadable { param($fx) Get-MemoryMapInteger $fx.Maps.None } None
    Add-Case Get-MemoryMapInteger 'closed map' MapClosed { param($fx) Get-MemoryMapInteger $fx.Maps.Closed -Type Int64 }
    Add-Case Get-MemoryMapInteger 'offset past the end' RangeOutsideMap { param($fx) Get-MemoryMapInteger $fx.Maps.Sentinel -Offset 65536 } Sentinel
    Add-Case Set-MemoryMapInteger 'offset 6 (not aligned)' IntegerNotAligned { param($fx) Set-MemoryMapInteger $fx.Maps.Anon -Offset 6 -Value 1 } Anon
    Add-Case Set-MemoryMapInteger 'read-only map' MapNotWritable { param($fx) Set-MemoryMapInteger $fx.Maps.ReadOnly -Value 1 } ReadOnly
    Add-Case Set-MemoryMapInteger 'read-only map, compare-exchange' MapNotWritable { param($fx) Set-MemoryMapInteger $fx.Maps.ReadOnly -Value 1 -Expected 0 } ReadOnly
    Add-Case Set-MemoryMapInteger 'closed map' MapClosed { param($fx) Set-MemoryMapInteger $fx.Maps.ClosedFile -Value 1 }
    Add-Case Set-MemoryMapInteger 'expected past Int32' ValueNotConvertible { param($fx) Set-MemoryMapInteger $fx.Maps.Anon -Value 1 -Expected ([long]::MaxValue) } Anon
    Add-Case Wait-MemoryMapInteger 'offset 4, Int64 (not aligned)' IntegerNotAligned { param($fx) Wait-MemoryMapInteger $fx.Maps.Anon -Offset 4 -Type Int64 -Equal 0 } Anon
    Add-Case Wait-MemoryMapInteger 'no access' MapNotReadable { param($fx) Wait-MemoryMapInteger $fx.Maps.None -Equal 0 -Timeout 1 } None
    Add-Case Wait-MemoryMapInteger 'closed map' MapClosed { param($fx) Wait-MemoryMapInteger $fx.Maps.Closed -Equal 0 }
    Add-Case Wait-MemoryMapInteger 'timeout 0, value not there' WaitTimedOut { param($fx) Wait-MemoryMapInteger $fx.Maps.Anon -NotEqual (Get-MemoryMapInteger $fx.Maps.Anon) -Timeout 0 } Anon
    Add-Case Wait-MemoryMapInteger 'negative timeout' ParameterArgumentTransformationError { param($fx) Wait-MemoryMapInteger $fx.Maps.Anon -Equal 0 -Timeout -1 } Anon
    Add-Case Wait-MemoryMapInteger 'equal and not equal' AmbiguousParameterSet { param($fx) Wait-MemoryMapInteger $fx.Maps.Anon -Equal 0 -NotEqual 1 } Anon
    Add-Case Wait-MemoryMapInteger 'equal past Int32' ValueNotConvertible { param($fx) Wait-MemoryMapInteger $fx.Maps.Anon -Equal 4294967296 } Anon

    return $cases.ToArray()
}

function Invoke-BadInputCase {
    # Runs one case with errors terminating; returns the ErrorRecord (or $null) and closes any map it emitted.
    param([Parameter(Mandatory)] [hashtable] $Case, [Parameter(Mandatory)] $Fixture)
    $record = $null
    $output = [Collections.Generic.List[object]]::new()
    $ErrorActionPreference = 'Stop'
    try {
        & $Case.Run $Fixture | ForEach-Object { $output.Add($_) }
    }
    catch {
        $record = $_
    }
    foreach ($item in $output) {
        if ($item -is [Mman.MemoryMap]) { $item.Dispose() }
    }
    return $record
}
