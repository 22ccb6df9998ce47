using System.Diagnostics;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests;

/// <summary>
/// A named pipe, a device or a directory given as an input file is refused at once, never read (a FIFO would hang).
/// </summary>
public sealed class InputFilesTests
{
    [Fact]
    public async Task ANamedPipeIsRefusedAtOnceByEveryReader()
    {
        CryoMerge.Tests.Requires.Linux("named pipes made with mkfifo");
        using var dir = new TempDir();
        string fifo = dir.File("pipe.mrc");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(InputFiles.Kind.NamedPipe, InputFiles.KindOf(fifo));
        // Opening it for reading would block until a writer comes: these must return at once.
        var open = Task.Run(() => Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(fifo)));
        var read = Task.Run(() => Assert.Throws<CryoMergeInputException>(() => StarFile.Read(fifo)));
        // A generous limit only so that a regression fails instead of hanging the suite.
        await Task.WhenAll(open, read).WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        Assert.Equal("is a named pipe (FIFO), not a regular file; give an MRC file on disk", (await open).Problem);
        Assert.Equal(fifo, (await read).File);
    }

    [Fact]
    public void ADeviceADirectoryAnEmptyFileAndAMissingFileAreOneLineEach()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.star"), []);
        if (OperatingSystem.IsLinux())
            Assert.Equal("is a character device, not a regular file; give an MRC file on disk",
                Assert.Throws<CryoMergeInputException>(() => InputFiles.RequireRegularFile("/dev/zero",
                "an MRC file")).Problem);
        string Problem(string path) => Assert.Throws<CryoMergeInputException>(() => StarFile.Read(path)).Problem;
        Assert.Equal("is a directory, not a STAR file", Problem(dir.Path));
        Assert.Equal("file is empty", Problem(dir.File("empty.star")));
        Assert.Equal("file not found", Problem(dir.File("none.star")));
        File.WriteAllText(dir.File("a.star"), "data_\n");
        if (OperatingSystem.IsLinux()) Assert.Equal(InputFiles.Kind.Regular, InputFiles.KindOf(dir.File("a.star")));
        Assert.Equal(6, InputFiles.RequireRegularFile(dir.File("a.star"), "a STAR file"));
    }
}
