using System;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace Mman.Commands
{
    /// <summary>
    /// Makes Format-Hex's own output objects (Microsoft.PowerShell.Commands.ByteCollection), so that
    /// Read-MemoryMap -AsHex shows as Format-Hex does, with the map's offsets instead of offsets from 0.
    /// </summary>
    /// <remarks>
    /// ByteCollection lives in Microsoft.PowerShell.Commands.Utility, which the compile-time reference
    /// (PowerShellStandard.Library: System.Management.Automation only) does not contain, and its
    /// constructors differ between PowerShell versions, so it is found by reflection once, at first use:
    /// PowerShell 7 has (UInt64 offset, String label, Byte[] bytes), whose label heads the rows;
    /// Windows PowerShell 5.1 (and 6) has only (UInt32 offset, Byte[] bytes, String path), so offsets
    /// of 4 GiB and more cannot be shown there, and the label is shown as the path.
    /// </remarks>
    internal static class HexRows
    {
        /// <summary>The bytes in one row, as Format-Hex writes them.</summary>
        internal const int RowLength = 16;

        private const string TypeName = "Microsoft.PowerShell.Commands.ByteCollection";
        private const string AssemblyName = "Microsoft.PowerShell.Commands.Utility";

        private static readonly Lazy<Factory> s_factory = new Lazy<Factory>(FindFactory);

        /// <summary>
        /// Checks that this PowerShell's ByteCollection can show offsets up to <paramref name="lastOffset"/>.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">It cannot, or there is no ByteCollection.</exception>
        internal static void CheckOffset(long lastOffset)
        {
            Factory factory = s_factory.Value;
            if (factory == null)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.HexViewUnavailable,
                    "This PowerShell has no " + TypeName + " (Format-Hex's output) with a constructor that takes an offset.",
                    "AsHex");
            }

            if (lastOffset > factory.MaxOffset)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.HexViewUnavailable,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "This PowerShell's Format-Hex shows offsets up to {0}; offset {1} is beyond. Use PowerShell 7, or read the bytes without -AsHex.",
                        factory.MaxOffset,
                        lastOffset),
                    "Offset");
            }
        }

        /// <summary>One row: a ByteCollection of <paramref name="bytes"/> at <paramref name="offset"/>, headed by <paramref name="label"/>.</summary>
        internal static object Create(long offset, byte[] bytes, string label) => s_factory.Value.Create(offset, bytes, label);

        /// <summary>
        /// The label above the rows: the map, and where its offset 0 is in the file, so that a row's
        /// file offset is its offset plus that (what xxd -s shows).
        /// </summary>
        internal static string Label(MemoryMap map)
        {
            string what;
            if (map.Path != null)
            {
                what = map.Path + " from file offset " + map.FileOffset.ToString(CultureInfo.InvariantCulture);
            }
            else if (map.Name != null)
            {
                what = "named '" + map.Name + "'";
            }
            else
            {
                what = "anonymous";
            }

            string view = map.Parent == null
                ? string.Empty
                : string.Format(CultureInfo.InvariantCulture, " (view of map {0} @ {1})", map.Parent.Id, map.ParentOffset);
            return string.Format(CultureInfo.InvariantCulture, "Map {0}: {1}{2}", map.Id, what, view);
        }

        private static Factory FindFactory()
        {
            Type type = FindType();
            if (type == null)
            {
                return null;
            }

            ConstructorInfo labelled = type.GetConstructor(new[] { typeof(ulong), typeof(string), typeof(byte[]) });
            if (labelled != null)
            {
                return new Factory(long.MaxValue, (offset, bytes, label) => labelled.Invoke(new object[] { (ulong)offset, label, bytes }));
            }

            ConstructorInfo withPath = type.GetConstructor(new[] { typeof(uint), typeof(byte[]), typeof(string) });
            if (withPath != null)
            {
                return new Factory(uint.MaxValue, (offset, bytes, label) => withPath.Invoke(new object[] { (uint)offset, bytes, label }));
            }

            return null;
        }

        private static Type FindType()
        {
            foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (assembly.GetName().Name == AssemblyName)
                {
                    return assembly.GetType(TypeName);
                }
            }

            // Not loaded yet: it has the version of System.Management.Automation in every PowerShell
            // (3.0.0.0 in Windows PowerShell, the release's in PowerShell 7).
            var name = new AssemblyName(typeof(PSObject).Assembly.FullName) { Name = AssemblyName };
            try
            {
                return Assembly.Load(name).GetType(TypeName);
            }
            catch (Exception e) when (e is System.IO.IOException || e is BadImageFormatException)
            {
                return null;
            }
        }

        private sealed class Factory
        {
            internal Factory(long maxOffset, Func<long, byte[], string, object> create)
            {
                MaxOffset = maxOffset;
                Create = create;
            }

            internal long MaxOffset { get; }

            internal Func<long, byte[], string, object> Create { get; }
        }
    }
}
