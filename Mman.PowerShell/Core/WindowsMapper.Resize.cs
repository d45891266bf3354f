namespace Mman
{
    /// <summary>The order Windows needs for changing a file map's size; named sections keep theirs.</summary>
    internal sealed partial class WindowsMapper
    {
        internal override bool UnmapBeforeResizingFile => true;

        internal override string NamedResizeRefusal =>
            "a Windows section (named shared memory) has the size it was created with for as long as it exists; the system has no call that changes it";
    }
}
