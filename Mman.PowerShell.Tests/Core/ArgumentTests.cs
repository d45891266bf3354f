using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>Every argument check: its error, its message, and that nothing is touched when it fails.</summary>
    public sealed class ArgumentTests : IDisposable
    {
        private const long MapSize = 8192;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        public static TheoryData<long, long> OutsideRanges => new TheoryData<long, long>
        {
            { MapSize, 1 },
            { MapSize + 1, 0 },
            { MapSize - 1, 2 },
            { 0, MapSize + 1 },
            { long.MaxValue, 1 },
            { 1, long.MaxValue },
            { long.MaxValue, long.MaxValue },
            { MapSize, long.MaxValue },
        };

        [Theory]
        [InlineData(0L)]
        [InlineData(-1L)]
        [InlineData(long.MinValue)]
        public void CreateAnonymous_SizeNotPositive(long size)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CreateAnonymous(size));

            Assert.Equal(MemoryMapError.SizeNotPositive, e.Error);
            Assert.Equal("Size must be positive, got " + size, e.Message);
            Assert.Equal("size", e.ParamName);
        }

        [Theory]
        [InlineData(8)]
        [InlineData(-1)]
        [InlineData(15)]
        public void CreateAnonymous_ProtectionInvalid(int protection)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CreateAnonymous(4096, (MemoryProtection)protection));

            Assert.Equal(MemoryMapError.ProtectionInvalid, e.Error);
            Assert.Equal("Protection " + protection + " is not a combination of None, Read, Write and Execute.", e.Message);
            Assert.Equal("protection", e.ParamName);
        }

        [Theory]
        [InlineData(2)]
        [InlineData(-1)]
        public void CreateAnonymous_UndefinedSharing_IsRefused(int sharing)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CreateAnonymous(4096, sharing: (MapSharing)sharing));

            Assert.Equal("sharing", e.ParamName);
            Assert.Equal(MemoryMapError.SharingInvalid, e.Error);
        }

        [Fact]
        public void OpenFile_UndefinedSharing_IsRefused()
        {
            string path = _folder.CreatePatternFile("a.bin", 100);

            var e = Assert.Throws<MemoryMapArgumentException>(
                () => MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: (MapSharing)2));

            Assert.Equal("sharing", e.ParamName);
            Assert.Equal(MemoryMapError.SharingInvalid, e.Error);
        }

        [Fact]
        public void OpenFile_NullPath_ThrowsArgumentNull()
        {
            var e = Assert.Throws<ArgumentNullException>(() => MemoryMap.OpenFile((string)null));

            Assert.Equal("path", e.ParamName);
        }

        [Fact]
        public void OpenFile_NullStream_ThrowsArgumentNull()
        {
            var e = Assert.Throws<ArgumentNullException>(() => MemoryMap.OpenFile((FileStream)null));

            Assert.Equal("file", e.ParamName);
        }

        [Fact]
        public void OpenFile_NegativeOffset_ThrowsOffsetNegative()
        {
            string path = _folder.CreatePatternFile("a.bin", 100);

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(path, -1));

            Assert.Equal(MemoryMapError.OffsetNegative, e.Error);
            Assert.Equal("Offset must not be negative, got -1", e.Message);
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(-5L)]
        public void OpenFile_SizeNotPositive(long size)
        {
            string path = _folder.CreatePatternFile("a.bin", 100);

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(path, 0, size));

            Assert.Equal(MemoryMapError.SizeNotPositive, e.Error);
            Assert.Equal("Size must be positive, got " + size, e.Message);
        }

        [Fact]
        public void OpenFile_ProtectionInvalid()
        {
            string path = _folder.CreatePatternFile("a.bin", 100);

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(path, protection: (MemoryProtection)8));

            Assert.Equal(MemoryMapError.ProtectionInvalid, e.Error);
        }

        [Fact]
        public void OpenFile_EmptyFile_ThrowsFileEmpty()
        {
            string path = _folder.CreateFile("empty.bin", Array.Empty<byte>());

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(path));

            Assert.Equal(MemoryMapError.FileEmpty, e.Error);
            Assert.StartsWith("The file '" + path + "' is empty (0 bytes)", e.Message);
        }

        [Fact]
        public void OpenFileStream_EmptyFile_ThrowsFileEmptyAndLeavesTheStreamOpen()
        {
            string path = _folder.CreateFile("empty.bin", Array.Empty<byte>());
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(stream));

            Assert.Equal(MemoryMapError.FileEmpty, e.Error);
            Assert.True(stream.CanRead);
        }

        [Theory]
        [InlineData(100L)]
        [InlineData(101L)]
        [InlineData(long.MaxValue)]
        public void OpenFile_OffsetAtOrPastTheEnd_ThrowsRangeBeyondEndOfFile(long offset)
        {
            string path = _folder.CreatePatternFile("a.bin", 100);

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(path, offset));

            Assert.Equal(MemoryMapError.RangeBeyondEndOfFile, e.Error);
            Assert.Equal("Offset " + offset + " is at or past the end of the file '" + path + "', which is 100 bytes; use an offset below 100.", e.Message);
            Assert.Equal("offset", e.ParamName);
        }

        [Theory]
        [InlineData(0L, 101L)]
        [InlineData(99L, 2L)]
        [InlineData(1L, long.MaxValue)]
        public void OpenFile_SizeReachingPastTheEnd_ThrowsRangeBeyondEndOfFile(long offset, long size)
        {
            string path = _folder.CreatePatternFile("a.bin", 100);

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(path, offset, size));

            Assert.Equal(MemoryMapError.RangeBeyondEndOfFile, e.Error);
            Assert.Equal(
                "Offset " + offset + " and size " + size + " reach past the end of the file '" + path + "', which is 100 bytes; at most " + (100 - offset) + " bytes can be mapped from offset " + offset + ".",
                e.Message);
            Assert.Equal("size", e.ParamName);
        }

        [Fact]
        public void OpenFile_LastByteExactly_Maps()
        {
            string path = _folder.CreatePatternFile("a.bin", 100);

            using MemoryMap map = MemoryMap.OpenFile(path, 99, 1);

            Assert.Equal(new[] { Pattern.At(99) }, map.Read(0, 1));
        }

        [Fact]
        public void OpenFile_Directory_ThrowsUnauthorizedAccess()
        {
            Assert.Throws<UnauthorizedAccessException>(() => MemoryMap.OpenFile(_folder.Path));
        }

        [Fact]
        public void Read_NegativeOffset_ThrowsOffsetNegative()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Read(-1, 1));

            Assert.Equal(MemoryMapError.OffsetNegative, e.Error);
            Assert.Equal("Offset must not be negative, got -1", e.Message);
            Assert.Equal("offset", e.ParamName);
        }

        [Fact]
        public void Read_NegativeCount_ThrowsCountNegative()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Read(0, -1));

            Assert.Equal(MemoryMapError.CountNegative, e.Error);
            Assert.Equal("Count must not be negative, got -1", e.Message);
            Assert.Equal("count", e.ParamName);
        }

        [Fact]
        public void Write_NegativeOffset_ThrowsOffsetNegative()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Write(long.MinValue, new byte[1]));

            Assert.Equal(MemoryMapError.OffsetNegative, e.Error);
            Assert.Equal("Offset must not be negative, got " + long.MinValue, e.Message);
        }

        [Theory]
        [MemberData(nameof(OutsideRanges))]
        public void Read_OutsideTheMap_ThrowsRangeOutsideMap(long offset, long count)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Read(offset, count));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
            Assert.Equal(
                "Offset " + offset + " and count " + count + " are outside the map: it is 8192 bytes, so offset + count must be at most 8192.",
                e.Message);
        }

        [Theory]
        [MemberData(nameof(OutsideRanges))]
        public void Sync_OutsideTheMap_ThrowsRangeOutsideMap(long offset, long count)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Sync(offset, count));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
        }

        [Theory]
        [InlineData(MapSize - 1, 2)]
        [InlineData(MapSize, 1)]
        [InlineData(long.MaxValue, 1)]
        public void Write_OutsideTheMap_ThrowsAndWritesNothing(long offset, int length)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Write(offset, Pattern.Marker(length)));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
            Assert.Equal(new byte[MapSize], map.Read(0, MapSize));
        }

        [Fact]
        public void Sync_NegativeOffsetAndCount()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            Assert.Equal(MemoryMapError.OffsetNegative, Assert.Throws<MemoryMapArgumentException>(() => map.Sync(-1, 1)).Error);
            Assert.Equal(MemoryMapError.CountNegative, Assert.Throws<MemoryMapArgumentException>(() => map.Sync(0, -1)).Error);
        }

        [Fact]
        public void Read_IntoNullBuffer_ThrowsArgumentNull()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<ArgumentNullException>(() => map.Read(0, null, 0, 0));

            Assert.Equal("buffer", e.ParamName);
        }

        [Fact]
        public void Write_NullData_ThrowsArgumentNullNamingData()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<ArgumentNullException>(() => map.Write(0, null));

            Assert.Equal("data", e.ParamName);
        }

        [Theory]
        [InlineData(-1, 1)]
        [InlineData(0, -1)]
        [InlineData(0, 5)]
        [InlineData(3, 2)]
        [InlineData(int.MaxValue, int.MaxValue)]
        public void BufferSliceOutsideTheArray_ThrowsArgumentOutOfRange(int index, int count)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);
            byte[] buffer = new byte[4];

            Assert.Throws<ArgumentOutOfRangeException>(() => map.Read(0, buffer, index, count));
            Assert.Throws<ArgumentOutOfRangeException>(() => map.Write(0, buffer, index, count));
        }

        [Fact]
        public void ReadIntoBuffer_OutsideTheMap_ThrowsRangeOutsideMapAndLeavesTheBuffer()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);
            byte[] buffer = { 1, 2, 3, 4 };

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Read(MapSize - 3, buffer, 0, 4));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, buffer);
        }

        [Fact]
        public void MaxReadCount_IsTheLargestArray()
        {
            Assert.Equal(MemoryMap.MaxReadCount, Array.MaxLength);
        }

        [Fact]
        public void Read_MoreThanOneArray_OfALargeAnonymousMap_ThrowsCountTooLarge()
        {
            // Read-only private anonymous memory is not charged against the commit limit, so 3 GiB is cheap.
            using MemoryMap map = MemoryMap.CreateAnonymous(3L << 30, MemoryProtection.Read);
            long count = (long)MemoryMap.MaxReadCount + 1;

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Read(0, count));

            Assert.Equal(MemoryMapError.CountTooLarge, e.Error);
            Assert.Equal(
                "Count " + count + " is more than one array can hold (" + MemoryMap.MaxReadCount + " bytes); read the range in smaller pieces.",
                e.Message);
            Assert.Equal(new byte[4], map.Read((3L << 30) - 4, 4));
        }

        [Fact]
        public void Read_MoreThanOneArray_OfALargeSparseFile_ThrowsCountTooLarge()
        {
            string path = _folder.CreateSparseFile("big.bin", 3L << 30);
            using MemoryMap map = MemoryMap.OpenFile(path);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Read(1, map.Size - 1));

            Assert.Equal(MemoryMapError.CountTooLarge, e.Error);
            Assert.Equal("count", e.ParamName);
        }

        [Fact]
        public void RangeCheck_ComesBeforeCountTooLarge()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(MapSize);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Read(0, (long)MemoryMap.MaxReadCount + 1));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
        }
    }
}
