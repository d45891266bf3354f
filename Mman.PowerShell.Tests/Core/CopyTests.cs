using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// MemoryMap.CopyTo and Move: every result is compared with Array.Copy on a copy of the bytes
    /// (overlap-safe, as memmove), over each route the copy can take: memmove within one mapping, the
    /// fault-safe copier of a file (direct or through a buffer), and two mappings of one file.
    /// </summary>
    public sealed class CopyTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private static int s_next;
        private readonly TestFolder _folder = new TestFolder();
        private readonly List<string> _names = new List<string>();

        public void Dispose()
        {
            foreach (string name in _names)
            {
                MemoryMap.RemoveNamed(name);
            }

            _folder.Dispose();
        }

        [Fact]
        public void Move_EveryDestSourceAndCountOfTenBytes_MatchesPythonsTest()
        {
            // CPython's Lib/test/test_mmap.py test_move, "more excessive test".
            byte[] data = System.Text.Encoding.ASCII.GetBytes("0123456789");
            using MemoryMap map = MemoryMap.CreateAnonymous(data.Length);
            for (int dest = 0; dest < data.Length; dest++)
            {
                for (int src = 0; src < data.Length; src++)
                {
                    for (int count = 0; count < data.Length - Math.Max(dest, src); count++)
                    {
                        map.Write(0, data);
                        map.Move(dest, src, count);
                        Assert.Equal(Expected(data, src, dest, count), map.Read(0, data.Length));
                    }
                }
            }
        }

        [Theory]
        [InlineData("anonymous", 1)]
        [InlineData("anonymous", -1)]
        [InlineData("anonymous", 1_048_583)]
        [InlineData("anonymous", -1_048_583)]
        [InlineData("file", 1)]
        [InlineData("file", -1)]
        [InlineData("file", 1_048_583)]
        [InlineData("file", -1_048_583)]
        [InlineData("file", 3_000_001)]
        public void Move_OverlappingByOneByteOrMany_IsAsMemmove(string kind, int shift)
        {
            const int size = 4 << 20;
            byte[] data = Pattern.Bytes(0, size);
            using MemoryMap map = kind == "file"
                ? MemoryMap.OpenFile(_folder.CreateFile("m.bin", data), protection: MemoryProtection.Read | MemoryProtection.Write)
                : MemoryMap.CreateAnonymous(size);
            map.Write(0, data);
            int src = shift > 0 ? 5 : 5 - shift;
            int dest = src + shift;
            int count = size - Math.Max(src, dest);

            map.Move(dest, src, count);

            Assert.Equal(Expected(data, src, dest, count), map.Read(0, size));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(-1)]
        [InlineData(4099)]
        [InlineData(-4099)]
        [InlineData(70_000)]
        [InlineData(-70_000)]
        public void Move_InSmallChunks_TakesThemInTheOrderTheOverlapNeeds(int shift)
        {
            // Chunks of 4 KiB, smaller and larger than the shift: a chunk taken in the wrong order
            // would overwrite source bytes not yet copied.
            const int size = 300_000;
            byte[] data = Pattern.Bytes(0, size);
            foreach (bool file in new[] { false, true })
            {
                using MemoryMap map = file
                    ? MemoryMap.OpenFile(_folder.CreateFile("c" + shift + ".bin", data), protection: MemoryProtection.Read | MemoryProtection.Write)
                    : MemoryMap.CreateAnonymous(size);
                map.Write(0, data);
                int src = shift > 0 ? 3 : 3 - shift;
                int dest = src + shift;
                int count = size - Math.Max(src, dest);
                var progress = new List<long>();

                map.CopyTo(src, map, dest, count, 4096, progress.Add);

                Assert.Equal(Expected(data, src, dest, count), map.Read(0, size));
                Assert.Equal((count + 4095) / 4096, progress.Count);
                Assert.Equal(count, progress[progress.Count - 1]);
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(-1)]
        public void Move_InProgressChunksLargerThanTheBuffer_ReportsEachChunkOnce(int shift)
        {
            // Progress every 3 MiB, the bytes through the 1 MiB buffer (a file map on Linux): the
            // buffer's steps go in the chunks' order, and each chunk is reported once, when done.
            const int size = (10 << 20) + 5;
            byte[] data = Pattern.Bytes(0, size);
            using MemoryMap map = MemoryMap.OpenFile(_folder.CreateFile("p" + shift + ".bin", data), protection: MemoryProtection.Read | MemoryProtection.Write);
            int src = shift > 0 ? 0 : 1;
            int dest = src + shift;
            int count = size - 1;
            var progress = new List<long>();

            map.CopyTo(src, map, dest, count, 3 << 20, progress.Add);

            Assert.Equal(Expected(data, src, dest, count), map.Read(0, size));
            Assert.Equal(new long[] { 3 << 20, 6 << 20, 9 << 20, count }, progress);
        }

        [Theory]
        [InlineData(100, 0, 50)]
        [InlineData(100, 0, 150)]
        [InlineData(100, 1, 0)]
        [InlineData(4096, 10, 4095)]
        public void ViewToParent_Overlapping_IsJudgedOnOneAddressSpace(int viewAt, long fromView, long toParent)
        {
            // The view's byte fromView is the parent's byte viewAt + fromView: the ranges overlap
            // though their offsets are of different maps.
            int size = (int)(3 * s_page);
            byte[] data = Pattern.Bytes(0, size);
            foreach (bool file in new[] { false, true })
            {
                using MemoryMap parent = file
                    ? MemoryMap.OpenFile(_folder.CreateFile("p" + viewAt + ".bin", data), protection: MemoryProtection.Read | MemoryProtection.Write)
                    : MemoryMap.CreateAnonymous(size);
                parent.Write(0, data);
                using MemoryMap view = parent.CreateView(viewAt);
                int count = (int)Math.Min(view.Size - fromView, size - toParent);

                view.CopyTo(fromView, parent, toParent, count);

                Assert.Equal(Expected(data, viewAt + (int)fromView, (int)toParent, count), parent.Read(0, size));

                // And back: parent into the view, overlapping the other way.
                parent.Write(0, data);
                parent.CopyTo(toParent, view, fromView, count);
                Assert.Equal(Expected(data, (int)toParent, viewAt + (int)fromView, count), parent.Read(0, size));
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(-1)]
        [InlineData(2_000_003)]
        public void TwoMapsOfOneFile_Overlapping_IsJudgedOnTheFile(int shift)
        {
            // Two separate mappings of one file: different addresses, the same bytes.
            const int size = 3 << 20;
            byte[] data = Pattern.Bytes(0, size);
            string path = _folder.CreateFile("same.bin", data);
            using MemoryMap first = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            using MemoryMap second = MemoryMap.OpenFile(path, 7, protection: MemoryProtection.Read | MemoryProtection.Write);
            int src = shift > 0 ? 20 : 20 - shift;
            int dest = src + shift;
            int count = size - 7 - Math.Max(src, dest);

            // first's byte src is file byte src; second's byte dest - 7 is file byte dest.
            first.CopyTo(src, second, dest - 7, count);

            Assert.Equal(Expected(data, src, dest, count), first.Read(0, size));
        }

        [Fact]
        public void BetweenAnonymousFileAndNamedMaps_CopiesTheBytes()
        {
            const int size = 200_000;
            byte[] data = Pattern.Bytes(0, size);
            string name = NewName();
            using MemoryMap file = MemoryMap.OpenFile(_folder.CreateFile("f.bin", data), protection: MemoryProtection.Read | MemoryProtection.Write);
            using MemoryMap named = MemoryMap.OpenNamed(name, size);
            using MemoryMap anonymous = MemoryMap.CreateAnonymous(size);

            file.CopyTo(0, named, 0, size);
            Assert.Equal(data, named.Read(0, size));

            named.CopyTo(1000, anonymous, 10, 150_000);
            Assert.Equal(Pattern.Bytes(1000, 150_000), anonymous.Read(10, 150_000));

            anonymous.CopyTo(10, file, 1, 150_000);
            file.Sync();
            Assert.Equal(Pattern.Bytes(1000, 150_000), SharedFile.ReadAllBytes(file.Path).AsSpan(1, 150_000).ToArray());

            using MemoryMap again = MemoryMap.OpenNamed(name);
            Assert.Equal(data, again.Read(0, size));
        }

        [Fact]
        public void ClosedSourceOrDestination_ThrowsObjectDisposed_AndChangesNothing()
        {
            using MemoryMap open = MemoryMap.CreateAnonymous(100);
            MemoryMap closed = MemoryMap.CreateAnonymous(100);
            closed.Dispose();

            Assert.Throws<ObjectDisposedException>(() => closed.CopyTo(0, open, 0, 10));
            Assert.Throws<ObjectDisposedException>(() => open.CopyTo(0, closed, 0, 10));
            Assert.Throws<ObjectDisposedException>(() => open.CheckCopy(0, closed, 0, 10));
            Assert.Throws<ObjectDisposedException>(() => closed.Move(1, 0, 0));
            Assert.Equal(new byte[100], open.Read(0, 100));
        }

        [Fact]
        public void UnreadableSourceOrReadOnlyDestination_ThrowsAccess_AndChangesNothing()
        {
            using MemoryMap source = MemoryMap.CreateAnonymous(s_page);
            using MemoryMap target = MemoryMap.CreateAnonymous(s_page);
            source.Write(0, Pattern.Marker(100));

            target.SetProtection(MemoryProtection.Read);
            var notWritable = Assert.Throws<MemoryMapAccessException>(() => source.CopyTo(0, target, 0, 100));
            Assert.Equal(MemoryMapError.MapNotWritable, notWritable.Error);
            Assert.Equal(new byte[100], target.Read(0, 100));

            target.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            source.SetProtection(MemoryProtection.None);
            var notReadable = Assert.Throws<MemoryMapAccessException>(() => source.CopyTo(0, target, 0, 100));
            Assert.Equal(MemoryMapError.MapNotReadable, notReadable.Error);
            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => source.CheckCopy(0, target, 0, 100)).Error);
            Assert.Equal(new byte[100], target.Read(0, 100));
        }

        [Fact]
        public void ReadOnlyPagesOfOneMap_RefuseAMoveOntoThem()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page);
            using MemoryMap secondPage = map.CreateView(s_page);
            map.Write(0, Pattern.Marker(10));
            secondPage.SetProtection(MemoryProtection.Read);

            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.Move(s_page - 5, 0, 10)).Error);
            map.Move(s_page - 10, 0, 10);
            Assert.Equal(Pattern.Marker(10), map.Read(s_page - 10, 10));
        }

        [Fact]
        public void RangeOutsideEitherMap_ThrowsArgument_NamingTheDestination()
        {
            using MemoryMap source = MemoryMap.CreateAnonymous(100);
            using MemoryMap target = MemoryMap.CreateAnonymous(50);

            var outside = Assert.Throws<MemoryMapArgumentException>(() => source.CopyTo(0, target, 10, 41));
            Assert.Equal(MemoryMapError.RangeOutsideMap, outside.Error);
            Assert.Equal("destinationOffset", outside.ParamName);
            Assert.StartsWith("At the destination, map " + target.Id + ": destination offset 10 and count 41", outside.Message);

            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => source.CopyTo(60, target, 0, 41)).Error);
            Assert.Equal(MemoryMapError.OffsetNegative, Assert.Throws<MemoryMapArgumentException>(() => source.Move(-1, 0, 1)).Error);
            Assert.Equal(MemoryMapError.OffsetNegative, Assert.Throws<MemoryMapArgumentException>(() => source.Move(0, -1, 1)).Error);
            Assert.Equal(MemoryMapError.CountNegative, Assert.Throws<MemoryMapArgumentException>(() => source.Move(0, 0, -1)).Error);
            Assert.Throws<ArgumentNullException>(() => source.CopyTo(0, null, 0, 1));
        }

        [Fact]
        public void OneByteMap_PythonsEdgeCases()
        {
            // test_move's single-byte map: moves past the end fail, moves of 0 and 1 byte at 0 work.
            using MemoryMap map = MemoryMap.CreateAnonymous(1);
            Assert.Throws<MemoryMapArgumentException>(() => map.Move(0, 0, 2));
            Assert.Throws<MemoryMapArgumentException>(() => map.Move(1, 0, 1));
            Assert.Throws<MemoryMapArgumentException>(() => map.Move(0, 1, 1));
            map.Move(0, 0, 1);
            map.Move(0, 0, 0);
        }

        [Fact]
        public void TruncatedFile_EitherSide_ThrowsFileTruncated()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a file while a map of it is open (ERROR_USER_MAPPED_FILE).");
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using MemoryMap file = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            using MemoryMap anonymous = MemoryMap.CreateAnonymous(3 * s_page);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                stream.SetLength(100);
            }

            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => file.CopyTo(s_page, anonymous, 0, 10)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => anonymous.CopyTo(0, file, s_page, 10)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => file.Move(0, 2 * s_page, 10)).Error);
            Assert.Equal(new byte[10], anonymous.Read(0, 10));
            file.Move(0, 50, 50);
            Assert.Equal(Pattern.Bytes(50, 50), file.Read(0, 50));
        }

        [Fact]
        public void StoppedCopy_LeavesTheDoneChunksAndAnIntactSource_SoTheRestFinishesIt()
        {
            const int size = 100_000;
            byte[] data = Pattern.Bytes(0, size);
            foreach (int shift in new[] { 1000, -1000 })
            {
                using MemoryMap map = MemoryMap.CreateAnonymous(size);
                map.Write(0, data);
                int src = shift > 0 ? 0 : -shift;
                int dest = src + shift;
                int count = size - 1000;
                bool backward = map.CopiesBackward(src, map, dest);
                Assert.Equal(shift > 0, backward);

                Assert.Throws<OperationCanceledException>(() => map.CopyTo(src, map, dest, count, 4096, done =>
                {
                    if (done == 3 * 4096)
                    {
                        throw new OperationCanceledException();
                    }
                }));

                // Finish with the rest: before the done chunks when going backward, after them when forward.
                int rest = count - (3 * 4096);
                if (backward)
                {
                    map.CopyTo(src, map, dest, rest);
                }
                else
                {
                    map.CopyTo(src + (3 * 4096), map, dest + (3 * 4096), rest);
                }

                Assert.Equal(Expected(data, src, dest, count), map.Read(0, size));
            }
        }

        [Fact]
        public void OppositeCopiesOnTwoThreads_WithWritersQueued_DoNotDeadlock()
        {
            // Thread 1 copies a to b, thread 2 b to a, while two more change the protection of each
            // (an exclusive lock): with the locks taken in argument order, 1 would hold a and wait for
            // b behind b's queued writer, and 2 hold b and wait for a behind a's, for ever.
            const int size = 1 << 20;
            // Not `using`: after a deadlock, closing them would wait for ever too.
            MemoryMap a = MemoryMap.CreateAnonymous(size);
            MemoryMap b = MemoryMap.CreateAnonymous(size);
            using var stop = new CancellationTokenSource();
            Task Run(Action body) => Task.Factory.StartNew(
                () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        body();
                    }
                },
                TaskCreationOptions.LongRunning);

            Task[] tasks =
            {
                Run(() => a.CopyTo(0, b, 0, size)),
                Run(() => b.CopyTo(0, a, 0, size)),
                Run(() => a.SetProtection(MemoryProtection.Read | MemoryProtection.Write)),
                Run(() => b.SetProtection(MemoryProtection.Read | MemoryProtection.Write)),
            };
            Thread.Sleep(1500);
            stop.Cancel();

            Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(20)), "the copies deadlocked");
            a.Dispose();
            b.Dispose();
        }

        [Fact]
        public void CheckCopy_ChangesNothing()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(100);
            map.Write(0, Pattern.Marker(10));

            map.CheckCopy(0, map, 50, 10);

            Assert.Equal(new byte[10], map.Read(50, 10));
        }

        /// <summary>What memmove does: Array.Copy within one array is overlap-safe.</summary>
        private static byte[] Expected(byte[] data, int src, int dest, int count)
        {
            byte[] expected = (byte[])data.Clone();
            Array.Copy(expected, src, expected, dest, count);
            return expected;
        }

        private string NewName()
        {
            string name = "mman-xcopy-" + Environment.ProcessId + "-" + Interlocked.Increment(ref s_next);
            _names.Add(name);
            return name;
        }
    }
}
