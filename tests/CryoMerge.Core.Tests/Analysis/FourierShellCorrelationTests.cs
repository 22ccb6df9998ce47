using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Tests.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>FSC, masked correlation and the resolution conventions, against relion_image_handler on real
/// maps.</summary>
public sealed class FourierShellCorrelationTests
{
    [Fact]
    public void AMapCorrelatesPerfectlyWithItselfAndTheCurveIsSymmetric()
    {
        var a = ImagingTestData.Noise(new Shape3(24, 24, 24), 1);
        var b = ImagingTestData.Noise(new Shape3(24, 24, 24), 2);
        var self = FourierShellCorrelation.Relion(AnalysisTestData.Fft, a, a, 1.5);
        Assert.All(self.Fsc, v => Assert.Equal(1.0, v, 6));
        Assert.Equal(13, self.ShellCount);   // shells 0 .. N/2
        var ab = FourierShellCorrelation.Relion(AnalysisTestData.Fft, a, b, 1.5);
        var ba = FourierShellCorrelation.Relion(AnalysisTestData.Fft, b, a, 1.5);
        for (int i = 0; i < ab.ShellCount; i++) Assert.Equal(ab.Fsc[i], ba.Fsc[i], 12);
        Assert.Equal(24 * 1.5 / 4, ab.Resolution(4), 12);
        Assert.Equal(999, ab.Resolution(0));
    }

    [Fact]
    public void ResolutionConventionsFollowRelionAndThePaperScript()
    {
        // Shells at 10, 5, 3.33, 2.5 A (box 20 x 1 A... labels only matter here).
        var curve = new FscCurve([1.0, 0.9, 0.6, 0.3, 0.1, 0.05], [1 / 999.0, 0.1, 0.2, 0.3, 0.4, 0.5], new long[6]);
        // RELION: last shell before the first one below the threshold.
        Assert.Equal(1 / 0.2, curve.ResolutionAt(0.5), 12);
        Assert.Equal(1 / 0.3, curve.ResolutionAt(0.143), 12);
        // Script: interpolate in A between 5 A (0.6) and 3.33 A (0.3) at 0.5.
        double expected = 5 + (1 / 0.3 - 5) * (0.6 - 0.5) / (0.6 - 0.3);
        Assert.Equal(expected, curve.InterpolatedResolutionAt(0.5), 12);
        // Never below 0.01: the last shell.
        Assert.Equal(2.0, curve.InterpolatedResolutionAt(0.01), 12);
        // Shells at or below -0.5 are skipped by the script.
        var dip = new FscCurve([1.0, -0.7, 0.8, 0.2], [1 / 999.0, 0.1, 0.2, 0.3], new long[4]);
        Assert.Equal(5 + (1 / 0.3 - 5) * (0.8 - 0.5) / (0.8 - 0.2), dip.InterpolatedResolutionAt(0.5), 12);
    }

    [Fact]
    public void MaskedCorrelationIsAboutTheWeightedMean()
    {
        float[] a = [1, 2, 3, 4, 100];
        float[] b = [10, 20, 30, 40, -7];
        float[] w = [1, 1, 1, 1, 0];
        Assert.Equal(1.0, MaskedCorrelation.Compute(a, b, w), 12);
        Assert.Equal(1.0, MaskedCorrelation.Compute(a.AsSpan(0, 4), b.AsSpan(0, 4), default), 12);
        Assert.True(MaskedCorrelation.Compute(a, b, default) < 0);
    }

    public static TheoryData<string, string?, double> RealPairs() => new()
    {
        { "ngl/betaGal.mrc", "ngl/localResolution.mrc", 3.54 },
        { "ngl/betaGal.mrc", null, 3.54 },              // against a noisy copy of itself
        { "tempy/emd_5168.map", "tempy/emd_5170.map", 1.742 },
        { "sfftk/emd_1832.map", null, 5.7 },
    };

    [Theory]
    [MemberData(nameof(RealPairs))]
    public void FscEqualsRelionImageHandlerOnRealMaps(string first, string? second, double angpix)
    {
        Requires.SharedData();
        Requires.Relion();
        using var dir = new TempDir();
        var a = AnalysisTestData.ReadGrid(TestFiles.RealFile(first));
        Grid b;
        string bPath;
        if (second is null)
        {
            b = a.Clone();
            var rng = new Random(7);
            double sd = ImagingTestData.StdDev(a.Data);
            for (int i = 0; i < b.Data.Length; i++) b.Data[i] += (float)(sd * 2 * (rng.NextDouble() - 0.5));
            bPath = dir.File("noisy.mrc");
            MrcWriter.WriteFile(bPath, b.Shape, b.Data, new MrcWriteOptions { PixelSize = Vector3d.All(angpix) });
        }
        else
        {
            bPath = TestFiles.RealFile(second);
            b = AnalysisTestData.ReadGrid(bPath);
        }
        string Arg(string p) => p.EndsWith(".map") ? p + ":mrc" : p;
        var run = Tool.Run("relion_image_handler", ["--i", Arg(TestFiles.RealFile(first)), "--fsc", Arg(bPath),
            "--angpix", angpix.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var table = StarFile.Parse(run.Stdout).Block("fsc").Table!;

        var ours = FourierShellCorrelation.Relion(AnalysisTestData.Fft, a, b, angpix);
        Assert.Equal(table.RowCount, ours.ShellCount);
        for (int i = 0; i < table.RowCount; i++)
        {
            Assert.Equal(i, table.GetInt(i, "rlnSpectralIndex"));
            double theirs = table.GetDouble(i, "rlnFourierShellCorrelation");
            Assert.True(Math.Abs(theirs - ours.Fsc[i]) <= 1e-4, $"shell {i}: RELION {theirs}, ours {ours.Fsc[i]}");
            Assert.Equal(table.GetDouble(i, "rlnAngstromResolution"), ours.Resolution(i), 3);
        }
    }

    [Theory]
    [InlineData("ngl/betaGal.mrc")]
    [InlineData("tempy/emd_5170.map")]
    public void CentreOfMassShiftEqualsRelionShiftCom(string map)
    {
        Requires.SharedData();
        Requires.Relion();
        using var dir = new TempDir();
        string input = TestFiles.RealFile(map);
        var run = Tool.Run("relion_image_handler", ["--i", input + (map.EndsWith(".map") ? ":mrc" : ""), "--o",
            dir.File("com.mrc"), "--shift_com"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var g = AnalysisTestData.ReadGrid(input);
        // RELION prints " Center of mass: x= .. y= .. z= .."
        var com = RelionCentreOfMass.Of(g);
        string line = run.Stdout.Split('\n').First(l => l.Contains("Center of mass"));
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double Value(string key) => double.Parse(parts[Array.IndexOf(parts, key) + 1], CultureInfo.InvariantCulture);
        Assert.Equal(Value("x="), com.X, 3);
        Assert.Equal(Value("y="), com.Y, 3);
        Assert.Equal(Value("z="), com.Z, 3);

        var ours = RelionCentreOfMass.Centre(g);
        var theirs = AnalysisTestData.ReadGrid(dir.File("com.mrc"));
        var (d, i) = ImagingTestData.MaxDifference(theirs.Data, ours.Data);
        Assert.True(d <= 1e-4 * ImagingTestData.StdDev(theirs.Data),
            $"voxel {i}: RELION {theirs.Data[i]}, ours {ours.Data[i]}");
    }
}
