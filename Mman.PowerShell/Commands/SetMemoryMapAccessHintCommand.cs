using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Tells the system how a map will be read (madvise MADV_NORMAL, MADV_SEQUENTIAL, MADV_RANDOM) and
    /// records it in the map's AccessHint. Windows has no such hint for views: there it is recorded only.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MemoryMapAccessHint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MemoryMap))]
    public sealed class SetMemoryMapAccessHintCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The map to give the hint.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>How the map will be read: Normal, Sequential or Random.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        public MemoryMapAccessHint Hint { get; set; }

        /// <summary>Emit the map afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Gives each map the hint.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            try
            {
                map.CheckSetAccessHint();
                if (!ShouldProcess(map.ToString(), "Set the access hint to " + Hint))
                {
                    return;
                }

                if (!map.SetAccessHint(Hint))
                {
                    WriteVerbose("Map " + map.Id + ": the hint " + Hint + " is recorded but has no effect on this system: Windows has no access hints for mapped views (its read-ahead for a file is chosen when the file is opened).");
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
