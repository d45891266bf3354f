using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>Close, dispose, the finalizer and the registry of open maps.</summary>
    public sealed class LifetimeTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        public static TheoryData<string> ClosedOperations => new TheoryData<string>
        {
            "Read", "ReadIntoBuffer", "Write", "WriteSlice", "Sync", "SyncRange", "SetProtection",
        };

        [Theory]
        [MemberData(nameof(ClosedOperations))]
        public void AfterDispose_EveryOperation_ThrowsObjectDisposed(string operation)
        {
            MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            int id = map.Id;
            map.Dispose();

            var e = Assert.Throws<ObjectDisposedException>(() => Invoke(map, operation));

            Assert.StartsWith("Mapping is closed", e.Message);
            Assert.Equal("Mapping is closed: map " + id + " was closed.", e.Message);
        }

        [Theory]
        [MemberData(nameof(ClosedOperations))]
        public void AfterDispose_FileMap_EveryOperation_ThrowsObjectDisposed(string operation)
        {
            string path = _folder.CreatePatternFile("closed.bin", 2 * s_page);
            MemoryMap map = MemoryMap.OpenFile(path, 1, protection: MemoryProtection.Read | MemoryProtection.Write);
            map.Dispose();

            var e = Assert.Throws<ObjectDisposedException>(() => Invoke(map, operation));

            Assert.StartsWith("Mapping is closed", e.Message);
        }

        [Fact]
        public void Dispose_Twice_IsHarmless()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            map.Dispose();

            // The OS may hand the freed address to the next map; a second unmap would pull it away.
            using MemoryMap next = MemoryMap.CreateAnonymous(s_page);
            map.Dispose();
            next.Write(0, new byte[] { 0x5A });

            Assert.False(map.IsValid);
            Assert.True(next.IsValid);
            Assert.Equal(new byte[] { 0x5A }, next.Read(0, 1));
        }

        [Fact]
        public void Dispose_ClearsIsValidAndAddressButKeepsTheDescription()
        {
            string path = _folder.CreatePatternFile("desc.bin", 100);
            MemoryMap map = MemoryMap.OpenFile(path, 3);
            int id = map.Id;
            Assert.True(map.IsValid);
            Assert.NotEqual(IntPtr.Zero, map.Address);

            map.Dispose();

            Assert.False(map.IsValid);
            Assert.Equal(IntPtr.Zero, map.Address);
            Assert.Equal(id, map.Id);
            Assert.Equal(97, map.Size);
            Assert.Equal(3, map.FileOffset);
            Assert.Equal(path, map.Path);
            Assert.Equal("MemoryMap " + id + ": File " + path + ", 97 bytes, Read, Shared, closed", map.ToString());
        }

        [Fact]
        public void Id_IsUniqueAndIncreasing()
        {
            var maps = new List<MemoryMap>();
            try
            {
                for (int i = 0; i < 5; i++)
                {
                    maps.Add(MemoryMap.CreateAnonymous(s_page));
                }

                for (int i = 1; i < maps.Count; i++)
                {
                    Assert.True(maps[i].Id > maps[i - 1].Id, "Id " + maps[i].Id + " should be above " + maps[i - 1].Id);
                }
            }
            finally
            {
                maps.ForEach(m => m.Dispose());
            }
        }

        [Fact]
        public void GetOpenMaps_ListsOpenMapsInIdOrderAndNotDisposedOnes()
        {
            MemoryMap a = MemoryMap.CreateAnonymous(s_page);
            MemoryMap b = MemoryMap.CreateAnonymous(s_page);
            MemoryMap c = MemoryMap.CreateAnonymous(s_page);
            try
            {
                b.Dispose();

                var open = new List<MemoryMap>(MemoryMap.GetOpenMaps());

                Assert.Contains(a, open);
                Assert.Contains(c, open);
                Assert.DoesNotContain(b, open);
                Assert.True(open.IndexOf(a) < open.IndexOf(c));
                for (int i = 1; i < open.Count; i++)
                {
                    Assert.True(open[i].Id > open[i - 1].Id);
                }

                // Only this test's maps: tests in other classes open and close maps in parallel.
                Assert.True(a.IsValid && c.IsValid);
            }
            finally
            {
                a.Dispose();
                c.Dispose();
            }

            IReadOnlyList<MemoryMap> after = MemoryMap.GetOpenMaps();
            Assert.DoesNotContain(a, after);
            Assert.DoesNotContain(c, after);
        }

        [Fact]
        public void GetOpenMaps_IsASnapshot()
        {
            using MemoryMap a = MemoryMap.CreateAnonymous(s_page);
            IReadOnlyList<MemoryMap> before = MemoryMap.GetOpenMaps();

            using MemoryMap b = MemoryMap.CreateAnonymous(s_page);

            Assert.Contains(a, before);
            Assert.DoesNotContain(b, before);
            Assert.Contains(b, MemoryMap.GetOpenMaps());
        }

        [Fact]
        public void RegistryFind_FindsOpenMapsOnly()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            int id = map.Id;

            Assert.Same(map, MemoryMapRegistry.Find(id));
            map.Dispose();
            Assert.Null(MemoryMapRegistry.Find(id));
        }

        [Fact]
        public void DroppedMap_IsCollectedUnmappedAndLeavesTheRegistry()
        {
            string path = _folder.CreatePatternFile("dropped.bin", 3 * s_page);
            (WeakReference weak, int id) = MapAndDrop(path);

            for (int i = 0; i < 3 && weak.IsAlive; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();

            Assert.False(weak.IsAlive);
            Assert.DoesNotContain(MemoryMap.GetOpenMaps(), m => m.Id == id);
            Assert.Null(MemoryMapRegistry.Find(id));
            if (OperatingSystem.IsLinux())
            {
                Assert.False(ProcessView.MapsFile(path), "the dropped map's file is still mapped");
                Assert.False(ProcessView.HasOpen(path), "the dropped map's file is still open");
            }
        }

        [Fact]
        public void Dispose_UnmapsAndClosesTheFile()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads /proc/self, which only Linux has.");
            string path = _folder.CreatePatternFile("unmapped.bin", 3 * s_page);
            MemoryMap map = MemoryMap.OpenFile(path, 5);
            Assert.True(ProcessView.MapsFile(path));
            Assert.True(ProcessView.HasOpen(path));

            map.Dispose();

            Assert.False(ProcessView.MapsFile(path));
            Assert.False(ProcessView.HasOpen(path));
        }

        [Fact]
        public void Dispose_OfAStreamMap_UnmapsButLeavesTheStream()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads /proc/self, which only Linux has.");
            string path = _folder.CreatePatternFile("stream.bin", 3 * s_page);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            MemoryMap map = MemoryMap.OpenFile(stream);

            map.Dispose();

            Assert.False(ProcessView.MapsFile(path));
            Assert.True(ProcessView.HasOpen(path));
            Assert.Equal(Pattern.At(0), (byte)stream.ReadByte());
        }

        [Fact]
        public void FailedOpen_ClosesTheFileItOpened()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads /proc/self, which only Linux has.");
            string path = _folder.CreatePatternFile("failed.bin", 100);

            Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile(path, 100));

            Assert.False(ProcessView.HasOpen(path));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (WeakReference, int) MapAndDrop(string path)
        {
            MemoryMap map = MemoryMap.OpenFile(path, 1);
            Assert.Equal(Pattern.At(1), map.Read(0, 1)[0]);
            Assert.Contains(map, MemoryMap.GetOpenMaps());
            return (new WeakReference(map), map.Id);
        }

        private static void Invoke(MemoryMap map, string operation)
        {
            switch (operation)
            {
                case "Read": map.Read(0, 1); break;
                case "ReadIntoBuffer": map.Read(0, new byte[1], 0, 1); break;
                case "Write": map.Write(0, new byte[1]); break;
                case "WriteSlice": map.Write(0, new byte[2], 1, 1); break;
                case "Sync": map.Sync(); break;
                case "SyncRange": map.Sync(1, 1, async: true); break;
                case "SetProtection": map.SetProtection(MemoryProtection.Read); break;
                default: throw new ArgumentOutOfRangeException(nameof(operation), operation, null);
            }
        }
    }
}
