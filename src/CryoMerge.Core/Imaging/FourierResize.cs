using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// RELION's <c>resizeMap</c>: Fourier transform (normalised by the number of voxels), crop or zero-pad the
/// half spectrum (<c>windowFourierTransform</c>), inverse transform. No interpolation: voxel values (not
/// integrals) are preserved, the box centre N/2 maps to M/2, and the result equals relion_image_handler's.
/// </summary>
/// <remarks>
/// Which components survive follows RELION exactly. Shrinking keeps the frequencies that fit the new half
/// spectrum, indexing rows 0..M/2 as positive and M/2+1..M-1 as negative, so the new Nyquist row holds the
/// old +M/2 component. Enlarging copies only components within a sphere of radius N/2 (the old half size
/// minus one, in half-spectrum columns), leaving the corners of the padded spectrum empty.
/// </remarks>
public static class FourierResize
{
    /// <summary>Resizes a square image or cubic volume to <paramref name="newSize"/> per side.</summary>
    public static Grid Resize(IFftBackend fft, Grid input, int newSize, int threads = 0)
    {
        var s = input.Shape;
        int dims = input.Dimensions;
        if (s.X != s.Y || (dims == 3 && s.Z != s.X))
            throw new ArgumentException($"Fourier resizing needs a square image or a cube, not {s}");
        if (newSize < 1) throw new ArgumentOutOfRangeException(nameof(newSize), newSize,
            "the new size must be positive");
        var outShape = dims == 3 ? new Shape3(newSize, newSize, newSize) : new Shape3(newSize, newSize, 1);
        if (newSize == s.X) return input.Clone();

        var spectrum = new Complex32[FftLayout.SpectrumLength(s)];
        fft.ForwardReal(s, input.Data, spectrum, threads);
        var windowed = new Complex32[FftLayout.SpectrumLength(outShape)];
        WindowSpectrum(spectrum, s.X, dims, windowed, newSize);
        // RELION scales the forward transform by 1 / (voxels of the input); the inverse is unscaled.
        float scale = (float)(1.0 / s.Count);
        for (int i = 0; i < windowed.Length; i++) windowed[i] *= scale;
        var output = new Grid(outShape);
        fft.InverseReal(outShape, windowed, output.Data, threads);
        return output;
    }

    /// <summary>
    /// <c>windowFourierTransform</c>: copies the half spectrum of an N-sided square or cube into the (zeroed)
    /// half spectrum of an M-sided one.
    /// </summary>
    public static void WindowSpectrum(ReadOnlySpan<Complex32> input, int n, int dims, Span<Complex32> output, int m)
    {
        output.Clear();
        int hn = n / 2 + 1, hm = m / 2 + 1;
        int ny = n, nz = dims == 3 ? n : 1, my = m, mz = dims == 3 ? m : 1;
        if (hm > hn)
        {
            // Enlarging: iterate over the input, keep kp^2 + ip^2 + jp^2 <= (hn - 1)^2.
            long maxR2 = (long)(hn - 1) * (hn - 1);
            for (int k = 0; k < nz; k++)
            {
                int kp = k < hn ? k : k - nz;
                if (dims == 2) kp = 0;
                for (int i = 0; i < ny; i++)
                {
                    int ip = i < hn ? i : i - ny;
                    for (int jp = 0; jp < hn; jp++)
                    {
                        if ((long)kp * kp + (long)ip * ip + (long)jp * jp > maxR2) continue;
                        output[Index(kp, ip, jp, hm, my, mz)] = input[Index(kp, ip, jp, hn, ny, nz)];
                    }
                }
            }
        }
        else
        {
            // Shrinking (or equal): iterate over the output.
            for (int k = 0; k < mz; k++)
            {
                int kp = k < hm ? k : k - mz;
                if (dims == 2) kp = 0;
                for (int i = 0; i < my; i++)
                {
                    int ip = i < hm ? i : i - my;
                    int outRow = Index(kp, ip, 0, hm, my, mz);
                    int inRow = Index(kp, ip, 0, hn, ny, nz);
                    input.Slice(inRow, hm).CopyTo(output.Slice(outRow, hm));
                }
            }
        }
    }

    /// <summary>FFTW_ELEM: position of frequency (kp, ip, jp) in a half spectrum of width hx, height ny, depth
    /// nz.</summary>
    private static int Index(int kp, int ip, int jp, int hx, int ny, int nz)
    {
        int k = kp < 0 ? kp + nz : kp;
        int i = ip < 0 ? ip + ny : ip;
        return jp + hx * (i + ny * k);
    }
}
