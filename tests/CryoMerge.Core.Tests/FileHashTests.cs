using CryoMerge.Tests;

namespace CryoMerge.Core.Tests;

public sealed class FileHashTests
{
    [Fact]
    public void EqualBytesHashEquallyAndOneChangedByteDoesNot()
    {
        using var dir = new TempDir();
        var bytes = new byte[3 << 20];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(dir.File("a"), bytes);
        File.WriteAllBytes(dir.File("b"), bytes);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(dir.File("c"), bytes);
        string a = FileHash.Content(dir.File("a"));
        Assert.Matches("^[0-9a-f]{32}$", a);
        Assert.Equal(a, FileHash.Content(dir.File("b")));
        Assert.NotEqual(a, FileHash.Content(dir.File("c")));
    }

    [Fact]
    public void TheEmptyFileHasXxh128sPublishedHash()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty"), []);
        // XXH128 of no bytes, seed 0 (the xxHash reference's test vector).
        Assert.Equal("99aa06d3014798d86001c324468d497f", FileHash.Content(dir.File("empty")));
    }
}
