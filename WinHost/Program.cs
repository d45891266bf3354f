// pwsh.exe of the Windows-path host: PowerShell's own console host and command line (-NoProfile,
// -NonInteractive, -File <script> [args], -Command, exit codes), started the way pwsh.exe starts it.
// $PSHOME is this program's folder, where build.ps1 WinHost puts the modules from the PowerShell
// package.
using System;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using Microsoft.PowerShell;

try
{
    return ConsoleShell.Start(InitialSessionState.CreateDefault2(), bannerText: null, helpText: null, args);
}
catch (HostException error) when (Console.IsOutputRedirected)
{
    // PowerShell's console host needs a console; under Wine a program whose output goes to a pipe or
    // a file has none unless a terminal stands behind it.
    Console.Error.WriteLine($"pwsh.exe: {error.Message}");
    Console.Error.WriteLine("Under Wine, give it a terminal when its output is redirected: script -qfec \"wine64 pwsh.exe -NoProfile -File x.ps1\" /dev/null");
    return 1;
}
