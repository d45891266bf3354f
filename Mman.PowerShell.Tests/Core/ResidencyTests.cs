using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Residency: the runs, byte ranges and strip built from page vectors (pure, on every system),
    /// and the measurement of maps and files through the system (mincore, QueryWorkingSetEx).
    /// </summary>
    public sealed class ResidencyTests : IDisposable
    {
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        private static ResidencyRuns Runs(string pages)
        {
            // One character a page: 'x' resident, '.' not.
            var runs = new ResidencyRuns();
            var vector = new byte[pages.Length];
            for (int i = 0; i < pages.Length; i++)
            {
                vector[i] = pages[i] == 'x' ? (byte)1 : (byte)0;
            }

            runs.Add(vector, vector.Length, 1);
            return runs;
        }

        private static string Describe(ResidencyRuns runs)
        {
            var text = new System.Text.StringBuilder();
            for (int i = 0; i < runs.Count; i++)
            {
                text.Append(runs.StartOf(i)).Append('+').Append(runs.LengthOf(i)).Append(' ');
            }

            return text.ToString().TrimEnd();
        }

        [Theory]
        [InlineData("", "", 0L)]
        [InlineData("....", "", 0L)]
        [InlineData("xxxx", "0+4", 4L)]
        [InlineData("x..xx.x", "0+1 3+2 6+1", 4L)]
        [InlineData(".xxx.", "1+3", 3L)]
        public void Add_MakesOneRunPerStretchOfResidentPages(string pages, string expected, long resident)
        {
            ResidencyRuns runs = Runs(pages);

            Assert.Equal(expected, Describe(runs));
            Assert.Equal(pages.Length, runs.Pages);
            Assert.Equal(resident, runs.ResidentPages);
        }

        [Fact]
        public void Add_ContinuesARunFromOneVectorIntoTheNext()
        {
            var runs = new ResidencyRuns();
            runs.Add(new byte[] { 0, 1, 1 }, 3, 1);
            runs.Add(new byte[] { 1, 0, 1, 9 }, 2, 1);
            runs.AddUniform(2, resident: false);
            runs.AddUniform(3, resident: true);

            Assert.Equal("1+3 7+3", Describe(runs));
            Assert.Equal(10, runs.Pages);
            Assert.Equal(6, runs.ResidentPages);
        }

        [Fact]
        public void Add_LooksOnlyAtTheMaskBit()
        {
            // macOS sets MINCORE_REFERENCED (0x2) and MINCORE_MODIFIED (0x4) beside MINCORE_INCORE (0x1);
            // Linux's other bits are reserved.
            var runs = new ResidencyRuns();
            runs.Add(new byte[] { 0x2, 0x3, 0x4, 0xFE, 0xFF }, 5, 1);

            Assert.Equal("1+1 4+1", Describe(runs));
        }

        [Fact]
        public void ToByteRanges_OfAWholeFile_EndsAtTheFilesEnd()
        {
            ResidencyRuns runs = Runs("xx.x");

            ResidentRange[] ranges = runs.ToByteRanges(4096, 0, 0, (3 * 4096) + 10);

            Assert.Equal(new[] { "0+8192", "12288+10" }, Array.ConvertAll(ranges, r => r.ToString()));
        }

        [Fact]
        public void ToByteRanges_OfAnUnalignedRange_CutsTheFirstAndLastPage()
        {
            // A map whose byte 0 is 100 bytes into its first page, measured from offset 50 for 8000 bytes:
            // page 0 starts at -100 in the map's coordinates.
            ResidencyRuns runs = Runs("xxx");

            ResidentRange[] ranges = runs.ToByteRanges(4096, -100, 50, 8050);

            ResidentRange only = Assert.Single(ranges);
            Assert.Equal(50, only.Offset);
            Assert.Equal(8000, only.Length);
        }

        [Theory]
        [InlineData("", 20, "[]")]
        [InlineData("x", 20, "[O]")]
        [InlineData(".x.", 20, "[ O ]")]
        [InlineData("xxxxxxxx", 4, "[OOOO]")]
        [InlineData("........", 4, "[    ]")]
        [InlineData("xx..x...", 4, "[O o ]")]
        [InlineData("x.......xxxxxxxx", 4, "[o OO]")]
        [InlineData("xxxxxxxxxx", 3, "[OOO]")]
        [InlineData("x.........", 3, "[o  ]")]
        [InlineData(".........x", 3, "[  o]")]
        public void Strip_DrawsEachCellsShare(string pages, int cells, string expected)
        {
            Assert.Equal(expected, Runs(pages).Strip(cells));
        }

        [Fact]
        public void Strip_OfAHugeFile_GivesEveryCellItsShare()
        {
            // 40 TiB of 4 KiB pages, the last quarter resident: no overflow, and exactly the last 5 of 20 cells.
            var runs = new ResidencyRuns();
            long pages = 40L * 1024 * 1024 * 1024 * 1024 / 4096;
            runs.AddUniform(pages / 4 * 3, resident: false);
            runs.AddUniform(pages / 4, resident: true);

            Assert.Equal("[               OOOOO]", runs.Strip(20));
        }

        [Fact]
        public void Strip_WithNoCells_IsRefused()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => Runs("x").Strip(0));
        }

        [Fact]
        public void AnonymousMap_IsResidentWhereWritten()
        {
            long page = MemoryMap.PageSize;
            using MemoryMap map = MemoryMap.CreateAnonymous(8 * page);

            MemoryResidency before = map.GetResidency();
            map.Write(2 * page, new byte[] { 1 });
            map.Write(5 * page, new byte[] { 1 });
            map.Write(6 * page, new byte[] { 1 });
            MemoryResidency after = map.GetResidency();

            Assert.Equal(8, before.Pages);
            Assert.Equal(0, before.ResidentPages);
            Assert.Equal(3, after.ResidentPages);
            Assert.Equal(new[] { (2 * page) + "+" + page, (5 * page) + "+" + (2 * page) }, Array.ConvertAll(after.ResidentRanges, r => r.ToString()));
            Assert.Equal("[  O  OO ]", after.GetStrip(20));
            Assert.Null(after.Dirty);
        }

        [Fact]
        public void FileMap_ReadWhole_IsAllResident()
        {
            string path = _folder.CreatePatternFile("read.bin", 10 * 4096 + 7);
            using MemoryMap map = MemoryMap.OpenFile(path, offset: 5);

            map.Read(0, map.Size);
            MemoryResidency residency = map.GetResidency();

            Assert.Equal(map.Size, residency.Size);
            Assert.Equal(residency.Pages, residency.ResidentPages);
            Assert.Equal(100.0, residency.Percent);
            ResidentRange whole = Assert.Single(residency.ResidentRanges);
            Assert.Equal(0, whole.Offset);
            Assert.Equal(map.Size, whole.Length);
        }

        [Theory]
        [InlineData(-1L, 1L, MemoryMapError.OffsetNegative)]
        [InlineData(0L, -1L, MemoryMapError.CountNegative)]
        [InlineData(1L, 4096L, MemoryMapError.RangeOutsideMap)]
        public void GetResidency_OutsideTheMap_IsRefused(long offset, long count, MemoryMapError error)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.GetResidency(offset, count));
            Assert.Equal(error, e.Error);
        }

        [Fact]
        public void GetResidency_OfAClosedMap_IsRefused()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(4096);
            map.Dispose();

            Assert.Throws<ObjectDisposedException>(() => map.GetResidency());
        }

        [Fact]
        public void GetResidency_OfNoBytes_HasNoPages()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);

            MemoryResidency residency = map.GetResidency(4096, 0);

            Assert.Equal(0, residency.Pages);
            Assert.Equal(0.0, residency.Percent);
            Assert.Empty(residency.ResidentRanges);
        }

        [Fact]
        public void GetFileResidency_OfAnEmptyFile_HasNoPages()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows cannot measure a file by its path (NotSupportedOnThisSystem, tested below).");
            string path = _folder.CreateFile("empty.bin", Array.Empty<byte>());

            MemoryResidency residency = MemoryMap.GetFileResidency(path);

            Assert.Equal(0, residency.Pages);
            Assert.Equal(0, residency.Size);
            Assert.Equal(path, residency.Path);
            Assert.Null(residency.Map);
        }

        [Fact]
        public void GetFileResidency_OfAFileJustRead_IsAllResident()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows cannot measure a file by its path (NotSupportedOnThisSystem, tested below).");
            string path = _folder.CreatePatternFile("read.bin", (3 * 4096) + 1);
            File.ReadAllBytes(path);

            MemoryResidency residency = MemoryMap.GetFileResidency(path);

            Assert.Equal((3 * 4096) + 1, residency.Size);
            Assert.Equal(((3 * 4096) + MemoryMap.PageSize) / MemoryMap.PageSize, residency.Pages);
            Assert.Equal(residency.Pages, residency.ResidentPages);
        }

        [Fact]
        public void GetFileResidency_OfAMissingFile_IsFileNotFound()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows cannot measure a file by its path (NotSupportedOnThisSystem, tested below).");
            Assert.Throws<FileNotFoundException>(() => MemoryMap.GetFileResidency(_folder.File("missing.bin")));
        }

        [Fact]
        public void GetFileResidency_OnWindows_IsNotSupported()
        {
            Assert.SkipUnless(OperatingSystem.IsWindows(), "Linux and macOS measure a file's page cache by its path (mincore).");
            string path = _folder.CreatePatternFile("win.bin", 4096);

            var e = Assert.Throws<MemoryMapException>(() => MemoryMap.GetFileResidency(path));
            Assert.Equal(MemoryMapError.NotSupportedOnThisSystem, e.Error);
        }
    }
}
