using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// IndexOf, LastIndexOf and FindAll against a naive search over random data with planted matches, on
    /// anonymous and file maps, with sizes and ranges straddling the sizes the search works in: 256 KiB
    /// chunks for maps searched through a copy (files on Linux), 1 GiB windows for memory searched in place.
    /// </summary>
    public sealed class SearchTests : IDisposable
    {
        private const int Chunk = 256 << 10;
        private const long Window = 1L << 30;
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public static TheoryData<bool, int, int> SizesAndPatterns
        {
            get
            {
                var data = new TheoryData<bool, int, int>();
                foreach (bool file in new[] { false, true })
                {
                    foreach (int size in new[] { 1, 7, 4096, Chunk - 1, Chunk, Chunk + 1, Chunk + 5, (2 * Chunk) + 3, (3 * Chunk) + 17 })
                    {
                        foreach (int patternLength in new[] { 2, 5, 16 })
                        {
                            if (patternLength <= size + 1)
                            {
                                data.Add(file, size, patternLength);
                            }
                        }
                    }
                }

                return data;
            }
        }

        public void Dispose() => _folder.Dispose();

        [Theory]
        [MemberData(nameof(SizesAndPatterns))]
        public void IndexOfAndLastIndexOf_RandomDataWithPlantedMatches_EqualANaiveSearch(bool file, int size, int patternLength)
        {
            var random = new Random((size * 31) + patternLength + (file ? 1 : 0));
            byte[] pattern = RandomBytes(random, patternLength);
            byte[] data = RandomBytes(random, size);
            if (patternLength <= size)
            {
                // At the start, ending at the last byte, and across every chunk boundary by 1 .. length - 1 bytes.
                Plant(data, pattern, 0);
                Plant(data, pattern, size - patternLength);
                for (long boundary = Chunk; boundary < size; boundary += Chunk)
                {
                    Plant(data, pattern, boundary - 5);
                    Plant(data, pattern, boundary - patternLength + 1);
                }
            }

            using MemoryMap map = Create(file, data);

            AssertLikeNaive(map, data, pattern, 0, size);
            AssertLikeNaive(map, data, pattern, 1, size - 1);
            AssertLikeNaive(map, data, pattern, 0, Math.Max(0, size - 1));
            for (int i = 0; i < 6; i++)
            {
                long offset = random.Next(0, size + 1);
                long count = random.Next(0, (int)(size - offset) + 1);
                AssertLikeNaive(map, data, pattern, offset, count);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void EveryMatch_FoundOneAfterAnother_EqualsANaiveSearch(bool file)
        {
            // A two-byte pattern in 768 KiB of random data: a dozen chance matches, and the planted ones.
            var random = new Random(file ? 21 : 20);
            byte[] pattern = RandomBytes(random, 2);
            byte[] data = RandomBytes(random, (3 * Chunk) + 1);
            foreach (int at in new[] { 0, Chunk - 1, (2 * Chunk) - 1, data.Length - 2, 100, 101 })
            {
                Plant(data, pattern, at);
            }

            using MemoryMap map = Create(file, data);
            List<long> expected = Naive(data, pattern, 0, data.Length);

            var forward = new List<long>();
            for (long found = map.IndexOf(pattern, 0, map.Size); found >= 0; found = map.IndexOf(pattern, found + 1, map.Size - found - 1))
            {
                forward.Add(found);
            }

            var backward = new List<long>();
            for (long found = map.LastIndexOf(pattern, 0, map.Size); found >= 0; found = map.LastIndexOf(pattern, 0, found + pattern.Length - 1))
            {
                backward.Add(found);
            }

            backward.Reverse();
            Assert.Equal(expected, forward);
            Assert.Equal(expected, backward);
        }

        public static TheoryData<bool, bool, int> FindAllCases
        {
            get
            {
                var data = new TheoryData<bool, bool, int>();
                foreach (bool file in new[] { false, true })
                {
                    foreach (bool fromEnd in new[] { false, true })
                    {
                        foreach (int batch in new[] { 1, 7, 4096, 100_000 })
                        {
                            data.Add(file, fromEnd, batch);
                        }
                    }
                }

                return data;
            }
        }

        [Theory]
        [MemberData(nameof(FindAllCases))]
        public void FindAll_ManyOverlappingMatchesAcrossChunks_EqualsANaiveSearch(bool file, bool fromEnd, int batch)
        {
            // Bytes of only two values, so the pattern 0,1,0 is everywhere and overlaps itself: tens of
            // thousands of matches, on both sides of every chunk boundary.
            var random = new Random(batch + (file ? 1 : 0) + (fromEnd ? 2 : 0));
            byte[] data = new byte[(3 * Chunk) + 101];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)random.Next(0, 2);
            }

            byte[] pattern = { 0, 1, 0 };
            using MemoryMap map = Create(file, data);
            long offset = 3;
            long count = data.Length - 5;
            List<long> expected = Naive(data, pattern, offset, count);
            if (fromEnd)
            {
                expected.Reverse();
            }

            List<long> found = FindEvery(map, pattern, offset, count, batch, fromEnd);

            Assert.True(expected.Count > 20_000, "the data should hold many matches, not " + expected.Count);
            Assert.Equal(expected, found);
        }

        public static TheoryData<bool, bool, int> LargeRangeCases
        {
            get
            {
                var data = new TheoryData<bool, bool, int>();
                foreach (bool file in new[] { false, true })
                {
                    foreach (bool fromEnd in new[] { false, true })
                    {
                        data.Add(file, fromEnd, 1);
                        data.Add(file, fromEnd, 37);
                        data.Add(file, fromEnd, 100_000);
                    }
                }

                return data;
            }
        }

        [Theory]
        [MemberData(nameof(LargeRangeCases))]
        public void LargeRange_SearchedOnSeveralThreads_EqualsANaiveSearch(bool file, bool fromEnd, int batch)
        {
            // 44 MiB: more than the 4 MiB searched alone first plus two 8 MiB parts, so the rest is split
            // over threads. A match every 64 KiB or so, some straddling each MiB boundary (and so the
            // edges between parts, wherever they fall), and some at both ends.
            const int size = 44 << 20;
            var random = new Random(batch + (file ? 1 : 0) + (fromEnd ? 2 : 0));
            byte[] data = RandomBytes(random, size);
            byte[] pattern = { 0xF1, 0x23, 0x9C, 0x47, 0x05 };
            for (int mib = 1; mib < size >> 20; mib++)
            {
                Plant(data, pattern, ((long)mib << 20) - random.Next(1, pattern.Length));
            }

            for (int i = 0; i < 600; i++)
            {
                Plant(data, pattern, random.Next(0, size - pattern.Length));
            }

            Plant(data, pattern, 1);
            Plant(data, pattern, size - pattern.Length - 1);
            using MemoryMap map = Create(file, data);
            long offset = 1;
            long count = size - 2;
            List<long> expected = Naive(data, pattern, offset, count);
            if (fromEnd)
            {
                expected.Reverse();
            }

            List<long> found = FindEvery(map, pattern, offset, count, batch, fromEnd);

            Assert.Equal(expected, found);
            Assert.Equal(expected[0], fromEnd ? map.LastIndexOf(pattern, offset, count) : map.IndexOf(pattern, offset, count));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LargeRange_AbsentPatternOrOneMatchNearTheEnd_IsFoundOrNot(bool file)
        {
            const int size = 40 << 20;
            byte[] data = new byte[size];
            byte[] pattern = { 1, 2, 3 };
            using (MemoryMap empty = Create(file, data))
            {
                Assert.Equal(-1, empty.IndexOf(pattern, 0, size));
                Assert.Equal(-1, empty.LastIndexOf(pattern, 0, size));
            }

            Plant(data, pattern, size - 10);
            Plant(data, pattern, 10);
            using MemoryMap map = Create(file, data);

            Assert.Equal(size - 10, map.IndexOf(pattern, 11, size - 11));
            Assert.Equal(10, map.LastIndexOf(pattern, 0, size - 11));
        }

        [Fact]
        public void FindAll_FileAndAnonymousMapsOfTheSameBytes_GiveTheSameOffsets()
        {
            var random = new Random(77);
            byte[] data = RandomBytes(random, (5 * Chunk) + 3);
            byte[] pattern = { 0x41, 0x42 };
            for (int i = 0; i < 3000; i++)
            {
                Plant(data, pattern, random.Next(0, data.Length));
            }

            using MemoryMap file = Create(true, data);
            using MemoryMap anonymous = Create(false, data);
            var fromFile = new long[10_000];
            var fromMemory = new long[10_000];

            int inFile = file.FindAll(pattern, 0, file.Size, fromFile);
            int inMemory = anonymous.FindAll(pattern, 0, anonymous.Size, fromMemory);

            Assert.Equal(Naive(data, pattern, 0, data.Length), fromFile.AsSpan(0, inFile).ToArray());
            Assert.Equal(fromFile.AsSpan(0, inFile).ToArray(), fromMemory.AsSpan(0, inMemory).ToArray());
        }

        [Fact]
        public void FindAll_OfNothingToFill_FindsNothing_AndANullArrayIsRefused()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);

            Assert.Equal(0, map.FindAll(new byte[] { 0 }, 0, 64, new long[0]));
            Assert.Throws<ArgumentNullException>(() => map.FindAll(new byte[] { 0 }, 0, 64, null));
            Assert.Equal(MemoryMapError.PatternEmpty, Assert.Throws<MemoryMapArgumentException>(() => map.FindAll(new byte[0], 0, 64, new long[1])).Error);
        }

        [Fact]
        public void OverlappingMatches_AreEachFound()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(8);
            map.Write(2, new byte[] { 0x61, 0x61, 0x61, 0x61 });
            byte[] aa = { 0x61, 0x61 };

            Assert.Equal(2, map.IndexOf(aa, 0, 8));
            Assert.Equal(3, map.IndexOf(aa, 3, 5));
            Assert.Equal(4, map.IndexOf(aa, 4, 4));
            Assert.Equal(-1, map.IndexOf(aa, 5, 3));
            Assert.Equal(4, map.LastIndexOf(aa, 0, 8));
            Assert.Equal(3, map.LastIndexOf(aa, 0, 5));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void FileMapAtAnOffset_FindsAtMapOffsets(bool last)
        {
            var random = new Random(30);
            byte[] file = RandomBytes(random, (3 * Chunk) + 999);
            byte[] pattern = RandomBytes(random, 9);
            const long fileOffset = Chunk + 4097;

            // Across the map's own first chunk boundary (map offset 1 MiB), not the file's.
            Plant(file, pattern, fileOffset + Chunk - 4);
            string path = _folder.CreateFile("offset.bin", file);
            using MemoryMap map = MemoryMap.OpenFile(path, fileOffset);
            byte[] data = map.Read(0, map.Size);
            List<long> expected = Naive(data, pattern, 0, data.Length);

            long found = last ? map.LastIndexOf(pattern, 0, map.Size) : map.IndexOf(pattern, 0, map.Size);

            Assert.Equal(last ? expected[expected.Count - 1] : expected[0], found);
            Assert.Contains(Chunk - 4, expected);
        }

        public static TheoryData<long, int, int> WindowCases
        {
            get
            {
                var data = new TheoryData<long, int, int>();
                foreach (long offset in new long[] { 0, 1000 })
                {
                    foreach (int across in new[] { 1, 4, 7, 8, 0 })
                    {
                        data.Add(offset, across, 8);
                    }
                }

                return data;
            }
        }

        [Theory]
        [MemberData(nameof(WindowCases))]
        public void AnonymousMapOverOneWindow_MatchAcrossTheForwardWindowBoundary_IsFound(long offset, int across, int patternLength)
        {
            // The first window is [offset, offset + 1 GiB); the match starts 'across' bytes before its end.
            const long size = Window + (64 * 1024);
            var random = new Random(40 + across + (int)offset);
            byte[] pattern = RandomNonZero(random, patternLength);
            long boundary = offset + Window;
            using MemoryMap map = MemoryMap.CreateAnonymous(size);
            long patchStart = boundary - 16384;
            byte[] patch = RandomBytes(random, 32768);
            Plant(patch, pattern, boundary - across - patchStart);
            map.Write(patchStart, patch);

            // Everything outside the patch is zero and the pattern has no zero byte, so only the patch can match.
            List<long> expected = Naive(patch, pattern, 0, patch.Length).ConvertAll(at => at + patchStart);

            Assert.Equal(expected[0], map.IndexOf(pattern, offset, size - offset));
            Assert.Equal(expected[expected.Count - 1], map.LastIndexOf(pattern, offset, size - offset));
            Assert.Contains(boundary - across, expected);
            Assert.Equal(-1, map.IndexOf(pattern, offset, boundary - across + patternLength - 1 - offset));
        }

        [Theory]
        [MemberData(nameof(WindowCases))]
        public void AnonymousMapOverOneWindow_MatchAcrossTheBackwardWindowBoundary_IsFound(long offset, int across, int patternLength)
        {
            // Searching backward, the first window is [end - 1 GiB, end); the match starts 'across' bytes before it.
            const long size = Window + (64 * 1024);
            var random = new Random(50 + across + (int)offset);
            byte[] pattern = RandomNonZero(random, patternLength);
            long boundary = size - Window;
            using MemoryMap map = MemoryMap.CreateAnonymous(size);
            long patchStart = boundary - 16384;
            byte[] patch = RandomBytes(random, 32768);
            Plant(patch, pattern, boundary - across - patchStart);
            map.Write(patchStart, patch);
            List<long> expected = Naive(patch, pattern, 0, patch.Length).ConvertAll(at => at + patchStart);
            expected.RemoveAll(at => at < offset);

            Assert.Equal(expected[expected.Count - 1], map.LastIndexOf(pattern, offset, size - offset));
            Assert.Equal(expected[0], map.IndexOf(pattern, offset, size - offset));
            Assert.Contains(boundary - across, expected);
            Assert.Equal(-1, map.LastIndexOf(pattern, boundary - across + 1, size - (boundary - across + 1)));
        }

        [Fact]
        public void AnonymousMapOverOneWindow_MatchEndingAtTheLastByte_IsFound()
        {
            const long size = Window + 3;
            byte[] pattern = { 1, 2, 3, 4, 5 };
            using MemoryMap map = MemoryMap.CreateAnonymous(size);
            map.Write(size - 5, pattern);

            Assert.Equal(size - 5, map.IndexOf(pattern, 0, size));
            Assert.Equal(size - 5, map.LastIndexOf(pattern, 0, size));
            Assert.Equal(-1, map.IndexOf(pattern, 0, size - 1));
            Assert.Equal(-1, map.LastIndexOf(pattern, size - 4, 4));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void PatternLongerThanTheRange_FindsNothing(bool file)
        {
            using MemoryMap map = Create(file, new byte[] { 1, 2, 3, 4 });

            Assert.Equal(-1, map.IndexOf(new byte[] { 1, 2, 3, 4, 5 }, 0, 4));
            Assert.Equal(-1, map.LastIndexOf(new byte[] { 1, 2, 3, 4, 5 }, 0, 4));
            Assert.Equal(-1, map.IndexOf(new byte[] { 2, 3, 4 }, 1, 2));
            Assert.Equal(-1, map.LastIndexOf(new byte[] { 2, 3 }, 1, 1));
            Assert.Equal(-1, map.IndexOf(new byte[] { 1 }, 4, 0));
            Assert.Equal(1, map.IndexOf(new byte[] { 2, 3, 4 }, 1, 3));
        }

        [Fact]
        public void EmptyOrNullPattern_IsRefused()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(16);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.IndexOf(new byte[0], 0, 16));

            Assert.Equal(MemoryMapError.PatternEmpty, e.Error);
            Assert.Equal(MemoryMapError.PatternEmpty, Assert.Throws<MemoryMapArgumentException>(() => map.LastIndexOf(new byte[0], 0, 16)).Error);
            Assert.Throws<ArgumentNullException>(() => map.IndexOf(null, 0, 16));
        }

        [Theory]
        [InlineData(-1L, 1L, MemoryMapError.OffsetNegative)]
        [InlineData(0L, -1L, MemoryMapError.CountNegative)]
        [InlineData(10L, 7L, MemoryMapError.RangeOutsideMap)]
        [InlineData(17L, 0L, MemoryMapError.RangeOutsideMap)]
        [InlineData(long.MaxValue, long.MaxValue, MemoryMapError.RangeOutsideMap)]
        public void RangeOutsideTheMap_IsRefused(long offset, long count, MemoryMapError error)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(16);

            Assert.Equal(error, Assert.Throws<MemoryMapArgumentException>(() => map.IndexOf(new byte[] { 0 }, offset, count)).Error);
            Assert.Equal(error, Assert.Throws<MemoryMapArgumentException>(() => map.LastIndexOf(new byte[] { 0 }, offset, count)).Error);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ProtectionNone_ThrowsMapNotReadable(bool file)
        {
            using MemoryMap map = Create(file, Pattern.Bytes(0, 3 * (int)s_page));
            map.SetProtection(MemoryProtection.None);

            var e = Assert.Throws<MemoryMapAccessException>(() => map.IndexOf(new byte[] { 1 }, 0, map.Size));

            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => map.LastIndexOf(new byte[] { 1 }, 0, map.Size)).Error);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ClosedMap_ThrowsObjectDisposed(bool file)
        {
            MemoryMap map = Create(file, Pattern.Bytes(0, 3 * (int)s_page));
            map.Dispose();

            var e = Assert.Throws<ObjectDisposedException>(() => map.IndexOf(new byte[] { 1 }, 0, map.Size));

            Assert.StartsWith("Mapping is closed", e.Message);
            Assert.StartsWith("Mapping is closed", Assert.Throws<ObjectDisposedException>(() => map.LastIndexOf(new byte[] { 1 }, 0, map.Size)).Message);
        }

        [Fact]
        public void ClosedOrUnreadableMap_RangeShorterThanThePattern_StillRefused()
        {
            // Like Read(0, 0), which throws for a closed or unreadable map, a search that cannot match
            // must not answer "not found" for a map it may not read.
            using MemoryMap unreadable = MemoryMap.CreateAnonymous(s_page, MemoryProtection.None);
            MemoryMap closed = MemoryMap.CreateAnonymous(s_page);
            closed.Dispose();

            Assert.Throws<ObjectDisposedException>(() => closed.Read(0, 0));
            Assert.Throws<ObjectDisposedException>(() => closed.IndexOf(new byte[] { 1, 2 }, 0, 1));
            Assert.Throws<MemoryMapAccessException>(() => unreadable.Read(0, 0));
            Assert.Throws<MemoryMapAccessException>(() => unreadable.IndexOf(new byte[] { 1, 2 }, 0, 1));
        }

        [Fact]
        public void TruncatedFile_SearchOfTheVanishedRange_ThrowsFileTruncated()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a file while a map of it is open.");
            byte[] data = RandomBytes(new Random(60), (2 * Chunk) + 100);
            byte[] pattern = RandomBytes(new Random(61), 6);
            Plant(data, pattern, 1000);
            string path = _folder.CreateFile("truncated.bin", data);
            using MemoryMap map = MemoryMap.OpenFile(path);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.SetLength(Chunk);
            }

            var e = Assert.Throws<MemoryMapException>(() => map.IndexOf(new byte[] { 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67 }, 0, map.Size));

            Assert.Equal(MemoryMapError.FileTruncated, e.Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.LastIndexOf(pattern, 0, map.Size)).Error);
            Assert.Equal(Naive(data, pattern, 0, Chunk)[0], map.IndexOf(pattern, 0, Chunk));
        }

        /// <summary>Every match, by FindAll calls of <paramref name="batch"/> matches, each continuing after the last as documented.</summary>
        private static List<long> FindEvery(MemoryMap map, byte[] pattern, long offset, long count, int batch, bool fromEnd)
        {
            var found = new List<long>();
            var matches = new long[batch];
            long low = offset;
            long high = offset + count;
            int n;
            do
            {
                n = map.FindAll(pattern, low, high - low, matches, fromEnd);
                found.AddRange(matches.AsSpan(0, n).ToArray());
                if (n > 0 && fromEnd)
                {
                    high = matches[n - 1] + pattern.Length - 1;
                }
                else if (n > 0)
                {
                    low = matches[n - 1] + 1;
                }
            }
            while (n == matches.Length);

            return found;
        }

        private static List<long> Naive(byte[] data, byte[] pattern, long offset, long count)
        {
            var found = new List<long>();
            for (long i = offset; i + pattern.Length <= offset + count; i++)
            {
                int j = 0;
                while (j < pattern.Length && data[i + j] == pattern[j])
                {
                    j++;
                }

                if (j == pattern.Length)
                {
                    found.Add(i);
                }
            }

            return found;
        }

        private static void AssertLikeNaive(MemoryMap map, byte[] data, byte[] pattern, long offset, long count)
        {
            List<long> expected = Naive(data, pattern, offset, count);
            long first = expected.Count == 0 ? -1 : expected[0];
            long last = expected.Count == 0 ? -1 : expected[expected.Count - 1];

            Assert.True(first == map.IndexOf(pattern, offset, count), "IndexOf in [" + offset + ", +" + count + ") of " + map.Size + " should be " + first + ", was " + map.IndexOf(pattern, offset, count));
            Assert.True(last == map.LastIndexOf(pattern, offset, count), "LastIndexOf in [" + offset + ", +" + count + ") of " + map.Size + " should be " + last + ", was " + map.LastIndexOf(pattern, offset, count));
        }

        private static void Plant(byte[] data, byte[] pattern, long at)
        {
            if (at >= 0 && at + pattern.Length <= data.Length)
            {
                pattern.CopyTo(data, at);
            }
        }

        private static byte[] RandomBytes(Random random, int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return bytes;
        }

        private static byte[] RandomNonZero(Random random, int count)
        {
            var bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = (byte)random.Next(1, 256);
            }

            return bytes;
        }

        private MemoryMap Create(bool file, byte[] data)
        {
            if (file)
            {
                return MemoryMap.OpenFile(_folder.CreateFile("search.bin", data), protection: MemoryProtection.Read | MemoryProtection.Write);
            }

            MemoryMap map = MemoryMap.CreateAnonymous(data.Length);
            map.Write(0, data);
            return map;
        }
    }
}
