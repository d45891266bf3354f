using System;
using System.Globalization;
using System.Text;

namespace Mman
{
    /// <summary>
    /// One named shared-memory object that exists on the system, as <see cref="MemoryMap.GetAvailableNamed"/>
    /// lists it: a file of /dev/shm on Linux, a section of the session's named objects on Windows.
    /// </summary>
    public sealed class NamedMemoryInfo
    {
        internal NamedMemoryInfo(string name, long? size, string owner, string mode, DateTime? lastWriteTime)
        {
            Name = name;
            Size = size;
            Owner = owner;
            Mode = mode;
            LastWriteTime = lastWriteTime;
        }

        /// <summary>The name as New-MemoryMap -Name takes it: "name" on Linux, "Local\name" on Windows.</summary>
        public string Name { get; }

        /// <summary>The object's size in bytes, or null where this user may not query it (Windows).</summary>
        public long? Size { get; }

        /// <summary>The owning user's name (its number on Linux when it has no name), or null where unknown.</summary>
        public string Owner { get; }

        /// <summary>The permissions as ls -l shows them, such as "-rw-------"; null on Windows, whose objects have ACLs instead.</summary>
        public string Mode { get; }

        /// <summary>When the object's contents or size last changed (local time), or null where the system keeps no time (Windows).</summary>
        public DateTime? LastWriteTime { get; }

        /// <summary>A one-line description, such as "shm1: 4096 bytes, owner alice, -rw-------, 2026-12-01 02:00:00".</summary>
        public override string ToString()
        {
            var text = new StringBuilder(Name).Append(": ");
            text.Append(Size.HasValue ? Size.Value.ToString(CultureInfo.InvariantCulture) + " bytes" : "size unknown");
            if (Owner != null)
            {
                text.Append(", owner ").Append(Owner);
            }

            if (Mode != null)
            {
                text.Append(", ").Append(Mode);
            }

            if (LastWriteTime.HasValue)
            {
                text.Append(", ").Append(LastWriteTime.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        /// <summary>
        /// The ten characters ls -l shows for a POSIX st_mode: the type ('-' regular file, 'd', 'l', 'p',
        /// 's', 'c', 'b') and rwx for user, group and others, with s/S and t/T for set-id and sticky bits.
        /// Pure, so it is tested on any system.
        /// </summary>
        internal static string FormatMode(int mode)
        {
            var text = new char[10];
            text[0] = (mode & Interop.Libc.S_IFMT) switch
            {
                Interop.Libc.S_IFDIR => 'd',
                Interop.Libc.S_IFLNK => 'l',
                Interop.Libc.S_IFIFO => 'p',
                Interop.Libc.S_IFSOCK => 's',
                Interop.Libc.S_IFCHR => 'c',
                Interop.Libc.S_IFBLK => 'b',
                _ => '-',
            };
            int[] special = { Interop.Libc.S_ISUID, Interop.Libc.S_ISGID, Interop.Libc.S_ISVTX };
            for (int who = 0; who < 3; who++)
            {
                int bits = (mode >> (6 - (3 * who))) & 7;
                text[1 + (3 * who)] = (bits & 4) != 0 ? 'r' : '-';
                text[2 + (3 * who)] = (bits & 2) != 0 ? 'w' : '-';
                bool execute = (bits & 1) != 0;
                char set = who == 2 ? 't' : 's';
                text[3 + (3 * who)] = (mode & special[who]) != 0 ? (execute ? set : char.ToUpperInvariant(set)) : (execute ? 'x' : '-');
            }

            return new string(text);
        }
    }
}
