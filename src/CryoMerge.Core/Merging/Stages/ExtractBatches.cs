using System.Globalization;
using CryoMerge.Core.Extraction;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// How the extract stage groups micrographs into work items. A work item costs the coordinator and its worker about
/// the same whatever it holds (a call, a grain activation, a journal line, a status update: 2-3 ms of CPU on a
/// running silo, measured at 10^4-10^6 particles), so a small micrograph with a few particles, a millisecond of work,
/// would spend most of its time on being an item. Consecutive micrographs of one data set are therefore grouped until
/// their expected cost reaches <see cref="TargetCost"/>, while every data set keeps at least
/// <see cref="MinItemsPerDataSet"/> items so that a small job still spreads over every core of a cluster. The groups
/// depend on the plan alone (micrograph sizes, particle counts, boxes), never on the cluster, so an item's id is the
/// same in every run of a plan and a resumed job finds its finished items. The environment variable
/// <c>CRYOMERGE_EXTRACT_BATCHING=off</c> on the coordinating process gives one item per micrograph (for measuring
/// what batching saves; the outputs are the same bytes either way).
/// </summary>
internal static class ExtractBatches
{
    public const string EnvironmentVariable = "CRYOMERGE_EXTRACT_BATCHING";

    /// <summary>Whether micrographs are grouped: yes unless <see cref="EnvironmentVariable"/> is "off".</summary>
    public static bool Enabled => !string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim(), "off",
        StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Expected cost of one item, in the units of <see cref="Cost"/> (nanoseconds of one core): 100 ms, some forty
    /// times what being an item costs (ten 384^2 micrographs of 100 particles, which took 20 ms each: about 1 % of
    /// an item's CPU on Orleans). At 20 ms, a million particles made 5,278 extraction items and Orleans cost 12.5 %
    /// of Core's CPU on a running silo.
    /// </summary>
    public const double TargetCost = 1e8;

    /// <summary>Items a data set keeps at least (when it has that many micrographs).</summary>
    public const int MinItemsPerDataSet = 16;

    /// <summary>
    /// Expected time of extracting one micrograph on one core, in nanoseconds: opening, reading and checking the
    /// micrograph and writing its stack, then per particle cutting and normalising the box, its Fourier rescale when
    /// there is one (a 2-D FFT of the box and an inverse one of the scaled box) and writing the image. Fitted on
    /// this project's 2-core machine (256^2 micrographs, boxes 32-256, FFTW) to within about 30 %: FFTW's time
    /// follows the sum of a size's prime factors (a 194 box, 2 x 97, costs ten times a 128 box), not n log n. A
    /// model of relative costs for grouping, not a promise of time.
    /// </summary>
    public static double Cost(long micrographPixels, int particles, ExtractionSettings settings)
    {
        const double perMicrograph = 2e5, perMicrographPixel = 5, perBoxPixel = 3.5, perOutputPixel = 3;
        double box = (double)settings.Box * settings.Box;
        double output = (double)settings.OutputSize * settings.OutputSize;
        double rescale = settings.Scale is int scale ? Fft(settings.Box) + Fft(scale) : 0;
        return perMicrograph + perMicrographPixel * micrographPixels
            + particles * (perBoxPixel * box + rescale + perOutputPixel * output);
    }

    /// <summary>
    /// Nanoseconds of a 2-D FFT of n x n pixels with FFTW, as measured: 0.4 n^2 x (n's prime factors summed).
    /// </summary>
    private static double Fft(int n) => 0.4 * n * (double)n * PrimeFactorSum(n);

    private static int PrimeFactorSum(int n)
    {
        int sum = 0;
        for (int p = 2; p * p <= n; p++)
            while (n % p == 0) { sum += p; n /= p; }
        return n > 1 ? sum + n : sum;
    }

    /// <summary>
    /// The plan's items in groups of consecutive micrographs: the index of the first and the count; without
    /// <paramref name="batched"/>, one micrograph a group.
    /// </summary>
    public static IReadOnlyList<(int First, int Count)> Group(IndexedExtractionPlan plan, bool batched = true) =>
        !batched
        ? Enumerable.Range(0, plan.Items.Count).Select(i => (i, 1)).ToList()
        : Group(Enumerable.Range(0, plan.Items.Count)
            .Select(i => Cost(plan.MicrographPixels(i), plan.Items[i].Particles, plan.Settings)).ToList());

    /// <summary>
    /// Consecutive groups of items of the given costs: each closed once its cost reaches <see cref="TargetCost"/>,
    /// or once it holds 1/<see cref="MinItemsPerDataSet"/> of the items.
    /// </summary>
    public static IReadOnlyList<(int First, int Count)> Group(IReadOnlyList<double> costs)
    {
        int n = costs.Count;
        int maxPerItem = Math.Max(1, n / MinItemsPerDataSet);
        var groups = new List<(int, int)>();
        int first = 0;
        double cost = 0;
        for (int i = 0; i < n; i++)
        {
            cost += costs[i];
            int count = i - first + 1;
            if (cost >= TargetCost || count >= maxPerItem || i == n - 1)
            {
                groups.Add((first, count));
                first = i + 1;
                cost = 0;
            }
        }
        return groups;
    }

    /// <summary>
    /// The key of a group's item: its first stack, as a single micrograph's item is keyed, and how many follow.
    /// </summary>
    public static string Key(IndexedExtractionPlan plan, int first, int count) => count == 1
        ? plan.Items[first].StackPath
        : string.Create(CultureInfo.InvariantCulture, $"{plan.Items[first].StackPath} (+{count - 1})");
}
