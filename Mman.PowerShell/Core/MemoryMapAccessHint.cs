namespace Mman
{
    /// <summary>
    /// How a map's pages are going to be read, told to the system so that it can read ahead
    /// (madvise MADV_NORMAL, MADV_SEQUENTIAL, MADV_RANDOM). Windows has no such hint for views.
    /// </summary>
    public enum MemoryMapAccessHint
    {
        /// <summary>No particular order: the system's default read-ahead.</summary>
        Normal,

        /// <summary>From start to end: the system reads far ahead and may drop pages soon after they are read.</summary>
        Sequential,

        /// <summary>In no order: the system reads no more than the page asked for.</summary>
        Random,
    }
}
