using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Named shared memory on Linux, where an object is a file in /dev/shm: creating, opening and
    /// removing it, its mode, sharing with other maps and processes, and another process shrinking it.
    /// </summary>
    public sealed class NamedMapTests : IClassFixture<NamedMapTests.LeakCheck>, IDisposable
    {
        private const string ShmFolder = "/dev/shm";
        private static readonly long s_page = Environment.SystemPageSize;
        private static int s_next;
        private readonly List<string> _names = new List<string>();

        public NamedMapTests()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux(), "Named objects are files in /dev/shm only on Linux.");
        }

        /// <summary>"mman-xunit-&lt;pid&gt;-": every object these tests make starts with it.</summary>
        internal static string Prefix => "mman-xunit-" + Environment.ProcessId + "-";

        /// <summary>Removes every object this test named, whether or not the test created it.</summary>
        public void Dispose()
        {
            foreach (string name in _names)
            {
                MemoryMap.RemoveNamed(name);
            }
        }

        [Fact]
        public void Create_MakesAnObjectOfTheSizeAndAZeroedNamedMap()
        {
            string name = NewName();

            using MemoryMap map = MemoryMap.OpenNamed(name, 3 * s_page);

            Assert.Equal(MemoryMapKind.Named, map.Kind);
            Assert.Equal(name, map.Name);
            Assert.Null(map.Path);
            Assert.Null(map.Parent);
            Assert.Equal(0, map.FileOffset);
            Assert.Equal(3 * s_page, map.Size);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, map.Protection);
            Assert.Equal(MapSharing.Shared, map.Sharing);
            Assert.Equal(new byte[3 * s_page], map.Read(0, 3 * s_page));
            Assert.Equal(3 * s_page, new FileInfo(ShmPath(name)).Length);
            Assert.Contains("Named " + name + ", ", map.ToString());
        }

        [Fact]
        public void Create_OfASizeThatIsNotWholePages_MapsExactlyThatSize()
        {
            string name = NewName();

            using MemoryMap map = MemoryMap.OpenNamed(name, 100);

            Assert.Equal(100, map.Size);
            Assert.Equal(100, new FileInfo(ShmPath(name)).Length);
            map.Write(99, new byte[] { 7 });
            Assert.Equal(MemoryMapError.RangeOutsideMap, Assert.Throws<MemoryMapArgumentException>(() => map.Read(99, 2)).Error);
        }

        [Fact]
        public void OpenWithTheSameSize_SharesTheMemory()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, 2 * s_page);
            using MemoryMap second = MemoryMap.OpenNamed(name, 2 * s_page);

            first.Write(s_page - 2, Pattern.Marker(4));
            second.Write(10, Pattern.Marker(3, 0x11));

            Assert.NotEqual(first.Address, second.Address);
            Assert.Equal(Pattern.Marker(4), second.Read(s_page - 2, 4));
            Assert.Equal(Pattern.Marker(3, 0x11), first.Read(10, 3));
        }

        [Fact]
        public void OpenWithoutASize_TakesTheObjectsSize()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, s_page + 5);
            first.Write(s_page + 4, new byte[] { 0x42 });

            using MemoryMap second = MemoryMap.OpenNamed(name);

            Assert.Equal(s_page + 5, second.Size);
            Assert.Equal(new byte[] { 0x42 }, second.Read(s_page + 4, 1));
        }

        [Fact]
        public void OpenWithAnotherSize_ThrowsSizeMismatchAndKeepsTheObject()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, s_page);

            var e = Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name, 2 * s_page));

            Assert.Equal(MemoryMapError.NamedMapSizeMismatch, e.Error);
            Assert.Equal(
                "Shared memory '" + name + "' already exists with " + s_page + " bytes, not " + (2 * s_page) + ".",
                e.Message);
            Assert.Equal(name, e.Data[MemoryMapErrorData.SharedMemoryName]);
            Assert.Equal(s_page, e.Data[MemoryMapErrorData.ExistingSize]);
            Assert.Equal(s_page, new FileInfo(ShmPath(name)).Length);
            Assert.Equal(1, CountOpen(ShmPath(name)));
        }

        [Fact]
        public void OpenWithoutASize_OfAMissingName_ThrowsNotFoundAndCreatesNothing()
        {
            string name = NewName();

            var e = Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name));

            Assert.Equal(MemoryMapError.NamedMapNotFound, e.Error);
            Assert.Equal("No shared memory named '" + name + "' exists.", e.Message);
            Assert.Equal(name, e.Data[MemoryMapErrorData.SharedMemoryName]);
            Assert.False(File.Exists(ShmPath(name)));
        }

        [Fact]
        public void Create_WithAnInvalidSize_CreatesNothing()
        {
            string name = NewName();

            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenNamed(name, 0));

            Assert.Equal(MemoryMapError.SizeNotPositive, e.Error);
            Assert.False(File.Exists(ShmPath(name)));
        }

        [Fact]
        public void Create_WithWriteAndExecuteWithoutOptIn_CreatesNothing()
        {
            string name = NewName();

            var e = Assert.Throws<MemoryMapArgumentException>(
                () => MemoryMap.OpenNamed(name, s_page, MemoryProtection.Read | MemoryProtection.Write | MemoryProtection.Execute));

            Assert.Equal(MemoryMapError.WriteExecuteRefused, e.Error);
            Assert.False(File.Exists(ShmPath(name)));
        }

        [Fact]
        public void Create_IsOwnerOnlyByDefault()
        {
            string name = NewName();

            using MemoryMap map = MemoryMap.OpenNamed(name, s_page);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(name));
        }

        [Fact]
        public void Create_WithAllowOtherUsers_Is0666WhateverTheUmask()
        {
            string name = NewName();

            using MemoryMap map = MemoryMap.OpenNamed(name, s_page, allowOtherUsers: true);

            const UnixFileMode everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
                | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
            Assert.Equal(everyone, ModeOf(name));
        }

        [Fact]
        public void OpenWithAllowOtherUsers_LeavesAnExistingObjectsModeAlone()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, s_page);

            using MemoryMap second = MemoryMap.OpenNamed(name, s_page, allowOtherUsers: true);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(name));
        }

        [Fact]
        public void ObjectWithNoSize_WithoutASize_ThrowsNamedMapEmptyAfterWaiting()
        {
            string name = NewName();
            File.Create(ShmPath(name)).Dispose();
            var clock = Stopwatch.StartNew();

            var e = Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name));

            clock.Stop();
            Assert.Equal(MemoryMapError.NamedMapEmpty, e.Error);
            Assert.Equal(
                "Shared memory '" + name + "' exists but has no size: the process that created it has not set one.",
                e.Message);
            Assert.InRange(clock.ElapsedMilliseconds, 500, 5000);
            Assert.True(File.Exists(ShmPath(name)), "an object this map did not create was removed");
            Assert.False(ProcessView.HasOpen(ShmPath(name)));
        }

        [Fact]
        public void ObjectWithNoSize_WithASizeAndWrite_SetsTheSize()
        {
            string name = NewName();
            File.Create(ShmPath(name)).Dispose();

            using MemoryMap map = MemoryMap.OpenNamed(name, 2 * s_page);

            Assert.Equal(2 * s_page, map.Size);
            Assert.Equal(2 * s_page, new FileInfo(ShmPath(name)).Length);
            map.Write(2 * s_page - 1, new byte[] { 9 });
            Assert.Equal(new byte[] { 9 }, map.Read(2 * s_page - 1, 1));
        }

        [Fact]
        public void RemoveNamed_RemovesTheNameAndThenReturnsFalse()
        {
            string name = NewName();
            MemoryMap.OpenNamed(name, s_page).Dispose();
            Assert.True(File.Exists(ShmPath(name)), "closing the last map removed the object");

            Assert.True(MemoryMap.RemoveNamed(name));

            Assert.False(File.Exists(ShmPath(name)));
            Assert.False(MemoryMap.RemoveNamed(name));
            Assert.Equal(MemoryMapError.NamedMapNotFound, Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name)).Error);
        }

        [Fact]
        public void RemoveNamed_OfANameNeverCreated_ReturnsFalse()
        {
            Assert.True(MemoryMap.CanRemoveNames);
            Assert.False(MemoryMap.RemoveNamed(NewName()));
        }

        [Fact]
        public void RemoveNamed_LeavesOpenMapsWorkingAndSharing()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, 2 * s_page);
            using MemoryMap second = MemoryMap.OpenNamed(name);
            first.Write(0, Pattern.Marker(8));

            Assert.True(MemoryMap.RemoveNamed(name));

            Assert.True(first.IsValid);
            Assert.Equal(Pattern.Marker(8), second.Read(0, 8));
            second.Write(s_page, Pattern.Marker(8, 0x3C));
            Assert.Equal(Pattern.Marker(8, 0x3C), first.Read(s_page, 8));
            first.Sync();

            // A new object of the same name is another object.
            using MemoryMap fresh = MemoryMap.OpenNamed(name, 2 * s_page);
            Assert.Equal(new byte[8], fresh.Read(0, 8));
        }

        [Fact]
        public void Dispose_UnmapsAndClosesTheObjectButKeepsIt()
        {
            string name = NewName();
            MemoryMap map = MemoryMap.OpenNamed(name, s_page);
            map.Write(0, new byte[] { 5 });
            Assert.True(ProcessView.MapsFile(ShmPath(name)));

            map.Dispose();

            Assert.False(ProcessView.MapsFile(ShmPath(name)));
            Assert.False(ProcessView.HasOpen(ShmPath(name)));
            Assert.DoesNotContain(MemoryMap.GetOpenMaps(), m => m.Id == map.Id);
            using MemoryMap again = MemoryMap.OpenNamed(name);
            Assert.Equal(new byte[] { 5 }, again.Read(0, 1));
        }

        [Fact]
        public void ReadOnlyOpen_RaisedToWrite_IsProtectionDenied()
        {
            string name = NewName();
            using MemoryMap creator = MemoryMap.OpenNamed(name, s_page);
            creator.Write(0, new byte[] { 1, 2 });
            using MemoryMap reader = MemoryMap.OpenNamed(name, protection: MemoryProtection.Read);

            var e = Assert.Throws<MemoryMapException>(() => reader.SetProtection(MemoryProtection.Read | MemoryProtection.Write));

            Assert.Equal(MemoryMapError.ProtectionDenied, e.Error);
            Assert.Contains("shared memory '" + name + "' was opened read-only", e.Message);
            Assert.Equal(MemoryProtection.Read, reader.Protection);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => reader.Write(0, new byte[1])).Error);
            Assert.Equal(new byte[] { 1, 2 }, reader.Read(0, 2));
        }

        [Fact]
        public void ReadOnlyOpenWithASize_RaisedToWrite_IsProtectionDenied()
        {
            string name = NewName();
            using MemoryMap creator = MemoryMap.OpenNamed(name, s_page);
            using MemoryMap reader = MemoryMap.OpenNamed(name, s_page, MemoryProtection.Read);

            var e = Assert.Throws<MemoryMapException>(() => reader.SetProtection(MemoryProtection.Write));

            Assert.Equal(MemoryMapError.ProtectionDenied, e.Error);
        }

        [Fact]
        public void ReadOnlyCreator_CanRaiseToWrite()
        {
            string name = NewName();
            using MemoryMap creator = MemoryMap.OpenNamed(name, s_page, MemoryProtection.Read);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => creator.Write(0, new byte[1])).Error);

            creator.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            creator.Write(3, new byte[] { 0x77 });

            using MemoryMap other = MemoryMap.OpenNamed(name, protection: MemoryProtection.Read);
            Assert.Equal(new byte[] { 0x77 }, other.Read(3, 1));
        }

        [Fact]
        public void NoneCreator_CanRaiseToReadWrite()
        {
            string name = NewName();
            using MemoryMap creator = MemoryMap.OpenNamed(name, s_page, MemoryProtection.None);
            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => creator.Read(0, 1)).Error);

            creator.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            creator.Write(0, new byte[] { 4 });

            Assert.Equal(new byte[] { 4 }, creator.Read(0, 1));
        }

        [Fact]
        public void PrivateMap_WritesStayInIt()
        {
            string name = NewName();
            using MemoryMap shared = MemoryMap.OpenNamed(name, 2 * s_page);
            shared.Write(0, Pattern.Marker(16));
            using MemoryMap copy = MemoryMap.OpenNamed(name, sharing: MapSharing.Private);

            copy.Write(0, new byte[] { 0xEE, 0xEF });
            copy.Write(s_page, new byte[] { 0xAA });

            Assert.Equal(MapSharing.Private, copy.Sharing);
            Assert.Equal(new byte[] { 0xEE, 0xEF }, copy.Read(0, 2));
            Assert.Equal(Pattern.Marker(16), shared.Read(0, 16));
            Assert.Equal(new byte[1], shared.Read(s_page, 1));
            using MemoryMap later = MemoryMap.OpenNamed(name, protection: MemoryProtection.Read);
            Assert.Equal(Pattern.Marker(16), later.Read(0, 16));
            Assert.Equal(Pattern.Marker(16), File.ReadAllBytes(ShmPath(name)).AsSpan(0, 16).ToArray());
        }

        [Fact]
        public void PrivateReadOnlyMap_RaisedToWrite_CopiesOnWrite()
        {
            string name = NewName();
            using MemoryMap shared = MemoryMap.OpenNamed(name, s_page);
            using MemoryMap copy = MemoryMap.OpenNamed(name, protection: MemoryProtection.Read, sharing: MapSharing.Private);

            copy.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            copy.Write(0, new byte[] { 3 });

            Assert.Equal(new byte[] { 3 }, copy.Read(0, 1));
            Assert.Equal(new byte[1], shared.Read(0, 1));
        }

        [Fact]
        public void Truncated_ReadBeyondTheNewEnd_ThrowsFileTruncated()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, 3 * s_page);
            map.Write(0, Pattern.Bytes(0, 200));

            Truncate(name, 100);

            var e = Assert.Throws<MemoryMapException>(() => map.Read(2 * s_page, 10));
            Assert.Equal(MemoryMapError.FileTruncated, e.Error);
            Assert.Equal(
                "Shared memory '" + name + "' is now 100 bytes (another process shrank it); the map covers its offsets 0.." + (3 * s_page - 1) + ", and offset " + (2 * s_page) + " with count 10 reaches past its end. Use the first 100 bytes of the map, or close it and map it again.",
                e.Message);
        }

        [Fact]
        public void Truncated_BelowTheNewEndStillWorks_AndEveryAccessPastItIsRefused()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, 3 * s_page);
            map.Write(0, Pattern.Bytes(0, 200));
            using MemoryMap view = map.CreateView(50);

            Truncate(name, 100);

            Assert.Equal(Pattern.Bytes(0, 100), map.Read(0, 100));
            map.Write(99, new byte[] { 0xEE });
            Assert.Equal(new byte[] { 0xEE }, view.Read(49, 1));
            Assert.StartsWith("Shared memory '", Assert.Throws<MemoryMapException>(() => map.Read(0, 101)).Message);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Read(100, 1)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Write(s_page, new byte[1])).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.IndexOf(new byte[] { 1 }, 0, map.Size)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Gather<byte>(new long[] { 0, 2 * s_page }, 1)).Error);
            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => view.Read(50, 1)).Error);
            Assert.Contains("Use the first 50 bytes of the map", Assert.Throws<MemoryMapException>(() => view.Read(0, 51)).Message);
        }

        [Fact]
        public void TruncatedToZero_RefusesTheFirstByte()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, s_page);

            Truncate(name, 0);

            Assert.Equal(MemoryMapError.FileTruncated, Assert.Throws<MemoryMapException>(() => map.Read(0, 1)).Error);
            Assert.Empty(map.Read(0, 0));
        }

        [Fact]
        public void ChildProcess_SeesAndChangesTheParentsData()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, 2 * s_page);
            map.Write(s_page - 4, Pattern.Marker(8));

            string output = RunChild(NamedChild.ReadAndWrite, name);

            Assert.Equal("size=" + (2 * s_page) + " read=" + Convert.ToHexString(Pattern.Marker(8)), output.Trim());
            Assert.Equal(Pattern.Marker(8, 0x5A), map.Read(s_page + 1, 8));
        }

        [Fact]
        public void ObjectAChildCreated_OutlivesTheChild()
        {
            string name = NewName();

            string output = RunChild(NamedChild.CreateAndExit, name);

            Assert.Equal("created", output.Trim());
            using MemoryMap map = MemoryMap.OpenNamed(name);
            Assert.Equal(3 * s_page, map.Size);
            Assert.Equal(Pattern.Marker(8, 0x69), map.Read(2 * s_page, 8));
        }

        [Fact]
        public void View_OfANamedMap_HasItsKindAndName()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, 2 * s_page);

            using MemoryMap view = map.CreateView(s_page + 1, 10);
            view.Write(0, new byte[] { 0x21 });

            Assert.Equal(MemoryMapKind.Named, view.Kind);
            Assert.Equal(name, view.Name);
            Assert.Null(view.Path);
            Assert.Equal(new byte[] { 0x21 }, File.ReadAllBytes(ShmPath(name)).AsSpan((int)s_page + 1, 1).ToArray());
        }

        /// <summary>
        /// /dev/shm is writable by every user, so anyone can put a FIFO where a name is expected.
        /// Opening a FIFO read-only blocks until a writer comes; OpenFile refuses special files for
        /// that reason (NotARegularFile), and OpenNamed must not block either.
        /// </summary>
        [Fact]
        public async Task ObjectThatIsAFifo_OpenedReadOnly_IsRefusedWithoutBlocking()
        {
            string name = NewName();
            Assert.Equal(0, mkfifo(ShmPath(name), 0x1B6));
            Task<MemoryMap> open = Task.Run(() => MemoryMap.OpenNamed(name, protection: MemoryProtection.Read), TestContext.Current.CancellationToken);

            bool finished = await Task.WhenAny(open, Task.Delay(2000, TestContext.Current.CancellationToken)) == open;
            if (!finished)
            {
                // Be the writer the open waits for, so the blocked thread ends.
                using (new FileStream(ShmPath(name), FileMode.Open, FileAccess.Write))
                {
                }
            }

            Exception e = await Record.ExceptionAsync(async () => (await open)?.Dispose());
            Assert.True(finished, "OpenNamed blocked for more than 2 s on a FIFO in /dev/shm");
            Assert.True(e is MemoryMapException || e is MemoryMapArgumentException, "expected a MemoryMap exception, got " + (e?.ToString() ?? "a map"));
        }

        [Fact]
        public void ObjectThatIsADirectory_IsNotCalledAnInvalidName()
        {
            string name = NewName();
            Directory.CreateDirectory(ShmPath(name));
            try
            {
                var e = Assert.ThrowsAny<Exception>(() => MemoryMap.OpenNamed(name, s_page));

                // The name is valid; what is there is not shared memory.
                Assert.False(e is MemoryMapArgumentException { Error: MemoryMapError.NameInvalid }, "a directory in /dev/shm was reported as: " + e.Message);
            }
            finally
            {
                Directory.Delete(ShmPath(name));
            }
        }

        [Fact]
        public void ThreadsCreatingOneNameTogether_AllGetTheSameObject()
        {
            for (int round = 0; round < 20; round++)
            {
                string name = NewName();
                var maps = new MemoryMap[4];
                var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
                using var go = new ManualResetEventSlim();
                var threads = new Thread[maps.Length];
                for (int t = 0; t < threads.Length; t++)
                {
                    int index = t;
                    threads[t] = new Thread(() =>
                    {
                        go.Wait();
                        try
                        {
                            maps[index] = index == 3 ? OpenWhenItExists(name) : MemoryMap.OpenNamed(name, 5 * s_page);
                        }
                        catch (Exception e)
                        {
                            errors.Enqueue(e);
                        }
                    });
                    threads[t].Start();
                }

                go.Set();
                foreach (Thread thread in threads)
                {
                    thread.Join();
                }

                try
                {
                    Assert.Empty(errors);
                    maps[0].Write(0, new byte[] { (byte)round });
                    foreach (MemoryMap map in maps)
                    {
                        Assert.Equal(5 * s_page, map.Size);
                        Assert.Equal(new byte[] { (byte)round }, map.Read(0, 1));
                    }
                }
                finally
                {
                    foreach (MemoryMap map in maps)
                    {
                        map?.Dispose();
                    }
                }
            }
        }

        private static MemoryMap OpenWhenItExists(string name)
        {
            while (true)
            {
                try
                {
                    return MemoryMap.OpenNamed(name);
                }
                catch (MemoryMapException e) when (e.Error == MemoryMapError.NamedMapNotFound)
                {
                    Thread.Yield();
                }
            }
        }

        /// <summary>
        /// A C library without statx (glibc before 2.28, musl before 1.2.5), forced on this thread so
        /// the fallback runs on any Linux: an object's size comes from lseek, and sizes are compared
        /// and mapped as with statx.
        /// </summary>
        [Fact]
        public void WithoutStatx_AnObjectIsSizedByLseek_AndOpensAgain()
        {
            string name = NewName();
            using (Interop.Libc.WithoutStatx())
            {
                using MemoryMap created = MemoryMap.OpenNamed(name, 5000);
                using MemoryMap opened = MemoryMap.OpenNamed(name);
                created.Write(4999, new byte[] { 7 });

                Assert.Equal(5000, opened.Size);
                Assert.Equal(new byte[] { 7 }, opened.Read(4999, 1));
                var e = Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name, 4096));
                Assert.Equal(MemoryMapError.NamedMapSizeMismatch, e.Error);
                Assert.StartsWith("Shared memory '" + name + "' already exists with 5000 bytes, not 4096.", e.Message);
            }
        }

        /// <summary>Without statx, a FIFO is still told from shared memory: lseek fails on it with ESPIPE.</summary>
        [Fact]
        public void WithoutStatx_AFifo_IsNotSharedMemory()
        {
            string name = NewName();
            Assert.Equal(0, mkfifo(ShmPath(name), 0x1B6));
            using (Interop.Libc.WithoutStatx())
            {
                var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenNamed(name, protection: MemoryProtection.Read));

                Assert.Equal(MemoryMapError.NotARegularFile, e.Error);
            }
        }

        /// <summary>Without statx, the listing has what .NET can tell: the size, but not the owner or mode.</summary>
        [Fact]
        public void WithoutStatx_TheListingHasTheObjectAndItsSize_WithoutOwnerOrMode()
        {
            string name = NewName();
            using MemoryMap created = MemoryMap.OpenNamed(name, 5000);
            Assert.NotNull(Assert.Single(MemoryMap.GetAvailableNamed(), o => o.Name == name).Owner);
            using (Interop.Libc.WithoutStatx())
            {
                NamedMemoryInfo info = Assert.Single(MemoryMap.GetAvailableNamed(), o => o.Name == name);

                Assert.Equal(5000, info.Size);
                Assert.Null(info.Owner);
                Assert.Null(info.Mode);
            }
        }

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        private static extern int mkfifo(string path, uint mode);

        private string NewName()
        {
            string name = Prefix + Interlocked.Increment(ref s_next);
            _names.Add(name);
            return name;
        }

        private static string ShmPath(string name) => Path.Combine(ShmFolder, name);

        private static UnixFileMode ModeOf(string name) =>
            OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(ShmPath(name));

        /// <summary>Shrinks the object as another process would: ftruncate on its file.</summary>
        private static void Truncate(string name, long length)
        {
            using var stream = new FileStream(ShmPath(name), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            stream.SetLength(length);
        }

        private static int CountOpen(string path)
        {
            int count = 0;
            foreach (string fd in Directory.GetFiles("/proc/self/fd"))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget == path)
                    {
                        count++;
                    }
                }
                catch (IOException)
                {
                }
            }

            return count;
        }

        private static string RunChild(string scenario, string name)
        {
            string host = Environment.ProcessPath;
            var start = new ProcessStartInfo(host)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add("exec");
                start.ArgumentList.Add(typeof(NamedChild).Assembly.Location);
            }

            start.Environment[NamedChild.ScenarioVariable] = scenario;
            start.Environment[NamedChild.NameVariable] = name;
            start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
            using Process process = Process.Start(start);
            System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "the child process did not finish");
            Assert.True(process.ExitCode == 0, "The child process exited with " + process.ExitCode + ":\n" + output + error.Result);
            return output;
        }

        /// <summary>
        /// After the class: no object with this process's prefix is left in /dev/shm. Each test removes
        /// the names it used; anything left here was made by a path that should have made nothing.
        /// </summary>
        public sealed class LeakCheck : IDisposable
        {
            public void Dispose()
            {
                if (!OperatingSystem.IsLinux())
                {
                    return;
                }

                var left = new List<string>();
                foreach (string path in Directory.GetFiles(ShmFolder, Prefix + "*"))
                {
                    left.Add(Path.GetFileName(path));
                    File.Delete(path);
                }

                Assert.True(left.Count == 0, "Shared memory left in /dev/shm: " + string.Join(", ", left));
            }
        }
    }

    /// <summary>
    /// The other side of the named-map tests: this test executable started again with
    /// <see cref="ScenarioVariable"/> set, which a module initializer runs before xunit starts. Its
    /// own variable, so that it and <see cref="ChildScenarios"/> never run each other's scenarios.
    /// </summary>
    internal static class NamedChild
    {
        internal const string ScenarioVariable = "MMAN_TEST_NAMED_CHILD_SCENARIO";

        internal const string NameVariable = "MMAN_TEST_NAMED_CHILD_NAME";

        /// <summary>Opens the object by name alone, prints its size and 8 bytes at page - 4, writes 8 at page + 1.</summary>
        internal const string ReadAndWrite = "ReadAndWrite";

        /// <summary>Creates a three-page object, writes 8 bytes at two pages, and exits without removing it.</summary>
        internal const string CreateAndExit = "CreateAndExit";

#pragma warning disable CA2255 // The initializer is the child's entry point; it does nothing in a normal test run.
        [ModuleInitializer]
#pragma warning restore CA2255
        internal static void RunIfChild()
        {
            string scenario = Environment.GetEnvironmentVariable(ScenarioVariable);
            if (string.IsNullOrEmpty(scenario))
            {
                return;
            }

            int exitCode = 0;
            try
            {
                string name = Environment.GetEnvironmentVariable(NameVariable);
                long page = Environment.SystemPageSize;
                switch (scenario)
                {
                    case ReadAndWrite:
                        using (MemoryMap map = MemoryMap.OpenNamed(name))
                        {
                            Console.WriteLine("size=" + map.Size + " read=" + Convert.ToHexString(map.Read(page - 4, 8)));
                            map.Write(page + 1, Pattern.Marker(8, 0x5A));
                        }

                        break;
                    case CreateAndExit:
                        using (MemoryMap map = MemoryMap.OpenNamed(name, 3 * page))
                        {
                            map.Write(2 * page, Pattern.Marker(8, 0x69));
                        }

                        Console.WriteLine("created");
                        break;
                    default:
                        exitCode = 2;
                        break;
                }
            }
            catch (Exception e)
            {
                Console.WriteLine(e);
                exitCode = 3;
            }

            Console.Out.Flush();
            Environment.Exit(exitCode);
        }
    }
}
