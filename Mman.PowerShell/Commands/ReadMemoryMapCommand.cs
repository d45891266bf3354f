using System;
using System.Management.Automation;
using System.Text;

namespace Mman.Commands
{
    /// <summary>
    /// Reads from a map: one byte[] (default), one string (-AsString) or one typed array (-As), at one
    /// offset or gathered from many; or, with -Buffer, into the caller's array; or, with -AsHex, as
    /// Format-Hex's rows with the map's offsets.
    /// </summary>
    [Cmdlet(VerbsCommunications.Read, "MemoryMap", DefaultParameterSetName = BytesSet)]
    [OutputType(typeof(byte[]), ParameterSetName = new[] { BytesSet })]
    [OutputType(typeof(string), ParameterSetName = new[] { StringSet })]
    [OutputType(typeof(Array), ParameterSetName = new[] { TypedSet })]
    [OutputType(typeof(int), ParameterSetName = new[] { BufferSet })]
    [OutputType("Microsoft.PowerShell.Commands.ByteCollection", ParameterSetName = new[] { HexSet })]
    [OutputType(typeof(PSObject), ParameterSetName = new[] { LayoutSet })]
    public sealed class ReadMemoryMapCommand : PSCmdlet
    {
        private const string BytesSet = "Bytes";
        private const string StringSet = "String";
        private const string TypedSet = "Typed";
        private const string BufferSet = "Buffer";
        private const string HexSet = "Hex";
        private const string LayoutSet = "Layout";

        // The layout parsed from -Layout: once per call, however many maps come down the pipeline.
        private RecordLayout _layout;

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
        /// How much to read at each offset: bytes, elements with -As, or records with -Layout. Default: to
        /// the end of the map from each offset; with -As and several offsets, one element at each; with
        /// -Layout, one record.
        /// </summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>Decode the bytes as text and emit a string.</summary>
        [Parameter(Mandatory = true, ParameterSetName = StringSet)]
        public SwitchParameter AsString { get; set; }

