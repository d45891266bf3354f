using System;
using System.Management.Automation;
using System.Text;

namespace Mman.Commands
{
    /// <summary>
    /// Writes bytes (-Data), encoded text (-Text) or typed values (-Value -As) into a map, at one offset
    /// or scattered over many.
    /// </summary>
    [Cmdlet(VerbsCommunications.Write, "MemoryMap", DefaultParameterSetName = DataSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MemoryMap))]
    public sealed class WriteMemoryMapCommand : PSCmdlet
    {
        private const string DataSet = "Data";
        private const string TextSet = "Text";
        private const string ValueSet = "Value";
        private const string RecordSet = "Record";

        // Records that came down the pipeline, written together in EndProcessing (all or nothing).
        private readonly System.Collections.Generic.List<object> _records = new System.Collections.Generic.List<object>();
        private bool _collect;
        private MemoryMap _recordMap;

        #region Parameters

        /// <summary>The map to write to; by property name it binds a Map property, as Find-MemoryMap's results have.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>The bytes to write.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = DataSet)]
        public byte[] Data { get; set; }

        /// <summary>Text to encode with -Encoding and write.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TextSet)]
        public string Text { get; set; }

        /// <summary>The text encoding for -Text and for the String[N] fields of -Layout. Default UTF-8, without a byte-order mark.</summary>
        [Parameter(ParameterSetName = TextSet)]
        [Parameter(ParameterSetName = RecordSet)]
        [EncodingArgumentTransformation]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(EncodingArgumentCompleter))]
        public Encoding Encoding { get; set; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>A value or array of values to write as elements of the -As type.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ValueSet)]
        [ValidateNotNull]
        public object Value { get; set; }

        /// <summary>The element type -Value is written as.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ValueSet)]
        public MemoryMapValueType As { get; set; }

        /// <summary>Store the elements, or the numbers of each record, big-endian (most significant byte first).</summary>
        [Parameter(ParameterSetName = ValueSet)]
        [Parameter(ParameterSetName = RecordSet)]
        public SwitchParameter BigEndian { get; set; }

        /// <summary>
        /// Where in the map to write, in bytes. Default 0. With several offsets, -Data and -Text are
        /// written at each, and -Value's elements and -Record's records are split evenly over them.
        /// </summary>
        /// <remarks>Not bound from the records' properties: a record may well have a field named Offset.</remarks>
        [Parameter(ParameterSetName = DataSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = TextSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ValueSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = RecordSet)]
        [ValidateNotNullOrEmpty]
        public long[] Offset { get; set; } = { 0 };

        /// <summary>The layout of the records: as Read-MemoryMap's -Layout (an ordered dictionary of fields, or a struct type).</summary>
        [Parameter(Mandatory = true, ParameterSetName = RecordSet)]
        [ValidateNotNull]
        public object Layout { get; set; }

        /// <summary>
        /// The records to write: objects with the layout's fields as properties (such as Read-MemoryMap
        /// -Layout emits), or hashtables with them as keys; from the pipeline, all of them are written at
        /// the end, together.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RecordSet, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public object[] Record { get; set; }

        /// <summary>The distance in bytes from one record's start to the next one's. Default: the record's size.</summary>
        [Parameter(ParameterSetName = RecordSet)]
        public long Stride { get; set; }

        /// <summary>Emit the map after writing, for the next command in the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Records bound on the command line are written per map; records from the pipeline are gathered first.</summary>
        protected override void BeginProcessing()
        {
            _collect = ParameterSetName == RecordSet && !MyInvocation.BoundParameters.ContainsKey(nameof(Record));
        }

        /// <summary>Writes the records that came down the pipeline, all of them or none.</summary>
        protected override void EndProcessing()
        {
            if (_collect && _recordMap != null)
            {
                try
                {
                    WriteRecords(_recordMap, _records);
                }
                catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
                {
                    WriteError(MemoryMapErrorRecord.From(e, _recordMap));
                }
            }
        }

        /// <summary>Writes into each map: everything is checked first, then ShouldProcess, then the write.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            string where = Offset.Length == 1 ? "at offset " + Offset[0] : "at " + Offset.Length + " offsets";
            try
            {
                if (ParameterSetName == RecordSet)
                {
                    if (_collect)
                    {
                        _recordMap = map;
                        _records.AddRange(Record ?? Array.Empty<object>());
                    }
                    else
                    {
                        WriteRecords(map, Record);
                    }

                    return;
                }

                if (ParameterSetName == ValueSet)
                {
                    Array values = TypedAccess.ConvertValues(As, Value);
                    TypedAccess.CheckScatter(map, As, Offset, values);
                    if (!ShouldProcess(map.ToString(), "Write " + values.Length + " values as " + As + " " + where))
                    {
                        return;
                    }

                    TypedAccess.Scatter(map, As, Offset, values, BigEndian);
                }
                else
                {
                    byte[] bytes = ParameterSetName == TextSet ? Encoding.GetBytes(Text) : Data;
                    map.CheckAccess(Offset, bytes.Length, MemoryProtection.Write);
                    if (!ShouldProcess(map.ToString(), "Write " + bytes.Length + " bytes " + where))
                    {
                        return;
                    }

                    WriteBytes(map, bytes);
                }

                if (PassThru)
                {
                    WriteObject(map);
                }
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion

        /// <summary>Converts every record, checks every range, then ShouldProcess, then writes the fields' bytes.</summary>
        private void WriteRecords(MemoryMap map, System.Collections.Generic.IList<object> records)
        {
            RecordLayout layout = RecordObjects.Parse(Layout);
            if (BigEndian)
            {
                layout.CheckBigEndian();
            }
            long stride = MyInvocation.BoundParameters.ContainsKey(nameof(Stride)) ? Stride : layout.Size;
            if (records.Count % Offset.Length != 0)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.BatchMismatch,
                    "The records must split evenly over the offsets: " + records.Count + " records for " + Offset.Length + " offsets.",
                    nameof(Record));
            }

            int count = records.Count / Offset.Length;
            byte[] bytes = RecordObjects.Encode(layout, records, Encoding);
            if (BigEndian)
            {
                layout.SwapNumbers(bytes, 0, records.Count);
            }

            map.CheckRecordWrite(Offset, layout, count, stride);
            string where = Offset.Length == 1 ? "at offset " + Offset[0] : "at " + Offset.Length + " offsets";
            if (!ShouldProcess(map.ToString(), "Write " + records.Count + " records of " + layout.Size + " bytes " + where))
            {
                return;
            }

            map.WriteRecords(Offset, layout, count, stride, bytes);
            if (PassThru)
            {
                WriteObject(map);
            }
        }

        private void WriteBytes(MemoryMap map, byte[] bytes)
        {
            if (bytes.Length < ChunkedCopy.ProgressThreshold)
            {
                // One core call for every offset: all of them are written, or none.
                map.Write(Offset, bytes);
                return;
            }

            // Large data in chunks, with progress and Ctrl+C between them (a stop leaves the chunks written so far).
            foreach (long offset in Offset)
            {
                ChunkedCopy.Run(this, "Write-MemoryMap: map " + map.Id, bytes.Length, (done, length) => map.Write(offset + done, bytes, (int)done, length));
            }
        }
    }
}
