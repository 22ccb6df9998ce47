using CryoMerge.Bench.Warm;

// Usage: CryoMerge.Bench.Warm PLAN-CORE PLAN-SILO STATE-DIR REPEATS [WARM-UP-PLAN-CORE WARM-UP-PLAN-SILO]
// (run by 'CryoMerge.Bench merge' and 'scale').
if (args.Length is not (4 or 6))
{
    Console.Error.WriteLine(
        "usage: CryoMerge.Bench.Warm PLAN-CORE PLAN-SILO STATE-DIR REPEATS [WARM-UP-PLAN-CORE WARM-UP-PLAN-SILO]");
    return 2;
}
return await WarmMerge.RunAsync(args[0], args[1], args[2], int.Parse(args[3]),
    args.Length == 6 ? (args[4], args[5]) : null);
