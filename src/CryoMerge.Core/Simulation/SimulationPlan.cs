using System.Globalization;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Simulation;

/// <summary>One simulated particle: its centre in micrograph pixels (continuous) and its RELION Euler angles
/// (degrees).</summary>
public sealed record SimulatedParticle(double X, double Y, double Rot, double Tilt, double Psi)
{
    public Matrix3 Rotation => EulerAngles.ToMatrix(Rot, Tilt, Psi);
}

/// <summary>
/// Everything random about one micrograph, drawn before any pixel is computed: its name (relative to the data set
/// folder), the true CTF, the CTF a fit at the nominal pixel size reports, and its particles.
/// </summary>
public sealed record MicrographPlan(int Index, string Name, CtfParameters TrueCtf, CtfParameters FittedCtf,
    IReadOnlyList<SimulatedParticle> Particles);

/// <summary>Draws the per-micrograph plans of a data set from its seed; each micrograph has its own random
/// stream.</summary>
public static class SimulationPlanner
{
    /// <summary>Random stream purposes under one seed.</summary>
    internal const int LayoutStream = 1, NoiseStream = 2;

    public static string MicrographName(int index, string stem = "mic") => $"Micrographs/{stem}{index:D6}.mrc";

    public static IReadOnlyList<MicrographPlan> Plan(SimulationSettings settings, double specimenDiameter)
    {
        settings.Validate();
        return Plans(settings, specimenDiameter).ToArray();
    }

    /// <summary>
    /// The plans one after another, each drawn when asked for (from its own random stream, so the same as
    /// <see cref="Plan"/>'s): a data set of any size is planned, written and described in the memory of one micrograph.
    /// </summary>
    public static IEnumerable<MicrographPlan> Plans(SimulationSettings settings, double specimenDiameter)
    {
        double minDistance = MinimumDistance(settings, specimenDiameter);
        for (int m = 1; m <= settings.Micrographs; m++) yield return PlanMicrograph(settings, m, minDistance);
    }

    /// <summary>Smallest distance between particle centres (true pixels): the setting, or the specimen's
    /// diameter.</summary>
    public static double MinimumDistance(SimulationSettings settings, double specimenDiameter) =>
        settings.MinimumDistance ?? specimenDiameter / settings.TruePixelSize;

    /// <summary>The plan of micrograph <paramref name="index"/> (1-based), independent of every other
    /// micrograph's.</summary>
    public static MicrographPlan PlanMicrograph(SimulationSettings s, int index, double minDistance)
    {
        var rng = SimulationRandom.For(s.Seed, LayoutStream, index);
        double defocus = rng.Uniform(s.DefocusMin, s.DefocusMax);
        double astigmatism = rng.Uniform(0, s.Astigmatism);
        double angle = rng.Uniform(0, 180);
        var truth = new CtfParameters(defocus + astigmatism / 2, defocus - astigmatism / 2, angle,
            s.Voltage, s.SphericalAberration, s.AmplitudeContrast, Bfactor: s.Bfactor);
        var fitted = NominalPixelCtfFit.Fitted(truth with { Bfactor = 0 }, s.TruePixelSize, s.NominalPixelSize,
            s.CtfFitLowResolution, s.CtfFitHighResolution);
        var particles = Place(s, rng, index, minDistance);
        return new MicrographPlan(index, MicrographName(index, s.MicrographStem), truth, fitted, particles);
    }

    /// <summary>Random sequential placement: uniform positions at least half a box from the edges and minDistance
    /// apart.</summary>
    private static List<SimulatedParticle> Place(SimulationSettings s, SimulationRandom rng, int index,
        double minDistance)
    {
        double margin = s.Box / 2.0;
        double x0 = margin, x1 = s.MicrographWidth - margin, y0 = margin, y1 = s.MicrographHeight - margin;
        var particles = new List<SimulatedParticle>(s.ParticlesPerMicrograph);
        double d2 = minDistance * minDistance;
        int attempts = 0, maxAttempts = 2000 + 500 * s.ParticlesPerMicrograph;
        while (particles.Count < s.ParticlesPerMicrograph)
        {
            if (++attempts > maxAttempts)
                throw new CryoMergeInputException("--particles", string.Create(CultureInfo.InvariantCulture,
                    $"only {particles.Count} of {s.ParticlesPerMicrograph} particles {minDistance:0.#} px apart fit " +
                    $"in micrograph {index} ({s.MicrographWidth} x {s.MicrographHeight}, {margin:0} px margins); ask " +
                    $"for fewer particles or larger micrographs"));
            // Positions on a 1/64-pixel grid: exact in binary and in the STAR file's six decimals, so that the
            // integer part RELION truncates to is the same everywhere.
            double x = Math.Round(rng.Uniform(x0, x1) * 64) / 64, y = Math.Round(rng.Uniform(y0, y1) * 64) / 64;
            bool free = true;
            foreach (var p in particles)
            {
                double dx = p.X - x, dy = p.Y - y;
                if (dx * dx + dy * dy < d2) { free = false; break; }
            }
            if (!free) continue;
            var (rot, tilt, psi) = EulerAngles.Uniform(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            particles.Add(new SimulatedParticle(x, y, rot, tilt, psi));
        }
        return particles;
    }
}
