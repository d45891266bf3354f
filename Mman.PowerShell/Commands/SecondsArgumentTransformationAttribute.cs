using System;
using System.Globalization;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Lets a TimeSpan parameter take a number of seconds (5, 0.25), as Wait-Job -Timeout and
    /// Start-Sleep do, or a TimeSpan ([TimeSpan]'00:01:00', New-TimeSpan). Without it PowerShell would
    /// read a number as ticks: -Timeout 5 would be half a microsecond.
    /// </summary>
    public sealed class SecondsArgumentTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>Converts a number (or a string that is one) to that many seconds; leaves anything else to PowerShell.</summary>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case TimeSpan span:
                    return span;
                case int _:
                case long _:
                case short _:
                case byte _:
                case uint _:
                case double _:
                case float _:
                case decimal _:
                    return Seconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds):
                    return Seconds(seconds);
                default:
                    return inputData;
            }
        }

        private static TimeSpan Seconds(double seconds)
        {
            if (double.IsNaN(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
            {
                throw new ArgumentTransformationMetadataException(
                    "The timeout must be a number of seconds from 0 to " + TimeSpan.MaxValue.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + ", or a TimeSpan; got " + seconds.ToString(CultureInfo.InvariantCulture) + ".");
            }

            return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }
    }
}
