# Shared helpers for the Mman Pester tests. Each test file imports this module, then calls Import-MmanModule.

Set-StrictMode -Version Latest

function Get-MmanModulePath {
    <#
    .SYNOPSIS
        The manifest of the built module: $env:MMAN_MODULE_PATH, else out/Mman/Mman.psd1 of the repository.
    #>
    if ($env:MMAN_MODULE_PATH) {
        return $env:MMAN_MODULE_PATH
    }
    return [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/Mman/Mman.psd1'))
}

function Import-MmanModule {
    <#
    .SYNOPSIS
        Imports the built Mman module into the global scope, so the test scripts see its cmdlets.
    #>
    Import-Module (Get-MmanModulePath) -Global -ErrorAction Stop
}

function Get-PwshCommand {
    <#
    .SYNOPSIS
        The command that starts a child pwsh like this one: under 'dotnet pwsh' that is dotnet plus pwsh.dll.
    #>
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    # The comma keeps a one-element array an array: 'return @($x)' would hand back the bare string.
    return , @($process)
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a script in a fresh pwsh with the Mman module imported and returns its output lines.
        The script must write its results as text (for example with ConvertTo-Json -Compress).
    #>
    param([Parameter(Mandatory)] [string] $Script)
    $pwsh = Get-PwshCommand
    $full = "`$ErrorActionPreference = 'Stop'; Import-Module '$(Get-MmanModulePath)'; $Script"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full))
    $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "The child pwsh failed with exit code ${LASTEXITCODE}: $($output -join [Environment]::NewLine)"
    }
    return $output
}

function Get-PatternByte {
    <#
    .SYNOPSIS
        The byte New-TestFile writes at a file position: a pattern that differs between neighbouring
        bytes and between pages, so a map at the wrong offset reads the wrong values.
    #>
    param([Parameter(Mandatory)] [long] $Position)
    return [byte](($Position * 7 + ($Position -shr 12) * 13) % 251)
}

function New-TestFile {
    <#
    .SYNOPSIS
        Creates a file of Length bytes filled with the Get-PatternByte pattern (or with zeros) and
        returns its full path.
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [long] $Length,
        [switch] $Zero
    )
    $bytes = New-Object byte[] $Length
    if (-not $Zero) {
        for ($i = 0L; $i -lt $Length; $i++) {
            $bytes[$i] = [byte](($i * 7 + ($i -shr 12) * 13) % 251)
        }
    }
    [IO.File]::WriteAllBytes($Path, $bytes)
    return (Resolve-Path -LiteralPath $Path).ProviderPath
}

function Get-FileByte {
    <#
    .SYNOPSIS
        Reads Count bytes of a file from Position without mapping it (and without holding it open).
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [long] $Position,
        [Parameter(Mandatory)] [int] $Count
    )
    $stream = [IO.File]::Open($Path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite)
    try {
        $null = $stream.Seek($Position, [IO.SeekOrigin]::Begin)
        $buffer = New-Object byte[] $Count
        $read = 0
        while ($read -lt $Count) {
            $n = $stream.Read($buffer, $read, $Count - $read)
            if ($n -eq 0) { break }
            $read += $n
        }
        return , $buffer
    }
    finally {
        $stream.Dispose()
    }
}

function Get-ErrorRecord {
    <#
    .SYNOPSIS
        Runs a script block with -ErrorAction Stop semantics and returns the ErrorRecord it raised, or $null.
    #>
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    try {
        & $ScriptBlock
    }
    catch {
        return $_
    }
    return $null
}

