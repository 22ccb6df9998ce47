using System.Buffers;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Simulation;

/// <summary>
/// A real map as the specimen: projections by RELION's Fourier-slice projector (<see cref="FourierProjector"/>),
/// resampled from the map's pixel size to the simulated one in Fourier space, pasted into the micrograph with the
/// sub-pixel position applied as a phase ramp.
/// </summary>
public sealed class MapProjectionSource : IProjectionSource
{
    private readonly FourierProjector _projector;

    public MapProjectionSource(IFftBackend fft, Grid map, double mapPixelSize, double padding = 2)
    {
        if (mapPixelSize <= 0) throw new ArgumentOutOfRangeException(nameof(mapPixelSize), mapPixelSize,
            "the map's pixel size must be positive");
        MapPixelSize = mapPixelSize;
        Diameter = EstimateDiameter(map, mapPixelSize);
        _projector = new FourierProjector(fft, map, padding);
    }

    /// <summary>Reads a cubic map; its pixel size is the header's unless <paramref name="pixelSize"/> is
    /// given.</summary>
    public static MapProjectionSource FromFile(IFftBackend fft, string path, double? pixelSize = null,
        double padding = 2)
    {
        using var mrc = MrcFile.Open(path, MrcReadOptions.Permissive);
        var s = mrc.Shape;
        if (s.X != s.Y || s.Y != s.Z) throw new CryoMergeInputException(path,
            $"is {s.X} x {s.Y} x {s.Z}; a cubic 3-D map is needed to project");
        double p = pixelSize ?? mrc.PixelSize.X;
        if (p <= 0) throw new CryoMergeInputException(path, "header has no pixel size; give the map's pixel size");
        return new MapProjectionSource(fft, new Grid(s, mrc.ReadAll()), p, padding);
    }

    public double MapPixelSize { get; }

    /// <summary>Twice the radius that holds 99 % of the map's density above a tenth of its maximum, in
    /// Angstrom.</summary>
    public double Diameter { get; }

    public void AddProjection(Span<float> image, int width, int height, double centreX, double centreY,
        Matrix3 rotation, double pixelSize)
    {
        double ratio = pixelSize / MapPixelSize;
        int box = (int)Math.Ceiling(_projector.MapSize / ratio);
        box += box % 2;
        int hx = box / 2 + 1;
        var spectrum = ArrayPool<Complex32>.Shared.Rent(hx * box);
        var projection = ArrayPool<float>.Shared.Rent(box * box);
        try
        {
            var spec = spectrum.AsSpan(0, hx * box);
            var proj = projection.AsSpan(0, box * box);
            _projector.ProjectSpectrum(rotation, box, ratio, spec);
            int ix = (int)Math.Floor(centreX), iy = (int)Math.Floor(centreY);
            _projector.ToImage(spec, box, centreX - ix, centreY - iy, proj);
            // Pixel (box/2, box/2) of the projection lands on micrograph pixel (ix, iy).
            int x0 = ix - box / 2, y0 = iy - box / 2;
            int xa = Math.Max(0, -x0), xb = Math.Min(box, width - x0);
            if (xa >= xb) return;
            for (int y = Math.Max(0, -y0); y < Math.Min(box, height - y0); y++)
            {
                var src = proj.Slice(y * box + xa, xb - xa);
                var dst = image.Slice((y0 + y) * width + x0 + xa, xb - xa);
                for (int x = 0; x < src.Length; x++) dst[x] += src[x];
            }
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(spectrum);
            ArrayPool<float>.Shared.Return(projection);
        }
    }

    private static double EstimateDiameter(Grid map, double pixelSize)
    {
        int n = map.Shape.X, h = n / 2;
        var mass = new double[n];   // density above the threshold per integer radius (noise and solvent stay below it)
        double total = 0;
        float threshold = 0.1f * map.Data.Max();
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    float v = map.Data[x + n * (y + (long)n * z)];
                    if (v <= threshold || v <= 0) continue;
                    int r = (int)Math.Sqrt((x - h) * (x - h) + (y - h) * (y - h) + (z - h) * (z - h));
                    mass[Math.Min(r, n - 1)] += v;
                    total += v;
                }
        if (total <= 0) return n * pixelSize;
        double sum = 0;
        for (int r = 0; r < n; r++)
        {
            sum += mass[r];
            if (sum >= 0.99 * total) return 2 * (r + 1) * pixelSize;
        }
        return n * pixelSize;
    }
}
