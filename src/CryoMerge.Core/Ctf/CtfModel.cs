namespace CryoMerge.Core.Ctf;

/// <summary>The CTF values of one micrograph or particle, in RELION's STAR units.</summary>
/// <param name="DefocusU">rlnDefocusU in Angstrom, positive for underfocus.</param>
/// <param name="DefocusV">rlnDefocusV in Angstrom, positive for underfocus.</param>
/// <param name="DefocusAngle">rlnDefocusAngle in degrees: angle between X and the U direction.</param>
/// <param name="Voltage">rlnVoltage in kV.</param>
/// <param name="SphericalAberration">rlnSphericalAberration in mm.</param>
/// <param name="AmplitudeContrast">rlnAmplitudeContrast, a fraction in [0, 1].</param>
/// <param name="PhaseShift">rlnPhaseShift in degrees (phase plate).</param>
/// <param name="Bfactor">rlnCtfBfactor in A^2: envelope exp(-B k^2 / 4).</param>
/// <param name="Scale">rlnCtfScalefactor.</param>
public sealed record CtfParameters(
    double DefocusU,
    double DefocusV,
    double DefocusAngle,
    double Voltage = 300,
    double SphericalAberration = 2.7,
    double AmplitudeContrast = 0.1,
    double PhaseShift = 0,
    double Bfactor = 0,
    double Scale = 1);

/// <summary>
/// The contrast transfer function exactly as RELION 3.1 evaluates it (<c>src/ctf.h</c> getCTF, <c>src/ctf.cpp</c>
/// initialise): Cs in mm becomes Angstrom (x 1e7); the internal defocus is the negative of rlnDefocusU/V;
/// gamma = K1 (Axx kx^2 + 2 Axy kx ky + Ayy ky^2) + K2 k^4 - phase shift - atan(Q0 / sqrt(1 - Q0^2)) with
/// K1 = pi lambda, K2 = (pi / 2) Cs lambda^3 and A = R(angle)^T diag(-dfU, -dfV) R(angle); CTF = -sin(gamma),
/// times exp(-B k^2 / 4) and the scale factor. At low frequency the CTF is positive (about +Q0 at k = 0), so an
/// image with protein white (RELION's particles after --invert_contrast) is CTF * projection.
/// </summary>
public sealed class CtfModel
{
    private readonly double _k1, _k2, _k3, _k4, _k5, _axx, _axy, _ayy, _scale;

    public CtfModel(CtfParameters parameters)
    {
        Parameters = parameters;
        double q0 = parameters.AmplitudeContrast;
        if (q0 < 0 || q0 > 1) throw new ArgumentOutOfRangeException(nameof(parameters), q0,
            "the amplitude contrast must lie in [0, 1]");
        Wavelength = Electron.Wavelength(parameters.Voltage);
        double cs = parameters.SphericalAberration * 1e7;
        double lambda = Wavelength;
        _k1 = Math.PI / 2 * 2 * lambda;
        _k2 = Math.PI / 2 * cs * lambda * lambda * lambda;
        _k3 = Math.Atan(q0 / Math.Sqrt(1 - q0 * q0));
        _k4 = -parameters.Bfactor / 4;
        _k5 = parameters.PhaseShift * Math.PI / 180;
        _scale = parameters.Scale;

        double azimuth = parameters.DefocusAngle * Math.PI / 180;
        double c = Math.Cos(azimuth), s = Math.Sin(azimuth);
        double du = -parameters.DefocusU, dv = -parameters.DefocusV;
        // A = Q^T D Q with Q = [[c, s], [-s, c]], D = diag(-dfU, -dfV).
        _axx = c * c * du + s * s * dv;
        _axy = c * s * du - s * c * dv;
        _ayy = s * s * du + c * c * dv;
    }

    public CtfParameters Parameters { get; }

    /// <summary>Electron wavelength in Angstrom.</summary>
    public double Wavelength { get; }

    /// <summary>The phase gamma at spatial frequency (kx, ky) in 1/Angstrom.</summary>
    public double Gamma(double kx, double ky)
    {
        double u2 = kx * kx + ky * ky;
        return _k1 * (_axx * kx * kx + 2.0 * _axy * kx * ky + _ayy * ky * ky) + _k2 * u2 * u2 - _k5 - _k3;
    }

    /// <summary>CTF value at (kx, ky) in 1/Angstrom: -sin(gamma), the B-factor envelope and the scale factor.</summary>
    public double Value(double kx, double ky)
    {
        double u2 = kx * kx + ky * ky;
        double gamma = _k1 * (_axx * kx * kx + 2.0 * _axy * kx * ky + _ayy * ky * ky) + _k2 * u2 * u2 - _k5 - _k3;
        double value = -Math.Sin(gamma);
        if (_k4 != 0) value *= Math.Exp(_k4 * u2);
        value *= _scale;
        // RELION keeps |CTF| >= 1e-8 so that nothing divides by zero later; kept for identical values.
        if (Math.Abs(value) < 1e-8) value = value < 0 ? -1e-8 : value > 0 ? 1e-8 : 0;
        return value;
    }

    /// <summary>
    /// The CTF on the half spectrum of a real <paramref name="nx"/> x <paramref name="ny"/> image (FFTW layout,
    /// (nx/2 + 1) x ny values, X fastest), as RELION's getFftwImage without padding: column j is kx = j / (nx p),
    /// row i is ky = i / (ny p) for i &lt;= nx/2 ... in RELION's indexing, i - ny above.
    /// </summary>
    public void FillHalfSpectrum(Span<float> destination, int nx, int ny, double pixelSize)
    {
        int hx = nx / 2 + 1;
        if (destination.Length != (long)hx
            * ny) throw new ArgumentException($"destination must hold {(long)hx * ny} values");
        double xs = nx * pixelSize, ys = ny * pixelSize;
        for (int i = 0; i < ny; i++)
        {
            int ip = i <= ny / 2 ? i : i - ny;
            double ky = ip / ys;
            var row = destination.Slice(i * hx, hx);
            for (int j = 0; j < hx; j++) row[j] = (float)Value(j / xs, ky);
        }
    }
}
