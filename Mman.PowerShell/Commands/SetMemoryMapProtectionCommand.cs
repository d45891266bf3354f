using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Changes the protection of a map (mprotect / VirtualProtect).
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MemoryMapProtection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MemoryMap))]
    public sealed class SetMemoryMapProtectionCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The map whose protection changes.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>The new protection: None, or any of Read, Write, Execute.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        public MemoryProtection Protection { get; set; }

        /// <summary>Allow a protection that is Write and Execute at once, which is refused otherwise (W^X).</summary>
        [Parameter]
        public SwitchParameter AllowWriteExecute { get; set; }

        /// <summary>Emit the map after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Applies the protection to each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            try
            {
                // Checked before ShouldProcess, so that -WhatIf reports what the real run would refuse.
                map.CheckSetProtection(Protection, AllowWriteExecute);
                if (!ShouldProcess(map.ToString(), "Change protection from " + map.Protection + " to " + Protection))
                {
                    return;
                }

                map.SetProtection(Protection, AllowWriteExecute);
                string spill = map.DescribeProtectionSpill();
                if (spill != null)
                {
                    WriteWarning(spill);
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
