using System;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// The per-page protection table a map shares with its views: runs split when a range changes,
    /// merge again when neighbours are equal, and Common is what every page in a range allows.
    /// </summary>
    public sealed class PageProtectionsTests
    {
        private const MemoryProtection R = MemoryProtection.Read;
        private const MemoryProtection W = MemoryProtection.Write;
        private const MemoryProtection X = MemoryProtection.Execute;
        private const MemoryProtection RW = MemoryProtection.Read | MemoryProtection.Write;
        private const MemoryProtection RX = MemoryProtection.Read | MemoryProtection.Execute;
        private const MemoryProtection None = MemoryProtection.None;

        [Fact]
        public void New_IsUniformOverEveryRange()
        {
            var pages = new PageProtections(10, RW);

            Assert.True(pages.IsUniform);
            Assert.Equal(RW, pages.Common(0, 10));
            Assert.Equal(RW, pages.Common(3, 4));
            Assert.Equal(RW, pages.Common(9, 10));
            Assert.Equal(Expect(10, (0, 10, RW)), Each(pages, 10));
        }

        [Fact]
        public void OnePage_CanBeChangedWhole()
        {
            PageProtections pages = new PageProtections(1, RW).With(0, 1, None);

            Assert.True(pages.IsUniform);
            Assert.Equal(None, pages.Common(0, 1));
        }

        [Fact]
        public void SettingTheMiddle_SplitsIntoThreeRuns()
        {
            PageProtections pages = new PageProtections(10, RW).With(3, 5, R);

            Assert.False(pages.IsUniform);
            Assert.Equal(Expect(10, (0, 3, RW), (3, 5, R), (5, 10, RW)), Each(pages, 10));
            Assert.Equal(RW, pages.Common(0, 3));
            Assert.Equal(R, pages.Common(3, 5));
            Assert.Equal(RW, pages.Common(5, 10));
        }

        [Fact]
        public void SettingTheMiddleBack_IsUniformAgain()
        {
            PageProtections pages = new PageProtections(10, RW).With(3, 5, R).With(3, 5, RW);

            Assert.True(pages.IsUniform);
            Assert.Equal(RW, pages.Common(0, 10));
        }

        [Fact]
        public void SettingAWiderRangeBack_IsUniformAgain()
        {
            PageProtections pages = new PageProtections(10, RW).With(3, 5, None).With(2, 7, RW);

            Assert.True(pages.IsUniform);
        }

        [Fact]
        public void With_LeavesTheOriginalUnchanged()
        {
            var original = new PageProtections(10, RW);

            PageProtections changed = original.With(0, 5, None);

            Assert.True(original.IsUniform);
            Assert.Equal(RW, original.Common(0, 10));
            Assert.Equal(None, changed.Common(0, 5));
        }

        [Fact]
        public void AdjacentEqualRuns_Merge()
        {
            PageProtections pages = new PageProtections(10, RW).With(0, 5, R).With(5, 10, R);

            Assert.True(pages.IsUniform);
            Assert.Equal(R, pages.Common(0, 10));
        }

        [Fact]
        public void ARunSetToItsNeighbours_MergesWithBoth()
        {
            // RW | R | None | R | RW  ->  setting None to R leaves RW | R | RW.
            PageProtections pages = new PageProtections(10, RW).With(2, 8, R).With(4, 6, None).With(4, 6, R);

            Assert.Equal(Expect(10, (0, 2, RW), (2, 8, R), (8, 10, RW)), Each(pages, 10));
            Assert.True(pages.With(2, 8, RW).IsUniform);
        }

        [Fact]
        public void ManyPiecesSetToOneValue_AreUniform()
        {
            PageProtections pages = new PageProtections(8, RW);
            for (int page = 0; page < 8; page++)
            {
                pages = pages.With(page, page + 1, page % 2 == 0 ? R : None);
            }

            for (int page = 7; page >= 0; page--)
            {
                pages = pages.With(page, page + 1, X);
            }

            Assert.True(pages.IsUniform);
            Assert.Equal(X, pages.Common(0, 8));
        }

        [Fact]
        public void TheFirstPages_Change()
        {
            PageProtections pages = new PageProtections(10, RW).With(0, 2, None);

            Assert.Equal(Expect(10, (0, 2, None), (2, 10, RW)), Each(pages, 10));
            Assert.Equal(None, pages.Common(0, 1));
            Assert.Equal(RW, pages.Common(2, 10));
        }

        [Fact]
        public void TheLastPages_Change()
        {
            PageProtections pages = new PageProtections(10, RW).With(8, 10, None);

            Assert.Equal(Expect(10, (0, 8, RW), (8, 10, None)), Each(pages, 10));
            Assert.Equal(None, pages.Common(9, 10));
            Assert.Equal(RW, pages.Common(0, 8));
        }

        [Fact]
        public void BothEnds_ChangeIndependently()
        {
            PageProtections pages = new PageProtections(10, RW).With(0, 1, R).With(9, 10, W);

            Assert.Equal(Expect(10, (0, 1, R), (1, 9, RW), (9, 10, W)), Each(pages, 10));
        }

        [Fact]
        public void OverlappingSeveralRuns_ReplacesThemAndKeepsTheOuterParts()
        {
            PageProtections pages = new PageProtections(10, RW).With(0, 2, R).With(2, 4, None).With(4, 6, W);

            pages = pages.With(1, 5, RX);

            Assert.Equal(Expect(10, (0, 1, R), (1, 5, RX), (5, 6, W), (6, 10, RW)), Each(pages, 10));
        }

        [Fact]
        public void OverlappingEveryRun_IsUniform()
        {
            PageProtections pages = new PageProtections(10, RW).With(0, 2, R).With(4, 6, W).With(8, 10, None);

            pages = pages.With(0, 10, RX);

            Assert.True(pages.IsUniform);
            Assert.Equal(RX, pages.Common(0, 10));
        }

        [Fact]
        public void InsideOneRunOfSeveral_SplitsOnlyThatRun()
        {
            PageProtections pages = new PageProtections(12, RW).With(0, 4, R).With(8, 12, None);

            pages = pages.With(5, 7, W);

            Assert.Equal(Expect(12, (0, 4, R), (4, 5, RW), (5, 7, W), (7, 8, RW), (8, 12, None)), Each(pages, 12));
        }

        [Fact]
        public void Common_AcrossRuns_IsTheIntersection()
        {
            PageProtections pages = new PageProtections(10, RW).With(2, 4, R).With(4, 6, W).With(6, 8, RX);

            Assert.Equal(R, pages.Common(0, 4));
            Assert.Equal(R, pages.Common(1, 3));
            Assert.Equal(None, pages.Common(3, 5));
            Assert.Equal(W, pages.Common(4, 6));
            Assert.Equal(W, pages.Common(5, 6));
            Assert.Equal(None, pages.Common(5, 7));
            Assert.Equal(R, pages.Common(6, 10));
            Assert.Equal(RX, pages.Common(6, 8));
            Assert.Equal(None, pages.Common(0, 10));
        }

        [Fact]
        public void Common_StartingInsideARun_CountsThatRun()
        {
            PageProtections pages = new PageProtections(10, R).With(5, 10, RW);

            Assert.Equal(R, pages.Common(3, 6));
            Assert.Equal(R, pages.Common(4, 5));
            Assert.Equal(RW, pages.Common(5, 6));
            Assert.Equal(RW, pages.Common(7, 9));
        }

        [Fact]
        public void Common_EndingWhereARunStarts_DoesNotCountThatRun()
        {
            PageProtections pages = new PageProtections(10, RW).With(5, 10, None);

            Assert.Equal(RW, pages.Common(0, 5));
            Assert.Equal(RW, pages.Common(4, 5));
        }

        [Fact]
        public void ALargeTable_SplitsAtPageGranularity()
        {
            const long pageCount = 1L << 40;
            PageProtections pages = new PageProtections(pageCount, RW).With(pageCount - 1, pageCount, None).With(1L << 20, (1L << 20) + 1, R);

            Assert.Equal(RW, pages.Common(0, 1L << 20));
            Assert.Equal(R, pages.Common(1L << 20, (1L << 20) + 1));
            Assert.Equal(RW, pages.Common((1L << 20) + 1, pageCount - 1));
            Assert.Equal(None, pages.Common(pageCount - 1, pageCount));
            Assert.Equal(None, pages.Common(0, pageCount));
        }

        private static MemoryProtection[] Each(PageProtections pages, int pageCount)
        {
            var each = new MemoryProtection[pageCount];
            for (int page = 0; page < pageCount; page++)
            {
                each[page] = pages.Common(page, page + 1);
            }

            return each;
        }

        private static MemoryProtection[] Expect(int pageCount, params (int Start, int End, MemoryProtection Protection)[] runs)
        {
            var each = new MemoryProtection[pageCount];
            Array.Fill(each, (MemoryProtection)(-1));
            foreach ((int start, int end, MemoryProtection protection) in runs)
            {
                for (int page = start; page < end; page++)
                {
                    each[page] = protection;
                }
            }

            return each;
        }
    }
}
