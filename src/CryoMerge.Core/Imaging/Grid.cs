namespace CryoMerge.Core.Imaging;

/// <summary>
/// A 1-, 2- or 3-D array of single-precision values with X fastest: an image (Z = 1) or a volume. Pixel size
/// and origin belong to the file, not here; this is only the numbers and their shape.
/// </summary>
public sealed class Grid
{
    public Grid(Shape3 shape) : this(shape, new float[shape.Count]) { }

    public Grid(Shape3 shape, float[] data)
    {
        if (data.LongLength
            != shape.Count) throw new ArgumentException($"data must hold {shape.Count} values, not {data.LongLength}");
        Shape = shape;
        Data = data;
    }

    public Shape3 Shape { get; }

    public float[] Data { get; }

    /// <summary>2 for images (Z = 1), 3 for volumes.</summary>
    public int Dimensions => Shape.Z > 1 ? 3 : 2;

    public float this[int x, int y, int z = 0]
    {
        get => Data[x + Shape.X * (y + (long)Shape.Y * z)];
        set => Data[x + Shape.X * (y + (long)Shape.Y * z)] = value;
    }

    public Grid Clone() => new(Shape, (float[])Data.Clone());

    public static Grid Cube(int n) => new(new Shape3(n, n, n));

    public static Grid Square(int n) => new(new Shape3(n, n, 1));
}
