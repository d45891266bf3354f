# Mman's root module. The cmdlets live in Mman.PowerShell.dll, built twice: net8.0/ for PowerShell 7.4
# and later, which run on .NET 8 or later, and netstandard2.0/ (with the System.Memory it needs) for
# Windows PowerShell 5.1 (.NET Framework) and PowerShell 7.0-7.3 (.NET Core 3.1 to .NET 7), which
# cannot load a net8.0 assembly. This script imports the build this process can load as a nested
# module; the manifest's CmdletsToExport then exports its cmdlets as Mman's.
$framework = if ([Environment]::Version.Major -ge 8) { 'net8.0' } else { 'netstandard2.0' }
$binaryModule = Import-Module -Name (Join-Path $PSScriptRoot "$framework/Mman.PowerShell.dll") -PassThru -ErrorAction Stop

# Remove-Module Mman closes the maps this session opened instead of leaving them mapped until the
# finalizer runs, and removes the nested binary module with it.
$ExecutionContext.SessionState.Module.OnRemove = {
    [Mman.Commands.SessionMaps]::CloseMapsOfCurrentRunspace()
    Remove-Module -ModuleInfo $binaryModule
}
