using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Views: maps of a range of another map over the same memory. Confined to their range, closed
    /// with their parent, and able to change the protection of their own pages only.
    /// </summary>
    public sealed class ViewTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Theory]
        [InlineData(-1L)]
        [InlineData(long.MinValue)]
        public void CreateView_NegativeOffset_ThrowsOffsetNegative(long offset)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.CreateView(offset));

            Assert.Equal(MemoryMapError.OffsetNegative, e.Error);
            Assert.Equal("Offset must not be negative, got " + offset, e.Message);
            Assert.Equal("offset", e.ParamName);
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(-1L)]
        [InlineData(long.MinValue)]
        public void CreateView_SizeNotPositive(long size)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.CreateView(0, size));

            Assert.Equal(MemoryMapError.SizeNotPositive, e.Error);
            Assert.Equal("Size must be positive, got " + size, e.Message);
            Assert.Equal("size", e.ParamName);
        }

        // Size 0 stands for "no size": to the end of the map.
        [Theory]
        [InlineData(8192L, 0L, "offset")]
        [InlineData(8192L, 1L, "offset")]
        [InlineData(8193L, 0L, "offset")]
        [InlineData(long.MaxValue, 0L, "offset")]
        [InlineData(long.MaxValue, long.MaxValue, "offset")]
        [InlineData(0L, 8193L, "size")]
        [InlineData(1L, 8192L, "size")]
        [InlineData(8191L, 2L, "size")]
        [InlineData(10L, long.MaxValue, "size")]
        public void CreateView_OutsideTheMap_ThrowsRangeOutsideMap(long offset, long size, string paramName)
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(8192);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.CreateView(offset, size == 0 ? null : size));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
            Assert.Equal(paramName, e.ParamName);
            Assert.StartsWith("A view must lie inside map " + map.Id + ", which is 8192 bytes: offset " + offset, e.Message);
        }

        [Fact]
        public void CreateView_OutsideTheMap_MessageSaysWhatFits()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(8192);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.CreateView(100, 8100));

            Assert.Equal(
                "A view must lie inside map " + map.Id + ", which is 8192 bytes: offset 100 with size 8100 does not. Use an offset below 8192 and a size of at most 8192 minus the offset.",
                e.Message);
        }

        [Fact]
        public void CreateView_OfAClosedMap_ThrowsObjectDisposed()
        {
            MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            map.Dispose();

            var e = Assert.Throws<ObjectDisposedException>(() => map.CreateView(0));

            Assert.StartsWith("Mapping is closed: map " + map.Id + " was closed.", e.Message);
        }

        [Fact]
        public void View_OfAnonymousMemory_HasItsParentsPropertiesAndItsOwnRange()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * s_page, sharing: MapSharing.Shared);

            using MemoryMap view = parent.CreateView(s_page + 3, 100);

            Assert.Same(parent, view.Parent);
            Assert.Equal(s_page + 3, view.ParentOffset);
            Assert.Equal(100, view.Size);
            Assert.Equal(0, view.FileOffset);
            Assert.Equal(MemoryMapKind.Anonymous, view.Kind);
            Assert.Null(view.Path);
            Assert.Null(view.Name);
            Assert.Equal(MapSharing.Shared, view.Sharing);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, view.Protection);
            Assert.Equal(parent.Address + (int)(s_page + 3), view.Address);
            Assert.NotEqual(parent.Id, view.Id);
            Assert.True(view.IsValid);
            Assert.Null(parent.Parent);
            Assert.Equal(0, parent.ParentOffset);
            Assert.Contains(" (view of map " + parent.Id + " at " + (s_page + 3) + "), 100 bytes, ", view.ToString());
        }

        [Fact]
        public void View_WithoutASize_ReachesTheEndOfItsParent()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(3 * s_page + 7);

            using MemoryMap view = parent.CreateView(s_page + 1);

            Assert.Equal(2 * s_page + 6, view.Size);
            Assert.Equal(parent.Address + (int)(s_page + 1), view.Address);
        }

        [Fact]
        public void View_OfTheWholeMap_IsTheSameMemory()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(s_page);

            using MemoryMap view = parent.CreateView(0);

            Assert.Equal(parent.Size, view.Size);
            Assert.Equal(parent.Address, view.Address);
        }

        [Fact]
        public void View_SharesMemoryWithItsParentBothWays()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(3 * s_page);
            using MemoryMap view = parent.CreateView(s_page - 10, s_page);

            parent.Write(s_page - 5, Pattern.Marker(10));
            view.Write(s_page - 4, Pattern.Marker(4, 0x33));

            Assert.Equal(Pattern.Marker(10), view.Read(5, 10));
            Assert.Equal(Pattern.Marker(4, 0x33), parent.Read(2 * s_page - 14, 4));
        }

        [Fact]
        public void View_OfAPrivateMap_IsPrivateToo()
        {
            string path = _folder.CreatePatternFile("private.bin", 2 * s_page);
            using MemoryMap parent = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);
            using MemoryMap view = parent.CreateView(10, 10);

            view.Write(0, new byte[] { 0xFE });

            Assert.Equal(MapSharing.Private, view.Sharing);
            Assert.Equal(new byte[] { 0xFE }, parent.Read(10, 1));
            Assert.Equal(Pattern.At(10), SharedFile.ReadAllBytes(path)[10]);
        }

        [Fact]
        public void View_OfAFileMapAtOddOffsets_ReadsTheRightFileBytes()
        {
            string path = _folder.CreatePatternFile("odd.bin", 5 * s_page);
            using MemoryMap parent = MemoryMap.OpenFile(path, 4097);

            using MemoryMap view = parent.CreateView(3001, 5000);
            using MemoryMap inner = view.CreateView(7, 10);

            Assert.Equal(MemoryMapKind.File, view.Kind);
            Assert.Equal(parent.Path, view.Path);
            Assert.Equal(4097 + 3001, view.FileOffset);
            Assert.Equal(4097 + 3001 + 7, inner.FileOffset);
            Assert.Equal(Pattern.Bytes(4097 + 3001, 5000), view.Read(0, 5000));
            Assert.Equal(Pattern.Bytes(4097 + 3001 + 7, 10), inner.Read(0, 10));
            Assert.Equal(parent.Address + 3001, view.Address);
        }

        [Fact]
        public void View_OfASharedFileMap_WritesReachTheFile()
        {
            string path = _folder.CreatePatternFile("shared.bin", 3 * s_page);
            using MemoryMap parent = MemoryMap.OpenFile(path, 1, protection: MemoryProtection.Read | MemoryProtection.Write);
            using MemoryMap view = parent.CreateView(s_page + 10, 20);

            view.Write(19, new byte[] { 0xAB });
            view.Sync();

            Assert.Equal(0xAB, SharedFile.ReadAllBytes(path)[1 + s_page + 10 + 19]);
        }

        [Fact]
        public void View_OfAReadOnlySharedFileMap_RaisedToWrite_IsProtectionDenied()
        {
            string path = _folder.CreatePatternFile("ro.bin", 2 * s_page);
            using MemoryMap parent = MemoryMap.OpenFile(path);
            using MemoryMap view = parent.CreateView(s_page, s_page);

            var e = Assert.Throws<MemoryMapException>(() => view.SetProtection(MemoryProtection.Read | MemoryProtection.Write));

            Assert.Equal(MemoryMapError.ProtectionDenied, e.Error);
            Assert.Equal(MemoryProtection.Read, parent.Protection);
            Assert.Equal(MemoryProtection.Read, view.Protection);
        }

        [Fact]
        public void View_IsConfinedToItsRange()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(2 * s_page);
            using MemoryMap view = parent.CreateView(100, 50);

            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.Read(49, 2)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.Read(50, 1)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.Write(50, new byte[] { 1 })).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.Write(0, new byte[51])).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.Sync(40, 11)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.CreateView(50)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.CreateView(1, 50)).Error);
            Assert.Empty(view.Read(50, 0));
            Assert.Equal(new byte[2 * s_page], parent.Read(0, 2 * s_page));
        }

        [Fact]
        public void ViewOfAView_IsConfinedToItsOwnRangeAndSharesTheRoot()
        {
            using MemoryMap root = MemoryMap.CreateAnonymous(2 * s_page);
            using MemoryMap outer = root.CreateView(100, 1000);
            using MemoryMap inner = outer.CreateView(50, 100);

            inner.Write(99, new byte[] { 0x44 });

            Assert.Same(outer, inner.Parent);
            Assert.Equal(50, inner.ParentOffset);
            Assert.Equal(root.Address + 150, inner.Address);
            Assert.Equal(new byte[] { 0x44 }, root.Read(249, 1));
            Assert.Equal(new byte[] { 0x44 }, outer.Read(149, 1));
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => inner.Read(100, 1)).Error);
        }

        [Fact]
        public void DisposingTheParent_ClosesItsViewsAndTheirViews()
        {
            MemoryMap root = MemoryMap.CreateAnonymous(2 * s_page);
            MemoryMap view = root.CreateView(10, 100);
            MemoryMap inner = view.CreateView(5, 5);

            root.Dispose();

            Assert.False(view.IsValid);
            Assert.False(inner.IsValid);
            Assert.Equal(IntPtr.Zero, view.Address);
            var e = Assert.Throws<ObjectDisposedException>(() => view.Read(0, 1));
            Assert.Equal(
                "Mapping is closed: map " + view.Id + " was closed with map " + root.Id + ", which it is a view of. Views live only as long as their parent.",
                e.Message);
            Assert.Contains("was closed with map " + view.Id + ",", Assert.Throws<ObjectDisposedException>(() => inner.Read(0, 1)).Message);
            Assert.Contains("closed with map", Assert.Throws<ObjectDisposedException>(() => view.Write(0, new byte[1])).Message);
            Assert.Contains("closed with map", Assert.Throws<ObjectDisposedException>(() => view.SetProtection(MemoryProtection.Read)).Message);
            Assert.Contains("closed with map", Assert.Throws<ObjectDisposedException>(() => view.CreateView(0)).Message);
            Assert.Contains("closed with map", Assert.Throws<ObjectDisposedException>(() => view.IndexOf(new byte[] { 0 }, 0, 10)).Message);
            Assert.Contains("closed with map", Assert.Throws<ObjectDisposedException>(() => view.CreateStream(0, 10)).Message);
            view.Dispose();
            inner.Dispose();
            Assert.EndsWith(", closed", view.ToString());
        }

        [Fact]
        public void DisposingAView_LeavesItsParentAndSiblingsWorking()
        {
            string path = _folder.CreatePatternFile("parent.bin", 3 * s_page);
            using MemoryMap parent = MemoryMap.OpenFile(path, 5, protection: MemoryProtection.Read | MemoryProtection.Write);
            MemoryMap view = parent.CreateView(s_page, 100);
            MemoryMap inner = view.CreateView(1, 10);
            using MemoryMap sibling = parent.CreateView(s_page, 100);

            view.Dispose();

            Assert.True(parent.IsValid);
            Assert.True(sibling.IsValid);
            Assert.False(inner.IsValid);
            Assert.Equal(Pattern.Bytes(5, 100), parent.Read(0, 100));
            parent.Write(s_page, new byte[] { 0x10 });
            Assert.Equal(new byte[] { 0x10 }, sibling.Read(0, 1));
            Assert.Equal(
                "Mapping is closed: map " + view.Id + " was closed.",
                Assert.Throws<ObjectDisposedException>(() => view.Read(0, 1)).Message);
            Assert.Contains("was closed with map " + view.Id + ",", Assert.Throws<ObjectDisposedException>(() => inner.Read(0, 1)).Message);
            using MemoryMap again = parent.CreateView(s_page, 100);
            Assert.Equal(new byte[] { 0x10 }, again.Read(0, 1));
            if (OperatingSystem.IsLinux())
            {
                Assert.True(ProcessView.MapsFile(path));
                Assert.True(ProcessView.HasOpen(path));
            }
        }

        [Fact]
        public void GetOpenMaps_ListsOpenViewsOnly()
        {
            MemoryMap parent = MemoryMap.CreateAnonymous(s_page);
            MemoryMap first = parent.CreateView(0, 10);
            MemoryMap second = parent.CreateView(10, 10);
            MemoryMap inner = second.CreateView(1, 1);
            Assert.Subset(Ids(MemoryMap.GetOpenMaps()), new HashSet<int> { parent.Id, first.Id, second.Id, inner.Id });

            first.Dispose();

            HashSet<int> open = Ids(MemoryMap.GetOpenMaps());
            Assert.DoesNotContain(first.Id, open);
            Assert.Subset(open, new HashSet<int> { parent.Id, second.Id, inner.Id });

            parent.Dispose();

            open = Ids(MemoryMap.GetOpenMaps());
            Assert.DoesNotContain(parent.Id, open);
            Assert.DoesNotContain(second.Id, open);
            Assert.DoesNotContain(inner.Id, open);
            Assert.Null(MemoryMapRegistry.Find(inner.Id));
        }

        [Fact]
        public void SetProtection_OnAnAlignedView_ChangesOnlyItsPages()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * s_page);
            parent.Write(0, Pattern.Bytes(0, (int)(4 * s_page)));
            using MemoryMap view = parent.CreateView(s_page, s_page);

            view.SetProtection(MemoryProtection.Read);

            Assert.Equal(MemoryProtection.Read, view.Protection);
            Assert.Equal(MemoryProtection.Read, parent.Protection);
            parent.Write(0, new byte[] { 1 });
            parent.Write(s_page - 1, new byte[] { 2 });
            parent.Write(2 * s_page, new byte[] { 3 });
            parent.Write(4 * s_page - 1, new byte[] { 4 });
            var e = Assert.Throws<MemoryMapAccessException>(() => parent.Write(s_page + 5, new byte[] { 9 }));
            Assert.Equal(MemoryMapError.MapNotWritable, e.Error);
            Assert.Equal(
                "Mapping is not writable: bytes " + (s_page + 5) + ".." + (s_page + 5) + " of map " + parent.Id + " have protection Read.",
                e.Message);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => parent.Write(s_page - 1, new byte[2])).Error);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => parent.Write(2 * s_page - 1, new byte[2])).Error);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => view.Write(0, new byte[1])).Error);
            Assert.Equal(Pattern.Bytes(s_page, 100), view.Read(0, 100));
            Assert.Equal(Pattern.Bytes(s_page + 5, 1), parent.Read(s_page + 5, 1));
        }

        [Fact]
        public void SetProtection_NoneOnAView_RefusesParentReadsOfItsPagesOnly()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * s_page);
            parent.Write(0, Pattern.Bytes(0, (int)(4 * s_page)));
            using MemoryMap view = parent.CreateView(s_page, s_page);

            view.SetProtection(MemoryProtection.None);

            Assert.Equal(MemoryProtection.None, parent.Protection);
            Assert.Equal(Pattern.Bytes(0, (int)s_page), parent.Read(0, s_page));
            Assert.Equal(Pattern.Bytes(2 * s_page, (int)(2 * s_page)), parent.Read(2 * s_page, 2 * s_page));
            AssertNotReadable(() => parent.Read(s_page + 1, 1));
            AssertNotReadable(() => parent.Read(0, parent.Size));
            AssertNotReadable(() => parent.Read(s_page - 1, 2));
            AssertNotReadable(() => parent.Read(2 * s_page - 1, 2));
            AssertNotReadable(() => view.Read(0, 1));
            AssertNotReadable(() => parent.IndexOf(new byte[] { 0xFF }, 0, parent.Size));
            AssertNotReadable(() => parent.Gather<byte>(new long[] { 0, s_page + 1 }, 1));
            AssertNotReadable(() => parent.ReadArray<long>(s_page - 8, 2));
            using (MemoryMapStream stream = parent.CreateStream(s_page - 1, 2))
            {
                AssertNotReadable(() => stream.Read(new byte[2], 0, 2));
            }

            Assert.Equal(Pattern.Bytes(0, 1), parent.Gather<byte>(new long[] { 0 }, 1));
            Assert.Equal(new[] { Pattern.At(1), Pattern.At(2 * s_page + 1) }, parent.Gather<byte>(new long[] { 1, 2 * s_page + 1 }, 1));
            Assert.Equal(2 * s_page + 1, parent.IndexOf(Pattern.Bytes(2 * s_page + 1, 3), 2 * s_page, 2 * s_page));
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => parent.Scatter(new long[] { 0, s_page }, new byte[] { 1, 2 })).Error);
            Assert.Equal(Pattern.At(0), parent.Read(0, 1)[0]);
        }

        [Fact]
        public void SetProtection_OnTheParent_CoversItsViewsAgain()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(3 * s_page);
            using MemoryMap view = parent.CreateView(s_page, s_page);
            view.SetProtection(MemoryProtection.None);

            parent.SetProtection(MemoryProtection.Read | MemoryProtection.Write);

            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, view.Protection);
            view.Write(0, new byte[] { 8 });
            Assert.Equal(new byte[] { 8 }, parent.Read(s_page, 1));
        }

        [Fact]
        public void SetProtection_OnOneView_LeavesASiblingOnOtherPagesAlone()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(3 * s_page);
            using MemoryMap first = parent.CreateView(0, s_page);
            using MemoryMap second = parent.CreateView(s_page, s_page);
            using MemoryMap across = parent.CreateView(s_page - 1, 2);

            first.SetProtection(MemoryProtection.None);

            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, second.Protection);
            Assert.Equal(MemoryProtection.None, across.Protection);
            second.Write(0, new byte[] { 1 });
            Assert.Equal(new byte[] { 1 }, second.Read(0, 1));
            AssertNotReadable(() => across.Read(0, 2));
            Assert.Equal(new byte[] { 1 }, across.Read(1, 1));
        }

        [Fact]
        public void SetProtection_OnAnUnalignedView_ChangesTheWholePagesItTouches()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(3 * s_page);
            using MemoryMap view = parent.CreateView(s_page + 100, 200);

            view.SetProtection(MemoryProtection.Read);

            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => parent.Write(s_page, new byte[1])).Error);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => parent.Write(2 * s_page - 1, new byte[1])).Error);
            parent.Write(s_page - 1, new byte[1]);
            parent.Write(2 * s_page, new byte[1]);
        }

        [Fact]
        public void DescribeProtectionSpill_IsNullForRootsAndAlignedViews()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * s_page);
            using MemoryMap odd = MemoryMap.CreateAnonymous(s_page + 100);

            Assert.Null(parent.DescribeProtectionSpill());
            Assert.Null(odd.DescribeProtectionSpill());
            string path = _folder.CreatePatternFile("root.bin", 3 * s_page);
            using MemoryMap file = MemoryMap.OpenFile(path, 4097, 100);
            Assert.Null(file.DescribeProtectionSpill());
            Assert.Null(parent.CreateView(0).DescribeProtectionSpill());
            Assert.Null(parent.CreateView(s_page, s_page).DescribeProtectionSpill());
            Assert.Null(parent.CreateView(s_page).DescribeProtectionSpill());
            Assert.Null(parent.CreateView(s_page, s_page).CreateView(0, s_page).DescribeProtectionSpill());

            // To the end of a map that ends inside a page: the rest of that page is no map's.
            Assert.Null(odd.CreateView(s_page).DescribeProtectionSpill());
        }

        [Fact]
        public void DescribeProtectionSpill_OfAnUnalignedView_NamesTheBytesOnBothSides()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(2 * s_page);
            using MemoryMap view = parent.CreateView(100, 200);

            Assert.Equal(
                "Map " + view.Id + " covers bytes 100..299 of map " + parent.Id + ", which do not start and end on page boundaries (" + s_page + " bytes a page). Protection applies to whole pages, so bytes 0..99 and 300.." + (s_page - 1) + " of map " + parent.Id + " change too.",
                view.DescribeProtectionSpill());
        }

        [Fact]
        public void DescribeProtectionSpill_OfAViewEndingInsideAPage_NamesTheBytesAfter()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(3 * s_page);
            using MemoryMap view = parent.CreateView(s_page, 100);

            Assert.EndsWith(
                "so bytes " + (s_page + 100) + ".." + (2 * s_page - 1) + " of map " + parent.Id + " change too.",
                view.DescribeProtectionSpill());
        }

        [Fact]
        public void DescribeProtectionSpill_OfAViewOfAView_CountsInTheRoot()
        {
            using MemoryMap root = MemoryMap.CreateAnonymous(2 * s_page);
            using MemoryMap outer = root.CreateView(100);
            using MemoryMap inner = outer.CreateView(50, 10);

            Assert.Equal(
                "Map " + inner.Id + " covers bytes 150..159 of map " + root.Id + ", which do not start and end on page boundaries (" + s_page + " bytes a page). Protection applies to whole pages, so bytes 0..149 and 160.." + (s_page - 1) + " of map " + root.Id + " change too.",
                inner.DescribeProtectionSpill());
        }

        [Fact]
        public void DescribeProtectionSpill_OfAFileMapView_CountsFromTheMapsOwnStart()
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Uses the page size as the file offset alignment.");
            string path = _folder.CreatePatternFile("spill.bin", 4 * s_page);
            using MemoryMap parent = MemoryMap.OpenFile(path, s_page + 1);

            // Byte 0 of the map is byte 1 of its first page, which it does not show.
            using MemoryMap head = parent.CreateView(0, 10);
            using MemoryMap aligned = parent.CreateView(s_page - 1, s_page);

            Assert.EndsWith("Protection applies to whole pages, so bytes 10.." + (s_page - 2) + " of map " + parent.Id + " change too.", head.DescribeProtectionSpill());
            Assert.Null(aligned.DescribeProtectionSpill());
            Assert.Null(parent.CreateView(0, s_page - 1).DescribeProtectionSpill());
        }

        [Fact]
        public void IndexOf_InAView_FindsOnlyWhatLiesWhollyInside()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(2 * s_page);
            byte[] needle = { 0xDE, 0xAD, 0xBE };
            parent.Write(998, needle);
            parent.Write(1050, needle);
            parent.Write(1098, needle);
            parent.Write(1100, needle);
            using MemoryMap view = parent.CreateView(1000, 100);

            Assert.Equal(50, view.IndexOf(needle, 0, view.Size));
            Assert.Equal(50, view.LastIndexOf(needle, 0, view.Size));
            Assert.Equal(-1, view.IndexOf(needle, 51, 49));
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.IndexOf(needle, 0, 101)).Error);
        }

        [Fact]
        public void IndexOf_InAFileMapView_FindsOnlyWhatLiesWhollyInside()
        {
            byte[] content = new byte[3 * s_page];
            byte[] needle = { 0xDE, 0xAD, 0xBE };
            needle.CopyTo(content, 4097 + 1050);
            needle.CopyTo(content, 4097 + 1098);
            needle.CopyTo(content, 4097 + 1100);
            needle.CopyTo(content, 4097 + 998);
            string path = _folder.CreateFile("search.bin", content);
            using MemoryMap parent = MemoryMap.OpenFile(path, 4097);
            using MemoryMap view = parent.CreateView(1000, 100);

            Assert.Equal(50, view.IndexOf(needle, 0, view.Size));
            Assert.Equal(50, view.LastIndexOf(needle, 0, view.Size));
            Assert.Equal(-1, view.IndexOf(needle, 51, 49));
        }

        [Fact]
        public void GatherAndScatter_OnAView_UseItsOffsetsAndStayInside()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(2 * s_page);
            parent.Write(0, Pattern.Bytes(0, (int)(2 * s_page)));
            using MemoryMap view = parent.CreateView(1000, 100);

            Assert.Equal(new[] { Pattern.At(1000), Pattern.At(1099) }, view.Gather<byte>(new long[] { 0, 99 }, 1));
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.Gather<int>(new long[] { 0, 97 }, 1)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.ReadArray<byte>(0, 101)).Error);

            view.Scatter(new long[] { 0, 96 }, new[] { 0x11111111, 0x22222222 });
            var e = Assert.Throws<MemoryMapArgumentException>(() => view.Scatter(new long[] { 4, 97 }, new[] { 0x33333333, 0x44444444 }));

            Assert.Equal(MemoryMapError.RangeOutsideMap, e.Error);
            Assert.Equal(new byte[] { 0x11, 0x11, 0x11, 0x11 }, parent.Read(1000, 4));
            Assert.Equal(Pattern.Bytes(1004, 4), parent.Read(1004, 4));
            Assert.Equal(new byte[] { 0x22, 0x22, 0x22, 0x22 }, parent.Read(1096, 4));
            Assert.Equal(Pattern.Bytes(1100, 4), parent.Read(1100, 4));
            Assert.Equal(Pattern.Bytes(996, 4), parent.Read(996, 4));
        }

        [Fact]
        public void GatherAndScatter_OnAFileMapView_UseItsOffsets()
        {
            string path = _folder.CreatePatternFile("gather.bin", 4 * s_page);
            using MemoryMap parent = MemoryMap.OpenFile(path, 4097, protection: MemoryProtection.Read | MemoryProtection.Write);
            using MemoryMap view = parent.CreateView(s_page - 3, 200);

            byte[] gathered = view.Gather<byte>(new long[] { 0, 10, 199 }, 1);
            view.Scatter(new long[] { 1, 198 }, new byte[] { 0xA1, 0xA2 });
            view.Sync();

            long start = 4097 + s_page - 3;
            Assert.Equal(new[] { Pattern.At(start), Pattern.At(start + 10), Pattern.At(start + 199) }, gathered);
            byte[] file = SharedFile.ReadAllBytes(path);
            Assert.Equal(0xA1, file[start + 1]);
            Assert.Equal(0xA2, file[start + 198]);
            Assert.Equal(Pattern.At(start + 199), file[start + 199]);
            Assert.Equal(Pattern.At(start - 1), file[start - 1]);
        }

        [Fact]
        public void CreateStream_OnAView_ReadsAndWritesItsRangeOnly()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(2 * s_page);
            parent.Write(0, Pattern.Bytes(0, (int)(2 * s_page)));
            using MemoryMap view = parent.CreateView(1000, 100);

            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.CreateStream(0, 101)).Error);
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => view.CreateStream(100, 1)).Error);
            using MemoryMapStream stream = view.CreateStream(0, 100, writable: true);
            var all = new MemoryStream();
            stream.CopyTo(all);
            stream.Position = 98;
            Assert.Throws<NotSupportedException>(() => stream.Write(new byte[3], 0, 3));
            stream.Write(new byte[] { 0x77, 0x78 }, 0, 2);

            Assert.Equal(Pattern.Bytes(1000, 100), all.ToArray());
            Assert.Equal(new byte[] { 0x77, 0x78 }, parent.Read(1098, 2));
            Assert.Equal(Pattern.Bytes(1100, 1), parent.Read(1100, 1));
            Assert.Equal(0, stream.Read(new byte[1], 0, 1));
        }

        /// <summary>
        /// A stream's CanRead and CanWrite are what .NET APIs check before using it (CopyTo and
        /// StreamReader refuse a stream that says it cannot read), so they must describe the stream's
        /// own bytes, not every page of the map.
        /// </summary>
        [Fact]
        public void Stream_OverBytesAViewDidNotChange_CanReadAndWrite()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * s_page);
            parent.Write(0, Pattern.Bytes(0, 100));
            using MemoryMap view = parent.CreateView(2 * s_page, s_page);
            view.SetProtection(MemoryProtection.None);
            using MemoryMapStream stream = parent.CreateStream(0, 100, writable: true);

            Assert.Equal(Pattern.Bytes(0, 100), parent.Read(0, 100));
            Assert.True(stream.CanRead, "a stream over readable bytes says it cannot read");
            Assert.True(stream.CanWrite, "a stream over writable bytes says it cannot write");
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(Pattern.Bytes(0, 100), copy.ToArray());
        }

        [Fact]
        public void ZeroCountRead_OfAMapWithAnUnreadableViewPage_DoesNotBlameTheReadableByte()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * s_page);
            using MemoryMap view = parent.CreateView(2 * s_page, s_page);
            view.SetProtection(MemoryProtection.None);

            // A zero-count access checks the whole map (as Read(0, 0) of an unreadable map throws),
            // but byte 5 is Read, Write: the message must not say it is None.
            var e = Assert.Throws<MemoryMapAccessException>(() => parent.Read(5, 0));

            Assert.DoesNotContain("bytes 5..5 of map " + parent.Id + " have protection None", e.Message);
        }

        [Fact]
        public void Stream_OverAView_IsClosedWithTheParent()
        {
            MemoryMap parent = MemoryMap.CreateAnonymous(s_page);
            MemoryMap view = parent.CreateView(10, 10);
            using MemoryMapStream stream = view.CreateStream(0, 10);

            parent.Dispose();

            Assert.False(stream.CanRead);
            Assert.Contains("closed with map", Assert.Throws<ObjectDisposedException>(() => stream.ReadByte()).Message);
        }

        [Fact]
        public void ParentDisposeRacingReadsThroughViews_OnlyEverObjectDisposed()
        {
            var unexpected = new ConcurrentQueue<string>();
            long dataReads = 0;
            string path = _folder.CreatePatternFile("race.bin", 3 * s_page);

            for (int iteration = 0; iteration < 150; iteration++)
            {
                MemoryMap parent = iteration % 2 == 0
                    ? MemoryMap.CreateAnonymous(3 * s_page)
                    : MemoryMap.OpenFile(path, 1, protection: MemoryProtection.Read | MemoryProtection.Write);
                var views = new[] { parent.CreateView(0, 100), parent.CreateView(s_page - 50, 100), parent.CreateView(s_page).CreateView(s_page - 10, 10) };
                using var started = new CountdownEvent(views.Length);

                Thread[] readers = Workers.Start(views.Length, t =>
                {
                    bool signalled = false;
                    MemoryMap view = views[t];
                    while (true)
                    {
                        try
                        {
                            switch (Environment.TickCount % 4)
                            {
                                case 0: view.Read(0, view.Size); break;
                                case 1: view.Write(0, new byte[] { 1 }); break;
                                case 2: view.IndexOf(new byte[] { 0xFF, 0xFE }, 0, view.Size); break;
                                default: view.Gather<short>(new long[] { 0, 2, 4 }, 1); break;
                            }

                            Interlocked.Increment(ref dataReads);
                        }
                        catch (ObjectDisposedException e)
                        {
                            if (!e.Message.StartsWith("Mapping is closed", StringComparison.Ordinal))
                            {
                                unexpected.Enqueue(e.Message);
                            }

                            return;
                        }
                        catch (Exception e)
                        {
                            unexpected.Enqueue(e.ToString());
                            return;
                        }
                        finally
                        {
                            if (!signalled)
                            {
                                signalled = true;
                                started.Signal();
                            }
                        }

                        Thread.Yield();
                    }
                });

                started.Wait(TestContext.Current.CancellationToken);
                parent.Dispose();
                Workers.JoinAll(readers);
                Assert.All(views, view => Assert.False(view.IsValid));
            }

            Assert.Empty(unexpected);
            Assert.True(Interlocked.Read(ref dataReads) >= 150 * 3, "every reader's first call precedes Dispose and must succeed");
        }

        [Fact]
        public void CreateViewRacingParentDispose_LeavesNoViewOpen()
        {
            var unexpected = new ConcurrentQueue<string>();
            for (int iteration = 0; iteration < 200; iteration++)
            {
                MemoryMap parent = MemoryMap.CreateAnonymous(s_page);
                var made = new ConcurrentQueue<MemoryMap>();
                using var go = new ManualResetEventSlim();
                Thread[] creators = Workers.Start(3, _ =>
                {
                    go.Wait(TestContext.Current.CancellationToken);
                    for (int i = 0; i < 20; i++)
                    {
                        try
                        {
                            made.Enqueue(parent.CreateView(i, 10));
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
                    }
                });

                go.Set();
                parent.Dispose();
                Workers.JoinAll(creators);
                foreach (MemoryMap view in made)
                {
                    Assert.False(view.IsValid, "view " + view.Id + " made while its parent closed is still open");
                    Assert.Null(MemoryMapRegistry.Find(view.Id));
                }
            }

            Assert.Empty(unexpected);
        }

        [Fact]
        public void SetProtectionOnAViewRacingParentAccess_OnlyEverRefusesInsideTheView()
        {
            using MemoryMap parent = MemoryMap.CreateAnonymous(4 * s_page);
            parent.Write(0, Pattern.Bytes(0, (int)(4 * s_page)));
            using MemoryMap view = parent.CreateView(s_page, s_page);
            var unexpected = new ConcurrentQueue<string>();
            int stop = 0;
            long refused = 0;
            using var started = new CountdownEvent(3);

            Thread[] workers = Workers.Start(3, t =>
            {
                started.Signal();
                while (Volatile.Read(ref stop) == 0)
                {
                    try
                    {
                        switch (t)
                        {
                            case 0:
                                // Across the view's first page boundary: data or MapNotReadable.
                                if (!parent.Read(s_page - 10, 20).AsSpan().SequenceEqual(Pattern.Bytes(s_page - 10, 20)))
                                {
                                    unexpected.Enqueue("wrong bytes across the view's start");
                                }

                                break;
                            case 1:
                                // Inside the view's only page: written with its own bytes, or MapNotWritable.
                                parent.Write(s_page + 100, Pattern.Bytes(s_page + 100, 8));
                                break;
                            default:
                                // Outside the view: never refused.
                                try
                                {
                                    parent.Read(0, 100);
                                    parent.Write(3 * s_page, Pattern.Bytes(3 * s_page, 8));
                                }
                                catch (MemoryMapAccessException e)
                                {
                                    unexpected.Enqueue("outside the view: " + e.Message);
                                }

                                break;
                        }
                    }
                    catch (MemoryMapAccessException e) when (e.Error == MemoryMapError.MapNotReadable || e.Error == MemoryMapError.MapNotWritable)
                    {
                        Interlocked.Increment(ref refused);
                    }
                    catch (Exception e)
                    {
                        unexpected.Enqueue(e.ToString());
                    }
                }
            });

            started.Wait(TestContext.Current.CancellationToken);
            var clock = Stopwatch.StartNew();
            MemoryProtection last = MemoryProtection.Read | MemoryProtection.Write;
            try
            {
                // At most 4 s: on a slow machine the loop may stop at any of the three protections.
                for (int flip = 0; flip < 3000 && clock.ElapsedMilliseconds < 4000; flip++)
                {
                    last = flip % 3 == 0 ? MemoryProtection.None : flip % 3 == 1 ? MemoryProtection.Read : MemoryProtection.Read | MemoryProtection.Write;
                    view.SetProtection(last);
                }
            }
            finally
            {
                Volatile.Write(ref stop, 1);
                Workers.JoinAll(workers);
            }

            Assert.Empty(unexpected);
            Assert.Equal(last, view.Protection);

            // The parent's pages are Read, Write except the view's: it reports what all of them allow.
            Assert.Equal(last, parent.Protection);
            view.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, parent.Protection);
            Assert.Equal(Pattern.Bytes(0, (int)(4 * s_page)), parent.Read(0, 4 * s_page));
        }

        private static void AssertNotReadable(Action action) =>
            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(action).Error);

        private static void AssertNotReadable(Func<object> action) =>
            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(action).Error);

        private static HashSet<int> Ids(IReadOnlyList<MemoryMap> maps)
        {
            var ids = new HashSet<int>();
            foreach (MemoryMap map in maps)
            {
                ids.Add(map.Id);
            }

            return ids;
        }
    }
}
