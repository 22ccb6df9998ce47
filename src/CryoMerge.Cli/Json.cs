using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CryoMerge.Cli;

internal static class Json
{
    // Relaxed escaping keeps quotes and non-ASCII file names readable; the output goes to a terminal or a file, not
    // HTML.
    // NaN and infinities (statistics of data that hold them) are written as the strings "NaN", "Infinity", "-Infinity".
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
