using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core;
using CryoMerge.Core.Imaging;
using Matrix3 = CryoMerge.Core.Matrix3;

namespace CryoMerge.Cli.Commands;

/// <summary>One point of the score profile: a candidate pixel size of map 2 and its score.</summary>
internal sealed record ProfilePoint(double PixelSize, double Score);

/// <summary>What <c>pixel-size</c> prints and plots, whichever method found it.</summary>
/// <param name="ScoreName">What <see cref="Score"/> and the profile measure (higher or lower is better).</param>
/// <param name="Rotation">Rotation that puts map 2 on map 1 (null for the sweep, which assumes one
/// orientation).</param>
/// <param name="Shift">Translation (A) of map 2's box centre in map 1's frame, from map 1's box centre.</param>
internal sealed record PixelSizeOutcome(
    string Method, double Best, double Low, double High, double ReferencePixelSize, double NominalPixelSize,
    double? StandardError, Matrix3? Rotation, Vector3d? Shift, bool Mirrored, double Score, string ScoreName,
    FscCurve Before, FscCurve After, IReadOnlyList<ProfilePoint> Profile, IReadOnlyList<string> Warnings,
    ScaleFitResult? Fit)
{
    /// <summary>Map 2's pixel size on map 1's scale over its nominal pixel size.</summary>
    public double RelativeScale => Best / NominalPixelSize;

    /// <summary>Map 1's pixel size over map 2's (the ratio of the data sets' pixel sizes).</summary>
    public double PixelRatio => ReferencePixelSize / Best;

    public static PixelSizeOutcome FromFit(CliConsole console, ScaleFitInput input, ScaleFitOptions options)
    {
        var r = ScaleFitter.Fit(console.Fft, input, options, console.Note);
        var (e, a) = (r.Estimate, r.Alignment);
        return new PixelSizeOutcome("fit", e.PixelSize, e.Low, e.High, e.ReferencePixelSize, e.NominalPixelSize,
            e.StandardError,
            a.Pose.Rotation, a.Pose.Translation, r.Hand.Opposite, a.Correlation,
            "masked correlation (higher is better)",
            r.Fsc.Before, r.Fsc.After, r.Profile.Points.Select(p => new ProfilePoint(p.PixelSize,
            p.Correlation)).ToList(),
            r.Warnings.ToList(), r);
    }

    public static PixelSizeOutcome FromSweep(CliConsole console, MapVolume reference, MapVolume map, Grid? mask,
        bool halves)
    {
        var warnings = new List<string>();
        if (mask is not null) warnings.Add(
            "fsc-sweep compares the whole boxes, as the paper's script does; --mask is not used");
        if (halves) warnings.Add("fsc-sweep uses --ref and --map only; the second half maps are not used");
        var maps = FscSweepMaps.Prepare(reference.Grid, reference.PixelSize, map.Grid, reference.Name, map.Name);
        int count = 0;
        var sweep = FscSweep.Run(console.Fft, maps, map.PixelSize, s =>
        {
            // The script's per-trial line, numbered.
            if (++count % 10 == 0 || count == 1)
                console.Note(string.Create(CultureInfo.InvariantCulture,
                    $"candidate {count}: angpix {s.PixelSize:0.###} A -> box {s.Box}, score {s.Score:0.###} A"));
        });
        foreach (var p in sweep.Passes)
            console.Note(string.Create(CultureInfo.InvariantCulture,
                $"pass step {p.Step:0.###} A: BEST:{p.Best:0.####} range:{p.Low:0.####} - {p.High:0.####}"));
        var before = FscSweep.EvaluateCandidate(console.Fft, maps, map.PixelSize);
        var after = FscSweep.EvaluateCandidate(console.Fft, maps, sweep.Best);
        var profile = sweep.AllCandidates.GroupBy(c => Math.Round(c.PixelSize, 6)).Select(g => g.First())
            .OrderBy(c => c.PixelSize).Select(c => new ProfilePoint(c.PixelSize, c.Score)).ToList();
        return new PixelSizeOutcome("fsc-sweep", sweep.Best, sweep.Low, sweep.High, reference.PixelSize,
            map.PixelSize, null,
            null, null, false, after.Score.Score, "mean resolution at FSC 0.5, 0.4, 0.3, 0.2 in A (lower is better)",
            before.Curve, after.Curve, profile, warnings, null);
    }
}
