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
    return @($process)
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

Export-ModuleMember -Function Get-MmanModulePath, Import-MmanModule, Get-PwshCommand, Invoke-ChildPwsh,
    Get-PatternByte, New-TestFile, Get-FileByte, Get-ErrorRecord
