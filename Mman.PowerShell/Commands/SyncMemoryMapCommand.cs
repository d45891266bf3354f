using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Writes a map's changes back to its file (msync / FlushViewOfFile + FlushFileBuffers).
    /// </summary>
    [Cmdlet(VerbsData.Sync, "MemoryMap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MemoryMap))]
    public sealed class SyncMemoryMapCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The map to sync.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where the range to sync starts. Default 0.</summary>
        [Parameter]
        public long Offset { get; set; }

        /// <summary>How many bytes to sync. Default: from -Offset to the end of the map.</summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>Start the writes and return without waiting for them to reach the disk.</summary>
        [Parameter]
        public SwitchParameter Async { get; set; }

        /// <summary>Also invalidate other cached copies of the range (MS_INVALIDATE; no effect on Windows).</summary>
        [Parameter]
        public SwitchParameter Invalidate { get; set; }

        /// <summary>Emit the map after syncing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Syncs each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            string how = Async ? "asynchronously" : "synchronously";
            try
            {
                // The range and state checks Sync makes (it needs neither Read nor Write), before
                // ShouldProcess, so that -WhatIf reports what the real run would refuse.
                map.CheckAccess(Offset, count, MemoryProtection.None);
                if (!ShouldProcess(map.ToString(), "Sync " + count + " bytes from offset " + Offset + " " + how))
                {
                    return;
                }

                map.Sync(Offset, count, Async, Invalidate);
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
