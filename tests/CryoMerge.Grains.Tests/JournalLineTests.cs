using CryoMerge.Core.Extraction;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Grains.Jobs;
using CryoMerge.Grains.Workers;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Grains.Tests;

/// <summary>
/// The job store keeps a journal line per finished item: its size must not grow with what the item holds, or the
/// store's bytes per item grow with the job (an extraction item groups more micrographs as the job grows).
/// </summary>
public sealed class JournalLineTests
{
    [Fact]
    public async Task AnExtractionItemOfFiftyMicrographsTakesTheJournalLineOfAnItemOfOne()
    {
        using var dir = new TempDir();
        var fft = FftBackends.Create();
        var simulation = new SimulationSettings
        {
            Micrographs = 50, ParticlesPerMicrograph = 2, MicrographWidth = 96, MicrographHeight = 96, Box = 32,
            TruePixelSize = 2, NominalPixelSize = 2, Seed = 5,
        };
        SimulatedDataSet.Write(fft, Phantom.Default, "phantom", simulation, dir.File("data"), threads: 2,
            cancel: TestContext.Current.CancellationToken);
        var settings = new ExtractionSettings { Box = 32, Window = 24, BackgroundRadius = 10, Invert = true };
        var plan = IndexedExtractionPlanner.Plan(Path.Combine(dir.File("data"), SimulatedDataSet.MicrographsStarName),
            Path.Combine(dir.File("data"), SimulatedDataSet.ParticlesStarName), settings, dir.File("out"));
        plan.WriteIndex();
        Assert.Equal(50, plan.Items.Count);

        var journal = new FileJobJournal(dir.File("store"));
        var lines = new List<string>();
        foreach (int count in new[] { 1, 50 })
        {
            // keyed as ExtractBatches keys a group: its first stack and how many follow
            string key = count == 1 ? plan.Items[0].StackPath : $"{plan.Items[0].StackPath} (+{count - 1})";
            var item = ExtractStage.Work.Item(new WorkItemId("extract", "DS2", key),
                new ExtractStage.Parameters(plan.IndexPath, plan.Items.Take(count).ToList(), plan.Settings));
            var result = MergeStages.Handlers.Execute(item, new WorkEnvironment(fft),
                TestContext.Current.CancellationToken);
            Assert.Equal(count, result.OutputFiles.Count);
            var response = WorkItemGrain.Succeeded(item.Id.ToString(), item.Kind, result, "silo-1", 0.25);
            Assert.Equal(count, response.Outputs.Count);
            Assert.Equal(result.OutputFiles.Sum(f => new FileInfo(f).Length), response.Outputs.Bytes);
            Assert.Equal(plan.Items[0].StackPath, response.Outputs.FirstPath);
            var summary = ExtractStage.Work.ResultOf(result);
            Assert.Equal((count, 2L * count), (summary.Micrographs, summary.Particles));
            string run = $"run{count}";
            await journal.AppendAsync("job", run, 5, [new JournalEntry(response, DateTimeOffset.UnixEpoch)],
                TestContext.Current.CancellationToken);
            lines.Add(File.ReadAllLines(Path.Combine(journal.JobFolder("job"), $"{run}.5.jsonl")).Single());
            Assert.Equal(response, journal.Read("job", run, 5).Single().Response);
        }
        foreach (string line in lines) TestContext.Current.TestOutputHelper?.WriteLine(line);
        // Only the item's id (" (+49)") and the digits of its counts differ; a list of what each micrograph gave or
        // of every stack written would add about 250 bytes per micrograph.
        Assert.InRange(lines[1].Length - lines[0].Length, 0, 32);
    }

    [Fact]
    public void TheOutputsHashChangesWithAnyFileAndWithBytesMovedBetweenThem()
    {
        using var dir = new TempDir();
        string a = dir.File("a"), b = dir.File("b");
        string Hash(string first, string second)
        {
            File.WriteAllText(a, first);
            File.WriteAllText(b, second);
            return Core.FileHash.Contents([a, b]);
        }
        string original = Hash("ab", "c");
        Assert.Equal(original, Hash("ab", "c"));
        Assert.NotEqual(original, Hash("a", "bc"));
        Assert.NotEqual(original, Hash("ab", "d"));
    }
}
