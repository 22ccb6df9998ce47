using System.Globalization;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Tests.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Rescaling;

/// <summary>Runs relion_image_handler on a file and compares its output with ours, image by image.</summary>
internal static class RelionComparison
{
    public static void RunRelion(string input, string output, double? rescaleAngpix, int? newBox = null,
        double? angpix = null)
    {
        var c = CultureInfo.InvariantCulture;
        var args = new List<string> { "--i", input + (input.EndsWith(".map") ? ":mrc" : ""), "--o", output };
        if (rescaleAngpix is double r) args.AddRange(["--rescale_angpix", r.ToString(c)]);
        if (newBox is int b) args.AddRange(["--new_box", b.ToString(c)]);
        if (angpix is double a) args.AddRange(["--angpix", a.ToString(c)]);
        var run = Tool.Run("relion_image_handler", args);
        Assert.True(run.ExitCode == 0, $"relion_image_handler failed: {run.Stderr}");
    }

    /// <summary>Same shape, same header pixel size, and every voxel within 1e-5 of its image's standard
    /// deviation.</summary>
    public static void AssertSame(string relionOutput, string ours, bool perImage)
    {
        using var relion = MrcFile.Open(relionOutput, MrcReadOptions.Permissive);
        using var mine = MrcFile.Open(ours);
        Assert.Equal(relion.Shape, mine.Shape);
        Assert.Equal(relion.PixelSize.X, mine.PixelSize.X, 1e-5 * relion.PixelSize.X);
        Assert.Equal(relion.PixelSize.Y, mine.PixelSize.Y, 1e-5 * relion.PixelSize.Y);
        int sections = perImage ? relion.SectionCount : 1;
        for (int s = 0; s < sections; s++)
        {
            var theirs = perImage ? relion.ReadSection(s) : relion.ReadAll();
            var ourData = perImage ? mine.ReadSection(s) : mine.ReadAll();
            var (d, i) = ImagingTestData.MaxDifference(theirs, ourData);
            double tolerance = 1e-5 * ImagingTestData.StdDev(theirs);
            Assert.True(d <= tolerance,
                $"{Path.GetFileName(ours)} image {s}, voxel {i}: RELION {theirs[Math.Max(i, 0)]}, ours " +
                $"{ourData[Math.Max(i, 0)]} (difference {d:G3} > {tolerance:G3})");
        }
    }
}
