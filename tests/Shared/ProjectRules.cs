using System.Reflection;
using System.Xml.Linq;

namespace CryoMerge.Tests;

/// <summary>
/// The projects of src/ and what each may reference, as docs/ARCHITECTURE.md draws them: Core at the bottom, pure;
/// Plots draws for Core; the grains orchestrate Core; Hosting sets up silos and clients; the command on top. A new
/// project, or a new arrow between two, is a decision to make here and in that document.
/// </summary>
public static class ProjectRules
{
    /// <summary>Project name -> the projects its .csproj may name in a ProjectReference.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AllowedReferences = new Dictionary<string, string[]>
    {
        ["CryoMerge.Core"] = [],
        ["CryoMerge.Plots"] = ["CryoMerge.Core"],
        ["CryoMerge.Grains.Abstractions"] = [],
        ["CryoMerge.Grains"] = ["CryoMerge.Core", "CryoMerge.Grains.Abstractions"],
        ["CryoMerge.Hosting"] = ["CryoMerge.Grains", "CryoMerge.Plots"],
        ["CryoMerge.Cli"] = ["CryoMerge.Core", "CryoMerge.Hosting", "CryoMerge.Plots"],
    };

    /// <summary>The projects that may use Orleans: the grains, their contracts, hosting and the command.</summary>
    public static readonly IReadOnlySet<string> MayUseOrleans = new HashSet<string>
    {
        "CryoMerge.Grains.Abstractions", "CryoMerge.Grains", "CryoMerge.Hosting", "CryoMerge.Cli",
    };

    /// <summary>The assembly a project builds (the command's is "cryomerge").</summary>
    public static string AssemblyOf(string project) => project == "CryoMerge.Cli" ? "cryomerge" : project;

    /// <summary>The project that builds an assembly, or null for one that is not ours.</summary>
    public static string? ProjectOf(string assembly) =>
        assembly == "cryomerge" ? "CryoMerge.Cli" : AllowedReferences.ContainsKey(assembly) ? assembly : null;

    /// <summary>The projects a project may use, directly or through the projects it references.</summary>
    public static IReadOnlySet<string> Reachable(string project)
    {
        var seen = new HashSet<string>();
        var next = new Stack<string>(AllowedReferences[project]);
        while (next.TryPop(out var p))
            if (seen.Add(p)) foreach (var q in AllowedReferences[p]) next.Push(q);
        return seen;
    }

    /// <summary>Every project folder under src/ (each holds one .csproj of the same name).</summary>
    public static IEnumerable<string> SourceProjects() =>
        Directory.EnumerateFiles(Path.Combine(TestFiles.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>The project names of a .csproj's ProjectReference items.</summary>
    public static IEnumerable<string> ProjectReferences(string project)
    {
        string path = Path.Combine(TestFiles.RepositoryRoot, "src", project, project + ".csproj");
        return XDocument.Load(path).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string?)r.Attribute("Include") ?? "").Replace('\\', '/')));
    }

    /// <summary>The package names of a .csproj's PackageReference items.</summary>
    public static IEnumerable<string> PackageReferences(string project)
    {
        string path = Path.Combine(TestFiles.RepositoryRoot, "src", project, project + ".csproj");
        return XDocument.Load(path).Descendants("PackageReference").Select(r => (string?)r.Attribute("Include") ?? "");
    }

    /// <summary>Whether an assembly or package name is Orleans'.</summary>
    public static bool IsOrleans(string name) =>
        name.StartsWith("Orleans", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal);

    /// <summary>The names of the assemblies a compiled assembly references.</summary>
    public static IEnumerable<string> CompiledReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");
}
