using System.Text.Json;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>What the merge has learnt about one data set as the stages run.</summary>
public sealed class DataSetState
{
    public string Name { get; set; } = "";
    /// <summary>Pixel size the data set was processed with (A).</summary>
    public double NominalPixelSize { get; set; }
    /// <summary>Pixel size on the reference's scale (A), once known.</summary>
    public double? PixelSize { get; set; }
    /// <summary>Honest interval around <see cref="PixelSize"/>.</summary>
    public double? PixelSizeLow { get; set; }
    public double? PixelSizeHigh { get; set; }
    /// <summary>
    /// What its map says its pixel size is, on the reference's scale (A): the fit, also when the plan gives the pixel
    /// size that is used (<see cref="PixelSize"/>); null without a map.
    /// </summary>
    public PixelSizeFit? MapFit { get; set; }
    /// <summary>Current micrograph STAR (after CTF scaling or rescaling).</summary>
    public string? Micrographs { get; set; }
    /// <summary>Folder that relative micrograph names of the data set resolve against (its RELION project).</summary>
    public string? ProjectDirectory { get; set; }
    /// <summary>Current particle STAR (after extraction, rescaling or relabelling).</summary>
    public string? Particles { get; set; }
    /// <summary>Folder that relative names (images, micrographs) in <see cref="Particles"/> resolve against.</summary>
    public string? ParticlesBase { get; set; }
    public long ParticleCount { get; set; }
    /// <summary>Pixel size of the particle images as processed (A), from the particle STAR file.</summary>
    public double ImagePixelSize { get; set; }
    /// <summary>Pixel size of the micrographs as processed (A), from the micrograph STAR file.</summary>
    public double MicrographPixelSize { get; set; }
    /// <summary>Pixel size in the header of the data set's map (A).</summary>
    public double MapPixelSize { get; set; }
    /// <summary>Box of the data set's map (voxels).</summary>
    public int MapBox { get; set; }
    /// <summary>Box of the particle images, when the particle file names images.</summary>
    public int ImageBox { get; set; }
    public bool HasImages { get; set; }
    /// <summary>Its particles were extracted by the merge (they carry the true pixel size already).</summary>
    public bool ReExtracted { get; set; }
    /// <summary>Its particle file was relabelled to the true pixel size (<see cref="RelabelStage"/>).</summary>
    public bool Relabelled { get; set; }
    /// <summary>The pixel size its images have in the merged file (A).</summary>
    public double MergedImagePixelSize => Relabelled ? ImagePixelSize * Scale : ImagePixelSize;
    public int MicrographCount { get; set; }
    /// <summary>blob/sign of particles read from a .cs file (-1: dark); null for STAR input (white).</summary>
    public float? BlobSign { get; set; }

    /// <summary>True over nominal pixel size: every pixel size of the data set is multiplied by this.</summary>
    public double Scale => PixelSize is double p && NominalPixelSize > 0 ? p / NominalPixelSize : 1;
    /// <summary>What the profile stage scores, from the pixel-size fit; cleared once the profile is in.</summary>
    public PixelSizeProfilePlan? ProfilePlan { get; set; }
    /// <summary>
    /// Score against candidate pixel size around the fitted one (the paper's Fig. 6a), on the map's scale.
    /// </summary>
    public List<ScaleProfilePoint>? PixelSizeProfile { get; set; }
    /// <summary>Masked FSC between the maps at the nominal and at the fitted pixel size (Fig. 3b).</summary>
    public FscCurve? FscBefore { get; set; }
    public FscCurve? FscAfter { get; set; }
    /// <summary>Resolution of its map (A), when measured or stated to choose the reference.</summary>
    public double? MapResolution { get; set; }
    /// <summary>How <see cref="MapResolution"/> was found.</summary>
    public MapResolutionSource? MapResolutionSource { get; set; }
    /// <summary>Numbers stages record (box pair, pixel reached, ...), shown in the summary.</summary>
    public DataSetValues Values { get; set; } = new();
}

