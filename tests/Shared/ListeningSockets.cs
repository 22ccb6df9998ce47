using System.Globalization;
using System.Net;

namespace CryoMerge.Tests;

/// <summary>The addresses TCP sockets of this machine listen on, read from Linux's /proc/net/tcp and tcp6.</summary>
public static class ListeningSockets
{
    /// <summary>
    /// The listening sockets of one process (by the socket inodes among its open files): Orleans binds with
    /// SO_REUSEPORT, so another process may listen on the same loopback port.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> Of(int processId)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
        {
            try
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target?.StartsWith("socket:[", StringComparison.Ordinal) == true) inodes.Add(target[8..^1]);
            }
            catch (IOException) { }   // closed meanwhile
        }
        return All().Where(s => inodes.Contains(s.Inode)).Select(s => s.Endpoint).ToList();
    }

    private static IEnumerable<(IPEndPoint Endpoint, string Inode)> All()
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A") continue;   // 0A: LISTEN
                var local = fields[1].Split(':');
                yield return (new IPEndPoint(Parse(local[0]), int.Parse(local[1], NumberStyles.HexNumber)), fields[9]);
            }
        }
    }

    /// <summary>The kernel prints each 32-bit word of the address in host (little-endian) order.</summary>
    private static IPAddress Parse(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (int word = 0; word < bytes.Length / 4; word++)
            for (int b = 0; b < 4; b++)
                bytes[word * 4 + b] = byte.Parse(hex.AsSpan(word * 8 + (3 - b) * 2, 2), NumberStyles.HexNumber);
        return new IPAddress(bytes);
    }
}
