using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Copies bytes from one range of a map to another range of the same map (overlap-safe, like
    /// memmove or Python's mmap.move) or of another map, without passing them through PowerShell.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "MemoryMap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MemoryMap))]
    public sealed class CopyMemoryMapCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The map to copy from; by property name it binds a Map property, as Find-MemoryMap's results have.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where in the source map the bytes start. Default 0.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public long Offset { get; set; }

        /// <summary>
        /// How many bytes to copy. Default: from -Offset to the end of the source, or to the end of the
        /// destination from -DestinationOffset if that is less.
        /// </summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>The map to copy to. Default: the source map itself (then -DestinationOffset is required).</summary>
        [Parameter]
        [ValidateNotNull]
        public MemoryMap Destination { get; set; }

        /// <summary>Where in the destination the bytes go. Default 0 when -Destination is given.</summary>
        [Parameter]
        public long DestinationOffset { get; set; }

        /// <summary>Emit the destination map after copying.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Refuses a move within one map that does not say where to.</summary>
        protected override void BeginProcessing()
        {
            if (Destination == null && !MyInvocation.BoundParameters.ContainsKey(nameof(DestinationOffset)))
            {
                ThrowTerminatingError(MemoryMapErrorRecord.Create(
                    MemoryMapError.InvalidArgument,
                    "A copy within one map needs -DestinationOffset: say where the bytes go, or give another map with -Destination.",
                    null));
            }
        }

        /// <summary>Copies for each map: both ranges are checked first, then ShouldProcess, then the copy.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap source = InputObject;
            MemoryMap destination = Destination ?? source;
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count))
                ? Count
                : Math.Max(0, Math.Min(source.Size - Offset, destination.Size - DestinationOffset));
            try
            {
                source.CheckCopy(Offset, destination, DestinationOffset, count);
                string from = ReferenceEquals(destination, source) ? string.Empty : " of map " + source.Id;
                if (!ShouldProcess(destination.ToString(), "Copy " + count + " bytes from offset " + Offset + from + " to offset " + DestinationOffset))
                {
                    return;
                }

                ChunkedCopy.Copy(this, source, Offset, destination, DestinationOffset, count);
                if (PassThru)
                {
                    WriteObject(destination);
                }
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, source));
            }
        }

        #endregion
    }
}