/// <summary>A pixel size fitted from a map and its honest range (A).</summary>
public sealed record PixelSizeFit(double PixelSize, double Low, double High)
{
    /// <summary>Half the range, relative to the pixel size.</summary>
    public double HalfRange => (High - Low) / 2 / PixelSize;

    public bool Contains(double pixelSize) => Low <= pixelSize && pixelSize <= High;
}

/// <summary>The candidates of a data set's score profile and the level and maps to score them with.</summary>
public sealed record PixelSizeProfilePlan(
    MapFitFiles Maps, ScaleLevel Level, IReadOnlyList<ScaleCandidate> Candidates);

/// <summary>
/// The state of a merge between stages: the plan plus what each stage found. It is plain JSON so that a
/// coordinator can checkpoint it and resume after a failure, and so that a person can read it.
/// </summary>
public sealed class MergeState
{
    public MergePlan Plan { get; set; } = null!;
    public Dictionary<string, DataSetState> DataSets { get; set; } = [];
    /// <summary>The merged particle STAR file, once joined.</summary>
    public string? MergedParticles { get; set; }
    /// <summary>The merged particles as a cryoSPARC .cs file, when the plan asks for one.</summary>
    public string? MergedCryosparc { get; set; }
    public long MergedParticleCount { get; set; }
    /// <summary>Summary files (text, JSON, plots) once written.</summary>
    public List<string> SummaryFiles { get; set; } = [];
    /// <summary>How much scale error each data set may carry, and what it costs (<see cref="MergeVerdict"/>).</summary>
    public List<ScaleErrorVerdict> Verdicts { get; set; } = [];
    /// <summary>Messages for the user (warnings, notes).</summary>
    public List<string> Notes { get; set; } = [];
    /// <summary>Why the reference is the reference (named in the plan, or the highest-resolution map and how that was
    /// measured).</summary>
    public string? ReferenceReason { get; set; }
    /// <summary>Every relative scale known between two data sets: each against the reference, and pairs of others
    /// fitted map to map.</summary>
    public List<PairScale> PairScales { get; set; } = [];
    /// <summary>The consistency of <see cref="PairScales"/> around every triangle of data sets.</summary>
    public List<ScaleCycle> ScaleCycles { get; set; } = [];
    /// <summary>The shards of a reconstruction job's maps, once its first stage has planned them.</summary>
    public ReconstructionPlan? Reconstruction { get; set; }
    /// <summary>Maps a reconstruction job wrote.</summary>
    public List<ReconstructedMap> Maps { get; set; } = [];
    /// <summary>
    /// The assessment's maps and report, when the plan has an <c>assess</c> section (or <c>cryomerge assess</c> ran).
    /// </summary>
    public Assessment.AssessmentState? Assessment { get; set; }

    public static MergeState Start(MergePlan plan) => new()
    {
        Plan = plan,
        DataSets = plan.DataSets.ToDictionary(d => d.Name, d => new DataSetState
        {
            Name = d.Name,
            NominalPixelSize = d.NominalPixelSize ?? 0,
            PixelSize = d.PixelSize,
            Micrographs = d.Micrographs,
            Particles = d.Particles,
        }),
    };

    /// <summary>
    /// The first output of a finished merge that is no longer on disk (the merged particles, the summary, a
    /// reconstructed map), or null when all are there: a finished job stands for its outputs only while they are.
    /// </summary>
    public string? MissingOutput()
    {
        var outputs = new List<string?> { MergedParticles, MergedCryosparc };
        outputs.AddRange(SummaryFiles);
        outputs.AddRange(Maps.Select(m => m.Output));
        return outputs.OfType<string>().FirstOrDefault(path => !File.Exists(path));
    }

    public string ToJson() => JsonSerializer.Serialize(this, WorkJson.Options);

    public static MergeState FromJson(string json) =>
        JsonSerializer.Deserialize<MergeState>(json, WorkJson.Options)
        ?? throw new InvalidOperationException("empty merge state");

    /// <summary>Folder of a data set's outputs inside the plan's output folder.</summary>
    public string DataSetFolder(string dataSet) =>
        OutputFiles.InsideFolder(Plan.Output, dataSet, "the plan's data set names");
}
