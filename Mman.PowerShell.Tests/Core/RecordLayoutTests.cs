using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// RecordLayout: every validation rule (LayoutInvalid naming the field), field offsets and sizes,
    /// decode and encode of each kind against BitConverter in both byte orders, struct layouts; and
    /// MemoryMap.ReadRecords/WriteRecords: stride, gathered offsets, padding kept, all-or-nothing,
    /// a truncated file.
    /// </summary>
    public sealed class RecordLayoutTests : IDisposable
    {
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        public struct Packed
        {
            public uint Id;
            public short Small;
            public double Score;
        }

        [StructLayout(LayoutKind.Explicit)]
        public struct Explicit
        {
            [FieldOffset(4)]
            public int B;
            [FieldOffset(0)]
            public ushort A;
        }

        [StructLayout(LayoutKind.Explicit)]
        public struct Union
        {
            [FieldOffset(0)]
            public int AsInt;
            [FieldOffset(0)]
            public short AsShort;
        }

        public struct WithReference
        {
            public int A;
            public string Name;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct WithBool
        {
            public int A;
            public bool Flag;
        }

        private static RecordLayout Parse(params string[] nameAndType)
        {
            var pairs = new List<KeyValuePair<string, string>>();
            for (int i = 0; i < nameAndType.Length; i += 2)
            {
                pairs.Add(new KeyValuePair<string, string>(nameAndType[i], nameAndType[i + 1]));
            }

            return RecordLayout.Parse(pairs, ordered: true);
        }

        private static void AssertInvalid(string expectedInMessage, Func<RecordLayout> parse)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => parse());
            Assert.Equal(MemoryMapError.LayoutInvalid, e.Error);
            Assert.Contains(expectedInMessage, e.Message);
        }

        [Fact]
        public void Parse_PlacesFieldsOneAfterAnother()
        {
            RecordLayout layout = Parse("Id", "UInt32", "Name", "String[16]", "pad", "Padding[4]", "Score", "double", "Tag", "Byte[3]");

            Assert.Equal(4 + 16 + 4 + 8 + 3, layout.Size);
            Assert.Equal(new[] { "Id", "Name", "Score", "Tag" }, Array.ConvertAll(new List<RecordField>(layout.Fields).ToArray(), f => f.Name));
            Assert.Equal(new[] { 0, 4, 24, 32 }, Array.ConvertAll(new List<RecordField>(layout.Fields).ToArray(), f => f.Offset));
            Assert.Equal(RecordFieldKind.Double, layout.Fields[2].Kind);
            Assert.Equal(typeof(byte[]), layout.Fields[3].ClrType);
        }

        [Fact]
        public void Parse_ExplicitOffsets_LeaveGapsAndFollowingFieldsContinue()
        {
            RecordLayout layout = Parse("Magic", "UInt32@8", "Version", "UInt16", "First", "Byte @ 0");

            Assert.Equal(new[] { 8, 12, 0 }, new[] { layout.Fields[0].Offset, layout.Fields[1].Offset, layout.Fields[2].Offset });
            Assert.Equal(14, layout.Size);
        }

        [Fact]
        public void Parse_UnorderedWithOffsets_IsAccepted_WithoutOffsets_IsRefused()
        {
            var withOffsets = new[] { new KeyValuePair<string, string>("B", "Int32@4"), new KeyValuePair<string, string>("A", "Int32@0") };
            Assert.Equal(8, RecordLayout.Parse(withOffsets, ordered: false).Size);

            var without = new[] { new KeyValuePair<string, string>("A", "Int32") };
            AssertInvalid("hashtable keeps no order", () => RecordLayout.Parse(without, ordered: false));
        }

        [Theory]
        [InlineData("Int8", "not a record field type")]
        [InlineData("Int32[4]", "not a record field type")]
        [InlineData("Byte[0]", "zero bytes long")]
        [InlineData("String[0]", "zero bytes long")]
        [InlineData("Padding[0]", "zero bytes long")]
        [InlineData("String", "without a length")]
        [InlineData("Padding", "without a length")]
        [InlineData("Byte[x]", "length in bytes")]
        [InlineData("Byte[4", "length in bytes")]
        [InlineData("Byte[-1]", "length in bytes")]
        [InlineData("UInt32@-4", "after @")]
        [InlineData("UInt32@", "after @")]
        [InlineData("", "not a record field type")]
        [InlineData("1", "not a record field type")]
        public void Parse_BadType_IsLayoutInvalidNamingTheField(string type, string why)
        {
            AssertInvalid("Field 'Bad'", () => Parse("Good", "Int32", "Bad", type));
            AssertInvalid(why, () => Parse("Good", "Int32", "Bad", type));
        }

        [Fact]
        public void Parse_OverlapDuplicateAndEmpty_AreLayoutInvalid()
        {
            AssertInvalid("Field 'B' (bytes 2..3) overlaps field 'A' (bytes 0..3)", () => Parse("A", "UInt32", "B", "Int16@2"));
            AssertInvalid("Field 'B' (bytes 0..3) overlaps field 'pad' (bytes 0..3)", () => Parse("pad", "Padding[4]", "B", "Int32@0"));
            AssertInvalid("Field 'a' is named twice", () => Parse("A", "UInt32", "a", "Int16"));
            AssertInvalid("has no fields", () => Parse());
            AssertInvalid("has no fields", () => Parse("pad", "Padding[8]"));
            AssertInvalid("empty name", () => Parse(" ", "Int32"));
        }

        [Fact]
        public void DecodeEncode_EveryKind_MatchesBitConverter_InBothByteOrders()
        {
            RecordLayout layout = Parse("a", "Byte", "b", "SByte", "c", "Int16", "d", "UInt16", "e", "Int32", "f", "UInt32", "g", "Int64", "h", "UInt64", "i", "Single", "j", "Double", "k", "Byte[3]", "l", "String[6]");
            object[] values = { (byte)200, (sbyte)-5, (short)-1234, (ushort)54321, -123456789, 3000000000u, -1234567890123L, 12345678901234567890UL, 1.5f, -2.25, new byte[] { 1, 2 }, "Grüß" };
            var record = new byte[layout.Size];
            for (int f = 0; f < values.Length; f++)
            {
                RecordLayout.Encode(layout.Fields[f], values[f], record, 0, Encoding.UTF8);
            }

            Assert.Equal(BitConverter.GetBytes(3000000000u), record[10..14]);
            Assert.Equal(BitConverter.GetBytes(-2.25), record[34..42]);
            Assert.Equal(new byte[] { 1, 2, 0 }, record[42..45]);
            Assert.Equal(Encoding.UTF8.GetBytes("Grüß"), record[45..51]);

            var big = (byte[])record.Clone();
            layout.SwapNumbers(big, 0, 1);
            Assert.Equal(new byte[] { 0xB2, 0xD0, 0x5E, 0x00 }, big[10..14]);
            Assert.Equal(record[42..], big[42..]);
            layout.SwapNumbers(big, 0, 1);

            for (int f = 0; f < values.Length; f++)
            {
                Assert.Equal(values[f] is byte[] bytes ? new byte[] { 1, 2, 0 } : values[f], RecordLayout.Decode(layout.Fields[f], big, 0, Encoding.UTF8));
            }
        }

        [Fact]
        public void Encode_TooLongForTheField_IsValueNotConvertible()
        {
            RecordLayout layout = Parse("Name", "String[4]", "Tag", "Byte[2]");
            var record = new byte[layout.Size];

            var e = Assert.Throws<MemoryMapArgumentException>(() => RecordLayout.Encode(layout.Fields[0], "ééé", record, 0, Encoding.UTF8));
            Assert.Equal(MemoryMapError.ValueNotConvertible, e.Error);
            Assert.Contains("Field 'Name' holds 4 bytes, but its value is 6 bytes of text", e.Message);
            e = Assert.Throws<MemoryMapArgumentException>(() => RecordLayout.Encode(layout.Fields[1], new byte[3], record, 0, Encoding.UTF8));
            Assert.Equal(MemoryMapError.ValueNotConvertible, e.Error);
        }

        [Fact]
        public void FromStruct_TakesTheStructsOwnLayout()
        {
            RecordLayout packed = RecordLayout.FromStruct(typeof(Packed));
            Assert.Equal(14, packed.Size);
            Assert.Equal(new[] { 0, 4, 6 }, new[] { packed.Fields[0].Offset, packed.Fields[1].Offset, packed.Fields[2].Offset });

            RecordLayout explicitLayout = RecordLayout.FromStruct(typeof(Explicit));
            Assert.Equal(8, explicitLayout.Size);
            Assert.Equal(16, RecordLayout.FromStruct(typeof(Guid)).Size);

            // Big-endian swaps each number inside the struct: Guid's first three fields, not its bytes.
            byte[] bytes = new byte[16];
            for (int i = 0; i < 16; i++)
            {
                bytes[i] = (byte)(i + 1);
            }

            RecordLayout.FromStruct(typeof(Guid)).SwapNumbers(bytes, 0, 1);
            Assert.Equal(new byte[] { 4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16 }, bytes);
        }

        [Fact]
        public void FromStruct_Union_IsReadableButNotBigEndian()
        {
            RecordLayout union = RecordLayout.FromStruct(typeof(Union));
            Assert.Equal(4, union.Size);
            Assert.True(union.NumbersOverlap);
            Assert.Equal(MemoryMapError.LayoutInvalid, Assert.Throws<MemoryMapArgumentException>(() => union.CheckBigEndian()).Error);
            Assert.False(RecordLayout.FromStruct(typeof(Explicit)).NumbersOverlap);
            RecordLayout.FromStruct(typeof(Guid)).CheckBigEndian();
        }

        [Theory]
        [InlineData(typeof(WithReference), "reference type")]
        [InlineData(typeof(WithBool), "[Boolean]")]
        [InlineData(typeof(DateTime), "automatic layout")]
        [InlineData(typeof(int), "is not a struct")]
        [InlineData(typeof(string), "is not a struct")]
        [InlineData(typeof(DayOfWeek), "is not a struct")]
        public void FromStruct_RefusesWhatHasNoFixedBinaryForm(Type type, string why)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => RecordLayout.FromStruct(type));
            Assert.Equal(MemoryMapError.LayoutInvalid, e.Error);
            Assert.Contains(why, e.Message);
        }

        [Fact]
        public void ReadRecords_GathersWithStride_AndPacksTheRecords()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(256);
            var bytes = new byte[256];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)i;
            }

            map.Write(0, bytes);
            RecordLayout layout = Parse("A", "UInt16", "B", "Byte");

            byte[] records = map.ReadRecords(new long[] { 10, 100 }, layout, 2, 5);

            Assert.Equal(new byte[] { 10, 11, 12, 15, 16, 17, 100, 101, 102, 105, 106, 107 }, records);
            Assert.Empty(map.ReadRecords(new long[] { 0 }, layout, 0, 3));
        }

        [Fact]
        public void ReadRecords_BadStrideCountOrRange_AreRefused()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);
            RecordLayout layout = Parse("A", "UInt32", "B", "UInt32");

            Assert.Equal(MemoryMapError.LayoutInvalid, Assert.Throws<MemoryMapArgumentException>(() => map.ReadRecords(new long[] { 0 }, layout, 1, 7)).Error);
            Assert.Equal(MemoryMapError.CountNegative, Assert.Throws<MemoryMapArgumentException>(() => map.ReadRecords(new long[] { 0 }, layout, -1, 8)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.ReadRecords(new long[] { 0 }, layout, 9, 8)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.ReadRecords(new long[] { 0 }, layout, 2, long.MaxValue / 2)).Error);
            Assert.Equal(8, map.ReadRecords(new long[] { 56 }, layout, 1, 8).Length);
        }

        [Fact]
        public void WriteRecords_WritesOnlyTheFields_AndKeepsPaddingAndGaps()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);
            map.Write(0, new byte[64] { 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
            RecordLayout layout = Parse("A", "Byte", "pad", "Padding[2]", "B", "Byte");

            map.WriteRecords(new long[] { 0 }, layout, 2, 6, new byte[] { 1, 9, 9, 2, 3, 9, 9, 4 });

            Assert.Equal(new byte[] { 1, 0xEE, 0xEE, 2, 0xEE, 0xEE, 3, 0xEE, 0xEE, 4, 0xEE }, map.Read(0, 11));
        }

        [Fact]
        public void WriteRecords_OneBadRange_ChangesNothing()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);
            RecordLayout layout = Parse("A", "UInt32");

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.WriteRecords(new long[] { 0, 62 }, layout, 1, 4, new byte[] { 1, 1, 1, 1, 2, 2, 2, 2 }));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
            Assert.Equal(new byte[64], map.Read(0, 64));
        }

        [Fact]
        public void Records_OfATruncatedFile_AreFileTruncated()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a file while a map of it is open (ERROR_USER_MAPPED_FILE).");
            long page = Environment.SystemPageSize;
            string path = _folder.CreatePatternFile("r.bin", 3 * page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.SetLength(page);
            }

            RecordLayout layout = Parse("A", "UInt64");
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.ReadRecords(new long[] { 0 }, layout, 3, page)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.WriteRecords(new long[] { 0 }, layout, 2, page, new byte[16])).Error);
            Assert.Equal(8, map.ReadRecords(new long[] { 0 }, layout, 1, 8).Length);
        }
    }
}
