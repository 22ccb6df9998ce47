using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>
/// A STAR file as RELION 3.0 to 5.0 writes it: data blocks of key-value pairs or one loop each, with comments
/// and version lines kept. Reading and writing without changes keeps every value's text; the small surface is
/// <see cref="Read"/>, <see cref="Parse"/>, <see cref="Write"/> and <see cref="ToText"/>.
/// </summary>
public sealed class StarFile
{
    public List<StarBlock> Blocks { get; } = [];

    /// <summary>Comment lines after the last block.</summary>
    public List<string> TrailingComments { get; } = [];

    /// <summary>Where the file was read from, for messages; null for files built in memory.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Reads a STAR file; problems are <see cref="CryoMergeInputException"/>s naming the file and
    /// line.</summary>
    public static StarFile Read(string path)
    {
        InputFiles.RequireRegularFile(path, "a STAR file");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
                FileOptions.SequentialScan);
            if (stream.Length == 0) throw new CryoMergeInputException(path, "file is empty");
            return StarParser.Parse(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Parses STAR text held in memory.</summary>
    public static StarFile Parse(string text, string sourceName = "<text>")
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return StarParser.Parse(stream, sourceName);
    }

    /// <summary>Writes the file atomically (temporary name, then rename).</summary>
    public void Write(string path)
    {
        string tmp = OutputFiles.TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                StarWriter.Write(this, stream);
            OutputFiles.Commit(tmp, path);
        }
        catch
        {
            OutputFiles.Discard(tmp);
            throw;
        }
    }

    public void WriteTo(Stream stream) => StarWriter.Write(this, stream);

    public string ToText()
    {
        using var stream = new MemoryStream();
        StarWriter.Write(this, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The block of that name (without "data_"), or null.</summary>
    public StarBlock? Find(string name) => Blocks.FirstOrDefault(b => b.Name == name);

    /// <summary>The block of that name; an error naming the file and the blocks it has when missing.</summary>
    public StarBlock Block(string name) => Find(name) ?? throw new CryoMergeInputException(SourcePath ?? "<star>",
        $"no data_{name} block (blocks: {string.Join(", ", Blocks.Select(b => "data_" + b.Name))})");

    /// <summary>Adds a block with a loop at the end and returns it.</summary>
    public StarBlock AddTableBlock(string name, StarTable table, int? version = null)
    {
        var block = new StarBlock(name) { Table = table };
        if (version is int v) block.LeadingComments.Add($"# version {v}");
        Blocks.Add(block);
        return block;
    }
}
