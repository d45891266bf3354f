using System;
using System.IO;

namespace Mman
{
    public sealed partial class MemoryMap
    {
        /// <summary>
        /// A stream over <paramref name="count"/> bytes from <paramref name="offset"/>, read-only unless
        /// <paramref name="writable"/>. It copies through the map's checks and leaves the map open when disposed.
        /// </summary>
        public MemoryMapStream CreateStream(long offset, long count, bool writable = false)
        {
            CheckRange(offset, count);
            ThrowIfClosed();
            return new MemoryMapStream(this, offset, count, writable);
        }
    }

    /// <summary>
    /// A Stream over a range of a map, for .NET APIs that take a stream. Every read and write goes
    /// through the map's own checks, so the stream obeys the map's protection, and a closed map is an
    /// ObjectDisposedException ("Mapping is closed"), never a read of unmapped memory. Disposing the
    /// stream leaves the map open.
    /// </summary>
    public sealed class MemoryMapStream : Stream
    {
        private readonly MemoryMap _map;
        private readonly long _start;
        private readonly long _length;
        private readonly bool _writable;
        private long _position;
        private bool _disposed;

        internal MemoryMapStream(MemoryMap map, long start, long length, bool writable)
        {
            _map = map;
            _start = start;
            _length = length;
            _writable = writable;
        }

        /// <summary>The map this stream reads and writes.</summary>
        public MemoryMap Map => _map;

        /// <inheritdoc/>
        public override bool CanRead => !_disposed && _map.IsValid && (_map.ProtectionOf(_start, _length) & MemoryProtection.Read) != 0;

        /// <inheritdoc/>
        public override bool CanSeek => !_disposed;

        /// <inheritdoc/>
        public override bool CanWrite => !_disposed && _writable && _map.IsValid && (_map.ProtectionOf(_start, _length) & MemoryProtection.Write) != 0;

        /// <inheritdoc/>
        public override long Length => _length;

        /// <inheritdoc/>
        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "The position must not be negative.");
        }

        /// <inheritdoc/>
        public override int Read(byte[] buffer, int offset, int count)
        {
            ThrowIfDisposed();
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new ArgumentException("Offset and count must describe a range inside the buffer.");
            }

            int n = (int)Math.Max(0, Math.Min(count, _length - _position));
            if (n > 0)
            {
                _map.Read(_start + _position, buffer, offset, n);
                _position += n;
            }

            return n;
        }

        /// <inheritdoc/>
        public override void Write(byte[] buffer, int offset, int count)
        {
            ThrowIfDisposed();
            if (!_writable)
            {
                throw new NotSupportedException("This stream was created read-only.");
            }

            if (count > _length - _position)
            {
                throw new NotSupportedException("A stream over a map cannot grow: the write would end past its " + _length + " bytes.");
            }

            _map.Write(_start + _position, buffer, offset, count);
            _position += count;
        }

        /// <inheritdoc/>
        public override long Seek(long offset, SeekOrigin origin)
        {
            ThrowIfDisposed();
            long target = origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? _position + offset : _length + offset;
            Position = target;
            return _position;
        }

        /// <summary>Nothing to flush: writes go straight into the map. Sync-MemoryMap makes them durable.</summary>
        public override void Flush()
        {
        }

        /// <summary>Not supported: a map has a fixed size.</summary>
        public override void SetLength(long value) => throw new NotSupportedException("A stream over a map has the map's fixed size.");

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(MemoryMapStream));
            }
        }
    }
}
