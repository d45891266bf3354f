using System;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>Maps of anonymous memory: zeroed, writable, readable at every size.</summary>
    public sealed class AnonymousMapTests
    {
        private static readonly long s_page = Environment.SystemPageSize;

        public static TheoryData<long> Sizes => new TheoryData<long> { 1, s_page, s_page + 1, 10L * 1024 * 1024 };

        [Theory]
        [MemberData(nameof(Sizes))]
        public void CreateAnonymous_IsZeroed(long size)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(size);

            byte[] bytes = map.Read(0, size);

            Assert.Equal(size, bytes.LongLength);
            Assert.Equal(-1, bytes.AsSpan().IndexOfAnyExcept((byte)0));
        }

        [Theory]
        [MemberData(nameof(Sizes))]
        public void Write_WholeMap_ReadsBack(long size)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(size);
            byte[] data = Pattern.Bytes(0, (int)size);

            int written = map.Write(0, data);

            Assert.Equal((int)size, written);
            Assert.Equal(data, map.Read(0, size));
        }

        [Theory]
        [MemberData(nameof(Sizes))]
        public void Write_LastByte_ReadsBackAndLeavesTheRestZero(long size)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(size);

            map.Write(size - 1, new byte[] { 0x7E });

            Assert.Equal(new byte[] { 0x7E }, map.Read(size - 1, 1));
            Assert.Equal(-1, map.Read(0, size - 1).AsSpan().IndexOfAnyExcept((byte)0));
        }

        [Fact]
        public void CreateAnonymous_DefaultsAndProperties()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page + 1);

            Assert.Equal(MemoryMapKind.Anonymous, map.Kind);
            Assert.Equal(s_page + 1, map.Size);
            Assert.Null(map.Path);
            Assert.Equal(0, map.FileOffset);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, map.Protection);
            Assert.Equal(MapSharing.Private, map.Sharing);
            Assert.True(map.IsValid);
            Assert.NotEqual(IntPtr.Zero, map.Address);
            Assert.Equal(0, map.Address.ToInt64() % s_page);
        }

        [Fact]
        public void CreateAnonymous_Shared_WritesAndReadsBack()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(3 * s_page, sharing: MapSharing.Shared);
            byte[] data = Pattern.Marker(100);

            map.Write(2 * s_page - 50, data);

            Assert.Equal(MapSharing.Shared, map.Sharing);
            Assert.Equal(data, map.Read(2 * s_page - 50, 100));
        }

        [Fact]
        public void CreateAnonymous_ReadOnly_IsZeroedAndReadable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.Read);

            Assert.Equal(MemoryProtection.Read, map.Protection);
            Assert.Equal(new byte[16], map.Read(s_page - 16, 16));
        }

        [Fact]
        public void Write_WithIndexAndCount_WritesOnlyThatSlice()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);
            byte[] data = { 1, 2, 3, 4, 5, 6, 7, 8 };

            int written = map.Write(10, data, 2, 3);

            Assert.Equal(3, written);
            Assert.Equal(new byte[] { 0, 3, 4, 5, 0 }, map.Read(9, 5));
        }

        [Fact]
        public void Read_IntoBuffer_FillsOnlyTheSlice()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(64);
            map.Write(20, new byte[] { 9, 8, 7 });
            byte[] buffer = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

            map.Read(20, buffer, 2, 3);

            Assert.Equal(new byte[] { 0xFF, 0xFF, 9, 8, 7, 0xFF }, buffer);
        }

        [Fact]
        public void Read_ZeroCountAtEnd_ReturnsEmptyArray()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);

            Assert.Empty(map.Read(s_page, 0));
        }

        [Fact]
        public void Write_EmptyArray_ReturnsZeroAndChangesNothing()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(16);

            Assert.Equal(0, map.Write(16, Array.Empty<byte>()));
            Assert.Equal(new byte[16], map.Read(0, 16));
        }

        [Fact]
        public void ToString_DescribesTheMap()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);

            Assert.Equal("MemoryMap " + map.Id + ": Anonymous, 4096 bytes, Read, Write, Private", map.ToString());
        }

        [Fact]
        public void CreateAnonymous_LargerThanTheAddressSpace_ThrowsAllocationException()
        {
            var e = Assert.Throws<MemoryMapAllocationException>(() => MemoryMap.CreateAnonymous(1L << 62));

            Assert.Equal(MemoryMapError.MapFailed, e.Error);
            Assert.NotEqual(0, e.NativeErrorCode);
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                Assert.Equal("ENOMEM", e.NativeErrorName);
                Assert.StartsWith("mmap failed with ENOMEM (", e.Message);
            }
        }
    }
}
