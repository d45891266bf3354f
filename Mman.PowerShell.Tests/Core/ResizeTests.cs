using System;
using System.IO;
using System.Threading;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Resize: the region's mapping, page table and the map's size are replaced under the exclusive
    /// lock; the map keeps its identity, its views close, readers on other threads never touch freed memory.
    /// </summary>
    public sealed class ResizeTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Theory]
        [InlineData(MapSharing.Private)]
        [InlineData(MapSharing.Shared)]
        public void Resize_Anonymous_KeepsIdentityAndContents(MapSharing sharing)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, sharing: sharing);
            byte[] data = Pattern.Bytes(0, (int)s_page);
            map.Write(0, data);
            int id = map.Id;

            map.Resize(3 * s_page);

            Assert.Equal(id, map.Id);
            Assert.Equal(3 * s_page, map.Size);
            Assert.Equal(data, map.Read(0, s_page));
            Assert.All(map.Read(s_page, 2 * s_page), b => Assert.Equal(0, b));
            Assert.Contains(MemoryMap.GetOpenMaps(), m => ReferenceEquals(m, map) && m.Size == 3 * s_page);

            map.Resize(10);

            Assert.Equal(10, map.Size);
            Assert.Equal(data.AsSpan(0, 10).ToArray(), map.Read(0, 10));
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.Read(10, 1)).Error);
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(-1L)]
        [InlineData(long.MinValue)]
        public void Resize_SizeNotPositive_ChangesNothing(long size)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Resize(size));

            Assert.Equal(MemoryMapError.SizeNotPositive, e.Error);
            Assert.Equal(s_page, map.Size);
        }

        [Fact]
        public void Resize_ClosedMap_ThrowsObjectDisposed()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            map.Dispose();

            Assert.Throws<ObjectDisposedException>(() => map.Resize(2 * s_page));
            Assert.Throws<ObjectDisposedException>(() => map.CheckResize(2 * s_page));
        }

        [Fact]
        public void Resize_View_ThrowsViewNotResizable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page);
            MemoryMap view = map.CreateView(10, 100);

            var e = Assert.Throws<MemoryMapException>(() => view.Resize(50));

            Assert.Equal(MemoryMapError.ViewNotResizable, e.Error);
            Assert.Equal(100, view.Size);
            Assert.True(view.IsValid);
        }

        [Fact]
        public void Resize_ClosesViewsWithTheReason()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page);
            MemoryMap view = map.CreateView(10, 100);
            MemoryMap viewOfView = view.CreateView(0, 10);

            map.Resize(4 * s_page);

            Assert.False(view.IsValid);
            Assert.False(viewOfView.IsValid);
            Assert.True(map.IsValid);
            var e = Assert.Throws<ObjectDisposedException>(() => view.Read(0, 1));
            Assert.Contains("was closed when map " + map.Id + ", which it is a view of, was resized", e.Message);
            Assert.DoesNotContain(MemoryMap.GetOpenMaps(), m => m.Id == view.Id);
        }

        [Fact]
        public void Resize_SameSize_KeepsViews()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page);
            MemoryMap view = map.CreateView(0, 100);

            map.Resize(2 * s_page);

            Assert.True(view.IsValid);
        }

        [Fact]
        public void Resize_File_GrowsAndShrinksTheFile()
        {
            string path = _folder.CreatePatternFile("file.bin", 100);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);

            map.Resize(3 * s_page);
            map.Write(3 * s_page - 1, new byte[] { 0xEE });
            map.Sync();

            Assert.Equal(3 * s_page, new FileInfo(path).Length);
            byte[] bytes = ReadShared(path);
            Assert.Equal(Pattern.Bytes(0, 100), bytes.AsSpan(0, 100).ToArray());
            Assert.Equal(0xEE, bytes[3 * s_page - 1]);

            map.Resize(50);

            Assert.Equal(50, new FileInfo(path).Length);
            Assert.Equal(Pattern.Bytes(0, 50), map.Read(0, 50));
        }

        [Fact]
        public void Resize_ReadOnlyFile_ThrowsMapNotResizable()
        {
            string path = _folder.CreatePatternFile("ro.bin", 100);
            using MemoryMap map = MemoryMap.OpenFile(path);

            var e = Assert.Throws<MemoryMapException>(() => map.Resize(200));

            Assert.Equal(MemoryMapError.MapNotResizable, e.Error);
            Assert.Equal(100, new FileInfo(path).Length);
            Assert.Equal(100, map.Size);
        }

        [Fact]
        public void Resize_PrivateFile_ThrowsMapNotResizable()
        {
            string path = _folder.CreatePatternFile("private.bin", 100);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);

            var e = Assert.Throws<MemoryMapException>(() => map.Resize(200));

            Assert.Equal(MemoryMapError.MapNotResizable, e.Error);
            Assert.Equal(100, new FileInfo(path).Length);
        }

        [Fact]
        public void Resize_KeepsProtectionOfKeptPagesAndGivesNewPagesTheCommonOne()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page);
            using MemoryMap view = map.CreateView(s_page, s_page);
            view.SetProtection(MemoryProtection.Read);

            map.Resize(4 * s_page);

            map.Write(0, new byte[] { 1 });
            Assert.Equal(MemoryProtection.Read, map.ProtectionOf(s_page, s_page));
            Assert.Equal(MemoryProtection.Read, map.ProtectionOf(2 * s_page, 2 * s_page));
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.Write(3 * s_page, new byte[] { 1 })).Error);
        }

        [Fact]
        public void Resize_KeepsLocksOfKeptPages()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(3 * s_page);
            try
            {
                map.Lock(0, s_page);
            }
            catch (MemoryMapException e) when (e.Error == MemoryMapError.LockLimitExceeded)
            {
                Assert.Skip("This process may not lock memory: " + e.Message);
            }

            map.Resize(2 * s_page);
            Assert.Equal(s_page, map.LockedBytes);
            map.Resize(8 * s_page);
            Assert.Equal(s_page, map.LockedBytes);
        }

        [Fact]
        public void Resize_NamedOnLinux_ChangesTheObjectsSize()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "Only Linux can change the size of named shared memory.");
            string name = "mman-xunit-resize-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                using MemoryMap map = MemoryMap.OpenNamed(name, s_page);
                map.Write(0, new byte[] { 7 });

                map.Resize(2 * s_page);

                Assert.Equal(2 * s_page, new FileInfo("/dev/shm/" + name).Length);
                using MemoryMap second = MemoryMap.OpenNamed(name);
                Assert.Equal(2 * s_page, second.Size);
                Assert.Equal(7, second.Read(0, 1)[0]);
            }
            finally
            {
                MemoryMap.RemoveNamed(name);
            }
        }

        [Fact]
        public void Resize_NamedOnWindows_ThrowsNotSupported()
        {
            Assert.SkipUnless(OperatingSystem.IsWindows(), "Windows sections cannot change size; Linux can (the test above).");
            using MemoryMap map = MemoryMap.OpenNamed("mman-xunit-resize-" + Guid.NewGuid().ToString("N").Substring(0, 8), s_page);

            Assert.Equal(MemoryMapError.NotSupportedOnThisSystem, Assert.Throws<MemoryMapException>(() => map.Resize(2 * s_page)).Error);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Resize_WhileOtherThreadsRead_NeverFaultsAndReadsRightBytes(bool file)
        {
            using MemoryMap map = file
                ? MemoryMap.OpenFile(_folder.CreateFile("race.bin", new byte[4 * s_page]), protection: MemoryProtection.Read | MemoryProtection.Write)
                : MemoryMap.CreateAnonymous(4 * s_page);
            map.Write(0, new byte[] { 0x5A });
            int wrong = 0, reads = 0, rangeErrors = 0;
            Exception unexpected = null;
            bool stop = false;
            var readers = new Thread[3];
            for (int i = 0; i < readers.Length; i++)
            {
                readers[i] = new Thread(() =>
                {
                    while (!Volatile.Read(ref stop))
                    {
                        try
                        {
                            if (map.Read(0, 1)[0] != 0x5A)
                            {
                                Interlocked.Increment(ref wrong);
                            }

                            // Sized from a Size that may be stale by the time the read runs.
                            map.Read(0, map.Size);
                            Interlocked.Increment(ref reads);
                        }
                        catch (MemoryMapArgumentException e) when (e.Error == MemoryMapError.RangeOutsideMap)
                        {
                            Interlocked.Increment(ref rangeErrors);
                        }
                        catch (Exception e)
                        {
                            unexpected = e;
                        }
                    }
                });
                readers[i].Start();
            }

            // On a busy machine the readers may start late: resize only once they read.
            var started = System.Diagnostics.Stopwatch.StartNew();
            while (Volatile.Read(ref reads) == 0 && unexpected == null && started.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(1);
            }

            int readsBefore = Volatile.Read(ref reads);
            for (int n = 0; n < 200; n++)
            {
                map.Resize(((n % 4) + 1) * s_page + (n % 3));
            }

            Volatile.Write(ref stop, true);
            foreach (Thread reader in readers)
            {
                reader.Join();
            }

            Assert.Null(unexpected);
            Assert.Equal(0, wrong);
            Assert.True(readsBefore > 0, "The readers never read.");
        }

        [Fact]
        public void PageProtections_Resized_GrowsWithTheGivenProtectionAndMergesEqualRuns()
        {
            var rw = MemoryProtection.Read | MemoryProtection.Write;
            var pages = new PageProtections(2, rw);

            Assert.True(pages.Resized(5, rw).IsUniform);
            Assert.Equal(5, pages.Resized(5, rw).PageCount);
            Assert.Equal(
                new[] { (0L, 2L, rw), (2L, 5L, MemoryProtection.Read) },
                pages.Resized(5, MemoryProtection.Read).Runs(0, 5).ToArray());
        }

        [Fact]
        public void PageProtections_Resized_ShrinkDropsTheRunsPastTheEnd()
        {
            var rw = MemoryProtection.Read | MemoryProtection.Write;
            PageProtections pages = new PageProtections(5, rw).With(3, 5, MemoryProtection.None);

            PageProtections shrunk = pages.Resized(3, MemoryProtection.Read);

            Assert.True(shrunk.IsUniform);
            Assert.Equal(3, shrunk.PageCount);
            Assert.Equal(rw, shrunk.Common(0, 3));
            Assert.Equal(new[] { (0L, 3L, rw), (3L, 4L, MemoryProtection.None) }, pages.Resized(4, rw).Runs(0, 4).ToArray());
        }

        private static byte[] ReadShared(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var bytes = new byte[stream.Length];
            int read = 0;
            while (read < bytes.Length)
            {
                read += stream.Read(bytes, read, bytes.Length - read);
            }

            return bytes;
        }
    }
}
