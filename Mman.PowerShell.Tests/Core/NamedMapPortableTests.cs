using System;
using System.Collections.Generic;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Named shared memory through the core alone, on every system: these run on Linux and, in the
    /// Windows run under Wine, over CreateFileMapping/OpenFileMapping with Local\ names. Sizes are whole
    /// pages, since Windows knows a section's size only to the page. Where the systems differ (the
    /// lifetime of a name), each test states what each system does.
    /// </summary>
    public sealed class NamedMapPortableTests : IDisposable
    {
        private static readonly long s_page = Environment.SystemPageSize;
        private static int s_next;
        private readonly List<string> _names = new List<string>();

        /// <summary>Removes every name the test made (where names can be removed).</summary>
        public void Dispose()
        {
            foreach (string name in _names)
            {
                MemoryMap.RemoveNamed(name);
            }
        }

        [Fact]
        public void Create_GivesAZeroedNamedMapOfTheSize()
        {
            string name = NewName();

            using MemoryMap map = MemoryMap.OpenNamed(name, 2 * s_page);

            Assert.Equal(MemoryMapKind.Named, map.Kind);
            Assert.Equal(name, map.Name);
            Assert.Equal(2 * s_page, map.Size);
            Assert.Equal(MemoryProtection.Read | MemoryProtection.Write, map.Protection);
            Assert.Equal(new byte[2 * s_page], map.Read(0, 2 * s_page));
        }

        [Fact]
        public void OpenByNameAlone_TakesTheSizeAndSharesTheMemoryBothWays()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, 3 * s_page);

            using MemoryMap second = MemoryMap.OpenNamed(name);
            first.Write(s_page - 1, new byte[] { 1, 2, 3 });
            second.Write(3 * s_page - 2, new byte[] { 9, 8 });

            Assert.Equal(3 * s_page, second.Size);
            Assert.Equal(new byte[] { 1, 2, 3 }, second.Read(s_page - 1, 3));
            Assert.Equal(new byte[] { 9, 8 }, first.Read(3 * s_page - 2, 2));
        }

        [Fact]
        public void OpenWithTheSameSize_OpensTheExistingObject()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, s_page);
            first.Write(0, new byte[] { 42 });

            using MemoryMap second = MemoryMap.OpenNamed(name, s_page);

            Assert.Equal(42, second.Read(0, 1)[0]);
        }

        [Fact]
        public void OpenWithAnotherSize_IsNamedMapSizeMismatch()
        {
            string name = NewName();
            using MemoryMap first = MemoryMap.OpenNamed(name, 2 * s_page);

            var e = Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name, 4 * s_page));

            Assert.Equal(MemoryMapError.NamedMapSizeMismatch, e.Error);
            Assert.Contains((2 * s_page).ToString(), e.Message);
        }

        [Fact]
        public void OpenOfAMissingName_IsNamedMapNotFound()
        {
            var e = Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(NewName()));

            Assert.Equal(MemoryMapError.NamedMapNotFound, e.Error);
            Assert.StartsWith("No shared memory named '", e.Message);
        }

        [Theory]
        [InlineData("")]
        [InlineData("a/b")]
        [InlineData("sem.x")]
        [InlineData("..")]
        public void OpenOfAnInvalidName_IsNameInvalid(string name)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenNamed(name, s_page));

            Assert.Equal(MemoryMapError.NameInvalid, e.Error);
        }

        [Fact]
        public void ReadOnlyOpen_CannotWrite_NorBeRaisedToWrite()
        {
            string name = NewName();
            using MemoryMap creator = MemoryMap.OpenNamed(name, s_page);
            creator.Write(0, new byte[] { 5 });

            using MemoryMap reader = MemoryMap.OpenNamed(name, protection: MemoryProtection.Read);

            Assert.Equal(5, reader.Read(0, 1)[0]);
            Assert.Equal(MemoryMapError.MapNotWritable, Assert.Throws<MemoryMapAccessException>(() => reader.Write(0, new byte[] { 1 })).Error);
            Assert.Equal(MemoryMapError.ProtectionDenied, Assert.Throws<MemoryMapException>(() => reader.SetProtection(MemoryProtection.Read | MemoryProtection.Write)).Error);
            Assert.Equal(5, creator.Read(0, 1)[0]);
        }

        [Fact]
        public void Creator_CreatedReadOnly_CanRaiseItselfToWrite()
        {
            string name = NewName();
            using MemoryMap creator = MemoryMap.OpenNamed(name, s_page, MemoryProtection.Read);

            creator.SetProtection(MemoryProtection.Read | MemoryProtection.Write);
            creator.Write(10, new byte[] { 77 });

            using MemoryMap other = MemoryMap.OpenNamed(name);
            Assert.Equal(77, other.Read(10, 1)[0]);
        }

        [Fact]
        public void ProtectionNone_RefusesReadsOfANamedMap_AndRestoringReadWorks()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, s_page);
            map.Write(0, new byte[] { 3 });

            map.SetProtection(MemoryProtection.None);

            Assert.Equal(MemoryMapError.MapNotReadable, Assert.Throws<MemoryMapAccessException>(() => map.Read(0, 1)).Error);
            map.SetProtection(MemoryProtection.Read);
            Assert.Equal(3, map.Read(0, 1)[0]);
        }

        [Fact]
        public void PrivateMap_WritesStayInThatMap()
        {
            string name = NewName();
            using MemoryMap shared = MemoryMap.OpenNamed(name, s_page);
            shared.Write(0, new byte[] { 1 });

            using MemoryMap copy = MemoryMap.OpenNamed(name, sharing: MapSharing.Private);
            copy.Write(0, new byte[] { 2 });

            Assert.Equal(2, copy.Read(0, 1)[0]);
            Assert.Equal(1, shared.Read(0, 1)[0]);
        }

        [Fact]
        public void View_OfANamedMap_SharesItsMemoryAndName()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, 2 * s_page);
            using MemoryMap view = map.CreateView(s_page + 3, 10);

            view.Write(0, new byte[] { 11 });

            Assert.Equal(11, map.Read(s_page + 3, 1)[0]);
            Assert.Equal(name, view.Name);
            Assert.Equal(MemoryMapKind.Named, view.Kind);
            Assert.Same(map, view.Parent);
        }

        [Fact]
        public void Sync_OfANamedMap_Succeeds()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, s_page);
            map.Write(0, new byte[] { 1 });

            map.Sync();
            map.Sync(async: true);

            Assert.Equal(1, map.Read(0, 1)[0]);
        }

        [Fact]
        public void RemoveNamed_WhileAMapIsOpen_ReportsTheObject_AndTheMapKeepsWorking()
        {
            string name = NewName();
            using MemoryMap map = MemoryMap.OpenNamed(name, s_page);

            Assert.True(MemoryMap.RemoveNamed(name));

            map.Write(0, new byte[] { 4 });
            Assert.Equal(4, map.Read(0, 1)[0]);
            if (MemoryMap.CanRemoveNames)
            {
                // Linux and macOS: the name is gone at once.
                Assert.Equal(MemoryMapError.NamedMapNotFound, Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name)).Error);
            }
            else
            {
                // Windows: the name lives while a map of it does.
                using MemoryMap again = MemoryMap.OpenNamed(name);
                Assert.Equal(4, again.Read(0, 1)[0]);
            }
        }

        [Fact]
        public void RemoveNamed_OfAMissingName_IsFalse()
        {
            Assert.False(MemoryMap.RemoveNamed(NewName()));
        }

        [Fact]
        public void AfterTheLastMapCloses_TheObjectPersistsOnPosix_AndIsGoneOnWindows()
        {
            string name = NewName();
            using (MemoryMap map = MemoryMap.OpenNamed(name, s_page))
            {
                map.Write(0, new byte[] { 6 });
            }

            if (MemoryMap.CanRemoveNames)
            {
                using MemoryMap again = MemoryMap.OpenNamed(name);
                Assert.Equal(6, again.Read(0, 1)[0]);
            }
            else
            {
                Assert.Equal(MemoryMapError.NamedMapNotFound, Assert.Throws<MemoryMapException>(() => MemoryMap.OpenNamed(name)).Error);
            }
        }

        private string NewName()
        {
            string name = "mman-xport-" + Environment.ProcessId + "-" + System.Threading.Interlocked.Increment(ref s_next);
            _names.Add(name);
            return name;
        }
    }
}
