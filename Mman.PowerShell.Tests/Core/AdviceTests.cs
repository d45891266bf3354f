using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Prefetch, touch, evict, discard and access hints through MemoryMap, on every system: the
    /// values a map reads afterwards, what the file holds, and which failures are refused first.
    /// </summary>
    public sealed class AdviceTests : IDisposable
    {
        private static readonly long Page = MemoryMap.PageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void Touch_WholeMap_VisitsEveryPageAndReportsProgress()
        {
            string path = _folder.CreatePatternFile("touch.bin", (Page * 2500) + 7);
            using MemoryMap map = MemoryMap.OpenFile(path);
            var reports = new List<long>();

            bool finished = map.Touch(0, map.Size, done => { reports.Add(done); return true; });

            Assert.True(finished);
            Assert.Equal(map.Size, reports[reports.Count - 1]);
            Assert.True(reports.Count >= 3, "2,501 pages take three batches of 1,024");
            Assert.Equal(Pattern.At(map.Size - 1), map.Read(map.Size - 1, 1)[0]);
        }

        [Fact]
        public void Touch_StoppedByCallback_ReturnsFalseAfterOneBatch()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(Page * 4096);
            int calls = 0;

            bool finished = map.Touch(0, map.Size, _ => ++calls < 1);

            Assert.False(finished);
            Assert.Equal(1, calls);
        }

        [Fact]
        public void Touch_RangeInsideAPage_ReadsOneByte()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(Page * 2);
            long done = -1;

            Assert.True(map.Touch(10, 5, d => { done = d; return true; }));
            Assert.Equal(5, done);
        }

        [Fact]
        public void Touch_NoAccess_IsMapNotReadable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(Page, MemoryProtection.None);

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Touch(0, map.Size));
            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
        }

        [Fact]
        public void Prefetch_OutsideOrClosed_IsRefused()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(Page);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.Prefetch(1, Page)).Error);
            map.Prefetch(0, Page);
            map.Dispose();
            Assert.Throws<ObjectDisposedException>(() => map.Prefetch(0, Page));
        }

        [Fact]
        public void Evict_SharedFileMap_KeepsWhatWasWritten()
        {
            string path = _folder.CreatePatternFile("evict.bin", Page * 8);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            byte[] marker = Pattern.Marker(100);
            map.Write((Page * 3) - 50, marker);

            map.Evict(Page, Page * 3);

            Assert.Equal(marker, SharedFile.ReadAllBytes(path).AsSpan((int)(Page * 3) - 50, 100).ToArray());
            Assert.Equal(marker, map.Read((Page * 3) - 50, 100));
        }

        [Theory]
        [InlineData(MemoryMapKind.Anonymous)]
        [InlineData(MemoryMapKind.File)]
        public void Evict_NotASharedFileMap_IsNoCacheToEvict(MemoryMapKind kind)
        {
            using MemoryMap map = kind == MemoryMapKind.Anonymous
                ? MemoryMap.CreateAnonymous(Page)
                : MemoryMap.OpenFile(_folder.CreatePatternFile("private.bin", Page), protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);

            Assert.Equal(MemoryMapError.NoCacheToEvict, Assert.Throws<MemoryMapException>(() => map.CheckEvict(0, Page)).Error);
            Assert.Equal(MemoryMapError.NoCacheToEvict, Assert.Throws<MemoryMapException>(() => map.Evict(0, Page)).Error);
        }

        [Fact]
        public void EvictFile_IsNotSupportedOnlyOnWindows()
        {
            string path = _folder.CreatePatternFile("file.bin", Page * 3);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                Assert.False(MemoryMap.CanEvictFileCache);
                Assert.Equal(MemoryMapError.NotSupportedOnThisSystem, Assert.Throws<MemoryMapException>(() => MemoryMap.EvictFile(path)).Error);
            }
            else
            {
                Assert.True(MemoryMap.CanEvictFileCache);
                MemoryMap.EvictFile(path);
                Assert.Equal(Pattern.Bytes(0, (int)(Page * 3)), SharedFile.ReadAllBytes(path));
            }
        }

        [Fact]
        public void PrefetchFile_EmptyFile_DoesNothing()
        {
            string path = _folder.CreateFile("empty.bin", new byte[0]);
            MemoryMap.PrefetchFile(path);
        }

        [Fact]
        public void Discard_Anonymous_ReadsZeros()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(Page * 3);
            map.Write(0, Pattern.Bytes(0, (int)(Page * 3)));

            map.Discard(Page, Page * 2);

            Assert.Equal(Pattern.Bytes(0, (int)Page), map.Read(0, Page));
            Assert.Equal(new byte[Page * 2], map.Read(Page, Page * 2));
        }

        [Fact]
        public void Discard_PrivateFileMap_ReadsTheFileAgain()
        {
            string path = _folder.CreatePatternFile("private.bin", (Page * 2) + 10);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);
            map.Write(5, Pattern.Marker(20));
            map.Write(map.Size - 3, Pattern.Marker(3));

            map.Discard(0, map.Size);

            Assert.Equal(Pattern.Bytes(0, (int)map.Size), map.Read(0, map.Size));
        }

        [Fact]
        public void Discard_MixedProtection_KeepsEachPagesProtection()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(Page * 3);
            map.Write(Page, new byte[] { 9 });
            using MemoryMap middle = map.CreateView(Page, Page);
            middle.SetProtection(MemoryProtection.Read);

            map.Discard(0, map.Size);

            Assert.Equal(MemoryProtection.Read, middle.Protection);
            Assert.Equal(0, middle.Read(0, 1)[0]);
            Assert.Throws<MemoryMapAccessException>(() => middle.Write(0, new byte[] { 1 }));
            map.Write(0, new byte[] { 1 });
        }

        [Theory]
        [InlineData(MemoryMapKind.Anonymous)]
        [InlineData(MemoryMapKind.File)]
        public void Discard_Shared_IsDiscardNotPrivateAndChangesNothing(MemoryMapKind kind)
        {
            string path = _folder.CreatePatternFile("shared.bin", Page);
            using MemoryMap map = kind == MemoryMapKind.Anonymous
                ? MemoryMap.CreateAnonymous(Page, sharing: MapSharing.Shared)
                : MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            map.Write(0, new byte[] { 0xEE });

            Assert.Equal(MemoryMapError.DiscardNotPrivate, Assert.Throws<MemoryMapException>(() => map.CheckDiscard(0, Page)).Error);
            Assert.Equal(MemoryMapError.DiscardNotPrivate, Assert.Throws<MemoryMapException>(() => map.Discard(0, Page)).Error);
            Assert.Equal(0xEE, map.Read(0, 1)[0]);
        }

        [Theory]
        [InlineData(1L, 4095L)]
        [InlineData(0L, 10L)]
        public void Discard_InsideAPage_IsRangeNotPageAligned(long offset, long count)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(Page * 2);
            map.Write(0, new byte[] { 7 });

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.Discard(offset, count));
            Assert.Equal(MemoryMapError.RangeNotPageAligned, e.Error);
            Assert.Equal(7, map.Read(0, 1)[0]);
        }

        [Fact]
        public void SetAccessHint_RecordsTheHint()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(Page * 2);
            Assert.Equal(MemoryMapAccessHint.Normal, map.AccessHint);

            bool applied = map.SetAccessHint(MemoryMapAccessHint.Sequential);

            Assert.Equal(MemoryMapAccessHint.Sequential, map.AccessHint);
            Assert.Equal(!RuntimeInformation.IsOSPlatform(OSPlatform.Windows), applied);
            Assert.Throws<MemoryMapArgumentException>(() => map.SetAccessHint((MemoryMapAccessHint)7));
        }

        [Fact]
        public void AdviceConstants_EqualWhatPythonReadFromThisSystemsHeaders()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "The Linux values are checked on Linux, where Python has them.");
            string python = PlatformConstantsTests.RunPython(
                "import mmap, os; print(mmap.MADV_NORMAL, mmap.MADV_RANDOM, mmap.MADV_SEQUENTIAL, mmap.MADV_WILLNEED, mmap.MADV_DONTNEED, os.POSIX_FADV_WILLNEED, os.POSIX_FADV_DONTNEED)");
            Assert.SkipWhen(python == null, "python3 is not installed here.");

            Assert.Equal(
                python.Trim(),
                string.Join(
                    " ",
                    Interop.Libc.MADV_NORMAL, Interop.Libc.MADV_RANDOM, Interop.Libc.MADV_SEQUENTIAL, Interop.Libc.MADV_WILLNEED,
                    Interop.Libc.MADV_DONTNEED, Interop.Libc.POSIX_FADV_WILLNEED, Interop.Libc.POSIX_FADV_DONTNEED));
        }

        [Fact]
        public void MapFixed_IsThatOfTheHeaders()
        {
            // asm-generic/mman-common.h and macOS's sys/mman.h agree; Python does not expose it.
            Assert.Equal(0x10, Interop.Libc.MAP_FIXED);
        }

        [Fact]
        public void ProtectionRuns_ClippedToTheSpan()
        {
            var pages = new PageProtections(10, MemoryProtection.Read).With(3, 5, MemoryProtection.None);

            var runs = pages.Runs(2, 7);

            Assert.Equal(new[] { (2L, 3L, MemoryProtection.Read), (3L, 5L, MemoryProtection.None), (5L, 7L, MemoryProtection.Read) }, runs.ToArray());
        }
    }
}
