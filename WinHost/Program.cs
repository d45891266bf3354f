// pwsh.exe of the Windows-path host: PowerShell's own console host and command line (-NoProfile,
// -NonInteractive, -File <script> [args], -Command, exit codes), started the way pwsh.exe starts it.
// $PSHOME is this program's folder, where build.ps1 WinHost puts the modules from the PowerShell
// package.
using System;
using System.Diagnostics;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Runtime.InteropServices;
using Microsoft.PowerShell;

const string WriteXorExecute = "DOTNET_EnableWriteXorExecute";
if (IsWine() && Environment.GetEnvironmentVariable(WriteXorExecute) != "0")
{
    // Under Wine the CLR's W^X double mapping of code ends the process sooner or later with an
    // internal CLR error. The runtime reads the switch from the environment at startup only, so
    // start again with it off, on the same console, and hand back that run's exit code.
    var restart = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
    foreach (string argument in args)
    {
        restart.ArgumentList.Add(argument);
    }

    restart.Environment[WriteXorExecute] = "0";
    Console.CancelKeyPress += (_, e) => e.Cancel = true; // Ctrl+C is the child's to handle.
    using Process child = Process.Start(restart)!;
    child.WaitForExit();
    return child.ExitCode;
}

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

// Wine's ntdll exports wine_get_version; Windows' does not.
static bool IsWine() =>
    NativeLibrary.TryLoad("ntdll.dll", out IntPtr ntdll) && NativeLibrary.TryGetExport(ntdll, "wine_get_version", out _);
