using System.Text.Json;
using System.Text.Json.Nodes;

namespace CryoMerge.Core.Simulation;

/// <summary>truth.json: everything a test of the merge needs to know that the data files do not say.</summary>
public static class SimulationTruth
{
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string ToJson(SimulationSettings s, string source, double specimenDiameter, IReadOnlyList<MicrographPlan> plans,
        IReadOnlyList<SimulatedMicrograph> results)
    {
        var micrographs = new JsonArray();
        for (int m = 0; m < plans.Count; m++)
        {
            var plan = plans[m];
            var particles = new JsonArray();
            foreach (var p in plan.Particles)
                particles.Add(new JsonObject { ["x"] = p.X, ["y"] = p.Y, ["rot"] = p.Rot, ["tilt"] = p.Tilt, ["psi"] = p.Psi });
            micrographs.Add(new JsonObject
            {
                ["name"] = plan.Name,
                ["defocusUTrue"] = plan.TrueCtf.DefocusU,
                ["defocusVTrue"] = plan.TrueCtf.DefocusV,
                ["defocusAngle"] = plan.TrueCtf.DefocusAngle,
                ["defocusUFitted"] = plan.FittedCtf.DefocusU,
                ["defocusVFitted"] = plan.FittedCtf.DefocusV,
                ["signalVariance"] = results[m].SignalVariance,
                ["noiseSigma"] = results[m].NoiseSigma,
                ["particles"] = particles,
            });
        }
        var root = new JsonObject
        {
            ["format"] = "cryomerge-simulation",
            ["version"] = FormatVersion,
            ["source"] = source,
            ["specimenDiameter"] = specimenDiameter,
            ["seed"] = s.Seed,
            ["angpixTrue"] = s.TruePixelSize,
            ["angpixNominal"] = s.NominalPixelSize,
            ["nominalOverTrue"] = s.NominalPixelSize / s.TruePixelSize,
            ["micrographWidth"] = s.MicrographWidth,
            ["micrographHeight"] = s.MicrographHeight,
            ["box"] = s.Box,
            ["voltage"] = s.Voltage,
            ["sphericalAberration"] = s.SphericalAberration,
            ["amplitudeContrast"] = s.AmplitudeContrast,
            ["bfactor"] = s.Bfactor,
            ["snr"] = s.Snr,
            ["ctfFitBand"] = new JsonArray(s.CtfFitLowResolution, s.CtfFitHighResolution),
            ["contrast"] = "particles dark (micrograph = -CTF * projection + noise); extract with --invert",
            ["micrographs"] = micrographs,
        };
        return root.ToJsonString(Indented) + "\n";
    }
}
