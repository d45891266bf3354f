using System;
using System.Globalization;
using System.Runtime.InteropServices;
#if NET8_0_OR_GREATER
using System.Buffers.Binary;
#endif

namespace Mman
{
    /// <summary>Typed and batched access: one checked copy between the map and a typed array.</summary>
    public sealed partial class MemoryMap
    {
        // New arrays at least this large are faulted in with one call before they are filled.
        private const long FaultInMinimum = 256 << 10;

        /// <summary>
        /// Reads <paramref name="count"/> elements of <typeparamref name="T"/> starting at byte
        /// <paramref name="offset"/>, in one copy; <paramref name="bigEndian"/> reverses each element's bytes.
        /// </summary>
        public T[] ReadArray<T>(long offset, int count, bool bigEndian = false)
            where T : unmanaged
        {
            if (count < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.CountNegative, "Count must not be negative, got " + count.ToString(CultureInfo.InvariantCulture), nameof(count));
            }

            return Gather<T>(new[] { offset }, count, bigEndian);
        }

        /// <summary>
        /// Reads <paramref name="countPerOffset"/> elements at each of <paramref name="offsets"/> into one
        /// array, in offset order. Every range is checked before anything is copied.
        /// </summary>
        public unsafe T[] Gather<T>(long[] offsets, int countPerOffset, bool bigEndian = false)
            where T : unmanaged
        {
            if (offsets == null)
            {
                throw new ArgumentNullException(nameof(offsets));
            }

            if (countPerOffset < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.CountNegative, "Count must not be negative, got " + countPerOffset.ToString(CultureInfo.InvariantCulture), "count");
            }

            long bytesEach = (long)countPerOffset * sizeof(T);
            long total = (long)offsets.Length * countPerOffset;
            if (total * sizeof(T) > MaxReadCount)
            {
                // The ranges first, so that a count far beyond a small map is RangeOutsideMap.
                for (int i = 0; i < offsets.Length; i++)
                {
                    CheckRange(offsets[i], bytesEach);
                }

                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    string.Format(CultureInfo.InvariantCulture, "{0} offsets of {1} elements each are more than one array can hold; read in smaller batches.", offsets.Length, countPerOffset),
                    "count");
            }

            if (total * sizeof(T) > LargeArray)
            {
                // Refuse before allocating a large array.
                CheckAccess(new ReadOnlySpan<long>(offsets), bytesEach, MemoryProtection.Read);
            }

            T[] values = NewArray<T>(total);
            fixed (T* destination = values)
            {
                Copy(new ReadOnlySpan<long>(offsets), bytesEach, (byte*)destination, bytesEach, MemoryProtection.Read);
            }

            if (bigEndian)
            {
                ReverseEachElement(values);
            }

            return values;
        }

        /// <summary>Writes all of <paramref name="values"/> at byte <paramref name="offset"/> in one copy.</summary>
        public void WriteArray<T>(long offset, T[] values, bool bigEndian = false)
            where T : unmanaged
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            Scatter(new[] { offset }, values, bigEndian);
        }

        /// <summary>
        /// Writes <paramref name="values"/> split evenly over <paramref name="offsets"/>: values.Length /
        /// offsets.Length elements at each. Every range is checked first: when one cannot be written,
        /// nothing is.
        /// </summary>
        public unsafe void Scatter<T>(long[] offsets, T[] values, bool bigEndian = false)
            where T : unmanaged
        {
            long bytesEach = ScatterBytesEach(offsets, values);
            T[] source = values;
            if (bigEndian && sizeof(T) > 1)
            {
                source = (T[])values.Clone();
                ReverseEachElement(source);
            }

            fixed (T* from = source)
            {
                Copy(new ReadOnlySpan<long>(offsets), bytesEach, (byte*)from, bytesEach, MemoryProtection.Write);
            }
        }

        /// <summary>Throws what <see cref="Scatter"/> would throw now, writing nothing.</summary>
        public void CheckScatter<T>(long[] offsets, T[] values)
            where T : unmanaged
        {
            CheckAccess(new ReadOnlySpan<long>(offsets), ScatterBytesEach(offsets, values), MemoryProtection.Write);
        }

        /// <summary>The bytes a scatter writes at each offset, after checking that the values split evenly.</summary>
        private static unsafe long ScatterBytesEach<T>(long[] offsets, T[] values)
            where T : unmanaged
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            if (offsets == null || offsets.Length == 0 || values.Length % offsets.Length != 0)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.BatchMismatch,
                    "The values must split evenly over the offsets: " + values.Length + " values for " + (offsets?.Length ?? 0) + " offsets.",
                    nameof(offsets));
            }

            return (long)(values.Length / offsets.Length) * sizeof(T);
        }

        /// <summary>
        /// A new array whose elements the caller overwrites at once: on .NET 8 and later it is not zeroed
        /// first, which spares a pass over the memory. A large one is faulted in for writing in one call
        /// (where the system has one), which costs less than a page fault for each of its pages when the
        /// copy first touches them: memory the garbage collector has just had from the system, as a
        /// loop of large reads keeps getting, is not mapped yet.
        /// </summary>
        private static unsafe T[] NewArray<T>(long length)
            where T : unmanaged
        {
#if NET8_0_OR_GREATER
            T[] array = GC.AllocateUninitializedArray<T>(checked((int)length));
#else
            var array = new T[length];
#endif
            long bytes = length * sizeof(T);
            if (bytes >= FaultInMinimum)
            {
                fixed (T* start = array)
                {
                    NativeMapper.Current.FaultIn((byte*)start, bytes);
                }
            }

            return array;
        }

        /// <summary>Reverses the bytes of each element in place (big-endian to the machine's order and back).</summary>
        private static unsafe void ReverseEachElement<T>(T[] values)
            where T : unmanaged
        {
#if NET8_0_OR_GREATER
            // Vectorised by the runtime; floating-point elements are swapped as integers of their size.
            switch (sizeof(T))
            {
                case 2:
                    Span<ushort> shorts = MemoryMarshal.Cast<T, ushort>(values);
                    BinaryPrimitives.ReverseEndianness(shorts, shorts);
                    return;
                case 4:
                    Span<uint> ints = MemoryMarshal.Cast<T, uint>(values);
                    BinaryPrimitives.ReverseEndianness(ints, ints);
                    return;
                case 8:
                    Span<ulong> longs = MemoryMarshal.Cast<T, ulong>(values);
                    BinaryPrimitives.ReverseEndianness(longs, longs);
                    return;
                default:
                    return;
            }
#else
            int size = sizeof(T);
            Span<byte> bytes = MemoryMarshal.AsBytes(new Span<T>(values));
            for (int i = 0; i + size <= bytes.Length; i += size)
            {
                bytes.Slice(i, size).Reverse();
            }
#endif
        }
    }
}
