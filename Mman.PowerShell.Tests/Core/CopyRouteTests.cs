using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// How bytes are copied: the copier each kind of map gets on each system, and, on Linux, both
    /// fault-safe routes (a pipe for many small ranges, process_vm_* for single and large ones) moving
    /// exactly the right bytes for range sizes on both sides of the route threshold (4 KiB), more
    /// ranges than one call takes (IOV_MAX, 1,024) and more bytes than one pipe holds (1 MiB), checked
    /// against the file read with a FileStream.
    /// </summary>
    public sealed class CopyRouteTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public static TheoryData<int, int> RangeCases => new TheoryData<int, int>
        {
            { 1, 3000 },
            { 8, 100_000 },
            { 8, 1 },
            { 100, 1025 },
            { 4095, 700 },
            { 4096, 2 },
            { 4096, 1500 },
            { 4097, 300 },
            { 65536, 40 },
        };

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void AnonymousMemory_IsCopiedPlainly_AndNeedsNoLengthCheck()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);

            Assert.False(map.CopiesFaultSafely);
            Assert.False(map.ChecksBackingLength);
        }

        [Fact]
        public void FileMap_IsCopiedFaultSafelyOnLinuxOnly_AndItsLengthCheckedWhereItCanShrink()
        {
            using MemoryMap map = MemoryMap.OpenFile(_folder.CreatePatternFile("f.bin", s_page));

            // Linux has a fault-safe copy; macOS does not (the length check is its only guard); Windows
            // refuses to shrink a mapped file, so neither is needed there.
            Assert.Equal(OperatingSystem.IsLinux(), map.CopiesFaultSafely);
            Assert.Equal(!OperatingSystem.IsWindows(), map.ChecksBackingLength);
        }

        [Fact]
        public void NamedMap_IsCopiedFaultSafelyOnLinuxOnly()
        {
            string name = "mman-route-" + Environment.ProcessId;
            try
            {
                using MemoryMap map = MemoryMap.OpenNamed(name, s_page);
                using MemoryMap view = map.CreateView(10, 100);

                Assert.Equal(OperatingSystem.IsLinux(), map.CopiesFaultSafely);
                Assert.Equal(OperatingSystem.IsLinux(), map.ChecksBackingLength);
                Assert.Equal(map.CopiesFaultSafely, view.CopiesFaultSafely);
            }
            finally
            {
                MemoryMap.RemoveNamed(name);
            }
        }

        [Theory]
        [MemberData(nameof(RangeCases))]
        public void GatherAndScatter_OfAFileMap_MoveExactlyTheRangesBytes(int rangeBytes, int ranges)
        {
            const long size = 16L << 20;
            var random = new Random(rangeBytes + ranges);
            byte[] content = new byte[size];
            random.NextBytes(content);
            string path = _folder.CreateFile("routes.bin", content);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            long[] offsets = RandomOffsets(random, ranges, size - rangeBytes);

            byte[] gathered = map.Gather<byte>(offsets, rangeBytes);

            Assert.Equal(Concatenate(content, offsets, rangeBytes), gathered);

            byte[] values = new byte[(long)ranges * rangeBytes];
            random.NextBytes(values);
            map.Scatter(offsets, values);
            for (int i = 0; i < ranges; i++)
            {
                // Later ranges win where ranges overlap, as in a loop of single writes.
                Array.Copy(values, (long)i * rangeBytes, content, offsets[i], rangeBytes);
            }

            Assert.Equal(content, SharedFile.ReadAllBytes(path));
        }

        [Theory]
        [InlineData(1, 5000)]
        [InlineData(300, 4000)]
        [InlineData(5000, 3)]
        public void Write_TheSameBytesAtManyOffsets_OfAFileMap_WritesEach(int length, int ranges)
        {
            const long size = 8L << 20;
            var random = new Random(length * 7 + ranges);
            byte[] content = new byte[size];
            random.NextBytes(content);
            string path = _folder.CreateFile("same.bin", content);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            long[] offsets = RandomOffsets(random, ranges, size - length);
            byte[] data = new byte[length];
            random.NextBytes(data);

            map.Write(offsets, data);

            foreach (long offset in offsets)
            {
                data.CopyTo(content, offset);
            }

            Assert.Equal(content, SharedFile.ReadAllBytes(path));
        }

        [Fact]
        public void OneLargeRead_OfAFileMap_EqualsTheFile()
        {
            const int size = (24 << 20) + 12345;
            byte[] content = new byte[size];
            new Random(3).NextBytes(content);
            using MemoryMap map = MemoryMap.OpenFile(_folder.CreateFile("large.bin", content), 1);

            Assert.Equal(content.AsSpan(1).ToArray(), map.Read(0, size - 1));
        }

        [Fact]
        public void ThreadsCopyingAtOnce_EachGetTheirOwnBytes()
        {
            // The pipe route keeps a pool of pipes: threads copying at once must never share one.
            const long size = 4L << 20;
            byte[] content = new byte[size];
            new Random(9).NextBytes(content);
            using MemoryMap map = MemoryMap.OpenFile(_folder.CreateFile("threads.bin", content));
            int wrong = 0;
            System.Threading.Thread[] threads = Workers.Start(4, index =>
            {
                var random = new Random(index);
                for (int round = 0; round < 200; round++)
                {
                    int rangeBytes = random.Next(1, 600);
                    long[] offsets = RandomOffsets(random, random.Next(2, 3000), size - rangeBytes);
                    if (!map.Gather<byte>(offsets, rangeBytes).AsSpan().SequenceEqual(Concatenate(content, offsets, rangeBytes)))
                    {
                        System.Threading.Interlocked.Increment(ref wrong);
                    }
                }
            });
            Workers.JoinAll(threads);

            Assert.Equal(0, wrong);
        }

        [Fact]
        public void CopierOnVanishedPages_ReportsThemInsteadOfFaulting()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "Only Linux has a fault-safe copier; elsewhere the length check before each access is the guard.");
            ChildProcess.Result result = ChildProcess.Run(ChildScenarios.VanishedPages, _folder.Path, TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 0, "The child process died with exit code " + result.ExitCode + ":\n" + result.Output);
            Assert.Equal(
                "pipe read: refused; pipe write: refused; vm read: refused; vm write: refused; after: copied",
                result.Output.Trim());
        }

        private static long[] RandomOffsets(Random random, int count, long maxOffset)
        {
            var offsets = new long[count];
            for (int i = 0; i < count; i++)
            {
                offsets[i] = random.NextInt64(0, maxOffset + 1);
            }

            return offsets;
        }

        private static byte[] Concatenate(byte[] content, long[] offsets, int rangeBytes)
        {
            var expected = new byte[(long)offsets.Length * rangeBytes];
            for (int i = 0; i < offsets.Length; i++)
            {
                Array.Copy(content, offsets[i], expected, (long)i * rangeBytes, rangeBytes);
            }

            return expected;
        }
    }
}
