using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// Ways to damage a real MRC or STAR file, as CsCheck generators: truncation, byte flips, absurd header words,
/// NaN and infinite cells and data, non-integer ids, unbalanced quotes, duplicated or missing columns, huge lines,
/// names that climb out of folders. Each mutation is a small record so that a failing case prints readably.
/// </summary>
internal static class InputMutations
{
    public abstract record Mutation;
    public sealed record Truncate(double Fraction) : Mutation;
    public sealed record Append(int Count) : Mutation;
    public sealed record SetByte(double Where, byte Value, bool HeaderOnly) : Mutation;
    public sealed record SetWord(int Word, int Value) : Mutation;
    public sealed record SetFloat(int Word, float Value) : Mutation;
    public sealed record SetData(double Where, float Value, bool All) : Mutation;
    public sealed record SetCell(string Column, double Row, string Value) : Mutation;
    public sealed record SetNumber(double Which, string Value) : Mutation;
    public sealed record Insert(double Where, string Text) : Mutation;
    public sealed record DuplicateLabel(double Which) : Mutation;
    public sealed record DropLabel(double Which) : Mutation;
    public sealed record HugeLine(double Where, int Length, bool OneToken) : Mutation;
    public sealed record DuplicateLine(double Which) : Mutation;

    private static readonly int[] Words =
        [0, -1, 1, 2, 3, 4, 6, 12, 101, 1 << 20, 1 << 30, int.MaxValue, int.MinValue, 100000, 20140];

    private static readonly float[] Floats =
        [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1.2f, 0f, -0f, 1e38f, 1e-38f, -1e30f];

    private static readonly float[] NonFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    // Header words that hold floats: CELLA, CELLB, DMIN, DMAX, DMEAN, ORIGIN, RMS.
    private static readonly int[] FloatWords = [10, 11, 12, 13, 14, 15, 19, 20, 21, 49, 50, 51, 54];

    public static readonly Gen<Mutation> Mrc = Gen.Frequency<Mutation>(
        (2, Gen.Double[0, 1].Select(f => (Mutation)new Truncate(f))),
        (1, Gen.Int[1, 5000].Select(n => (Mutation)new Append(n))),
        (3, Gen.Select(Gen.Double[0, 1], Gen.Byte, Gen.Bool, (w, b, h) => (Mutation)new SetByte(w, b, h))),
        (3, Gen.Select(Gen.Int[0, 55], Gen.OneOf(Words), (w, v) => (Mutation)new SetWord(w, v))),
        (1, Gen.Select(Gen.Int[0, 55], Gen.Int, (w, v) => (Mutation)new SetWord(w, v))),
        (3, Gen.Select(Gen.OneOf(FloatWords), Gen.OneOf(Floats), (w, v) => (Mutation)new SetFloat(w, v))),
        (2, Gen.Select(Gen.Double[0, 1], Gen.OneOf(NonFinite), Gen.Int[0, 4],
            (w, v, all) => (Mutation)new SetData(w, v, all == 0))));

    private static readonly string[] Columns =
    [
        "rlnOpticsGroup", "rlnImageName", "rlnMicrographName", "rlnCoordinateX", "rlnCoordinateY", "rlnImagePixelSize",
        "rlnImageSize", "rlnDefocusU", "rlnVoltage", "rlnSphericalAberration", "rlnMagnification",
        "rlnDetectorPixelSize", "rlnOriginXAngst", "rlnMicrographPixelSize", "rlnOpticsGroupName", "rlnGroupName",
        "rlnRandomSubset",
    ];

    private static readonly string[] Values =
    [
        "nan", "-nan", "inf", "-inf", "1e999", "-1e999", "abc", "1.5", "-1", "0", "2147483648", "-2147483649", "1e-320",
        "\"\"", "''", "..", "../../../../etc/passwd", "/dev/zero", "/tmp", "000000@x.mrcs", "-1@x.mrcs", "abc@x.mrcs",
        "@",
        "999999@sample.mrcs", "1@../../../../../../../tmp/x.mrcs", "'a b'", "\"unterminated", "#", "1@/dev/null", "NaN",
        "Infinity",
    ];

    private static readonly string[] Texts =
        ["'", "\"", "#", "loop_\n", "data_\n", "data_optics\n", "_rlnImageName #9\n", ";", "\n\n", "\t", "\0", "\u00e9",
         "@"];

    public static readonly Gen<Mutation> Star = Gen.Frequency<Mutation>(
        (2, Gen.Double[0, 1].Select(f => (Mutation)new Truncate(f))),
        (2, Gen.Select(Gen.Double[0, 1], Gen.Byte, (w, b) => (Mutation)new SetByte(w, b, false))),
        (4, Gen.Select(Gen.OneOf(Columns), Gen.Double[0, 1], Gen.OneOf(Values),
            (c, r, v) => (Mutation)new SetCell(c, r, v))),
        (3, Gen.Select(Gen.Double[0, 1], Gen.OneOf(Values), (w, v) => (Mutation)new SetNumber(w, v))),
        (2, Gen.Select(Gen.Double[0, 1], Gen.OneOf(Texts), (w, t) => (Mutation)new Insert(w, t))),
        (1, Gen.Double[0, 1].Select(w => (Mutation)new DuplicateLabel(w))),
        (1, Gen.Double[0, 1].Select(w => (Mutation)new DropLabel(w))),
        (1, Gen.Double[0, 1].Select(w => (Mutation)new DuplicateLine(w))),
        (1, Gen.Select(Gen.Double[0, 1], Gen.Int[1000, 300_000], Gen.Bool,
            (w, n, one) => (Mutation)new HugeLine(w, n, one))));

