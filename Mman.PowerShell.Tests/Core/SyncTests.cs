using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>Sync of whole maps and of sub-ranges at any offset, with every flag combination.</summary>
    public sealed class SyncTests : IDisposable
    {
        private const long FileLength = 160 * 1024;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Theory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(false, true)]
        [InlineData(true, true)]
        public void Sync_WholeMap_AnyFlags_WritesTheFile(bool async, bool invalidate)
        {
            string path = _folder.CreatePatternFile("whole.bin", FileLength);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            byte[] marker = Pattern.Marker(5000);

            map.Write(FileLength - 5000, marker);
            map.Sync(async, invalidate);

            byte[] file = SharedFile.ReadAllBytes(path);
            Assert.Equal(marker, file.AsSpan((int)(FileLength - 5000)).ToArray());
            Assert.Equal(marker, map.Read(FileLength - 5000, 5000));
        }

        [Theory]
        [InlineData(0L, 0L, 1L)]
        [InlineData(0L, 1L, 10L)]
        [InlineData(0L, 4095L, 2L)]
        [InlineData(0L, 4097L, 8191L)]
        [InlineData(0L, 65537L, 1L)]
        [InlineData(4097L, 0L, 1L)]
        [InlineData(4097L, 4094L, 3L)]
        [InlineData(65535L, 12345L, 40000L)]
        public void Sync_SubRangeAtAnUnalignedOffset_WritesThatRange(long mapOffset, long offset, long count)
        {
            string path = _folder.CreatePatternFile("sub.bin", FileLength);
            using MemoryMap map = MemoryMap.OpenFile(path, mapOffset, protection: MemoryProtection.Read | MemoryProtection.Write);
            byte[] marker = Pattern.Marker((int)count);

            map.Write(offset, marker);
            map.Sync(offset, count);
            map.Sync(offset, count, async: true, invalidate: true);

            byte[] file = SharedFile.ReadAllBytes(path);
            Assert.Equal(marker, file.AsSpan((int)(mapOffset + offset), (int)count).ToArray());
            Assert.Equal(Pattern.At(mapOffset + offset + count), file[mapOffset + offset + count]);
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(4097L)]
        public void Sync_EmptyRangeAtEitherEnd_DoesNothing(long mapOffset)
        {
            string path = _folder.CreatePatternFile("empty-range.bin", FileLength);
            using MemoryMap map = MemoryMap.OpenFile(path, mapOffset);

            map.Sync(0, 0);
            map.Sync(map.Size, 0, async: true, invalidate: true);

            Assert.Equal(Pattern.Bytes(mapOffset, 10), map.Read(0, 10));
        }

        [Theory]
        [InlineData(false, false)]
        [InlineData(true, true)]
        public void Sync_AnonymousMap_KeepsItsData(bool async, bool invalidate)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(3 * Environment.SystemPageSize + 5);
            map.Write(Environment.SystemPageSize + 1, new byte[] { 1, 2, 3 });

            map.Sync(async, invalidate);
            map.Sync(Environment.SystemPageSize + 1, 3, async, invalidate);

            Assert.Equal(new byte[] { 1, 2, 3 }, map.Read(Environment.SystemPageSize + 1, 3));
        }

        [Fact]
        public void Sync_MapWithProtectionNone_StillWritesTheFile()
        {
            string path = _folder.CreatePatternFile("none.bin", FileLength);
            using MemoryMap map = MemoryMap.OpenFile(path, 1, protection: MemoryProtection.Read | MemoryProtection.Write);
            map.Write(0, new byte[] { 0xAA, 0xBB });

            map.SetProtection(MemoryProtection.None);
            map.Sync();

            byte[] file = SharedFile.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0xAA, 0xBB }, file.AsSpan(1, 2).ToArray());
        }

        [Fact]
        public void Sync_ReadOnlyMap_Succeeds()
        {
            string path = _folder.CreatePatternFile("ro.bin", FileLength);
            using MemoryMap map = MemoryMap.OpenFile(path, 4095);

            map.Sync();
            map.Sync(1, 4096, async: true);

            Assert.Equal(Pattern.Bytes(4095, 4), map.Read(0, 4));
            Assert.Equal(Pattern.Bytes(0, (int)FileLength), SharedFile.ReadAllBytes(path));
        }

        [Fact]
        public void Sync_PrivateMapSubRange_NeverWritesTheFile()
        {
            string path = _folder.CreatePatternFile("private.bin", FileLength);
            using MemoryMap map = MemoryMap.OpenFile(path, 4097, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);

            map.Write(3, new byte[] { 0, 0, 0 });
            map.Sync(3, 3);
            map.Sync(3, 3, async: true, invalidate: true);

            Assert.Equal(new byte[3], map.Read(3, 3));
            Assert.Equal(Pattern.Bytes(0, (int)FileLength), SharedFile.ReadAllBytes(path));
        }

        [Fact]
        public void Sync_MapOfAWritableStream_WritesTheFile()
        {
            string path = _folder.CreatePatternFile("stream.bin", FileLength);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            using MemoryMap map = MemoryMap.OpenFile(stream, 65537, 100, MemoryProtection.Read | MemoryProtection.Write);

            map.Write(99, new byte[] { 0x5F });
            map.Sync(99, 1);

            Assert.Equal(0x5F, SharedFile.ReadAllBytes(path)[65537 + 99]);
        }
    }
}
