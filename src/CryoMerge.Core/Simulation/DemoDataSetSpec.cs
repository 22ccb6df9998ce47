using System.Globalization;

namespace CryoMerge.Core.Simulation;

/// <summary>One data set of the demo: a session on one microscope, with the truth the merge should find.</summary>
/// <param name="Number">1 for DS1 (whose true pixel size is the scale of the merge), 2 for DS2, ...</param>
/// <param name="TruePixelSize">The pixel size the micrographs are really sampled at (A), on DS1's scale.</param>
/// <param name="NominalPixelSize">The pixel size the session was processed with (A): a few % off but for DS1.</param>
/// <param name="Box">Particle box in its own pixels: the same size in A as DS1's box.</param>
/// <param name="MapBox">Box of its map (the refined-like map standing in for its own refinement).</param>
/// <param name="MapResolution">Resolution of its map (A); DS1's is the finest, so that DS1 is the automatic
/// reference.</param>
/// <param name="MapShift">How far its map is off-centre (voxels along each axis), as an independent refinement's
/// would be.</param>
public sealed record DemoDataSetSpec(
    int Number,
    double TruePixelSize,
    double NominalPixelSize,
    int Box,
    int MapBox,
    double DefocusMin,
    double DefocusMax,
    double Voltage,
    double SphericalAberration,
    double MapResolution,
    int MapShift,
    long Seed)
{
    public string Name => $"DS{Number}";

    /// <summary>Micrograph names: Micrographs/mic000001.mrc for DS1, Micrographs/ds2_mic000001.mrc for DS2...</summary>
    public string MicrographStem => Number == 1 ? "mic" : $"ds{Number}_mic";

    /// <summary>"300 kV, Cs 2.7 mm".</summary>
    public string Microscope =>
        string.Create(CultureInfo.InvariantCulture, $"{Voltage:0} kV, Cs {SphericalAberration:0.##} mm");

    /// <summary>
    /// The demo's data sets. DS1 and DS2 are the README's two (DS2's truth and error from the settings); DS3 on are
    /// sessions at other pixel sizes (0.83-1.4 A/px), boxes and defocus ranges, with nominal pixel sizes 1-2.5 % off,
    /// every third (DS3, DS6, ...) on a 200 kV microscope and every third (DS5, DS8, ...) on a Cs-corrected one.
    /// </summary>
    public static IReadOnlyList<DemoDataSetSpec> For(DemoSettings s)
    {
        double p1 = s.ReferencePixelSize, sizeFactor = s.Specimen / DemoSettings.DefaultSpecimenSize;
        var specs = new List<DemoDataSetSpec>(s.DataSets)
        {
            new(1, p1, p1, s.Box, s.Box, 8000, 20000, 300, 2.7, ResolutionFor(6, sizeFactor, p1), 0, s.Seed),
            Other(s, 2, s.TruePixelSize, s.NominalError, (8000, 20000), (300, 2.7), 7, shift: 3, sizeFactor),
        };
        for (int number = 3; number <= s.DataSets; number++)
        {
            int k = number - 3, lap = k / TruePixelSizes.Length;
            // Beyond the table's length the pixel sizes repeat 0.7 % larger per lap, so that every data set's differs.
            double truePixel = Math.Round(TruePixelSizes[k % TruePixelSizes.Length] * (1 + 0.007 * lap), 4);
            var microscope = (k % 3) switch { 0 => (200.0, 2.7), 1 => (300.0, 2.7), _ => (300.0, 0.01) };
            specs.Add(Other(s, number, truePixel, NominalErrors[k % NominalErrors.Length],
                DefocusRanges[k % DefocusRanges.Length], microscope, MapResolutions[k % MapResolutions.Length],
                shift: 1 + k % 4, sizeFactor));
        }
        return specs;
    }

    // The sessions after the first two: realistic pixel sizes (A), errors of the nominal pixel size (fraction), defocus
    // ranges (A) and map resolutions (A, at the default specimen size; all coarser than DS1's 6 A).
    private static readonly double[] TruePixelSizes = [0.83, 1.12, 1.4, 0.94, 1.21, 1.06, 0.88, 1.33];
    private static readonly double[] NominalErrors = [0.02, -0.015, 0.025, -0.02, 0.01, -0.025, 0.015, -0.01];
    private static readonly (double Min, double Max)[] DefocusRanges =
        [(6000, 15000), (10000, 24000), (7000, 18000), (9000, 22000), (5000, 14000), (8000, 26000)];
    private static readonly double[] MapResolutions = [6.5, 7.5, 8, 7, 7.5, 8];

    private static DemoDataSetSpec Other(DemoSettings s, int number, double truePixel, double nominalError,
        (double Min, double Max) defocus, (double Voltage, double Cs) microscope, double resolution, int shift,
        double sizeFactor)
    {
        int box = 2 * (int)Math.Ceiling(s.Box * s.ReferencePixelSize / truePixel / 2);
        double nominal = Math.Round(truePixel * (1 + nominalError), 4);
        return new DemoDataSetSpec(number, truePixel, nominal, box, box + 8, defocus.Min, defocus.Max,
            microscope.Voltage, microscope.Cs, ResolutionFor(resolution, sizeFactor, truePixel), shift,
            s.Seed + number - 1);
    }

    /// <summary>A map resolution for the specimen's size (finer for a smaller one), not below 2.5 pixels.</summary>
    private static double ResolutionFor(double atDefaultSize, double sizeFactor, double pixel) =>
        Math.Max(atDefaultSize * sizeFactor, 2.5 * pixel);
}
