using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// A batch (the same bytes at several offsets, a scatter, a gather) is all or nothing: when one of
    /// its ranges may not be touched (a page made read-only or unreadable through a view, a file
    /// truncated below a later range, a closed map), the call throws before the first byte moves, and
    /// CheckAccess throws the same without copying. On anonymous, file and named maps.
    /// </summary>
    public sealed class BatchTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private static int s_next;
        private readonly TestFolder _folder = new TestFolder();
        private readonly List<string> _names = new List<string>();

        public enum Kind
        {
            Anonymous,
            File,
            Named,
        }

        public static TheoryData<Kind> Kinds => new TheoryData<Kind> { Kind.Anonymous, Kind.File, Kind.Named };

        public void Dispose()
        {
            foreach (string name in _names)
            {
                MemoryMap.RemoveNamed(name);
            }

            _folder.Dispose();
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Write_TheSameBytesAtSeveralOffsets_WritesEach(Kind kind)
        {
            using MemoryMap map = Create(kind, out byte[] before);
            long[] offsets = { 3 * s_page, 5, s_page - 1, 5 };

            map.Write(offsets, new byte[] { 7, 8 });

            byte[] expected = (byte[])before.Clone();
            foreach (long offset in offsets)
            {
                expected[offset] = 7;
                expected[offset + 1] = 8;
            }

            Assert.Equal(expected, map.Read(0, map.Size));
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Write_OneOffsetOnAReadOnlyPage_WritesNothing(Kind kind)
        {
            using MemoryMap map = Create(kind, out byte[] before);
            using MemoryMap page2 = map.CreateView(2 * s_page, s_page);
            page2.SetProtection(MemoryProtection.Read);
            long[] offsets = { 0, 2 * s_page, s_page };

            var write = Assert.Throws<MemoryMapAccessException>(() => map.Write(offsets, new byte[] { 7 }));
            var scatter = Assert.Throws<MemoryMapAccessException>(() => map.Scatter(offsets, new byte[] { 7, 7, 7 }));
            var check = Assert.Throws<MemoryMapAccessException>(() => map.CheckAccess(offsets, 1, MemoryProtection.Write));

            Assert.Equal(MemoryMapError.MapNotWritable, write.Error);
            Assert.Equal(MemoryMapError.MapNotWritable, scatter.Error);
            Assert.Equal(write.Message, check.Message);
            Assert.Equal(before, map.Read(0, map.Size));
            map.CheckAccess(new[] { 0, s_page, 3 * s_page }, 1, MemoryProtection.Write);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Gather_OneOffsetOnAnUnreadablePage_ThrowsMapNotReadable(Kind kind)
        {
            using MemoryMap map = Create(kind, out byte[] before);
            using MemoryMap page3 = map.CreateView(3 * s_page, s_page);
            page3.SetProtection(MemoryProtection.None);
            long[] offsets = { 0, 3 * s_page + 10 };

            var gather = Assert.Throws<MemoryMapAccessException>(() => map.Gather<byte>(offsets, 1));
            var check = Assert.Throws<MemoryMapAccessException>(() => map.CheckAccess(offsets, 1, MemoryProtection.Read));

            Assert.Equal(MemoryMapError.MapNotReadable, gather.Error);
            Assert.Equal(MemoryMapError.MapNotReadable, check.Error);
            Assert.Equal(new[] { before[0], before[s_page] }, map.Gather<byte>(new[] { 0, s_page }, 1));
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void ClosedMap_EveryBatchAndCheck_ThrowsObjectDisposed(Kind kind)
        {
            MemoryMap map = Create(kind, out _);
            map.Dispose();
            long[] offsets = { 0, 8 };

            Assert.Throws<ObjectDisposedException>(() => map.Write(offsets, new byte[] { 1 }));
            Assert.Throws<ObjectDisposedException>(() => map.Scatter(offsets, new[] { 1, 2 }));
            Assert.Throws<ObjectDisposedException>(() => map.Gather<int>(offsets, 1));
            Assert.Throws<ObjectDisposedException>(() => map.CheckAccess(offsets, 1, MemoryProtection.Read));
            Assert.Throws<ObjectDisposedException>(() => map.CheckScatter(offsets, new[] { 1, 2 }));
        }

        [Fact]
        public void Write_FileTruncatedBelowALaterOffset_WritesNothing()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a file while a map of it is open (ERROR_USER_MAPPED_FILE).");
            using MemoryMap map = Create(Kind.File, out byte[] before);
            using (var stream = new FileStream(map.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.SetLength(2 * s_page);
            }

            long[] offsets = { 0, 3 * s_page, s_page };
            var write = Assert.Throws<MemoryMapException>(() => map.Write(offsets, new byte[] { 7 }));
            var check = Assert.Throws<MemoryMapException>(() => map.CheckAccess(offsets, 1, MemoryProtection.Write));
            var scatterCheck = Assert.Throws<MemoryMapException>(() => map.CheckScatter(offsets, new byte[] { 7, 7, 7 }));

            Assert.Equal(MemoryMapError.FileTruncated, write.Error);
            Assert.Contains("offset " + (3 * s_page) + " with count 1", write.Message);
            Assert.Equal(write.Message, check.Message);
            Assert.Equal(MemoryMapError.FileTruncated, scatterCheck.Error);
            Assert.Equal(before.AsSpan(0, (int)(2 * s_page)).ToArray(), SharedFile.ReadAllBytes(map.Path));
        }

        [Fact]
        public void Write_OneOffsetOutsideTheMap_WritesNothing()
        {
            using MemoryMap map = Create(Kind.Anonymous, out byte[] before);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Write(new[] { 0, map.Size - 1, 9 }, new byte[] { 7, 7 }));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
            Assert.Equal(before, map.Read(0, map.Size));
        }

        [Fact]
        public void Write_NullArguments_AreRefused()
        {
            using MemoryMap map = Create(Kind.Anonymous, out _);

            Assert.Throws<ArgumentNullException>(() => map.Write((long[])null, new byte[1]));
            Assert.Throws<ArgumentNullException>(() => map.Write(new long[] { 0 }, null));
            Assert.Throws<ArgumentNullException>(() => map.CheckAccess((long[])null, 1, MemoryProtection.Read));
        }

        [Fact]
        public void CheckScatter_ValuesThatDoNotSplitEvenly_ThrowsBatchMismatch()
        {
            using MemoryMap map = Create(Kind.Anonymous, out _);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.CheckScatter(new long[] { 0, 8 }, new[] { 1, 2, 3 }));

            Assert.Equal(MemoryMapError.BatchMismatch, e.Error);
        }

        /// <summary>A 4-page map, read-write, filled with random bytes (returned as <paramref name="content"/>).</summary>
        private MemoryMap Create(Kind kind, out byte[] content)
        {
            long size = 4 * s_page;
            content = new byte[size];
            new Random((int)kind + 11).NextBytes(content);
            MemoryMap map;
            switch (kind)
            {
                case Kind.Anonymous:
                    map = MemoryMap.CreateAnonymous(size);
                    break;
                case Kind.File:
                    map = MemoryMap.OpenFile(_folder.CreateFile("batch.bin", content), protection: MemoryProtection.Read | MemoryProtection.Write);
                    return map;
                default:
                    string name = "mman-batch-" + Environment.ProcessId + "-" + System.Threading.Interlocked.Increment(ref s_next);
                    _names.Add(name);
                    map = MemoryMap.OpenNamed(name, size);
                    break;
            }

            map.Write(0, content);
            return map;
        }
    }
}
