using System.Buffers.Binary;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;
using CsCheck;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>
/// Mutates real files (header bytes and words, truncation, trailing bytes; STAR text edits) 10,000 times per
/// format and requires that reading either succeeds or fails with our own one-line error: no other exception,
/// no hang, no unbounded allocation.
/// </summary>
public sealed class FormatFuzzTests
{
    private abstract record Mutation;
    private sealed record SetByte(int Offset, byte Value) : Mutation;
    private sealed record SetWord(int Offset, int Value) : Mutation;
    private sealed record Truncate(double Fraction) : Mutation;
    private sealed record Append(int Count) : Mutation;

    private static readonly Gen<Mutation> MrcMutation = Gen.OneOf<Mutation>(
        Gen.Select(Gen.Int[0, 1023], Gen.Byte, (o, b) => (Mutation)new SetByte(o, b)),
        Gen.Select(Gen.Int[0, 55], Gen.OneOf(0, -1, 1, 2, 3, 4, 12, 101, 1 << 20, 1 << 30, int.MaxValue, int.MinValue,
        100000), (w, v) => (Mutation)new SetWord(w * 4, v)),
        Gen.Select(Gen.Int[0, 55], Gen.Int, (w, v) => (Mutation)new SetWord(w * 4, v)),
        Gen.Double[0, 1].Select(f => (Mutation)new Truncate(f)),
        Gen.Int[1, 5000].Select(n => (Mutation)new Append(n)));

    [Fact]
    public void MutatedRealMrcFilesGiveOnlyOurErrors()
    {
        Requires.SharedData();
        string[] sources = ["mrcfile/EMD-3197.map", "mrcfile/EMD-3001.map", "daq/2566_3J6B_9.mrc",
            "cryodrgn/relion31.mrcs"];
        var originals = sources.Select(f => File.ReadAllBytes(TestFiles.RealFile(f))).ToArray();
        using var dir = new TempDir();
        int opened = 0, refused = 0;
        Gen.Select(Gen.Int[0, sources.Length - 1], MrcMutation.Array[1, 4]).Sample((file, mutations) =>
        {
            var bytes = Apply(originals[file], mutations);
            string path = dir.File(Guid.NewGuid().ToString("N") + (file == 3 ? ".mrcs" : ".mrc"));
            File.WriteAllBytes(path, bytes);
            try
            {
                using var mrc = MrcFile.Open(path, file % 2 == 0 ? MrcReadOptions.Strict : MrcReadOptions.Permissive);
                if (mrc.Shape.Count <= 4_000_000) mrc.ReadAll(); else mrc.ReadSection(mrc.SectionCount - 1);
                Interlocked.Increment(ref opened);
            }
            catch (CryoMergeInputException e)
            {
                Assert.Equal(path, e.File);
                Assert.DoesNotContain('\n', e.Problem);
                Interlocked.Increment(ref refused);
            }
            finally
            {
                File.Delete(path);
            }
        }, iter: 10_000, seed: "0N0XIzNsQ0O2", threads: 2);
        // Both outcomes must occur, or the mutations are not exercising the reader.
        Assert.True(opened > 500 && refused > 500, $"opened {opened}, refused {refused}");
    }

    private static byte[] Apply(byte[] original, Mutation[] mutations)
    {
        var bytes = (byte[])original.Clone();
        foreach (var m in mutations)
        {
            switch (m)
            {
                case SetByte(int o, byte v) when o < bytes.Length: bytes[o] = v; break;
                case SetWord(int o,
                    int v) when o + 4
                    <= bytes.Length: BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(o), v); break;
                case Truncate(double f): bytes = bytes[..(int)(bytes.Length * f)]; break;
                case Append(int n): bytes = [.. bytes, .. new byte[n]]; break;
            }
        }
        return bytes;
    }

    private static readonly string[] StarTokens =
        ["loop_", "data_", "data_x", "_rlnX", "_rlnImageName #3", "'", "\"", "#", "# version 30001", "\n", "\r\n", " ",
        "\t", "1.5", "'a b'", ";", "\0", "\u00e9", "\n\n"];

    [Fact]
    public void MutatedRealStarFilesGiveOnlyOurErrors()
    {
        Requires.SharedData();
        string[] sources = ["cryodrgn/relion31.star", "aspire/sample_particles_relion31.star",
            "starfile/postprocess.star", "isecc/test.star", "cryodrgn/empiar_10076_7.star",
            "starfile/rln3.1_data_style.star"];
        var originals = sources.Select(f => File.ReadAllText(TestFiles.RealFile(f))).ToArray();
        var edit = Gen.Select(Gen.Int[0, 2], Gen.Double[0, 1], Gen.Int[0, 40], Gen.OneOf(StarTokens), (k, w, l,
            t) => (Kind: k, Where: w, Length: l, Token: t));
        int parsed = 0, refused = 0;
        Gen.Select(Gen.Int[0, sources.Length - 1], edit.Array[1, 5]).Sample((file, edits) =>
        {
            var text = originals[file];
            foreach (var (kind, where, length, token) in edits)
            {
                int at = (int)(where * text.Length);
                int len = Math.Min(length, text.Length - at);
                text = kind switch
                {
                    0 => text.Remove(at, len),
                    1 => text.Insert(at, token),
                    _ => text.Remove(at, len).Insert(at, token),
                };
            }
            try
            {
                var star = StarFile.Parse(text, "fuzz.star");
                // Whatever we accept we must write and read back identically.
                string written = star.ToText();
                Assert.Equal(written, StarFile.Parse(written, "again.star").ToText());
                Interlocked.Increment(ref parsed);
            }
            catch (CryoMergeInputException e)
            {
                Assert.Equal("fuzz.star", e.File);
                Assert.True(e.Problem.StartsWith("line ") || e.Problem.StartsWith("no data_")
                    || e.Problem.StartsWith("file is empty") || e.Problem.StartsWith("binary"), e.Problem);
                Assert.DoesNotContain('\n', e.Problem);
                Interlocked.Increment(ref refused);
            }
        }, iter: 10_000, seed: "0N0XIzNsQ0O2", threads: 2);
        Assert.True(parsed > 500 && refused > 500, $"parsed {parsed}, refused {refused}");
    }
}
