using System.CommandLine.Parsing;
using System.Globalization;

namespace CryoMerge.Cli.Options;

/// <summary>Parsers for option values written as ranges ("8000-25000") or sizes ("4096" or "4096x3072").</summary>
internal static class ValueParsers
{
    /// <summary>"MIN-MAX" (or one number for both) as two positive numbers with MIN &lt;= MAX.</summary>
    public static (double Min, double Max) Range(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        int dash = text.IndexOf('-', 1);
        string a = dash > 0 ? text[..dash] : text, b = dash > 0 ? text[(dash + 1)..] : text;
        if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double min)
            && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture,
                out double max) && min > 0 && max >= min)
            return (min, max);
        result.AddError($"'{text}' is not a range MIN-MAX of positive numbers with MIN <= MAX (e.g. 8000-25000)");
        return default;
    }

    /// <summary>"W" (a square) or "WxH" in pixels.</summary>
    public static (int Width, int Height) Size(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var parts = text.Split('x', 'X');
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture,
            out int w) && w > 0)
        {
            if (parts.Length == 1) return (w, w);
            if (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture,
                out int h) && h > 0) return (w, h);
        }
        result.AddError($"'{text}' is not a size in pixels: give W for a square or WxH (e.g. 4096 or 4096x3072)");
        return default;
    }
}
