using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Reads a 4- or 8-byte integer in a map in one access, with a full memory barrier: the value as it
    /// is in memory now, never a torn or stale one.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MemoryMapInteger")]
    [OutputType(typeof(int), typeof(long))]
    public sealed class GetMemoryMapIntegerCommand : PSCmdlet
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

        /// <summary>The integer's type: Int32 (4 bytes, the default) or Int64 (8 bytes).</summary>
        [Parameter]
        [ValidateSet(AtomicInteger.Int32, AtomicInteger.Int64)]
        public MemoryMapValueType Type { get; set; } = MemoryMapValueType.Int32;

        #endregion

        #region Overrides

        /// <summary>Reads the integer of each map.</summary>
        protected override void ProcessRecord()
        {
            MemoryMap map = InputObject;
            try
            {
                WriteObject(Type == MemoryMapValueType.Int64 ? (object)map.ReadInt64(Offset) : map.ReadInt32(Offset));
            }
            catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
            {
                WriteError(MemoryMapErrorRecord.From(e, map));
            }
        }

        #endregion
    }
}
