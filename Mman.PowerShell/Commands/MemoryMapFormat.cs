using System.Globalization;

namespace Mman.Commands
{
    /// <summary>
    /// The text of the Source column of Mman.Format.ps1xml's tables, in one place for every view.
    /// </summary>
    public static class MemoryMapFormat
    {
        /// <summary>
        /// What a map is of, in at most <paramref name="width"/> characters: its path (with " @ FileOffset"
        /// when that is not 0) or name; for a view, the path or name and " (view of N @ offset)". A table cuts the end of a
        /// column that is too long, and the end of a path is what tells files apart (the file name), so a
        /// long path loses its beginning instead: ".../dir/data.bin" (three dots, not the ellipsis
        /// character, which Windows PowerShell 5.1 consoles of some code pages cannot show).
        /// </summary>
        /// <param name="map">The map; null gives an empty string.</param>
        /// <param name="width">The column's width; 0 or less leaves the text whole.</param>
        public static string Source(MemoryMap map, int width)
        {
            if (map == null)
            {
                return string.Empty;
            }

            string where = map.Path ?? map.Name ?? string.Empty;
            string suffix;
            if (map.Parent != null)
            {
                // A view's place in its file follows from its parent's row; its place in the parent is what tells it apart.
                suffix = string.Format(CultureInfo.InvariantCulture, " (view of {0} @ {1})", map.Parent.Id, map.ParentOffset);
            }
            else if (map.Path != null && map.FileOffset != 0)
            {
                suffix = " @ " + map.FileOffset.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                suffix = string.Empty;
            }

            return Shorten(where, suffix, width);
        }

        /// <summary>
        /// What a residency report is of, in at most <paramref name="width"/> characters: the file's path,
        /// or "map N" and the map's Source; a long path loses its beginning, as in <see cref="Source"/>.
        /// </summary>
        /// <param name="residency">The report; null gives an empty string.</param>
        /// <param name="width">The column's width; 0 or less leaves the text whole.</param>
        public static string ResidencySource(MemoryResidency residency, int width)
        {
            if (residency == null)
            {
                return string.Empty;
            }

            if (residency.Map == null)
            {
                return Shorten(residency.Path ?? string.Empty, string.Empty, width);
            }

            string map = "map " + residency.Map.Id.ToString(CultureInfo.InvariantCulture);
            string source = Source(residency.Map, width <= 0 ? 0 : System.Math.Max(1, width - map.Length - 1));
            string text = source.Length == 0 ? map : map + " " + source;
            if (width > 0 && text.Length > width)
            {
                // A view's suffix leaves no room for its path: the map and where it is in its parent
                // say more than three dots would, and the parent's row has the path. Long ids (a
                // session that has made thousands of maps) take the shorter forms.
                text = map;
                MemoryMap parent = residency.Map.Parent;
                if (parent != null)
                {
                    foreach (string form in new[] { "{0} (view of {1} @ {2})", "{0} (of {1} @ {2})", "{0} (view of {1})" })
                    {
                        string candidate = string.Format(CultureInfo.InvariantCulture, form, map, parent.Id, residency.Map.ParentOffset);
                        if (candidate.Length <= width)
                        {
                            text = candidate;
                            break;
                        }
                    }
                }
            }

            return text;
        }

        /// <summary>The path or name and its suffix, the path shortened from its start to fit the width.</summary>
        private static string Shorten(string where, string suffix, int width)
        {
            string text = (where + suffix).TrimStart();
            if (width <= 0 || text.Length <= width)
            {
                return text;
            }

            // Keep at least the dots and one character of the path or name, even when the suffix then
            // overflows: a view's suffix of up to 22 characters (" (view of 999 @ 65536)") still fits a
            // 26-character column whole.
            const int MinimumRoom = 4;
            int room = width - suffix.Length;
            if (room < MinimumRoom)
            {
                room = MinimumRoom;
            }

            if (where.Length > room)
            {
                where = "..." + where.Substring(where.Length - (room - 3));
            }

            return (where + suffix).TrimStart();
        }
    }
}
