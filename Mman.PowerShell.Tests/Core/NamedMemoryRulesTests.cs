using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// The size, sharing and mode rules of named shared memory on every system, tested on any: macOS's
    /// page rounding and its refusal of private maps run here although no Mac does.
    /// </summary>
    public sealed class NamedMemoryRulesTests
    {
        private const long AppleSiliconPage = 16384;
        private const long IntelPage = 4096;

        // NamePlatform is internal, so public test methods take its name.
        private static NamePlatform Platform(string name) => (NamePlatform)System.Enum.Parse(typeof(NamePlatform), name);

        [Theory]
        [InlineData("MacOS", 4096, AppleSiliconPage, 16384)]
        [InlineData("MacOS", 16384, AppleSiliconPage, 16384)]
        [InlineData("MacOS", 16385, AppleSiliconPage, 32768)]
        [InlineData("MacOS", 5000, IntelPage, 8192)]
        [InlineData("Windows", 5000, IntelPage, 8192)]
        [InlineData("Linux", 5000, IntelPage, 5000)]
        [InlineData("Linux", 1, AppleSiliconPage, 1)]
        public void KeptSize_IsWholePagesOnMacOSAndWindows_AndExactOnLinux(string platform, long requested, long page, long expected)
        {
            Assert.Equal(expected, NamedMemoryRules.KeptSize(Platform(platform), requested, page));
        }

        [Theory]
        [InlineData("MacOS", 4096, 16384, AppleSiliconPage, true)]
        [InlineData("MacOS", 16384, 16384, AppleSiliconPage, true)]
        [InlineData("MacOS", 20000, 16384, AppleSiliconPage, false)]
        [InlineData("MacOS", 4096, 8192, IntelPage, false)]
        [InlineData("Windows", 4000, 4096, IntelPage, true)]
        [InlineData("Linux", 4096, 16384, AppleSiliconPage, false)]
        [InlineData("Linux", 5000, 5000, IntelPage, true)]
        [InlineData("Linux", 5000, 8192, IntelPage, false)]
        public void SizeMatches_ComparesWholePagesWhereTheSystemKeepsThem(string platform, long requested, long actual, long page, bool expected)
        {
            Assert.Equal(expected, NamedMemoryRules.SizeMatches(Platform(platform), requested, actual, page));
        }

        [Fact]
        public void SizeMatches_OfTheLargestSize_DoesNotOverflow()
        {
            Assert.True(NamedMemoryRules.SizeMatches(NamePlatform.MacOS, long.MaxValue, long.MaxValue, AppleSiliconPage));
        }

        [Fact]
        public void DescribeSizeMismatch_OnMacOS_SaysWhatTheRequestWouldHaveMade()
        {
            string message = NamedMemoryRules.DescribeSizeMismatch(NamePlatform.MacOS, "demo", 20000, 16384, AppleSiliconPage);

            Assert.Equal(
                "Shared memory 'demo' already exists with 16384 bytes, not 20000. This system keeps shared memory to whole pages of 16384 bytes, so 20000 bytes would be 32768.",
                message);
        }

        [Fact]
        public void DescribeSizeMismatch_OnLinux_HasNoPageNote()
        {
            string message = NamedMemoryRules.DescribeSizeMismatch(NamePlatform.Linux, "demo", 4096, 5000, IntelPage);

            Assert.Equal("Shared memory 'demo' already exists with 5000 bytes, not 4096.", message);
        }

        [Fact]
        public void CheckSharing_RefusesAPrivateMapOnMacOSOnly()
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => NamedMemoryRules.CheckSharing(NamePlatform.MacOS, MapSharing.Private, "demo"));

            Assert.Equal(MemoryMapError.NamedMapPrivateNotSupported, e.Error);
            Assert.Equal("sharing", e.ParamName);
            Assert.Contains("only shared", e.Message);
            Assert.Equal("demo", e.Data[MemoryMapErrorData.SharedMemoryName]);
            NamedMemoryRules.CheckSharing(NamePlatform.MacOS, MapSharing.Shared, "demo");
            NamedMemoryRules.CheckSharing(NamePlatform.Linux, MapSharing.Private, "demo");
            NamedMemoryRules.CheckSharing(NamePlatform.Windows, MapSharing.Private, "demo");
        }

        [Theory]
        [InlineData(0x180, 0x8180, true)]   // 0600 asked; a regular file of mode 0600
        [InlineData(0x1B6, 0x81B6, true)]   // 0666
        [InlineData(0x180, 0x81A4, false)]  // 0600 asked, 0644 made (a umask or a lost mode argument)
        [InlineData(0x1B6, 0x8180, false)]  // 0666 asked, 0600 made
        [InlineData(0x180, 0x0, false)]     // the mode lost altogether
        public void ModeMatches_ComparesThePermissionBitsOnly(int requested, int actual, bool expected)
        {
            Assert.Equal(expected, NamedMemoryRules.ModeMatches(requested, actual));
        }

        [Theory]
        [InlineData(0x180, "0600")]
        [InlineData(0x81B6, "0666")]
        [InlineData(0x7, "0007")]
        public void FormatMode_IsOctalAsChmodWritesIt(int mode, string expected)
        {
            Assert.Equal(expected, NamedMemoryRules.FormatMode(mode));
        }
    }
}