    /// <summary>Applies MRC mutations to a copy of the bytes.</summary>
    public static byte[] ApplyMrc(byte[] original, IEnumerable<Mutation> mutations)
    {
        var bytes = (byte[])original.Clone();
        foreach (var m in mutations)
        {
            switch (m)
            {
                case Truncate(double f): bytes = bytes[..(int)(bytes.Length * f)]; break;
                case Append(int n): bytes = [.. bytes, .. new byte[n]]; break;
                case SetByte(double w, byte v, bool header) when bytes.Length > 0:
                    int range = header ? Math.Min(1024, bytes.Length) : bytes.Length;
                    bytes[Math.Min(bytes.Length - 1, (int)(w * range))] = v;
                    break;
                case SetWord(int w, int v) when w * 4 + 4 <= bytes.Length:
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(w * 4), v);
                    break;
                case SetFloat(int w, float v) when w * 4 + 4 <= bytes.Length:
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(w * 4), v);
                    break;
                case SetData(double w, float v, bool all) when bytes.Length > 1028:
                    int voxels = (bytes.Length - 1024) / 4;
                    int first = all ? 0 : Math.Min(voxels - 1, (int)(w * voxels)), last = all ? voxels : first + 1;
                    for (int i = first; i < last; i++)
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(1024 + 4 * i), v);
                    break;
            }
        }
        return bytes;
    }

    /// <summary>
    /// Applies STAR mutations to the text, as bytes (a flipped byte may leave invalid UTF-8: a real input too).
    /// </summary>
    public static byte[] ApplyStar(string original, IEnumerable<Mutation> mutations)
    {
        var bytes = Encoding.UTF8.GetBytes(original);
        foreach (var m in mutations)
        {
            switch (m)
            {
                case Truncate(double f): bytes = bytes[..(int)(bytes.Length * f)]; break;
                case SetByte(double w, byte v, _) when bytes.Length > 0:
                    bytes[Math.Min(bytes.Length - 1, (int)(w * bytes.Length))] = v;
                    break;
                case Insert(double w, string t): bytes = Splice(bytes, (int)(w * bytes.Length), 0, t); break;
                case HugeLine(double w, int n, bool one):
                    string huge = one ? new string('7', n) : string.Concat(Enumerable.Repeat("1.0 ", n / 4));
                    string line = "\n" + huge + "\n";
                    bytes = Splice(bytes, LineStart(bytes, w), 0, line);
                    break;
                default: bytes = Encoding.UTF8.GetBytes(EditLines(Encoding.UTF8.GetString(bytes), m)); break;
            }
        }
        return bytes;
    }

    private static string EditLines(string text, Mutation m)
    {
        var lines = text.Split('\n').ToList();
        switch (m)
        {
            case SetCell(string column, double row, string value): SetCellIn(lines, column, row, value); break;
            case SetNumber(double where, string value):
                var numbers = lines.SelectMany((l, i) => Tokens(l)
                    .Where(t => double.TryParse(l.AsSpan(t.Start, t.Length), out _)).Select(t => (i, t))).ToList();
                if (numbers.Count > 0)
                {
                    var (i, t) = numbers[Math.Min(numbers.Count - 1, (int)(where * numbers.Count))];
                    lines[i] = lines[i].Remove(t.Start, t.Length).Insert(t.Start, value);
                }
                break;
            case DuplicateLabel or DropLabel:
                double which = m is DuplicateLabel d ? d.Which : ((DropLabel)m).Which;
                var labels = lines.Select((l, i) => (l, i)).Where(p => p.l.TrimStart().StartsWith('_'))
                    .Select(p => p.i).ToList();
                if (labels.Count > 0)
                {
                    int at = labels[Math.Min(labels.Count - 1, (int)(which * labels.Count))];
                    if (m is DuplicateLabel) lines.Insert(at + 1, lines[at]); else lines.RemoveAt(at);
                }
                break;
            case DuplicateLine(double line) when lines.Count > 0:
                int k = Math.Min(lines.Count - 1, (int)(line * lines.Count));
                lines.Insert(k, lines[k]);
                break;
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Replaces the cell of <paramref name="column"/> in a data row of the loop that declares it (tokens split on
    /// blanks).
    /// </summary>
    private static void SetCellIn(List<string> lines, string column, double row, string value)
    {
        int header = lines.FindIndex(l =>
            l.TrimStart().StartsWith("_" + column + " ", StringComparison.Ordinal) || l.Trim() == "_" + column);
        if (header < 0) return;
        int first = header;
        while (first > 0 && lines[first - 1].TrimStart().StartsWith('_')) first--;
        int index = header - first, body = header;
        while (body < lines.Count && lines[body].TrimStart().StartsWith('_')) body++;
        int end = body;
        while (end < lines.Count && lines[end].Trim().Length > 0
               && !lines[end].StartsWith("data_", StringComparison.Ordinal))
            end++;
        if (end == body) return;
        int r = body + Math.Min(end - body - 1, (int)(row * (end - body)));
        var tokens = Tokens(lines[r]).ToList();
        if (index >= tokens.Count) return;
        lines[r] = lines[r].Remove(tokens[index].Start, tokens[index].Length).Insert(tokens[index].Start, value);
    }

    private static IEnumerable<(int Start, int Length)> Tokens(string line)
    {
        for (int i = 0; i < line.Length;)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            int start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
            if (i > start) yield return (start, i - start);
        }
    }

    private static int LineStart(byte[] bytes, double where)
    {
        int at = (int)(where * bytes.Length);
        while (at > 0 && bytes[at - 1] != (byte)'\n') at--;
        return at;
    }

    private static byte[] Splice(byte[] bytes, int at, int remove, string insert) =>
        [.. bytes.AsSpan(0, at), .. Encoding.UTF8.GetBytes(insert), .. bytes.AsSpan(at + remove)];
}
