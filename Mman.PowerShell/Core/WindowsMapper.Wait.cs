using System;
using System.Threading;

namespace Mman
{
    /// <summary>Waiting on a word of a map on Windows: a bounded back-off poll.</summary>
    internal sealed partial class WindowsMapper
    {
        /// <summary>
        /// Polls (<see cref="NativeMapper.BackOff"/>). WaitOnAddress, Windows' futex, wakes only threads of
        /// the process that calls WakeByAddress: a write by another process sharing the map would never end
        /// the wait, and the maps Mman waits on are there to be shared. Named events would need every writer
        /// to signal, which Write-MemoryMap and other programs do not.
        /// </summary>
        internal override void WaitForChange(IntPtr address, int expected, int round, TimeSpan limit, CancellationToken cancel) =>
            BackOff(round, limit, cancel);
    }
}
