using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Analysis;

internal static class AnalysisTestData
{
    private static readonly Lazy<IFftBackend> Backend = new(() => FftBackends.Create());

    /// <summary>One FFT backend shared by the analysis tests (FFTW where installed; plans are cached per
    /// shape).</summary>
    public static IFftBackend Fft => Backend.Value;

    public static Grid ReadGrid(string path)
    {
        using var mrc = MrcFile.Open(path, MrcReadOptions.Permissive);
        return new Grid(mrc.Shape, mrc.ReadAll());
    }
}
