using CryoMerge.Tests;

namespace CryoMerge.Core.Tests;

public sealed class RealPathTests
{
    [Fact]
    public void DotDotIsAppliedToTheTextFirstAsDotNetOpensFiles()
    {
        using var dir = new TempDir();
        string root = Directory.CreateDirectory(dir.File("root")).FullName;
        string deep = Directory.CreateDirectory(dir.File("root/a/b/c")).FullName;
        string elsewhere = Directory.CreateDirectory(dir.File("elsewhere/deep")).FullName;
        File.WriteAllText(Path.Combine(root, "here.txt"), "root");
        File.WriteAllText(dir.File("elsewhere/here.txt"), "elsewhere");
        File.WriteAllText(dir.File("outside.txt"), "outside");
        Directory.CreateSymbolicLink(Path.Combine(root, "out"), elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(root, "in"), deep);
        // A shell would open elsewhere/here.txt; .NET opens root/here.txt, and so says RealPath.
        string viaOut = Path.Combine(root, "out", "..", "here.txt");
        Assert.Equal("root", File.ReadAllText(viaOut));
        Assert.Equal(RealPath.Resolve(Path.Combine(root, "here.txt")), RealPath.Resolve(viaOut));
        // A shell would stay inside (root/a/outside.txt); .NET leaves the root: RealPath must say so.
        string viaIn = Path.Combine(root, "in", "..", "..", "outside.txt");
        Assert.Equal("outside", File.ReadAllText(viaIn));
        Assert.Equal(RealPath.Resolve(dir.File("outside.txt")), RealPath.Resolve(viaIn));
    }

    [Fact]
    public void DotDotInsideALinksTargetIsAppliedAfterTheLink()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("a/b"));
        Directory.CreateDirectory(dir.File("x"));
        Directory.CreateSymbolicLink(dir.File("a/b/up"), "../../x");
        Assert.Equal(RealPath.Resolve(dir.File("x")) + "/f", RealPath.Resolve(dir.File("a/b/up/f")));
    }

    [Fact]
    public void RelativeAbsoluteAndChainedLinksAreFollowedAndMissingPartsKept()
    {
        using var dir = new TempDir();
        string real = RealPath.Resolve(dir.Path);
        Directory.CreateDirectory(dir.File("a/b"));
        Directory.CreateSymbolicLink(dir.File("rel"), "a/b");                  // relative target
        Directory.CreateSymbolicLink(dir.File("abs"), dir.File("rel"));        // absolute target, itself a link
        Assert.Equal(Path.Combine(real, "a", "b", "new", "out.mrcs"), RealPath.Resolve(dir.File("abs/new/./out.mrcs")));
        // The text's ".." first: dir/abs/x/../.. is dir.
        Assert.Equal(real, RealPath.Resolve(dir.File("abs/x/../..")));
        Assert.Equal("/", RealPath.Resolve("/../.."));
    }

    [Fact]
    public void ALinkLoopIsAnInputErrorNotAHang()
    {
        using var dir = new TempDir();
        File.CreateSymbolicLink(dir.File("ping"), dir.File("pong"));
        File.CreateSymbolicLink(dir.File("pong"), dir.File("ping"));
        var e = Assert.Throws<CryoMergeInputException>(() => RealPath.Resolve(dir.File("ping")));
        Assert.Contains("symbolic links", e.Message);
    }

    [Theory]
    [InlineData("/data/x", "/data", true)]
    [InlineData("/data", "/data", true)]
    [InlineData("/data", "/data/", true)]
    [InlineData("/data2/x", "/data", false)]
    [InlineData("/dat", "/data", false)]
    [InlineData("/anything", "/", true)]
    public void WithinMeansTheFolderOrBelowItNotANameThatStartsTheSame(string path, string folder, bool within) =>
        Assert.Equal(within, RealPath.IsWithin(path, folder));
}
