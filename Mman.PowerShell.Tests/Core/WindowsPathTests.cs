using System;
using System.Threading;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// What only the Windows code path does: the 64 KiB offset alignment, Win32 error names, Local\ and
    /// page-granular sizes of named sections, and names taken by other kinds of objects. These run in
    /// the Windows run under Wine (build.ps1 Test) and are skipped elsewhere.
    /// </summary>
    public sealed class WindowsPathTests
    {
        private static int s_next;

        public WindowsPathTests()
        {
            Assert.SkipUnless(OperatingSystem.IsWindows(), "The Windows code path runs only on Windows (here: under Wine).");
        }

        [Fact]
        public void OffsetAlignment_IsTheAllocationGranularity()
        {
            Assert.Equal(65536, NativeMapper.Current.OffsetAlignment);
            Assert.Equal(Environment.SystemPageSize, NativeMapper.Current.PageSize);
        }

        [Theory]
        [InlineData(2, "ERROR_FILE_NOT_FOUND")]
        [InlineData(5, "ERROR_ACCESS_DENIED")]
        [InlineData(87, "ERROR_INVALID_PARAMETER")]
        [InlineData(1455, "ERROR_COMMITMENT_LIMIT")]
        [InlineData(1655, "ERROR_DYNAMIC_CODE_BLOCKED")]
        public void DescribeError_NamesWin32Errors_AndGivesTheSystemsText(int code, string expected)
        {
            string text = NativeMapper.Current.DescribeError(code, out string name);

            Assert.Equal(expected, name);
            Assert.False(string.IsNullOrWhiteSpace(text));
        }

        [Fact]
        public void DescribeError_OfAnUnknownCode_SaysItsNumber()
        {
            NativeMapper.Current.DescribeError(123456, out string name);

            Assert.Equal("Win32 error 123456", name);
        }

        [Fact]
        public void LocalPrefix_IsTheDefaultNamespace()
        {
            string name = NewName();
            using MemoryMap local = MemoryMap.OpenNamed("Local\\" + name, 4096);
            local.Write(0, new byte[] { 12 });

            using MemoryMap plain = MemoryMap.OpenNamed(name);

            Assert.Equal(12, plain.Read(0, 1)[0]);
            Assert.Equal("Local\\" + name, local.Name);
        }

        [Fact]
        public void OpenWithASizeInTheSamePage_OpensTheObject_SinceWindowsKeepsSizesToThePage()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, 4096);
            first.Write(99, new byte[] { 8 });

            using MemoryMap second = MemoryMap.OpenNamed(name, 100);

            Assert.Equal(100, second.Size);
            Assert.Equal(8, second.Read(99, 1)[0]);
        }

        [Fact]
        public void NameOfAnotherKindOfObject_IsNameInvalid()
        {
            string name = NewName();
            using var taken = new EventWaitHandle(false, EventResetMode.ManualReset, "Local\\" + name);

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenNamed(name, 4096));

            Assert.Equal(MemoryMapError.NameInvalid, e.Error);
            Assert.Contains("another kind of Windows object", e.Message);
        }

        [Fact]
        public void NewSection_IsForItsOwner_WhoCanOpenItAgain()
        {
            string name = NewName();
            using MemoryMap creator = MemoryMap.OpenNamed(name, 4096, allowOtherUsers: false);
            using MemoryMap everyone = MemoryMap.OpenNamed(NewName(), 4096, allowOtherUsers: true);

            using MemoryMap again = MemoryMap.OpenNamed(name, protection: MemoryProtection.Read);

            Assert.Equal(4096, again.Size);
            Assert.Equal(MemoryMapKind.Named, everyone.Kind);
        }

        private static string NewName() => "mman-xwin-" + Environment.ProcessId + "-" + Interlocked.Increment(ref s_next);
    }
}
