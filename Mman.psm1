# Mman's root module. The cmdlets live in Mman.PowerShell.dll, a nested module; this script exists so
# that Remove-Module Mman closes the maps this session opened instead of leaving them mapped until
# the finalizer runs.
$ExecutionContext.SessionState.Module.OnRemove = {
    [Mman.Commands.SessionMaps]::CloseMapsOfCurrentRunspace()
}
