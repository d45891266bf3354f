using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Unmaps maps and releases their files. Closing a closed map is harmless.
    /// </summary>
    [Cmdlet(VerbsCommon.Close, "MemoryMap", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class CloseMemoryMapCommand : PSCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string IdSet = "Id";

        #region Parameters

        /// <summary>The maps to close.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap[] InputObject { get; set; }

        /// <summary>The Ids of open maps to close, as Get-MemoryMap shows them.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet)]
        [ArgumentCompleter(typeof(MapIdCompleter))]
        public int[] Id { get; set; }

        #endregion

        #region Overrides

        /// <summary>Closes each map.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == InputObjectSet)
            {
                foreach (MemoryMap map in InputObject)
                {
                    Close(map);
                }

                return;
            }

            foreach (int id in Id)
            {
                MemoryMap map = MemoryMapRegistry.Find(id);
                if (map == null)
                {
                    WriteError(MemoryMapErrorRecord.MapNotFound(id));
                    continue;
                }

                Close(map);
            }
        }

        #endregion

        private void Close(MemoryMap map)
        {
            if (map.IsValid && ShouldProcess(map.ToString(), "Close"))
            {
                map.Dispose();
            }
        }
    }
}
