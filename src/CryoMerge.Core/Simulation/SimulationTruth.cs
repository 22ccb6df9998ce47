using System.Text.Json;

namespace CryoMerge.Core.Simulation;

/// <summary>truth.json: everything a test of the merge needs to know that the data files do not say.</summary>
public static class SimulationTruth
{
    public const int FormatVersion = 1;

    /// <summary>
    /// Writes truth.json atomically, streaming: the plans are consumed one micrograph at a time (in the order of
    /// <paramref name="results"/>), so a million particles never sit in memory as a document.
    /// </summary>
    public static void Write(string path, SimulationSettings s, string source, double specimenDiameter,
        IEnumerable<MicrographPlan> plans,
        IReadOnlyList<SimulatedMicrograph> results)
    {
        string tmp = OutputFiles.TemporaryPathFor(path);
        try
        {
            using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
                    WriteDocument(json, s, source, specimenDiameter, plans, results);
                file.WriteByte((byte)'\n');
            }
            OutputFiles.Commit(tmp, path);
        }
        catch
        {
            OutputFiles.Discard(tmp);
            throw;
        }
    }

    private static void WriteDocument(Utf8JsonWriter w, SimulationSettings s, string source, double specimenDiameter,
        IEnumerable<MicrographPlan> plans, IReadOnlyList<SimulatedMicrograph> results)
    {
        w.WriteStartObject();
        w.WriteString("format", "cryomerge-simulation");
        w.WriteNumber("version", FormatVersion);
        w.WriteString("source", source);
        w.WriteNumber("specimenDiameter", specimenDiameter);
        w.WriteNumber("seed", s.Seed);
        w.WriteNumber("angpixTrue", s.TruePixelSize);
        w.WriteNumber("angpixNominal", s.NominalPixelSize);
        w.WriteNumber("nominalOverTrue", s.NominalPixelSize / s.TruePixelSize);
        w.WriteNumber("micrographWidth", s.MicrographWidth);
        w.WriteNumber("micrographHeight", s.MicrographHeight);
        w.WriteNumber("box", s.Box);
        w.WriteNumber("voltage", s.Voltage);
        w.WriteNumber("sphericalAberration", s.SphericalAberration);
        w.WriteNumber("amplitudeContrast", s.AmplitudeContrast);
        w.WriteNumber("bfactor", s.Bfactor);
        w.WriteNumber("snr", s.Snr);
        w.WriteStartArray("ctfFitBand");
        w.WriteNumberValue(s.CtfFitLowResolution);
        w.WriteNumberValue(s.CtfFitHighResolution);
        w.WriteEndArray();
        w.WriteString("contrast", "particles dark (micrograph = -CTF * projection + noise); extract with --invert");
        w.WriteStartArray("micrographs");
        int m = 0;
        foreach (var plan in plans)
        {
            var result = results[m++];
            w.WriteStartObject();
            w.WriteString("name", plan.Name);
            w.WriteNumber("defocusUTrue", plan.TrueCtf.DefocusU);
            w.WriteNumber("defocusVTrue", plan.TrueCtf.DefocusV);
            w.WriteNumber("defocusAngle", plan.TrueCtf.DefocusAngle);
            w.WriteNumber("defocusUFitted", plan.FittedCtf.DefocusU);
            w.WriteNumber("defocusVFitted", plan.FittedCtf.DefocusV);
            w.WriteNumber("signalVariance", result.SignalVariance);
            w.WriteNumber("noiseSigma", result.NoiseSigma);
            w.WriteStartArray("particles");
            foreach (var p in plan.Particles)
            {
                w.WriteStartObject();
                w.WriteNumber("x", p.X);
                w.WriteNumber("y", p.Y);
                w.WriteNumber("rot", p.Rot);
                w.WriteNumber("tilt", p.Tilt);
                w.WriteNumber("psi", p.Psi);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            // Keep the writer's buffer small: hand what is written to the file every micrograph.
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
