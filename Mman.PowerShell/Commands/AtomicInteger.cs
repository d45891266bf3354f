using System;
using System.Globalization;

namespace Mman.Commands
{
    /// <summary>
    /// What the four *-MemoryMapInteger cmdlets share: the integer types they work on and the check that
    /// a value fits the type, so the rule is written once.
    /// </summary>
    internal static class AtomicInteger
    {
        /// <summary>The -Type values the cmdlets accept (their ValidateSet).</summary>
        internal const string Int32 = nameof(MemoryMapValueType.Int32);

        internal const string Int64 = nameof(MemoryMapValueType.Int64);

        /// <summary>The size in bytes of an integer of <paramref name="type"/>: 4 or 8.</summary>
        internal static int SizeOf(MemoryMapValueType type) => type == MemoryMapValueType.Int64 ? sizeof(long) : sizeof(int);

        /// <summary>
        /// Throws ValueNotConvertible unless <paramref name="value"/> (of the parameter <paramref name="name"/>)
        /// fits <paramref name="type"/>; an Int64 takes any value.
        /// </summary>
        internal static void CheckFits(MemoryMapValueType type, long value, string name)
        {
            if (type == MemoryMapValueType.Int32 && (value < int.MinValue || value > int.MaxValue))
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.ValueNotConvertible,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "-{0} {1} does not fit an Int32 ({2} to {3}); use -Type Int64 for an 8-byte integer.",
                        name, value, int.MinValue, int.MaxValue),
                    name);
            }
        }

        /// <summary>A value as the type's own .NET type, so that an Int32 comes out as [int].</summary>
        internal static object Box(MemoryMapValueType type, long value) => type == MemoryMapValueType.Int64 ? (object)value : (int)value;

        /// <summary>"the Int32 at offset 8", for ShouldProcess.</summary>
        internal static string Describe(MemoryMapValueType type, long offset) => "the " + type + " at offset " + offset.ToString(CultureInfo.InvariantCulture);
    }
}