function Start-ChildPwsh {
    <#
    .SYNOPSIS
        Starts a fresh pwsh running Script without waiting for it, and returns its Process with
        standard output and error redirected. Unless -NoModule, the script runs after
        $ErrorActionPreference = 'Stop' and Import-Module of the built Mman, like Invoke-ChildPwsh.
        -FileName and -PrefixArgument run pwsh through another program (setpriv, runuser).
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [switch] $NoModule,
        [string] $ModulePath = (Get-MmanModulePath),
        [string[]] $Pwsh = (Get-PwshCommand),
        [string] $FileName,
        [string[]] $PrefixArgument = @(),
        [hashtable] $Environment = @{}
    )
    $full = if ($NoModule) { $Script } else { "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; $Script" }
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full))
    $info = [Diagnostics.ProcessStartInfo]::new()
    $arguments = [Collections.Generic.List[string]]::new()
    if ($FileName) {
        $info.FileName = $FileName
        $arguments.AddRange([string[]]$PrefixArgument)
        $arguments.AddRange([string[]]$Pwsh)
    }
    else {
        $info.FileName = $Pwsh[0]
        $arguments.AddRange([string[]]@($Pwsh | Select-Object -Skip 1))
    }
    $arguments.AddRange([string[]]@('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded))
    foreach ($argument in $arguments) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    foreach ($name in $Environment.Keys) { $info.Environment[$name] = [string]$Environment[$name] }
    $process = [Diagnostics.Process]::Start($info)
    $process.StandardInput.Close()
    return $process
}

function Wait-ChildPwsh {
    <#
    .SYNOPSIS
        Waits for a process from Start-ChildPwsh (killing it, and its children, after TimeoutSeconds)
        and returns ExitCode, Output (stdout lines), ErrorText (stderr), TimedOut and Crashed: whether
        it died of a signal (exit code 128 + signal: 134 SIGABRT, 135 SIGBUS, 137 SIGKILL, 139 SIGSEGV)
        or hung. On Windows a crash ends a process with an NTSTATUS, a negative exit code (0xC0000005
        access violation = -1073741819, 0xC0000409 = -1073740791, 0xC0000602 fail-fast = -1073740286),
        and Process.Kill (TerminateProcess) gives -1: Crashed is then ExitCode -lt 0.
    #>
    param(
        [Parameter(Mandatory)] [Diagnostics.Process] $Process,
        [int] $TimeoutSeconds = 120
    )
    $stdout = $Process.StandardOutput.ReadToEndAsync()
    $stderr = $Process.StandardError.ReadToEndAsync()
    $timedOut = -not $Process.WaitForExit($TimeoutSeconds * 1000)
    if ($timedOut) {
        $Process.Kill($true)
        $Process.WaitForExit()
    }
    $Process.WaitForExit()
    $lines = @($stdout.GetAwaiter().GetResult() -split '\r?\n' | Where-Object { $_ -ne '' })
    $result = [pscustomobject]@{
        ExitCode  = $Process.ExitCode
        Output    = $lines
        ErrorText = $stderr.GetAwaiter().GetResult()
        TimedOut  = $timedOut
        Crashed   = $timedOut -or $(if ($IsWindows) { $Process.ExitCode -lt 0 } else { $Process.ExitCode -ge 128 })
    }
    $Process.Dispose()
    return $result
}

function Wait-ChildLine {
    <#
    .SYNOPSIS
        Reads a child's standard output line by line until a line equals Line, and returns the lines read
        (the matching one last). Throws if the child ends or TimeoutSeconds pass first; the rest of the
        output stays for Wait-ChildPwsh.
    #>
    param(
        [Parameter(Mandatory)] [Diagnostics.Process] $Process,
        [Parameter(Mandatory)] [string] $Line,
        [int] $TimeoutSeconds = 60
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $seen = [Collections.Generic.List[string]]::new()
    while ($true) {
        $left = [int][Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
        $next = $Process.StandardOutput.ReadLineAsync()
        if (-not $next.Wait($left)) {
            $Process.Kill($true)
            throw "No line '$Line' from child $($Process.Id) within $TimeoutSeconds s; it wrote: $($seen -join ' | ')"
        }
        $text = $next.Result
        if ($null -eq $text) {
            $errorText = $Process.StandardError.ReadToEnd()
            throw "Child $($Process.Id) ended before writing '$Line'; it wrote: $($seen -join ' | ') $errorText"
        }
        $seen.Add($text)
        if ($text -eq $Line) { return $seen.ToArray() }
    }
}

function New-NobodyStage {
    <#
    .SYNOPSIS
        Stages pwsh and the built module under Folder where user nobody can run them, and makes a home
        for nobody; returns Pwsh (the command to start it), ModulePath and Home. pwsh is hard-linked
        where possible, so its files are never chmod'ed; only the folders get DirectoryMode.
    #>
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [Parameter(Mandatory)] [IO.UnixFileMode] $DirectoryMode
    )
    [IO.File]::SetUnixFileMode($Folder, $DirectoryMode)
    $stage = Join-Path $Folder 'stage'
    $null = New-Item -ItemType Directory -Path $stage
    [IO.File]::SetUnixFileMode($stage, $DirectoryMode)
    & cp -al $PSHOME (Join-Path $stage 'pwsh') 2>$null
    if ($LASTEXITCODE -ne 0) { & cp -r $PSHOME (Join-Path $stage 'pwsh') }
    $pwsh = Get-PwshCommand
    $stagedPwsh = if ($pwsh.Count -gt 1) { @($pwsh[0], (Join-Path $stage 'pwsh/pwsh.dll')) } else { @(Join-Path $stage 'pwsh/pwsh') }
    $stagedModule = Join-Path $stage 'Mman'
    Copy-Item -Recurse (Split-Path (Get-MmanModulePath)) $stagedModule
    foreach ($dir in @($stagedModule) + @(Get-ChildItem -Directory -Recurse $stagedModule).FullName) { [IO.File]::SetUnixFileMode($dir, $DirectoryMode) }
    $nobodyHome = Join-Path $Folder 'home-nobody'
    $null = New-Item -ItemType Directory -Path $nobodyHome
    & chown nobody $nobodyHome
    return [pscustomobject]@{ Pwsh = $stagedPwsh; ModulePath = $stagedModule; Home = $nobodyHome }
}

function Invoke-ChildPwshResult {
    <#
    .SYNOPSIS
        Runs Script in a fresh pwsh like Invoke-ChildPwsh, but never throws: returns what Wait-ChildPwsh
        returns, so a test can assert how the child ended (normally, crashed, hung).
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [int] $TimeoutSeconds = 120,
        [hashtable] $Environment = @{}
    )
    $process = Start-ChildPwsh -Script $Script -Environment $Environment
    return Wait-ChildPwsh -Process $process -TimeoutSeconds $TimeoutSeconds
}

function Get-CasePrelude {
    <#
    .SYNOPSIS
        Script text for a child pwsh that defines Out-Case: Out-Case <name> { <body> } runs the body with
        errors terminating and prints "CASE <name> <result>" at once (so the lines written before a
        crash survive it): the FullyQualifiedErrorId of the error, "<ExceptionType>:<MemoryMapError>"
        for an exception from a .NET method, or "OK" and the body's output.
    #>
    return @'
function Out-Case([string] $Name, [scriptblock] $Body) {
    $ErrorActionPreference = 'Stop'
    try {
        $value = & $Body
        $result = ('OK ' + ($value -join ' ')).Trim()
    }
    catch {
        $e = $_.Exception
        if ($e -is [Management.Automation.MethodInvocationException] -and $null -ne $e.InnerException) {
            $inner = $e.InnerException
            $result = $inner.GetType().Name + $(if ($inner.PSObject.Properties['Error']) { ':' + $inner.Error })
        }
        else {
            $result = $_.FullyQualifiedErrorId
        }
    }
    [Console]::Out.WriteLine("CASE $Name $result")
    [Console]::Out.Flush()
}
'@
}

function ConvertFrom-CaseLine {
    <#
    .SYNOPSIS
        Turns a child's "CASE <name> <result>" lines into a hashtable of name -> result.
    #>
    param([AllowEmptyCollection()] [string[]] $Line = @())
    $cases = @{}
    foreach ($text in $Line) {
        if ($text -match '^CASE (\S+) (.*)$') { $cases[$Matches[1]] = $Matches[2].Trim() }
    }
    return $cases
}

function Get-FileBytes {
    <#
    .SYNOPSIS
        All bytes of a file, read while others may hold it open or mapped.
    #>
    param([Parameter(Mandatory)] [string] $Path)
    $stream = [IO.File]::Open($Path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite -bor [IO.FileShare]::Delete)
    try {
        $buffer = New-Object byte[] $stream.Length
        $read = 0
        while ($read -lt $buffer.Length) {
            $n = $stream.Read($buffer, $read, $buffer.Length - $read)
            if ($n -eq 0) { break }
            $read += $n
        }
        return , $buffer
    }
    finally {
        $stream.Dispose()
    }
}

function Test-ByteArrayEqual {
    <#
    .SYNOPSIS
        Whether two byte arrays hold the same bytes (a span comparison, fast for large arrays).
    #>
    param([AllowNull()] [byte[]] $Expected, [AllowNull()] [byte[]] $Actual)
    if ($null -eq $Expected -or $null -eq $Actual) { return $null -eq $Expected -and $null -eq $Actual }
    return [Linq.Enumerable]::SequenceEqual($Expected, $Actual)
}

function Set-SparseFile {
    <#
    .SYNOPSIS
        Marks the file open in Stream as sparse on Windows (FSCTL_SET_SPARSE), so seeking far past its
        end and writing takes no room; NTFS zero-fills the gap of a file that is not sparse. Elsewhere
        it does nothing: ext4, XFS and APFS files are sparse anyway. (fsutil is not always there,
        Wine has none.)
    #>
    param([Parameter(Mandatory)] [IO.FileStream] $Stream)
    if (-not $IsWindows) { return }
    if (-not ('MmanTest.SparseFile' -as [type])) {
        Add-Type -Namespace MmanTest -Name SparseFile -MemberDefinition @'
[DllImport("kernel32.dll", SetLastError = true)]
public static extern bool DeviceIoControl(Microsoft.Win32.SafeHandles.SafeFileHandle device, uint code, IntPtr inBuffer, uint inSize, IntPtr outBuffer, uint outSize, out uint returned, IntPtr overlapped);
'@
    }
    $returned = [uint32]0
    $fsctlSetSparse = [uint32]0x000900C4
    if (-not [MmanTest.SparseFile]::DeviceIoControl($Stream.SafeFileHandle, $fsctlSetSparse, [IntPtr]::Zero, 0, [IntPtr]::Zero, 0, [ref]$returned, [IntPtr]::Zero)) {
        throw [ComponentModel.Win32Exception]::new([Runtime.InteropServices.Marshal]::GetLastWin32Error())
    }
}

function Test-WineHost {
    <#
    .SYNOPSIS
        Whether this Windows process runs under Wine: Wine's ntdll exports wine_get_version, Windows'
        does not. False on Linux and macOS. For tests of a Windows behaviour that Wine does not have
        (Wine, for one, does not enforce the ACLs of files): they assert it on Windows and say why
        they are skipped under Wine.
    #>
    if (-not $IsWindows) { return $false }
    $address = [IntPtr]::Zero
    return [Runtime.InteropServices.NativeLibrary]::TryGetExport([Runtime.InteropServices.NativeLibrary]::Load('ntdll.dll'), 'wine_get_version', [ref]$address)
}

# Found once per session by Get-ProcStatusPath under Wine.
$script:wineStatusPath = $null

function Get-ProcStatusPath {
    <#
    .SYNOPSIS
        Where this process's /proc/<pid>/status is: on Linux /proc/self/status. Under Wine the
        Windows process is a Linux process too, but /proc/self there is the wineserver's (it opens
        files for its clients): the process is found as the one that maps a file made for the
        purpose, and its /proc/<pid>/status is read through drive Z:. Null on real Windows and macOS.
    #>
    if ($IsLinux) { return '/proc/self/status' }
    if (-not (Test-WineHost) -or -not (Test-Path -LiteralPath 'Z:\proc\self\status')) { return $null }
    if ($script:wineStatusPath) { return $script:wineStatusPath }
    $marker = Join-Path ([IO.Path]::GetTempPath()) ('mman-pid-' + [guid]::NewGuid().ToString('N') + '.bin')
    [IO.File]::WriteAllBytes($marker, [byte[]]::new(4096))
    $mapped = [IO.MemoryMappedFiles.MemoryMappedFile]::CreateFromFile($marker, [IO.FileMode]::Open)
    $view = $mapped.CreateViewAccessor()
    try {
        $name = [IO.Path]::GetFileName($marker)
        foreach ($process in Get-ChildItem -LiteralPath 'Z:\proc' -Directory -ErrorAction Ignore) {
            if ($process.Name -notmatch '^\d+$') { continue }
            $maps = Join-Path $process.FullName 'maps'
            try { $text = [IO.File]::ReadAllText($maps) } catch { continue }
            if ($text.Contains($name)) {
                $script:wineStatusPath = Join-Path $process.FullName 'status'
                break
            }
        }
    }
    finally {
        $view.Dispose()
        $mapped.Dispose()
        Remove-Item -LiteralPath $marker -ErrorAction Ignore
    }
    return $script:wineStatusPath
}

