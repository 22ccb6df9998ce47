namespace CryoMerge.Core.Imaging;

/// <summary>
/// Chooses the FFT backend: FFTW when libfftw3f loads, else the managed one. The environment variable
/// <c>CRYOMERGE_FFT</c> (<c>fftw</c>, <c>managed</c> or <c>auto</c>) overrides the choice; asking for FFTW
/// where it is missing is an error rather than a silent fallback.
/// </summary>
public static class FftBackends
{
    public const string EnvironmentVariable = "CRYOMERGE_FFT";

    /// <summary>Creates the backend asked for by <paramref name="preference"/> (or the environment variable when
    /// null).</summary>
    /// <param name="note">Receives a one-line note when the automatic choice fell back to managed code.</param>
    public static IFftBackend Create(string? preference, out string? note)
    {
        note = null;
        string choice = (preference ?? Environment.GetEnvironmentVariable(EnvironmentVariable)
            ?? "auto").Trim().ToLowerInvariant();
        switch (choice)
        {
            case "" or "auto":
                if (FftwBackend.TryCreate() is { } fftw) return fftw;
                note = "FFTW (libfftw3f.so.3) not found: using the slower managed FFT. Install libfftw3-single3 for " +
                    "speed.";
                return new ManagedFftBackend();
            case "fftw":
                return FftwBackend.TryCreate() ?? throw new CryoMergeInputException(EnvironmentVariable,
                    "FFTW was requested but libfftw3f.so.3 cannot be loaded (install the Debian package " +
                    "libfftw3-single3)");
            case "managed":
                return new ManagedFftBackend();
            default:
                throw new CryoMergeInputException(EnvironmentVariable,
                $"unknown FFT backend '{choice}' (use fftw, managed or auto)");
        }
    }

    public static IFftBackend Create(string? preference = null) => Create(preference, out _);
}
