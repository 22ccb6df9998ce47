using System.Text.Json;

namespace CryoMerge.Cli;

internal static class Json
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
