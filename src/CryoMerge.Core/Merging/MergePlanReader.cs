using System.Text.Json;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CryoMerge.Core.Merging;

/// <summary>
/// Reads a merge plan from YAML (.yaml/.yml) or JSON (.json), resolves relative paths against the plan's folder
/// and checks it completely before any work starts: every problem names the plan file and the field.
/// </summary>
public static class MergePlanReader
{
    public static MergePlan Read(string path)
    {
        if (!File.Exists(path)) throw new CryoMergeInputException(path, "plan file not found");
        string text = File.ReadAllText(path);
        PlanDocument doc;
        try
        {
            doc = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? JsonSerializer.Deserialize<PlanDocument>(text, JsonOptions) ?? new PlanDocument()
                : Yaml.Deserialize<PlanDocument>(text) ?? new PlanDocument();
        }
        catch (Exception e) when (e is YamlException or JsonException)
        {
            string where = e is YamlException y ? $"line {y.Start.Line}: " : "";
            throw new CryoMergeInputException(path, $"{where}{FirstLine(e.InnerException?.Message ?? e.Message)}");
        }
        return Validate(doc, path, checkFiles: true);
    }

    /// <summary>Builds and checks a plan from its document form (paths relative to <paramref name="baseDirectory"/>).</summary>
    internal static MergePlan Validate(PlanDocument doc, string source, bool checkFiles)
    {
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        void Fail(string problem) => throw new CryoMergeInputException(source, problem);
        string? Resolve(string? p) => string.IsNullOrWhiteSpace(p) ? null : Path.GetFullPath(Path.Combine(baseDir, p));

        if (doc.DataSets is not { Count: >= 2 }) Fail("needs at least two data sets under 'datasets'");
        var method = doc.Method switch
        {
            1 => MergeMethod.RescaleMicrographs,
            2 => MergeMethod.ReExtract,
            3 => MergeMethod.Relabel,
            null => MergeMethod.ReExtract,
            _ => throw new CryoMergeInputException(source, $"method must be 1, 2 or 3, not {doc.Method}"),
        };
        var names = new HashSet<string>(StringComparer.Ordinal);
        var sets = new List<DataSetPlan>();
        foreach (var (d, i) in doc.DataSets!.Select((d, i) => (d, i)))
        {
            string name = string.IsNullOrWhiteSpace(d.Name) ? $"DS{i + 1}" : d.Name.Trim();
            if (!names.Add(name)) Fail($"two data sets are called '{name}'");
            if (name.IndexOfAny([' ', '/', '\\', '@', '\t']) >= 0) Fail($"data set name '{name}' may not contain blanks, '/' or '@'");
            if (d.PixelSize is <= 0) Fail($"datasets[{name}].pixelSize must be positive");
            if (d.NominalPixelSize is <= 0) Fail($"datasets[{name}].nominalPixelSize must be positive");
            if (d.Resolution is <= 0) Fail($"datasets[{name}].resolution must be positive (A)");
            var set = new DataSetPlan(name, Resolve(d.Micrographs), Resolve(d.Particles), Resolve(d.Map), Resolve(d.HalfMap2), d.NominalPixelSize, d.PixelSize, d.Resolution);
            if (set.Particles is null) Fail($"datasets[{name}].particles is missing");
            set = set with
            {
                CryosparcProject = MergePlanCryosparc.Project(set, Resolve(d.CryosparcProject), checkFiles, Fail),
            };
            if (method != MergeMethod.Relabel && set.Micrographs is null) Fail($"datasets[{name}].micrographs is needed for method {(int)method}");
            if (checkFiles)
                foreach (var (field, file) in new[] { ("particles", set.Particles), ("micrographs", set.Micrographs), ("map", set.Map), ("halfMap2", set.HalfMap2) })
                    if (file is not null && !File.Exists(file)) Fail($"datasets[{name}].{field}: {file} does not exist");
            sets.Add(set);
        }
        // Without a named reference, the best-resolved map decides once the merge has measured them (the first data set
        // with a map stands in until then); every data set is then fitted against it or has a pixel size.
        var withMaps = sets.Where(s => s.Map is not null).ToList();
        var choice = !string.IsNullOrWhiteSpace(doc.Reference) ? ReferenceChoice.Plan
            : withMaps.Count >= 2 ? ReferenceChoice.HighestResolution : ReferenceChoice.First;
        string reference = choice switch
        {
            ReferenceChoice.Plan => doc.Reference!.Trim(),
            ReferenceChoice.HighestResolution => withMaps[0].Name,
            _ => sets[0].Name,
        };
        var refSet = sets.FirstOrDefault(s => s.Name == reference) ?? throw new CryoMergeInputException(source, $"reference '{reference}' is not one of the data sets ({string.Join(", ", names)})");
        foreach (var s in sets.Where(s => s.Name != reference && s.PixelSize is null))
            if (choice == ReferenceChoice.HighestResolution && s.Map is null)
                Fail($"the pixel size of '{s.Name}' must be found from its map, so it needs a 'map' (or a pixelSize)");
            else if (s.Map is null || refSet.Map is null)
                Fail($"the pixel size of '{s.Name}' must be found, so both it and the reference '{reference}' need a 'map' (or give '{s.Name}' a pixelSize)");
        foreach (var s in sets)
            if (s.PixelSize is double p && s.NominalPixelSize is double n && Math.Abs(p / n - 1) > 0.3)
                Fail($"datasets[{s.Name}]: pixelSize {p} and nominalPixelSize {n} differ by more than 30 %; check both");
        if (string.IsNullOrWhiteSpace(doc.Output)) Fail("'output' (the output folder) is missing");
        string output = Resolve(doc.Output)!;
        foreach (var s in sets)
            foreach (var input in new[] { s.Particles, s.Micrographs, s.Map })
                if (input is not null && Path.GetFullPath(output) == Path.GetDirectoryName(input))
                    Fail($"output folder {output} holds the input {input}; choose an empty folder");
        var ex = doc.Extraction ?? new ExtractionDocument();
        foreach (var (field, v) in new[] { ("box", ex.Box), ("scale", ex.Scale), ("window", ex.Window) })
            if (v is <= 0) Fail($"extraction.{field} must be positive");
        if (doc.PixelSizeMethod is not (null or "fit" or "fsc-sweep")) Fail($"pixelSizeMethod must be fit or fsc-sweep, not '{doc.PixelSizeMethod}'");
        if (doc.ParticlesPerShard is <= 0) Fail("particlesPerShard must be positive");
        return new MergePlan(
            string.IsNullOrWhiteSpace(doc.Name) ? Path.GetFileNameWithoutExtension(source) : doc.Name.Trim(),
            output, method, reference, sets,
            new ExtractionBoxes(ex.Box, ex.Scale, ex.Window, ex.BackgroundDiameter, ex.Invert ?? true, ex.Normalize ?? true, ex.MinBox, ex.MaxBox),
            doc.PixelSizeMethod ?? "fit", doc.ParticleDiameter, doc.ExpectedResolution, doc.ParticlesPerShard ?? 2000, choice,
            MergePlanCryosparc.OutputFormat(doc.OutputFormat, method, Fail));
    }

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>The plan as written in the file; every field optional so that validation can say what is missing.</summary>
    internal sealed class PlanDocument
    {
        public string? Name { get; set; }
        public string? Output { get; set; }
        public int? Method { get; set; }
        public string? Reference { get; set; }
        [YamlMember(Alias = "datasets")]
        public List<DataSetDocument>? DataSets { get; set; }
        public ExtractionDocument? Extraction { get; set; }
        public string? PixelSizeMethod { get; set; }
        public double? ParticleDiameter { get; set; }
        public double? ExpectedResolution { get; set; }
        public int? ParticlesPerShard { get; set; }
        /// <summary>star (default), cs or both: the form(s) of the merged particles.</summary>
        public string? OutputFormat { get; set; }
    }

    internal sealed class DataSetDocument
    {
        public string? Name { get; set; }
        public string? Micrographs { get; set; }
        public string? Particles { get; set; }
        public string? Map { get; set; }
        public string? HalfMap2 { get; set; }
        public double? NominalPixelSize { get; set; }
        public double? PixelSize { get; set; }
        public double? Resolution { get; set; }
        /// <summary>cryoSPARC project folder for particles given as a .cs file.</summary>
        public string? CryosparcProject { get; set; }
    }

    internal sealed class ExtractionDocument
    {
        public int? Box { get; set; }
        public int? Scale { get; set; }
        public int? Window { get; set; }
        public int? BackgroundDiameter { get; set; }
        public bool? Invert { get; set; }
        public bool? Normalize { get; set; }
        public int? MinBox { get; set; }
        public int? MaxBox { get; set; }
    }
}
