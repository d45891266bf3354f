using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// The Check* methods -WhatIf relies on: each throws what the real call would throw, with the same
    /// error, and leaves nothing mapped or open.
    /// </summary>
    public sealed class CheckTests : IDisposable
    {
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        public static TheoryData<string, long, long?, MemoryProtection, MapSharing> FileCases => new TheoryData<string, long, long?, MemoryProtection, MapSharing>
        {
            { "missing.bin", 0, null, MemoryProtection.Read, MapSharing.Shared },
            { "empty.bin", 0, null, MemoryProtection.Read, MapSharing.Shared },
            { "data.bin", 100, null, MemoryProtection.Read, MapSharing.Shared },
            { "data.bin", 10, 60, MemoryProtection.Read, MapSharing.Shared },
            { "data.bin", -1, null, MemoryProtection.Read, MapSharing.Shared },
            { "data.bin", 0, 0, MemoryProtection.Read, MapSharing.Shared },
            { "data.bin", 0, null, MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute, MapSharing.Shared },
            { "data.bin", 0, null, MemoryProtection.Read, (MapSharing)7 },
        };

        [Theory]
        [MemberData(nameof(FileCases))]
        public void CheckFile_ThrowsWhatOpenFileThrows(string name, long offset, long? size, MemoryProtection protection, MapSharing sharing)
        {
            _folder.CreatePatternFile("data.bin", 64);
            _folder.CreateFile("empty.bin", new byte[0]);
            string path = _folder.File(name);

            Exception real = Record.Exception(() => MemoryMap.OpenFile(path, offset, size, protection, sharing).Dispose());
            Exception check = Record.Exception(() => MemoryMap.CheckFile(path, offset, size, protection, sharing));

            Assert.NotNull(real);
            Assert.NotNull(check);
            Assert.Equal(real.GetType(), check.GetType());
            Assert.Equal(real.Message, check.Message);
        }

        [Fact]
        public void CheckFile_OfAGoodRequest_LeavesTheFileFree()
        {
            string path = _folder.CreatePatternFile("good.bin", 64);

            MemoryMap.CheckFile(path, 10, 20, MemoryProtection.Read | MemoryProtection.Write);

            // The registry is the process's, and other test classes open and close maps in parallel:
            // look for a map of this file, not at the count.
            Assert.DoesNotContain(MemoryMap.GetOpenMaps(), m => m.Path == path);

            // Nothing holds the file: it can be opened exclusively and deleted (Windows refuses both while a handle lingers).
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
            }

            File.Delete(path);
            Assert.False(File.Exists(path));
        }

        [Fact]
        public void CheckFile_OfAProcFile_IsFileNotMappable()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "procfs is Linux's; Windows and macOS have none.");

            var check = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CheckFile("/proc/self/status"));
            var real = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenFile("/proc/self/status"));

            Assert.Equal(MemoryMapError.FileNotMappable, check.Error);
            Assert.Equal(MemoryMapError.FileNotMappable, real.Error);
            Assert.Contains("procfs", real.Message);
        }

        [Fact]
        public void CheckFile_OfARealEmptyFile_IsStillFileEmpty()
        {
            string path = _folder.CreateFile("empty.bin", new byte[0]);

            Assert.Equal(MemoryMapError.FileEmpty, Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CheckFile(path)).Error);
        }

        [Fact]
        public void CheckAnonymous_ThrowsWhatCreateAnonymousThrows()
        {
            Assert.Equal(MemoryMapError.SizeNotPositive, Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CheckAnonymous(0)).Error);
            Assert.Equal(
                MemoryMapError.WriteExecuteRefused,
                Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CheckAnonymous(4096, MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute)).Error);
            MemoryMap.CheckAnonymous(4096);
        }

        [Fact]
        public void CheckNamed_WithoutSize_RefusesAMissingName()
        {
            string name = "mman-check-" + Guid.NewGuid().ToString("N").Substring(0, 12);

            var check = Assert.Throws<MemoryMapException>(() => MemoryMap.CheckNamed(name));
            var real = Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name));

            Assert.Equal(MemoryMapError.NamedMapNotFound, check.Error);
            Assert.Equal(real.Error, check.Error);
            Assert.Equal(real.Message, check.Message);
            Assert.False(MemoryMap.NamedExists(name));

            // With a size it would be created: nothing to refuse, and nothing is created by the check.
            MemoryMap.CheckNamed(name, 4096);
            Assert.False(MemoryMap.NamedExists(name));
        }

        [Fact]
        public void NamedExists_SeesAnObjectThatExists()
        {
            string name = "mman-check-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            using MemoryMap map = MemoryMap.OpenNamed(name, 4096);
            try
            {
                Assert.True(MemoryMap.NamedExists(name));
                MemoryMap.CheckNamed(name);
            }
            finally
            {
                MemoryMap.RemoveNamed(name);
            }
        }

        [Fact]
        public void NamedExists_RefusesANameThatIsNotValid()
        {
            Assert.Equal(MemoryMapError.NameInvalid, Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.NamedExists("a/b")).Error);
        }

        [Fact]
        public void CheckSetProtection_ThrowsWhatSetProtectionThrows_AndChangesNothing()
        {
            string path = _folder.CreatePatternFile("ro.bin", 64);
            using MemoryMap readOnly = MemoryMap.OpenFile(path);
            MemoryMap closed = MemoryMap.CreateAnonymous(4096);
            closed.Dispose();

            var check = Assert.Throws<MemoryMapException>(() => readOnly.CheckSetProtection(MemoryProtection.Read | MemoryProtection.Write));
            Assert.Equal(MemoryMapError.ProtectionDenied, check.Error);
            Assert.Equal(MemoryProtection.Read, readOnly.Protection);
            Assert.Equal(
                Assert.Throws<MemoryMapException>(() => readOnly.SetProtection(MemoryProtection.Read | MemoryProtection.Write)).Message,
                check.Message);
            Assert.Throws<ObjectDisposedException>(() => closed.CheckSetProtection(MemoryProtection.Read));
            Assert.Equal(
                MemoryMapError.WriteExecuteRefused,
                Assert.Throws<MemoryMapArgumentException>(() => readOnly.CheckSetProtection(MemoryProtection.Write | MemoryProtection.Execute)).Error);
        }

        [Fact]
        public void CheckView_ThrowsWhatCreateViewThrows_AndMakesNoView()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(4096);

            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.CheckView(5000)).Error);
            Assert.Equal(MemoryMapError.SizeNotPositive, Assert.Throws<MemoryMapArgumentException>(() => map.CheckView(0, 0)).Error);
            Assert.Equal(
                MemoryMapError.WriteExecuteRefused,
                Assert.Throws<MemoryMapArgumentException>(() => map.CheckView(0, 100, MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute)).Error);
            map.CheckView(100, 100, MemoryProtection.Read);

            Assert.DoesNotContain(MemoryMap.GetOpenMaps(), m => m.Parent == map);
            map.Dispose();
            Assert.Throws<ObjectDisposedException>(() => map.CheckView(0));
        }
    }
}
