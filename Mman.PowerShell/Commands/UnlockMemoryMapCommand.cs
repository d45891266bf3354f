using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Unlocks pages that Lock-MemoryMap locked through a map or its views (munlock / VirtualUnlock).
    /// </summary>
    [Cmdlet(VerbsCommon.Unlock, "MemoryMap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MemoryMap))]
    public sealed class UnlockMemoryMapCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The map whose pages to unlock.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where the range to unlock starts. Default 0.</summary>
        [Parameter]
        public long Offset { get; set; }

        /// <summary>How many bytes to unlock. Default: from -Offset to the end of the map.</summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>Emit the map after unlocking.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Unlocks the range of each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                map.CheckUnlock(Offset, count);
                if (!ShouldProcess(map.ToString(), "Unlock " + count + " bytes from offset " + Offset))
                {
                    return;
                }

                map.Unlock(Offset, count);

                // Not an error: the pages are locked on purpose, through another map of the same memory.
                string others = map.DescribeOtherLocks(Offset, count);
                if (others != null)
                {
                    WriteWarning(others);
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
