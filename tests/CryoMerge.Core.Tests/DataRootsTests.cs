using CryoMerge.Tests;

namespace CryoMerge.Core.Tests;

public sealed class DataRootsTests
{
    [Fact]
    public void APathInsideARootPassesAndOneOutsideIsRefusedByName()
    {
        using var dir = new TempDir();
        string data = Directory.CreateDirectory(dir.File("data")).FullName;
        string scratch = Directory.CreateDirectory(dir.File("scratch")).FullName;
        var roots = new DataRoots([data, scratch]);
        Assert.True(roots.Contains(Path.Combine(data, "project", "out")));   // need not exist yet
        Assert.True(roots.Contains(scratch));
        Assert.False(roots.Contains(dir.File("data2/x")));
        Assert.False(roots.Contains(Path.Combine(data, "..", "other")));
        var e = Assert.Throws<CryoMergeInputException>(() => roots.Check("/etc/passwd", "the map of DS1"));
        Assert.Equal("/etc/passwd", e.File);
        Assert.StartsWith("the map of DS1 is outside the data roots of this cluster", e.Problem);
        Assert.Contains(RealPath.Resolve(data), e.Problem);
    }

    [Fact]
    public void ASymbolicLinkInsideARootThatLeadsOutsideIsRefused()
    {
        using var dir = new TempDir();
        string data = Directory.CreateDirectory(dir.File("data")).FullName;
        string outside = Directory.CreateDirectory(dir.File("outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "map.mrc"), "");
        Directory.CreateSymbolicLink(Path.Combine(data, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(data, "map.mrc"), Path.Combine(outside, "map.mrc"));
        var roots = new DataRoots([data]);
        string viaFolder = Path.Combine(data, "escape", "map.mrc");
        Assert.StartsWith(data + "/", Path.GetFullPath(viaFolder), StringComparison.Ordinal);   // the text looks inside
        Assert.False(roots.Contains(viaFolder));
        Assert.False(roots.Contains(Path.Combine(data, "map.mrc")));
        Assert.False(roots.Contains(Path.Combine(data, "escape", "new-output")));
        // A link that stays inside does not carry a "../.." past the root either.
        Directory.CreateDirectory(Path.Combine(data, "a", "b"));
        Directory.CreateSymbolicLink(Path.Combine(data, "inner"), Path.Combine(data, "a", "b"));
        Assert.False(roots.Contains(Path.Combine(data, "inner", "..", "..", "outside", "map.mrc")));
        var e = Assert.Throws<CryoMergeInputException>(() => roots.Check(viaFolder, "the map of DS2"));
        Assert.Contains($"it leads to {RealPath.Resolve(Path.Combine(outside, "map.mrc"))}", e.Problem);
    }

    [Fact]
    public void ARootThatIsItselfALinkContainsWhatItsTargetContains()
    {
        using var dir = new TempDir();
        string target = Directory.CreateDirectory(dir.File("volume")).FullName;
        Directory.CreateSymbolicLink(dir.File("data"), target);
        var roots = new DataRoots([dir.File("data")]);
        Assert.True(roots.Contains(Path.Combine(target, "plan.yaml")));
        Assert.True(roots.Contains(dir.File("data/plan.yaml")));
    }

    [Fact]
    public void NoRootsMeansNoRestriction()
    {
        var roots = new DataRoots([]);
        Assert.True(roots.IsUnrestricted);
        Assert.True(roots.Contains("/etc/passwd"));
        roots.Check("/etc/passwd", "anything");
    }
}
