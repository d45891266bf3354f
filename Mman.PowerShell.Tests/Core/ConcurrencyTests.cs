using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Threads sharing one map: disjoint writers, Dispose and SetProtection racing readers. Every
    /// outcome must be data or a clean exception, never a fault.
    /// </summary>
    public sealed class ConcurrencyTests : IDisposable
    {
        private const int Readers = 3;
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void FourThreads_WriteAndReadDisjointRanges()
        {
            const int threads = 4;
            const int slice = 64 * 1024 + 3;
            using MemoryMap map = MemoryMap.CreateAnonymous(threads * slice);
            var failures = new ConcurrentQueue<string>();

            RunThreads(threads, t =>
            {
                long start = (long)t * slice;
                for (int round = 0; round < 50; round++)
                {
                    byte[] data = Pattern.Marker(slice, (byte)(t * 16 + round));
                    map.Write(start, data);
                    byte[] back = map.Read(start, slice);
                    if (!data.AsSpan().SequenceEqual(back))
                    {
                        failures.Enqueue("thread " + t + " round " + round + " read back other bytes");
                    }
                }
            });

            Assert.Empty(failures);
            for (int t = 0; t < threads; t++)
            {
                Assert.Equal(Pattern.Marker(slice, (byte)(t * 16 + 49)), map.Read((long)t * slice, slice));
            }
        }

        [Fact]
        public void FourThreads_WriteDisjointRangesOfASharedFile_AllReachTheFile()
        {
            const int threads = 4;
            const int slice = 10_000;
            string path = _folder.CreateSparseFile("shared.bin", threads * slice);
            using MemoryMap map = MemoryMap.OpenFile(path, 1, threads * slice - 1, MemoryProtection.Read | MemoryProtection.Write);

            RunThreads(threads, t =>
            {
                map.Write((long)t * slice, Pattern.Marker(slice - 1, (byte)t));
                map.Sync((long)t * slice, slice - 1);
            });

            byte[] file = SharedFile.ReadAllBytes(path);
            for (int t = 0; t < threads; t++)
            {
                Assert.Equal(Pattern.Marker(slice - 1, (byte)t), file.AsSpan(1 + t * slice, slice - 1).ToArray());
            }
        }

        [Fact]
        public void DisposeRacingReaders_ReadersGetDataOrObjectDisposed()
        {
            var unexpected = new ConcurrentQueue<string>();
            long dataReads = 0;
            long refusals = 0;
            byte[] expected = Pattern.Marker(256);

            for (int iteration = 0; iteration < 300; iteration++)
            {
                MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page);
                map.Write(s_page - 128, expected);
                using var started = new CountdownEvent(Readers);

                Thread[] readers = Workers.Start(Readers, _ =>
                {
                    bool signalled = false;
                    while (true)
                    {
                        try
                        {
                            byte[] bytes = map.Read(s_page - 128, 256);
                            if (!bytes.AsSpan().SequenceEqual(expected))
                            {
                                unexpected.Enqueue("wrong bytes");
                            }

                            Interlocked.Increment(ref dataReads);
                        }
                        catch (ObjectDisposedException e)
                        {
                            if (!e.Message.StartsWith("Mapping is closed", StringComparison.Ordinal))
                            {
                                unexpected.Enqueue(e.Message);
                            }

                            Interlocked.Increment(ref refusals);
                            return;
                        }
                        catch (Exception e)
                        {
                            unexpected.Enqueue(e.ToString());
                            return;
                        }
                        finally
                        {
                            // Dispose waits until every thread has made its first call, which must succeed.
                            if (!signalled)
                            {
                                signalled = true;
                                started.Signal();
                            }
                        }

                        YieldNow();
                    }
                });

                started.Wait(TestContext.Current.CancellationToken);
                map.Dispose();
                Workers.JoinAll(readers);
            }

            Assert.Empty(unexpected);
            Assert.Equal(300 * Readers, Interlocked.Read(ref refusals));
            Assert.True(Interlocked.Read(ref dataReads) >= 300 * Readers, "every reader's first read precedes Dispose and must return data");
        }

        [Fact]
        public void DisposeRacingFileReadersAndWriters_NeverFaults()
        {
            string path = _folder.CreatePatternFile("dispose-race.bin", 4 * s_page);
            var unexpected = new ConcurrentQueue<string>();
            long completed = 0;

            for (int iteration = 0; iteration < 300; iteration++)
            {
                MemoryMap map = MemoryMap.OpenFile(path, 4097, protection: MemoryProtection.Read | MemoryProtection.Write);
                using var started = new CountdownEvent(3);

                Thread[] workers = Workers.Start(3, t =>
                {
                    bool signalled = false;
                    while (true)
                    {
                        try
                        {
                            switch (t)
                            {
                                case 0: map.Read(0, map.Size); break;
                                case 1: map.Write(100, new byte[] { 1, 2, 3 }); break;
                                default: map.Sync(99, 5, async: true); break;
                            }

                            Interlocked.Increment(ref completed);
                        }
                        catch (ObjectDisposedException)
                        {
                            return;
                        }
                        catch (Exception e)
                        {
                            unexpected.Enqueue(e.ToString());
                            return;
                        }
                        finally
                        {
                            // Dispose waits until every thread has made its first call, which must succeed.
                            if (!signalled)
                            {
                                signalled = true;
                                started.Signal();
                            }
                        }

                        YieldNow();
                    }
                });

                started.Wait(TestContext.Current.CancellationToken);
                map.Dispose();
                Workers.JoinAll(workers);
                Assert.False(map.IsValid);
            }

            Assert.Empty(unexpected);
            Assert.True(Interlocked.Read(ref completed) >= 300 * 3, "every worker's first call precedes Dispose and must succeed");
            Assert.Equal(new byte[] { 1, 2, 3 }, SharedFile.ReadAllBytes(path).AsSpan(4097 + 100, 3).ToArray());
        }

        [Fact]
        public void ManyThreadsDisposingTogether_AllReturn()
        {
            var errors = new ConcurrentQueue<Exception>();
            for (int iteration = 0; iteration < 100; iteration++)
            {
                MemoryMap map = MemoryMap.CreateAnonymous(s_page);
                using var go = new ManualResetEventSlim();
                Thread[] closers = Workers.Start(4, _ =>
                {
                    go.Wait(TestContext.Current.CancellationToken);
                    try
                    {
                        map.Dispose();
                    }
                    catch (Exception e)
                    {
                        errors.Enqueue(e);
                    }
                });

                go.Set();
                Workers.JoinAll(closers);
                Assert.False(map.IsValid);
                Assert.Null(MemoryMapRegistry.Find(map.Id));
            }

            Assert.Empty(errors);
        }

        [Fact]
        public void SetProtectionFlippingRacingReaders_ReadersGetDataOrMapNotReadable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4 * s_page);
            byte[] expected = Pattern.Marker(1000);
            map.Write(s_page - 500, expected);
            map.SetProtection(MemoryProtection.Read);
            var unexpected = new ConcurrentQueue<string>();
            int stop = 0;
            long reads = 0;
            using var started = new CountdownEvent(3);

            Thread[] readers = Workers.Start(3, _ =>
            {
                started.Signal();
                while (Volatile.Read(ref stop) == 0)
                {
                    try
                    {
                        byte[] bytes = map.Read(s_page - 500, 1000);
                        if (!bytes.AsSpan().SequenceEqual(expected))
                        {
                            unexpected.Enqueue("wrong bytes");
                        }
                    }
                    catch (MemoryMapAccessException e) when (e.Error == MemoryMapError.MapNotReadable)
                    {
                    }
                    catch (Exception e)
                    {
                        unexpected.Enqueue(e.ToString());
                    }

                    Interlocked.Increment(ref reads);
                }
            });

            started.Wait(TestContext.Current.CancellationToken);
            try
            {
                for (int flip = 0; flip < 2000; flip++)
                {
                    map.SetProtection(flip % 2 == 0 ? MemoryProtection.None : MemoryProtection.Read);
                }
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                Workers.JoinAll(readers);
            }

            Assert.Empty(unexpected);
            Assert.Equal(MemoryProtection.Read, map.Protection);
            Assert.Equal(expected, map.Read(s_page - 500, 1000));
        }

        [Fact]
        public void SetProtectionFlippingRacingWriters_WritersGetCountOrMapNotWritable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page);
            var unexpected = new ConcurrentQueue<string>();
            int stop = 0;
            using var started = new CountdownEvent(2);

            Thread[] writers = Workers.Start(2, t =>
            {
                started.Signal();
                byte[] data = Pattern.Marker(300, (byte)(t + 1));
                while (Volatile.Read(ref stop) == 0)
                {
                    try
                    {
                        if (map.Write(t * s_page, data) != 300)
                        {
                            unexpected.Enqueue("short write");
                        }
                    }
                    catch (MemoryMapAccessException e) when (e.Error == MemoryMapError.MapNotWritable)
                    {
                    }
                    catch (Exception e)
                    {
                        unexpected.Enqueue(e.ToString());
                    }
                }
            });

            started.Wait(TestContext.Current.CancellationToken);
            try
            {
                for (int flip = 0; flip < 2000; flip++)
                {
                    map.SetProtection(flip % 2 == 0 ? MemoryProtection.Read : MemoryProtection.Read | MemoryProtection.Write);
                }
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                Workers.JoinAll(writers);
            }

            Assert.Empty(unexpected);
            map.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            map.Write(0, Pattern.Marker(300, 1));
            map.Write(s_page, Pattern.Marker(300, 2));
            Assert.Equal(Pattern.Marker(300, 1), map.Read(0, 300));
            Assert.Equal(Pattern.Marker(300, 2), map.Read(s_page, 300));
        }

        [Fact]
        public void MapsCreatedOnManyThreads_HaveDistinctIdsAndAllAreListed()
        {
            var maps = new ConcurrentBag<MemoryMap>();
            try
            {
                RunThreads(8, _ =>
                {
                    for (int i = 0; i < 25; i++)
                    {
                        maps.Add(MemoryMap.CreateAnonymous(s_page));
                    }
                });

                var ids = new HashSet<int>();
                foreach (MemoryMap map in maps)
                {
                    Assert.True(ids.Add(map.Id), "Id " + map.Id + " was given twice");
                }

                Assert.Equal(200, ids.Count);
                var listed = new HashSet<int>();
                foreach (MemoryMap map in MemoryMap.GetOpenMaps())
                {
                    listed.Add(map.Id);
                }

                Assert.Subset(listed, ids);
            }
            finally
            {
                foreach (MemoryMap map in maps)
                {
                    map.Dispose();
                }
            }
        }

        /// <summary>
        /// Gives the closing thread a chance: ReaderWriterLockSlim lets readers in a tight loop keep a
        /// writer (Dispose) waiting for tens of milliseconds, which would only make these tests slow.
        /// </summary>
        private static void YieldNow() => Thread.Yield();

        private static void RunThreads(int count, Action<int> body)
        {
            var errors = new ConcurrentQueue<Exception>();
            Workers.JoinAll(Workers.Start(count, t =>
            {
                try
                {
                    body(t);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            }));
            Assert.Empty(errors);
        }
    }
}
