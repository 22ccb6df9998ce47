namespace CryoMerge.Core;

/// <summary>Grid size along X, Y and Z in voxels; X runs fastest in memory.</summary>
public readonly record struct Shape3(int X, int Y, int Z)
{
    /// <summary>Number of voxels, as a long so that large movies do not overflow.</summary>
    public long Count => (long)X * Y * Z;

    /// <summary>Voxels in one Z section.</summary>
    public int SectionCount => checked(X * Y);

    public override string ToString() => $"{X} x {Y} x {Z}";
}

/// <summary>Three doubles along X, Y and Z: a per-axis pixel size (Angstrom), an origin, a shift.</summary>
public readonly record struct Vector3d(double X, double Y, double Z)
{
    public static Vector3d All(double value) => new(value, value, value);

    public bool IsIsotropic(double relativeTolerance = 1e-5) =>
        Math.Abs(X - Y) <= relativeTolerance * Math.Abs(X) && Math.Abs(X - Z) <= relativeTolerance * Math.Abs(X);

    public override string ToString() => $"({X:G6}, {Y:G6}, {Z:G6})";
}
