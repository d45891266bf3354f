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

        /// <summary>The text encoding for -Text. Default UTF-8, without a byte-order mark.</summary>
        [Parameter(ParameterSetName = TextSet)]
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

        /// <summary>Store the elements big-endian (most significant byte first).</summary>
        [Parameter(ParameterSetName = ValueSet)]
        public SwitchParameter BigEndian { get; set; }

        /// <summary>
        /// Where in the map to write, in bytes. Default 0. With several offsets, -Data and -Text are
        /// written at each, and -Value's elements are split evenly over them.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public long[] Offset { get; set; } = { 0 };

        /// <summary>Emit the map after writing, for the next command in the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Writes into each map: everything is checked first, then ShouldProcess, then the write.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            string where = Offset.Length == 1 ? "at offset " + Offset[0] : "at " + Offset.Length + " offsets";
            try
            {
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
