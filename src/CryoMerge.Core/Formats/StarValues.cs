using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>Text rules of STAR cells: RELION's number format, quoting and unquoting.</summary>
public static class StarValues
{
    /// <summary>
    /// A number as RELION 3.1-5 writes it (<c>MetaDataTable::getValueToString</c>): "%.6f", or "%.6e" when
    /// 0 &lt; |v| &lt; 0.001 or |v| &gt; 100000, with one digit less for negative values, so that the text
    /// never exceeds 12 characters. Leading blanks are left out; the writer aligns columns itself.
    /// </summary>
    public static string FormatDouble(double value)
    {
        Span<byte> buffer = stackalloc byte[32];
        int n = FormatDouble(value, buffer);
        return Encoding.ASCII.GetString(buffer[..n]);
    }

    /// <summary>UTF-8 form of <see cref="FormatDouble(double)"/>; returns the number of bytes written.</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsNaN(value)) return Ascii("nan", destination);
        if (double.IsInfinity(value)) return Ascii(value > 0 ? "inf" : "-inf", destination);
        double a = Math.Abs(value);
        bool scientific = (a > 0 && a < 0.001) || a > 100000;
        string format = (scientific, value < 0) switch
        {
            (true, true) => "0.00000e+00",
            (true, false) => "0.000000e+00",
            (false, true) => "F5",
            (false, false) => "F6",
        };
        value.TryFormat(destination, out int written, format, CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>Quotes a string when STAR needs it (empty, blanks inside, or a leading quote or '#').</summary>
    public static string Quote(string value)
    {
        if (value.Length == 0) return "\"\"";
        bool needs = value[0] is '"' or '\'' or '#' || value.AsSpan().IndexOfAny(' ', '\t') >= 0;
        if (!needs) return value;
        if (value.Contains('\n') || value.Contains('\r')) throw new ArgumentException("STAR values cannot span lines",
            nameof(value));
        return value.Contains('"') ? $"'{value}'" : $"\"{value}\"";
    }

    /// <summary>Removes the quotes of a quoted cell; other text is returned as is.</summary>
    public static string Unquote(string raw)
    {
        if (raw.Length >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[^1] == raw[0])
            return raw[1..^1].Replace("\a", "", StringComparison.Ordinal);
        return raw;
    }

    /// <summary>Checks that raw text can stand as one cell on a line.</summary>
    internal static void CheckCell(string raw, string column)
    {
        if (raw.Length == 0) throw new ArgumentException($"column {column}: an empty cell must be written as \"\"");
        if (raw.Contains('\n')
            || raw.Contains('\r')) throw new ArgumentException($"column {column}: a cell cannot span lines");
        bool quoted = raw.Length >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[^1] == raw[0];
        if (!quoted && raw.AsSpan().IndexOfAny(' ', '\t') >= 0)
            throw new ArgumentException($"column {column}: '{raw}' contains blanks and must be quoted");
    }

    private static int Ascii(string text, Span<byte> destination)
    {
        for (int i = 0; i < text.Length; i++) destination[i] = (byte)text[i];
        return text.Length;
    }
}
