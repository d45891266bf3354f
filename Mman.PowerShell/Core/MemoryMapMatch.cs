namespace Mman
{
    /// <summary>
    /// Where Find-MemoryMap found its pattern. Its Map and Offset properties bind by name to the
    /// -InputObject and -Offset of Read-MemoryMap and Write-MemoryMap, so matches pipe straight on.
    /// </summary>
    public sealed class MemoryMapMatch
    {
        internal MemoryMapMatch(MemoryMap map, long offset, int length)
        {
            Map = map;
            Offset = offset;
            Length = length;
        }

        /// <summary>The map searched.</summary>
        public MemoryMap Map { get; }

        /// <summary>The offset of the match in the map, in bytes.</summary>
        public long Offset { get; }

        /// <summary>The length of the pattern, in bytes.</summary>
        public int Length { get; }

        /// <summary>"map 3 @ 4096".</summary>
        public override string ToString() => "map " + Map.Id + " @ " + Offset;
    }
}
