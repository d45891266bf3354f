using System;
using System.Globalization;

namespace Mman
{
    /// <summary>Records: fixed-size binary records read in one checked copy, and written field by field.</summary>
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// Reads <paramref name="count"/> records of <paramref name="layout"/>, <paramref name="stride"/>
        /// bytes apart, at each of <paramref name="offsets"/>: the bytes from each offset to the end of its
        /// last record in one checked copy, then packed so record i starts at i * layout.Size. Every range
        /// is checked first.
        /// </summary>
        /// <returns>The records' bytes, back to back, in the map's byte order.</returns>
        public byte[] ReadRecords(long[] offsets, RecordLayout layout, int count, long stride)
        {
            long span = RecordSpan(layout, count, stride);
            if (offsets == null)
            {
                throw new ArgumentNullException(nameof(offsets));
            }

            if (span > MaxReadCount || (long)offsets.Length * span > MaxReadCount)
            {
                CheckAccess(offsets, span, MemoryProtection.Read);
                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    string.Format(CultureInfo.InvariantCulture, "{0} records at each of {1} offsets are more than one array can hold; read them in smaller batches.", count, offsets.Length),
                    "count");
            }

            // The span of each offset, read as one piece: one range check, one copy.
            byte[] spans = Gather<byte>(offsets, (int)span);
            if (stride == layout.Size)
            {
                return spans;
            }

            var packed = new byte[(long)offsets.Length * count * layout.Size];
            for (long r = 0, total = (long)offsets.Length * count; r < total; r++)
            {
                long from = ((r / count) * span) + ((r % count) * stride);
                Buffer.BlockCopy(spans, (int)from, packed, (int)(r * layout.Size), layout.Size);
            }

            return packed;
        }

        /// <summary>
        /// Throws what <see cref="WriteRecords"/> would throw now for these records, writing nothing.
        /// </summary>
        public void CheckRecordWrite(long[] offsets, RecordLayout layout, int count, long stride)
        {
            long[] starts = RecordStarts(offsets, layout, count, stride);
            CheckAccess(new ReadOnlySpan<long>(starts), layout.Size, MemoryProtection.Write);
        }

        /// <summary>
        /// Writes records (<paramref name="records"/>: offsets.Length * count records of layout.Size bytes,
        /// back to back) at each offset, stride bytes apart: only the bytes of the layout's fields, so
        /// padding and the gaps of a wider stride keep what they hold. Every record's range and protection is
        /// checked before the first byte changes.
        /// </summary>
        public unsafe void WriteRecords(long[] offsets, RecordLayout layout, int count, long stride, byte[] records)
        {
            long[] starts = RecordStarts(offsets, layout, count, stride);
            if (records == null || records.Length != starts.Length * (long)layout.Size)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.BatchMismatch,
                    "The record bytes must hold " + starts.Length + " records of " + layout.Size + " bytes.",
                    nameof(records));
            }

            var at = new long[starts.Length];
            _region.Lock.EnterReadLock();
            try
            {
                Admit(new ReadOnlySpan<long>(starts), layout.Size, MemoryProtection.Write);
                fixed (byte* source = records)
                {
                    // One copy per run of field bytes, over every record: the copier's batched form.
                    foreach (RecordLayout.Run run in layout.Written)
                    {
                        for (int i = 0; i < starts.Length; i++)
                        {
                            at[i] = starts[i] + run.Offset;
                        }

                        if (starts.Length > 0 && !_region.Copier.Copy(Start, new ReadOnlySpan<long>(at), run.Length, source + run.Offset, layout.Size, toMap: true))
                        {
                            throw Truncated(new ReadOnlySpan<long>(at), run.Length);
                        }
                    }
                }
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>The bytes from the first record's start to the last one's end, after checking count and stride.</summary>
        private static long RecordSpan(RecordLayout layout, int count, long stride)
        {
            if (layout == null)
            {
                throw new ArgumentNullException(nameof(layout));
            }

            if (count < 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.CountNegative, "Count must not be negative, got " + count.ToString(CultureInfo.InvariantCulture), "count");
            }

            if (stride < layout.Size)
            {
                throw RecordLayout.Invalid(string.Format(
                    CultureInfo.InvariantCulture,
                    "Stride {0} is less than the record's size, {1} bytes, so records would overlap; give a stride of at least {1}, or leave it out.",
                    stride, layout.Size));
            }

            if (count == 0)
            {
                return 0;
            }

            if (stride > (long.MaxValue - layout.Size) / Math.Max(1, count))
            {
                return long.MaxValue;
            }

            return ((count - 1) * stride) + layout.Size;
        }

        /// <summary>Where each record starts: count records, stride apart, at each offset.</summary>
        private long[] RecordStarts(long[] offsets, RecordLayout layout, int count, long stride)
        {
            long span = RecordSpan(layout, count, stride);
            if (offsets == null)
            {
                throw new ArgumentNullException(nameof(offsets));
            }

            // The whole span of each offset first, so a range outside the map is named by its offset.
            for (int i = 0; i < offsets.Length; i++)
            {
                CheckRange(offsets[i], span);
            }

            var starts = new long[(long)offsets.Length * count];
            for (int i = 0, k = 0; i < offsets.Length; i++)
            {
                for (int r = 0; r < count; r++, k++)
                {
                    starts[k] = offsets[i] + (r * stride);
                }
            }

            return starts;
        }
    }
}
