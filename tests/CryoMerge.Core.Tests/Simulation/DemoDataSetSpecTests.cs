using CryoMerge.Core.Simulation;

namespace CryoMerge.Core.Tests.Simulation;

/// <summary>What the demo's data sets are: the README's two, then realistic sessions on other microscopes.</summary>
public sealed class DemoDataSetSpecTests
{
    [Fact]
    public void TheDefaultIsTheReadmesTwoDataSets()
    {
        var specs = new DemoSettings().Specs;
        Assert.Equal(2, specs.Count);
        var (ds1, ds2) = (specs[0], specs[1]);
        Assert.Equal(("DS1", 1.0, 1.0, 96, 96, 6.0, "mic"), (ds1.Name, ds1.TruePixelSize, ds1.NominalPixelSize, ds1.Box,
            ds1.MapBox, ds1.MapResolution, ds1.MicrographStem));
        Assert.Equal(("DS2", 1.3, 1.261, 74, 82, 7.0, "ds2_mic"), (ds2.Name, ds2.TruePixelSize, ds2.NominalPixelSize,
            ds2.Box, ds2.MapBox, ds2.MapResolution, ds2.MicrographStem));
        Assert.Equal(64, new DemoSettings().Specimen);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    public void MoreDataSetsHaveDistinctRealisticPixelSizesAndSomeAnotherMicroscope(int count)
    {
        var settings = new DemoSettings(DataSets: count, Box: 48);
        var specs = settings.Specs;
        Assert.Equal(count, specs.Count);
        Assert.Equal(specs.Count, specs.Select(s => s.TruePixelSize).Distinct().Count());
        Assert.Equal(specs.Count, specs.Select(s => s.MicrographStem).Distinct().Count());
        foreach (var s in specs.Skip(2))
        {
            Assert.InRange(s.TruePixelSize, 0.83, 1.45);
            double error = Math.Abs(s.NominalPixelSize / s.TruePixelSize - 1);
            Assert.InRange(error, 0.005, 0.03);
            // The same particle in A: the box times the pixel size is DS1's box in A, rounded up to an even box.
            Assert.Equal(0, s.Box % 2);
            Assert.InRange(s.Box * s.TruePixelSize, 48 * 1.0, 48 * 1.0 + 2 * s.TruePixelSize);
            Assert.True(s.DefocusMin < s.DefocusMax);
            // DS1's map is the finest, so that the merge's automatic reference is DS1.
            Assert.True(s.MapResolution > specs[0].MapResolution, $"{s.Name}: map at {s.MapResolution} A");
        }
        // Every third from DS3 on a 200 kV microscope, every third from DS5 on a Cs-corrected one.
        Assert.Equal(Enumerable.Range(3, count - 2).Where(n => n % 3 == 0),
            specs.Where(s => s.Voltage == 200).Select(s => s.Number));
        Assert.Equal(Enumerable.Range(3, count - 2).Where(n => n % 3 == 2),
            specs.Where(s => s.SphericalAberration < 0.1).Select(s => s.Number));
        Assert.Equal(32, settings.Specimen);
    }
}