        /// <summary>The text encoding for -AsString and for the String[N] fields of -Layout. Default UTF-8.</summary>
        [Parameter(ParameterSetName = StringSet)]
        [Parameter(ParameterSetName = LayoutSet)]
        [EncodingArgumentTransformation]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(EncodingArgumentCompleter))]
        public Encoding Encoding { get; set; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>Read elements of this type and emit one typed array.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TypedSet)]
        public MemoryMapValueType As { get; set; }

        /// <summary>The elements, or the numbers of each record, are stored big-endian (most significant byte first).</summary>
        [Parameter(ParameterSetName = TypedSet)]
        [Parameter(ParameterSetName = LayoutSet)]
        public SwitchParameter BigEndian { get; set; }

        /// <summary>
        /// An array to fill from -Offset, for loops that should not allocate: up to its length (or -Count)
        /// bytes, fewer at the end of the map. The cmdlet emits the number of bytes read (0 at the end).
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = BufferSet)]
        [AllowEmptyCollection]
        public byte[] Buffer { get; set; }

        /// <summary>
        /// Emit the bytes as Format-Hex does, one Microsoft.PowerShell.Commands.ByteCollection per 16
        /// bytes, but numbered with their offsets in the map (Read-MemoryMap | Format-Hex numbers from 0).
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = HexSet)]
        public SwitchParameter AsHex { get; set; }

        /// <summary>
        /// Read records: an ordered dictionary of field name and type ('UInt32', 'Double', 'Byte[8]',
        /// 'String[16]', 'Padding[4]', each optionally with '@offset'), or a blittable struct type. One
        /// object per record, with the fields as properties.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = LayoutSet)]
        [ValidateNotNull]
        public object Layout { get; set; }

        /// <summary>The distance in bytes from one record's start to the next one's. Default: the record's size.</summary>
        [Parameter(ParameterSetName = LayoutSet)]
        public long Stride { get; set; }

        #endregion

        #region Overrides

        /// <summary>Reads the range of each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            try
            {
                switch (ParameterSetName)
                {
                    case TypedSet:
                        WriteObject(ReadTyped(map), enumerateCollection: false);
                        break;
                    case BufferSet:
                        WriteObject(ReadIntoBuffer(map));
                        break;
                    case HexSet:
                        ReadHex(map);
                        break;
                    case LayoutSet:
                        WriteObject(ReadRecords(map), enumerateCollection: true);
                        break;
                    default:
                        ReadBytes(map);
                        break;
                }
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion

        private bool IsCountBound => MyInvocation.BoundParameters.ContainsKey(nameof(Count));

        private long CountOrRest(MemoryMap map, long offset, int elementSize) =>
            IsCountBound ? Count : Math.Max(0, map.Size - offset) / elementSize;

        /// <summary>One byte[] or string per offset; every range is checked first, so a bad one among several emits nothing.</summary>
        private void ReadBytes(MemoryMap map)
        {
            if (Offset.Length > 1)
            {
                // (One offset needs no separate check: the read itself checks before it copies.)
                foreach (long offset in Offset)
                {
                    map.CheckAccess(offset, CountOrRest(map, offset, 1), MemoryProtection.Read);
                }
            }

            foreach (long offset in Offset)
            {
                long count = CountOrRest(map, offset, 1);
                byte[] bytes = count < ChunkedCopy.ProgressThreshold || count > MemoryMap.MaxReadCount
                    ? map.Read(offset, count)
                    : ChunkedCopy.Read(this, map, offset, count);
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

        /// <summary>
        /// Format-Hex's rows of each range, in the order of the offsets; every range is checked first,
        /// as for bytes. The bytes are copied a page at a time, so a large range needs no large array.
        /// </summary>
        private void ReadHex(MemoryMap map)
        {
            foreach (long offset in Offset)
            {
                long count = CountOrRest(map, offset, 1);
                map.CheckAccess(offset, count, MemoryProtection.Read);
                HexRows.CheckOffset(offset + Math.Max(0, count - 1));
            }

            string label = HexRows.Label(map);
            const int Chunk = 256 * HexRows.RowLength;
            foreach (long offset in Offset)
            {
                long count = CountOrRest(map, offset, 1);
                for (long done = 0; done < count; done += Chunk)
                {
                    byte[] chunk = map.Read(offset + done, Math.Min(Chunk, count - done));
                    for (int row = 0; row < chunk.Length; row += HexRows.RowLength)
                    {
                        var bytes = new byte[Math.Min(HexRows.RowLength, chunk.Length - row)];
                        System.Buffer.BlockCopy(chunk, row, bytes, 0, bytes.Length);
                        WriteObject(HexRows.Create(offset + done + row, bytes, label));
                    }
                }
            }
        }

        private Array ReadTyped(MemoryMap map)
        {
            int size = TypedAccess.SizeOf(As);
            long count = Offset.Length == 1 ? CountOrRest(map, Offset[0], size) : IsCountBound ? Count : 1;
            if (count > int.MaxValue)
            {
                // The range and the map's state first, as for bytes: a count far beyond a small map is RangeOutsideMap.
                map.CheckAccess(Offset, count > long.MaxValue / size ? long.MaxValue : count * size, MemoryProtection.Read);
                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    "Count " + count + " is more elements than one array can hold; read the range in smaller pieces.",
                    nameof(Count));
            }

            return TypedAccess.Gather(map, As, Offset, (int)Math.Max(count, int.MinValue), BigEndian);
        }

        /// <summary>-Count records (default 1) at each offset, -Stride apart, decoded after one checked copy.</summary>
        private object[] ReadRecords(MemoryMap map)
        {
            _layout ??= RecordObjects.Parse(Layout);
            if (BigEndian)
            {
                _layout.CheckBigEndian();
            }
            long count = IsCountBound ? Count : 1;
            long stride = MyInvocation.BoundParameters.ContainsKey(nameof(Stride)) ? Stride : _layout.Size;
            if (count > int.MaxValue)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.CountTooLarge,
                    "Count " + count + " is more records than one call can read; read them in smaller batches.",
                    nameof(Count));
            }

            byte[] records = map.ReadRecords(Offset, _layout, (int)Math.Max(count, int.MinValue), stride);
            if (BigEndian)
            {
                _layout.SwapNumbers(records, 0, records.Length / _layout.Size);
            }

            return RecordObjects.Decode(_layout, records, Encoding);
        }

        /// <summary>Fills -Buffer from the one offset, like Stream.Read: fewer bytes at the end of the map.</summary>
        private int ReadIntoBuffer(MemoryMap map)
        {
            if (Offset.Length != 1)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.BufferTakesOneOffset,
                    "-Buffer reads at one offset, but " + Offset.Length + " were given. Call Read-MemoryMap once for each offset, or gather them without -Buffer.",
                    nameof(Offset));
            }

            long offset = Offset[0];
            long wanted = IsCountBound ? Count : Buffer.Length;
            if (wanted < 0)
            {
                // The core's own check says what is wrong with a negative count.
                map.CheckAccess(offset, wanted, MemoryProtection.Read);
            }

            if (wanted > Buffer.Length)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.BufferTooSmall,
                    "-Count " + Count + " is more than the buffer holds (" + Buffer.Length + " bytes). Use a larger buffer, or a count of at most its length.",
                    nameof(Count));
            }

            int count = (int)Math.Min(wanted, Math.Max(0, map.Size - offset));
            map.Read(offset, Buffer, 0, count);
            return count;
        }
    }
}
