using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Locking pages: the bookkeeping of which map locked which pages (pure, against a model), and
    /// the locks themselves, checked where Linux shows them, in the "Locked:" lines of
    /// /proc/self/smaps for the map's own mapping (a per-mapping count, so other test classes
    /// running in parallel do not disturb it, as they would VmLck).
    /// </summary>
    public sealed class LockTests : IDisposable
    {
        private static readonly long Page = MemoryMap.PageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void LockedPages_TouchingRunsMerge_AndWithoutSplits()
        {
            LockedPages pages = LockedPages.Of(2, 5).Union(5, 8);

            Assert.Equal(new[] { (2L, 8L) }, pages.Runs);
            Assert.Equal(new[] { (2L, 4L), (6L, 8L) }, pages.Without(4, 6).Runs);
            Assert.Equal(6, pages.Count);
            Assert.True(pages.Without(0, 100).IsEmpty);
        }

        [Fact]
        public void LockedPages_Within_ClipsToTheRange()
        {
            LockedPages pages = LockedPages.Of(0, 3).Union(6, 9);

            Assert.Equal(new[] { (2L, 3L), (6L, 7L) }, pages.Within(2, 7).Runs);
            Assert.True(pages.Within(3, 6).IsEmpty);
        }

        [Fact]
        public void LockedPages_AgreeWithASetOfPages_OverRandomChanges()
        {
            var random = new Random(14);
            for (int round = 0; round < 200; round++)
            {
                var model = new bool[64];
                LockedPages pages = LockedPages.Empty;
                LockedPages other = LockedPages.Empty;
                var otherModel = new bool[64];
                for (int step = 0; step < 12; step++)
                {
                    int first = random.Next(64);
                    int end = first + random.Next(64 - first + 1);
                    bool add = random.Next(3) != 0;
                    pages = add ? pages.Union(first, end) : pages.Without(first, end);
                    for (int i = first; i < end; i++)
                    {
                        model[i] = add;
                    }

                    int otherFirst = random.Next(64);
                    int otherEnd = otherFirst + random.Next(64 - otherFirst + 1);
                    other = other.Union(otherFirst, otherEnd);
                    for (int i = otherFirst; i < otherEnd; i++)
                    {
                        otherModel[i] = true;
                    }

                    AssertSame(model, pages);
                    var union = new bool[64];
                    var difference = new bool[64];
                    for (int i = 0; i < 64; i++)
                    {
                        union[i] = model[i] || otherModel[i];
                        difference[i] = model[i] && !otherModel[i];
                    }

                    AssertSame(union, pages.Union(other));
                    AssertSame(difference, pages.Without(other));
                }
            }
        }

        [Fact]
        public void Lock_WholeFileMap_LocksItsPages_AndCloseReleasesThem()
        {
            string path = _folder.CreatePatternFile("whole.bin", (5 * Page) + 10);
            MemoryMap map = MemoryMap.OpenFile(path);
            long address = map.Address.ToInt64();

            map.Lock(0, map.Size);

            Assert.Equal(6 * Page, map.LockedBytes);
            AssertLockedInSmaps(address, map.Size, 6 * Page);
            Assert.Equal(Pattern.At(5 * Page), map.Read(5 * Page, 1)[0]);

            map.Dispose();
            Assert.Equal(0, map.LockedBytes);
            AssertLockedInSmaps(address, 6 * Page, 0);
        }

        [Theory]
        [InlineData(0L, 0L, 1L, 1L)]
        [InlineData(0L, 4095L, 2L, 2L)]
        [InlineData(3L, 4093L, 1L, 1L)]
        [InlineData(3L, 4092L, 2L, 2L)]
        [InlineData(3L, 0L, 4096L, 2L)]
        public void Lock_Range_LocksTheWholePagesItTouches(long mapOffset, long offset, long count, long pages)
        {
            // The offsets assume 4 KiB pages; elsewhere the page arithmetic differs and is not checked.
            if (Page != 4096)
            {
                return;
            }

            string path = _folder.CreatePatternFile("range.bin", 8 * Page);
            using MemoryMap map = MemoryMap.OpenFile(path, mapOffset);

            map.Lock(offset, count);

            Assert.Equal(pages * Page, map.LockedBytes);
            AssertLockedInSmaps(map.Address.ToInt64() - mapOffset, map.Size + mapOffset, pages * Page);
        }

        [Fact]
        public void Unlock_ThroughAView_KeepsThePagesItsParentLocked()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(6 * Page);
            MemoryMap view = parent.CreateView(2 * Page, 3 * Page);

            parent.Lock(0, 3 * Page);
            view.Lock(0, view.Size);
            Assert.Equal(5 * Page, parent.LockedBytes);

            view.Unlock(0, view.Size);

            Assert.Equal(3 * Page, parent.LockedBytes);
            Assert.Equal(Page, view.LockedBytes);
            Assert.Contains("map " + parent.Id.ToString(CultureInfo.InvariantCulture) + " locked them too", view.DescribeOtherLocks(0, view.Size));
            Assert.Null(parent.DescribeOtherLocks(0, parent.Size));
            AssertLockedInSmaps(parent.Address.ToInt64(), parent.Size, 3 * Page);
        }

        [Fact]
        public void Dispose_OfAView_ReleasesOnlyWhatNoOtherMapLocks()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(6 * Page);
            MemoryMap first = parent.CreateView(0, 3 * Page);
            MemoryMap second = parent.CreateView(2 * Page, 3 * Page);
            first.Lock(0, first.Size);
            second.Lock(0, second.Size);

            first.Dispose();

            Assert.Equal(3 * Page, parent.LockedBytes);
            Assert.Equal(3 * Page, second.LockedBytes);
            AssertLockedInSmaps(parent.Address.ToInt64(), parent.Size, 3 * Page);

            second.Dispose();
            Assert.Equal(0, parent.LockedBytes);
            AssertLockedInSmaps(parent.Address.ToInt64(), parent.Size, 0);
        }

        [Fact]
        public void Unlock_OfTheParent_ReleasesItsViewsLocks()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * Page);
            MemoryMap view = parent.CreateView(Page, 2 * Page);
            view.Lock(0, view.Size);

            parent.Unlock(0, parent.Size);

            Assert.Equal(0, view.LockedBytes);
            Assert.Null(view.DescribeOtherLocks(0, view.Size));
            AssertLockedInSmaps(parent.Address.ToInt64(), parent.Size, 0);
        }

        [Fact]
        public void Lock_ClosedMap_Throws_AndOutsideTheMap_ThrowsRangeOutsideMap()
        {
            MemoryMap closed = MemoryMap.CreateAnonymous(100);
            closed.Dispose();
            using MemoryMap map = MemoryMap.CreateAnonymous(100);

            Assert.Throws<ObjectDisposedException>(() => closed.Lock(0, 1));
            Assert.Throws<ObjectDisposedException>(() => closed.CheckLock(0, 1));
            Assert.Throws<ObjectDisposedException>(() => closed.Unlock(0, 1));
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.Lock(50, 51)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.CheckLock(101, 0)).Error);
            Assert.Equal(MemoryMapError.CountNegative, Assert.Throws<MemoryMapArgumentException>(() => map.Unlock(0, -1)).Error);
            Assert.Equal(0, map.LockedBytes);
        }

        [Fact]
        public void Lock_CountZero_LocksNothing()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * Page);

            map.Lock(Page, 0);
            map.CheckLock(2 * Page, 0);

            Assert.Equal(0, map.LockedBytes);
        }

        [Fact]
        public void LinuxMemlockLimit_IsWhatPythonReadsWithGetrlimit()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "The Linux values are checked on Linux, where Python has them.");
            string python = PlatformConstantsTests.RunPython(
                "import resource; soft, hard = resource.getrlimit(resource.RLIMIT_MEMLOCK); "
                + "print(resource.RLIMIT_MEMLOCK, soft & 0xFFFFFFFFFFFFFFFF, hard & 0xFFFFFFFFFFFFFFFF, resource.RLIM_INFINITY & 0xFFFFFFFFFFFFFFFF)");
            Assert.SkipWhen(python == null, "python3 is not installed here.");
            string[] values = python.Trim().Split(' ');

            Assert.True(((PosixMapper)NativeMapper.Current).TryGetMemlockLimit(out ulong soft, out ulong hard));
            Assert.Equal(int.Parse(values[0], CultureInfo.InvariantCulture), PosixConstants.Linux.RLIMIT_MEMLOCK);
            Assert.Equal(ulong.Parse(values[1], CultureInfo.InvariantCulture), soft);
            Assert.Equal(ulong.Parse(values[2], CultureInfo.InvariantCulture), hard);
            Assert.Equal(ulong.Parse(values[3], CultureInfo.InvariantCulture), PosixConstants.Linux.RLIM_INFINITY);
        }

        private static void AssertSame(bool[] model, LockedPages pages)
        {
            long count = 0;
            for (int i = 0; i < model.Length; i++)
            {
                Assert.Equal(model[i], pages.Contains(i));
                count += model[i] ? 1 : 0;
            }

            Assert.Equal(count, pages.Count);
            long previousEnd = -1;
            foreach ((long first, long end) in pages.Runs)
            {
                // Sorted, not empty, neither overlapping nor touching.
                Assert.True(first > previousEnd && end > first);
                previousEnd = end;
            }
        }

        /// <summary>
        /// On Linux, that the mappings over address..address + length hold <paramref name="expected"/>
        /// locked bytes by /proc/self/smaps; elsewhere nothing is checked (LockedBytes is).
        /// </summary>
        private static void AssertLockedInSmaps(long address, long length, long expected)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return;
            }

            long locked = 0;
            bool inside = false;
            foreach (string line in File.ReadLines("/proc/self/smaps"))
            {
                int dash = line.IndexOf('-');
                int space = line.IndexOf(' ');
                if (dash > 0 && space > dash && long.TryParse(line.Substring(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long start)
                    && long.TryParse(line.Substring(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long end))
                {
                    inside = start < address + length && end > address;
                }
                else if (inside && line.StartsWith("Locked:", StringComparison.Ordinal))
                {
                    locked += long.Parse(line.Substring(7).Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }

            Assert.Equal(expected, locked);
        }
    }
}
