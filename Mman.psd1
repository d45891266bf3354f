@{
    # Mman.psm1 imports the build of Mman.PowerShell.dll this PowerShell can load (net8.0/ or
    # netstandard2.0/), so there are no NestedModules here.
    RootModule             = 'Mman.psm1'
    ModuleVersion          = '0.3.0'
    GUID                   = '4d8ab035-97d3-47c9-84c2-3d9334e2a021'
    Author                 = 'The Mman developers'
    CompanyName            = 'Mman'
    Copyright              = '(c) The Mman developers. MIT License.'
    Description            = 'Real memory mapping for PowerShell: map files, anonymous memory or named shared memory, read and write at any offset, make views, change protection, sync to disk, share memory between processes. mmap/mprotect/msync on Linux and macOS, CreateFileMapping/MapViewOfFile on Windows.'
    PowerShellVersion      = '5.1'
    # Windows PowerShell 5.1 needs .NET Framework 4.7.2 or later (the core is compiled against it).
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions   = @('Desktop', 'Core')
    FormatsToProcess       = @('Mman.Format.ps1xml')
    CmdletsToExport        = @(
        'New-MemoryMap'
        'Read-MemoryMap'
        'Write-MemoryMap'
        'Set-MemoryMapProtection'
        'Sync-MemoryMap'
        'Get-MemoryMapResidency'
        'Close-MemoryMap'
        'Get-MemoryMap'
        'Find-MemoryMap'
        'Remove-MemoryMap'
        'Lock-MemoryMap'
        'Unlock-MemoryMap'
        'Request-MemoryMapResidency'
        'Clear-MemoryMapResidency'
        'Clear-MemoryMap'
        'Set-MemoryMapAccessHint'
        'Copy-MemoryMap'
        'Resize-MemoryMap'
        'Add-MemoryMapInteger'
        'Get-MemoryMapInteger'
        'Set-MemoryMapInteger'
        'Wait-MemoryMapInteger'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('mmap', 'MemoryMap', 'SharedMemory', 'IPC', 'mprotect', 'msync', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/mman-powershell/Mman'
            LicenseUri   = 'https://github.com/mman-powershell/Mman/blob/main/LICENSE'
            ReleaseNotes = '0.3.0: named shared memory (New-MemoryMap -Name, Remove-MemoryMap, Get-MemoryMap -Name), views of part of a map (New-MemoryMap -InputObject), protection tracked per page. Full history: CHANGELOG.md in the module folder.'
        }
    }
}
