using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Stores a 4- or 8-byte integer in a map atomically, with a full memory barrier (an exchange), and
    /// wakes whoever waits on it; with -Expected, stores it only if the integer holds that value (a
    /// compare-exchange) and outputs what happened.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MemoryMapInteger", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(int), typeof(long), typeof(MemoryMapExchange))]
    public sealed class SetMemoryMapIntegerCommand : PSCmdlet
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

        /// <summary>The value to store.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        public long Value { get; set; }

        /// <summary>
        /// Store -Value only if the integer holds this value now (compare-exchange); the cmdlet then
        /// outputs a MemoryMapExchange saying whether it did and what it found.
        /// </summary>
        [Parameter]
        public long Expected { get; set; }

        /// <summary>The integer's type: Int32 (4 bytes, the default) or Int64 (8 bytes).</summary>
        [Parameter]
        [ValidateSet(AtomicInteger.Int32, AtomicInteger.Int64)]
        public MemoryMapValueType Type { get; set; } = MemoryMapValueType.Int32;

        /// <summary>Output the value the integer held before (without -Expected, which always outputs its result).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        /// <summary>Checks the integer and the values, then ShouldProcess, then one atomic exchange or compare-exchange.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            bool compare = MyInvocation.BoundParameters.ContainsKey(nameof(Expected));
            try
            {
                AtomicInteger.CheckFits(Type, Value, nameof(Value));
                if (compare)
                {
                    AtomicInteger.CheckFits(Type, Expected, nameof(Expected));
                }

                map.CheckInteger(Offset, AtomicInteger.SizeOf(Type), write: true);
                string action = compare
                    ? "Set " + AtomicInteger.Describe(Type, Offset) + " to " + Value + " if it is " + Expected
                    : "Set " + AtomicInteger.Describe(Type, Offset) + " to " + Value;
                if (!ShouldProcess(map.ToString(), action))
                {
                    return;
                }

                bool int64 = Type == MemoryMapValueType.Int64;
                if (compare)
                {
                    long seen = int64 ? map.CompareExchangeInt64(Offset, Value, Expected) : map.CompareExchangeInt32(Offset, (int)Value, (int)Expected);
                    WriteObject(new MemoryMapExchange(map, Offset, Type, Expected, Value, seen));
                    return;
                }

                long previous = int64 ? map.ExchangeInt64(Offset, Value) : map.ExchangeInt32(Offset, (int)Value);
                if (PassThru)
                {
                    WriteObject(AtomicInteger.Box(Type, previous));
                }
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion
    }
}
