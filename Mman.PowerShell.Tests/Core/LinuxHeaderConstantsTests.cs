using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Every Linux constant Mman passes to the C library or the kernel (the const fields of
    /// Interop.Libc and the Linux table of PosixConstants, found by reflection, so a constant added
    /// later is checked too) against the value the machine's C compiler gives it from the system's
    /// own headers. The macOS table cites its headers instead (no Mac here).
    /// </summary>
    public sealed class LinuxHeaderConstantsTests : IDisposable
    {
        // Names Mman declares that the C headers of this machine may lack, and why.
        private static readonly Dictionary<string, string> s_notInEveryHeader = new Dictionary<string, string>
        {
            ["SYS_cachestat"] = "the cachestat system call (Linux 6.5) is newer than some C libraries' headers",
            ["MADV_POPULATE_WRITE"] = "Linux 5.14; older C libraries' headers lack it",
            ["MINCORE_INCORE"] = "macOS's name (sys/mman.h); Linux's headers have none",
            ["MINCORE_RESIDENT_LINUX"] = "Linux documents bit 0 of mincore's vector in mincore(2) but its headers give it no name",
            ["CONFIGFS_MAGIC"] = "configfs keeps its magic number in its own source (fs/configfs/mount.c), not in linux/magic.h",
        };

        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void EveryLinuxConstant_IsTheValueOfTheSystemHeaders()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "The Linux headers and C compiler are on Linux only.");
            string compiler = FindCompiler();
            Assert.SkipWhen(compiler == null, "No C compiler (cc, gcc or clang) on PATH to read the system headers' values.");
            SortedDictionary<string, long> ours = MmanLinuxConstants();
            Assert.True(ours.Count > 60, "found only " + ours.Count + " constants by reflection");

            Dictionary<string, long?> headers = CompileAndRun(compiler, ours.Keys);

            var wrong = new List<string>();
            var missing = new List<string>();
            foreach (KeyValuePair<string, long> constant in ours)
            {
                long? value = headers[constant.Key];
                if (value == null)
                {
                    if (!s_notInEveryHeader.ContainsKey(constant.Key))
                    {
                        missing.Add(constant.Key);
                    }
                }
                else if (value.Value != constant.Value)
                {
                    wrong.Add(constant.Key + ": Mman " + constant.Value + ", headers " + value.Value);
                }
            }

            Assert.True(wrong.Count == 0, "Constants that differ from the headers: " + string.Join("; ", wrong));
            Assert.True(missing.Count == 0, "Constants the headers do not define (add them to s_notInEveryHeader with the reason if that is right): " + string.Join(", ", missing));
        }

        /// <summary>Name and value of every constant Mman uses on Linux.</summary>
        private static SortedDictionary<string, long> MmanLinuxConstants()
        {
            var constants = new SortedDictionary<string, long>(StringComparer.Ordinal);
            Type libc = typeof(MemoryMap).Assembly.GetType("Mman.Interop+Libc", throwOnError: true);
            foreach (FieldInfo field in libc.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
            {
                if (field.IsLiteral && IsCName(field.Name) && IsInteger(field.FieldType))
                {
                    constants.Add(field.Name, AsInt64(field.GetRawConstantValue()));
                }
            }

            foreach (PropertyInfo property in typeof(PosixConstants).GetProperties(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
            {
                if (IsCName(property.Name) && IsInteger(property.PropertyType))
                {
                    constants.Add(property.Name, AsInt64(property.GetValue(PosixConstants.Linux)));
                }
            }

            return constants;
        }

        /// <summary>Compiles a program that prints each name's value, or "?" for a name the headers lack.</summary>
        private Dictionary<string, long?> CompileAndRun(string compiler, IEnumerable<string> names)
        {
            var source = new StringBuilder();
            source.AppendLine("#define _GNU_SOURCE");
            foreach (string header in new[] { "stdio.h", "errno.h", "fcntl.h", "limits.h", "unistd.h", "sys/mman.h", "sys/stat.h", "sys/resource.h", "sys/syscall.h", "linux/magic.h", "linux/capability.h", "linux/futex.h" })
            {
                source.AppendLine("#include <" + header + ">");
            }

            source.AppendLine("int main(void) {");
            foreach (string name in names)
            {
                source.AppendLine("#ifdef " + name);
                source.AppendLine("    printf(\"" + name + " %lld\\n\", (long long)(" + name + "));");
                source.AppendLine("#else");
                source.AppendLine("    printf(\"" + name + " ?\\n\");");
                source.AppendLine("#endif");
            }

            source.AppendLine("    return 0;");
            source.AppendLine("}");
            string program = _folder.File("constants");
            File.WriteAllText(_folder.File("constants.c"), source.ToString());
            string build = Run(compiler, "-o " + program + " " + _folder.File("constants.c"));
            Assert.True(File.Exists(program), "the C compiler failed: " + build);

            var values = new Dictionary<string, long?>(StringComparer.Ordinal);
            foreach (string line in Run(program, string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split(' ');
                values[parts[0]] = parts[1] == "?" ? (long?)null : long.Parse(parts[1], CultureInfo.InvariantCulture);
            }

            return values;
        }

        // As C's (long long) cast gives it: an unsigned all-ones value such as RLIM_INFINITY is -1.
        private static long AsInt64(object value) =>
            value is ulong unsigned ? unchecked((long)unsigned) : Convert.ToInt64(value, CultureInfo.InvariantCulture);

        private static string Run(string file, string arguments)
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(start);
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return output;
        }

        private static string FindCompiler()
        {
            string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator);
            return new[] { "cc", "gcc", "clang" }
                .SelectMany(name => folders.Select(folder => Path.Combine(folder, name)))
                .FirstOrDefault(File.Exists);
        }

        // Constants keep their C names: capitals, digits and '_' (SYS_cachestat as the headers spell it).
        private static bool IsCName(string name) =>
            name.Length > 1 && char.IsUpper(name[0]) && (name.All(c => char.IsUpper(c) || char.IsDigit(c) || c == '_') || name.StartsWith("SYS_", StringComparison.Ordinal));

        private static bool IsInteger(Type type) =>
            type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong) || type == typeof(short) || type == typeof(ushort);
    }
}