function Get-LockedMemory {
    <#
    .SYNOPSIS
        The bytes this process has locked in memory as the kernel counts them: VmLck of
        /proc/self/status (Linux, and Wine on Linux). Null where there is no such file.
    #>
    $path = Get-ProcStatusPath
    if (-not $path) { return $null }
    $line = [IO.File]::ReadAllLines($path) | Where-Object { $_ -like 'VmLck:*' }
    return [long]($line -replace '[^0-9]', '') * 1024
}

function Get-MappingLockedMemory {
    <#
    .SYNOPSIS
        The locked bytes of the mappings between Address and Address + Length as /proc/self/smaps
        reports them (its "Locked:" lines; locking part of a mapping splits it, so several count):
        a check independent of VmLck. Null where there is no such file.
    #>
    param([Parameter(Mandatory)] [long] $Address, [Parameter(Mandatory)] [long] $Length)
    $status = Get-ProcStatusPath
    if (-not $status) { return $null }
    $inside = $false
    $total = [long]0
    foreach ($line in [IO.File]::ReadAllLines(($status -replace 'status$', 'smaps'))) {
        if ($line -match '^([0-9a-f]+)-([0-9a-f]+) ') {
            $start = [Convert]::ToInt64($Matches[1], 16)
            $end = [Convert]::ToInt64($Matches[2], 16)
            $inside = $start -lt ($Address + $Length) -and $end -gt $Address
        }
        elseif ($inside -and $line -match '^Locked:\s+(\d+) kB') {
            $total += [long]$Matches[1] * 1024
        }
    }
    return $total
}

