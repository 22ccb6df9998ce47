namespace CryoMerge.Core.Assessment;

/// <summary>What the assessment stages have made and found, in the merge state.</summary>
public sealed class AssessmentState
{
    /// <summary>The particle file and each data set's optics groups, once the first stage has looked.</summary>
    public AssessmentSource? Source { get; set; }

    /// <summary>The shards of the data sets' and the merge's half maps, once planned.</summary>
    public Reconstruction.ReconstructionPlan? MapsPlan { get; set; }

    /// <summary>The shards of the one-by-one series' half maps (more than two data sets), once planned.</summary>
    public Reconstruction.ReconstructionPlan? StepsPlan { get; set; }

    /// <summary>Every pair of half maps made so far.</summary>
    public List<AssessedMap> Maps { get; set; } = [];

    /// <summary>Data sets best first, once measured (more than two data sets).</summary>
    public List<string>? Order { get; set; }

    public AssessmentReport? Report { get; set; }

    /// <summary>Files written by the report (CSV, PNG).</summary>
    public List<string> Files { get; set; } = [];
}
