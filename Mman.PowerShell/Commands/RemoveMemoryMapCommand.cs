using System;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Removes the name of a named shared-memory object, so no process can open it any more. Maps
    /// already open keep working; the memory is freed when the last one closes.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "MemoryMap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveMemoryMapCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The names of the shared-memory objects to remove; names piped in, or a named map piped in, give theirs.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SharedMemoryNameCompleter))]
        public string[] Name { get; set; }

        #endregion

        #region Overrides

        /// <summary>Removes each name.</summary>
        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                try
                {
                    // Checked before ShouldProcess, so that -WhatIf reports a name that is not valid or
                    // names nothing as the real run does.
                    if (!MemoryMap.NamedExists(name))
                    {
                        WriteError(NotFound(name));
                        continue;
                    }

                    if (!ShouldProcess("shared memory '" + name + "'", "Remove the name"))
                    {
                        continue;
                    }

                    if (!MemoryMap.RemoveNamed(name))
                    {
                        // Removed by someone else since the check.
                        WriteError(NotFound(name));
                    }
                    else if (!MemoryMap.CanRemoveNames)
                    {
                        WriteVerbose("On Windows a shared-memory name cannot be removed while it is in use: '" + name + "' goes when its last map, in any process, closes.");
                    }
                }
                catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
                {
                    WriteError(MemoryMapErrorRecord.From(e, name));
                }
            }
        }

        #endregion

        private static ErrorRecord NotFound(string name) => MemoryMapErrorRecord.Create(
            MemoryMapError.NamedMapNotFound,
            "No shared memory named '" + name + "' exists, so there is nothing to remove." + (MemoryMap.CanRemoveNames ? string.Empty : " (On Windows the name goes by itself when its last map closes: remove it before closing the last map, or use -ErrorAction Ignore.)"),
            name);
    }
}
