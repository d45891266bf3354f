using System;
using System.IO;

namespace Mman.Tests.Core
{
    /// <summary>
    /// A unique folder under the system's temp directory for one test class instance, deleted with
    /// everything in it when the test is done.
    /// </summary>
    internal sealed class TestFolder : IDisposable
    {
        internal TestFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mman-xunit-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        /// <summary>The folder's full path.</summary>
        internal string Path { get; }

        /// <summary>The full path of <paramref name="name"/> inside the folder.</summary>
        internal string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>Creates a file holding <paramref name="content"/> and returns its full path.</summary>
        internal string CreateFile(string name, byte[] content)
        {
            string path = File(name);
            System.IO.File.WriteAllBytes(path, content);
            return path;
        }

        /// <summary>Creates a file of <paramref name="length"/> bytes of <see cref="Pattern.At"/> and returns its full path.</summary>
        internal string CreatePatternFile(string name, long length) => CreateFile(name, Pattern.Bytes(0, checked((int)length)));

        /// <summary>Creates a sparse file of <paramref name="length"/> bytes (all zero) and returns its full path.</summary>
        internal string CreateSparseFile(string name, long length)
        {
            string path = File(name);
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                stream.SetLength(length);
            }

            return path;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A map a failed test left open may still hold a file on Windows; the temp folder is cleaned by the OS.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Reads a whole file while a map or stream of it is open for writing (File.ReadAllBytes asks FileShare.Read, which Windows refuses then).</summary>
    /// <summary>Background threads for the race tests.</summary>
    internal static class Workers
    {
        /// <summary>Starts <paramref name="count"/> background threads running body(0) … body(count - 1).</summary>
        internal static System.Threading.Thread[] Start(int count, Action<int> body)
        {
            var threads = new System.Threading.Thread[count];
            for (int i = 0; i < count; i++)
            {
                int index = i;
                threads[i] = new System.Threading.Thread(() => body(index)) { IsBackground = true };
                threads[i].Start();
            }

            return threads;
        }

        internal static void JoinAll(System.Threading.Thread[] threads)
        {
            foreach (System.Threading.Thread thread in threads)
            {
                thread.Join();
            }
        }
    }

    internal static class SharedFile
    {
        internal static byte[] ReadAllBytes(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[stream.Length];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0) break;
                read += n;
            }

            return bytes;
        }
    }

    /// <summary>
    /// A byte pattern whose value depends on the position modulo a prime, so a map shifted by any
    /// offset that is not a multiple of 251 shows different bytes.
    /// </summary>
    internal static class Pattern
    {
        internal static byte At(long position) => (byte)((position % 251) + 1);

        internal static byte[] Bytes(long start, int count)
        {
            var bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = At(start + i);
            }

            return bytes;
        }

        /// <summary>Bytes no test file holds by accident: 0xA5, 0x5A, 0xC3, ... repeated.</summary>
        internal static byte[] Marker(int count, byte seed = 0xA5)
        {
            var bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = (byte)(seed ^ (i * 0x3D));
            }

            return bytes;
        }
    }

    /// <summary>What the operating system says this process has mapped and open (Linux only: /proc/self).</summary>
    internal static class ProcessView
    {
        /// <summary>Whether /proc/self/maps lists a mapping of <paramref name="path"/>.</summary>
        internal static bool MapsFile(string path)
        {
            foreach (string line in System.IO.File.ReadAllLines("/proc/self/maps"))
            {
                if (line.EndsWith(" " + path, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether one of this process's file descriptors refers to <paramref name="path"/>.</summary>
        internal static bool HasOpen(string path)
        {
            foreach (string fd in Directory.GetFiles("/proc/self/fd"))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget == path)
                    {
                        return true;
                    }
                }
                catch (IOException)
                {
                    // The descriptor was closed while we looked.
                }
            }

            return false;
        }
    }
}
