using BenchmarkDotNet.Running;
using CryoMerge.Bench;

// Side-by-side benchmarks against RELION on the same files in the same run, and BenchmarkDotNet micro-benchmarks.
// Usage: dotnet run -c Release --project bench/CryoMerge.Bench -- [star [ROWS]] [cs [ROWS]] [metadata [ROWS]] [fft] [rescale [--small]]
//        [extract [MICS SIZE PARTICLES BOX SCALE WINDOW]] [pixel-size [BOX...]] [pixel-size-profile MAP1 MAP2 [REPEATS]] [merge [MICROGRAPHS [SIZE [PARTICLES]]] [--batching-both]] [reconstruct [PARTICLES [BOX]]] [scale [PARTICLES...] [--embedded-only|--cluster-only|--warm-only] [--warm-repeats N] [--cryomerge PATH] [--warm PATH]] [micro ...]
string work = Path.Combine(Path.GetTempPath(), "cryomerge-bench");
var report = Console.Out;
string what = args.Length > 0 ? args[0] : "all";
report.WriteLine($"# CryoMerge.Distributed benchmarks ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores)");
report.WriteLine();
switch (what)
{
    case "star":
        StarBench.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, work, report);
        break;
    case "cs":
        CryosparcBench.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, work, report);
        break;
    case "metadata":
        MetadataBench.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, work, report);
        break;
    case "fft":
        FftBench.Run(report);
        break;
    case "extract":
        ExtractBench.Run(ExtractBench.Parse(args), work, report);
        break;
    case "extract-run":   // the measured child process of "extract"
        return ExtractBench.RunChild(args);
    case "rescale":
        RescaleBench.Run(small: args.Contains("--small"), work, report);
        break;
    case "pixel-size":
        PixelSizeBench.Run(args.Length > 1 ? args[1..].Select(int.Parse).ToArray() : [100, 256], work, report);
        break;
    case "pixel-size-profile":   // MAP1 MAP2 [REPEATS]: a fit's time per step, warm
        return PixelSizeBench.Profile(args[1], args[2], args.Length > 3 ? int.Parse(args[3]) : 3);
    case "merge":
    {
        // merge [MICROGRAPHS [SIZE [PARTICLES]]] [--batching-both]: with --batching-both, each size with the
        // extraction's batching off (one work item per micrograph), then on.
        var numbers = args.Skip(1).Where(a => !a.StartsWith("--")).Select(int.Parse).ToArray();
        MergeBench.Size[] sizes = numbers.Length > 0
            ? [new MergeBench.Size(numbers[0], numbers.Length > 1 ? numbers[1] : 1024, numbers.Length > 2 ? numbers[2] : 30)]
            : MergeBench.DefaultSizes;
        foreach (string? batching in args.Contains("--batching-both") ? new[] { "off", null } : [Environment.GetEnvironmentVariable("CRYOMERGE_EXTRACT_BATCHING")])
        {
            Environment.SetEnvironmentVariable("CRYOMERGE_EXTRACT_BATCHING", batching);
            MergeBench.Run(sizes, work, report);
        }
        break;
    }
    case "reconstruct":   // [PARTICLES [BOX]]
        ReconstructBench.Run(ReconstructBench.Parse(args), work, report);
        break;
    case "scale":
    {
        // scale [PARTICLES...] [--embedded-only | --cluster-only | --warm-only] [--warm-repeats N]
        // [--cryomerge PATH] [--warm PATH]: default 10000 100000; embedded, three silos and per job on a running
        // silo; --cryomerge and --warm: programs already published (CryoMerge.Bench.Warm for --warm).
        string? Value(string option) => Array.IndexOf(args, option) is int at and > 0 ? args[at + 1] : null;
        string? published = Value("--cryomerge");
        int? warmRepeats = Value("--warm-repeats") is string n ? int.Parse(n) : null;
        var sizes = args.Skip(1).Where((a, i) => !a.StartsWith("--") && !args[i].StartsWith("--"))
            .Select(long.Parse).ToArray();
        bool only = args.Any(a => a is "--embedded-only" or "--cluster-only" or "--warm-only");
        ScaleBench.Run(sizes.Length > 0 ? sizes : [10_000, 100_000],
            embedded: !only || args.Contains("--embedded-only"), cluster: !only || args.Contains("--cluster-only"),
            warm: !only || args.Contains("--warm-only"), warmRepeats, published, Value("--warm"), work, report);
        break;
    }
    case "merge-local":   // the measured child process of "merge"
        return MergeBench.RunLocal(args[1]);
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(FftMicro).Assembly).Run(args[1..]);
        break;
    case "all":
        FftBench.Run(report);
        StarBench.Run(1_000_000, work, report);
        MetadataBench.Run(1_000_000, work, report);
        break;
    default:
        Console.Error.WriteLine("usage: CryoMerge.Bench [star [ROWS] | cs [ROWS] | metadata [ROWS] | fft | rescale [--small] | extract [MICROGRAPHS SIZE PARTICLES BOX SCALE WINDOW] | pixel-size [BOX...] | merge [MICROGRAPHS [SIZE [PARTICLES]]] [--batching-both] | reconstruct [PARTICLES [BOX]] | scale [PARTICLES...] [--embedded-only|--cluster-only|--warm-only] [--warm-repeats N] [--cryomerge PATH] [--warm PATH] | micro [BenchmarkDotNet options] | all]");
        return 2;
}
return 0;
