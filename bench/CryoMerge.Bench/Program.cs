using BenchmarkDotNet.Running;
using CryoMerge.Bench;

// Side-by-side benchmarks against RELION on the same files in the same run, and BenchmarkDotNet micro-benchmarks.
// Usage: dotnet run -c Release --project bench/CryoMerge.Bench -- [star [ROWS]] [cs [ROWS]] [metadata [ROWS]] [fft] [rescale [--small]]
//        [extract [MICS SIZE PARTICLES BOX SCALE WINDOW]] [pixel-size [BOX...]] [pixel-size-profile MAP1 MAP2 [REPEATS]] [merge [MICROGRAPHS [SIZE [PARTICLES]]]] [reconstruct [PARTICLES [BOX]]] [micro ...]
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
        MergeBench.Run(args.Length > 1 ? [new MergeBench.Size(int.Parse(args[1]), args.Length > 2 ? int.Parse(args[2]) : 1024, args.Length > 3 ? int.Parse(args[3]) : 30)]
            : MergeBench.DefaultSizes, work, report);
        break;
    case "reconstruct":   // [PARTICLES [BOX]]
        ReconstructBench.Run(ReconstructBench.Parse(args), work, report);
        break;
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
        Console.Error.WriteLine("usage: CryoMerge.Bench [star [ROWS] | cs [ROWS] | metadata [ROWS] | fft | rescale [--small] | extract [MICROGRAPHS SIZE PARTICLES BOX SCALE WINDOW] | pixel-size [BOX...] | merge [MICROGRAPHS [SIZE [PARTICLES]]] | reconstruct [PARTICLES [BOX]] | micro [BenchmarkDotNet options] | all]");
        return 2;
}
return 0;
