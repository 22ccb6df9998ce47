using CryoMerge.Tests;

namespace CryoMerge.Core.Tests;

/// <summary>A run replaces only files cryomerge wrote into the folder unless --overwrite; a failed run leaves
/// nothing.</summary>
public sealed class OutputRecordTests
{
    [Fact]
    public void AFileCryomergeDidNotWriteIsRefusedAndKeptWhileItsOwnFilesAreReplaced()
    {
        using var dir = new TempDir();
        string folder = dir.File("out");
        string[] outputs = [Path.Combine(folder, "Movies", "a.mrcs"), Path.Combine(folder, "particles.star")];
        OutputRecord.Claim(folder, outputs, overwrite: false);
        Directory.CreateDirectory(Path.Combine(folder, "Movies"));
        foreach (var f in outputs) File.WriteAllText(f, "ours");
        Assert.True(OutputRecord.Lists(folder, outputs[0]));

        // A second run of the same command replaces them.
        OutputRecord.Claim(folder, outputs, overwrite: false);

        // A file someone else put where a new output goes is refused, naming it, and nothing changes.
        string theirs = Path.Combine(folder, "Movies", "b.mrcs");
        File.WriteAllText(theirs, "precious");
        string record = File.ReadAllText(Path.Combine(folder, OutputRecord.FileName));
        var e = Assert.Throws<CryoMergeInputException>(() =>
            OutputRecord.Claim(folder, [.. outputs, theirs], overwrite: false));
        Assert.Equal(theirs, e.File);
        Assert.Contains("was not written by cryomerge", e.Problem);
        Assert.Contains("--overwrite", e.Problem);
        Assert.Equal("precious", File.ReadAllText(theirs));
        Assert.Equal(record, File.ReadAllText(Path.Combine(folder, OutputRecord.FileName)));
        Assert.False(OutputRecord.Lists(folder, theirs));

        // With --overwrite it is claimed, and listed from then on.
        OutputRecord.Claim(folder, [theirs], overwrite: true);
        Assert.True(OutputRecord.Lists(folder, theirs));
        OutputRecord.Claim(folder, [theirs], overwrite: false);
    }

    [Fact]
    public void RollbackRemovesWhatTheRunCreatedAndRestoresTheRecord()
    {
        using var dir = new TempDir();
        string folder = dir.File("out");
        string kept = Path.Combine(folder, "kept.mrcs");
        OutputRecord.Claim(folder, [kept], overwrite: false);
        File.WriteAllText(kept, "earlier run");
        string record = File.ReadAllText(Path.Combine(folder, OutputRecord.FileName));

        string fresh = Path.Combine(folder, "Deep", "Er", "new.mrcs");
        var claim = OutputRecord.Claim(folder, [kept, fresh], overwrite: false);
        Directory.CreateDirectory(Path.GetDirectoryName(fresh)!);
        File.WriteAllText(fresh, "half a run");
        claim.Rollback();
        Assert.False(File.Exists(fresh));
        Assert.False(Directory.Exists(Path.Combine(folder, "Deep")));
        Assert.True(File.Exists(kept));
        Assert.Equal(record, File.ReadAllText(Path.Combine(folder, OutputRecord.FileName)));

        // In a folder that did not exist, a rolled-back run leaves no folder at all.
        string other = dir.File("other");
        var first = OutputRecord.Claim(other, [Path.Combine(other, "x", "y.mrcs")], overwrite: false);
        Assert.Throws<InvalidOperationException>(() =>
            first.Guard<int>(() => throw new InvalidOperationException("failed")));
        Assert.False(Directory.Exists(other));
    }

    [Fact]
    public void AFolderWhereAnOutputFileGoesIsRefusedAndAPathOutsideIsABug()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("out/a.mrcs"));
        var e = Assert.Throws<CryoMergeInputException>(() => OutputRecord.Claim(dir.File("out"),
            [dir.File("out/a.mrcs")], true));
        Assert.Contains("is a folder", e.Problem);
        Assert.Throws<ArgumentException>(() => OutputRecord.Claim(dir.File("out"), [dir.File("elsewhere.mrcs")], true));
    }
}
