using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>
/// The little of Python's literal syntax a .npy header uses (what <c>ast.literal_eval</c> accepts there): dicts with
/// string keys, lists, tuples, strings in single or double quotes with backslash escapes, integers, True, False
/// and None. Dicts become <see cref="Dictionary{TKey,TValue}"/>, lists <see cref="List{T}"/>, tuples
/// <see cref="Tuple"/>, integers <see cref="long"/>.
/// </summary>
internal static class PythonLiteral
{
    /// <summary>A parsed Python tuple.</summary>
    public sealed record Tuple(List<object?> Items);

    public static object? Parse(string text)
    {
        int i = 0;
        var value = Value(text, ref i);
        SkipBlanks(text, ref i);
        if (i != text.Length) throw new FormatException($"unexpected '{text[i]}' at character {i + 1}");
        return value;
    }

    /// <summary>Python's repr of a string: single quotes unless the text holds one and no double quote.</summary>
    public static string Repr(string value)
    {
        char quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (char c in value)
        {
            if (c == '\\' || c == quote) sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\t') sb.Append("\\t");
            else if (c < ' ') sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.Append(quote).ToString();
    }

    private static object? Value(string s, ref int i)
    {
        SkipBlanks(s, ref i);
        if (i >= s.Length) throw new FormatException("the text ends where a value should be");
        char c = s[i];
        if (c == '{') return Dict(s, ref i);
        if (c == '[') return Sequence(s, ref i, ']');
        if (c == '(')
        {
            var items = Sequence(s, ref i, ')', out bool trailingComma);
            // "(x)" is x in parentheses; "(x,)" and "()" are tuples.
            return items.Count == 1 && !trailingComma ? items[0] : new Tuple(items);
        }
        if (c is '\'' or '"') return String(s, ref i);
        if (c == '-' || c == '+' || char.IsAsciiDigit(c)) return Integer(s, ref i);
        foreach (var (word, value) in new (string, object?)[] { ("True", true), ("False", false), ("None", null) })
            if (string.CompareOrdinal(s, i, word, 0, word.Length) == 0)
            {
                i += word.Length;
                return value;
            }
        throw new FormatException($"unexpected '{c}' at character {i + 1}");
    }

    private static Dictionary<string, object?> Dict(string s, ref int i)
    {
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        i++;
        while (true)
        {
            SkipBlanks(s, ref i);
            if (i < s.Length && s[i] == '}') { i++; return dict; }
            if (Value(s, ref i) is not string key) throw new FormatException("a dict key is not a string");
            SkipBlanks(s, ref i);
            Expect(s, ref i, ':');
            dict[key] = Value(s, ref i);
            SkipBlanks(s, ref i);
            if (i < s.Length && s[i] == ',') { i++; continue; }
            SkipBlanks(s, ref i);
            Expect(s, ref i, '}');
            return dict;
        }
    }

    private static List<object?> Sequence(string s, ref int i, char close) => Sequence(s, ref i, close, out _);

    private static List<object?> Sequence(string s, ref int i, char close, out bool trailingComma)
    {
        var items = new List<object?>();
        trailingComma = false;
        i++;
        while (true)
        {
            SkipBlanks(s, ref i);
            if (i < s.Length && s[i] == close) { i++; return items; }
            items.Add(Value(s, ref i));
            trailingComma = false;
            SkipBlanks(s, ref i);
            if (i < s.Length && s[i] == ',') { i++; trailingComma = true; continue; }
            Expect(s, ref i, close);
            return items;
        }
    }

    private static string String(string s, ref int i)
    {
        char quote = s[i++];
        var sb = new StringBuilder();
        while (i < s.Length && s[i] != quote)
        {
            char c = s[i++];
            if (c != '\\') { sb.Append(c); continue; }
            if (i >= s.Length) break;
            char e = s[i++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'x' or 'u' or 'U':
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + digits > s.Length || !int.TryParse(s.AsSpan(i, digits), NumberStyles.HexNumber,
                        CultureInfo.InvariantCulture, out int code))
                        throw new FormatException($"bad escape \\{e} at character {i}");
                    sb.Append(char.ConvertFromUtf32(code));
                    i += digits;
                    break;
                default: sb.Append(e); break;   // \\, \', \" and anything else stand for themselves
            }
        }
        if (i >= s.Length) throw new FormatException("a string is not closed");
        i++;
        return sb.ToString();
    }

    private static long Integer(string s, ref int i)
    {
        int start = i;
        if (s[i] is '-' or '+') i++;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_')) i++;
        // NumPy writes shapes as plain ints, sometimes with an 'L' suffix (Python 2).
        if (i < s.Length && s[i] is 'L' or 'l') i++;
        string digits = s[start..i].TrimEnd('L', 'l').Replace("_", "", StringComparison.Ordinal);
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new FormatException($"'{s[start..i]}' at character {start + 1} is not an integer");
        return value;
    }

    private static void Expect(string s, ref int i, char c)
    {
        if (i >= s.Length || s[i] != c) throw new FormatException(i >= s.Length ? $"the text ends where '{c}' should be"
            : $"expected '{c}' at character {i + 1}, found '{s[i]}'");
        i++;
    }

    private static void SkipBlanks(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
    }
}
