using CryoMerge.Core.Imaging;

namespace CryoMerge.Cli;

/// <summary>
/// What a command handler writes to and shares: results (and --json) on <see cref="Out"/>, messages, warnings
/// and progress on <see cref="Error"/>. Tests pass StringWriters.
/// </summary>
public sealed class CliConsole(TextWriter output, TextWriter error)
{
    private IFftBackend? _fft;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Whether stderr is a terminal, so that progress bars may redraw in place.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>The FFT backend, chosen on first use from CRYOMERGE_FFT (fftw when available).</summary>
    public IFftBackend Fft
    {
        get
        {
            if (_fft is null)
            {
                _fft = FftBackends.Create(null, out string? note);
                if (note is not null) Warn(note);
            }
            return _fft;
        }
    }

    public void Warn(string message) => Error.WriteLine($"warning: {message}");

    public void Note(string message) => Error.WriteLine(message);
}
