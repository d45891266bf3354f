using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Changes a map's size: a file map's file is extended or truncated and mapped again; anonymous
    /// memory keeps its contents; named shared memory changes size where the system allows (Linux).
    /// The map keeps its Id and every variable holding it sees the new size; its views are closed.
    /// </summary>
    /// <remarks>
    /// ConfirmImpact is Medium, so a grow asks only under -Confirm; a shrink loses data (the map's
    /// last bytes, and for a file the file's bytes past the new end), so it also asks with
    /// ShouldContinue unless -Force: High impact for the shrink alone, which one ConfirmImpact cannot say.
    /// </remarks>
    [Cmdlet(VerbsCommon.Resize, "MemoryMap", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MemoryMap))]
    public sealed class ResizeMemoryMapCommand : PSCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string IdSet = "Id";

        private bool _yesToAll;
        private bool _noToAll;

        #region Parameters

        /// <summary>The map to resize.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>The Id of an open map to resize, as Get-MemoryMap shows it.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [ArgumentCompleter(typeof(MapIdCompleter))]
        public int Id { get; set; }

        /// <summary>The new size in bytes.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        public long Size { get; set; }

        /// <summary>Shrink without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit the map after resizing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Resizes the map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            if (ParameterSetName == IdSet)
            {
                map = MemoryMapRegistry.Find(Id);
                if (map == null)
                {
                    WriteError(MemoryMapErrorRecord.MapNotFound(Id));
                    return;
                }
            }

            try
            {
                // Every refusal the core can foresee, before anything is asked or changed, so that
                // -WhatIf reports what the real run would refuse.
                map.CheckResize(Size);
                long before = map.Size;
                string action = Size == before ? "Keep the size of " + before + " bytes"
                    : "Resize from " + before + " to " + Size + " bytes" + (map.Kind == MemoryMapKind.File && Size > before ? ", extending the file if it is shorter" : string.Empty);
                if (!ShouldProcess(map.ToString(), action))
                {
                    return;
                }

                string loss = map.DescribeResizeLoss(Size);
                if (loss != null && !Force && !ShouldContinue(loss + " Continue?", "Shrink map " + map.Id, ref _yesToAll, ref _noToAll))
                {
                    return;
                }

                map.Resize(Size);
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
