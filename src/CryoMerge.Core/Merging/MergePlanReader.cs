using System.Text.Json;
using CryoMerge.Core.Assessment;
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
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new CryoMergeInputException(path, "plan file not found");
        InputFiles.RequireRegularFile(path, "a merge plan (YAML or JSON)");
        return Parse(File.ReadAllText(path), path, checkFiles: true);
    }

    /// <summary>A plan from its text (YAML, or JSON when <paramref name="source"/> ends in .json); relative paths
    /// resolve against the folder of <paramref name="source"/>, whose files are checked when
    /// <paramref name="checkFiles"/>.</summary>
    internal static MergePlan Parse(string text, string source, bool checkFiles)
    {
        string path = source;
        bool json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        // Keys and value kinds first: a typo is one line with the line number and the nearest valid key.
        var lines = json
            ? MergePlanKeys.CheckJson(text, path, typeof(PlanDocument))
            : MergePlanKeys.CheckYaml(text, path, typeof(PlanDocument));
        PlanDocument doc;
        try
        {
            doc = json
                ? JsonSerializer.Deserialize<PlanDocument>(text, JsonOptions) ?? new PlanDocument()
                : Yaml.Deserialize<PlanDocument>(text) ?? new PlanDocument();
        }
        catch (Exception e) when (e is YamlException or JsonException)
        {
            string where = e is YamlException y ? $"line {y.Start.Line}: "
                : e is JsonException { LineNumber: long n } ? $"line {n + 1}: " : "";
            throw new CryoMergeInputException(path, $"{where}{FirstLine(e.InnerException?.Message ?? e.Message)}");
        }
        return Validate(doc, path, checkFiles, lines);
    }

    /// <summary>
    /// Builds and checks a plan from its document form (paths relative to the folder of <paramref name="source"/>);
    /// problems name the key and, given the file's <paramref name="lines"/>, its line.
    /// </summary>
    internal static MergePlan Validate(PlanDocument doc, string source, bool checkFiles,
        MergePlanKeys.Lines? lines = null)
    {
        lines ??= MergePlanKeys.Lines.None;
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        void Fail(string key, string problem) => throw new CryoMergeInputException(source, lines.Of(key) + problem);
        string? Resolve(string? p) => string.IsNullOrWhiteSpace(p) ? null : Path.GetFullPath(Path.Combine(baseDir, p));

        if (doc.DataSets is not { Count: >= 2 }) Fail("datasets", "needs at least two data sets under 'datasets'");
        var method = doc.Method switch
        {
            1 => MergeMethod.RescaleMicrographs,
            2 => MergeMethod.ReExtract,
            3 => MergeMethod.Relabel,
            null => MergeMethod.ReExtract,
            _ => throw new CryoMergeInputException(source,
                $"{lines.Of("method")}method must be 1, 2 or 3, not {doc.Method}"),
        };
        var names = new HashSet<string>(StringComparer.Ordinal);
        var sets = new List<DataSetPlan>();
        foreach (var (d, i) in doc.DataSets!.Select((d, i) => (d, i)))
        {
            string at = $"datasets[{i}]";
            string name = string.IsNullOrWhiteSpace(d.Name) ? $"DS{i + 1}" : d.Name.Trim();
            if (!names.Add(name)) Fail($"{at}.name", $"two data sets are called '{name}'");
            // The name is a folder of the output: no path separators, no "." or "..".
            if (name.IndexOfAny([' ', '/', '\\', '@', '\t', '\0']) >= 0 || name is "." or "..")
                Fail($"{at}.name", $"data set name '{name}' may not contain blanks, '/', '\\' or '@', "
                    + "nor be '.' or '..' (it names a folder of the output)");
            var lengths = new[]
            {
                ("pixelSize", d.PixelSize), ("nominalPixelSize", d.NominalPixelSize), ("resolution", d.Resolution),
            };
            foreach (var (field, value) in lengths)
                if (value is double v && !PositiveLength(v))
                    Fail($"{at}.{field}", $"datasets[{name}].{field} must be a positive number of A, not {v}");
            var set = new DataSetPlan(name, Resolve(d.Micrographs), Resolve(d.Particles), Resolve(d.Map),
                Resolve(d.HalfMap2), d.NominalPixelSize, d.PixelSize, d.Resolution);
            if (set.Particles is null) Fail(at, $"datasets[{name}].particles is missing");
            set = set with
            {
                CryosparcProject = MergePlanCryosparc.Project(set, Resolve(d.CryosparcProject), checkFiles,
                    problem => Fail($"{at}.cryosparcProject", problem)),
            };
            if (method != MergeMethod.Relabel && set.Micrographs is null)
                Fail(at, $"datasets[{name}].micrographs is needed for method {(int)method}");
            if (checkFiles)
            {
                var files = new[]
                {
                    ("particles", set.Particles), ("micrographs", set.Micrographs), ("map", set.Map),
                    ("halfMap2", set.HalfMap2),
                };
                foreach (var (field, file) in files)
                    if (file is not null && !File.Exists(file))
                        Fail($"{at}.{field}", $"datasets[{name}].{field}: {file} does not exist");
            }
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
        var refSet = sets.FirstOrDefault(s => s.Name == reference) ?? throw new CryoMergeInputException(source,
            $"{lines.Of("reference")}reference '{reference}' is not one of the data sets ({string.Join(", ", names)})");
        foreach (var (s, i) in sets.Select((s, i) => (s, i)).Where(p => p.s.Name != reference && p.s.PixelSize is null))
        {
            if (choice == ReferenceChoice.HighestResolution && s.Map is null)
                Fail($"datasets[{i}]",
                    $"the pixel size of '{s.Name}' must be found from its map, so it needs a 'map' (or a pixelSize)");
            else if (s.Map is null || refSet.Map is null)
                Fail($"datasets[{i}]", $"the pixel size of '{s.Name}' must be found, so both it and the reference "
                    + $"'{reference}' need a 'map' (or give '{s.Name}' a pixelSize)");
        }
        foreach (var (s, i) in sets.Select((s, i) => (s, i)))
            if (s.PixelSize is double p && s.NominalPixelSize is double n && Math.Abs(p / n - 1) > 0.3)
                Fail($"datasets[{i}].pixelSize",
                    $"datasets[{s.Name}]: pixelSize {p} and nominalPixelSize {n} differ by more than 30 %; check both");
        if (string.IsNullOrWhiteSpace(doc.Output)) Fail("output", "'output' (the output folder) is missing");
        string output = Resolve(doc.Output)!;
        foreach (var s in sets)
            foreach (var input in new[] { s.Particles, s.Micrographs, s.Map })
                if (input is not null && Path.GetFullPath(output) == Path.GetDirectoryName(input))
                    Fail("output", $"output folder {output} holds the input {input}; choose an empty folder");
        if (checkFiles && Resolve(doc.Project) is { } project && !Directory.Exists(project))
            Fail("project",
                $"project: {project} is not a folder (the RELION project the merged STAR file's names are relative " +
                $"to)");
        var ex = doc.Extraction ?? new ExtractionDocument();
        var boxes = new[]
        {
            ("box", ex.Box), ("scale", ex.Scale), ("window", ex.Window), ("minBox", ex.MinBox), ("maxBox", ex.MaxBox),
            ("backgroundDiameter", ex.BackgroundDiameter),
        };
        foreach (var (field, v) in boxes)
            if (v is <= 0) Fail($"extraction.{field}", $"extraction.{field} must be positive");
        if (doc.PixelSizeMethod is not (null or "fit" or "fsc-sweep"))
            Fail("pixelSizeMethod", $"pixelSizeMethod must be fit or fsc-sweep, not '{doc.PixelSizeMethod}'");
        if (doc.ParticlesPerShard is <= 0) Fail("particlesPerShard", "particlesPerShard must be positive");
        var sizes = new[]
        {
            ("particleDiameter", doc.ParticleDiameter), ("expectedResolution", doc.ExpectedResolution),
        };
        foreach (var (field, value) in sizes)
        {
            if (value is double v && !PositiveLength(v))
                Fail(field, $"{field} must be a positive number of A, not {v}");
        }
        return new MergePlan(
            string.IsNullOrWhiteSpace(doc.Name) ? Path.GetFileNameWithoutExtension(source) : doc.Name.Trim(),
            output, method, reference, sets,
            new ExtractionBoxes(ex.Box, ex.Scale, ex.Window, ex.BackgroundDiameter, ex.Invert ?? true,
                ex.Normalize ?? true, ex.MinBox, ex.MaxBox),
            doc.PixelSizeMethod ?? "fit", doc.ParticleDiameter, doc.ExpectedResolution, doc.ParticlesPerShard ?? 2000,
            choice, MergePlanCryosparc.OutputFormat(doc.OutputFormat, method, problem => Fail("outputFormat", problem)),
            doc.Overwrite ?? false, Project: Resolve(doc.Project) ?? baseDir,
            Assess: Assessment(doc.Assess, method, Resolve, checkFiles, Fail));
    }

    /// <summary>The plan's <c>assess</c> section, checked; null when absent.</summary>
    private static AssessmentPlan? Assessment(AssessDocument? doc, MergeMethod method, Func<string?, string?> resolve,
        bool checkFiles, Action<string, string> fail)
    {
        if (doc is null) return null;
        if (method == MergeMethod.RescaleMicrographs)
            fail("assess", "assess needs merged particles, and method 1 ends with rescaled micrographs: extract "
                + "particles from them, then run cryomerge assess on a method 2 or 3 plan");
        string? mask = resolve(doc.Mask);
        if (checkFiles && mask is not null && !File.Exists(mask))
            fail("assess.mask", $"assess.mask: {mask} does not exist");
        double change = doc.ResolutionChange ?? AssessmentThresholds.DefaultResolutionChange * 100;
        if (!(change >= 0 && change < 100))
            fail("assess.resolutionChange", $"assess.resolutionChange must be 0 to 100 (%), not {change}");
        double agreement = doc.MinimumAgreement ?? AssessmentThresholds.DefaultMinimumAgreement;
        if (!(agreement >= 0 && agreement <= 1))
            fail("assess.minimumAgreement", $"assess.minimumAgreement must be 0 to 1, not {agreement}");
        return new AssessmentPlan(mask, doc.Ctf ?? true, doc.SkipGridding ?? false, change / 100, agreement);
    }

    private static bool PositiveLength(double value) => value > 0 && double.IsFinite(value);

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

    /// <summary>
    /// The plan as written in the file; every field is optional, so validation says what is missing. Each key's
    /// <see cref="PlanKeyAttribute"/> is its documentation (<c>cryomerge plan --template</c> and <c>--schema</c>).
    /// </summary>
    internal sealed class PlanDocument
    {
        [PlanKey("Name of the merge, shown in the summary and progress", Default = "the plan file's name",
            Example = "spliceosome-krios-glacios")]
        public string? Name { get; set; }
        [PlanKey("Output folder (relative to the plan's folder): one folder per data set, particles.star, summary.txt",
            Example = "merged", Required = true)]
        public string? Output { get; set; }
        [PlanKey("How the data sets join the reference: 1 rescale micrographs and re-extract, 2 re-extract and "
            + "Fourier-rescale particles, 3 relabel optics groups (RELION >= 3.1, no image resampled)",
            Default = "2", Example = "2", Allowed = ["1", "2", "3"])]
        public int? Method { get; set; }
        [PlanKey("Name of the data set whose pixel size is trusted; the others are brought to its scale",
            Default = "the data set with the highest-resolution map", Example = "Krios")]
        public string? Reference { get; set; }
        [YamlMember(Alias = "datasets")]
        [PlanKey("The data sets to merge, at least two", Required = true)]
        public List<DataSetDocument>? DataSets { get; set; }
        [PlanKey("Extraction boxes for methods 1 and 2; chosen automatically where absent")]
        public ExtractionDocument? Extraction { get; set; }
        [PlanKey("How a data set's pixel size is found from its map: fit (scale, rotation and shift together) or "
            + "fsc-sweep (the paper's FSC score over candidate pixel sizes)", Default = "fit", Example = "fit",
            Allowed = ["fit", "fsc-sweep"])]
        public string? PixelSizeMethod { get; set; }
        [PlanKey("Diameter of the particle, for the verdict on the remaining scale error", Unit = "A",
            Default = "none (no verdict)", Example = "250")]
        public double? ParticleDiameter { get; set; }
        [PlanKey("Resolution you aim at, for the verdict on the remaining scale error", Unit = "A",
            Default = "none (no verdict)", Example = "3.5")]
        public double? ExpectedResolution { get; set; }
        [PlanKey("Particles per work item where a data set's particles are split", Unit = "particles",
            Default = "2000", Example = "2000")]
        public int? ParticlesPerShard { get; set; }
        [PlanKey("Form of the merged particles: star (particles.star), cs (particles.cs for cryoSPARC) or both",
            Default = "star", Example = "star", Allowed = ["star", "cs", "both"])]
        public string? OutputFormat { get; set; }
        [PlanKey("Replace files in the output folder that cryomerge did not write there", Default = "false",
            Example = "false")]
        public bool? Overwrite { get; set; }
        [PlanKey("RELION project folder the merged STAR file's names are relative to (run RELION there)",
            Default = "the plan's folder", Example = ".")]
        public string? Project { get; set; }
        [PlanKey("Did the merge help? Present (even as 'assess: {}'), the merge ends by reconstructing half maps of "
            + "each data set and of the merge and judging each addition, best first (cryomerge assess)",
            Default = "none (no assessment)")]
        public AssessDocument? Assess { get; set; }
    }

    /// <summary>The plan's <c>assess</c> section: the assessment as the merge's last stages.</summary>
    internal sealed class AssessDocument
    {
        [PlanKey("Soft mask for every FSC: MRC on the reference's grid, values 0-1 (relative to the plan's folder)",
            Default = "automatic, from the merged map (15 A low-pass, threshold, 5 A dilation, 6 A soft edge)",
            Example = "mask.mrc", Commented = true)]
        public string? Mask { get; set; }

        [PlanKey("CTF correction in the reconstructions, as relion_reconstruct --ctf", Default = "true",
            Example = "true")]
        public bool? Ctf { get; set; }

        [PlanKey("Divide by regularised weights instead of RELION's 10 gridding iterations (relion_reconstruct "
            + "--skip_gridding): several times faster final step, noisier maps", Default = "false", Example = "false")]
        public bool? SkipGridding { get; set; }

        [PlanKey("An added data set helped when the resolution improved by more than this, hurt when it worsened by "
            + "more", Unit = "%", Default = "2", Example = "2")]
        public double? ResolutionChange { get; set; }

        [PlanKey("An added data set hurt when its map keeps less than this fraction of the correlation with the data "
            + "sets before it that their half maps predict (1: one structure at one scale)", Default = "0.9",
            Example = "0.9")]
        public double? MinimumAgreement { get; set; }
    }

    internal sealed class DataSetDocument
    {
        [PlanKey("Short unique name: the data set's output folder and its optics group's name",
            Default = "DS1, DS2, ... by position", Example = "Krios")]
        public string? Name { get; set; }
        [PlanKey("Micrograph STAR file with CTF values (micrographs_ctf.star); needed by methods 1 and 2",
            Example = "Krios/CtfFind/job003/micrographs_ctf.star")]
        public string? Micrographs { get; set; }
        [PlanKey("Particle STAR file (or coordinates), or a cryoSPARC .cs file", Required = true,
            Example = "Krios/Refine3D/job020/run_data.star")]
        public string? Particles { get; set; }
        [PlanKey("A map refined from this data set alone, to find its pixel size against the reference's map",
            Example = "Krios/Refine3D/job020/run_class001.mrc")]
        public string? Map { get; set; }
        [PlanKey("The second half map, for the range of the pixel size", Default = "none",
            Example = "Krios/Refine3D/job020/run_half2_class001_unfil.mrc")]
        public string? HalfMap2 { get; set; }
        [PlanKey("Pixel size the data set was processed with", Unit = "A",
            Default = "from the STAR file (or the map's header)", Example = "1.061")]
        public double? NominalPixelSize { get; set; }
        [PlanKey("Pixel size to use instead of finding it (checked against the map when there is one)", Unit = "A",
            Default = "the nominal one for the reference, found from the map for the others", Example = "1.059")]
        public double? PixelSize { get; set; }
        [PlanKey("Resolution of its map as you know it, to choose the reference by", Unit = "A",
            Default = "measured from the map", Example = "3.2")]
        public double? Resolution { get; set; }
        [PlanKey("For particles given as a cryoSPARC .cs file: the cryoSPARC project folder its names are relative to",
            Default = "none", Example = "/data/cryosparc/P12", Commented = true)]
        public string? CryosparcProject { get; set; }
    }

    internal sealed class ExtractionDocument
    {
        [PlanKey("Extraction box in the data set's micrograph pixels (method 2)", Unit = "px",
            Default = "chosen with the box pair", Example = "300", Commented = true)]
        public int? Box { get; set; }
        [PlanKey("Box after Fourier rescaling (method 2)", Unit = "px", Default = "chosen with the box pair",
            Example = "390", Commented = true)]
        public int? Scale { get; set; }
        [PlanKey("Final box, the reference's", Unit = "px", Default = "the reference's particle box", Example = "384",
            Commented = true)]
        public int? Window { get; set; }
        [PlanKey("Background circle's diameter before rescaling (RELION's convention)", Unit = "px",
            Default = "75 % of the extraction box", Example = "225", Commented = true)]
        public int? BackgroundDiameter { get; set; }
        [PlanKey("Invert contrast when extracting", Default = "true", Example = "true")]
        public bool? Invert { get; set; }
        [PlanKey("Normalise the extracted particles (RELION's background normalisation)", Default = "true",
            Example = "true")]
        public bool? Normalize { get; set; }
        [PlanKey("Smallest extraction box the box-pair search considers", Unit = "px",
            Default = "the final box x the reference's pixel size / the data set's micrograph pixel size",
            Example = "128", Commented = true)]
        public int? MinBox { get; set; }
        [PlanKey("Largest extraction box the box-pair search considers", Unit = "px", Default = "minBox + 300",
            Example = "512", Commented = true)]
        public int? MaxBox { get; set; }
    }
}
