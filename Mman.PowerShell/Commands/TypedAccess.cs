using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Maps a <see cref="MemoryMapValueType"/> to the core's generic typed calls. <see cref="Dispatch"/>
    /// is the one place the enum meets the generic methods; everything else stays type-agnostic.
    /// </summary>
    internal static class TypedAccess
    {
        /// <summary>An operation on elements of one unmanaged type, run by <see cref="Dispatch"/>.</summary>
        private interface ITypedOperation
        {
            object Run<T>()
                where T : unmanaged;
        }

        internal static int SizeOf(MemoryMapValueType type) => (int)Dispatch(type, new SizeOperation());

        internal static Type ClrType(MemoryMapValueType type) => Type.GetType("System." + type, throwOnError: true);

        /// <summary>Reads countPerOffset elements at each offset into one typed array.</summary>
        internal static Array Gather(MemoryMap map, MemoryMapValueType type, long[] offsets, int countPerOffset, bool bigEndian) =>
            (Array)Dispatch(type, new GatherOperation(map, offsets, countPerOffset, bigEndian));

        /// <summary>
        /// Converts a scalar or array to an array of the type with PowerShell's own conversions (so 1, '1'
        /// and 1.0 all work).
        /// </summary>
        /// <exception cref="PSInvalidCastException">A value does not convert.</exception>
        internal static Array ConvertValues(MemoryMapValueType type, object value) => (Array)Dispatch(type, new ConvertOperation(value));

        /// <summary>Throws what <see cref="Scatter"/> would throw, writing nothing.</summary>
        internal static void CheckScatter(MemoryMap map, MemoryMapValueType type, long[] offsets, Array values) =>
            Dispatch(type, new ScatterOperation(map, offsets, values, bigEndian: false, checkOnly: true));

        /// <summary>Writes values (from <see cref="ConvertValues"/>) split evenly over the offsets.</summary>
        internal static void Scatter(MemoryMap map, MemoryMapValueType type, long[] offsets, Array values, bool bigEndian) =>
            Dispatch(type, new ScatterOperation(map, offsets, values, bigEndian, checkOnly: false));

        private static object Dispatch(MemoryMapValueType type, ITypedOperation operation)
        {
            switch (type)
            {
                case MemoryMapValueType.Byte: return operation.Run<byte>();
                case MemoryMapValueType.SByte: return operation.Run<sbyte>();
                case MemoryMapValueType.Int16: return operation.Run<short>();
                case MemoryMapValueType.UInt16: return operation.Run<ushort>();
                case MemoryMapValueType.Int32: return operation.Run<int>();
                case MemoryMapValueType.UInt32: return operation.Run<uint>();
                case MemoryMapValueType.Int64: return operation.Run<long>();
                case MemoryMapValueType.UInt64: return operation.Run<ulong>();
                case MemoryMapValueType.Single: return operation.Run<float>();
                case MemoryMapValueType.Double: return operation.Run<double>();
                default: throw new ArgumentOutOfRangeException(nameof(type), type, "Not an element type.");
            }
        }

        private sealed class SizeOperation : ITypedOperation
        {
            public unsafe object Run<T>()
                where T : unmanaged => sizeof(T);
        }

        private sealed class GatherOperation : ITypedOperation
        {
            private readonly MemoryMap _map;
            private readonly long[] _offsets;
            private readonly int _countPerOffset;
            private readonly bool _bigEndian;

            internal GatherOperation(MemoryMap map, long[] offsets, int countPerOffset, bool bigEndian)
            {
                _map = map;
                _offsets = offsets;
                _countPerOffset = countPerOffset;
                _bigEndian = bigEndian;
            }

            public object Run<T>()
                where T : unmanaged => _map.Gather<T>(_offsets, _countPerOffset, _bigEndian);
        }

        private sealed class ConvertOperation : ITypedOperation
        {
            private readonly object _value;

            internal ConvertOperation(object value) => _value = value;

            public object Run<T>()
                where T : unmanaged => _value as T[] ?? LanguagePrimitives.ConvertTo<T[]>(_value);
        }

        private sealed class ScatterOperation : ITypedOperation
        {
            private readonly MemoryMap _map;
            private readonly long[] _offsets;
            private readonly Array _values;
            private readonly bool _bigEndian;
            private readonly bool _checkOnly;

            internal ScatterOperation(MemoryMap map, long[] offsets, Array values, bool bigEndian, bool checkOnly)
            {
                _map = map;
                _offsets = offsets;
                _values = values;
                _bigEndian = bigEndian;
                _checkOnly = checkOnly;
            }

            public object Run<T>()
                where T : unmanaged
            {
                if (_checkOnly)
                {
                    _map.CheckScatter(_offsets, (T[])_values);
                }
                else
                {
                    _map.Scatter(_offsets, (T[])_values, _bigEndian);
                }

                return null;
            }
        }
    }
}
