using System.Globalization;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// Turns one particle image into its central slice, as relion_reconstruct's backprojectOneParticle does
/// (R 3.1.3 <c>src/reconstructor.cpp</c>): the image's transform (normalised by its pixel count) is centred by sign,
/// shifted by its origin (rlnOriginX/YAngst / pixel size: the shift that centres the particle), multiplied by its
/// CTF with --ctf (not when the images are CTF-premultiplied) while the weights become CTF^2 (else 1), and its
/// zero-frequency component set to 0. The slice is placed with A = Euler matrix, with the optics group's anisotropic
/// magnification (M^-1 A) and the ratio of its sampling to the map's (box x pixel / (N x map pixel)) folded in.
/// One instance per thread: it keeps its buffers.
/// </summary>
internal sealed class ParticleImagePreparer
{
    private float[] _image = [];
    private Complex32[] _spectrum = [];
    private float[] _weights = [];
    private Complex32[] _columnPhase = [];

    public void Prepare(IFftBackend fft, MrcFile stack, ReconstructionParticle particle, ParticleOptics optics,
        ReconstructionGrid grid,
        bool ctf, CentralSlice slice)
    {
        int size = stack.Shape.X, sh = size / 2 + 1;
        if (size != particle.ImageSize || stack.Shape.Y != size || particle.Section >= stack.Shape.Z)
            throw new CryoMergeInputException(stack.Path, string.Create(CultureInfo.InvariantCulture,
                $"has {stack.Shape.Z} images of {stack.Shape.X} x {stack.Shape.Y}; row {particle.Row + 1} wants " +
                $"image {particle.Section + 1} of {particle.ImageSize}"));
        Ensure(size);
        var image = _image.AsSpan(0, size * size);
        var spectrum = _spectrum.AsSpan(0, sh * size);
        var weights = _weights.AsSpan(0, sh * size);
        stack.ReadSection(particle.Section, image);
        NonFiniteValues.Require(image, stack.Path, $"image {particle.Section + 1}", size);
        fft.ForwardReal(new Shape3(size, size, 1), image, spectrum, 1);

        double pixel = optics.PixelSize;
        double shiftX = particle.OriginX / pixel, shiftY = particle.OriginY / pixel;
        for (int j = 0; j < sh; j++) _columnPhase[j] = Phase(j * shiftX / size);
        CtfModel? model = ctf ? Model(particle, optics) : null;
        double extent = size * pixel;
        var mag = optics.Magnification;
        float norm = 1f / ((float)size * size);
        for (int i = 0; i < size; i++)
        {
            int y = i < sh ? i : i - size;
            var rowPhase = Phase(y * shiftY / size) * (float)((i & 1) == 0 ? norm : -norm);
            var row = spectrum.Slice(i * sh, sh);
            var rowWeights = weights.Slice(i * sh, sh);
            for (int j = 0; j < sh; j++)
            {
                var value = row[j] * (((j & 1) == 0 ? rowPhase : -rowPhase) * _columnPhase[j]);
                float weight = 1;
                if (model is not null)
                {
                    double kx = j / extent, ky = y / extent;
                    if (mag is not null) (kx, ky) = (mag[0] * kx + mag[1] * ky, mag[2] * kx + mag[3] * ky);
                    float c = (float)model.Value(kx, ky);
                    if (!optics.CtfPremultiplied) value *= c;
                    weight = c * c;
                }
                row[j] = value;
                rowWeights[j] = weight;
            }
        }
        spectrum[0] = Complex32.Zero;
        slice.Fill(grid, spectrum, weights, size, Projection(particle, optics, size, grid));
    }

    /// <summary>RELION's A for a particle: Euler matrix, anisotropic magnification, sampling ratio.</summary>
    internal static Matrix3 Projection(ReconstructionParticle particle, ParticleOptics optics, int imageSize,
        ReconstructionGrid grid)
    {
        var a = EulerAngles.ToMatrix(particle.Rot, particle.Tilt, particle.Psi);
        if (optics.Magnification is { } m)
            a = CentralSlice.Inverse(new Matrix3(m[0], m[1], 0, m[2], m[3], 0, 0, 0, 1)) * a;
        double scale = (optics.ImageSize ?? imageSize) * optics.PixelSize / (grid.MapSize * grid.PixelSize);
        if (scale == 1) return a;
        return new Matrix3(a.M00 * scale, a.M01 * scale, a.M02 * scale, a.M10 * scale, a.M11 * scale, a.M12 * scale,
            a.M20 * scale, a.M21 * scale, a.M22 * scale);
    }

    private static CtfModel Model(ReconstructionParticle particle, ParticleOptics optics)
    {
        var c = particle.Ctf;
        if (optics.UnsupportedWithCtf is { } what)
            throw new CryoMergeInputException(particle.Stack,
                $"optics group {optics.Number} ({optics.Name}) has {what}, which cryomerge reconstruct --ctf does " +
                $"not correct; " +
                "use relion_reconstruct");
        if (Math.Abs(c.DefocusU) < 1e-6 && Math.Abs(c.DefocusV) < 1e-6 && Math.Abs(c.AmplitudeContrast) < 1e-6
            && Math.Abs(c.SphericalAberration) < 1e-6)
            throw new CryoMergeInputException(particle.Stack,
                $"particle in row {particle.Row + 1} has no CTF (defocus, amplitude contrast and Cs are all 0); " +
                $"reconstruct without --ctf");
        return new CtfModel(c);
    }

    /// <summary>exp(-2 pi i t) from the fractional part of t, so that whole turns are exact.</summary>
    private static Complex32 Phase(double turns)
    {
        double f = turns - Math.Floor(turns);
        if (f == 0) return Complex32.One;
        double angle = -2 * Math.PI * f;
        return new Complex32((float)Math.Cos(angle), (float)Math.Sin(angle));
    }

    private void Ensure(int size)
    {
        int sh = size / 2 + 1;
        if (_image.Length < size * size) _image = new float[size * size];
        if (_spectrum.Length < sh * size)
        {
            _spectrum = new Complex32[sh * size];
            _weights = new float[sh * size];
        }
        if (_columnPhase.Length < sh) _columnPhase = new Complex32[sh];
    }
}
