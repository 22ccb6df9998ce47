using CryoMerge.Tests;

namespace CryoMerge.Core.Tests;

public sealed class TemporaryFileSweepTests
{
    private const string Suffix = OutputFiles.TemporarySuffix;

    [Fact]
    public async Task TemporaryNamesCarryTheWriterOfTheirFlowOfWorkOnly()
    {
        using var dir = new TempDir();
        string none = OutputFiles.TemporaryPathFor(dir.File("a.mrc"));
        string tagged = await Task.Run(() =>
        {
            OutputFiles.Writer = "silo-10.0.0.7:11111@42";   // made safe for a file name
            return OutputFiles.TemporaryPathFor(dir.File("a.mrc"));
        });
        Assert.Null(TemporaryFileSweep.WriterOf(Path.GetFileName(none)));
        Assert.Equal("silo-10_0_0_7_11111_42", TemporaryFileSweep.WriterOf(Path.GetFileName(tagged)));
        Assert.Null(OutputFiles.Writer);   // the other flow's writer did not leak here
        Assert.Null(TemporaryFileSweep.WriterOf("a.mrc"));
        // As the plot renderer names its temporary files.
        string plot = $".x.png.{Guid.NewGuid():N}.w1{OutputFiles.TemporarySuffix}.png";
        Assert.Equal("w1", TemporaryFileSweep.WriterOf(plot));
    }

    [Fact]
    public void OnlyLeftoversOfDeadWritersAreDeleted()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("sub"));
        string Temp(string folder, string? writer) =>
            Path.Combine(folder, $".f.mrcs.{Guid.NewGuid():N}{(writer is null ? "" : "." + writer)}{Suffix}");
        string dead = Temp(dir.File("sub"), "dead"), alive = Temp(dir.Path, "alive"), anonymous = Temp(dir.Path, null);
        string output = dir.File("f.mrcs");
        foreach (var f in new[] { dead, alive, anonymous, output }) File.WriteAllText(f, "x");

        Assert.Equal(1, TemporaryFileSweep.DeleteLeftovers(dir.Path, writer => writer == "dead"));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(alive) && File.Exists(anonymous) && File.Exists(output));
        Assert.Equal(0, TemporaryFileSweep.DeleteLeftovers(dir.File("missing"), _ => true));
    }
}
