// pwsh.exe of the Windows-path host: PowerShell's own console host and command line (-NoProfile,
// -NonInteractive, -File <script> [args], -Command, exit codes), started the way pwsh.exe starts it.
// $PSHOME is this program's folder, where build.ps1 WinHost puts the modules from the PowerShell
// package.
using System.Management.Automation.Runspaces;
using Microsoft.PowerShell;

return ConsoleShell.Start(InitialSessionState.CreateDefault2(), bannerText: null, helpText: null, args);
