using System;
using System.IO;
using System.Text;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// MemoryMap.CreateStream: a Stream over a range of a map that keeps to the range, obeys the map's
    /// protection, refuses a closed map, and leaves the map open when disposed.
    /// </summary>
    public sealed class StreamTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void Properties_DescribeTheRange()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            using MemoryMapStream stream = map.CreateStream(10, 50);

            Assert.Equal(50, stream.Length);
            Assert.Equal(0, stream.Position);
            Assert.True(stream.CanRead);
            Assert.True(stream.CanSeek);
            Assert.False(stream.CanWrite);
            Assert.Same(map, stream.Map);
            Assert.True(map.CreateStream(0, 100, writable: true).CanWrite);
        }

        [Fact]
        public void Read_ReadsTheRangeFromItsStart()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            map.Write(0, Pattern.Bytes(0, 100));
            using MemoryMapStream stream = map.CreateStream(10, 50);
            var buffer = new byte[20];

            int read = stream.Read(buffer, 5, 10);

            Assert.Equal(10, read);
            Assert.Equal(10, stream.Position);
            Assert.Equal(Pattern.Bytes(10, 10), buffer.AsSpan(5, 10).ToArray());
            Assert.Equal(new byte[5], buffer.AsSpan(0, 5).ToArray());
            Assert.Equal(Pattern.At(20), (byte)stream.ReadByte());
        }

        [Fact]
        public void Seek_FromEachOrigin_MovesThePosition()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            map.Write(0, Pattern.Bytes(0, 100));
            using MemoryMapStream stream = map.CreateStream(10, 50);

            Assert.Equal(7, stream.Seek(7, SeekOrigin.Begin));
            Assert.Equal(Pattern.At(17), (byte)stream.ReadByte());
            Assert.Equal(10, stream.Seek(2, SeekOrigin.Current));
            Assert.Equal(Pattern.At(20), (byte)stream.ReadByte());
            Assert.Equal(49, stream.Seek(-1, SeekOrigin.End));
            Assert.Equal(Pattern.At(59), (byte)stream.ReadByte());
            Assert.Equal(-1, stream.ReadByte());
            stream.Position = 3;
            Assert.Equal(Pattern.At(13), (byte)stream.ReadByte());
        }

        [Fact]
        public void Seek_BeforeTheStart_IsRefusedAndKeepsThePosition()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            using MemoryMapStream stream = map.CreateStream(10, 50);
            stream.Position = 5;

            Assert.ThrowsAny<Exception>(() => stream.Seek(-6, SeekOrigin.Current));
            Assert.ThrowsAny<ArgumentException>(() => stream.Position = -1);
            Assert.Equal(5, stream.Position);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void WriteThenRead_RoundTrips(bool file)
        {
            byte[] data = Pattern.Marker(3000);
            using MemoryMap map = file
                ? MemoryMap.OpenFile(_folder.CreatePatternFile("stream.bin", 3 * s_page), 1, protection: MemoryProtection.Read | MemoryProtection.Write)
                : MemoryMap.CreateAnonymous(3 * s_page);
            long start = s_page - 1000;
            using MemoryMapStream stream = map.CreateStream(start, 4000, writable: true);

            stream.Write(data, 0, 1000);
            stream.Write(data, 1000, 2000);
            stream.Position = 0;
            var back = new byte[3000];
            int read = ReadFully(stream, back);

            Assert.Equal(3000, read);
            Assert.Equal(3000, stream.Position);
            Assert.Equal(data, back);
            Assert.Equal(data, map.Read(start, 3000));
            if (file)
            {
                map.Sync();
                Assert.Equal(data, SharedFile.ReadAllBytes(map.Path).AsSpan((int)(start + 1), 3000).ToArray());
            }
        }

        [Fact]
        public void Read_PastTheEnd_ReturnsFewerBytesThenNone()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            map.Write(0, Pattern.Bytes(0, 100));
            using MemoryMapStream stream = map.CreateStream(10, 50);
            stream.Position = 45;
            var buffer = new byte[20];

            Assert.Equal(5, stream.Read(buffer, 0, 20));
            Assert.Equal(Pattern.Bytes(55, 5), buffer.AsSpan(0, 5).ToArray());
            Assert.Equal(new byte[15], buffer.AsSpan(5).ToArray());
            Assert.Equal(50, stream.Position);
            Assert.Equal(0, stream.Read(buffer, 0, 20));
            Assert.Equal(50, stream.Position);
        }

        [Fact]
        public void Read_AfterSeekingPastTheEnd_ReturnsNone()
        {
            // Stream allows a position past the end; reading there returns 0 (as MemoryStream and FileStream do).
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            using MemoryMapStream inner = map.CreateStream(10, 50);
            using MemoryMapStream whole = map.CreateStream(0, 100);
            var buffer = new byte[4];

            inner.Position = 60;
            whole.Seek(10, SeekOrigin.End);

            Assert.Equal(0, inner.Read(buffer, 0, 4));
            Assert.Equal(0, whole.Read(buffer, 0, 4));
            Assert.Equal(-1, whole.ReadByte());
        }

        [Fact]
        public void Read_CountLargerThanTheBuffer_ThrowsArgumentException()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            using MemoryMapStream stream = map.CreateStream(0, 100);
            stream.Position = 98;

            Assert.ThrowsAny<ArgumentException>(() => stream.Read(new byte[4], 0, 10));
            Assert.ThrowsAny<ArgumentException>(() => stream.Read(new byte[4], 3, 2));
            Assert.ThrowsAny<ArgumentException>(() => stream.Read(new byte[4], -1, 1));
        }

        [Fact]
        public void Write_PastTheEnd_ThrowsNotSupportedAndWritesNothing()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            map.Write(0, Pattern.Bytes(0, 100));
            using MemoryMapStream stream = map.CreateStream(10, 50, writable: true);
            stream.Position = 45;

            Assert.Throws<NotSupportedException>(() => stream.Write(Pattern.Marker(6), 0, 6));

            Assert.Equal(45, stream.Position);
            Assert.Equal(Pattern.Bytes(0, 100), map.Read(0, 100));
            stream.Write(Pattern.Marker(5), 0, 5);
            Assert.Equal(Pattern.Marker(5), map.Read(55, 5));
            Assert.Equal(Pattern.Bytes(60, 40), map.Read(60, 40));
            Assert.Throws<NotSupportedException>(() => stream.WriteByte(1));
            Assert.Throws<NotSupportedException>(() => stream.SetLength(60));
        }

        [Fact]
        public void ReadOnlyStream_RefusesWrite()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            using MemoryMapStream stream = map.CreateStream(0, 100);

            Assert.False(stream.CanWrite);
            Assert.Throws<NotSupportedException>(() => stream.Write(new byte[] { 1 }, 0, 1));
            Assert.Equal(new byte[1], map.Read(0, 1));
        }

        [Fact]
        public void MapWithoutRead_ReadThrowsMapNotReadable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            using MemoryMapStream stream = map.CreateStream(0, s_page, writable: true);
            map.SetProtection(MemoryProtection.None);

            var e = Assert.Throws<MemoryMapAccessException>(() => stream.Read(new byte[4], 0, 4));

            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
            Assert.False(stream.CanRead);
            Assert.False(stream.CanWrite);
        }

        [Fact]
        public void ReadOnlyMap_WritableStream_WriteThrowsMapNotWritable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.Read);
            using MemoryMapStream stream = map.CreateStream(0, s_page, writable: true);

            Assert.False(stream.CanWrite);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => stream.Write(new byte[] { 1 }, 0, 1)).Error);
            Assert.Equal(new byte[1], map.Read(0, 1));
        }

        [Fact]
        public void ClosingTheMap_ThenReadingTheStream_ThrowsObjectDisposed()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            using MemoryMapStream stream = map.CreateStream(0, s_page, writable: true);
            map.Dispose();

            var read = Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[4], 0, 4));
            var write = Assert.Throws<ObjectDisposedException>(() => stream.Write(new byte[4], 0, 4));

            Assert.StartsWith("Mapping is closed", read.Message);
            Assert.StartsWith("Mapping is closed", write.Message);
            Assert.False(stream.CanRead);
            Assert.False(stream.CanWrite);
        }

        [Fact]
        public void TruncatedFile_ReadOfTheVanishedRange_ThrowsFileTruncated()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a file while a map of it is open.");
            string path = _folder.CreatePatternFile("truncated.bin", 3 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path);
            using MemoryMapStream stream = map.CreateStream(0, map.Size);
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                file.SetLength(s_page);
            }

            var head = new byte[100];
            Assert.Equal(100, stream.Read(head, 0, 100));
            stream.Position = 2 * s_page;
            var e = Assert.Throws<MemoryMapException>(() => stream.Read(new byte[10], 0, 10));

            Assert.Equal(Pattern.Bytes(0, 100), head);
            Assert.Equal(MemoryMapError.FileTruncated, e.Error);
        }

        [Fact]
        public void CreateStream_OnAClosedMapOrOutsideIt_IsRefused()
        {
            MemoryMap closed = MemoryMap.CreateAnonymous(100);
            closed.Dispose();
            using MemoryMap map = MemoryMap.CreateAnonymous(100);

            Assert.StartsWith("Mapping is closed", Assert.Throws<ObjectDisposedException>(() => closed.CreateStream(0, 10)).Message);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.CreateStream(90, 11)).Error);
            Assert.Equal(MemoryMapError.OffsetNegative, Assert.Throws<MemoryMapArgumentException>(() => map.CreateStream(-1, 1)).Error);
            Assert.Equal(MemoryMapError.CountNegative, Assert.Throws<MemoryMapArgumentException>(() => map.CreateStream(0, -1)).Error);
            Assert.Equal(0, map.CreateStream(100, 0).Length);
        }

        [Fact]
        public void DisposingTheStream_LeavesTheMapOpen()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            MemoryMapStream stream = map.CreateStream(0, 100, writable: true);

            stream.Dispose();

            Assert.True(map.IsValid);
            map.Write(0, new byte[] { 9 });
            Assert.Equal(new byte[] { 9 }, map.Read(0, 1));
            Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[1], 0, 1));
            Assert.Throws<ObjectDisposedException>(() => stream.Write(new byte[1], 0, 1));
            Assert.False(stream.CanRead);
            Assert.False(stream.CanSeek);
            Assert.False(stream.CanWrite);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void StreamReader_ReadsTheTextOfTheRange(bool file)
        {
            string text = "first line\nsecond line: Ωmega\nthird";
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            var content = new byte[bytes.Length + 20];
            bytes.CopyTo(content, 7);
            using MemoryMap map = file ? MemoryMap.OpenFile(_folder.CreateFile("text.bin", content)) : MemoryMap.CreateAnonymous(content.Length);
            if (!file)
            {
                map.Write(0, content);
            }

            using var reader = new StreamReader(map.CreateStream(7, bytes.Length), Encoding.UTF8);

            Assert.Equal("first line", reader.ReadLine());
            Assert.Equal("second line: Ωmega", reader.ReadLine());
            Assert.Equal("third", reader.ReadToEnd());
            Assert.True(map.IsValid);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void CopyTo_CopiesTheWholeRange(bool file)
        {
            // Larger than Stream.CopyTo's buffer, so it takes several reads.
            var content = new byte[(3 << 20) + 12345];
            new Random(70).NextBytes(content);
            using MemoryMap map = file ? MemoryMap.OpenFile(_folder.CreateFile("copy.bin", content)) : MemoryMap.CreateAnonymous(content.Length);
            if (!file)
            {
                map.Write(0, content);
            }

            using MemoryMapStream stream = map.CreateStream(5, content.Length - 10);
            using var copy = new MemoryStream();

            stream.CopyTo(copy);

            Assert.Equal(content.AsSpan(5, content.Length - 10).ToArray(), copy.ToArray());
            Assert.Equal(stream.Length, stream.Position);
        }

        [Fact]
        public void CopyTo_IntoAWritableStream_WritesTheMap()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(1000);
            byte[] data = Pattern.Marker(500);
            using MemoryMapStream stream = map.CreateStream(100, 500, writable: true);

            new MemoryStream(data).CopyTo(stream);

            Assert.Equal(data, map.Read(100, 500));
            Assert.Equal(new byte[100], map.Read(0, 100));
            Assert.Equal(new byte[400], map.Read(600, 400));
        }

        private static int ReadFully(Stream stream, byte[] buffer)
        {
            int total = 0;
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += n;
            }

            return total;
        }
    }
}
