using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Locks a map's pages in memory (mlock / VirtualLock with the working set raised), so that they
    /// stay resident until unlocked or the map is closed.
    /// </summary>
    [Cmdlet(VerbsCommon.Lock, "MemoryMap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MemoryMap))]
    public sealed class LockMemoryMapCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The map whose pages to lock.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where the range to lock starts. Default 0.</summary>
        [Parameter]
        public long Offset { get; set; }

        /// <summary>How many bytes to lock. Default: from -Offset to the end of the map.</summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>Emit the map after locking.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Locks the range of each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                // The range, the map's state and, where the system lets it be known, the limit on
                // locked memory, before ShouldProcess: -WhatIf reports what the real run would refuse.
                map.CheckLock(Offset, count);
                if (!ShouldProcess(map.ToString(), "Lock " + count + " bytes from offset " + Offset + " in memory"))
                {
                    return;
                }

                map.Lock(Offset, count);
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
