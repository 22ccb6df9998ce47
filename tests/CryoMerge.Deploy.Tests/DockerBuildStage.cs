using CryoMerge.Tests;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// The files the Dockerfile's build stage sees: its COPY instructions (up to the first FROM after "AS build")
/// carried out from the repository into a folder, leaving out what .dockerignore leaves out (bin/, obj/, ...).
/// A build step that needs a file the Dockerfile forgets to copy then fails here as it would in Docker.
/// </summary>
internal static class DockerBuildStage
{
    private static readonly HashSet<string> Ignored = ["bin", "obj", "TestResults", ".git"];

    public static IReadOnlyList<(string[] Sources, string Destination)> CopyInstructions(string dockerfile)
    {
        var copies = new List<(string[], string)>();
        bool inBuild = false;
        foreach (var raw in File.ReadAllLines(dockerfile))
        {
            string line = raw.Trim();
            if (line.StartsWith("FROM ", StringComparison.Ordinal)) inBuild = line.EndsWith(" AS build",
                StringComparison.Ordinal);
            else if (inBuild && line.StartsWith("COPY ", StringComparison.Ordinal))
            {
                var words = line[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words[0].StartsWith("--",
                    StringComparison.Ordinal)) throw new InvalidDataException(
                    $"unexpected COPY flag in the build stage: {line}");
                copies.Add((words[..^1], words[^1]));
            }
        }
        return copies;
    }

    /// <summary>Copies the build stage's files from the repository into <paramref name="context"/> (its
    /// WORKDIR).</summary>
    public static void Stage(string repository, string dockerfile, string context)
    {
        foreach (var (sources, destination) in CopyInstructions(dockerfile))
            foreach (var source in sources)
            {
                string from = Path.Combine(repository, source.TrimEnd('/'));
                string to = Path.Combine(context, destination);
                if (Directory.Exists(from)) CopyDirectory(from, to);
                else
                {
                    Directory.CreateDirectory(to);
                    File.Copy(from, Path.Combine(to, Path.GetFileName(from)), overwrite: true);
                }
            }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)),
            overwrite: true);
        foreach (var dir in Directory.EnumerateDirectories(from))
            if (!Ignored.Contains(Path.GetFileName(dir))) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
