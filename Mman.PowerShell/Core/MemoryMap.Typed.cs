using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Mman
{
    /// <summary>Typed and batched access: one copy between the map and a typed array.</summary>
    public sealed partial class MemoryMap
    {
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
            CheckBatch(offsets, countPerOffset);
            CheckBatchRanges(offsets, (long)countPerOffset * sizeof(T));
            long total = (long)offsets.Length * countPerOffset;
            if (total * sizeof(T) > MaxReadCount)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    string.Format(CultureInfo.InvariantCulture, "{0} offsets of {1} elements each are more than one array can hold; read in smaller batches.", offsets.Length, countPerOffset),
                    "count");
            }

            ThrowIfUnusable(MemoryProtection.Read);
            var values = new T[total];
            Gather(offsets, countPerOffset, values, bigEndian);
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
        /// offsets.Length elements at each. Every range is checked before anything is written.
        /// </summary>
        public unsafe void Scatter<T>(long[] offsets, T[] values, bool bigEndian = false)
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

            int perOffset = values.Length / offsets.Length;
            int size = sizeof(T);
            CheckBatchRanges(offsets, (long)perOffset * size);
            T[] source = values;
            if (bigEndian && size > 1)
            {
                source = (T[])values.Clone();
                fixed (T* p = source)
                {
                    ReverseEach((byte*)p, source.Length, size);
                }
            }

            _region.Lock.EnterReadLock();
            try
            {
                fixed (T* p = source)
                {
                    byte* from = (byte*)p;
                    long bytes = (long)perOffset * size;
                    EnterBatch(offsets, bytes, MemoryProtection.Write);
                    if (_region.File != null)
                    {
                        if (bytes > 0 && !NativeMapper.Current.CopyManyFileMap(Pointers(offsets), bytes, from, toMap: true))
                        {
                            throw Truncated(offsets[0], bytes);
                        }
                    }
                    else
                    {
                        for (int i = 0; i < offsets.Length; i++, from += bytes)
                        {
                            Buffer.MemoryCopy(from, Pointer(offsets[i]), bytes, bytes);
                        }
                    }
                }
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        private unsafe void Gather<T>(long[] offsets, int countPerOffset, T[] values, bool bigEndian)
            where T : unmanaged
        {
            // The public Gather has checked every range already.
            int size = sizeof(T);
            long bytes = (long)countPerOffset * size;
            _region.Lock.EnterReadLock();
            try
            {
                EnterBatch(offsets, bytes, MemoryProtection.Read);
                fixed (T* p = values)
                {
                    byte* to = (byte*)p;
                    if (_region.File != null)
                    {
                        if (bytes > 0 && !NativeMapper.Current.CopyManyFileMap(Pointers(offsets), bytes, to, toMap: false))
                        {
                            throw Truncated(offsets[0], bytes);
                        }
                    }
                    else
                    {
                        for (int i = 0; i < offsets.Length; i++, to += bytes)
                        {
                            Buffer.MemoryCopy(Pointer(offsets[i]), to, bytes, bytes);
                        }
                    }
                }
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }

            if (bigEndian && size > 1)
            {
                fixed (T* p = values)
                {
                    ReverseEach((byte*)p, values.Length, size);
                }
            }
        }

        /// <summary>An early refusal, before a large array is allocated; the copy checks again under the lock.</summary>
        private void ThrowIfUnusable(MemoryProtection needed)
        {
            ThrowIfClosed();
            if (_region.Pages.IsUniform)
            {
                CheckAccess(0, 0, needed);
            }
        }

        private void CheckBatch(long[] offsets, int countPerOffset)
        {
            if (offsets == null)
            {
                throw new ArgumentNullException(nameof(offsets));
            }

            if (countPerOffset < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.CountNegative, "Count must not be negative, got " + countPerOffset.ToString(CultureInfo.InvariantCulture), "count");
            }
        }

        /// <summary>Checks every range of a batch, so that a bad offset fails the call before any copy.</summary>
        private void CheckBatchRanges(long[] offsets, long bytes)
        {
            for (int i = 0; i < offsets.Length; i++)
            {
                CheckOffsetAndCount(offsets[i], bytes);
            }
        }

        /// <summary>
        /// The checks of <see cref="Enter"/> for a whole batch: open, protection, and one file-length
        /// check for the farthest range.
        /// </summary>
        private void EnterBatch(long[] offsets, long bytes, MemoryProtection needed)
        {
            long farthest = 0;
            for (int i = 0; i < offsets.Length; i++)
            {
                farthest = Math.Max(farthest, offsets[i]);
            }

            unsafe
            {
                Enter(farthest, offsets.Length == 0 ? 0 : bytes, needed);
            }

            // A view may have changed some pages: then each range is checked on its own.
            if (!_region.Pages.IsUniform && bytes > 0)
            {
                for (int i = 0; i < offsets.Length; i++)
                {
                    CheckAccess(offsets[i], bytes, needed);
                }
            }
        }

        private unsafe byte*[] Pointers(long[] offsets)
        {
            var pointers = new byte*[offsets.Length];
            for (int i = 0; i < offsets.Length; i++)
            {
                pointers[i] = Pointer(offsets[i]);
            }

            return pointers;
        }

        private unsafe byte* Pointer(long offset) => (byte*)_region.Mapping.DangerousGetHandle() + _start + offset;

        private static unsafe void ReverseEach(byte* data, int count, int size)
        {
            for (int i = 0; i < count; i++, data += size)
            {
                for (int a = 0, b = size - 1; a < b; a++, b--)
                {
                    byte t = data[a];
                    data[a] = data[b];
                    data[b] = t;
                }
            }
        }
    }
}
