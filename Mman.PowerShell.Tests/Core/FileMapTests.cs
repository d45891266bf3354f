using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>Maps of real files: shared and private writes, offsets at any byte, files over 4 GiB.</summary>
    public sealed class FileMapTests : IDisposable
    {
        private const long PatternFileLength = 160 * 1024;
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void OpenFile_DefaultsAndProperties()
        {
            string path = _folder.CreatePatternFile("a.bin", 1000);
            using MemoryMap map = MemoryMap.OpenFile(path);

            Assert.Equal(MemoryMapKind.File, map.Kind);
            Assert.Equal(path, map.Path);
            Assert.Equal(0, map.FileOffset);
            Assert.Equal(1000, map.Size);
            Assert.Equal(MemoryProtection.Read, map.Protection);
            Assert.Equal(MapSharing.Shared, map.Sharing);
            Assert.Equal(SharedFile.ReadAllBytes(path), map.Read(0, 1000));
        }

        [Fact]
        public void OpenFile_RelativePath_RecordsTheFullPath()
        {
            string path = _folder.CreatePatternFile("relative.bin", 10);
            string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);

            using MemoryMap map = MemoryMap.OpenFile(relative);

            Assert.Equal(path, map.Path);
            Assert.Equal(Pattern.Bytes(0, 10), map.Read(0, 10));
        }

        [Fact]
        public void Shared_WriteThenSync_ReachesTheFile()
        {
            string path = _folder.CreatePatternFile("shared.bin", 3 * s_page);
            byte[] marker = Pattern.Marker(300);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);

            map.Write(s_page - 100, marker);
            map.Sync();

            byte[] expected = Pattern.Bytes(0, (int)(3 * s_page));
            marker.CopyTo(expected, s_page - 100);
            Assert.Equal(expected, SharedFile.ReadAllBytes(path));
        }

        [Fact]
        public void Shared_Write_IsSeenImmediatelyByAnotherSharedMap()
        {
            string path = _folder.CreatePatternFile("twice.bin", 2 * s_page);
            using MemoryMap writer = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            using MemoryMap reader = MemoryMap.OpenFile(path, offset: 5);

            writer.Write(s_page, new byte[] { 0xDE, 0xAD, 0xBE, 0xEF });

            Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, reader.Read(s_page - 5, 4));
        }

        [Fact]
        public void Shared_FileStreamWrite_IsSeenByTheMap()
        {
            string path = _folder.CreatePatternFile("coherent.bin", 2 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path);

            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                stream.Position = 4097;
                stream.Write(new byte[] { 11, 22, 33 });
            }

            Assert.Equal(new byte[] { 11, 22, 33 }, map.Read(4097, 3));
        }

        [Fact]
        public void Private_Write_IsVisibleInTheMapButNeverInTheFile()
        {
            string path = _folder.CreatePatternFile("private.bin", 2 * s_page);
            byte[] original = SharedFile.ReadAllBytes(path);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);

            map.Write(10, Pattern.Marker(5000));
            map.Sync();
            map.Sync(0, map.Size, async: true, invalidate: true);

            Assert.Equal(Pattern.Marker(5000), map.Read(10, 5000));
            Assert.Equal(original, SharedFile.ReadAllBytes(path));
        }

        [Fact]
        public void Private_Write_IsNotSeenByASharedMapOfTheSameFile()
        {
            string path = _folder.CreatePatternFile("private2.bin", s_page);
            using MemoryMap shared = MemoryMap.OpenFile(path);
            using MemoryMap copy = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);

            copy.Write(0, new byte[] { 0xEE, 0xEE });

            Assert.Equal(MapSharing.Private, copy.Sharing);
            Assert.Equal(Pattern.Bytes(0, 2), shared.Read(0, 2));
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(1L)]
        [InlineData(4095L)]
        [InlineData(4097L)]
        [InlineData(65535L)]
        [InlineData(65537L)]
        public void OpenFile_AtAnyOffset_MapsFromThatByteToTheEnd(long offset)
        {
            string path = _folder.CreatePatternFile("offsets.bin", PatternFileLength);
            byte[] file = SharedFile.ReadAllBytes(path);

            using MemoryMap map = MemoryMap.OpenFile(path, offset);

            Assert.Equal(offset, map.FileOffset);
            Assert.Equal(PatternFileLength - offset, map.Size);
            Assert.Equal(file[offset], map.Read(0, 1)[0]);
            Assert.Equal(file[PatternFileLength - 1], map.Read(map.Size - 1, 1)[0]);
            Assert.Equal(file.AsSpan((int)offset).ToArray(), map.Read(0, map.Size));
        }

        [Theory]
        [InlineData(1L)]
        [InlineData(4095L)]
        [InlineData(65537L)]
        public void OpenFile_AtAnOffset_AddressIsTheCallersFirstByte(long offset)
        {
            string path = _folder.CreatePatternFile("address.bin", PatternFileLength);

            using MemoryMap map = MemoryMap.OpenFile(path, offset);

            Assert.Equal(offset % s_page, map.Address.ToInt64() % s_page);
        }

        [Theory]
        [InlineData(1L, 1L)]
        [InlineData(4095L, 2L)]
        [InlineData(65537L, 70000L)]
        public void OpenFile_OffsetAndSize_MapsExactlyThatRange(long offset, long size)
        {
            string path = _folder.CreatePatternFile("range.bin", PatternFileLength);

            using MemoryMap map = MemoryMap.OpenFile(path, offset, size);

            Assert.Equal(size, map.Size);
            Assert.Equal(Pattern.Bytes(offset, (int)size), map.Read(0, size));
        }

        [Theory]
        [InlineData(1L)]
        [InlineData(4097L)]
        [InlineData(65535L)]
        public void Shared_WriteAtAnOffset_LandsAtThatFileOffset(long offset)
        {
            string path = _folder.CreatePatternFile("write-offset.bin", PatternFileLength);
            using MemoryMap map = MemoryMap.OpenFile(path, offset, 1000, MemoryProtection.Read | MemoryProtection.Write);

            map.Write(0, new byte[] { 0xF0, 0xF1 });
            map.Sync();

            byte[] file = SharedFile.ReadAllBytes(path);
            Assert.Equal(Pattern.At(offset - 1), file[offset - 1]);
            Assert.Equal(0xF0, file[offset]);
            Assert.Equal(0xF1, file[offset + 1]);
            Assert.Equal(Pattern.At(offset + 2), file[offset + 2]);
        }

        [Fact]
        public void SparseFileOver4GiB_MappedPast4GiB_ReadsAndWritesTheRightBytes()
        {
            const long fileLength = 5L << 30;
            const long markerAt = (4L << 30) + (512L << 20) + 3;
            string path = _folder.CreateSparseFile("sparse.bin", fileLength);
            byte[] marker = Pattern.Marker(64);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                stream.Position = markerAt;
                stream.Write(marker);
            }

            using MemoryMap map = MemoryMap.OpenFile(path, markerAt, 1 << 20, MemoryProtection.Read | MemoryProtection.Write);
            byte[] seen = map.Read(0, marker.Length);
            byte[] written = Pattern.Marker(32, seed: 0x3C);
            map.Write(1000, written);
            map.Sync();

            Assert.Equal(markerAt, map.FileOffset);
            Assert.Equal(marker, seen);
            Assert.Equal(new byte[8], map.Read(marker.Length, 8));
            byte[] onDisk = new byte[written.Length];
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                stream.Position = markerAt + 1000;
                stream.ReadExactly(onDisk);
                Assert.Equal(fileLength, stream.Length);
            }

            Assert.Equal(written, onDisk);
        }

        [Fact]
        public void SparseFileOver4GiB_DefaultSize_IsTheRestOfTheFile()
        {
            const long fileLength = (5L << 30) + 7;
            string path = _folder.CreateSparseFile("sparse-rest.bin", fileLength);

            using MemoryMap map = MemoryMap.OpenFile(path, 4L << 30);

            Assert.Equal(fileLength - (4L << 30), map.Size);
            Assert.Equal(new byte[7], map.Read(map.Size - 7, 7));
        }

        [Fact]
        public void OpenFileStream_DisposeLeavesTheStreamOpen()
        {
            string path = _folder.CreatePatternFile("stream.bin", 2 * s_page);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);

            using (MemoryMap map = MemoryMap.OpenFile(stream, 3, protection: MemoryProtection.Read | MemoryProtection.Write))
            {
                Assert.Equal(path, map.Path);
                Assert.Equal(2 * s_page - 3, map.Size);
                map.Write(0, new byte[] { 0x99 });
            }

            Assert.True(stream.CanRead);
            Assert.True(stream.CanWrite);
            stream.Position = 3;
            Assert.Equal(0x99, stream.ReadByte());
            stream.Position = 0;
            stream.WriteByte(0x44);
            stream.Flush();
            Assert.Equal(0x44, SharedFile.ReadAllBytes(path)[0]);
        }

        [Fact]
        public void OpenFileStream_ReadOnlyStream_MapsForReading()
        {
            string path = _folder.CreatePatternFile("stream-ro.bin", 5000);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

            using MemoryMap map = MemoryMap.OpenFile(stream, 4095, 10);

            Assert.Equal(Pattern.Bytes(4095, 10), map.Read(0, 10));
        }

        [Fact]
        public void OpenFileStream_ReadOnlyStream_SharedWriteMapIsRefused()
        {
            string path = _folder.CreatePatternFile("stream-ro-write.bin", 5000);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

            var e = Assert.ThrowsAny<MemoryMapException>(
                () => MemoryMap.OpenFile(stream, protection: MemoryProtection.Read | MemoryProtection.Write));

            Assert.Equal(MemoryMapError.ProtectionDenied, e.Error);
            Assert.Contains("is read-only", e.Message);
            Assert.True(stream.CanRead);
        }

        [Fact]
        public void OpenFile_MissingFile_ThrowsFileNotFound()
        {
            string path = _folder.File("missing.bin");

            var e = Assert.Throws<FileNotFoundException>(() => MemoryMap.OpenFile(path));

            Assert.Equal(path, e.FileName);
        }

        [Fact]
        public void Shared_WriteWithoutSync_IsInTheFileAfterDispose()
        {
            string path = _folder.CreatePatternFile("after-dispose.bin", 100);
            using (MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write))
            {
                map.Write(99, new byte[] { 0 });
            }

            Assert.Equal(0, SharedFile.ReadAllBytes(path)[99]);
        }
    }
}
