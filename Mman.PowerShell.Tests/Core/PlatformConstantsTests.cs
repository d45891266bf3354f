using System;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// The per-OS constants: page size and offset alignment of the running OS, and the Linux and macOS
    /// tables, which differ (MAP_ANONYMOUS, MS_SYNC and errno numbers are not the same on both). The
    /// flag values are private, so the tables are checked through the errno names they carry.
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
            { 1, "EPERM" }, { 12, "ENOMEM" }, { 13, "EACCES" }, { 22, "EINVAL" }, { 35, "EAGAIN" },
            { 45, "ENOTSUP" }, { 84, "EOVERFLOW" },
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
