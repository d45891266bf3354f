using System;
using System.Globalization;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Copies a large range in chunks so the user sees Write-Progress and Ctrl+C stops the copy between
    /// chunks (WriteProgress throws PipelineStoppedException once the pipeline is stopping).
    /// Small ranges are one core call: progress there would cost more than the copy.
    /// </summary>
    internal static class ChunkedCopy
    {
        internal const long ProgressThreshold = 256L << 20;
        private const int ChunkSize = 16 << 20;

        /// <summary>
        /// Reads <paramref name="count"/> bytes (at least <see cref="ProgressThreshold"/>, at most one
        /// array) into a new array with progress.
        /// </summary>
        internal static byte[] Read(Cmdlet cmdlet, MemoryMap map, long offset, long count)
        {
            // Refuse a read that would fail before allocating hundreds of megabytes for it.
            map.CheckAccess(offset, count, MemoryProtection.Read);
#if NET8_0_OR_GREATER
            // Every byte is overwritten by the copy: zeroing it first would be a wasted pass.
            byte[] bytes = GC.AllocateUninitializedArray<byte>(checked((int)count));
#else
            var bytes = new byte[count];
#endif
            Run(cmdlet, "Read-MemoryMap: map " + map.Id, count, (done, length) => map.Read(offset + done, bytes, (int)done, length));
            return bytes;
        }

        /// <summary>
        /// Copies between two maps (or within one) through the core, which takes the chunks in the order
        /// overlapping ranges need; at least <see cref="ProgressThreshold"/> bytes with progress between
        /// chunks, so Ctrl+C stops it there. The status names the bytes done, so a stopped copy says how
        /// far it got: the first bytes of the range, or its last when the chunks run backward.
        /// </summary>
        internal static void Copy(Cmdlet cmdlet, MemoryMap source, long offset, MemoryMap destination, long destinationOffset, long count)
        {
            if (count < ProgressThreshold)
            {
                source.CopyTo(offset, destination, destinationOffset, count);
                return;
            }

            bool backward = source.CopiesBackward(offset, destination, destinationOffset);
            var progress = new ProgressRecord(0x4D4D, "Copy-MemoryMap: map " + source.Id + " to map " + destination.Id, "Starting");
            source.CopyTo(offset, destination, destinationOffset, count, ChunkSize, done =>
            {
                progress.PercentComplete = (int)(done * 100 / count);
                progress.StatusDescription = string.Format(
                    CultureInfo.CurrentCulture,
                    backward ? "{0:N0} of {1:N0} MiB, the last bytes of the range first" : "{0:N0} of {1:N0} MiB",
                    done >> 20,
                    count >> 20);
                cmdlet.WriteProgress(progress);
            });
            progress.RecordType = ProgressRecordType.Completed;
            cmdlet.WriteProgress(progress);
        }

        /// <summary>Calls <paramref name="copy"/>(position, length) over [0, total).</summary>
        internal static void Run(Cmdlet cmdlet, string activity, long total, Action<long, int> copy)
        {
            if (total < ProgressThreshold)
            {
                copy(0, (int)total);
                return;
            }

            var progress = new ProgressRecord(0x4D4D, activity, "Starting");
            for (long done = 0; done < total;)
            {
                int length = (int)Math.Min(ChunkSize, total - done);
                copy(done, length);
                done += length;
                progress.PercentComplete = (int)(done * 100 / total);
                progress.StatusDescription = string.Format(CultureInfo.CurrentCulture, "{0:N0} of {1:N0} MiB", done >> 20, total >> 20);
                cmdlet.WriteProgress(progress);
            }

            progress.RecordType = ProgressRecordType.Completed;
            cmdlet.WriteProgress(progress);
        }
    }
}
