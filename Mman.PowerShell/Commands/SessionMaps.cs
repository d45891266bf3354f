using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Management.Automation.Runspaces;

namespace Mman.Commands
{
    /// <summary>
    /// Remembers which runspace opened each map, so that ending the runspace or removing the module
    /// closes the maps that session opened instead of leaving them to the finalizer. Held weakly:
    /// a map nobody references is still collected.
    /// </summary>
    public static class SessionMaps
    {
        private static readonly object s_lock = new object();
        private static readonly Dictionary<Guid, List<WeakReference>> s_byRunspace = new Dictionary<Guid, List<WeakReference>>();

        /// <summary>Records that the current runspace opened <paramref name="map"/>.</summary>
        internal static void Track(MemoryMap map)
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace == null)
            {
                return;
            }

            lock (s_lock)
            {
                if (!s_byRunspace.TryGetValue(runspace.InstanceId, out List<WeakReference> maps))
                {
                    maps = new List<WeakReference>();
                    s_byRunspace.Add(runspace.InstanceId, maps);
                    runspace.StateChanged += OnRunspaceStateChanged;
                }

                maps.RemoveAll(reference => !(reference.Target is MemoryMap open) || !open.IsValid);
                maps.Add(new WeakReference(map));
            }
        }

        /// <summary>
        /// Closes the maps the current runspace opened. Called by the module's OnRemove handler
        /// (Mman.psm1); not meant for scripts.
        /// </summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static void CloseMapsOfCurrentRunspace()
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace != null)
            {
                CloseMaps(runspace.InstanceId);
            }
        }

        private static void OnRunspaceStateChanged(object sender, RunspaceStateEventArgs e)
        {
            RunspaceState state = e.RunspaceStateInfo.State;
            if ((state == RunspaceState.Closed || state == RunspaceState.Broken) && sender is Runspace runspace)
            {
                runspace.StateChanged -= OnRunspaceStateChanged;
                CloseMaps(runspace.InstanceId);
            }
        }

        private static void CloseMaps(Guid runspaceId)
        {
            List<WeakReference> maps;
            lock (s_lock)
            {
                if (!s_byRunspace.TryGetValue(runspaceId, out maps))
                {
                    return;
                }

                s_byRunspace.Remove(runspaceId);
            }

            foreach (WeakReference reference in maps)
            {
                (reference.Target as MemoryMap)?.Dispose();
            }
        }
    }
}
