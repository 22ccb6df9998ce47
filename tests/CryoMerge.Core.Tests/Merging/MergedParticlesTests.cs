using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// The merged particle file as RELION will use it, for every method: values in Angstrom on the true scale, images
/// whose particle sits where its origin says, names relative to the project folder, one name per micrograph.
/// </summary>
public sealed class MergedParticlesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void OriginsOfADataSetProcessedAtAWrongPixelSizeAreOnTheTrueScaleAndCentreEveryParticle(int method)
    {
        using var dir = new TempDir();
        var data = new BlobProjects(dir.Path, method);
        var state = Merge(data);
        var merged = StarDataSet.Read(state.MergedParticles!);
        Assert.Equal(data.Particles.Count, merged.Data.RowCount);
        var groups = merged.OpticsRowOfEachRow();
        var images = new Dictionary<string, List<int>> { ["DS1"] = [], ["DS2"] = [] };
        for (int r = 0; r < merged.Data.RowCount; r++) images[merged.OpticsName(groups[r])].Add(r);
        foreach (var (dataSet, rows) in images)
        {
            var expected = data.Particles.Where(p => p.DataSet == dataSet).ToList();
            Assert.Equal(expected.Count, rows.Count);
            double scale = dataSet == "DS2" ? BlobProjects.TruePixel2 / BlobProjects.NominalPixel2 : 1;
            for (int k = 0; k < rows.Count; k++)
            {
                int r = rows[k];
                var particle = expected[k];
                double ox = merged.Data.GetDouble(r, RelionLabels.OriginXAngst), oy = merged.Data.GetDouble(r,
                    RelionLabels.OriginYAngst);
                double pixel = merged.Optics!.GetDouble(groups[r], RelionLabels.ImagePixelSize);
                // 6.02916 A at 1.261 A/px is 6.21563 true A: the same shift in the sample, whatever the image's pixel
                // size. Method 1 moves the coordinates onto rescaled micrographs (x 1.3 / pixel reached): an origin
                // also
                // takes up the change of the truncated coordinate, at which RELION cuts the box.
                var (sx, sy) = (0.0, 0.0);
                if (method == 1 && dataSet == "DS2")
                {
                    double factor = BlobProjects.TruePixel2 / pixel;
                    sx = (Math.Truncate(merged.Data.GetDouble(r,
                        RelionLabels.CoordinateX)) - Math.Truncate(particle.X) * factor) * pixel;
                    sy = (Math.Truncate(merged.Data.GetDouble(r,
                        RelionLabels.CoordinateY)) - Math.Truncate(particle.Y) * factor) * pixel;
                }
                // RELION writes 6 significant digits.
                Assert.True(Math.Abs(particle.OriginXAngst * scale + sx - ox) < 1e-5 && Math.Abs(particle.OriginYAngst
                    * scale + sy - oy) < 1e-5,
                    $"method {method}, {dataSet} particle {k + 1}: origin ({ox}, {oy}) A, expected " +
                    $"({particle.OriginXAngst * scale + sx}, {particle.OriginYAngst * scale + sy})");

                // The image, shifted by its origin, is centred on the particle.
                var (index, stack) = RelionPaths.SplitImageName(merged.Data.GetString(r, RelionLabels.ImageName));
                Assert.False(Path.IsPathRooted(stack), stack);
                using var mrc = MrcFile.Open(Path.Combine(dir.Path, stack));
                var (bx, by) = BlobProjects.BlobOffset(mrc.ReadSection(index!.Value - 1), mrc.Shape.X);
                Assert.True(Math.Abs(bx + ox / pixel) < 0.03 && Math.Abs(by + oy / pixel) < 0.03,
                    $"method {method}, {dataSet} particle {k + 1}: blob at ({bx:0.000}, {by:0.000}) px from the " +
                    $"centre, origin says ({-ox / pixel:0.000}, {-oy / pixel:0.000})");
            }
        }
    }

    [Theory]
    [InlineData("Micrographs")]
    [InlineData("MotionCorr/job002/Micrographs")]
    public void NoTwoDataSetsShareAMicrographNameAndEveryNameResolvesFromTheProject(string folder)
    {
        // Both projects name their micrographs FOLDER/mic000001.mrc ...: relative to the plan's folder they differ
        // (DS1/..., DS2/...); under a jobNNN/ folder even the part after it, by which CtfRefine and Polish name their
        // per-micrograph files, must differ, so DS2's are renamed through links.
        using var dir = new TempDir();
        var data = new BlobProjects(dir.Path, method: 2, folder);
        var state = Merge(data);
        var merged = StarDataSet.Read(state.MergedParticles!);
        var groups = merged.OpticsRowOfEachRow();
        Assert.Equal(["DS1", "DS2"], Enumerable.Range(0, merged.Optics!.RowCount).Select(merged.OpticsName));
        var names = new Dictionary<string, HashSet<string>> { ["DS1"] = [], ["DS2"] = [] };
        for (int r = 0; r < merged.Data.RowCount; r++)
            names[merged.OpticsName(groups[r])].Add(merged.Data.GetString(r, RelionLabels.MicrographName));
        Assert.Equal(2, names["DS1"].Count);
        Assert.Equal(2, names["DS2"].Count);
        Assert.Empty(names["DS1"].Intersect(names["DS2"]));
        static string Post(string n) => RelionPaths.DecomposePipelineName(n).Post;
        Assert.Empty(names["DS1"].Select(Post).Intersect(names["DS2"].Select(Post)));
        foreach (var (dataSet, set) in names)
            foreach (string name in set)
            {
                Assert.False(Path.IsPathRooted(name), name);
                string file = Path.Combine(dir.Path, name);
                Assert.True(File.Exists(file), $"{name} does not resolve from {dir.Path}");
                // The same micrograph the data set's own project names (a link to it where renamed).
                string original = Path.Combine(dir.Path, dataSet, folder, Path.GetFileName(name));
                Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(file));
            }
        if (folder.Contains("job"))
        {
            Assert.All(names["DS1"], n => Assert.StartsWith($"DS1/{folder}/", n));
            Assert.All(names["DS2"], n => Assert.StartsWith("merged/DS2/Micrographs/", n));
            Assert.Contains(state.Notes, n => n.StartsWith("DS2: micrograph ", StringComparison.Ordinal));
        }
        else
        {
            Assert.All(names["DS2"], n => Assert.StartsWith($"DS2/{folder}/", n));
        }
    }

    [Fact]
    public void ADataSetWithSeveralOpticsGroupsNumbersThemAfterItsName()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.star"), """
            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnImagePixelSize #3
            grid1 1 1.0
            grid2 2 1.0

            data_particles

            loop_
            _rlnImageName #1
            _rlnOpticsGroup #2
            000001@a.mrcs 1
            000001@b.mrcs 2

            """);
        var set = StarDataSet.Read(dir.File("p.star"));
        ProjectNames.NameOpticsGroups(set, "Krios");
        Assert.Equal(["Krios_1", "Krios_2"], [set.OpticsName(0), set.OpticsName(1)]);
    }

    private static MergeState Merge(BlobProjects data)
    {
        var plan = MergePlanReader.Read(data.PlanPath);
        return new LocalMergeRunner(new WorkEnvironment(FftBackends.Create())).Run(plan, Token);
    }
}
