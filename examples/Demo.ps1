#requires -Version 5.1
<#
.SYNOPSIS
    A short tour of Mman: every cmdlet, on a temporary file, on anonymous memory and on named shared
    memory that another process opens.
    Run it with: dotnet tool restore && dotnet pwsh ./build.ps1 Demo
#>
$ErrorActionPreference = 'Stop'
$module = if ($env:MMAN_MODULE_PATH) { $env:MMAN_MODULE_PATH } else { Join-Path $PSScriptRoot '../out/Mman/Mman.psd1' }
Import-Module $module

function Show-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

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
    $file | Format-Table | Out-String | Write-Host

    Show-Step 'Read-MemoryMap: the first 17 bytes of the map, as text and as bytes'
    Read-MemoryMap $file -Count 17 -AsString | Write-Host
    (Read-MemoryMap $file -Count 4) -join ' ' | Write-Host

    Show-Step 'Write-MemoryMap, then Sync-MemoryMap: the change reaches the file'
    $file | Write-MemoryMap -Text 'A FILE' -Offset 0 -PassThru | Sync-MemoryMap
    Write-Host ("File now reads: " + (Read-FileText $path))

    Show-Step 'Find-MemoryMap: where does "disk" occur? Its matches pipe into Read-MemoryMap'
    Find-MemoryMap $file -Text 'disk' -All | Format-Table | Out-String | Write-Host
    Find-MemoryMap $file -Text 'disk' | Read-MemoryMap -Count 12 -AsString | Write-Host

    Show-Step 'Anonymous memory: 1 MiB, private, zeroed'
    $anon = New-MemoryMap -Size 1MB
    $anon | Write-MemoryMap -Data 0xCA, 0xFE, 0xBA, 0xBE -Offset 4096 -PassThru |
        Read-MemoryMap -Offset 4094 -Count 8 | Format-Hex | Out-String | Write-Host

    Show-Step 'Typed access: write three Int64 values scattered over records, read them back in one gathered call'
    Write-MemoryMap $anon -Value 10, 20, 30 -As Int64 -Offset 0, 512, 1024
    (Read-MemoryMap $anon -As Int64 -Offset 0, 512, 1024) -join ', ' | Write-Host
    '0x{0:X8} (big-endian read of CA FE BA BE)' -f (Read-MemoryMap $anon -As UInt32 -Offset 4096 -Count 1 -BigEndian)[0] | Write-Host

    Show-Step 'Set-MemoryMapProtection: make it read-only, and see a write refused (not a crash)'
    Set-MemoryMapProtection $anon -Protection Read
    try {
        Write-MemoryMap $anon -Data 1
    }
    catch {
        Write-Host ("Refused: {0}`n  ErrorId: {1}  Category: {2}" -f "$_", $_.FullyQualifiedErrorId, $_.CategoryInfo.Category)
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
    Set-MemoryMapProtection $record -Protection Read    # not page-aligned: warns which other bytes change
    Write-Host ("Protection: view {0}, record {1}, whole shared map {2} (what all its bytes allow)" -f $view.Protection, $record.Protection, $shared.Protection)
    Write-MemoryMap $shared -Offset (2 * $page) -Text 'the third page is still writable'

    Show-Step 'Get-MemoryMap: the open maps of this session'
    Get-MemoryMap | Format-Table | Out-String -Width 160 | Write-Host

    Show-Step 'Remove-MemoryMap, then Close-MemoryMap: remove the name before the last close (works on every system)'
    Remove-MemoryMap -Name $name
    Close-MemoryMap $shared
    Write-Host ("Closing the shared map closed its views too: view valid = {0}, record valid = {1}" -f $view.IsValid, $record.IsValid)

    Show-Step 'Close-MemoryMap: close them all; using a closed map is an error, not a crash'
    Get-MemoryMap | Close-MemoryMap
    try {
        Read-MemoryMap $file
    }
    catch {
        Write-Host ("Refused: {0}`n  ErrorId: {1}" -f "$_", $_.FullyQualifiedErrorId)
    }
    Write-Host ("Open maps left: {0}" -f @(Get-MemoryMap).Count)
}
finally {
    Remove-MemoryMap -Name $name -ErrorAction Ignore
    Get-MemoryMap | Close-MemoryMap
    Remove-Item $dir -Recurse -Force
}
