using System;
using System.Management.Automation;
using System.Text;

namespace Mman.Commands
{
    /// <summary>
    /// Writes bytes (-Data) or encoded text (-Text) into a map at an offset.
    /// </summary>
    [Cmdlet(VerbsCommunications.Write, "MemoryMap", DefaultParameterSetName = DataSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MemoryMap))]
    public sealed class WriteMemoryMapCommand : PSCmdlet
    {
        private const string DataSet = "Data";
        private const string TextSet = "Text";

        #region Parameters

        /// <summary>The map to write to.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
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

        /// <summary>Where in the map to start writing. Default 0.</summary>
        [Parameter]
        public long Offset { get; set; }

        /// <summary>Emit the map after writing, for the next command in the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Writes the bytes into each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            byte[] bytes = ParameterSetName == TextSet ? Encoding.GetBytes(Text) : Data;
            if (!ShouldProcess(map.ToString(), "Write " + bytes.Length + " bytes at offset " + Offset))
            {
                return;
            }

            try
            {
                long offset = Offset;
                if (bytes.Length < ChunkedCopy.ProgressThreshold)
                {
                    map.Write(offset, bytes);
                }
                else
                {
                    // Check the whole range before writing anything, so a failure leaves the map as it was.
                    map.CheckOffsetAndCount(offset, bytes.Length);
                    ChunkedCopy.Run(this, "Write-MemoryMap: map " + map.Id, bytes.Length, (done, length) => map.Write(offset + done, bytes, (int)done, length));
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
    }
}
