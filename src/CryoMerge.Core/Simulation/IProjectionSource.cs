using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Simulation;

/// <summary>
/// Something that can be projected into a micrograph: the built-in <see cref="Phantom"/> (exact, analytic) or a
/// map through RELION's Fourier-slice projector (<see cref="MapProjectionSource"/>). Implementations are safe to
/// call from several threads at once.
/// </summary>
public interface IProjectionSource
{
    /// <summary>Largest extent of the specimen in Angstrom (used to keep simulated particles apart).</summary>
    double Diameter { get; }

    /// <summary>
    /// Adds the projection along Z of the specimen rotated by <paramref name="rotation"/> (RELION's Euler matrix) to
    /// <paramref name="image"/> (width x height, X fastest), sampled at <paramref name="pixelSize"/> Angstrom with the
    /// specimen's centre at the continuous pixel position (centreX, centreY). Units: line integrals of the density
    /// divided by the pixel size (voxel sums, as relion_project gives for a map at that pixel size).
    /// </summary>
    void AddProjection(Span<float> image, int width, int height, double centreX, double centreY, Matrix3 rotation,
        double pixelSize);
}
