using CryoMerge.Core;

namespace CryoMerge.Bench.Warm;

/// <summary>
/// What a merge wrote, to check that Core and a job on the silo wrote the same bytes: every file's path (relative to
/// the output folder) and size, and the content hash (XXH128) of every file that is not a particle stack and of a
/// spread of the stacks, as many as fit <c>byteBudget</c> (all of them up to 10^5 particles of the scale bench).
/// </summary>
internal sealed record OutputDigest(IReadOnlyList<(string Path, long Bytes)> Files,
    IReadOnlyDictionary<string, string> Hashes)
{
    public long Bytes => Files.Sum(f => f.Bytes);

    public long HashedBytes => Files.Where(f => Hashes.ContainsKey(f.Path)).Sum(f => f.Bytes);

    public static OutputDigest Of(string output, long byteBudget)
    {
        var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(f => (Path: Path.GetRelativePath(output, f), Bytes: new FileInfo(f).Length))
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var stacks = files.Where(f => IsStack(f.Path)).ToList();
        long stackBytes = stacks.Sum(f => f.Bytes), otherBytes = files.Sum(f => f.Bytes) - stackBytes;
        // Every stride-th stack in path order (the same choice for two outputs with the same files).
        int stride = stackBytes <= Math.Max(0, byteBudget - otherBytes) || stacks.Count == 0
            ? 1
            : (int)Math.Ceiling((double)stackBytes / Math.Max(1, byteBudget - otherBytes));
        var chosen = files.Where(f => !IsStack(f.Path)).Concat(stacks.Where((_, i) => i % stride == 0));
        var hashes = chosen.ToDictionary(f => f.Path, f => FileHash.Content(Path.Combine(output, f.Path)),
            StringComparer.Ordinal);
        return new OutputDigest(files, hashes);
    }

    /// <summary>The first difference from <paramref name="other"/>, or null when both hold the same bytes.</summary>
    public string? Difference(OutputDigest other)
    {
        var names = Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var otherNames = other.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        if (names.Except(otherNames).FirstOrDefault() is string onlyHere) return $"{onlyHere} only in one output";
        if (otherNames.Except(names).FirstOrDefault() is string onlyThere) return $"{onlyThere} only in one output";
        var sizes = other.Files.ToDictionary(f => f.Path, f => f.Bytes, StringComparer.Ordinal);
        foreach (var (path, bytes) in Files)
        {
            if (sizes[path] != bytes) return $"{path}: {bytes} against {sizes[path]} bytes";
            if (Hashes.TryGetValue(path, out var hash) && other.Hashes.TryGetValue(path, out var otherHash)
                && hash != otherHash)
                return $"{path}: different content";
        }
        return null;
    }

    private static bool IsStack(string path) => path.EndsWith(".mrcs", StringComparison.Ordinal);
}
