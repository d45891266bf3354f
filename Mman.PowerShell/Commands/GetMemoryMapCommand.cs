using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Lists the open maps of this process: all of them, by Id, or the maps of named shared memory by name;
    /// with -ListAvailable, the named shared memory that exists on the system, whoever created it.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MemoryMap", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(MemoryMap), ParameterSetName = new[] { IdSet, NameSet })]
    [OutputType(typeof(NamedMemoryInfo), ParameterSetName = new[] { ListAvailableSet })]
    public sealed class GetMemoryMapCommand : PSCmdlet
    {
        private const string IdSet = "Id";
        private const string NameSet = "Name";
        private const string ListAvailableSet = "ListAvailable";

        #region Parameters

        /// <summary>The Ids of the maps to get. Default: every open map.</summary>
        [Parameter(Position = 0, ParameterSetName = IdSet)]
        [ArgumentCompleter(typeof(MapIdCompleter))]
        public int[] Id { get; set; }

        /// <summary>
        /// The names of shared memory whose maps (and their views) to get; with -ListAvailable, the names
        /// of the system's objects to list. Wildcards allowed.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        [Parameter(Position = 0, ParameterSetName = ListAvailableSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SharedMemoryNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Lists the named shared memory that exists on the system instead of this process's maps.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ListAvailableSet)]
        public SwitchParameter ListAvailable { get; set; }

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

            if (ParameterSetName == ListAvailableSet)
            {
                WriteAvailable();
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

        private void WriteAvailable()
        {
            IReadOnlyList<NamedMemoryInfo> available;
            try
            {
                available = MemoryMap.GetAvailableNamed();
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                // macOS cannot list (NamedListingNotSupported); elsewhere the directory may be unreadable.
                WriteError(MemoryMapErrorRecord.From(e, null));
                return;
            }

            if (Name == null)
            {
                foreach (NamedMemoryInfo info in available)
                {
                    WriteObject(info);
                }

                return;
            }

            foreach (string name in Name)
            {
                bool found = false;
                var pattern = SharedMemoryNames.Pattern(name);
                foreach (NamedMemoryInfo info in available)
                {
                    if (SharedMemoryNames.IsMatch(pattern, name, info.Name))
                    {
                        found = true;
                        WriteObject(info);
                    }
                }

                if (!found && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(MemoryMapErrorRecord.Create(
                        MemoryMapError.NamedMapNotFound,
                        "No shared memory named '" + name + "' exists on this system. Get-MemoryMap -ListAvailable lists the names that do.",
                        name));
                }
            }
        }

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
