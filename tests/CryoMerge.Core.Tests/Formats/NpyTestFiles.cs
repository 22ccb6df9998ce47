using System.Text;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>
/// .npy files built byte by byte from a header text and raw rows, so that the reader is tested on bytes it did not
/// write; and a way to run NumPy itself on our files (Debian's python3-numpy, a dependency of python3-mrcfile).
/// </summary>
internal static class NpyTestFiles
{
    /// <summary>Magic, version, header length (2 bytes for 1.0, 4 for 2.0 and 3.0), the dict padded to 64 bytes, the
    /// rows.</summary>
    public static byte[] File(string dict, byte[] rows, int major = 1)
    {
        var body = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict);
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + body.Length + 1 + 63) / 64 * 64;
        int length = total - prefix;
        var bytes = new List<byte>();
        bytes.AddRange(NpyHeader.Magic.ToArray());
        bytes.Add((byte)major);
        bytes.Add(0);
        bytes.Add((byte)length);
        bytes.Add((byte)(length >> 8));
        if (major > 1) { bytes.Add((byte)(length >> 16)); bytes.Add((byte)(length >> 24)); }
        bytes.AddRange(body);
        while (bytes.Count < total - 1) bytes.Add((byte)' ');
        bytes.Add((byte)'\n');
        bytes.AddRange(rows);
        return bytes.ToArray();
    }

    public static NpyArray Read(byte[] file, string name = "test.cs") => NpyArray.Read(new MemoryStream(file), name);

    /// <summary>Runs a Python script with numpy imported as np; returns its standard output.</summary>
    public static string Python(string script, params string[] args)
    {
        var run = Tool.Run(Requires.DebianPython, ["-c", "import numpy as np, sys\n" + script, .. args]);
        Assert.True(run.ExitCode == 0, $"python failed:\n{run.Stderr}");
        return run.Stdout;
    }
}
