using System;
using System.Management.Automation;
using System.Text;

namespace Mman.Commands
{
    /// <summary>
    /// Reads bytes from a map and emits them as one byte[] (or, with -AsString, as one string).
    /// </summary>
    [Cmdlet(VerbsCommunications.Read, "MemoryMap", DefaultParameterSetName = BytesSet)]
    [OutputType(typeof(byte[]), ParameterSetName = new[] { BytesSet })]
    [OutputType(typeof(string), ParameterSetName = new[] { StringSet })]
    public sealed class ReadMemoryMapCommand : PSCmdlet
    {
        private const string BytesSet = "Bytes";
        private const string StringSet = "String";

        #region Parameters

        /// <summary>The map to read.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where in the map to start reading. Default 0.</summary>
        [Parameter]
        public long Offset { get; set; }

        /// <summary>How many bytes to read. Default: from -Offset to the end of the map.</summary>
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

        #endregion

        #region Overrides

        /// <summary>Reads the range of each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                byte[] bytes = ReadRange(map, count);
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
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion

        private byte[] ReadRange(MemoryMap map, long count)
        {
            if (count < ChunkedCopy.ProgressThreshold || count > MemoryMap.MaxReadCount)
            {
                // The core checks the range, the size and the protection in one call.
                return map.Read(Offset, count);
            }

            // Check the whole range before allocating and copying anything.
            map.CheckOffsetAndCount(Offset, count);
            var bytes = new byte[count];
            long offset = Offset;
            ChunkedCopy.Run(this, "Read-MemoryMap: map " + map.Id, count, (done, length) => map.Read(offset + done, bytes, (int)done, length));
            return bytes;
        }
    }
}
