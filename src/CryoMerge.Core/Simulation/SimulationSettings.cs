using System.Globalization;

namespace CryoMerge.Core.Simulation;

/// <summary>What to simulate: a data set recorded at <see cref="TruePixelSize"/> by a microscope that believes <see
/// cref="NominalPixelSize"/>.</summary>
public sealed record SimulationSettings
{
    /// <summary>Pixel size at which the micrographs are really sampled (A).</summary>
    public double TruePixelSize { get; init; } = 1.0;

    /// <summary>Pixel size written in the MRC headers and STAR files (A); a miscalibrated microscope's value.</summary>
    public double NominalPixelSize { get; init; } = 1.0;

    public int Micrographs { get; init; } = 10;

    /// <summary>File name stem of the micrographs: Micrographs/&lt;stem&gt;NNNNNN.mrc.</summary>
    public string MicrographStem { get; init; } = "mic";

    public int ParticlesPerMicrograph { get; init; } = 50;

    public int MicrographWidth { get; init; } = 4096;

    public int MicrographHeight { get; init; } = 4096;

    /// <summary>Particle box in true pixels: particles are kept at least half a box from the micrograph
    /// edges.</summary>
    public int Box { get; init; } = 256;

    public double DefocusMin { get; init; } = 8000;

    public double DefocusMax { get; init; } = 25000;

    /// <summary>Largest |DefocusU - DefocusV| in A; the astigmatism angle is uniform.</summary>
    public double Astigmatism { get; init; } = 200;

    public double Voltage { get; init; } = 300;

    public double SphericalAberration { get; init; } = 2.7;

    public double AmplitudeContrast { get; init; } = 0.1;

    /// <summary>Envelope B-factor applied to the signal (A^2); not written to the STAR files, as for real
    /// data.</summary>
    public double Bfactor { get; init; }

    /// <summary>
    /// Signal-to-noise ratio: variance of the noise-free, CTF-modulated micrograph inside the particle boxes
    /// (mean over a micrograph's particles) divided by the variance of the added white Gaussian noise.
    /// </summary>
    public double Snr { get; init; } = 0.05;

    public long Seed { get; init; } = 1;

    /// <summary>Smallest distance between particle centres (true pixels); null means the specimen's diameter.</summary>
    public double? MinimumDistance { get; init; }

    /// <summary>Band of the emulated CTF fit (A), for the defocus written at the nominal pixel size.</summary>
    public double CtfFitLowResolution { get; init; } = NominalPixelCtfFit.DefaultLowResolution;

    public double CtfFitHighResolution { get; init; } = NominalPixelCtfFit.DefaultHighResolution;

    /// <summary>Checks the values; problems name the option they came from.</summary>
    public void Validate()
    {
        Positive(TruePixelSize, "--angpix-true");
        Positive(NominalPixelSize, "--angpix-nominal");
        if (Micrographs < 1) throw new CryoMergeInputException("--micrographs",
            $"must be at least 1, not {Micrographs}");
        if (ParticlesPerMicrograph < 0) throw new CryoMergeInputException("--particles",
            $"cannot be negative ({ParticlesPerMicrograph})");
        if (Box < 8) throw new CryoMergeInputException("--box", $"must be at least 8 pixels, not {Box}");
        if (MicrographWidth < Box + 2 || MicrographHeight < Box + 2)
            throw new CryoMergeInputException("--mic-size",
                $"{MicrographWidth} x {MicrographHeight} has no room for a {Box}-pixel box");
        if (DefocusMin <= 0 || DefocusMax < DefocusMin)
            throw new CryoMergeInputException("--defocus", string.Create(CultureInfo.InvariantCulture,
                $"needs 0 < min <= max, not {DefocusMin}-{DefocusMax}"));
        if (Astigmatism < 0 || Astigmatism >= DefocusMin) throw new CryoMergeInputException("--astigmatism",
            "must be at least 0 and below the smallest defocus");
        Positive(Voltage, "--voltage");
        if (SphericalAberration < 0) throw new CryoMergeInputException("--cs", "cannot be negative");
        if (AmplitudeContrast < 0 || AmplitudeContrast >= 1) throw new CryoMergeInputException("--amplitude-contrast",
            "must lie in [0, 1)");
        Positive(Snr, "--snr");
        if (CtfFitHighResolution >= CtfFitLowResolution) throw new CryoMergeInputException("--ctf-fit-band",
            "the high-resolution limit must be below the low-resolution one");
    }

    private static void Positive(double value, string option)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new CryoMergeInputException(option,
            string.Create(CultureInfo.InvariantCulture, $"must be positive, not {value}"));
    }
}
