using System;
using System.Linq;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// The shared-memory name rules of Linux, macOS and Windows. ToObjectName is pure, so every
    /// system's rules are tested on whichever system runs the tests.
    /// </summary>
    public sealed class NamedMapNameTests
    {
        private const string Portable = " Names of up to 30 letters, digits, '-', '_' and '.' work on every system.";

        // NamePlatform is internal, so public test methods take its name.
        private static readonly string[] s_platforms = { "Linux", "MacOS", "Windows" };

        public static TheoryData<string> AllPlatforms => new TheoryData<string>(s_platforms);

        [Theory]
        [InlineData("Linux")]
        [InlineData("MacOS")]
        public void Posix_PlainName_GetsALeadingSlash(string platform)
        {
            Assert.Equal("/mman-test_1.x", ToObjectName("mman-test_1.x", platform));
        }

        [Fact]
        public void Linux_255Bytes_IsAccepted()
        {
            string name = new string('a', 255);

            Assert.Equal("/" + name, NamedMapName.ToObjectName(name, NamePlatform.Linux));
        }

        [Fact]
        public void Linux_256Bytes_IsRefused()
        {
            string name = new string('a', 256);

            MemoryMapArgumentException e = AssertInvalid(name, NamePlatform.Linux);

            Assert.Contains("it is 256 bytes in UTF-8, and Linux allows at most 255", e.Message);
        }

        [Fact]
        public void Linux_MultiByteCharacters_AreCountedInBytes()
        {
            // 127 two-byte characters and one one-byte: 128 characters, 255 bytes.
            string fits = new string('é', 127) + "a";
            string tooLong = new string('é', 128);

            Assert.Equal("/" + fits, NamedMapName.ToObjectName(fits, NamePlatform.Linux));
            MemoryMapArgumentException e = AssertInvalid(tooLong, NamePlatform.Linux);
            Assert.Contains("it is 256 bytes in UTF-8", e.Message);
        }

        [Fact]
        public void Linux_FourByteCharacters_AreCountedInBytes()
        {
            // U+1F600 is two UTF-16 chars and four UTF-8 bytes: 64 of them are 256 bytes in 128 chars.
            string tooLong = string.Concat(Enumerable.Repeat("\U0001F600", 64));
            string fits = string.Concat(Enumerable.Repeat("\U0001F600", 63)) + "abc";

            Assert.Contains("it is 256 bytes in UTF-8", AssertInvalid(tooLong, NamePlatform.Linux).Message);
            Assert.Equal("/" + fits, NamedMapName.ToObjectName(fits, NamePlatform.Linux));
        }

        [Fact]
        public void MacOS_30Bytes_IsAccepted()
        {
            string name = new string('m', 30);

            Assert.Equal("/" + name, NamedMapName.ToObjectName(name, NamePlatform.MacOS));
        }

        [Fact]
        public void MacOS_31Bytes_IsRefused()
        {
            string name = new string('m', 31);

            MemoryMapArgumentException e = AssertInvalid(name, NamePlatform.MacOS);

            Assert.Contains("it is 31 bytes in UTF-8, and macOS allows at most 30", e.Message);
        }

        [Fact]
        public void MacOS_MultiByteCharacters_AreCountedInBytes()
        {
            // 16 characters, 32 bytes.
            string name = new string('ü', 16);

            Assert.Contains("it is 32 bytes in UTF-8, and macOS allows at most 30", AssertInvalid(name, NamePlatform.MacOS).Message);
            Assert.Equal("/" + new string('ü', 15), NamedMapName.ToObjectName(new string('ü', 15), NamePlatform.MacOS));
        }

        [Fact]
        public void Windows_PlainName_GoesInTheLocalNamespace()
        {
            Assert.Equal("Local\\x", NamedMapName.ToObjectName("x", NamePlatform.Windows));
        }

        [Theory]
        [InlineData("Global\\x")]
        [InlineData("Local\\x")]
        [InlineData("global\\x")]
        [InlineData("LOCAL\\x")]
        public void Windows_LocalOrGlobalPrefix_IsKept(string name)
        {
            Assert.Equal(name, NamedMapName.ToObjectName(name, NamePlatform.Windows));
        }

        [Theory]
        [InlineData("Local\\")]
        [InlineData("Global\\")]
        public void Windows_PrefixAlone_IsRefused(string name)
        {
            MemoryMapArgumentException e = AssertInvalid(name, NamePlatform.Windows);

            Assert.Contains("the name after the prefix must not be empty", e.Message);
        }

        [Theory]
        [InlineData("Session\\1\\x")]
        [InlineData("Global\\Local\\x")]
        [InlineData("a\\b")]
        public void Windows_OtherNamespacesOrBackslashes_AreRefused(string name)
        {
            MemoryMapArgumentException e = AssertInvalid(name, NamePlatform.Windows);

            Assert.Contains("the only prefixes a name may have are Local\\ (the default) and Global\\", e.Message);
            Assert.Contains("Session\\ and other namespaces are reserved by Windows", e.Message);
        }

        [Fact]
        public void Windows_260CharactersWithThePrefix_IsAccepted()
        {
            string bare = new string('w', 260 - "Local\\".Length);

            Assert.Equal("Local\\" + bare, NamedMapName.ToObjectName(bare, NamePlatform.Windows));
            Assert.Equal("Global\\" + bare.Substring(1), NamedMapName.ToObjectName("Global\\" + bare.Substring(1), NamePlatform.Windows));
        }

        [Fact]
        public void Windows_261CharactersWithTheAddedPrefix_IsRefused()
        {
            string bare = new string('w', 261 - "Local\\".Length);

            MemoryMapArgumentException e = AssertInvalid(bare, NamePlatform.Windows);

            Assert.Contains("it is 261 characters with its prefix, and Windows allows at most 260", e.Message);
        }

        [Fact]
        public void Windows_261CharactersWithAGivenPrefix_IsRefused()
        {
            string name = "Global\\" + new string('w', 261 - "Global\\".Length);

            Assert.Contains("it is 261 characters with its prefix", AssertInvalid(name, NamePlatform.Windows).Message);
        }

        [Fact]
        public void Windows_LimitIsInCharactersNotBytes()
        {
            // 254 two-byte characters: 508 bytes in UTF-8, but 260 characters with "Local\".
            string bare = new string('é', 254);

            Assert.Equal("Local\\" + bare, NamedMapName.ToObjectName(bare, NamePlatform.Windows));
        }

        [Theory]
        [MemberData(nameof(AllPlatforms))]
        public void Slash_IsRefusedEverywhere(string platform)
        {
            MemoryMapArgumentException e = AssertInvalid("a/b", platform);

            Assert.Contains("must not contain '/'", e.Message);
        }

        [Theory]
        [InlineData("Linux")]
        [InlineData("MacOS")]
        public void Posix_LeadingSlash_IsRefusedSayingMmanAddsIt(string platform)
        {
            MemoryMapArgumentException e = AssertInvalid("/x", platform);

            Assert.Contains("leave out the leading '/' of POSIX names, Mman adds it", e.Message);
        }

        [Fact]
        public void Windows_Slash_IsRefusedForPortability()
        {
            MemoryMapArgumentException e = AssertInvalid("Local\\a/b", NamePlatform.Windows);

            Assert.Contains("so that the same name works on Linux and macOS", e.Message);
        }

        [Theory]
        [InlineData("Linux", "Local\\x")]
        [InlineData("Linux", "Global\\x")]
        [InlineData("MacOS", "Global\\x")]
        [InlineData("MacOS", "a\\b")]
        public void Posix_Backslash_IsRefusedNamingWindowsNamespaces(string platform, string name)
        {
            MemoryMapArgumentException e = AssertInvalid(name, platform);

            Assert.Contains("must not contain '\\'", e.Message);
            Assert.Contains("Local\\ and Global\\ are Windows namespaces", e.Message);
            Assert.Contains("leave the prefix out", e.Message);
        }

        public static TheoryData<string, string> ControlNames
        {
            get
            {
                var data = new TheoryData<string, string>();
                foreach (string platform in s_platforms)
                {
                    data.Add(platform, "a\0b");
                    data.Add(platform, "a\nb");
                    data.Add(platform, "\tx");
                    data.Add(platform, "x\u007F");
                    data.Add(platform, "x\u0085");
                }

                data.Add("Windows", "Local\\a\rb");
                return data;
            }
        }

        [Theory]
        [MemberData(nameof(ControlNames))]
        public void ControlCharacters_AreRefused(string platform, string name)
        {
            MemoryMapArgumentException e = AssertInvalid(name, platform);

            Assert.Contains("must not contain control characters", e.Message);
        }

        public static TheoryData<string, string> DotNames
        {
            get
            {
                var data = new TheoryData<string, string>();
                foreach (string platform in s_platforms)
                {
                    data.Add(platform, ".");
                    data.Add(platform, "..");
                }

                data.Add("Windows", "Local\\..");
                data.Add("Windows", "Global\\.");
                return data;
            }
        }

        [Theory]
        [MemberData(nameof(DotNames))]
        public void DotAndDotDot_AreRefused(string platform, string name)
        {
            MemoryMapArgumentException e = AssertInvalid(name, platform);

            Assert.Contains("'.' and '..' name folders, not shared memory", e.Message);
        }

        [Theory]
        [MemberData(nameof(AllPlatforms))]
        public void DotsInsideAName_AreAccepted(string platform)
        {
            Assert.EndsWith("...x.", ToObjectName("...x.", platform));
        }

        [Theory]
        [MemberData(nameof(AllPlatforms))]
        public void SemPrefix_IsRefused(string platform)
        {
            MemoryMapArgumentException e = AssertInvalid("sem.x", platform);

            Assert.Contains("names that start with 'sem.' are where Linux keeps named semaphores", e.Message);
        }

        [Theory]
        [MemberData(nameof(AllPlatforms))]
        public void SemElsewhereOrInAnotherCase_IsAccepted(string platform)
        {
            Assert.EndsWith("x.sem.y", ToObjectName("x.sem.y", platform));
            Assert.EndsWith("SEM.x", ToObjectName("SEM.x", platform));
        }

        [Theory]
        [MemberData(nameof(AllPlatforms))]
        public void Empty_IsRefused(string platform)
        {
            MemoryMapArgumentException e = AssertInvalid(string.Empty, platform);

            Assert.Equal("The shared-memory name '' is not valid: a name must not be empty." + Portable, e.Message);
        }

        [Theory]
        [MemberData(nameof(AllPlatforms))]
        public void Null_IsRefused(string platform)
        {
            MemoryMapArgumentException e = AssertInvalid(null, platform);

            Assert.Contains("a name must not be empty", e.Message);
        }

        [Fact]
        public void Message_QuotesTheNameAndEndsWithThePortableAdvice()
        {
            MemoryMapArgumentException e = AssertInvalid("sem.abc", NamePlatform.Linux);

            Assert.StartsWith("The shared-memory name 'sem.abc' is not valid: ", e.Message);
            Assert.EndsWith(Portable, e.Message);
        }

        [Fact]
        public void OpenNamed_InvalidName_IsRefusedBeforeAnythingIsCreated()
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.OpenNamed("a/b", 4096));

            Assert.Equal(MemoryMapError.NameInvalid, e.Error);
            Assert.Equal("name", e.ParamName);
        }

        [Fact]
        public void RemoveNamed_InvalidName_IsRefused()
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => MemoryMap.RemoveNamed(".."));

            Assert.Equal(MemoryMapError.NameInvalid, e.Error);
            Assert.Equal("name", e.ParamName);
        }

        private static MemoryMapArgumentException AssertInvalid(string name, string platform) =>
            AssertInvalid(name, Enum.Parse<NamePlatform>(platform));

        private static string ToObjectName(string name, string platform) =>
            NamedMapName.ToObjectName(name, Enum.Parse<NamePlatform>(platform));

        private static MemoryMapArgumentException AssertInvalid(string name, NamePlatform platform)
        {
            var e = Assert.Throws<MemoryMapArgumentException>(() => NamedMapName.ToObjectName(name, platform));
            Assert.Equal(MemoryMapError.NameInvalid, e.Error);
            Assert.Equal("name", e.ParamName);
            Assert.StartsWith("The shared-memory name '" + name + "' is not valid: ", e.Message);
            Assert.EndsWith(Portable, e.Message);
            return e;
        }
    }
}