function Get-LockedSpan {
    <#
    .SYNOPSIS
        The bytes Lock-MemoryMap locks for Count bytes at Offset of Map: the whole pages under them,
        counted from the page-aligned start of the mapping.
    #>
    param([Parameter(Mandatory)] $Map, [long] $Offset, [long] $Count)
    $page = [Mman.MemoryMap]::PageSize
    $first = $Map.Address.ToInt64() + $Offset
    $firstPage = [Math]::Floor($first / $page)
    $endPage = [Math]::Ceiling(($first + $Count) / $page)
    return [long](($endPage - $firstPage) * $page)
}

function Get-CachedPageCount {
    <#
    .SYNOPSIS
        The pages of a file in the system's page cache and its page count, as util-linux fincore
        (Resident) and vmtouch (VmtouchResident, VmtouchPages) count them: two tools of the system,
        not Mman. Linux only.
    #>
    param([Parameter(Mandatory)] [string] $Path)
    $fincore = (& fincore -J -b -o PAGES,RES,SIZE -- $Path | ConvertFrom-Json).fincore[0]
    $vmtouch = (& vmtouch -- $Path) -join "`n"
    if ($vmtouch -notmatch 'Resident Pages: (\d+)/(\d+)') { throw "vmtouch printed no resident pages for ${Path}: $vmtouch" }
    return [pscustomobject]@{
        Resident        = [long]$fincore.pages
        Pages           = [long][Math]::Ceiling($fincore.size / [Environment]::SystemPageSize)
        VmtouchResident = [long]$Matches[1]
        VmtouchPages    = [long]$Matches[2]
    }
}

function Clear-CachedPage {
    <#
    .SYNOPSIS
        Evicts files from the page cache with vmtouch -e (the system's tool, not Mman). Linux only.
    #>
    param([Parameter(Mandatory)] [string[]] $Path)
    $null = & vmtouch -q -e -- @Path
    if ($LASTEXITCODE -ne 0) { throw "vmtouch -e failed for $($Path -join ', ')" }
}

Export-ModuleMember -Function Get-MmanModulePath, Import-MmanModule, Get-PwshCommand, Invoke-ChildPwsh,
    Get-PatternByte, New-TestFile, Get-FileByte, Get-ErrorRecord,
    Start-ChildPwsh, Wait-ChildLine, Wait-ChildPwsh, Invoke-ChildPwshResult, New-NobodyStage, Get-CasePrelude, ConvertFrom-CaseLine, Get-FileBytes, Test-ByteArrayEqual,
    Set-SparseFile, Test-WineHost, Get-ProcStatusPath, Get-LockedMemory, Get-MappingLockedMemory, Get-LockedSpan,
    Get-CachedPageCount, Clear-CachedPage
