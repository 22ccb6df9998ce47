using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// The two maps of the paper's sweep, prepared once: the reference moved to its centre of mass and map 2 moved to
/// its own (relion_image_handler --shift_com on each), with the reference pixel size and box.
/// </summary>
public sealed record FscSweepMaps(Grid Reference, double ReferencePixelSize, Grid Map)
{
    /// <summary>Checks shapes (RELION rescales cubes, --fsc needs equal shapes) and centres both maps.</summary>
    public static FscSweepMaps Prepare(Grid reference, double referencePixelSize, Grid map,
        string referenceName = "reference", string mapName = "map")
    {
        if (reference.Shape.X != reference.Shape.Y || reference.Shape.Y != reference.Shape.Z)
            throw new CryoMergeInputException(referenceName,
                $"the FSC sweep needs a cubic reference map, not {reference.Shape}; use --method fit");
        if (map.Shape.X != map.Shape.Y || map.Shape.Y != map.Shape.Z)
            throw new CryoMergeInputException(mapName,
                $"the FSC sweep rescales cubic maps only (as relion_image_handler does), not {map.Shape}; use " +
                $"--method fit");
        return new FscSweepMaps(RelionCentreOfMass.Centre(reference), referencePixelSize,
            RelionCentreOfMass.Centre(map));
    }

    public int ReferenceBox => Reference.Shape.X;
}

/// <summary>One candidate of the sweep: the pixel size tried, the even box RELION rescaled to, and the score.</summary>
/// <param name="PixelSize">Candidate pixel size of map 2 (A), given to RELION as --angpix.</param>
/// <param name="Box">Box that --rescale_angpix gave before re-windowing to the reference box.</param>
/// <param name="RealPixelSize">Pixel size really reached (reference pixel x Box / ... as RELION writes in the
/// header).</param>
/// <param name="Score">Mean resolution (A) at FSC 0.5, 0.4, 0.3, 0.2; lower is better.</param>
public sealed record FscSweepScore(double PixelSize, int Box, double RealPixelSize, double Score);

/// <summary>One pass of the coarse-to-fine sweep.</summary>
public sealed record FscSweepPass(double Step, double Start, double End, IReadOnlyList<FscSweepScore> Candidates,
    double Best, double Low, double High);

/// <summary>The sweep's answer: the last pass's plateau of equal best scores, and every pass.</summary>
public sealed record FscSweepResult(double Best, double Low, double High, IReadOnlyList<FscSweepPass> Passes)
{
    public IEnumerable<FscSweepScore> AllCandidates => Passes.SelectMany(p => p.Candidates);
}

/// <summary>
/// The paper's determine_relative_pixel_size.py (maxewilkinson/CryoEM-scripts, HEAD 890eb35), without the
/// subprocesses: every candidate pixel size a of map 2 is rescaled the RELION way (--angpix a --rescale_angpix
/// P1 --new_box N1 --shift_com), compared with the centred reference by relion_image_handler --fsc, and scored by
/// <see cref="FscCurve.PaperScore"/>. Passes with steps 0.1 ... 0.002 A, the first over [nominal - 0.4,
/// nominal + 0.3]; equal best scores form a plateau whose midpoint is BEST and whose ends are the range. Candidates
/// that RELION rescales to the same box give the same FSC, which is why the answer is quantised to about 2/N.
/// </summary>
public static class FscSweep
{
    public static readonly double[] PaperSteps = [0.1, 0.05, 0.02, 0.01, 0.005, 0.002];

    /// <summary>
    /// One candidate, a pure function (a grain can call it per candidate): the map rescaled as RELION would for
    /// <paramref name="candidatePixelSize"/>, windowed to the reference box, FSC against the reference.
    /// </summary>
    public static (FscSweepScore Score, FscCurve Curve) EvaluateCandidate(IFftBackend fft, FscSweepMaps maps,
        double candidatePixelSize, int threads = 0)
    {
        var plan = RelionRescale.Plan(maps.Map.Shape, candidatePixelSize, maps.ReferencePixelSize);
        var curve = CurveForBox(fft, maps, plan, threads);
        return (new FscSweepScore(candidatePixelSize, plan.NewSize, plan.RealPixelSize, curve.PaperScore()), curve);
    }

