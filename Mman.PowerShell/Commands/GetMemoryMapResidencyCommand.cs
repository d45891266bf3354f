using System;
using System.IO;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Reports which pages of a map, a range of it, or of files are in memory (mincore on Linux and
    /// macOS, with cachestat's counts on Linux 6.5 and later; QueryWorkingSetEx on Windows). Files
    /// named by -Path are mapped read-only, measured, unmapped and closed one at a time, so that any
    /// number of them can be measured without holding a descriptor or a map per file.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MemoryMapResidency", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(MemoryResidency))]
    public sealed class GetMemoryMapResidencyCommand : PSCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string MapSet = "Map";

        #region Parameters

        /// <summary>The files to measure: wildcards, and directories for the files in them.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        /// <summary>The files to measure, their names taken as written (no wildcards). Binds PSPath, so Get-ChildItem's output can be piped.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Measure the files in the subdirectories of a directory too.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter Recurse { get; set; }

        /// <summary>The maps to measure.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = MapSet, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNullOrEmpty]
        public MemoryMap[] InputObject { get; set; }

        /// <summary>Where in the map the range to measure starts. Default 0.</summary>
        [Parameter(ParameterSetName = MapSet)]
        public long Offset { get; set; }

        /// <summary>How many bytes to measure. Default: from -Offset to the end of the map.</summary>
        [Parameter(ParameterSetName = MapSet)]
        public long Count { get; set; }

        #endregion

        #region Overrides

        /// <summary>Measures each map, or each file the paths name.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == MapSet)
            {
                foreach (MemoryMap map in InputObject)
                {
                    MeasureMap(map);
                }

                return;
            }

            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string path in literal ? LiteralPath : Path)
            {
                int files = 0;
                foreach (string file in ProviderFiles.Resolve(this, path, literal, Recurse))
                {
                    files++;
                    MeasureFile(file);
                }

                if (files == 0)
                {
                    ReportEmptyDirectory(path, literal);
                }
            }
        }

        #endregion

        private void MeasureMap(MemoryMap map)
        {
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                WriteObject(map.GetResidency(Offset, count));
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        private void MeasureFile(string file)
        {
            try
            {
                WriteObject(MemoryMap.GetFileResidency(file));
            }
            catch (MemoryMapException e) when (e.Error == MemoryMapError.NotSupportedOnThisSystem)
            {
                // The same answer for every file: once, and stop.
                ErrorRecord record = MemoryMapErrorRecord.From(e, file);
                const string Advice = "To see which pages of a file this process has in memory, map it with New-MemoryMap and pipe the map to Get-MemoryMapResidency.";
                record.ErrorDetails = new ErrorDetails(e.Message + " " + Advice) { RecommendedAction = Advice };
                ThrowTerminatingError(record);
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, file));
            }
        }

        /// <summary>
        /// A path without wildcards that names a directory with no files in it measured nothing; say
        /// so, as for a path that names nothing. (A directory that cannot be listed has had its error.)
        /// </summary>
        private void ReportEmptyDirectory(string path, bool literal)
        {
            if (!literal && WildcardPattern.ContainsWildcardCharacters(path))
            {
                return;
            }

            string directory;
            try
            {
                directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                if (!Directory.Exists(directory) || Directory.GetFiles(directory).Length != 0)
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException
                || e is ProviderNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ItemNotFoundException)
            {
                return;
            }

            WriteError(MemoryMapErrorRecord.Create(
                MemoryMapError.FileNotFound,
                "The directory '" + directory + "' has no files" + (Recurse ? " in it or its subdirectories." : " in it; add -Recurse to measure the files of its subdirectories."),
                directory));
        }
    }
}
