using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Lists the open maps of this process, all of them or by Id.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MemoryMap")]
    [OutputType(typeof(MemoryMap))]
    public sealed class GetMemoryMapCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The Ids of the maps to get. Default: every open map.</summary>
        [Parameter(Position = 0)]
        public int[] Id { get; set; }

        #endregion

        #region Overrides

        /// <summary>Emits the maps.</summary>
        protected override void ProcessRecord()
        {
            if (Id == null)
            {
                foreach (MemoryMap map in MemoryMapRegistry.Snapshot())
                {
                    WriteObject(map);
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

                WriteObject(map);
            }
        }

        #endregion
    }
}
