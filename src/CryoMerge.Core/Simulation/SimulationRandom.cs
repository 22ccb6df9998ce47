namespace CryoMerge.Core.Simulation;

/// <summary>
/// A small, fast random generator whose sequence is fixed forever by its seed (xoshiro256** seeded through
/// SplitMix64), so that a simulated data set is reproducible byte for byte on any machine and .NET version.
/// Independent streams (one per micrograph) come from <see cref="For"/>, so parallel generation gives the same
/// result in any order. Not thread-safe: one instance per stream.
/// </summary>
public sealed class SimulationRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    public SimulationRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The stream for item <paramref name="index"/> of purpose <paramref name="purpose"/> under a user
    /// seed.</summary>
    public static SimulationRandom For(long seed, int purpose, long index)
    {
        ulong x = (ulong)seed * 0x9E3779B97F4A7C15UL;
        x ^= (ulong)purpose * 0xBF58476D1CE4E5B9UL + 0x632BE59BD9B4E019UL;
        x ^= (ulong)index * 0x94D049BB133111EBUL + 0x2545F4914F6CDD1DUL;
        return new SimulationRandom(SplitMix(ref x));
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Standard normal deviate (Marsaglia's polar method; pairs are used in turn).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        return u * f;
    }

    /// <summary>Adds independent N(0, sigma^2) noise to every value.</summary>
    public void AddGaussianNoise(Span<float> values, double sigma)
    {
        for (int i = 0; i < values.Length; i++) values[i] += (float)(sigma * NextGaussian());
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
