using System;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace Mman.Commands
{
    /// <summary>
    /// Searches a map, or a range of it, for a byte pattern or text, and emits where it is found.
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "MemoryMap", DefaultParameterSetName = PatternSet)]
    [OutputType(typeof(MemoryMapMatch))]
    public sealed class FindMemoryMapCommand : PSCmdlet
    {
        private const string PatternSet = "Pattern";
        private const string TextSet = "Text";

        // Ranges searched in windows of this size, with progress between them and a prompt stop on Ctrl+C.
        private const long Window = 64L << 20;

        // How many matches one core call returns at most; the next call continues after the last.
        private const int MatchBatch = 4096;

        #region Parameters

        /// <summary>The map to search.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>The bytes to find.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = PatternSet)]
        [ValidateNotNullOrEmpty]
        public byte[] Pattern { get; set; }

        /// <summary>Text to find, encoded with -Encoding.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TextSet)]
        [ValidateNotNullOrEmpty]
        public string Text { get; set; }

        /// <summary>The text encoding for -Text. Default UTF-8.</summary>
        [Parameter(ParameterSetName = TextSet)]
        [EncodingArgumentTransformation]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(EncodingArgumentCompleter))]
        public Encoding Encoding { get; set; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>Where the range to search starts. Default 0.</summary>
        [Parameter]
        public long Offset { get; set; }

        /// <summary>How many bytes to search. Default: from -Offset to the end of the map.</summary>
        [Parameter]
        public long Count { get; set; }

        /// <summary>Emit every match (overlapping matches included), not just the first.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        /// <summary>Search from the end: the last match first.</summary>
        [Parameter]
        public SwitchParameter Last { get; set; }

        #endregion

        #region Overrides

        /// <summary>Searches each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            byte[] pattern = ParameterSetName == TextSet ? Encoding.GetBytes(Text) : Pattern;
            long count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : Math.Max(0, map.Size - Offset);
            try
            {
                map.CheckAccess(Offset, count, MemoryProtection.Read);
                Search(map, pattern, Offset, Offset + count);
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion

        /// <summary>
        /// Emits a batch of matches with one call: PowerShell then passes them down the pipeline together,
        /// which costs less per match than a call for each.
        /// </summary>
        private void WriteMatches(MemoryMap map, long[] found, int count, int length)
        {
            if (count == 1)
            {
                WriteObject(new MemoryMapMatch(map, found[0], length));
                return;
            }

            var matches = new MemoryMapMatch[count];
            for (int i = 0; i < count; i++)
            {
                matches[i] = new MemoryMapMatch(map, found[i], length);
            }

            WriteObject(matches, enumerateCollection: true);
        }

        /// <summary>
        /// Searches [start, end) window by window, forward or (with -Last) backward, emitting matches, with
        /// progress between windows. Each window reaches pattern.Length - 1 bytes into the next, so no
        /// match is cut in two; the core finds up to a batch of matches per call, so a window with many
        /// costs no allocation per match.
        /// </summary>
        private void Search(MemoryMap map, byte[] pattern, long start, long end)
        {
            var progress = end - start > Window ? new ProgressRecord(0x4D4E, "Find-MemoryMap: map " + map.Id, "Searching") : null;
            var found = new long[All ? MatchBatch : 1];
            int overlap = pattern.Length - 1;
            long low = start;
            long high = end;
            while (high - low >= pattern.Length)
            {
                long windowStart = Last ? Math.Max(low, high - Window - overlap) : low;
                long windowEnd = Last ? high : Math.Min(high, low + Window + overlap);
                int n = map.FindAll(pattern, windowStart, windowEnd - windowStart, found, fromEnd: Last);
                WriteMatches(map, found, n, pattern.Length);

                if (n > 0 && !All)
                {
                    break;
                }

                if (n == found.Length)
                {
                    // The batch is full: more matches may follow in this window, from just past the last.
                    if (Last)
                    {
                        high = found[n - 1] + overlap;
                    }
                    else
                    {
                        low = found[n - 1] + 1;
                    }

                    continue;
                }

                if (Last ? windowStart == low : windowEnd == high)
                {
                    break;
                }

                // The next window starts where a match across this one's edge begins.
                if (Last)
                {
                    high = windowStart + overlap;
                }
                else
                {
                    low = windowEnd - overlap;
                }

                if (progress != null)
                {
                    long done = (low - start) + (end - high);
                    progress.PercentComplete = (int)Math.Min(100, done * 100 / (end - start));
                    progress.StatusDescription = string.Format(CultureInfo.CurrentCulture, "{0:N0} of {1:N0} MiB", done >> 20, (end - start) >> 20);
                    WriteProgress(progress);
                }
            }

            if (progress != null)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }
    }
}
