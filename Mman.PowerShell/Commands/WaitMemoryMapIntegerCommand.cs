using System;
using System.Management.Automation;
using System.Threading;

namespace Mman.Commands
{
    /// <summary>
    /// Waits until a 4- or 8-byte integer in a map equals a value (-Equal) or differs from one
    /// (-NotEqual), and outputs the value seen. Sleeps instead of spinning: a futex on Linux, which a
    /// writer in any process wakes; a bounded back-off poll on Windows and macOS.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "MemoryMapInteger", DefaultParameterSetName = EqualSet)]
    [OutputType(typeof(int), typeof(long))]
    public sealed class WaitMemoryMapIntegerCommand : PSCmdlet, IDisposable
    {
        private const string EqualSet = "Equal";
        private const string NotEqualSet = "NotEqual";

        // Cancelled by StopProcessing (Ctrl+C), which runs on another thread.
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        #region Parameters

        /// <summary>The map holding the integer; by property name it binds a Map property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where the integer is in the map, in bytes: a multiple of its size (of the address, for a view). Default 0.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public long Offset { get; set; }

        /// <summary>Wait until the integer equals this value.</summary>
        [Parameter(Mandatory = true, ParameterSetName = EqualSet)]
        public long Equal { get; set; }

        /// <summary>Wait until the integer differs from this value.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NotEqualSet)]
        public long NotEqual { get; set; }

        /// <summary>The integer's type: Int32 (4 bytes, the default) or Int64 (8 bytes).</summary>
        [Parameter]
        [ValidateSet(AtomicInteger.Int32, AtomicInteger.Int64)]
        public MemoryMapValueType Type { get; set; } = MemoryMapValueType.Int32;

        /// <summary>
        /// How long to wait at most: seconds (5, 0.5) or a TimeSpan. Then the cmdlet fails with
        /// WaitTimedOut, saying the value last seen. Default: no limit (Ctrl+C ends the wait).
        /// </summary>
        [Parameter]
        [SecondsArgumentTransformation]
        public TimeSpan Timeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

        #endregion

        #region Overrides

        /// <summary>Waits on the integer of each map in turn.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            bool untilEqual = ParameterSetName == EqualSet;
            long value = untilEqual ? Equal : NotEqual;
            try
            {
                AtomicInteger.CheckFits(Type, value, untilEqual ? nameof(Equal) : nameof(NotEqual));
                object seen = Type == MemoryMapValueType.Int64
                    ? map.WaitInt64(Offset, value, untilEqual, Timeout, _stop.Token)
                    : (object)map.WaitInt32(Offset, (int)value, untilEqual, Timeout, _stop.Token);
                WriteObject(seen);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: PowerShell stops the pipeline once this returns.
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        /// <summary>Ends a wait in progress (Ctrl+C) within a fraction of a second.</summary>
        protected override void StopProcessing() => _stop.Cancel();

        #endregion

        /// <summary>Releases the cancellation's wait handle.</summary>
        public void Dispose() => _stop.Dispose();
    }
}
