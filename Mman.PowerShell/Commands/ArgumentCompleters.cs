using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Mman.Commands
{
    /// <summary>
    /// Completes -Id with the Ids of this process's open maps, each with its description as the tooltip.
    /// </summary>
    public sealed class MapIdCompleter : IArgumentCompleter
    {
        /// <summary>The Ids that start with the digits typed so far, in order.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = SharedMemoryNames.Unquote(wordToComplete);
            foreach (MemoryMap map in MemoryMapRegistry.Snapshot())
            {
                string id = map.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (id.StartsWith(typed, StringComparison.Ordinal))
                {
                    yield return new CompletionResult(id, id, CompletionResultType.ParameterValue, map.ToString());
                }
            }
        }
    }

    /// <summary>
    /// Completes -Name with the names of named shared memory: those this process has open, and those the
    /// system lists (<see cref="MemoryMap.GetAvailableNamed"/>) where it can list them. The tooltip
    /// describes the object and the maps this process has of it.
    /// </summary>
    public sealed class SharedMemoryNameCompleter : IArgumentCompleter
    {
        /// <summary>The names that match the word typed so far followed by '*', sorted.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = SharedMemoryNames.Unquote(wordToComplete);
            WildcardPattern pattern = SharedMemoryNames.Pattern(typed + "*");
            var tooltips = new SortedDictionary<string, string>(SharedMemoryNames.Comparer);
            if (MemoryMap.CanListNames)
            {
                try
                {
                    foreach (NamedMemoryInfo info in MemoryMap.GetAvailableNamed())
                    {
                        tooltips[info.Name] = info.ToString();
                    }
                }
                catch (Exception e) when (MemoryMapErrorRecord.IsReportable(e))
                {
                    // Completion offers what it can; the listing's error is Get-MemoryMap -ListAvailable's to report.
                }
            }

            foreach (MemoryMap map in MemoryMapRegistry.Snapshot())
            {
                if (map.Name == null)
                {
                    continue;
                }

                string name = SharedMemoryNames.AsListed(map.Name);
                tooltips[name] = tooltips.TryGetValue(name, out string known)
                    ? known + "; open as map " + map.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : map.ToString();
            }

            foreach (KeyValuePair<string, string> entry in tooltips)
            {
                if (SharedMemoryNames.IsMatch(pattern, typed, entry.Key))
                {
                    yield return new CompletionResult(SharedMemoryNames.Quote(entry.Key), entry.Key, CompletionResultType.ParameterValue, entry.Value);
                }
            }
        }
    }

    /// <summary>
    /// The system's rules for matching shared-memory names, shared by Get-MemoryMap -ListAvailable and the
    /// completer: case-sensitive on Linux and macOS, case-insensitive on Windows (as the object manager
    /// compares them), where a name without a prefix means Local\.
    /// </summary>
    internal static class SharedMemoryNames
    {
        private const string LocalPrefix = "Local\\";
        private const string GlobalPrefix = "Global\\";

        private static bool IsWindows => NativeMapper.Current.NamePlatform == NamePlatform.Windows;

        /// <summary>How names compare on this system.</summary>
        internal static StringComparer Comparer => IsWindows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        /// <summary>A wildcard pattern with this system's case rule.</summary>
        internal static WildcardPattern Pattern(string pattern) =>
            new WildcardPattern(pattern, IsWindows ? WildcardOptions.IgnoreCase : WildcardOptions.None);

        /// <summary>
        /// Whether <paramref name="listedName"/> matches; on Windows a pattern without a prefix is matched
        /// against the name after "Local\", as New-MemoryMap reads a name without one.
        /// </summary>
        internal static bool IsMatch(WildcardPattern pattern, string patternText, string listedName)
        {
            if (IsWindows && !HasPrefix(patternText) && listedName.StartsWith(LocalPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return pattern.IsMatch(listedName.Substring(LocalPrefix.Length));
            }

            return pattern.IsMatch(listedName);
        }

        /// <summary>A map's name as the system listing shows it: with "Local\" on Windows when it has no prefix.</summary>
        internal static string AsListed(string name) => IsWindows && !HasPrefix(name) ? LocalPrefix + name : name;

        /// <summary>The word typed so far without its opening quote (and closing one, if typed).</summary>
        internal static string Unquote(string word)
        {
            if (string.IsNullOrEmpty(word))
            {
                return string.Empty;
            }

            char quote = word[0];
            if (quote != '\'' && quote != '"')
            {
                return word;
            }

            string inner = word.Substring(1);
            return inner.Length > 0 && inner[inner.Length - 1] == quote ? inner.Substring(0, inner.Length - 1) : inner;
        }

        /// <summary>The name as PowerShell must be given it: in single quotes when it has characters the parser reads.</summary>
        internal static string Quote(string name)
        {
            foreach (char c in name)
            {
                if (char.IsWhiteSpace(c) || "'\"`$;,(){}[]@&#|<>*?".IndexOf(c) >= 0)
                {
                    return "'" + CodeGeneration.EscapeSingleQuotedStringContent(name) + "'";
                }
            }

            return name.StartsWith("-", StringComparison.Ordinal) ? "'" + name + "'" : name;
        }

        private static bool HasPrefix(string name) =>
            name.StartsWith(LocalPrefix, StringComparison.OrdinalIgnoreCase) || name.StartsWith(GlobalPrefix, StringComparison.OrdinalIgnoreCase);
    }
}
