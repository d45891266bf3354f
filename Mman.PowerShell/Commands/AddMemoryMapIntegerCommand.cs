using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Adds to a 4- or 8-byte integer in a map atomically and outputs the new value: a counter that any
    /// number of threads and processes sharing the map can increment without losing a count.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "MemoryMapInteger", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(int), typeof(long))]
    public sealed class AddMemoryMapIntegerCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The map holding the integer; by property name it binds a Map property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Map")]
        [ValidateNotNull]
        public MemoryMap InputObject { get; set; }

        /// <summary>Where the integer is in the map, in bytes: a multiple of its size (of the address, for a view). Default 0.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public long Offset { get; set; }

        /// <summary>What to add; negative subtracts. Default 1. The sum wraps around on overflow.</summary>
        [Parameter(Position = 1)]
        public long Value { get; set; } = 1;

        /// <summary>The integer's type: Int32 (4 bytes, the default) or Int64 (8 bytes).</summary>
        [Parameter]
        [ValidateSet(AtomicInteger.Int32, AtomicInteger.Int64)]
        public MemoryMapValueType Type { get; set; } = MemoryMapValueType.Int32;

        #endregion

        #region Overrides

        /// <summary>Checks the integer and the value, then ShouldProcess, then one atomic add.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            try
            {
                AtomicInteger.CheckFits(Type, Value, nameof(Value));
                map.CheckInteger(Offset, AtomicInteger.SizeOf(Type), write: true);
                if (!ShouldProcess(map.ToString(), "Add " + Value + " to " + AtomicInteger.Describe(Type, Offset)))
                {
                    return;
                }

                WriteObject(Type == MemoryMapValueType.Int64 ? (object)map.AddInt64(Offset, Value) : map.AddInt32(Offset, (int)Value));
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion
    }
}
