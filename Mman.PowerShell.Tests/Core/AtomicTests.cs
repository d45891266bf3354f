using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Atomic integers and waits: each operation's values for Int32 and Int64, alignment of the absolute
    /// address (views at odd offsets), the checks every access makes, exact counts from racing threads, and
    /// waits that end by a write, a timeout, a cancellation or a close from another thread.
    /// </summary>
    public sealed class AtomicTests : IDisposable
    {
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void Int32Operations_ReturnTheirValues_AndLeaveTheBytesInMemory()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            Assert.Equal(1, map.AddInt32(8, 1));
            Assert.Equal(42, map.AddInt32(8, 41));
            Assert.Equal(-8, map.AddInt32(8, -50));
            Assert.Equal(-8, map.ReadInt32(8));
            Assert.Equal(-8, map.ExchangeInt32(8, 7));
            Assert.Equal(7, map.CompareExchangeInt32(8, 9, 7));
            Assert.Equal(9, map.CompareExchangeInt32(8, 100, 7));
            Assert.Equal(9, BitConverter.ToInt32(map.Read(8, 4), 0));
            map.WriteInt32(8, int.MaxValue);
            Assert.Equal(int.MinValue, map.AddInt32(8, 1));

            // Nothing outside the 4 bytes changed.
            Assert.Equal(new byte[8], map.Read(0, 8));
            Assert.Equal(new byte[4], map.Read(12, 4));
        }

        [Fact]
        public void Int64Operations_ReturnTheirValues_AndLeaveTheBytesInMemory()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            long big = 1L << 40;
            Assert.Equal(big, map.AddInt64(16, big));
            Assert.Equal(big + 1, map.AddInt64(16, 1));
            Assert.Equal(big + 1, map.ExchangeInt64(16, -1));
            Assert.Equal(-1, map.CompareExchangeInt64(16, long.MaxValue, -1));
            Assert.Equal(long.MaxValue, map.ReadInt64(16));
            Assert.Equal(long.MaxValue, map.CompareExchangeInt64(16, 0, 5));
            Assert.Equal(long.MaxValue, BitConverter.ToInt64(map.Read(16, 8), 0));
            map.WriteInt64(16, 3);
            Assert.Equal(3, map.ReadInt64(16));
        }

        [Theory]
        [InlineData(1, 4)]
        [InlineData(2, 4)]
        [InlineData(3, 4)]
        [InlineData(4, 8)]
        [InlineData(12, 8)]
        public void MisalignedOffset_IsIntegerNotAligned_ForEveryOperation(long offset, int size)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            AssertError(MemoryMapError.IntegerNotAligned, () => map.CheckInteger(offset, size, write: true));
            if (size == 4)
            {
                AssertError(MemoryMapError.IntegerNotAligned, () => map.AddInt32(offset, 1));
                AssertError(MemoryMapError.IntegerNotAligned, () => map.ReadInt32(offset));
                AssertError(MemoryMapError.IntegerNotAligned, () => map.CompareExchangeInt32(offset, 1, 0));
                AssertError(MemoryMapError.IntegerNotAligned, () => map.WaitInt32(offset, 1, true, TimeSpan.Zero));
            }
            else
            {
                AssertError(MemoryMapError.IntegerNotAligned, () => map.AddInt64(offset, 1));
                AssertError(MemoryMapError.IntegerNotAligned, () => map.ExchangeInt64(offset, 1));
                AssertError(MemoryMapError.IntegerNotAligned, () => map.WaitInt64(offset, 1, true, TimeSpan.Zero));
            }

            Assert.Equal(new byte[16], map.Read(0, 16));
        }

        [Fact]
        public void ViewAtAnOddParentOffset_AlignsByTheAddress()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            using MemoryMap view = map.CreateView(5, 100);
            AssertError(MemoryMapError.IntegerNotAligned, () => view.AddInt32(0, 1));
            AssertError(MemoryMapError.IntegerNotAligned, () => view.AddInt32(4, 1));

            // 5 + 3 = 8: aligned for both sizes.
            Assert.Equal(6, view.AddInt32(3, 6));
            Assert.Equal(6, map.ReadInt32(8));
            Assert.Equal(6, view.ReadInt64(3));
            Assert.Equal(7, map.AddInt64(8, 1));
            Assert.Equal(7, view.ReadInt32(3));
        }

        [Fact]
        public void OutOfRange_Closed_AndProtection_AreTheAccessErrors()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            AssertError(MemoryMapError.RangeOutsideMap, () => map.AddInt32(4096, 1));
            AssertError(MemoryMapError.RangeOutsideMap, () => map.AddInt64(4092, 1));
            AssertError(MemoryMapError.OffsetNegative, () => map.ReadInt32(-4));

            map.SetProtection(MemoryProtection.Read);
            AssertError(MemoryMapError.MapNotWritable, () => map.AddInt32(0, 1));
            AssertError(MemoryMapError.MapNotWritable, () => map.ExchangeInt64(0, 1));
            AssertError(MemoryMapError.MapNotWritable, () => map.CompareExchangeInt32(0, 1, 0));
            Assert.Equal(0, map.ReadInt32(0));
            Assert.Equal(0, map.WaitInt32(0, 0, true, TimeSpan.Zero));

            map.SetProtection(MemoryProtection.None);
            AssertError(MemoryMapError.MapNotReadable, () => map.ReadInt64(0));

            map.Dispose();
            Assert.Throws<ObjectDisposedException>(() => map.AddInt32(0, 1));
            Assert.Throws<ObjectDisposedException>(() => map.ReadInt32(0));
            AssertError(MemoryMapError.IntegerNotAligned, () => map.ReadInt32(2));
        }

        [Fact]
        public void FourThreads_AddConcurrently_LoseNoCount()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096, sharing: MapSharing.Shared);
            using MemoryMap view = map.CreateView(64);
            Thread[] threads = Workers.Start(4, t =>
            {
                for (int i = 0; i < 50_000; i++)
                {
                    if (t % 2 == 0)
                    {
                        map.AddInt32(64, 1);
                        map.AddInt64(72, 3);
                    }
                    else
                    {
                        view.AddInt32(0, 1);
                        view.AddInt64(8, 3);
                    }
                }
            });
            Workers.JoinAll(threads);
            Assert.Equal(200_000, map.ReadInt32(64));
            Assert.Equal(600_000, map.ReadInt64(72));
        }

        [Fact]
        public void FileMap_AddReachesTheFile()
        {
            string path = _folder.CreateSparseFile("counter.bin", 8192);
            using (MemoryMap map = MemoryMap.OpenFile(path, 0, 8192, MemoryProtection.Read | MemoryProtection.Write))
            {
                for (int i = 0; i < 1000; i++)
                {
                    map.AddInt64(4096, 2);
                }

                map.Sync();
            }

            Assert.Equal(2000, BitConverter.ToInt64(SharedFile.ReadAllBytes(path), 4096));
        }

        [Fact]
        public void FileMap_TruncatedBelowTheInteger_IsFileTruncated()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a mapped file.");
            string path = _folder.CreateSparseFile("short.bin", 8192);
            using MemoryMap map = MemoryMap.OpenFile(path, 0, 8192, MemoryProtection.Read | MemoryProtection.Write);
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                file.SetLength(4096);
            }

            AssertError(MemoryMapError.FileTruncated, () => map.AddInt32(4096, 1));
            AssertError(MemoryMapError.FileTruncated, () => map.WaitInt32(4100, 1, true, TimeSpan.FromSeconds(1)));
            Assert.Equal(1, map.AddInt32(4092, 1));
        }

        [Fact]
        public void Wait_ReturnsWhenAnotherThreadWrites()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            var watch = Stopwatch.StartNew();
            Task writer = Task.Run(() =>
            {
                Thread.Sleep(100);
                map.AddInt32(0, 5);
            });
            Assert.Equal(5, map.WaitInt32(0, 5, untilEqual: true, Timeout.InfiniteTimeSpan));
            Assert.True(watch.ElapsedMilliseconds >= 90, "returned after " + watch.ElapsedMilliseconds + " ms, before the write");
            writer.Wait();
            Assert.Equal(5, map.WaitInt32(0, 0, untilEqual: false, TimeSpan.Zero));
        }

        [Fact]
        public void Wait_SeesAWriterThatDoesNotWake_AndTheHighHalfOfAnInt64()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            Task writer = Task.Run(() =>
            {
                Thread.Sleep(50);

                // Plain bytes through Write: no wake; the wait's bounded sleep must still see them.
                map.Write(8, BitConverter.GetBytes(1L << 40));
            });
            Assert.Equal(1L << 40, map.WaitInt64(8, 0, untilEqual: false, TimeSpan.FromSeconds(10)));
            writer.Wait();
        }

        [Fact]
        public void Wait_TimesOut_WithTheValueLastSeen()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            map.WriteInt64(16, 77);
            var watch = Stopwatch.StartNew();
            var e = Assert.Throws<MemoryMapException>(() => map.WaitInt64(16, 1, untilEqual: true, TimeSpan.FromMilliseconds(200)));
            Assert.Equal(MemoryMapError.WaitTimedOut, e.Error);
            Assert.Contains("last seen was 77", e.Message);
            Assert.InRange(watch.ElapsedMilliseconds, 190, 5000);
        }

        [Fact]
        public void Wait_EndsPromptly_WhenCancelled()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);
            using var cancel = new CancellationTokenSource();
            var watch = new Stopwatch();
            Task cancelling = Task.Run(() =>
            {
                Thread.Sleep(300);
                watch.Start();
                cancel.Cancel();
            });
            Assert.ThrowsAny<OperationCanceledException>(() => map.WaitInt32(0, 1, untilEqual: true, Timeout.InfiniteTimeSpan, cancel.Token));
            watch.Stop();
            cancelling.Wait();
            Assert.True(watch.ElapsedMilliseconds < 250, "the wait ended " + watch.ElapsedMilliseconds + " ms after the cancel");
        }

        [Fact]
        public void ClosedWhileWaiting_FromAnotherThread_EndsTheWaitWithMapClosed()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(4096);
            var closeTime = new Stopwatch();
            Task closer = Task.Run(() =>
            {
                Thread.Sleep(200);
                closeTime.Start();

                // Must not wait for the waiter: it holds no lock while asleep.
                map.Dispose();
                closeTime.Stop();
            });
            var watch = Stopwatch.StartNew();
            Assert.Throws<ObjectDisposedException>(() => map.WaitInt32(0, 1, untilEqual: true, TimeSpan.FromSeconds(20)));
            closer.Wait();
            Assert.True(closeTime.ElapsedMilliseconds < 100, "closing took " + closeTime.ElapsedMilliseconds + " ms");
            Assert.True(watch.ElapsedMilliseconds < 2000, "the wait ended " + watch.ElapsedMilliseconds + " ms after it began");
        }

        [Fact]
        public void NamedMemory_TwoMapsOfOneObject_CountAndWakeEachOther()
        {
            string name = "mman-xunit-" + Environment.ProcessId + "-atomic";
            try
            {
                using MemoryMap first = MemoryMap.OpenNamed(name, 4096);
                using MemoryMap second = MemoryMap.OpenNamed(name);
                Task<int> waiter = Task.Run(() => second.WaitInt32(128, 10_000, untilEqual: true, TimeSpan.FromSeconds(30)));
                Thread[] threads = Workers.Start(2, t =>
                {
                    for (int i = 0; i < 5000; i++)
                    {
                        (t == 0 ? first : second).AddInt32(128, 1);
                    }
                });
                Workers.JoinAll(threads);
                Assert.True(waiter.Wait(TimeSpan.FromSeconds(30)));
                Assert.Equal(10_000, waiter.Result);
                Assert.Equal(10_000, first.ReadInt32(128));
            }
            finally
            {
                MemoryMap.RemoveNamed(name);
            }
        }

        private static void AssertError(MemoryMapError expected, Action action)
        {
            Exception e = Record.Exception(action);
            Assert.NotNull(e);
            MemoryMapError actual = e switch
            {
                MemoryMapArgumentException a => a.Error,
                MemoryMapAccessException a => a.Error,
                MemoryMapException a => a.Error,
                _ => throw new Xunit.Sdk.XunitException("unexpected " + e),
            };
            Assert.Equal(expected, actual);
        }
    }
}
