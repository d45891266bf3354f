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
        private readonly IntPtr _section;

        /// <param name="address">The mapping's first byte.</param>
        /// <param name="length">The mapping's length.</param>
        /// <param name="section">
        /// A Windows section handle to close with the mapping, or zero. A named section keeps its name
        /// only while a handle to it is open (a view alone does not keep the name), so a named map holds one.
        /// </param>
        internal MappingHandle(IntPtr address, long length, IntPtr section = default)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            _length = length;
            _section = section;
            SetHandle(address);
        }

        /// <summary>The whole OS mapping's length, including the alignment bytes before the user's range.</summary>
        internal long Length => _length;

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            bool unmapped = NativeMapper.Current.Unmap(handle, _length);
            if (_section != IntPtr.Zero)
            {
                NativeMapper.Current.CloseSection(_section);
            }

            return unmapped;
        }
    }
}
