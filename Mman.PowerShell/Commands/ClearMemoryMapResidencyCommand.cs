using System;
using System.Globalization;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Evicts pages from memory: a Shared file map's range, or files by path, after writing their
    /// changes back (msync MS_SYNC, then posix_fadvise POSIX_FADV_DONTNEED on Linux, msync
    /// MS_INVALIDATE on macOS; on Windows a map's pages leave the working set, and files cannot be evicted).
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "MemoryMapResidency", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MemoryMap))]
    public sealed class ClearMemoryMapResidencyCommand : PSCmdlet
    {
        private const string ByInputObject = "InputObject";
        private const string ByPath = "Path";
        private const string ByLiteralPath = "LiteralPath";

        #region Parameters

        /// <summary>The Shared file map whose pages to evict.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByInputObject)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>The files to evict; wildcards allowed, a directory stands for its files.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByPath)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        /// <summary>The files to evict, taken as written (no wildcards).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByLiteralPath)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>With a directory, also the files of its subdirectories.</summary>
        [Parameter(ParameterSetName = ByPath)]
        [Parameter(ParameterSetName = ByLiteralPath)]
        public SwitchParameter Recurse { get; set; }

        /// <summary>Where the range starts in the map. Default 0.</summary>
        [Parameter(ParameterSetName = ByInputObject)]
        public long Offset { get; set; }

        /// <summary>How many bytes. Default: from -Offset to the end of the map.</summary>
        [Parameter(ParameterSetName = ByInputObject)]
        public long Count { get; set; }

        /// <summary>Emit the map afterwards.</summary>
        [Parameter(ParameterSetName = ByInputObject)]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Evicts each map or file.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByInputObject)
            {
                ProcessMap(InputObject);
                return;
            }

            if (!MemoryMap.CanEvictFileCache)
            {
                // One error for the whole call: no file can be evicted on this system.
                try
                {
                    MemoryMap.CheckEvictFile(string.Empty);
                }
                catch (MemoryMapException e)
                {
                    ThrowTerminatingError(MemoryMapErrorRecord.From(e, ParameterSetName == ByPath ? Path : LiteralPath));
                }
            }

            bool literal = ParameterSetName == ByLiteralPath;
            foreach (string path in literal ? LiteralPath : Path)
            {
                foreach (string file in ProviderFiles.Resolve(this, path, literal, Recurse))
                {
                    if (Stopping)
                    {
                        return;
                    }

                    ProcessFile(file);
                }
            }
        }

        #endregion

        private void ProcessMap(MemoryMap map)
        {
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                // Every check Evict makes, before ShouldProcess, so that -WhatIf reports what the real run would refuse.
                map.CheckEvict(Offset, count);
                if (!ShouldProcess(map.ToString(), string.Format(CultureInfo.InvariantCulture, "Write back and evict {0} bytes from offset {1} from memory", count, Offset)))
                {
                    return;
                }

                map.Evict(Offset, count);
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

        private void ProcessFile(string file)
        {
            try
            {
                MemoryMap.CheckEvictFile(file);
                if (!ShouldProcess(file, "Write back and evict the file from the file cache"))
                {
                    return;
                }

                MemoryMap.EvictFile(file);
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, file));
            }
        }
    }
}
