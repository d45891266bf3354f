using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// A file that shrinks under a live map: touching the vanished pages would fault the process, so
    /// Mman must refuse with FileTruncated, and the rest of the map must keep working.
    /// </summary>
    public sealed class TruncationTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void Read_OfTheVanishedRange_ThrowsFileTruncated()
        {
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path);
            Truncate(path, 100);

            var e = Assert.Throws<MemoryMapException>(() => map.Read(2 * s_page, 10));

            Assert.Equal(MemoryMapError.FileTruncated, e.Error);
            Assert.Equal(0, e.NativeErrorCode);
            Assert.Null(e.NativeErrorName);
            Assert.Equal(
                "The file '" + path + "' is now 100 bytes; the map covers file offsets 0.." + (3 * s_page - 1) + ", and offset " + (2 * s_page) + " with count 10 reaches past the file's end. Use the first 100 bytes of the map, or close it and map the file again.",
                e.Message);
        }

        [Fact]
        public void Write_OfTheVanishedRange_ThrowsFileTruncated()
        {
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            Truncate(path, 100);

            var e = Assert.Throws<MemoryMapException>(() => map.Write(s_page, new byte[] { 1 }));

            Assert.Equal(MemoryMapError.FileTruncated, e.Error);
            Assert.Equal(100, new FileInfo(path).Length);
        }

        [Fact]
        public void Sync_OfTheVanishedRangeOrTheWholeMap_ThrowsFileTruncated()
        {
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            Truncate(path, 100);

            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Sync(s_page, 1)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Sync()).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Sync(async: true)).Error);
        }

        [Fact]
        public void TheRemainingPart_StillReadsWritesAndSyncs()
        {
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write);
            Truncate(path, 100);

            Assert.Equal(Pattern.Bytes(0, 100), map.Read(0, 100));
            map.Write(99, new byte[] { 0xEE });
            map.Sync(0, 100);

            Assert.Equal(0xEE, SharedFile.ReadAllBytes(path)[99]);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Read(0, 101)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Read(100, 1)).Error);
        }

        [Fact]
        public void MapAtAnOffset_CountsFromItsOwnStart()
        {
            string path = _folder.CreatePatternFile("t.bin", 4 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, 4097);
            Truncate(path, 4097 + 50);

            Assert.Equal(Pattern.Bytes(4097, 50), map.Read(0, 50));
            var e = Assert.Throws<MemoryMapException>(() => map.Read(0, 51));
            Assert.Equal(MemoryMapError.FileTruncated, e.Error);
            Assert.Contains("Use the first 50 bytes of the map", e.Message);
        }

        [Fact]
        public void FileTruncatedBelowTheMapsStart_RefusesEverything()
        {
            string path = _folder.CreatePatternFile("t.bin", 4 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, 2 * s_page + 1);
            Truncate(path, 10);

            var e = Assert.Throws<MemoryMapException>(() => map.Read(0, 1));

            Assert.Equal(MemoryMapError.FileTruncated, e.Error);
            Assert.Contains("Use the first 0 bytes of the map", e.Message);
            Assert.Empty(map.Read(0, 0));
        }

        [Fact]
        public void TruncatedToZero_RefusesTheFirstByte()
        {
            string path = _folder.CreatePatternFile("t.bin", s_page);
            using MemoryMap map = MemoryMap.OpenFile(path);
            Truncate(path, 0);

            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Read(0, 1)).Error);
        }

        [Fact]
        public void PrivateMap_OfATruncatedFile_ThrowsFileTruncated()
        {
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);
            Truncate(path, s_page);

            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Read(s_page, 1)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Write(2 * s_page, new byte[1])).Error);
            Assert.Equal(Pattern.Bytes(s_page - 3, 3), map.Read(s_page - 3, 3));
        }

        [Fact]
        public void StreamMap_OfATruncatedFile_ThrowsFileTruncated()
        {
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            using MemoryMap map = MemoryMap.OpenFile(stream);
            SkipOnWindows();

            stream.SetLength(s_page + 1);

            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Read(s_page + 1, 1)).Error);
            Assert.Equal(new[] { Pattern.At(s_page) }, map.Read(s_page, 1));
        }

        [Fact]
        public void FileGrownBackAfterTruncation_ReadsZerosAgain()
        {
            string path = _folder.CreatePatternFile("t.bin", 3 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path);
            Truncate(path, 100);
            Assert.Throws<MemoryMapException>(() => map.Read(2 * s_page, 1));

            Truncate(path, 3 * s_page);

            Assert.Equal(new byte[10], map.Read(2 * s_page, 10));
            Assert.Equal(Pattern.Bytes(90, 10), map.Read(90, 10));
        }

        [Fact]
        public void TruncationRacingReadsAndWrites_NeverCrashesTheProcess()
        {
            SkipOnWindows();
            ChildProcess.Result result = ChildProcess.Run(ChildScenarios.TruncationRace, _folder.Path, TimeSpan.FromSeconds(60));

            // 134 is SIGABRT (the runtime's AccessViolationException), 135 SIGBUS.
            Assert.True(result.ExitCode == 0, "The child process died with exit code " + result.ExitCode + ":\n" + result.Output);
            Assert.Matches(@"^done=\d+ refused=\d+\s*$", result.Output);
        }

        [Fact]
        public void TruncationRacingGathersScattersAndSearches_NeverCrashesTheProcess()
        {
            SkipOnWindows();
            ChildProcess.Result result = ChildProcess.Run(ChildScenarios.BatchTruncationRace, _folder.Path, TimeSpan.FromSeconds(120));

            Assert.True(result.ExitCode == 0, "The child process died with exit code " + result.ExitCode + ":\n" + result.Output);
            Assert.Matches(@"^done=\d+ refused=\d+\s+done=\d+ refused=\d+\s*$", result.Output);
        }

        private static void SkipOnWindows() =>
            Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows refuses to truncate a file while a map of it is open (ERROR_USER_MAPPED_FILE).");

        private static void Truncate(string path, long length)
        {
            SkipOnWindows();
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.SetLength(length);
        }
    }
}
