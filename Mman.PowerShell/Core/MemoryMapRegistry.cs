using System;
using System.Collections.Generic;
using System.Threading;

namespace Mman
{
    /// <summary>
    /// The open maps of this process, for Get-MemoryMap. Held weakly: a map nobody references any more
    /// is still released by its finalizer instead of being kept alive by this list.
    /// </summary>
    internal static class MemoryMapRegistry
    {
        private static readonly object s_lock = new object();
        private static readonly Dictionary<int, WeakReference> s_maps = new Dictionary<int, WeakReference>();
        private static int s_lastId;

        internal static int NextId() => Interlocked.Increment(ref s_lastId);

        internal static void Add(MemoryMap map)
        {
            lock (s_lock)
            {
                s_maps[map.Id] = new WeakReference(map);
            }
        }

        internal static void Remove(int id)
        {
            lock (s_lock)
            {
                s_maps.Remove(id);
            }
        }

        /// <summary>The open maps, ordered by Id. Entries whose map was collected are dropped.</summary>
        internal static List<MemoryMap> Snapshot()
        {
            var live = new List<MemoryMap>();
            var dead = new List<int>();
            lock (s_lock)
            {
                foreach (KeyValuePair<int, WeakReference> entry in s_maps)
                {
                    if (entry.Value.Target is MemoryMap map && map.IsValid)
                    {
                        live.Add(map);
                    }
                    else
                    {
                        dead.Add(entry.Key);
                    }
                }

                foreach (int id in dead)
                {
                    s_maps.Remove(id);
                }
            }

            live.Sort((a, b) => a.Id.CompareTo(b.Id));
            return live;
        }

        /// <summary>The open map with this Id, or null.</summary>
        internal static MemoryMap Find(int id)
        {
            lock (s_lock)
            {
                return s_maps.TryGetValue(id, out WeakReference reference) && reference.Target is MemoryMap map && map.IsValid
                    ? map
                    : null;
            }
        }
    }
}
