using System;
using System.Globalization;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Discards the contents of a Private or anonymous map, or a range of it: anonymous memory reads
    /// as zeros again and a private file map as the file's bytes. The data is lost.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "MemoryMap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MemoryMap))]
    public sealed class ClearMemoryMapCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The Private or anonymous map whose contents to discard.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where the range starts: where a page starts. Default 0.</summary>
        [Parameter]
        public long Offset { get; set; }

        /// <summary>How many bytes: to where a page ends or to the end of the map. Default: from -Offset to the end of the map.</summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>Emit the map afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Discards each map's range.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                // Every check first (a Shared map is refused here), so that -WhatIf and -Confirm report
                // what the real run would refuse, and a refused map is never offered for confirmation.
                map.CheckDiscard(Offset, count);
                if (!ShouldProcess(map.ToString(), string.Format(CultureInfo.InvariantCulture, "Discard the contents of {0} bytes from offset {1} (what was written there is lost)", count, Offset)))
                {
                    return;
                }

                map.Discard(Offset, count);
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
