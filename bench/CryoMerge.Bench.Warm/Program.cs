using CryoMerge.Bench.Warm;

// Usage: CryoMerge.Bench.Warm PLAN-CORE PLAN-SILO STATE-DIR REPEATS (run by 'CryoMerge.Bench merge').
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: CryoMerge.Bench.Warm PLAN-CORE PLAN-SILO STATE-DIR REPEATS");
    return 2;
}
return await WarmMerge.RunAsync(args[0], args[1], args[2], int.Parse(args[3]));
