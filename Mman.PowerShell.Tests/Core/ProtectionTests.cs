using System;
using System.IO;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Protection is enforced by Mman before memory is touched, and changes through the OS are
    /// refused cleanly when the file does not allow them.
    /// </summary>
    public sealed class ProtectionTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private readonly TestFolder _folder = new TestFolder();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void ReadOnlyAnonymous_Write_ThrowsMapNotWritable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.Read);

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Write(0, new byte[] { 1 }));

            Assert.Equal(MemoryMapError.MapNotWritable, e.Error);
            Assert.Equal("Mapping is not writable: its protection is Read.", e.Message);
            Assert.Equal(new byte[] { 0 }, map.Read(0, 1));
        }

        [Fact]
        public void ReadOnlySharedFile_Write_IsRefusedAndTheFileIsUnchanged()
        {
            string path = _folder.CreatePatternFile("ro.bin", 2 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path);

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Write(s_page, Pattern.Marker(10)));

            Assert.Equal(MemoryMapError.MapNotWritable, e.Error);
            Assert.Equal(Pattern.Bytes(0, (int)(2 * s_page)), SharedFile.ReadAllBytes(path));
            Assert.Equal(Pattern.Bytes(s_page, 10), map.Read(s_page, 10));
        }

        [Fact]
        public void None_Read_ThrowsMapNotReadable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.None);

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Read(0, 1));

            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
            Assert.Equal("Mapping is not readable: its protection is None.", e.Message);
        }

        [Fact]
        public void None_ReadIntoBuffer_ThrowsAndLeavesTheBufferAlone()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.None);
            byte[] buffer = { 7, 7, 7 };

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Read(0, buffer, 0, 3));

            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
            Assert.Equal(new byte[] { 7, 7, 7 }, buffer);
        }

        [Fact]
        public void None_ReadOfOneArraysWorth_IsRefusedBeforeAllocatingTheArray()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(3L << 30, MemoryProtection.None);
            long before = GC.GetAllocatedBytesForCurrentThread();

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Read(0, MemoryMap.MaxReadCount));

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
            Assert.True(allocated < 1 << 20, "A refused read allocated " + allocated + " bytes.");
        }

        [Fact]
        public void None_Write_ThrowsMapNotWritable()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.None);

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Write(0, new byte[] { 1 }));

            Assert.Equal(MemoryMapError.MapNotWritable, e.Error);
        }

        [Fact]
        public void None_RaisedToReadWrite_WritesAndReads()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(2 * s_page, MemoryProtection.None);

            map.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            map.Write(s_page + 1, new byte[] { 5, 6 });

            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, map.Protection);
            Assert.Equal(new byte[] { 0, 5, 6 }, map.Read(s_page, 3));
        }

        [Fact]
        public void ReadWrite_LoweredToRead_KeepsDataAndRefusesWrite()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            map.Write(0, new byte[] { 1, 2, 3 });

            map.SetProtection(MemoryProtection.Read);

            Assert.Equal(MemoryProtection.Read, map.Protection);
            Assert.Equal(new byte[] { 1, 2, 3 }, map.Read(0, 3));
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.Write(0, new byte[] { 9 })).Error);
        }

        [Fact]
        public void ReadWrite_LoweredToNoneAndBack_KeepsData()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            map.Write(100, new byte[] { 0xAB });

            map.SetProtection(MemoryProtection.None);
            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => map.Read(100, 1)).Error);
            map.SetProtection(MemoryProtection.Read);

            Assert.Equal(new byte[] { 0xAB }, map.Read(100, 1));
        }

        [Fact]
        public void WriteOnly_RefusesReadButWrites()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.Write);

            map.Write(0, new byte[] { 3 });
            var e = Assert.Throws<MemoryMapAccessException>(() => map.Read(0, 1));

            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
            map.SetProtection(MemoryProtection.Read);
            Assert.Equal(new byte[] { 3 }, map.Read(0, 1));
        }

        [Fact]
        public void WriteOnlySharedFileMap_WritesTheFile()
        {
            string path = _folder.CreatePatternFile("wo.bin", 2 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, 4095, protection: MemoryProtection.Write);

            map.Write(0, new byte[] { 0x42, 0x43 });
            map.Sync();

            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => map.Read(0, 1)).Error);
            byte[] file = SharedFile.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x42, 0x43 }, file.AsSpan(4095, 2).ToArray());
        }

        [Fact]
        public void ExecuteOnly_RefusesRead()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page, MemoryProtection.Execute);

            var e = Assert.Throws<MemoryMapAccessException>(() => map.Read(0, 1));

            Assert.Equal(MemoryMapError.MapNotReadable, e.Error);
            Assert.Equal(MemoryProtection.Execute, map.Protection);
            Assert.Contains("its protection is Execute", e.Message);
        }

        [Fact]
        public void ExecuteOnlyFile_RefusesReadAndWrite()
        {
            string path = _folder.CreatePatternFile("exec.bin", s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Execute);

            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => map.Read(0, 1)).Error);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.Write(0, new byte[1])).Error);
        }

        [Fact]
        public void ReadExecute_Reads()
        {
            string path = _folder.CreatePatternFile("rx.bin", s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Execute);

            Assert.Equal(Pattern.Bytes(10, 20), map.Read(10, 20));
        }

        [Fact]
        public void SharedMapOfReadOnlyFile_RaisedToWrite_IsDeniedAndStaysUsable()
        {
            string path = _folder.CreatePatternFile("denied.bin", 2 * s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, 1, protection: MemoryProtection.Read);

            var e = Assert.Throws<MemoryMapException>(() => map.SetProtection(MemoryProtection.Read | MemoryProtection.Write));

            Assert.Equal(MemoryMapError.ProtectionDenied, e.Error);
            Assert.Contains("opened read-only", e.Message);
            Assert.Equal(MemoryProtection.Read, map.Protection);
            Assert.Equal(Pattern.Bytes(1, 100), map.Read(0, 100));
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.Write(0, new byte[1])).Error);
            Assert.Equal(Pattern.Bytes(0, (int)(2 * s_page)), SharedFile.ReadAllBytes(path));
        }

        [Fact]
        public void PrivateMapOfReadOnlyFile_RaisedToWrite_CopiesOnWrite()
        {
            string path = _folder.CreatePatternFile("cow.bin", s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, sharing: MapSharing.Private);

            map.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            map.Write(0, new byte[] { 0xCC });

            Assert.Equal(new byte[] { 0xCC }, map.Read(0, 1));
            Assert.Equal(Pattern.At(0), SharedFile.ReadAllBytes(path)[0]);
        }

        [Fact]
        public void SharedMapOfWritableStream_RaisedToWrite_WritesTheFile()
        {
            string path = _folder.CreatePatternFile("raise.bin", s_page);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            using MemoryMap map = MemoryMap.OpenFile(stream);

            map.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            map.Write(7, new byte[] { 0x11 });
            map.Sync();

            Assert.Equal(0x11, SharedFile.ReadAllBytes(path)[7]);
        }

        [Theory]
        [InlineData(MemoryProtection.Write | MemoryProtection.Execute)]
        [InlineData(MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute)]
        public void WriteExecute_WithoutOptIn_IsRefused(MemoryProtection protection)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.CreateAnonymous(s_page, protection));

            Assert.Equal(MemoryMapError.WriteExecuteRefused, e.Error);
            Assert.StartsWith("Protection " + protection + " is writable and executable at once", e.Message);
            Assert.Equal("protection", e.ParamName);
        }

        [Fact]
        public void WriteExecute_WithOptIn_MapsWritesAndReads()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(
                s_page, MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute, allowWriteExecute: true);

            map.Write(0, new byte[] { 0xC3 });

            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute, map.Protection);
            Assert.Equal(new byte[] { 0xC3 }, map.Read(0, 1));
        }

        [Fact]
        public void SetProtection_WriteExecute_IsRefusedWithoutOptInAndAllowedWithIt()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);
            map.Write(0, new byte[] { 0x90 });

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.SetProtection(MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute));
            Assert.Equal(MemoryMapError.WriteExecuteRefused, e.Error);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, map.Protection);

            map.SetProtection(MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute, allowWriteExecute: true);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute, map.Protection);
            Assert.Equal(new byte[] { 0x90 }, map.Read(0, 1));
        }

        [Fact]
        public void WriteThenExecute_TheWXorXWay_Works()
        {
            string path = _folder.CreatePatternFile("wx.bin", s_page);
            using MemoryMap map = MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write, sharing: MapSharing.Private);

            map.Write(0, new byte[] { 0xC3 });
            map.SetProtection(MemoryProtection.Read | MemoryProtection.Execute);

            Assert.Equal(new byte[] { 0xC3 }, map.Read(0, 1));
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => map.Write(0, new byte[1])).Error);
        }

        [Fact]
        public void OpenFile_WriteExecute_IsRefusedBeforeTheFileIsOpened()
        {
            string path = _folder.CreatePatternFile("wx-open.bin", s_page);

            var e = Assert.Throws<MemoryMapArgumentException>(
                () => MemoryMap.OpenFile(path, protection: MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute));

            Assert.Equal(MemoryMapError.WriteExecuteRefused, e.Error);
            if (OperatingSystem.IsLinux())
            {
                Assert.False(ProcessView.HasOpen(path));
            }
        }

        [Fact]
        public void SetProtection_InvalidValue_ThrowsProtectionInvalidAndKeepsTheOldOne()
        {
            using MemoryMap map = MemoryMap.CreateAnonymous(s_page);

            var e = Assert.Throws<MemoryMapArgumentException>(() => map.SetProtection((MemoryProtection)8));

            Assert.Equal(MemoryMapError.ProtectionInvalid, e.Error);
            Assert.Equal("Protection 8 is not a combination of None, Read, Write and Execute.", e.Message);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, map.Protection);
            Assert.Equal(1, map.Write(0, new byte[] { 1 }));
        }
    }
}
