using System;

namespace Mman
{
    /// <summary>Searching a map for a byte pattern, at vectorised speed.</summary>
    public sealed partial class MemoryMap
    {
        // File-backed memory is searched through a buffer it is copied into, because only the copy
        // can fail safely when another process truncates the file (see NativeMapper.CopyFromFileMap).
        private const int SearchChunk = 1 << 20;

        /// <summary>
        /// The offset of the first occurrence of <paramref name="pattern"/> that lies wholly inside
        /// [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>), or -1.
        /// </summary>
        public long IndexOf(byte[] pattern, long offset, long count) => Search(pattern, offset, count, last: false);

        /// <summary>The offset of the last occurrence of <paramref name="pattern"/> in the range, or -1.</summary>
        public long LastIndexOf(byte[] pattern, long offset, long count) => Search(pattern, offset, count, last: true);

        private unsafe long Search(byte[] pattern, long offset, long count, bool last)
        {
            if (pattern == null)
            {
                throw new ArgumentNullException(nameof(pattern));
            }

            if (pattern.Length == 0)
            {
                throw new MemoryMapArgumentException(MemoryMapError.PatternEmpty, "The pattern is empty; search for at least one byte.", nameof(pattern));
            }

            CheckOffsetAndCount(offset, count);
            _region.Lock.EnterReadLock();
            try
            {
                Enter(offset, count, MemoryProtection.Read);
                if (pattern.Length > count)
                {
                    return -1;
                }

                return _region.File == null
                    ? SearchInPlace(pattern, offset, count, last)
                    : SearchCopied(pattern, offset, count, last);
            }
            finally
            {
                _region.Lock.ExitReadLock();
            }
        }

        /// <summary>Searches the mapped memory itself, in windows a Span can span.</summary>
        private unsafe long SearchInPlace(byte[] pattern, long offset, long count, bool last)
        {
            const long window = 1L << 30;
            long overlap = pattern.Length - 1;
            long step = window - overlap;
            long windows = (count - overlap + step - 1) / step;
            for (long w = 0; w < windows; w++)
            {
                long start = last ? offset + Math.Max(0, count - overlap - (w + 1) * step) : offset + w * step;
                long length = Math.Min(window, offset + count - start);
                var span = new ReadOnlySpan<byte>(Pointer(start), (int)length);
                int found = last ? span.LastIndexOf(pattern) : span.IndexOf(pattern);
                if (found >= 0)
                {
                    return start + found;
                }
            }

            return -1;
        }

        /// <summary>Searches file-backed memory chunk by chunk through a buffer, with overlapping chunks.</summary>
        private unsafe long SearchCopied(byte[] pattern, long offset, long count, bool last)
        {
            int overlap = pattern.Length - 1;
            var buffer = new byte[SearchChunk + overlap];
            long step = SearchChunk;
            long chunks = (count - overlap + step - 1) / step;
            fixed (byte* to = buffer)
            {
                for (long c = 0; c < chunks; c++)
                {
                    long start = last ? offset + Math.Max(0, count - overlap - (c + 1) * step) : offset + c * step;
                    int length = (int)Math.Min(SearchChunk + overlap, offset + count - start);
                    if (!NativeMapper.Current.CopyFromFileMap(Pointer(start), to, length))
                    {
                        throw Truncated(start, length);
                    }

                    var span = new ReadOnlySpan<byte>(to, length);
                    int found = last ? span.LastIndexOf(pattern) : span.IndexOf(pattern);
                    if (found >= 0)
                    {
                        return start + found;
                    }
                }
            }

            return -1;
        }
    }
}
