using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace Mman.Commands
{
    /// <summary>
    /// Resolves -Path / -LiteralPath to the files a cmdlet works on, many at a time, the way
    /// Get-ChildItem and Get-FileHash do: wildcards expand through the provider, a directory stands
    /// for the files in it (and in its subdirectories with <c>recurse</c>), and each path that names
    /// nothing usable is one non-terminating error, so the other paths still run.
    /// </summary>
    internal static class ProviderFiles
    {
        /// <summary>
        /// The file system paths of the files <paramref name="path"/> names, in the provider's order;
        /// writes an ErrorRecord through <paramref name="cmdlet"/> and yields nothing for a path that
        /// names no file, is not on the FileSystem provider, or cannot be parsed.
        /// </summary>
        internal static IEnumerable<string> Resolve(PSCmdlet cmdlet, string path, bool literal, bool recurse)
        {
            Collection<string> resolved = ResolveProviderPaths(cmdlet, path, literal);
            if (resolved == null)
            {
                yield break;
            }

            foreach (string item in resolved)
            {
                if (!Directory.Exists(item))
                {
                    // A missing literal file is left to opening it, which tells "not there" from
                    // "permission denied".
                    yield return item;
                    continue;
                }

                foreach (string file in FilesIn(cmdlet, item, recurse))
                {
                    yield return file;
                }
            }
        }

        /// <summary>
        /// Resolves a path to exactly one file system file, or writes an error and returns null: a
        /// wildcard that matches several files is PathAmbiguous and a directory is PathIsDirectory,
        /// since a map is of one file.
        /// </summary>
        internal static string ResolveOne(PSCmdlet cmdlet, string path, bool literal)
        {
            Collection<string> resolved = ResolveProviderPaths(cmdlet, path, literal);
            if (resolved == null)
            {
                return null;
            }

            if (resolved.Count > 1)
            {
                string some = string.Join(", ", resolved.Take(3)) + (resolved.Count > 3 ? ", ..." : string.Empty);
                cmdlet.WriteError(MemoryMapErrorRecord.Create(
                    MemoryMapError.PathAmbiguous,
                    "'" + path + "' matches " + resolved.Count + " files (" + some + "); a map needs exactly one. Use a more specific path, or -LiteralPath if the name contains wildcard characters.",
                    path));
                return null;
            }

            if (Directory.Exists(resolved[0]))
            {
                cmdlet.WriteError(MemoryMapErrorRecord.Create(
                    MemoryMapError.PathIsDirectory,
                    "'" + resolved[0] + "' is a directory; only a file can be mapped.", resolved[0]));
                return null;
            }

            // Whether the file is missing or out of reach is left to opening it: File.Exists cannot
            // tell "not there" from "permission denied".
            return resolved[0];
        }

        /// <summary>
        /// Resolves a path through the provider, not in .NET, so that PowerShell drives, relative
        /// paths and wildcards mean what they mean everywhere else in PowerShell. A path without
        /// wildcards names one file, even one PowerShell cannot see (in a folder the user may not
        /// list): opening it then tells "missing" from "permission denied".
        /// </summary>
        private static Collection<string> ResolveProviderPaths(PSCmdlet cmdlet, string path, bool literal)
        {
            ProviderInfo provider;
            Collection<string> resolved;
            try
            {
                if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
                {
                    resolved = new Collection<string> { cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _) };
                }
                else
                {
                    resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                    if (resolved.Count == 0)
                    {
                        cmdlet.WriteError(MemoryMapErrorRecord.Create(MemoryMapError.FileNotFound, "No file matches '" + path + "'.", path));
                        return null;
                    }
                }
            }
            catch (ItemNotFoundException e)
            {
                cmdlet.WriteError(MemoryMapErrorRecord.Create(MemoryMapError.FileNotFound, "Cannot find the file '" + path + "' because it does not exist.", path, e));
                return null;
            }
            catch (Exception e) when (e is ProviderNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is PSArgumentException || e is NotSupportedException)
            {
                cmdlet.WriteError(MemoryMapErrorRecord.Create(MemoryMapError.PathNotValid, "'" + path + "' is not a valid path: " + e.Message, path, e));
                return null;
            }

            if (provider.Name != "FileSystem")
            {
                cmdlet.WriteError(MemoryMapErrorRecord.Create(
                    MemoryMapError.PathNotFileSystem,
                    "'" + path + "' is on the " + provider.Name + " provider; only files on the FileSystem provider can be mapped.",
                    path));
                return null;
            }

            return resolved;
        }

        /// <summary>
        /// The regular files of a directory, sorted by name, then (with <paramref name="recurse"/>)
        /// those of each subdirectory in turn. Symbolic links to directories are not followed, so a
        /// link cycle cannot loop; a directory that cannot be listed is an error, and the walk goes on.
        /// </summary>
        private static IEnumerable<string> FilesIn(PSCmdlet cmdlet, string directory, bool recurse)
        {
            var pending = new Stack<string>();
            pending.Push(directory);
            while (pending.Count > 0)
            {
                string current = pending.Pop();
                string[] files;
                string[] subdirectories;
                try
                {
                    files = Directory.GetFiles(current);
                    subdirectories = recurse ? Directory.GetDirectories(current) : new string[0];
                }
                catch (Exception e) when (e is UnauthorizedAccessException || e is IOException)
                {
                    MemoryMapError error = e is UnauthorizedAccessException ? MemoryMapError.FileAccessDenied : MemoryMapError.FileOpenFailed;
                    cmdlet.WriteError(MemoryMapErrorRecord.Create(error, "Cannot list the directory '" + current + "': " + e.Message, current, e));
                    continue;
                }

                Array.Sort(files, StringComparer.Ordinal);
                foreach (string file in files)
                {
                    yield return file;
                }

                Array.Sort(subdirectories, StringComparer.Ordinal);
                for (int i = subdirectories.Length - 1; i >= 0; i--)
                {
                    if ((File.GetAttributes(subdirectories[i]) & FileAttributes.ReparsePoint) == 0)
                    {
                        pending.Push(subdirectories[i]);
                    }
                }
            }
        }
    }
}
