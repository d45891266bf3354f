using System;
using System.Globalization;
using System.Text;

namespace Mman
{
    /// <summary>The systems whose shared-memory names follow different rules.</summary>
    internal enum NamePlatform
    {
        Linux,
        MacOS,
        Windows,
    }

    /// <summary>
    /// Checks a shared-memory name against the rules of one system and turns it into the name that
    /// system's call takes. Pure, so the rules of every system are tested on any of them.
    /// </summary>
    internal static class NamedMapName
    {
        /// <summary>Linux: the name is a file in /dev/shm, so at most NAME_MAX (255) bytes.</summary>
        internal const int LinuxMaxBytes = 255;

        /// <summary>macOS: PSHMNAMLEN is 31 bytes including the leading '/' Mman adds.</summary>
        internal const int MacOSMaxBytes = 30;

        /// <summary>Windows: CreateFileMapping takes at most MAX_PATH (260) characters, prefix included.</summary>
        internal const int WindowsMaxChars = 260;

        private const string LocalPrefix = "Local\\";
        private const string GlobalPrefix = "Global\\";

        /// <summary>
        /// The name as the system call wants it ("/name" on POSIX, "Local\name" or "Global\name" on
        /// Windows); throws <see cref="MemoryMapArgumentException"/> (NameInvalid) saying what to change.
        /// </summary>
        internal static string ToObjectName(string name, NamePlatform platform)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw Invalid(name, "a name must not be empty");
            }

            string bare = name;
            if (platform == NamePlatform.Windows)
            {
                if (name.StartsWith(LocalPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    bare = name.Substring(LocalPrefix.Length);
                }
                else if (name.StartsWith(GlobalPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    bare = name.Substring(GlobalPrefix.Length);
                }

                if (bare.Length == 0)
                {
                    throw Invalid(name, "the name after the prefix must not be empty");
                }
            }

            foreach (char c in bare)
            {
                if (char.IsControl(c))
                {
                    throw Invalid(name, "a name must not contain control characters (such as NUL or a line break)");
                }
            }

            if (bare.IndexOf('/') >= 0)
            {
                throw Invalid(name, platform == NamePlatform.Windows
                    ? "a name must not contain '/', so that the same name works on Linux and macOS"
                    : "a name must not contain '/'; leave out the leading '/' of POSIX names, Mman adds it");
            }

            if (bare.IndexOf('\\') >= 0)
            {
                throw Invalid(name, platform == NamePlatform.Windows
                    ? "the only prefixes a name may have are Local\\ (the default) and Global\\; Session\\ and other namespaces are reserved by Windows"
                    : "a name must not contain '\\'; Local\\ and Global\\ are Windows namespaces, and on this system every name is already visible to every session, so leave the prefix out");
            }

            if (bare == "." || bare == "..")
            {
                throw Invalid(name, "'.' and '..' name folders, not shared memory");
            }

            if (bare.StartsWith("sem.", StringComparison.Ordinal))
            {
                throw Invalid(name, "names that start with 'sem.' are where Linux keeps named semaphores; choose another name");
            }

            switch (platform)
            {
                case NamePlatform.Windows:
                    string full = bare.Length == name.Length ? LocalPrefix + name : name;
                    if (full.Length > WindowsMaxChars)
                    {
                        throw Invalid(name, string.Format(CultureInfo.InvariantCulture, "it is {0} characters with its prefix, and Windows allows at most {1}", full.Length, WindowsMaxChars));
                    }

                    return full;
                default:
                    int limit = platform == NamePlatform.MacOS ? MacOSMaxBytes : LinuxMaxBytes;
                    int bytes = Encoding.UTF8.GetByteCount(bare);
                    if (bytes > limit)
                    {
                        throw Invalid(name, string.Format(
                            CultureInfo.InvariantCulture,
                            "it is {0} bytes in UTF-8, and {1} allows at most {2}",
                            bytes, platform == NamePlatform.MacOS ? "macOS" : "Linux", limit));
                    }

                    return "/" + bare;
            }
        }

        private static MemoryMapArgumentException Invalid(string name, string why) =>
            new MemoryMapArgumentException(
                MemoryMapError.NameInvalid,
                "The shared-memory name '" + name + "' is not valid: " + why + ". Names of up to 30 letters, digits, '-', '_' and '.' work on every system.",
                "name");
    }
}