    private static FscCurve CurveForBox(IFftBackend fft, FscSweepMaps maps, RescalePlan plan, int threads)
    {
        if (plan.NewSize < 2) throw new CryoMergeInputException("--angpix-nominal",
            $"pixel size {plan.PixelSize:0.####} A would rescale map 2 to {plan.NewSize} pixels");
        var rescaled = RelionRescale.Apply(fft, maps.Map, plan, threads);
        var box = new Shape3(maps.ReferenceBox, maps.ReferenceBox, maps.ReferenceBox);
        if (rescaled.Shape != box) rescaled = RealSpaceWindow.Window(rescaled, box);
        return FourierShellCorrelation.Relion(fft, maps.Reference, rescaled, maps.ReferencePixelSize);
    }

    /// <summary>Runs the whole sweep; candidates that give the same box are computed once.</summary>
    /// <param name="progress">Called after each candidate (for a progress line).</param>
    public static FscSweepResult Run(IFftBackend fft, FscSweepMaps maps, double nominalPixelSize,
        Action<FscSweepScore>? progress = null)
    {
        var byBox = new Dictionary<int, FscCurve>();
        FscSweepScore Evaluate(double a)
        {
            var plan = RelionRescale.Plan(maps.Map.Shape, a, maps.ReferencePixelSize);
            if (!byBox.TryGetValue(plan.NewSize, out var curve))
                byBox[plan.NewSize] = curve = CurveForBox(fft, maps, plan, 0);
            var score = new FscSweepScore(a, plan.NewSize, plan.RealPixelSize, curve.PaperScore());
            progress?.Invoke(score);
            return score;
        }

        const int initialRange = 3;
        double start = nominalPixelSize - initialRange * PaperSteps[0] - PaperSteps[0];
        double end = nominalPixelSize + initialRange * PaperSteps[0];
        var passes = new List<FscSweepPass>();
        var list = new List<FscSweepScore>();
        foreach (double step in PaperSteps)
        {
            double passStart = start;
            for (double a = start; a <= end; a = Math.Round(a + step, 5, MidpointRounding.ToEven))
            {
                // The script would hand RELION a non-positive pixel size; we skip such candidates.
                if (a > 0) list.Add(Evaluate(a));
            }
            if (list.Count == 0) throw new CryoMergeInputException("--angpix-nominal",
                $"no positive candidate pixel size near {nominalPixelSize}");
            // The script's plateau rule: a strictly lower score restarts the plateau, an equal one extends it.
            double min = list[0].Score;
            int indexStart = 0, indexEnd = 0, bestStart = 0, bestEnd = 0;
            for (int i = 1; i < list.Count; i++)
            {
                if (list[i].Score < min)
                {
                    min = list[i].Score;
                    indexStart = i - 1;
                    indexEnd = i + 1;
                    bestStart = bestEnd = i;
                }
                else if (list[i].Score == min)
                {
                    indexEnd = i + 1;
                    bestEnd = i;
                }
            }
            double low = list[bestStart].PixelSize, high = list[bestEnd].PixelSize;
            passes.Add(new FscSweepPass(step, passStart, end, list.ToArray(), low + (high - low) / 2, low, high));
            indexEnd = Math.Min(indexEnd, list.Count - 1);
            start = list[indexStart].PixelSize;
            end = list[indexEnd].PixelSize;
            // The next pass starts with the left neighbour carried over (the script's list also repeats it).
            var carried = list[indexStart];
            list = [carried];
        }
        var last = passes[^1];
        return new FscSweepResult(last.Best, last.Low, last.High, passes);
    }
}
