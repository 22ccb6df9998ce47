using System.Text.Json.Serialization;

namespace CryoMerge.Core.Merging;

/// <summary>How data set II joins the reference (the paper's methods).</summary>
public enum MergeMethod
{
    /// <summary>Method 1: rescale data set II's micrographs to the reference pixel size, rescale its coordinates,
    /// re-extract.</summary>
    RescaleMicrographs = 1,
    /// <summary>Method 2: re-extract data set II's particles at one box, Fourier-rescale to another, window to the
    /// reference box.</summary>
    ReExtract = 2,
    /// <summary>Method 3 (RELION >= 3.1): give data set II's optics groups the relative pixel size; no image is
    /// touched.</summary>
    Relabel = 3,
}

/// <summary>One data set of a merge plan. Paths are absolute after <see cref="MergePlanReader"/> has resolved
/// them.</summary>
/// <param name="Name">Short unique name, used for folders, optics-group names and reports.</param>
/// <param name="Micrographs">Micrograph STAR file with CTF values (micrographs_ctf.star), for methods 1 and 2.</param>
/// <param name="Particles">Particle or coordinate STAR file.</param>
/// <param name="Map">A map refined from this data set alone, to find the relative pixel size.</param>
/// <param name="HalfMap2">Optional second half map, for the uncertainty of the pixel size.</param>
/// <param name="NominalPixelSize">The pixel size the data set was processed with (A); read from the STAR file when
/// absent.</param>
/// <param name="PixelSize">The pixel size to trust (A): given for the reference, found by the merge when
/// absent.</param>
/// <param name="Resolution">The resolution of its map (A) as the user knows it, to choose the reference by; measured
/// when absent.</param>
/// <param name="CryosparcProject">For particles given as a cryoSPARC .cs file: the cryoSPARC project folder its file
/// names are relative to.</param>
public sealed record DataSetPlan(
    string Name,
    string? Micrographs,
    string? Particles,
    string? Map,
    string? HalfMap2 = null,
    double? NominalPixelSize = null,
    double? PixelSize = null,
    double? Resolution = null,
    string? CryosparcProject = null)
{
    /// <summary>True when the particles are a cryoSPARC .cs file, which the first stage converts.</summary>
    public bool ParticlesFromCryosparc => Particles is not null && CryosparcConversion.IsCryosparc(Particles);
}

/// <summary>The form(s) of the merged particles (plan key <c>outputFormat</c>).</summary>
public enum MergeOutputFormat
{
    /// <summary>particles.star (RELION 3.1+).</summary>
    Star,
    /// <summary>particles.cs for cryoSPARC; the STAR file the merge works with goes to star/particles.star.</summary>
    Cryosparc,
    /// <summary>particles.star and particles.cs side by side.</summary>
    Both,
}

/// <summary>How the reference of a merge is chosen.</summary>
public enum ReferenceChoice
{
    /// <summary>Named in the plan.</summary>
    Plan,
    /// <summary>The data set with the highest-resolution map, once the maps are measured (the first data set with a map
    /// until then).</summary>
    HighestResolution,
    /// <summary>The first data set: no map to judge by.</summary>
    First,
}

/// <summary>Extraction boxes for method 2 (and the final box for method 1); null values are chosen
/// automatically.</summary>
/// <param name="Box">Extraction box in micrograph pixels of data set II.</param>
/// <param name="Scale">Box after Fourier rescaling.</param>
/// <param name="Window">Final box (the reference's).</param>
/// <param name="BackgroundDiameter">Background circle in pixels before rescaling (RELION GUI convention).</param>
public sealed record ExtractionBoxes(int? Box = null, int? Scale = null, int? Window = null,
    int? BackgroundDiameter = null,
    bool Invert = true, bool Normalize = true, int? MinBox = null, int? MaxBox = null);

/// <summary>
/// Everything a merge needs: the data sets (one of them the reference), the method, boxes and the output folder.
/// Read from YAML or JSON by <see cref="MergePlanReader"/>.
/// </summary>
/// <param name="Assess">The optional last stage: did the merge help (<see cref="AssessmentPlan"/>)?</param>
/// <param name="Overwrite">
/// Replace files in the output folder that cryomerge did not write there (see <see cref="OutputRecord"/>).
/// </param>
/// <param name="Maps">
/// A reconstruction job (<c>cryomerge reconstruct --shards/--cluster</c>): no data sets, only these maps, reconstructed
/// in particle shards of <see cref="ParticlesPerShard"/> (<see cref="MergeStages.Reconstruction"/>); the output folder
/// is the job's work folder of shard files.
/// </param>
/// <param name="Project">The RELION project folder the merged STAR file's names are relative to (RELION runs from
/// there): the plan's folder unless the plan names another.</param>
public sealed record MergePlan(
    string Name,
    string Output,
    MergeMethod Method,
    string Reference,
    IReadOnlyList<DataSetPlan> DataSets,
    ExtractionBoxes? Extraction = null,
    string PixelSizeMethod = "fit",
    double? ParticleDiameter = null,
    double? ExpectedResolution = null,
    int ParticlesPerShard = 2000,
    ReferenceChoice ReferenceFrom = ReferenceChoice.Plan,
    MergeOutputFormat OutputFormat = MergeOutputFormat.Star,
    bool Overwrite = false,
    IReadOnlyList<Reconstruction.MapRequest>? Maps = null,
    string? Project = null,
    AssessmentPlan? Assess = null)
{
    /// <summary>True for a job that only reconstructs <see cref="Maps"/>.</summary>
    [JsonIgnore]
    public bool IsReconstruction => Maps is { Count: > 0 } && DataSets.Count == 0;

    /// <summary>Where the merged STAR file's names resolve from: <see cref="Project"/>, else the output's parent.
    /// </summary>
    [JsonIgnore]
    public string ProjectDirectory => Project ?? Path.GetDirectoryName(Path.GetFullPath(Output)) ?? ".";

    // Derived, not part of the plan's JSON (nor of its job id).
    [JsonIgnore]
    public DataSetPlan ReferenceDataSet => DataSets.Single(d => d.Name == Reference);

    [JsonIgnore]
    public IEnumerable<DataSetPlan> Others => DataSets.Where(d => d.Name != Reference);
}
