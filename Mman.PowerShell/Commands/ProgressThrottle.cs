using System.Diagnostics;

namespace Mman.Commands
{
    /// <summary>Says when progress is worth showing again: at most about five times a second.</summary>
    internal sealed class ProgressThrottle
    {
        private const long IntervalMilliseconds = 200;
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        // Not at once: an operation shorter than an interval shows no progress at all.
        private long _last;

        /// <summary>Whether progress has been shown at all.</summary>
        internal bool Shown { get; private set; }

        /// <summary>True, once an interval has passed since the last true.</summary>
        internal bool Due()
        {
            long now = _clock.ElapsedMilliseconds;
            if (now - _last < IntervalMilliseconds)
            {
                return false;
            }

            _last = now;
            Shown = true;
            return true;
        }
    }
}
