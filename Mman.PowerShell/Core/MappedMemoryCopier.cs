using System;
using System.Runtime.CompilerServices;

namespace Mman
{
    /// <summary>
    /// How bytes move between a mapping and the caller's memory. Chosen once per mapping, by what can
    /// happen to the memory behind it: <see cref="Plain"/> where nothing can take its pages away while it
    /// is mapped (anonymous memory; every mapping on Windows, which refuses to shrink a mapped file or
    /// section), and a copy that fails instead of faulting where another process can shrink the file or
    /// shared-memory object (Linux: <see cref="LinuxFaultSafeCopier"/>).
    /// </summary>
    /// <remarks>
    /// The copier only moves bytes; whether a range may be touched at all (open, in range, protection,
    /// the backing object's length) is decided before, in one place: MemoryMap.Admit.
    /// </remarks>
    internal abstract class MappedMemoryCopier
    {
        /// <summary>A memory copy: what the CPU does, at its speed. A vanished page would fault the process.</summary>
        internal static readonly MappedMemoryCopier Plain = new PlainCopier();

        /// <summary>
        /// Whether a vanished page makes <see cref="Copy"/> return false instead of faulting. Where it
        /// does not, memory may as well be read in place (a search need not copy it first).
        /// </summary>
        internal abstract bool IsFaultSafe { get; }

        /// <summary>
        /// For each i, copies <paramref name="bytesEach"/> bytes between the map at
        /// <paramref name="mapStart"/> + <paramref name="offsets"/>[i] and the caller's memory at
        /// <paramref name="buffer"/> + i * <paramref name="bufferStep"/>: into the map when
        /// <paramref name="toMap"/>, out of it otherwise. A step of 0 writes the same bytes at every offset.
        /// Returns false, having copied part of it or nothing, when a page of the map is gone.
        /// </summary>
        internal abstract unsafe bool Copy(byte* mapStart, ReadOnlySpan<long> offsets, long bytesEach, byte* buffer, long bufferStep, bool toMap);

        private sealed class PlainCopier : MappedMemoryCopier
        {
            internal override bool IsFaultSafe => false;

            internal override unsafe bool Copy(byte* mapStart, ReadOnlySpan<long> offsets, long bytesEach, byte* buffer, long bufferStep, bool toMap)
            {
                if (bytesEach == 8 && !toMap)
                {
                    // A gather of single 8-byte values, the common typed read: plain loads, which the CPU
                    // overlaps across iterations, where a call per value would not let it (about 2x faster
                    // for 100,000 random offsets).
                    for (int i = 0; i < offsets.Length; i++, buffer += bufferStep)
                    {
                        Unsafe.WriteUnaligned(buffer, Unsafe.ReadUnaligned<long>(mapStart + offsets[i]));
                    }

                    return true;
                }

                for (int i = 0; i < offsets.Length; i++, buffer += bufferStep)
                {
                    byte* mapped = mapStart + offsets[i];
                    if (toMap)
                    {
                        Buffer.MemoryCopy(buffer, mapped, bytesEach, bytesEach);
                    }
                    else
                    {
                        Buffer.MemoryCopy(mapped, buffer, bytesEach, bytesEach);
                    }
                }

                return true;
            }
        }
    }
}
