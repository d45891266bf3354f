using System;
using System.Runtime.InteropServices;

namespace Mman
{
    /// <summary>
    /// Owns one OS mapping. As a SafeHandle it is released exactly once, even when nobody closes the
    /// map: the runtime's critical finalizer unmaps it after the last reference is gone.
    /// </summary>
    internal sealed class MappingHandle : SafeHandle
    {
        private readonly long _length;

        internal MappingHandle(IntPtr address, long length)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            _length = length;
            SetHandle(address);
        }

        /// <summary>The whole OS mapping's length, including the alignment bytes before the user's range.</summary>
        internal long Length => _length;

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle() => NativeMapper.Current.Unmap(handle, _length);
    }
}
