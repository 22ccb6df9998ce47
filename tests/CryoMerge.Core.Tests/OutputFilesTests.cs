namespace CryoMerge.Core.Tests;

/// <summary>
/// Names taken from inputs are mapped inside the output folder (issue 19: a climbing micrograph name wrote elsewhere).
/// </summary>
public sealed class OutputFilesTests
{
    [Theory]
    [InlineData("Extract", "Movies/a.mrcs", "Extract/Movies/a.mrcs")]
    [InlineData("Extract/", "Movies/a.mrcs", "Extract/Movies/a.mrcs")]
    [InlineData("Extract", "../../../../home/user/data/a.mrcs", "Extract/home/user/data/a.mrcs")]
    [InlineData("Extract", "Movies/../../a.mrcs", "Extract/Movies/a.mrcs")]
    [InlineData("Extract", "/data/project/Movies/a.mrcs", "Extract/data/project/Movies/a.mrcs")]
    [InlineData("Extract", "./Movies//./a.mrcs", "Extract/Movies/a.mrcs")]
    [InlineData("", "Movies/a.mrcs", "Movies/a.mrcs")]
    [InlineData("out", "..a/b..", "out/..a/b..")]
    public void ANameFromAnInputIsMappedInsideTheFolder(string folder, string name, string expected)
    {
        string inside = OutputFiles.InsideFolder(folder, name, "mics.star");
        Assert.Equal(expected, inside);
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder.Length == 0 ? "." : folder));
        Assert.StartsWith(root + Path.DirectorySeparatorChar, Path.GetFullPath(inside));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("./.")]
    [InlineData("//..//./")]
    public void ANameThatLeavesNoFileInsideTheFolderIsRefusedNamingItsSource(string name)
    {
        var e = Assert.Throws<CryoMergeInputException>(() => OutputFiles.InsideFolder("out", name, "mics.star"));
        Assert.Equal("mics.star", e.File);
        Assert.Contains("leaves no file name inside the output folder out", e.Problem);
    }

    [Fact]
    public void ANulCharacterIsRefused() =>
        Assert.Equal("mics.star",
            Assert.Throws<CryoMergeInputException>(() => OutputFiles.InsideFolder("out", "a\0b", "mics.star")).File);
}
