using System.Linq;
using System.Reflection;
using System.Runtime.Versioning;
using Xunit;

namespace Mman.Tests.Core
{
    /// <summary>
    /// Which build of the core these tests run against. The module ships a net8.0 and a
    /// netstandard2.0 build, and build.ps1 runs this suite once against each; the test project
    /// records the build it was compiled for (-p:MmanCoreTarget) as assembly metadata, so a test
    /// executable that quietly loads the other build fails here instead of testing it twice.
    /// </summary>
    public sealed class CoreBuildTests
    {
        [Fact]
        public void CoreAssembly_IsTheBuildThisSuiteWasBuiltFor()
        {
            string expected = typeof(CoreBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(attribute => attribute.Key == "MmanCoreFramework").Value;
            string actual = typeof(MemoryMap).Assembly.GetCustomAttribute<TargetFrameworkAttribute>().FrameworkName;

            Assert.Equal(expected, actual);
        }
    }
}
