using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// ReadArray, Gather, WriteArray and Scatter: every element type in both byte orders against
    /// BitConverter (and BitConverter over reversed bytes for big-endian), on anonymous and file maps,
    /// at unaligned offsets; batches equal the single calls; a bad batch changes nothing.
    /// </summary>
    public sealed class TypedTests : IDisposable
    {
        private const int MapSize = 4096 + 123;
        private const long FileOffset = 5000;
        private static readonly long s_page = Environment.SystemPageSize;

        private static readonly Dictionary<string, ITypeCase> s_types = new Dictionary<string, ITypeCase>
        {
            ["Byte"] = new TypeCase<byte>((b, i) => b[i], v => new[] { v }),
            ["SByte"] = new TypeCase<sbyte>((b, i) => (sbyte)b[i], v => new[] { (byte)v }),
            ["Int16"] = new TypeCase<short>(BitConverter.ToInt16, BitConverter.GetBytes),
            ["UInt16"] = new TypeCase<ushort>(BitConverter.ToUInt16, BitConverter.GetBytes),
            ["Int32"] = new TypeCase<int>(BitConverter.ToInt32, BitConverter.GetBytes),
            ["UInt32"] = new TypeCase<uint>(BitConverter.ToUInt32, BitConverter.GetBytes),
            ["Int64"] = new TypeCase<long>(BitConverter.ToInt64, BitConverter.GetBytes),
            ["UInt64"] = new TypeCase<ulong>(BitConverter.ToUInt64, BitConverter.GetBytes),
            ["Single"] = new TypeCase<float>(BitConverter.ToSingle, BitConverter.GetBytes),
            ["Double"] = new TypeCase<double>(BitConverter.ToDouble, BitConverter.GetBytes),
        };

        private readonly TestFolder _folder = new TestFolder();

        /// <summary>Anonymous memory, a file mapped from 0, and a file mapped from an offset no page starts at.</summary>
        public enum Kind
        {
            Anonymous,
            File,
            FileAtOffset,
        }

        public static TheoryData<string, Kind, bool> Cases
        {
            get
            {
                var data = new TheoryData<string, Kind, bool>();
                foreach (string type in s_types.Keys)
                {
                    foreach (Kind kind in Enum.GetValues<Kind>())
                    {
                        data.Add(type, kind, false);
                        data.Add(type, kind, true);
                    }
                }

                return data;
            }
        }

        public static TheoryData<Kind> Kinds => new TheoryData<Kind> { Kind.Anonymous, Kind.File, Kind.FileAtOffset };

        public void Dispose() => _folder.Dispose();

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReadArray_AtUnalignedOffsets_MatchesBitConverter(string type, Kind kind, bool bigEndian)
        {
            ITypeCase typed = s_types[type];
            var random = new Random(HashCode(type, kind, bigEndian));
            using MemoryMap map = CreateMap(kind, random, out byte[] content);

            for (long offset = 0; offset < 8; offset++)
            {
                typed.AssertReadArray(map, content, offset, (int)((MapSize - offset) / typed.Size), bigEndian);
                typed.AssertReadArray(map, content, offset, 1, bigEndian);
                typed.AssertReadArray(map, content, offset, 3, bigEndian);
            }

            typed.AssertReadArray(map, content, MapSize - typed.Size, 1, bigEndian);
            typed.AssertReadArray(map, content, 1001, 0, bigEndian);
            typed.AssertReadArray(map, content, MapSize, 0, bigEndian);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void WriteArray_AtUnalignedOffsets_StoresBitConverterBytes(string type, Kind kind, bool bigEndian)
        {
            ITypeCase typed = s_types[type];
            var random = new Random(HashCode(type, kind, bigEndian) + 1);
            using MemoryMap map = CreateMap(kind, random, out byte[] content);

            foreach (long offset in new long[] { 1, 3, 7, 13, 0, MapSize - (5 * typed.Size) })
            {
                typed.AssertWriteArray(map, content, random, offset, 5, bigEndian);
            }

            // Whole elements up to the map's last byte.
            typed.AssertWriteArray(map, content, random, 3, (int)((MapSize - 3) / typed.Size), bigEndian);

            Assert.Equal(content, map.Read(0, MapSize));
            if (kind != Kind.Anonymous)
            {
                map.Sync();
                byte[] file = SharedFile.ReadAllBytes(map.Path);
                Assert.Equal(content, file.AsSpan((int)map.FileOffset, MapSize).ToArray());
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Gather_WithDuplicateAndUnsortedOffsets_EqualsTheSingleReadsConcatenated(string type, Kind kind, bool bigEndian)
        {
            ITypeCase typed = s_types[type];
            var random = new Random(HashCode(type, kind, bigEndian) + 2);
            using MemoryMap map = CreateMap(kind, random, out _);
            long last = MapSize - (3 * typed.Size);
            long[] offsets = { 37, 3, 3, 0, last, 1001, 37, 2, 1, last };

            typed.AssertGatherEqualsReads(map, offsets, 3, bigEndian);
            typed.AssertGatherEqualsReads(map, offsets, 1, bigEndian);
            typed.AssertGatherEqualsReads(map, offsets, 0, bigEndian);
            typed.AssertGatherEqualsReads(map, new long[] { 5 }, 7, bigEndian);
            typed.AssertGatherEqualsReads(map, new long[0], 4, bigEndian);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Scatter_WithDuplicateOverlappingAndUnsortedOffsets_EqualsTheSingleWrites(string type, Kind kind, bool bigEndian)
        {
            ITypeCase typed = s_types[type];
            var random = new Random(HashCode(type, kind, bigEndian) + 3);
            using MemoryMap scattered = CreateMap(kind, random, out byte[] content, "scattered.bin");
            using MemoryMap written = CreateMap(kind, content, "written.bin");
            long last = MapSize - (2 * typed.Size);

            // Duplicates: the later values win; 41 overlaps 40 for every type wider than a byte.
            long[] offsets = { 40, 3, 41, 3, 200, last, 0, 40 };
            typed.AssertScatterEqualsWrites(scattered, written, random, offsets, 2, bigEndian);
            typed.AssertScatterEqualsWrites(scattered, written, random, new long[] { 9 }, 1, bigEndian);
            typed.AssertScatterEqualsWrites(scattered, written, random, new long[] { 9, 11 }, 0, bigEndian);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void GatherAndScatter_ThousandsOfOffsets_EqualTheSingleCalls(Kind kind)
        {
            // More offsets than one system call can take at once (IOV_MAX is 1024 on Linux).
            var random = new Random(11 + (int)kind);
            using MemoryMap scattered = CreateMap(kind, random, out byte[] content, "scattered.bin");
            using MemoryMap written = CreateMap(kind, content, "written.bin");
            var offsets = new long[3000];
            for (int i = 0; i < offsets.Length; i++)
            {
                offsets[i] = random.Next(0, MapSize - 8 + 1);
            }

            s_types["Int64"].AssertGatherEqualsReads(scattered, offsets, 1, bigEndian: false);
            s_types["UInt16"].AssertGatherEqualsReads(scattered, offsets, 3, bigEndian: true);
            s_types["Int64"].AssertScatterEqualsWrites(scattered, written, random, offsets, 1, bigEndian: false);
            s_types["Byte"].AssertScatterEqualsWrites(scattered, written, random, offsets, 2, bigEndian: false);
        }

        [Fact]
        public void ReadArray_KnownValues_LittleAndBigEndian()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(16);
            map.Write(1, new byte[] { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 });

            Assert.Equal(new[] { 0x04030201 }, map.ReadArray<int>(1, 1));
            Assert.Equal(new[] { 0x01020304 }, map.ReadArray<int>(1, 1, bigEndian: true));
            Assert.Equal(new short[] { 0x0201, 0x0403 }, map.ReadArray<short>(1, 2));
            Assert.Equal(new ushort[] { 0x0102, 0x0304 }, map.ReadArray<ushort>(1, 2, bigEndian: true));
            Assert.Equal(new[] { 0x0102030405060708UL }, map.ReadArray<ulong>(1, 1, bigEndian: true));
            Assert.Equal(new byte[] { 1, 2 }, map.ReadArray<byte>(1, 2, bigEndian: true));
        }

        [Fact]
        public void WriteArray_BigEndian_LeavesTheCallersArrayAlone()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);
            int[] values = { 0x01020304, 0x0A0B0C0D };

            map.WriteArray(3, values, bigEndian: true);
            map.Scatter(new long[] { 20, 30 }, values, bigEndian: true);

            Assert.Equal(new[] { 0x01020304, 0x0A0B0C0D }, values);
            Assert.Equal(new byte[] { 1, 2, 3, 4, 0xA, 0xB, 0xC, 0xD }, map.Read(3, 8));
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, map.Read(20, 4));
            Assert.Equal(new byte[] { 0xA, 0xB, 0xC, 0xD }, map.Read(30, 4));
        }

        [Fact]
        public void ReadArray_NegativeCount_ThrowsCountNegative()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.ReadArray<int>(0, -1));

            Assert.Equal(MemoryMapError.CountNegative, e.Error);
            Assert.Equal(MemoryMapError.CountNegative, Assert.Throws<MemoryMapArgumentException>(() => map.Gather<int>(new long[] { 0 }, -1)).Error);
        }

        [Theory]
        [InlineData(61L, 1)]
        [InlineData(0L, 17)]
        [InlineData(65L, 0)]
        [InlineData(long.MaxValue, 1)]
        public void ReadArray_PastTheEnd_ThrowsRangeOutsideMap(long offset, int count)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.ReadArray<int>(offset, count));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
        }

        [Fact]
        public void ReadArray_MoreElementsThanASmallMapHolds_ThrowsRangeOutsideMapLikeRead()
        {
            // Read(0, 3 GiB) of a small map is RangeOutsideMap: the range is the mistake, not the array size.
            using MemoryMap map = MemoryMap.CreateAnonymous(64);

            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.Read(0, 3L << 30)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.ReadArray<long>(0, 400_000_000)).Error);
        }

        [Fact]
        public void ReadArray_MoreThanOneArrayHoldsInsideALargeMap_ThrowsCountTooLarge()
        {
            // Untouched anonymous pages cost nothing.
            using MemoryMap map = MemoryMap.CreateAnonymous(3L << 30);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.ReadArray<long>(0, 300_000_000));
            var gather = Assert.Throws<MemoryMapArgumentException>(() => map.Gather<int>(new long[] { 0, 1L << 30 }, 300_000_000));

            Assert.Equal(MemoryMapError.CountTooLarge, e.Error);
            Assert.Equal(MemoryMapError.CountTooLarge, gather.Error);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Gather_OneBadOffsetAmongMany_ThrowsBeforeCopying(Kind kind)
        {
            using MemoryMap map = CreateMap(kind, new Random(5), out _);

            var outside = Assert.Throws<MemoryMapArgumentException>(() => map.Gather<int>(new long[] { 0, 8, MapSize - 3, 16 }, 1));
            var negative = Assert.Throws<MemoryMapArgumentException>(() => map.Gather<int>(new long[] { 0, 8, -1 }, 1));
            var huge = Assert.Throws<MemoryMapArgumentException>(() => map.Gather<long>(new long[] { 0, long.MaxValue }, 1));

            Assert.Equal(MemoryMapError.RangeOutsideMap, outside.Error);
            Assert.Equal(MemoryMapError.OffsetNegative, negative.Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, huge.Error);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Scatter_OneBadOffsetAmongMany_WritesNothing(Kind kind)
        {
            using MemoryMap map = CreateMap(kind, new Random(6), out byte[] content);

            var outside = Assert.Throws<MemoryMapArgumentException>(() => map.Scatter(new long[] { 0, 8, MapSize - 3, 16 }, new[] { 1, 2, 3, 4 }));
            var negative = Assert.Throws<MemoryMapArgumentException>(() => map.Scatter(new long[] { 0, 8, -1 }, new[] { 1, 2, 3 }));

            Assert.Equal(MemoryMapError.RangeOutsideMap, outside.Error);
            Assert.Equal(MemoryMapError.OffsetNegative, negative.Error);
            Assert.Equal(content, map.Read(0, MapSize));
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Scatter_ValuesThatDoNotSplitEvenly_ThrowBatchMismatchAndWriteNothing(Kind kind)
        {
            using MemoryMap map = CreateMap(kind, new Random(7), out byte[] content);

            var uneven = Assert.Throws<MemoryMapArgumentException>(() => map.Scatter(new long[] { 0, 8 }, new[] { 1, 2, 3 }));
            var fewer = Assert.Throws<MemoryMapArgumentException>(() => map.Scatter(new long[] { 0, 8, 16 }, new[] { 1, 2 }));
            var none = Assert.Throws<MemoryMapArgumentException>(() => map.Scatter(new long[0], new[] { 1 }));

            Assert.Equal(MemoryMapError.BatchMismatch, uneven.Error);
            Assert.Equal("The values must split evenly over the offsets: 3 values for 2 offsets.", uneven.Message);
            Assert.Equal(MemoryMapError.BatchMismatch, fewer.Error);
            Assert.Equal(MemoryMapError.BatchMismatch, none.Error);
            Assert.Equal(content, map.Read(0, MapSize));
        }

        [Fact]
        public void NullArguments_ThrowArgumentExceptions()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);

            Assert.Throws<ArgumentNullException>(() => map.WriteArray<int>(0, null));
            Assert.Throws<ArgumentNullException>(() => map.Scatter<int>(new long[] { 0 }, null));
            Assert.Throws<ArgumentNullException>(() => map.Gather<int>(null, 1));
            Assert.ThrowsAny<ArgumentException>(() => map.Scatter(null, new[] { 1 }));
        }

        [Fact]
        public void ProtectionNone_GatherAndReadArray_ThrowMapNotReadable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.None);

            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => map.ReadArray<int>(0, 4)).Error);
            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => map.Gather<long>(new long[] { 8, 0 }, 1)).Error);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void ReadOnly_ScatterAndWriteArray_ThrowMapNotWritableAndWriteNothing(Kind kind)
        {
            using MemoryMap map = CreateMap(kind, new Random(8), out byte[] content);
            map.SetProtection(MemoryProtection.Read);

            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.WriteArray(0, new[] { 1.5 })).Error);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.Scatter(new long[] { 8, 0 }, new[] { 1, 2 })).Error);
            Assert.Equal(content, map.Read(0, MapSize));
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Closed_EveryTypedCall_ThrowsObjectDisposed(Kind kind)
        {
            MemoryMap map = CreateMap(kind, new Random(9), out _);
            map.Dispose();

            var calls = new Action[]
            {
                () => map.ReadArray<int>(0, 1),
                () => map.Gather<short>(new long[] { 2, 0 }, 1),
                () => map.WriteArray(0, new[] { 1 }),
                () => map.Scatter(new long[] { 2, 0 }, new short[] { 1, 2 }),
            };
            foreach (Action call in calls)
            {
                Assert.StartsWith("Mapping is closed", Assert.Throws<ObjectDisposedException>(call).Message);
            }
        }

        [Fact]
        public void TruncatedFile_GatherAndScatterPastTheEnd_ThrowFileTruncatedAndWriteNothing()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a file while a map of it is open.");
            byte[] content = Random(new Random(10), (int)(3 * s_page));
            string path = _folder.CreateFile("truncated.bin", content);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.SetLength(s_page);
            }

            var gather = Assert.Throws<MemoryMapException>(() => map.Gather<int>(new long[] { 0, 2 * s_page, 8 }, 1));
            var scatter = Assert.Throws<MemoryMapException>(() => map.Scatter(new long[] { 0, 2 * s_page, 8 }, new[] { -1, -1, -1 }));

            Assert.Equal(MemoryMapError.FileTruncated, gather.Error);
            Assert.Equal(MemoryMapError.FileTruncated, scatter.Error);
            Assert.Equal(content.AsSpan(0, (int)s_page).ToArray(), SharedFile.ReadAllBytes(path));
            Assert.Equal(
                new[] { BitConverter.ToInt32(content, 8), BitConverter.ToInt32(content, (int)s_page - 4) },
                map.Gather<int>(new long[] { 8, s_page - 4 }, 1));
        }

        private static int HashCode(string type, Kind kind, bool bigEndian) =>
            (type.Length * 7919) + (type[0] * 31) + (type[type.Length - 1] * 17) + ((int)kind * 3) + (bigEndian ? 1 : 0);

        private static byte[] Random(Random random, int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return bytes;
        }

        private MemoryMap CreateMap(Kind kind, Random random, out byte[] content, string name = "typed.bin")
        {
            content = Random(random, MapSize);
            return CreateMap(kind, content, name);
        }

        private MemoryMap CreateMap(Kind kind, byte[] content, string name)
        {
            if (kind == Kind.Anonymous)
            {
                MemoryMap map = MemoryMap.CreateAnonymous(MapSize);
                map.Write(0, content);
                return map;
            }

            long offset = kind == Kind.FileAtOffset ? FileOffset : 0;
            var file = new byte[offset + MapSize + 100];
            new Random(name.Length).NextBytes(file);
            content.CopyTo(file, offset);
            string path = _folder.CreateFile(name, file);
            return MemoryMap.OpenFile(path, offset, MapSize, MemoryProtection.Read | MemoryProtection.Write);
        }

        private interface ITypeCase
        {
            int Size { get; }

            void AssertReadArray(MemoryMap map, byte[] content, long offset, int count, bool bigEndian);

            void AssertWriteArray(MemoryMap map, byte[] content, Random random, long offset, int count, bool bigEndian);

            void AssertGatherEqualsReads(MemoryMap map, long[] offsets, int count, bool bigEndian);

            void AssertScatterEqualsWrites(MemoryMap scattered, MemoryMap written, Random random, long[] offsets, int perOffset, bool bigEndian);
        }

        /// <summary>One element type with its BitConverter conversions, the reference the map is checked against.</summary>
        private sealed class TypeCase<T> : ITypeCase
            where T : unmanaged
        {
            private readonly Func<byte[], int, T> _decode;
            private readonly Func<T, byte[]> _encode;

            internal TypeCase(Func<byte[], int, T> decode, Func<T, byte[]> encode)
            {
                _decode = decode;
                _encode = encode;
                Size = encode(default).Length;
            }

            public int Size { get; }

            public void AssertReadArray(MemoryMap map, byte[] content, long offset, int count, bool bigEndian)
            {
                T[] actual = map.ReadArray<T>(offset, count, bigEndian);

                var expected = new T[count];
                for (int i = 0; i < count; i++)
                {
                    byte[] element = content.AsSpan((int)offset + (i * Size), Size).ToArray();
                    if (bigEndian)
                    {
                        Array.Reverse(element);
                    }

                    expected[i] = _decode(element, 0);
                }

                AssertSameBits(expected, actual, typeof(T).Name + " at " + offset + (bigEndian ? " big-endian" : string.Empty));
            }

            public void AssertWriteArray(MemoryMap map, byte[] content, Random random, long offset, int count, bool bigEndian)
            {
                T[] values = RandomValues(random, count);

                map.WriteArray(offset, values, bigEndian);

                for (int i = 0; i < count; i++)
                {
                    byte[] element = _encode(values[i]);
                    if (bigEndian)
                    {
                        Array.Reverse(element);
                    }

                    element.CopyTo(content, offset + (i * Size));
                }

                Assert.Equal(content, map.Read(0, content.Length));
            }

            public void AssertGatherEqualsReads(MemoryMap map, long[] offsets, int count, bool bigEndian)
            {
                var expected = new List<T>();
                foreach (long offset in offsets)
                {
                    expected.AddRange(map.ReadArray<T>(offset, count, bigEndian));
                }

                T[] actual = map.Gather<T>(offsets, count, bigEndian);

                AssertSameBits(expected.ToArray(), actual, "gather of " + offsets.Length + " offsets");
            }

            public void AssertScatterEqualsWrites(MemoryMap scattered, MemoryMap written, Random random, long[] offsets, int perOffset, bool bigEndian)
            {
                T[] values = RandomValues(random, offsets.Length * perOffset);

                scattered.Scatter(offsets, values, bigEndian);
                for (int i = 0; i < offsets.Length; i++)
                {
                    written.WriteArray(offsets[i], values.AsSpan(i * perOffset, perOffset).ToArray(), bigEndian);
                }

                Assert.Equal(written.Read(0, written.Size), scattered.Read(0, scattered.Size));
            }

            private T[] RandomValues(Random random, int count)
            {
                // Random bit patterns: NaNs, infinities and subnormals included for the floating types.
                var bytes = new byte[count * Size];
                random.NextBytes(bytes);
                var values = new T[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = _decode(bytes, i * Size);
                }

                return values;
            }

            private void AssertSameBits(T[] expected, T[] actual, string what)
            {
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    if (!_encode(expected[i]).AsSpan().SequenceEqual(_encode(actual[i])))
                    {
                        Assert.Fail(what + ": element " + i + " is " + actual[i] + " (" + Convert.ToHexString(_encode(actual[i])) + "), expected " + expected[i] + " (" + Convert.ToHexString(_encode(expected[i])) + ").");
                    }
                }
            }
        }
    }
}
