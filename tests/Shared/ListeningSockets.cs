using System.Globalization;
using System.Net;

namespace CryoMerge.Tests;

/// <summary>The addresses TCP sockets of this machine listen on, read from Linux's /proc/net/tcp and tcp6.</summary>
public static class ListeningSockets
{
    /// <summary>Every address something listens on at <paramref name="port"/> (0.0.0.0 or :: for "every address").</summary>
    public static IReadOnlyList<IPAddress> On(int port)
    {
        var found = new List<IPAddress>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != "0A") continue;   // 0A: LISTEN
                var local = fields[1].Split(':');
                if (int.Parse(local[1], NumberStyles.HexNumber) != port) continue;
                found.Add(Parse(local[0]));
            }
        }
        return found;
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
