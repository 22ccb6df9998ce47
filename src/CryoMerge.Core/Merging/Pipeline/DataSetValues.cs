using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using static System.Text.Json.Serialization.JsonIgnoreCondition;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// Numbers the stages record about a data set for the summary (box pair, pixel reached, ...); null until a stage
/// sets them. Declared in the order the stages set them, which is their order in the merge state's JSON.
/// </summary>
public sealed class DataSetValues
{
    /// <summary>Fitted pixel size of the data set's map, on the map's scale (A).</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public double? MapPixelFitted { get; set; }
    /// <summary>Masked correlation of the maps at the fitted pixel size.</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public double? MapCorrelation { get; set; }
    /// <summary>FSC = 0.143 resolution between the maps at the nominal and the fitted pixel size (A).</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public double? FscResolutionBefore { get; set; }
    [JsonIgnore(Condition = WhenWritingNull)] public double? FscResolutionAfter { get; set; }
    /// <summary>True micrograph pixel size that the CTF was rescaled to (A).</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public double? MicrographPixelTrue { get; set; }
    /// <summary>Box extracted from the micrographs (pixels).</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public int? ExtractBox { get; set; }
    /// <summary>Box it was Fourier-rescaled to (pixels); none when not rescaled.</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public int? RescaledBox { get; set; }
    /// <summary>Box of the particle images written (pixels).</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public int? FinalBox { get; set; }
    /// <summary>Pixel size of the extracted images (A), which the box pair reaches within its quantisation.</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public double? ImagePixelReached { get; set; }
    [JsonIgnore(Condition = WhenWritingNull)] public long? ParticlesExtracted { get; set; }
    /// <summary>Pixel size of the rescaled micrographs (A).</summary>
    [JsonIgnore(Condition = WhenWritingNull)] public double? MicrographPixelReached { get; set; }
    [JsonIgnore(Condition = WhenWritingNull)] public int? MicrographsRescaled { get; set; }

    /// <summary>The values set, by JSON name in ordinal order, as the summary prints them ("extractBox 256").</summary>
    public IEnumerable<string> Describe()
    {
        var json = JsonSerializer.SerializeToElement(this, WorkJson.Options);
        return json.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {Number(p.Value):0.######}"));
    }

    /// <summary>A number, or one of the named values ("NaN", "Infinity") that the JSON writes as strings.</summary>
    private static double Number(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture)
        : value.GetDouble();
}
