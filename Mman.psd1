@{
    RootModule           = 'Mman.psm1'
    NestedModules        = @('Mman.PowerShell.dll')
    ModuleVersion        = '0.3.0'
    GUID                 = '4d8ab035-97d3-47c9-84c2-3d9334e2a021'
    Author               = 'The Mman developers'
    CompanyName          = 'Mman'
    Copyright            = '(c) The Mman developers. MIT License.'
    Description          = 'Real memory mapping for PowerShell: map files or anonymous memory, read and write at any offset, change protection, sync to disk. mmap/mprotect/msync on Linux and macOS, CreateFileMapping/MapViewOfFile on Windows.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Mman.Format.ps1xml')
    CmdletsToExport      = @(
        'New-MemoryMap'
        'Read-MemoryMap'
        'Write-MemoryMap'
        'Set-MemoryMapProtection'
        'Sync-MemoryMap'
        'Close-MemoryMap'
        'Get-MemoryMap'
        'Find-MemoryMap'
        'Remove-MemoryMap'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('mmap', 'MemoryMap', 'SharedMemory', 'mprotect', 'msync', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ReleaseNotes = '0.3.0: named shared memory (New-MemoryMap -Name, Remove-MemoryMap), views of part of a map (New-MemoryMap -InputObject), page-granular protection, Get-MemoryMap -Name. 0.2.0: typed and gathered reads (-As, -BigEndian, -Offset <long[]>), typed and scattered writes (-Value -As), Find-MemoryMap, MemoryMap.CreateStream. 0.1.0: the mapping core and the seven cmdlets.'
        }
    }
}
