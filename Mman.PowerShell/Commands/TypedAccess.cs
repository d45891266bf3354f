using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Maps a <see cref="MemoryMapValueType"/> to the core's generic typed calls. The switch is the
    /// one place the enum meets the generic methods; everything else stays type-agnostic.
    /// </summary>
    internal static class TypedAccess
    {
        internal static int SizeOf(MemoryMapValueType type)
        {
            switch (type)
            {
                case MemoryMapValueType.Byte:
                case MemoryMapValueType.SByte:
                    return 1;
                case MemoryMapValueType.Int16:
                case MemoryMapValueType.UInt16:
                    return 2;
                case MemoryMapValueType.Int32:
                case MemoryMapValueType.UInt32:
                case MemoryMapValueType.Single:
                    return 4;
                default:
                    return 8;
            }
        }

        internal static Type ClrType(MemoryMapValueType type) => Type.GetType("System." + type, throwOnError: true);

        /// <summary>Reads countPerOffset elements at each offset into one typed array.</summary>
        internal static Array Gather(MemoryMap map, MemoryMapValueType type, long[] offsets, int countPerOffset, bool bigEndian)
        {
            switch (type)
            {
                case MemoryMapValueType.Byte: return map.Gather<byte>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.SByte: return map.Gather<sbyte>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.Int16: return map.Gather<short>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.UInt16: return map.Gather<ushort>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.Int32: return map.Gather<int>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.UInt32: return map.Gather<uint>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.Int64: return map.Gather<long>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.UInt64: return map.Gather<ulong>(offsets, countPerOffset, bigEndian);
                case MemoryMapValueType.Single: return map.Gather<float>(offsets, countPerOffset, bigEndian);
                default: return map.Gather<double>(offsets, countPerOffset, bigEndian);
            }
        }

        /// <summary>
        /// Converts a scalar or array to a typed array with PowerShell's own conversions (so 1, '1' and
        /// 1.0 all work) and writes it split evenly over the offsets.
        /// </summary>
        internal static int Scatter(MemoryMap map, MemoryMapValueType type, long[] offsets, object value, bool bigEndian)
        {
            switch (type)
            {
                case MemoryMapValueType.Byte: return Scatter<byte>(map, offsets, value, bigEndian);
                case MemoryMapValueType.SByte: return Scatter<sbyte>(map, offsets, value, bigEndian);
                case MemoryMapValueType.Int16: return Scatter<short>(map, offsets, value, bigEndian);
                case MemoryMapValueType.UInt16: return Scatter<ushort>(map, offsets, value, bigEndian);
                case MemoryMapValueType.Int32: return Scatter<int>(map, offsets, value, bigEndian);
                case MemoryMapValueType.UInt32: return Scatter<uint>(map, offsets, value, bigEndian);
                case MemoryMapValueType.Int64: return Scatter<long>(map, offsets, value, bigEndian);
                case MemoryMapValueType.UInt64: return Scatter<ulong>(map, offsets, value, bigEndian);
                case MemoryMapValueType.Single: return Scatter<float>(map, offsets, value, bigEndian);
                default: return Scatter<double>(map, offsets, value, bigEndian);
            }
        }

        private static int Scatter<T>(MemoryMap map, long[] offsets, object value, bool bigEndian)
            where T : unmanaged
        {
            T[] values = value as T[] ?? LanguagePrimitives.ConvertTo<T[]>(value);
            map.Scatter(offsets, values, bigEndian);
            return values.Length;
        }
    }
}
