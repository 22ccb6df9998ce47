using System.Globalization;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;
using MathNet.Numerics;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class FourierProjectorTests
{
    private const int Size = 64;
    private const double Pixel = 2.0;

    // rot, tilt, psi, origin X and Y (A), defocus U, V, angle.
    private static readonly (double Rot, double Tilt, double Psi, double Ox, double Oy, double Du, double Dv,
        double Angle)[] Views =
    [
        (0, 0, 0, 0, 0, 10000, 10000, 0),
        (10, 20, 30, 0, 0, 12000, 11500, 30),
        (-100, 95, 170, 1.3, -2.2, 15000, 14000, 100),
        (45, 135, -60, -3.0, 0.5, 20000, 19000, 170),
        (170, 60, 90, 0, 0, 8000, 8400, 45),
    ];

    private static readonly IFftBackend Fft = FftBackends.Create();

    [Fact]
    public void ProjectionsEqualRelionProjectOnTheSameMapAndAngles() => CompareWithRelion(withCtf: false);

    [Fact]
    public void CtfModulatedProjectionsEqualRelionProjectWithCtf() => CompareWithRelion(withCtf: true);

    private static void CompareWithRelion(bool withCtf)
    {
        Requires.Relion("relion_project");
        using var dir = new TempDir();
        var map = Phantom.Default.Render(Size, Pixel);
        MrcWriter.WriteFile(dir.File("map.mrc"), map.Shape, map.Data,
            new MrcWriteOptions { PixelSize = Vector3d.All(Pixel) });
        File.WriteAllText(dir.File("angles.star"), AnglesStar());
        var args = new List<string> { "--i", "map.mrc", "--ang", "angles.star", "--o", "proj" };
        if (withCtf) args.Add("--ctf");
        var run = Tool.Run("relion_project", args, dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        using var relion = MrcFile.Open(dir.File("proj.mrcs"));
        Assert.Equal(Views.Length, relion.SectionCount);

        var projector = new FourierProjector(Fft, map);
        for (int v = 0; v < Views.Length; v++)
        {
            var view = Views[v];
            var spectrum = new Complex32[(Size / 2 + 1) * Size];
            projector.ProjectSpectrum(EulerAngles.ToMatrix(view.Rot, view.Tilt, view.Psi), Size, 1, spectrum);
            if (withCtf)
            {
                var ctf = new float[spectrum.Length];
                new CtfModel(new CtfParameters(view.Du, view.Dv, view.Angle, 300, 2.7, 0.1)).FillHalfSpectrum(ctf, Size,
                    Size, Pixel);
                for (int i = 0; i < ctf.Length; i++) spectrum[i] *= ctf[i];
            }
            var ours = new float[Size * Size];
            // RELION shifts the projection by -origin.
            projector.ToImage(spectrum, Size, -view.Ox / Pixel, -view.Oy / Pixel, ours);
            var theirs = relion.ReadSection(v);
            // The two Nyquist components on the axes lie exactly on RELION's cut-off sphere; RELION keeps or drops them
            // depending on rounding in its SVD-based inverse of the 4 x 4 Euler matrix, so they are compared apart.
            WithoutAxisNyquist(ours);
            WithoutAxisNyquist(theirs);
            double sd = ImagingTestData.StdDev(theirs);
            var (diff, at) = ImagingTestData.MaxDifference(ours, theirs);
            Assert.True(sd > 0.1, $"view {v}: RELION's projection is empty");
            Assert.True(diff <= 1e-4 * sd,
                $"view {v}: largest difference {diff:G4} at pixel ({at % Size}, {at / Size}) is {diff / sd:G3} of " +
                $"the std {sd:G4} (ours {ours[at]}, RELION {theirs[at]})");
        }
    }

    [Fact]
    public void FourierProjectionOfTheRenderedPhantomMatchesItsExactProjection()
    {
        // A 50 A phantom at 1 A/px: its finest blobs (sigma 1.5 A) are well sampled, so the map is band-limited and
        // what is left is RELION's method itself: trilinear interpolation in a twice-padded transform and a gridding
        // correction (1 / sinc^2) that is only exact on average over interpolation positions (a few per cent).
        var phantom = Phantom.Create(50);
        var projector = new FourierProjector(Fft, phantom.Render(Size, 1.0));
        foreach (var view in Views)
        {
            var rotation = EulerAngles.ToMatrix(view.Rot, view.Tilt, view.Psi);
            var fourier = projector.Project(rotation).Data;
            var exact = new float[Size * Size];
            phantom.AddProjection(exact, Size, Size, Size / 2, Size / 2, rotation, 1.0);
            Assert.True(RelativeRms(fourier, exact) < 0.04,
                $"rms difference {RelativeRms(fourier, exact):G3} of the std");
            Assert.True(ImageComparison.Correlation(fourier, exact) > 0.9995,
                $"correlation {ImageComparison.Correlation(fourier, exact)}");
            // The transposed rotation (the other convention) gives a different image: the convention is pinned.
            var other = new float[Size * Size];
            phantom.AddProjection(other, Size, Size, Size / 2, Size / 2, rotation.Transpose(), 1.0);
            if (view.Tilt != 0) Assert.True(ImageComparison.Correlation(fourier, other) < 0.95);
        }
    }

    [Fact]
    public void ProjectingAtAnotherPixelSizeResamplesTheSameObject()
    {
        // The phantom rendered at 1 A/px and projected onto a 1.25 A/px grid, off-centre, equals its exact projection
        // there.
        var phantom = Phantom.Create(50);
        var projector = new FourierProjector(Fft, phantom.Render(Size, 1.0));
        const int m = 52;
        var rotation = EulerAngles.ToMatrix(30, 70, -20);
        var spectrum = new Complex32[(m / 2 + 1) * m];
        projector.ProjectSpectrum(rotation, m, 1.25, spectrum);
        var resampled = new float[m * m];
        projector.ToImage(spectrum, m, 0.25, -0.5, resampled);
        var exact = new float[m * m];
        phantom.AddProjection(exact, m, m, m / 2 + 0.25, m / 2 - 0.5, rotation, 1.25);
        Assert.True(RelativeRms(resampled, exact) < 0.04,
            $"rms difference {RelativeRms(resampled, exact):G3} of the std");
        Assert.True(ImageComparison.Correlation(resampled, exact) > 0.9995,
            $"correlation {ImageComparison.Correlation(resampled, exact)}");
    }

    private static void WithoutAxisNyquist(float[] image)
    {
        var shape = new Shape3(Size, Size, 1);
        var spectrum = new Complex32[(Size / 2 + 1) * Size];
        Fft.ForwardReal(shape, image, spectrum);
        spectrum[Size / 2] = 0;                         // (kx, ky) = (N/2, 0)
        spectrum[(Size / 2) * (Size / 2 + 1)] = 0;      // (0, N/2)
        for (int i = 0; i < spectrum.Length; i++) spectrum[i] /= Size * Size;
        Fft.InverseReal(shape, spectrum, image);
    }

    private static double RelativeRms(float[] a, float[] reference)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - reference[i]) * (double)(a[i] - reference[i]);
        return Math.Sqrt(sum / a.Length) / ImagingTestData.StdDev(reference);
    }

    private static string AnglesStar()
    {
        var c = CultureInfo.InvariantCulture;
        var rows = string.Join("\n", Views.Select((v, i) => string.Create(c,
            $"{v.Rot} {v.Tilt} {v.Psi} {v.Ox} {v.Oy} 1 {v.Du} {v.Dv} {v.Angle} {i + 1:D6}@none.mrcs")));
        return $"""

            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnVoltage #3
            _rlnSphericalAberration #4
            _rlnAmplitudeContrast #5
            _rlnImagePixelSize #6
            _rlnImageSize #7
            _rlnImageDimensionality #8
            opticsGroup1 1 300.0 2.7 0.1 {Pixel.ToString(c)} {Size} 2

            # version 30001

            data_particles

            loop_
            _rlnAngleRot #1
            _rlnAngleTilt #2
            _rlnAnglePsi #3
            _rlnOriginXAngst #4
            _rlnOriginYAngst #5
            _rlnOpticsGroup #6
            _rlnDefocusU #7
            _rlnDefocusV #8
            _rlnDefocusAngle #9
            _rlnImageName #10
            {rows}

            """;
    }
}
