using System;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// The per-OS constants: page size and offset alignment of the running OS, and the Linux and macOS
    /// tables, which differ (MAP_ANONYMOUS, MS_SYNC and errno numbers are not the same on both): on
    /// Linux against Python's own values, read from the system's headers when Python was built, and
    /// the macOS table against the values of its headers.
    /// </summary>
    public sealed class PlatformConstantsTests
    {
        public static TheoryData<int, string> LinuxErrnoNames => new TheoryData<int, string>
        {
            { 1, "EPERM" }, { 2, "ENOENT" }, { 11, "EAGAIN" }, { 12, "ENOMEM" }, { 13, "EACCES" },
            { 19, "ENODEV" }, { 22, "EINVAL" }, { 38, "ENOSYS" }, { 75, "EOVERFLOW" }, { 95, "EOPNOTSUPP" },
        };

        public static TheoryData<int, string> MacOSErrnoNames => new TheoryData<int, string>
        {
            { 1, "EPERM" }, { 12, "ENOMEM" }, { 13, "EACCES" }, { 20, "ENOTDIR" }, { 22, "EINVAL" }, { 35, "EAGAIN" },
            { 45, "ENOTSUP" }, { 84, "EOVERFLOW" }, { 102, "EOPNOTSUPP" },
        };

        [Fact]
        public void PageSize_IsTheSystemPageSize()
        {
            Assert.Equal(Environment.SystemPageSize, NativeMapper.Current.PageSize);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(Environment.SystemPageSize, PosixMapper.ForLinux().PageSize);
                Assert.Equal(Environment.SystemPageSize, PosixMapper.ForMacOS().OffsetAlignment);
            }
        }

        [Fact]
        public void OffsetAlignment_IsThePageSizeOrWindowsAllocationGranularity()
        {
            long expected = OperatingSystem.IsWindows() ? 64 * 1024 : Environment.SystemPageSize;

            Assert.Equal(expected, NativeMapper.Current.OffsetAlignment);
            Assert.Equal(0, NativeMapper.Current.OffsetAlignment % NativeMapper.Current.PageSize);
        }

        [Fact]
        public void Current_IsTheMapperOfThisOS_AndTheSameEveryTime()
        {
            NativeMapper current = NativeMapper.Current;

            Assert.Same(current, NativeMapper.Current);
            Assert.IsType(OperatingSystem.IsWindows() ? typeof(WindowsMapper) : typeof(PosixMapper), current);
        }

        [Theory]
        [MemberData(nameof(LinuxErrnoNames))]
        public void ForLinux_NamesLinuxErrnos(int code, string expected)
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "PosixMapper calls the C library, which Windows does not have.");
            PosixMapper linux = PosixMapper.ForLinux();

            linux.DescribeError(code, out string name);

            Assert.Equal(expected, name);
        }

        [Theory]
        [MemberData(nameof(MacOSErrnoNames))]
        public void ForMacOS_NamesMacOSErrnos(int code, string expected)
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "PosixMapper calls the C library, which Windows does not have.");
            PosixMapper macOS = PosixMapper.ForMacOS();

            macOS.DescribeError(code, out string name);

            Assert.Equal(expected, name);
        }

        [Theory]
        [InlineData(11)]
        [InlineData(75)]
        [InlineData(95)]
        public void ForMacOS_DoesNotNameLinuxOnlyNumbers(int code)
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "PosixMapper calls the C library, which Windows does not have.");
            PosixMapper.ForMacOS().DescribeError(code, out string name);

            Assert.Equal("errno " + code, name);
        }

        [Theory]
        [InlineData(35)]
        [InlineData(45)]
        [InlineData(84)]
        public void ForLinux_DoesNotNameMacOSOnlyNumbers(int code)
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "PosixMapper calls the C library, which Windows does not have.");
            PosixMapper.ForLinux().DescribeError(code, out string name);

            Assert.Equal("errno " + code, name);
        }

        [Fact]
        public void DescribeError_UnknownCode_NamesTheNumber()
        {
            string text = NativeMapper.Current.DescribeError(98765, out string name);

            Assert.Equal(OperatingSystem.IsWindows() ? "Win32 error 98765" : "errno 98765", name);
            Assert.NotNull(text);
        }

        [Fact]
        public void DescribeError_GivesTheCLibrarysText()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "strerror is the C library's, on Linux and macOS.");

            string text = PosixMapper.ForLinux().DescribeError(13, out _);

            Assert.Equal("Permission denied", text);
        }

        [Fact]
        public void LinuxConstants_EqualWhatPythonReadFromThisSystemsHeaders()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "The Linux values are checked on Linux, where Python has them.");
            string script = string.Join(
                ";",
                "import mmap, os, errno, fcntl, stat",
                "names = ['PROT_READ', 'PROT_WRITE', 'PROT_EXEC', 'MAP_SHARED', 'MAP_PRIVATE', 'MAP_ANONYMOUS']",
                "print(' '.join('%s=%d' % (n, getattr(mmap, n)) for n in names))",
                "names = ['O_RDONLY', 'O_RDWR', 'O_CREAT', 'O_EXCL', 'O_NONBLOCK', 'O_CLOEXEC']",
                "print(' '.join('%s=%d' % (n, getattr(os, n)) for n in names))",
                "print(' '.join('%s=%d' % (n, getattr(fcntl, n)) for n in ['F_SETPIPE_SZ', 'F_GETPIPE_SZ']))",
                "print(' '.join('%s=%d' % (n, getattr(stat, n)) for n in ['S_IRUSR', 'S_IWUSR', 'S_IRGRP', 'S_IWGRP', 'S_IROTH', 'S_IWOTH']))",
                "print(' '.join('%s=%d' % (n, getattr(errno, n)) for n in dir(errno) if n.startswith('E')))");
            string python = RunPython(script);
            Assert.SkipWhen(python == null, "python3 is not installed here.");
            var values = new System.Collections.Generic.Dictionary<string, int>();
            foreach (string pair in python.Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = pair.Split('=');
                values[parts[0]] = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }

            PosixConstants linux = PosixConstants.Linux;
            Assert.Equal(values["PROT_READ"], Interop.Libc.PROT_READ);
            Assert.Equal(values["PROT_WRITE"], Interop.Libc.PROT_WRITE);
            Assert.Equal(values["PROT_EXEC"], Interop.Libc.PROT_EXEC);
            Assert.Equal(values["MAP_SHARED"], Interop.Libc.MAP_SHARED);
            Assert.Equal(values["MAP_PRIVATE"], Interop.Libc.MAP_PRIVATE);
            Assert.Equal(values["MAP_ANONYMOUS"], linux.MAP_ANONYMOUS);
            Assert.Equal(values["O_RDONLY"], Interop.Libc.O_RDONLY);
            Assert.Equal(values["O_RDWR"], Interop.Libc.O_RDWR);
            Assert.Equal(values["O_CREAT"], linux.O_CREAT);
            Assert.Equal(values["O_EXCL"], linux.O_EXCL);
            Assert.Equal(values["O_NONBLOCK"], linux.O_NONBLOCK);
            Assert.Equal(values["O_CLOEXEC"], linux.O_CLOEXEC);
            Assert.Equal(values["F_SETPIPE_SZ"], Interop.Libc.F_SETPIPE_SZ);
            Assert.Equal(values["F_GETPIPE_SZ"], Interop.Libc.F_GETPIPE_SZ);
            Assert.Equal(values["S_IRUSR"], Interop.Libc.S_IRUSR);
            Assert.Equal(values["S_IWUSR"], Interop.Libc.S_IWUSR);
            Assert.Equal(values["S_IRGRP"], Interop.Libc.S_IRGRP);
            Assert.Equal(values["S_IWGRP"], Interop.Libc.S_IWGRP);
            Assert.Equal(values["S_IROTH"], Interop.Libc.S_IROTH);
            Assert.Equal(values["S_IWOTH"], Interop.Libc.S_IWOTH);
            foreach (var property in typeof(PosixConstants).GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic))
            {
                if (property.Name.StartsWith("E", StringComparison.Ordinal))
                {
                    Assert.True(values[property.Name] == (int)property.GetValue(linux), property.Name + " should be " + values[property.Name]);
                    Assert.NotNull(linux.ErrnoName(values[property.Name]));
                }
            }
        }

        [Fact]
        public void MacOSConstants_AreThoseOfItsHeaders()
        {
            // sys/mman.h, sys/fcntl.h and sys/errno.h of macOS (xnu): they cannot be read from a Mac here.
            PosixConstants macOS = PosixConstants.MacOS;

            Assert.Equal(0x1000, macOS.MAP_ANONYMOUS);
            Assert.Equal((0x1, 0x2, 0x10), (macOS.MS_ASYNC, macOS.MS_INVALIDATE, macOS.MS_SYNC));
            Assert.Equal((0x200, 0x800, 0x4, 0x1000000), (macOS.O_CREAT, macOS.O_EXCL, macOS.O_NONBLOCK, macOS.O_CLOEXEC));
            Assert.Equal((35, 63, 78, 84, 102, 20), (macOS.EAGAIN, macOS.ENAMETOOLONG, macOS.ENOSYS, macOS.EOVERFLOW, macOS.EOPNOTSUPP, macOS.ENOTDIR));
            Assert.Equal((1, 2, 13, 14, 17, 21, 22), (macOS.EPERM, macOS.ENOENT, macOS.EACCES, macOS.EFAULT, macOS.EEXIST, macOS.EISDIR, macOS.EINVAL));
        }

        [Fact]
        public void LinuxMsyncFlags_AreThoseOfItsHeaders()
        {
            // asm-generic/mman-common.h; Python does not expose them.
            Assert.Equal((1, 2, 4), (PosixConstants.Linux.MS_ASYNC, PosixConstants.Linux.MS_INVALIDATE, PosixConstants.Linux.MS_SYNC));
        }

        internal static string RunPython(string script)
        {
            var start = new System.Diagnostics.ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            try
            {
                using var process = System.Diagnostics.Process.Start(start);
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return process.ExitCode == 0 ? output : throw new InvalidOperationException("python3 failed: " + output);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        [Fact]
        public void ProtectionValues_AreThePosixProtValues()
        {
            // PosixMapper passes MemoryProtection straight to mmap/mprotect as PROT_*.
            Assert.Equal(0, (int)MemoryProtection.None);
            Assert.Equal(1, (int)MemoryProtection.Read);
            Assert.Equal(2, (int)MemoryProtection.Write);
            Assert.Equal(4, (int)MemoryProtection.Execute);
        }
    }
}
