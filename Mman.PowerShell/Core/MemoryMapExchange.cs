namespace Mman
{
    /// <summary>
    /// What a compare-exchange (Set-MemoryMapInteger -Expected) did: whether it stored the new value,
    /// and the value it found. Its Map and Offset bind by name to the other cmdlets, as a match's do.
    /// </summary>
    public sealed class MemoryMapExchange
    {
        internal MemoryMapExchange(MemoryMap map, long offset, MemoryMapValueType type, long expected, long value, long previous)
        {
            Map = map;
            Offset = offset;
            Type = type;
            Expected = expected;
            Value = value;
            Previous = previous;
        }

        /// <summary>The map written to.</summary>
        public MemoryMap Map { get; }

        /// <summary>The offset of the integer in the map, in bytes.</summary>
        public long Offset { get; }

        /// <summary>Int32 or Int64.</summary>
        public MemoryMapValueType Type { get; }

        /// <summary>The value the integer had to hold for the new one to be stored.</summary>
        public long Expected { get; }

        /// <summary>The new value, stored when <see cref="Swapped"/> is true.</summary>
        public long Value { get; }

        /// <summary>The value found at the offset, at the instant of the operation.</summary>
        public long Previous { get; }

        /// <summary>Whether the new value was stored: the value found was the one expected.</summary>
        public bool Swapped => Previous == Expected;

        /// <summary>"map 3 @ 8: 0 -> 1 (swapped)" or "map 3 @ 8: 5, not 0 (not swapped)".</summary>
        public override string ToString() => Swapped
            ? "map " + Map.Id + " @ " + Offset + ": " + Previous + " -> " + Value + " (swapped)"
            : "map " + Map.Id + " @ " + Offset + ": " + Previous + ", not " + Expected + " (not swapped)";
    }
}
