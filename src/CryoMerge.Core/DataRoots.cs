namespace CryoMerge.Core;

/// <summary>
/// The folders a silo may read and write for the plans it is given (serve --data-root): a path is inside when, with
/// every symbolic link and ".." resolved (<see cref="RealPath"/>), it is one of the roots or below one. No roots means
/// no restriction.
/// </summary>
public sealed class DataRoots
{
    public DataRoots(IEnumerable<string> roots)
    {
        Roots = roots.Select(RealPath.Resolve).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The roots, resolved.</summary>
    public IReadOnlyList<string> Roots { get; }

    public bool IsUnrestricted => Roots.Count == 0;

    public bool Contains(string path)
    {
        if (IsUnrestricted) return true;
        string real = RealPath.Resolve(path);
        return Roots.Any(root => RealPath.IsWithin(real, root));
    }

    /// <summary>Refuses <paramref name="path"/>, naming it, when it lies outside every root.</summary>
    /// <param name="what">What the path is to the plan ("the output folder", "the map of DS2").</param>
    public void Check(string path, string what)
    {
        if (Contains(path)) return;
        string real = RealPath.Resolve(path);
        string seen = real == Path.GetFullPath(path) ? "" : $" (it leads to {real})";
        throw new CryoMergeInputException(path,
            $"{what} is outside the data roots of this cluster ({string.Join(", ", Roots)}){seen}; " +
            "its silos read and write only under their --data-root folders");
    }
}
