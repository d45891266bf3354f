using System;
using System.Management.Automation;
using System.Text;

namespace Mman.Commands
{
    /// <summary>
    /// Reads from a map: one byte[] (default), one string (-AsString) or one typed array (-As), at one
    /// offset or gathered from many.
    /// </summary>
    [Cmdlet(VerbsCommunications.Read, "MemoryMap", DefaultParameterSetName = BytesSet)]
    [OutputType(typeof(byte[]), ParameterSetName = new[] { BytesSet })]
    [OutputType(typeof(string), ParameterSetName = new[] { StringSet })]
    [OutputType(typeof(Array), ParameterSetName = new[] { TypedSet })]
    public sealed class ReadMemoryMapCommand : PSCmdlet
    {
        private const string BytesSet = "Bytes";
        private const string StringSet = "String";
        private const string TypedSet = "Typed";

        #region Parameters

        /// <summary>The map to read; by property name it binds a Map property, as Find-MemoryMap's results have.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where in the map to read, in bytes. Several offsets gather from each in one call. Default 0.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public long[] Offset { get; set; } = { 0 };

        /// <summary>
        /// How much to read at each offset: bytes, or elements with -As. Default: to the end of the map
        /// from each offset; with -As and several offsets, one element at each.
        /// </summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>Decode the bytes as text and emit a string.</summary>
        [Parameter(Mandatory = true, ParameterSetName = StringSet)]
        public SwitchParameter AsString { get; set; }

        /// <summary>The text encoding for -AsString. Default UTF-8.</summary>
        [Parameter(ParameterSetName = StringSet)]
        [EncodingArgumentTransformation]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(EncodingArgumentCompleter))]
        public Encoding Encoding { get; set; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>Read elements of this type and emit one typed array.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TypedSet)]
        public MemoryMapValueType As { get; set; }

        /// <summary>The elements are stored big-endian (most significant byte first).</summary>
        [Parameter(ParameterSetName = TypedSet)]
        public SwitchParameter BigEndian { get; set; }

        #endregion

        #region Overrides

        /// <summary>Reads the range of each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            try
            {
                if (ParameterSetName == TypedSet)
                {
                    WriteObject(ReadTyped(map), enumerateCollection: false);
                    return;
                }

                // Every range is checked first, so a bad offset among several emits nothing.
                foreach (long offset in Offset)
                {
                    map.CheckOffsetAndCount(offset, CountOrRest(map, offset, 1));
                }

                foreach (long offset in Offset)
                {
                    byte[] bytes = ReadRange(map, offset, CountOrRest(map, offset, 1));
                    if (AsString)
                    {
                        WriteObject(Encoding.GetString(bytes));
                    }
                    else
                    {
                        // One byte[] as one object: enumerating it would send every byte down the pipeline.
                        WriteObject(bytes, enumerateCollection: false);
                    }
                }
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion

        private long CountOrRest(MemoryMap map, long offset, int elementSize) =>
            MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - offset) / elementSize;

        private Array ReadTyped(MemoryMap map)
        {
            int size = TypedAccess.SizeOf(As);
            long count = Offset.Length == 1 ? CountOrRest(map, Offset[0], size)
                : MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : 1;
            // The range first, as for bytes: a count far beyond a small map is RangeOutsideMap.
            long bytes = count > long.MaxValue / size ? long.MaxValue : count * size;
            foreach (long offset in Offset)
            {
                map.CheckOffsetAndCount(offset, Math.Max(bytes, 0));
            }

            if (count > int.MaxValue)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    "Count " + count + " is more elements than one array can hold; read the range in smaller pieces.",
                    nameof(Count));
            }

            return TypedAccess.Gather(map, As, Offset, (int)Math.Max(count, int.MinValue), BigEndian);
        }

        private byte[] ReadRange(MemoryMap map, long offset, long count)
        {
            if (count < ChunkedCopy.ProgressThreshold || count > MemoryMap.MaxReadCount)
            {
                // The core checks the range, the size and the protection in one call.
                return map.Read(offset, count);
            }

            // Check the whole range before allocating and copying anything.
            map.CheckOffsetAndCount(offset, count);
            var bytes = new byte[count];
            ChunkedCopy.Run(this, "Read-MemoryMap: map " + map.Id, count, (done, length) => map.Read(offset + done, bytes, (int)done, length));
            return bytes;
        }
    }
}
