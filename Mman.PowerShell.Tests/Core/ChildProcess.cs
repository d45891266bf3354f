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
            using var race = new RacingTruncation("race.bin", 64 * page);
            using MemoryMap map = MemoryMap.OpenFile(race.Path, protection: MemoryProtection.Read | MemoryProtection.Write);
            byte[] data = new byte[32 * page];
            race.Run(20_000, i =>
            {
                if (i % 2 == 0)
                {
                    map.Read(32 * page, 32 * page);
                }
                else
                {
                    map.Write(32 * page, data);
                }
            });

            Console.WriteLine(race.Result);
            return 0;
        }

        /// <summary>
        /// Like <see cref="RunTruncationRace"/>, for the calls that copy many small ranges (through the
        /// pipe on Linux) and the search (through its chunk buffer): gathers, scatters, the same bytes
        /// at many offsets, and FindAll over the upper half of the map; then searches of a range large
        /// enough to run on several threads.
        /// </summary>
        private static int RunBatchTruncationRace()
        {
            long page = Environment.SystemPageSize;
            var random = new Random(4);
            var offsets = new long[2000];
            for (int i = 0; i < offsets.Length; i++)
            {
                offsets[i] = (32 * page) + random.Next(0, (int)(32 * page) - 8);
            }

            var values = new long[offsets.Length];
            var matches = new long[64];
            byte[] pattern = { 1, 2, 3, 4, 5 };
            using (var race = new RacingTruncation("batch-race.bin", 64 * page))
            using (MemoryMap map = MemoryMap.OpenFile(race.Path, protection: MemoryProtection.Read | MemoryProtection.Write))
            {
                race.Run(8000, i =>
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
                });
                Console.WriteLine(race.Result);
            }

            using (var race = new RacingTruncation("search-race.bin", 48L << 20))
            using (MemoryMap searched = MemoryMap.OpenFile(race.Path))
            {
                race.Run(60, _ => searched.FindAll(pattern, 0, searched.Size, matches));
                Console.WriteLine(race.Result);
            }

            return 0;
        }

        /// <summary>
        /// A file of a given length and a thread that, while <see cref="Run"/> runs, shrinks it to one
        /// page and grows it back, over and over; Run counts the accesses that succeeded and those
        /// refused with FileTruncated (any other failure ends the scenario).
        /// </summary>
        private sealed class RacingTruncation : IDisposable
        {
            private readonly long _length;
            private readonly FileStream _stream;
            private long _done;
            private long _refused;

            internal RacingTruncation(string name, long length)
            {
                _length = length;
                Path = System.IO.Path.Combine(Environment.GetEnvironmentVariable(ChildProcess.FolderVariable), name);
                using (var create = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite))
                {
                    create.SetLength(length);
                }

                _stream = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            }

            internal string Path { get; }

            internal string Result => "done=" + _done + " refused=" + _refused;

            internal void Run(int iterations, Action<int> access)
            {
                int stop = 0;
                var truncator = new Thread(() =>
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        _stream.SetLength(Environment.SystemPageSize);
                        _stream.SetLength(_length);
                    }
                });
                truncator.Start();
                try
                {
                    for (int i = 0; i < iterations; i++)
                    {
                        try
                        {
                            access(i);
                            _done++;
                        }
                        catch (MemoryMapException e) when (e.Error == MemoryMapError.FileTruncated)
                        {
                            _refused++;
                        }
                    }
                }
                finally
                {
                    Volatile.Write(ref stop, 1);
                    truncator.Join();
                }
            }

            public void Dispose() => _stream.Dispose();
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