#requires -Version 5.1
<#
.SYNOPSIS
    A short tour of Mman: every cmdlet, on a temporary file, on anonymous memory and on named shared
    memory that another process opens.
    Run it with: dotnet tool restore && dotnet pwsh ./build.ps1 Demo
    Its output fits 100 columns, and has no colour codes when redirected to a file (as in a CI log).
#>
$ErrorActionPreference = 'Stop'
$module = if ($env:MMAN_MODULE_PATH) { $env:MMAN_MODULE_PATH } else { Join-Path $PSScriptRoot '../out/Mman/Mman.psd1' }
Import-Module $module

# Redirected (a CI log), PowerShell 7's own output is plain text, as the console's is coloured.
if ($PSVersionTable.PSVersion.Major -ge 7 -and [Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
$width = 100

function Show-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

function Show-Text([string] $Text, [string] $Indent = '  ') {
    # Writes Text in lines of at most $width columns, broken between words; the lines after the first indented.
    $line = ''
    foreach ($word in $Text -split ' ') {
        if ($line -and ($line.Length + 1 + $word.Length) -gt $width) {
            Write-Host $line
            $line = $Indent + $word
        }
        elseif ($line) { $line += ' ' + $word }
        else { $line = $word }
    }
    Write-Host $line
}

function Show-Table { $input | Out-String -Width $width | Write-Host }

function Read-FileText([string] $Path) {
    # Windows refuses [IO.File]::ReadAllText while a writable map of the file is open (a sharing
    # violation): read it as any other program must then, sharing read and write access.
    $stream = [IO.File]::Open($Path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite)
    try { [IO.StreamReader]::new($stream).ReadToEnd() } finally { $stream.Dispose() }
}

$dir = Join-Path ([IO.Path]::GetTempPath()) ("mman-demo-" + [Guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $dir
$path = Join-Path $dir 'data.bin'
$name = "mman-demo-$PID"
[IO.File]::WriteAllText($path, 'Hello from a file on disk. Memory mapping makes it an array of bytes.')

try {
    Show-Step "New-MemoryMap: map the file for reading and writing, from byte 11 on"
    $file = New-MemoryMap -Path $path -Offset 11 -Protection Read, Write
    $file | Show-Table

    Show-Step 'Read-MemoryMap: the first 17 bytes of the map, as text and as bytes'
    Read-MemoryMap $file -Count 17 -AsString | Write-Host
    (Read-MemoryMap $file -Count 17) -join ' ' | Write-Host

    Show-Step 'Read-MemoryMap -AsHex: bytes 16 to 47 as hex, numbered by their offsets in the map'
    Write-Host 'The file offset of a byte is its offset in the map plus 11, where the map starts in the file.'
    Read-MemoryMap $file -Offset 16 -Count 32 -AsHex | Show-Table

    Show-Step 'Write-MemoryMap, then Sync-MemoryMap: the change reaches the file'
    $file | Write-MemoryMap -Text 'A FILE' -Offset 0 -PassThru | Sync-MemoryMap
    Write-Host ("File now reads: " + (Read-FileText $path))

    Show-Step 'Find-MemoryMap: where does "disk" occur? Its matches pipe into Read-MemoryMap'
    Find-MemoryMap $file -Text 'disk' -All | Show-Table
    Find-MemoryMap $file -Text 'disk' | Read-MemoryMap -Count 12 -AsString | Write-Host

    Show-Step 'Anonymous memory: 1 MiB, private, zeroed; 4 bytes written at 4096, shown from 4094 on'
    $anon = New-MemoryMap -Size 1MB
    $anon | Write-MemoryMap -Data 0xCA, 0xFE, 0xBA, 0xBE -Offset 4096 -PassThru |
        Read-MemoryMap -Offset 4094 -Count 8 -AsHex | Show-Table

    Show-Step 'Residency (Get-MemoryMapResidency): only touched pages are in memory; Lock-MemoryMap keeps one'
    Lock-MemoryMap $anon -Offset 4096 -Count 4
    Get-MemoryMapResidency $anon | Show-Table
    Write-Host "Locked: $($anon.LockedBytes) bytes, the page that holds CA FE BA BE, until the map closes."

    Show-Step 'Typed access: write three Int64 values into records, read them back in one gathered call'
    Write-MemoryMap $anon -Value 10, 20, 30 -As Int64 -Offset 0, 512, 1024
    (Read-MemoryMap $anon -As Int64 -Offset 0, 512, 1024) -join ', ' | Write-Host
    '0x{0:X8} (big-endian read of CA FE BA BE)' -f (Read-MemoryMap $anon -As UInt32 -Offset 4096 -Count 1 -BigEndian)[0] | Write-Host

    Show-Step 'Set-MemoryMapProtection: make it read-only, and see a write refused (not a crash)'
    Set-MemoryMapProtection $anon -Protection Read
    try {
        Write-MemoryMap $anon -Data 1
    }
    catch {
        Show-Text "Refused: $_"
        Write-Host ("  ErrorId: {0}  Category: {1}" -f $_.FullyQualifiedErrorId, $_.CategoryInfo.Category)
    }

    Show-Step 'Named shared memory: another process (a background job) opens it by name and answers'
    $page = [Mman.MemoryMap]::PageSize
    $shared = New-MemoryMap -Name $name -Size (4 * $page)
    Write-MemoryMap $shared -Text 'ping'
    Start-Job -ArgumentList (Resolve-Path $module).Path, $name -ScriptBlock {
        param($Module, $Name)
        Import-Module $Module
        $other = New-MemoryMap -Name $Name
        $got = Read-MemoryMap $other -Count 4 -AsString
        Write-MemoryMap $other -Offset 100 -Text "pong: process $PID read '$got'"
        Close-MemoryMap $other
    } | Receive-Job -Wait -AutoRemoveJob
    Write-Host ("Process {0} reads back: {1}" -f $PID, (Read-MemoryMap $shared -Offset 100 -Count 64 -AsString).TrimEnd([char]0))

    Show-Step 'Views: maps of part of another map, over the same memory; protection is per page'
    $view = $shared | New-MemoryMap -Offset $page -Size $page
    Write-MemoryMap $view -Text 'written through the view'
    Write-Host ("The shared map at offset {0}: {1}" -f $page, (Read-MemoryMap $shared -Offset $page -Count 24 -AsString))
    Set-MemoryMapProtection $view -Protection Read
    $record = $shared | New-MemoryMap -Offset 10 -Size 20
    # Not page-aligned: it warns which other bytes change. The warning is shown as plain text, so that a
    # redirected log has no colour codes and its lines fit.
    Set-MemoryMapProtection $record -Protection Read -WarningAction SilentlyContinue -WarningVariable warnings
    foreach ($warning in $warnings) { Show-Text "WARNING: $warning" }
    Show-Text ("Protection: view {0}, record {1}, whole shared map {2} (what all its bytes allow)" -f $view.Protection, $record.Protection, $shared.Protection)
    Write-MemoryMap $shared -Offset (2 * $page) -Text 'the third page is still writable'

    Show-Step 'Get-MemoryMap: the open maps of this session'
    Get-MemoryMap | Show-Table

    Show-Step 'Remove-MemoryMap, then Close-MemoryMap: remove the name before the last close'
    Write-Host 'Removing the name first works on every system; the memory lives on until the last close.'
    Remove-MemoryMap -Name $name
    Close-MemoryMap $shared
    Show-Text ("Closing the shared map closed its views too: view valid = {0}, record valid = {1}" -f $view.IsValid, $record.IsValid)

    Show-Step 'Close-MemoryMap: close them all; using a closed map is an error, not a crash'
    Get-MemoryMap | Close-MemoryMap
    try {
        Read-MemoryMap $file
    }
    catch {
        Show-Text "Refused: $_"
        Write-Host ("  ErrorId: {0}" -f $_.FullyQualifiedErrorId)
    }
    Write-Host ("Open maps left: {0}" -f @(Get-MemoryMap).Count)
}
finally {
    Remove-MemoryMap -Name $name -ErrorAction Ignore
    Get-MemoryMap | Close-MemoryMap
    Remove-Item $dir -Recurse -Force
}
