using System.Text.Encodings.Web;
using System.Text.Json;

namespace CryoMerge.Cli;

internal static class Json
{
    // Relaxed escaping keeps quotes and non-ASCII file names readable; the output goes to a terminal or a file, not HTML.
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
