using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core;
using CryoMerge.Core.Simulation;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge simulate</c>: a synthetic data set with known truth, from the built-in phantom or a
/// map.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliConsole console)
    {
        var map = new Option<string>("--map") { Description
            = "Specimen: 'phantom' (built in, nothing else needed) or a cubic MRC map",
            DefaultValueFactory = _ => "phantom", HelpName = "MAP|phantom" };
        var mapAngpix = new Option<double?>("--map-angpix") { Description =
            "Pixel size of --map in A (default: its header)" };
        var phantomSize = new Option<double>("--phantom-size") { Description = "Size of the phantom in A",
            DefaultValueFactory = _ => 100 };
        var angpixTrue = new Option<double>("--angpix-true") { Description =
            "Pixel size at which the micrographs are really sampled, in A", Required = true };
        var angpixNominal = new Option<double?>("--angpix-nominal") { Description
            = "Pixel size written in headers and STAR files, in A (default: the true one); a few % off mimics a " +
            "miscalibrated microscope" };
        var micrographs = new Option<int>("--micrographs") { Description = "Number of micrographs",
            DefaultValueFactory = _ => 10 };
        var particles = new Option<int>("--particles") { Description = "Particles per micrograph",
            DefaultValueFactory = _ => 50 };
        var micSize = new Option<(int Width,
            int Height)?>("--mic-size") { Description = "Micrograph size in pixels, W or WxH (default: 4096)",
            CustomParser = r => ValueParsers.Size(r), HelpName = "W[xH]" };
        var box = new Option<int>("--box") { Description =
            "Particle box in true pixels; particles stay half a box from the edges", DefaultValueFactory = _ => 256 };
        var defocus = new Option<(double Min,
            double Max)?>("--defocus") { Description
            = "Range of true defocus in A, uniform per micrograph (default: 8000-25000)",
            CustomParser = r => ValueParsers.Range(r), HelpName = "MIN-MAX" };
        var astigmatism = new Option<double>("--astigmatism") { Description = "Largest |DefocusU - DefocusV| in A",
            DefaultValueFactory = _ => 200 };
        var voltage = new Option<double>("--voltage") { Description = "Acceleration voltage in kV",
            DefaultValueFactory = _ => 300 };
        var cs = new Option<double>("--cs") { Description = "Spherical aberration in mm",
            DefaultValueFactory = _ => 2.7 };
        var q0 = new Option<double>("--amplitude-contrast") { Description = "Amplitude contrast fraction",
            DefaultValueFactory = _ => 0.1 };
        var bfactor = new Option<double>("--bfactor") { Description = "Envelope B-factor applied to the signal in A^2",
            DefaultValueFactory = _ => 0 };
        var snr = new Option<double>("--snr") { Description
            = "Signal-to-noise ratio: variance of the noise-free particle boxes / noise variance",
            DefaultValueFactory = _ => 0.05 };
        var seed = new Option<long>("--seed") { Description = "Random seed; the same seed gives byte-identical files",
            DefaultValueFactory = _ => 1 };
        var minDistance = new Option<double?>("--min-distance") { Description =
            "Smallest distance between particle centres in true pixels (default: the specimen's diameter)" };
        var fitBand = new Option<(double Min,
            double Max)?>("--ctf-fit-band") { Description
            = "Resolution band in A of the emulated CTF fit at the nominal pixel size (default: 5-30)",
            CustomParser = r => ValueParsers.Range(r), HelpName = "HIGH-LOW" };
        var writeMap = new Option<bool>("--write-map") { Description =
            "Also write the phantom as map_truth.mrc (box --box, true pixel size)" };
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Output(
            "Output folder; run RELION from it (it holds Micrographs/, micrographs_ctf.star, particles_truth.star, " +
            "truth.json)");
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("simulate", """
            Simulate a data set with known truth: micrographs with particles projected from the phantom (or a map) at
            random orientations and non-overlapping positions, the CTF in RELION's convention (particles dark, as in a
            real micrograph) and white noise, sampled at --angpix-true but labelled --angpix-nominal, as a microscope
            with a miscalibrated pixel size would. micrographs_ctf.star holds the defocus a CTF program fitting at the
            nominal pixel size reports (df = r^2 df_true + 0.5 Cs lambda^2 (1 - r^4) k_eff^2, r = nominal / true);
            particles_truth.star the true angles, coordinates and sub-pixel origins; truth.json everything else.

            Example:
              cryomerge simulate --map phantom --angpix-true 1.0 --angpix-nominal 1.03 --micrographs 10 --particles 40 \
                --mic-size 2048 --box 160 --defocus 8000-25000 --snr 0.05 --seed 2 --o sim2
            """)
        {
            map, mapAngpix, phantomSize, angpixTrue, angpixNominal, micrographs, particles, micSize, box, defocus,
                astigmatism, voltage, cs, q0,
            bfactor, snr, seed, minDistance, fitBand, writeMap, threads, output, json, verbose,
        };
        command.SetAction(parse =>
        {
            var (w, h) = parse.GetValue(micSize) ?? (4096, 4096);
            var (dMin, dMax) = parse.GetValue(defocus) ?? (8000, 25000);
            var (fitHigh, fitLow) = parse.GetValue(fitBand) ?? (NominalPixelCtfFit.DefaultHighResolution,
                NominalPixelCtfFit.DefaultLowResolution);
            double pTrue = parse.GetValue(angpixTrue);
            var settings = new SimulationSettings
            {
                TruePixelSize = pTrue,
                NominalPixelSize = parse.GetValue(angpixNominal) ?? pTrue,
                Micrographs = parse.GetValue(micrographs),
                ParticlesPerMicrograph = parse.GetValue(particles),
                MicrographWidth = w,
                MicrographHeight = h,
                Box = parse.GetValue(box),
                DefocusMin = dMin,
                DefocusMax = dMax,
                Astigmatism = parse.GetValue(astigmatism),
                Voltage = parse.GetValue(voltage),
                SphericalAberration = parse.GetValue(cs),
                AmplitudeContrast = parse.GetValue(q0),
                Bfactor = parse.GetValue(bfactor),
                Snr = parse.GetValue(snr),
                Seed = parse.GetValue(seed),
                MinimumDistance = parse.GetValue(minDistance),
                CtfFitLowResolution = fitLow,
                CtfFitHighResolution = fitHigh,
            };
            return (int)Run(console, settings, parse.GetValue(map)!, parse.GetValue(mapAngpix),
                parse.GetValue(phantomSize), parse.GetValue(writeMap),
                parse.GetValue(threads), parse.GetValue(output)!, parse.GetValue(json), parse.GetValue(verbose));
        });
        return command;
    }

    public static ExitCode Run(CliConsole console, SimulationSettings settings, string map, double? mapAngpix,
        double phantomSize, bool writeMap,
        int? threads, string output, bool json, bool verbose)
    {
        settings.Validate();
        if (verbose) console.Note($"FFT backend: {console.Fft.Describe()}");
        IProjectionSource source;
        Phantom? phantom = null;
        string description;
        if (string.Equals(map, "phantom", StringComparison.OrdinalIgnoreCase))
        {
            if (phantomSize < 30 || phantomSize > 1000) throw new CryoMergeInputException("--phantom-size",
                "must be between 30 and 1000 A");
            source = phantom = Phantom.Create(phantomSize);
            description = FormattableString.Invariant($"phantom {phantomSize:0.##} A");
        }
        else
        {
            if (writeMap) throw new CryoMergeInputException("--write-map",
                "writes the built-in phantom; with --map the truth map is your map");
            source = MapProjectionSource.FromFile(console.Fft, map, mapAngpix);
            description = map;
        }
        if (source.Diameter / settings.TruePixelSize > settings.Box)
            console.Warn(FormattableString.Invariant(
                $"the specimen ({source.Diameter:0} A = {source.Diameter / settings.TruePixelSize:0} px) ") +
                FormattableString.Invariant($"is larger than --box {settings.Box}"));
        int total = settings.Micrographs;
        using var progress = new ProgressReporter(console, "simulate", total,
            enabled: !json || console.ErrorIsTerminal);
        var summary = SimulatedDataSet.Write(console.Fft, source, description, settings, output, threads ?? 0,
            writeMap ? phantom : null,
            _ => progress.Advance());
        progress.Dispose();
        if (json) console.Out.WriteLine(Json(summary, settings).ToJsonString(Cli.Json.Indented));
        else Print(console.Out, summary, settings, description);
        return ExitCode.Ok;
    }

    private static void Print(TextWriter o, SimulationSummary s, SimulationSettings settings, string source)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c,
            $"Simulated {s.Micrographs.Count} micrographs ({settings.MicrographWidth} x {settings.MicrographHeight}) " +
            $"with {s.ParticleCount} particles of {source} in {s.Directory}"));
        o.WriteLine(string.Create(c,
            $"  pixel size  true {settings.TruePixelSize:0.#####} A, written as {settings.NominalPixelSize:0.#####} " +
            $"A (nominal / true = {settings.NominalPixelSize / settings.TruePixelSize:0.######})"));
        o.WriteLine($"  micrographs {SimulatedDataSet.MicrographsStarName} (CTF as fitted at the nominal pixel size)");
        o.WriteLine(
            $"  particles   {SimulatedDataSet.ParticlesStarName} (true angles; coordinates also in " +
            $"Micrographs/*{SimulatedDataSet.CoordinateSuffix})");
        o.WriteLine(
            $"  truth       " +
            $"{SimulatedDataSet.TruthJsonName}{(s.TruthMap is null ? "" : $", {SimulatedDataSet.TruthMapName}")}");
        o.WriteLine("  contrast    particles are dark; extract with --invert (RELION's --invert_contrast)");
    }

    private static JsonObject Json(SimulationSummary s, SimulationSettings settings) => new()
    {
        ["directory"] = s.Directory,
        ["micrographs"] = s.Micrographs.Count,
        ["particles"] = s.ParticleCount,
        ["angpixTrue"] = settings.TruePixelSize,
        ["angpixNominal"] = settings.NominalPixelSize,
        ["micrographsStar"] = s.MicrographsStar,
        ["particlesStar"] = s.ParticlesStar,
        ["truthJson"] = s.TruthJson,
        ["truthMap"] = s.TruthMap,
        ["specimenDiameter"] = s.SpecimenDiameter,
    };
}
