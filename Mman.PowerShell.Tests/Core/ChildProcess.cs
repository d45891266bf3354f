using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Runs a scenario that might fault the process (SIGBUS, access violation) in a child copy of this
    /// test executable, so a core bug shows as one failed test instead of a crashed test run. The child
    /// is this same executable started with <see cref="ScenarioVariable"/> set: a module initializer
    /// runs the scenario and exits before xunit starts.
    /// </summary>
    internal static class ChildProcess
    {
        internal const string ScenarioVariable = "MMAN_TEST_CHILD_SCENARIO";

        internal const string FolderVariable = "MMAN_TEST_CHILD_FOLDER";

        internal sealed class Result
        {
            internal int ExitCode { get; init; }

            internal string Output { get; init; }
        }

        /// <summary>Runs <paramref name="scenario"/> in a child process whose files go in <paramref name="folder"/>.</summary>
        internal static Result Run(string scenario, string folder, TimeSpan timeout)
        {
            string host = Environment.ProcessPath;
            var start = new ProcessStartInfo(host)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add("exec");
                start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
            }

            start.Environment[ScenarioVariable] = scenario;
            start.Environment[FolderVariable] = folder;
            start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
            using Process process = Process.Start(start);
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill();
                process.WaitForExit();
                lock (output)
                {
                    return new Result { ExitCode = -1, Output = "timed out\n" + output };
                }
            }

            process.WaitForExit();
            lock (output)
            {
                return new Result { ExitCode = process.ExitCode, Output = output.ToString() };
            }
        }
    }

    /// <summary>The scenarios a child process can run, and the module initializer that runs them.</summary>
    internal static class ChildScenarios
    {
        internal const string TruncationRace = "TruncationRace";

        internal const string BatchTruncationRace = "BatchTruncationRace";

        internal const string VanishedPages = "VanishedPages";

#pragma warning disable CA2255 // The initializer is the child's entry point; it does nothing in a normal test run.
        [ModuleInitializer]
#pragma warning restore CA2255
        internal static void RunIfChild()
        {
            string scenario = Environment.GetEnvironmentVariable(ChildProcess.ScenarioVariable);
            if (string.IsNullOrEmpty(scenario))
            {
                return;
            }

            int exitCode;
            try
            {
                exitCode = scenario switch
                {
                    TruncationRace => RunTruncationRace(),
                    BatchTruncationRace => RunBatchTruncationRace(),
                    VanishedPages => RunVanishedPages(),
                    _ => 2,
                };
            }
            catch (Exception e)
            {
                Console.WriteLine(e);
                exitCode = 3;
            }

            Console.Out.Flush();
            Environment.Exit(exitCode);
        }

        /// <summary>
        /// One thread shrinks the file to one page and grows it back while this one reads and writes the
        /// upper half of the map: every call must either succeed or throw FileTruncated.
        /// </summary>
        private static int RunTruncationRace()
        {
            long page = Environment.SystemPageSize;
            string path = Path.Combine(Environment.GetEnvironmentVariable(ChildProcess.FolderVariable), "race.bin");
            using (var create = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                create.SetLength(64 * page);
            }

            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            byte[] data = new byte[32 * page];
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            int stop = 0;
            var truncator = new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    stream.SetLength(page);
                    stream.SetLength(64 * page);
                }
            });
            truncator.Start();
            long done = 0, refused = 0;
            try
            {
                for (int i = 0; i < 20_000; i++)
                {
                    try
                    {
                        if (i % 2 == 0)
                        {
                            map.Read(32 * page, 32 * page);
                        }
                        else
                        {
                            map.Write(32 * page, data);
                        }

                        done++;
                    }
                    catch (MemoryMapException e) when (e.Error == MemoryMapError.FileTruncated)
                    {
                        refused++;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                truncator.Join();
            }

            Console.WriteLine("done=" + done + " refused=" + refused);
            return 0;
        }

        /// <summary>
        /// Like <see cref="RunTruncationRace"/>, for the calls that copy many small ranges (through the
        /// pipe on Linux) and the search (through its chunk buffer): gathers, scatters, the same bytes
        /// at many offsets, and FindAll over the upper half of the map while the file shrinks and grows.
        /// </summary>
        private static int RunBatchTruncationRace()
        {
            long page = Environment.SystemPageSize;
            string path = Path.Combine(Environment.GetEnvironmentVariable(ChildProcess.FolderVariable), "batch-race.bin");
            using (var create = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                create.SetLength(64 * page);
            }

            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            var random = new Random(4);
            var offsets = new long[2000];
            for (int i = 0; i < offsets.Length; i++)
            {
                offsets[i] = (32 * page) + random.Next(0, (int)(32 * page) - 8);
            }

            var values = new long[offsets.Length];
            var matches = new long[64];
            byte[] pattern = { 1, 2, 3, 4, 5 };
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            int stop = 0;
            var truncator = new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    stream.SetLength(page);
                    stream.SetLength(64 * page);
                }
            });
            truncator.Start();
            long done = 0, refused = 0;
            try
            {
                for (int i = 0; i < 8000; i++)
                {
                    try
                    {
                        switch (i % 4)
                        {
                            case 0:
                                map.Gather<long>(offsets, 1);
                                break;
                            case 1:
                                map.Scatter(offsets, values);
                                break;
                            case 2:
                                map.Write(offsets, pattern);
                                break;
                            default:
                                map.FindAll(pattern, 32 * page, 32 * page, matches);
                                break;
                        }

                        done++;
                    }
                    catch (MemoryMapException e) when (e.Error == MemoryMapError.FileTruncated)
                    {
                        refused++;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                truncator.Join();
            }

            // Then searches of a range large enough to run on several threads, while the file shrinks
            // to one page and grows back: every copy of every thread must fail safely.
            string large = Path.Combine(Environment.GetEnvironmentVariable(ChildProcess.FolderVariable), "search-race.bin");
            using (var create = new FileStream(large, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                create.SetLength(48L << 20);
            }

            using MemoryMap searched = MemoryMap.OpenFile(large);
            using var largeStream = new FileStream(large, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            Volatile.Write(ref stop, 0);
            var cutter = new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    largeStream.SetLength(page);
                    Thread.Sleep(1);
                    largeStream.SetLength(48L << 20);
                }
            });
            cutter.Start();
            try
            {
                for (int i = 0; i < 60; i++)
                {
                    try
                    {
                        searched.FindAll(pattern, 0, searched.Size, matches);
                        done++;
                    }
                    catch (MemoryMapException e) when (e.Error == MemoryMapError.FileTruncated)
                    {
                        refused++;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                cutter.Join();
            }

            Console.WriteLine("done=" + done + " refused=" + refused);
            return 0;
        }

        /// <summary>
        /// Calls the Linux fault-safe copier directly on pages past the end of a truncated file, past
        /// MemoryMap's length check, through each route and in each direction: each copy must report
        /// the pages as gone (false), and a copy of pages that exist must work afterwards.
        /// </summary>
        private static unsafe int RunVanishedPages()
        {
            long page = Environment.SystemPageSize;
            string path = Path.Combine(Environment.GetEnvironmentVariable(ChildProcess.FolderVariable), "vanished.bin");
            using (var create = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                create.SetLength(4 * page);
            }

            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
            {
                stream.SetLength(page);
            }

            byte* start = (byte*)map.Address;
            byte* buffer = stackalloc byte[64];
            long[] several = { 0, 2 * page };
            long[] one = { 3 * page };
            string Outcome(bool copied) => copied ? "copied" : "refused";
            MappedMemoryCopier copier = LinuxFaultSafeCopier.Instance;
            Console.WriteLine(
                "pipe read: " + Outcome(copier.Copy(start, several, 8, buffer, 8, toMap: false))
                + "; pipe write: " + Outcome(copier.Copy(start, several, 8, buffer, 8, toMap: true))
                + "; vm read: " + Outcome(copier.Copy(start, one, 8, buffer, 8, toMap: false))
                + "; vm write: " + Outcome(copier.Copy(start, one, 8, buffer, 8, toMap: true))
                + "; after: " + Outcome(copier.Copy(start, new long[] { 0, 100 }, 8, buffer, 8, toMap: false)));
            return 0;
        }
    }
}