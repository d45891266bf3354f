using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Brings pages into memory: a map's range, or files by path. By default a hint that returns at
    /// once (madvise MADV_WILLNEED, PrefetchVirtualMemory); with -Touch, reads a byte of every page so
    /// the pages are resident when it returns.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Request, "MemoryMapResidency", DefaultParameterSetName = ByInputObject)]
    [OutputType(typeof(MemoryMap))]
    public sealed class RequestMemoryMapResidencyCommand : PSCmdlet
    {
        private const string ByInputObject = "InputObject";
        private const string ByPath = "Path";
        private const string ByLiteralPath = "LiteralPath";

        private readonly ProgressThrottle _progress = new ProgressThrottle();
        private int _filesDone;

        #region Parameters

        /// <summary>The map whose pages to bring in.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByInputObject)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>The files to bring in; wildcards allowed, a directory stands for its files.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByPath)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        /// <summary>The files to bring in, taken as written (no wildcards).</summary>
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

        /// <summary>Read one byte of every page, so the pages are in memory when the cmdlet returns.</summary>
        [Parameter]
        public SwitchParameter Touch { get; set; }

        /// <summary>Emit the map afterwards.</summary>
        [Parameter(ParameterSetName = ByInputObject)]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Brings in each map or file.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByInputObject)
            {
                ProcessMap(InputObject);
                return;
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

        /// <summary>Clears the progress bars.</summary>
        protected override void EndProcessing()
        {
            CompleteProgress();
        }

        #endregion

        private void ProcessMap(MemoryMap map)
        {
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                if (Touch)
                {
                    string activity = "Touching the pages of map " + map.Id.ToString(CultureInfo.InvariantCulture);
                    if (!map.Touch(Offset, count, done => Proceed(activity, map.ToString(), done, count)))
                    {
                        return;
                    }
                }
                else
                {
                    map.Prefetch(Offset, count);
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

        private void ProcessFile(string file)
        {
            _filesDone++;
            if (_progress.Due())
            {
                WriteProgress(new ProgressRecord(1, Touch ? "Touching the pages of files" : "Prefetching files", "File " + _filesDone.ToString(CultureInfo.InvariantCulture) + ": " + file));
            }

            try
            {
                if (!Touch)
                {
                    MemoryMap.PrefetchFile(file);
                    return;
                }

                if (new FileInfo(file).Length == 0)
                {
                    return;
                }

                using (MemoryMap map = MemoryMap.OpenFile(file))
                {
                    map.Touch(0, map.Size, done => Proceed("Touching the pages of " + file, file, done, map.Size));
                }
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, file));
            }
        }

        /// <summary>After each batch of touched pages: shows progress now and then, and stops when the pipeline stops.</summary>
        private bool Proceed(string activity, string target, long done, long total)
        {
            if (Stopping)
            {
                return false;
            }

            if (_progress.Due() && total > 0)
            {
                WriteProgress(new ProgressRecord(2, activity, target)
                {
                    ParentActivityId = ParameterSetName == ByInputObject ? -1 : 1,
                    PercentComplete = (int)(done * 100 / total),
                });
            }

            return true;
        }

        private void CompleteProgress()
        {
            if (_progress.Shown)
            {
                WriteProgress(new ProgressRecord(2, "Touching pages", "Done") { RecordType = ProgressRecordType.Completed });
                WriteProgress(new ProgressRecord(1, "Files", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }
}
