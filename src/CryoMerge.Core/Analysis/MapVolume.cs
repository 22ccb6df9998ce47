using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// A 3-D map with its pixel size and where its voxels sit: voxel i is at (<see cref="IndexOrigin"/> + i) x pixel in the
/// header's frame (Chimera's rule: ORIGIN when set, else NXSTART/NYSTART/NZSTART). The box centre is voxel N/2.
/// </summary>
public sealed record MapVolume(string Name, Grid Grid, double PixelSize, Vector3d IndexOrigin)
{
    public Shape3 Shape => Grid.Shape;

    /// <summary>Voxel N/2 (integer division) per axis, RELION's centre.</summary>
    public Vector3d Centre => new(Shape.X / 2, Shape.Y / 2, Shape.Z / 2);

    /// <summary>Box length in A of the largest side.</summary>
    public double Extent => Math.Max(Shape.X, Math.Max(Shape.Y, Shape.Z)) * PixelSize;

    /// <summary>
    /// Reads a map and checks that it can be compared: a volume (not an image or a stack), an isotropic pixel size
    /// (from the header unless <paramref name="pixelSize"/> is given), no NaN or infinite voxel, not flat.
    /// </summary>
    public static MapVolume Load(string path, double? pixelSize = null, string? option = null)
    {
        using var mrc = MrcFile.Open(RelionPaths.StripTypeSuffix(path), MrcReadOptions.Permissive);
        if (mrc.Shape.Z < 2 || mrc.Shape.X < 2 || mrc.Shape.Y < 2)
            throw new CryoMergeInputException(path, $"is not a 3-D map ({mrc.Shape})");
        double p;
        if (pixelSize is double given)
        {
            if (!(given > 0) || double.IsInfinity(given)) throw new CryoMergeInputException(option ?? path,
                $"pixel size must be positive, not {given}");
            p = given;
        }
        else
        {
            var h = mrc.PixelSize;
            if (!(h.X > 0)) throw new CryoMergeInputException(path,
                $"header has no pixel size; give it with {option ?? "--angpix"}");
            if (!h.IsIsotropic(1e-3)) throw new CryoMergeInputException(path,
                $"pixel size is not the same along X, Y and Z ({h}); give one with {option ?? "--angpix"} or " +
                $"resample the map first");
            p = h.X;
        }
        var data = mrc.ReadAll();
        long bad = 0;
        foreach (float v in data) if (!float.IsFinite(v)) bad++;
        if (bad > 0)
            throw new CryoMergeInputException(path,
                $"{bad} voxel(s) are NaN or infinite; repair the map first (e.g. relion_image_handler --i map.mrc " +
                $"--o fixed.mrc --remove_nan)");
        var stats = ImageStatistics.Of(data);
        if (!(stats.StdDev > 0)) throw new CryoMergeInputException(path, "map is flat (all voxels equal)");
        var origin = mrc.Origin;
        var start = mrc.Start;
        var indexOrigin = origin.X != 0 || origin.Y != 0 || origin.Z != 0
            ? new Vector3d(origin.X / p, origin.Y / p, origin.Z / p)
            : new Vector3d(start.X, start.Y, start.Z);
        return new MapVolume(path, new Grid(mrc.Shape, data), p, indexOrigin);
    }

    /// <summary>Reads a mask for <paramref name="reference"/>: same shape, values clamped to 0..1, not empty.</summary>
    public static Grid LoadMask(string path, MapVolume reference)
    {
        using var mrc = MrcFile.Open(RelionPaths.StripTypeSuffix(path), MrcReadOptions.Permissive);
        if (mrc.Shape != reference.Shape)
            throw new CryoMergeInputException(path,
                $"mask is {mrc.Shape} but the reference map is {reference.Shape}; the mask must be on the " +
                $"reference's grid");
        var data = mrc.ReadAll();
        double sum = 0;
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            v = float.IsFinite(v) ? Math.Clamp(v, 0f, 1f) : 0f;
            data[i] = v;
            sum += v;
        }
        if (sum < 1) throw new CryoMergeInputException(path, "mask is empty (no voxel above 0)");
        return new Grid(mrc.Shape, data);
    }
}
