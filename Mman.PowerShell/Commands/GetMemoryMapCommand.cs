using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Lists the open maps of this process: all of them, by Id, or the maps of named shared memory by name.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MemoryMap", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(MemoryMap))]
    public sealed class GetMemoryMapCommand : PSCmdlet
    {
        private const string IdSet = "Id";
        private const string NameSet = "Name";

        #region Parameters

        /// <summary>The Ids of the maps to get. Default: every open map.</summary>
        [Parameter(Position = 0, ParameterSetName = IdSet)]
        public int[] Id { get; set; }

        /// <summary>The names of shared memory whose maps (and their views) to get; wildcards allowed.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        #endregion

        #region Overrides

        /// <summary>Emits the maps.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == NameSet)
            {
                WriteNamed();
                return;
            }

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

        private void WriteNamed()
        {
            var maps = MemoryMapRegistry.Snapshot();
            foreach (string name in Name)
            {
                // Names are case-sensitive on Linux and macOS; on Windows too, as far as Mman matches them.
                var pattern = new WildcardPattern(name, WildcardOptions.None);
                bool found = false;
                foreach (MemoryMap map in maps)
                {
                    if (map.Name != null && pattern.IsMatch(map.Name))
                    {
                        found = true;
                        WriteObject(map);
                    }
                }

                if (!found && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(MemoryMapErrorRecord.Create(
                        MemoryMapError.MapNotFound,
                        "No open map of this process is of shared memory named '" + name + "'. Open it with New-MemoryMap -Name '" + name + "'.",
                        name));
                }
            }
        }
    }
}
