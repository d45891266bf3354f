using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Maps anonymous memory (-Size), a file (-Path / -LiteralPath), named shared memory (-Name) or a
    /// view of part of another map (-InputObject), and emits the <see cref="MemoryMap"/>. Each request
    /// is checked by the core's Check* method for it before ShouldProcess, so -WhatIf and -Confirm
    /// refuse what the real run would, with the same ErrorRecord.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "MemoryMap", DefaultParameterSetName = AnonymousSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MemoryMap))]
    public sealed class NewMemoryMapCommand : PSCmdlet
    {
        private const string AnonymousSet = "Anonymous";
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string NamedSet = "Named";
        private const string ViewSet = "View";

        #region Parameters

        /// <summary>The file to map; wildcards allowed, but each path must resolve to exactly one file.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        /// <summary>The file to map, taken exactly as written (no wildcards).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>
        /// The name of a shared-memory object other processes can open: created when it does not exist
        /// and -Size is given, opened otherwise.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = NamedSet)]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(SharedMemoryNameCompleter))]
        public string Name { get; set; }

        /// <summary>The map to make a view of: the new map covers part of its memory.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ViewSet)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>
        /// The number of bytes to map. Required for anonymous memory; for a file or a view, defaults to
        /// the rest of it; for a named map, creates the object with this size (without it, opens an
        /// existing one).
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = AnonymousSet)]
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [Parameter(ParameterSetName = NamedSet)]
        [Parameter(ParameterSetName = ViewSet)]
        public long Size { get; set; }

        /// <summary>Where in the file, or in the map a view is made of, the new map starts; any byte offset.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [Parameter(ParameterSetName = ViewSet)]
        public long Offset { get; set; }

        /// <summary>
        /// The access the map allows. Default: Read for a file, Read,Write for anonymous and named memory,
        /// and the parent's for a view.
        /// </summary>
        [Parameter]
        public MemoryProtection Protection { get; set; }

        /// <summary>Shared (writes reach the file) or Private (copy-on-write). Default: Shared for a file or named memory, Private for anonymous memory.</summary>
        [Parameter(ParameterSetName = AnonymousSet)]
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [Parameter(ParameterSetName = NamedSet)]
        public MapSharing Sharing { get; set; }

        /// <summary>Create a new named object readable and writable by every user, not only its owner.</summary>
        [Parameter(ParameterSetName = NamedSet)]
        public SwitchParameter AllowOtherUsers { get; set; }

        /// <summary>Allow a protection that is Write and Execute at once, which is refused otherwise (W^X).</summary>
        [Parameter]
        public SwitchParameter AllowWriteExecute { get; set; }

        #endregion

        #region Overrides

        /// <summary>Maps the memory or each file.</summary>
        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case AnonymousSet:
                    MapAnonymous();
                    return;
                case NamedSet:
                    MapNamed();
                    return;
                case ViewSet:
                    MapView();
                    return;
            }

            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string path in literal ? LiteralPath : Path)
            {
                string file = ProviderFiles.ResolveOne(this, path, literal);
                if (file != null)
                {
                    MapFile(file);
                }
            }
        }

        #endregion

        private bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        private void WriteMap(MemoryMap map)
        {
            SessionMaps.Track(map);
            WriteObject(map);
        }

        private void MapAnonymous()
        {
            MemoryProtection protection = IsBound(nameof(Protection)) ? Protection : MemoryProtection.Read | MemoryProtection.Write;
            MapSharing sharing = IsBound(nameof(Sharing)) ? Sharing : MapSharing.Private;
            try
            {
                // Checked before ShouldProcess, so that -WhatIf reports what the real run would refuse.
                MemoryMap.CheckAnonymous(Size, protection, sharing, AllowWriteExecute);
                if (!ShouldProcess("anonymous memory of " + Size + " bytes", "Map with protection " + protection + ", " + sharing))
                {
                    return;
                }

                WriteMap(MemoryMap.CreateAnonymous(Size, protection, sharing, AllowWriteExecute));
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, Size));
            }
        }

        private void MapNamed()
        {
            MemoryProtection protection = IsBound(nameof(Protection)) ? Protection : MemoryProtection.Read | MemoryProtection.Write;
            MapSharing sharing = IsBound(nameof(Sharing)) ? Sharing : MapSharing.Shared;
            long? size = IsBound(nameof(Size)) ? Size : (long?)null;
            string action = (size.HasValue ? "Create (" + Size + " bytes) or open" : "Open") + " with protection " + protection + ", " + sharing;
            try
            {
                MemoryMap.CheckNamed(Name, size, protection, sharing, AllowWriteExecute);
                if (!ShouldProcess("shared memory '" + Name + "'", action))
                {
                    return;
                }

                WriteMap(MemoryMap.OpenNamed(Name, size, protection, sharing, AllowWriteExecute, AllowOtherUsers));
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, Name));
            }
        }

        private void MapView()
        {
            MemoryMap parent = InputObject;
            long? size = IsBound(nameof(Size)) ? Size : (long?)null;
            string range = size.HasValue ? "of " + Size + " bytes from offset " + Offset : "from offset " + Offset + " to the end";
            MemoryMap view = null;
            try
            {
                parent.CheckView(Offset, size, IsBound(nameof(Protection)) ? Protection : (MemoryProtection?)null, AllowWriteExecute);
                if (!ShouldProcess(parent.ToString(), "Create a view " + range + (IsBound(nameof(Protection)) ? " with protection " + Protection : string.Empty)))
                {
                    return;
                }

                view = parent.CreateView(Offset, size);
                if (IsBound(nameof(Protection)) && Protection != view.Protection)
                {
                    view.SetProtection(Protection, AllowWriteExecute);
                    string spill = view.DescribeProtectionSpill();
                    if (spill != null)
                    {
                        WriteWarning(spill);
                    }
                }

                WriteMap(view);
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                view?.Dispose();
                WriteError(MemoryMapErrorRecord.From(e, parent));
            }
        }

        private void MapFile(string file)
        {
            MemoryProtection protection = IsBound(nameof(Protection)) ? Protection : MemoryProtection.Read;
            MapSharing sharing = IsBound(nameof(Sharing)) ? Sharing : MapSharing.Shared;
            long? size = IsBound(nameof(Size)) ? Size : (long?)null;
            string range = size.HasValue ? size + " bytes from offset " + Offset : "from offset " + Offset + " to the end";
            try
            {
                // Opens and closes the file: a missing, empty, unreadable or unmappable file, or a range
                // past its end, is refused under -WhatIf as in the real run.
                MemoryMap.CheckFile(file, Offset, size, protection, sharing, AllowWriteExecute);
                if (!ShouldProcess(file, "Map " + range + " with protection " + protection + ", " + sharing))
                {
                    return;
                }

                WriteMap(MemoryMap.OpenFile(file, Offset, size, protection, sharing, AllowWriteExecute));
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, file));
            }
        }
    }
}
