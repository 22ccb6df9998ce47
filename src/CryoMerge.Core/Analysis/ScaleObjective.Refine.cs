using MathNet.Numerics.LinearAlgebra;

namespace CryoMerge.Core.Analysis;

/// <summary>The outcome of a local refinement.</summary>
/// <param name="AtScaleBound">The scale ended on the edge of the allowed range (the optimum may lie beyond it).</param>
internal sealed record Refinement(ScalePose Pose, PoseScore Score, int Iterations, bool AtScaleBound);

internal sealed partial class ScaleObjective
{
    /// <summary>
    /// Levenberg-Marquardt from <paramref name="start"/>: Gauss-Newton steps on (log-scale, rotation, translation,
    /// amplitude, offset) with Marquardt's diagonal damping; a step is kept only when the correlation does not drop.
    /// </summary>
    /// <param name="fixScale">Keep the scale (for candidate evaluations at a given pixel size).</param>
    /// <param name="logScaleTolerance">Stop once a kept step moves the log-scale by less than this (when only the scale
    /// is wanted).</param>
    public Refinement Refine(ScalePose start, int maxIterations = 20, bool fixScale = false,
        double logScaleTolerance = 0)
    {
        var pose = fixScale ? start : Clamp(start);
        var sums = Pass(pose, gradient: true, perBlock: null);
        var score = sums.Score(_noise);
        double lambda = 1e-3;
        int iterations = 0;
        for (; iterations < maxIterations; iterations++)
        {
            var step = Solve(sums, score, lambda, fixScale);
            if (step is null) break;
            var (dls, w, dt) = step.Value;
            var trial = fixScale ? pose.Step(0, w, dt) : Clamp(pose.Step(dls, w, dt));
            var trialSums = Pass(trial, gradient: true, perBlock: null);
            var trialScore = trialSums.Score(_noise);
            if (double.IsFinite(trialScore.Correlation) && trialScore.Correlation >= score.Correlation - 1e-12)
            {
                bool small = Math.Abs(trial.LogScale - pose.LogScale) < 1e-8 && Norm(w) < 1e-7 && Norm(dt) < 1e-5;
                bool flat = trialScore.Correlation - score.Correlation < 1e-11;
                bool scaleSettled = Math.Abs(trial.LogScale - pose.LogScale) < logScaleTolerance;
                (pose, sums, score) = (trial, trialSums, trialScore);
                lambda = Math.Max(lambda / 4, 1e-7);
                if (small || (flat && iterations > 2) || scaleSettled) { iterations++; break; }
            }
            else
            {
                lambda *= 8;
                if (lambda > 1e8) break;
            }
        }
        bool atBound = !fixScale && (pose.LogScale <= MinLogScale + 1e-6 || pose.LogScale >= MaxLogScale - 1e-6);
        return new Refinement(pose, score, iterations, atBound);
    }

    private ScalePose Clamp(ScalePose pose) => pose with { LogScale = Math.Clamp(pose.LogScale, MinLogScale,
        MaxLogScale) };

    private static double Norm(Vector3d v) => Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);

    /// <summary>The normal equations (9 x 9 over pose, amplitude, offset) and right-hand side at the current
    /// pose.</summary>
    private (Matrix<double> H, Vector<double> B) NormalEquations(Sums s, PoseScore score) => NormalEquations(s,
        score.Amplitude, score.Offset);

    /// <summary>
    /// Half the Hessian (Gauss-Newton) and half the gradient of sum w (a - alpha g - beta)^2 - alpha^2 noise sum w, the
    /// least-squares
    /// form of the noise-corrected correlation.
    /// </summary>
    private (Matrix<double> H, Vector<double> B) NormalEquations(Sums s, double alpha, double beta)
    {
        const int n = PoseParameters + 2;
        var h = Matrix<double>.Build.Dense(n, n);
        var b = Vector<double>.Build.Dense(n);
        for (int r = 0; r < PoseParameters; r++)
        {
            for (int c = r; c < PoseParameters; c++)
            {
                double v = alpha * alpha * s.DD[r * Stride + c];
                h[r, c] = v;
                h[c, r] = v;
            }
            h[r, 7] = h[7, r] = alpha * s.Dg[r];
            h[r, 8] = h[8, r] = alpha * s.D[r];
            b[r] = -alpha * (s.Da[r] - alpha * s.Dg[r] - beta * s.D[r]);
        }
        h[7, 7] = s.Wgg - _noise * s.W;
        h[7, 8] = h[8, 7] = s.Wg;
        h[8, 8] = s.W;
        b[7] = -(s.Wag - alpha * s.Wgg - beta * s.Wg) - alpha * _noise * s.W;
        b[8] = -(s.Wa - alpha * s.Wg - beta * s.W);
        return (h, b);
    }

    private static int[] FreeParameters(bool fixScale) => fixScale ? [1, 2, 3, 4, 5, 6, 7, 8] : [0, 1, 2, 3, 4,
        5, 6, 7, 8];

    private (double, Vector3d, Vector3d)? Solve(Sums sums, PoseScore score, double lambda, bool fixScale)
    {
        var (h, b) = NormalEquations(sums, score);
        var free = FreeParameters(fixScale);
        var a = Matrix<double>.Build.Dense(free.Length, free.Length, (r, c) => h[free[r],
            free[c]] * (r == c ? 1 + lambda : 1));
        var rhs = Vector<double>.Build.Dense(free.Length, r => -b[free[r]]);
        Vector<double> x;
        try
        {
            x = a.Solve(rhs);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
        if (x.Any(v => !double.IsFinite(v))) return null;
        var full = new double[9];
        for (int i = 0; i < free.Length; i++) full[free[i]] = x[i];
        return (full[0], new Vector3d(full[1], full[2], full[3]), new Vector3d(full[4], full[5], full[6]));
    }

    /// <summary>
    /// Covariance of the pose parameters at (a refined) <paramref name="pose"/> by the cluster-robust sandwich
    /// H^-1 (sum over blocks of g_b g_b^T) H^-1, where g_b is the gradient contribution of one block of points. Blocks
    /// larger than the residual's correlation length make this honest for spatially correlated noise and for any
    /// misfit that behaves like noise; no noise level has to be assumed. H is the true Hessian (forward differences of
    /// the analytic gradient), not the Gauss-Newton J^T J: map 2's own noise enters both the residual and its
    /// gradients, and J^T J counts the noise gradients as curvature, which would make the error too small.
    /// </summary>
    /// <returns>The 7 x 7 covariance of (log-scale, rotation vector, translation), or null when singular.</returns>
    public double[,]? Covariance(ScalePose pose, bool fixScale = false)
    {
        var blocks = new Sums[_points.BlockCount];
        for (int i = 0; i < blocks.Length; i++) blocks[i] = new Sums();
        var total = Pass(pose, gradient: true, perBlock: blocks);
        var score = total.Score(_noise);
        double alpha = score.Amplitude, beta = score.Offset;
        var (gn, g0) = NormalEquations(total, alpha, beta);
        var free = FreeParameters(fixScale);
        int nf = free.Length;

        // Steps of about one (Gauss-Newton) standard deviation.
        Matrix<double> gnInverse;
        try
        {
            gnInverse = Matrix<double>.Build.Dense(nf, nf, (r, c) => gn[free[r], free[c]]).Inverse();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
        var meat = Matrix<double>.Build.Dense(nf, nf);
        foreach (var blk in blocks)
        {
            if (blk.W <= 0) continue;
            var (_, gb) = NormalEquations(blk, alpha, beta);
            var g = Vector<double>.Build.Dense(nf, r => gb[free[r]]);
            meat += g.OuterProduct(g);
        }
        var sigma2 = (gnInverse * meat * gnInverse).Diagonal();
        var h = Matrix<double>.Build.Dense(nf, nf);
        for (int c = 0; c < nf; c++)
        {
            int p = free[c];
            double step = Math.Sqrt(Math.Max(sigma2[c], 1e-16));
            if (p >= PoseParameters)
            {
                // Amplitude and offset enter linearly: their column from the same sums.
                double da = p == PoseParameters ? step : 0, db = p == PoseParameters + 1 ? step : 0;
                var (_, plus) = NormalEquations(total, alpha + da, beta + db);
                var (_, minus) = NormalEquations(total, alpha - da, beta - db);
                for (int r = 0; r < nf; r++) h[r, c] = (plus[free[r]] - minus[free[r]]) / (2 * step);
                continue;
            }
            // Forward differences from the gradient at the pose: one pass per parameter instead of two. Over a step
            // of one standard deviation the gradient is linear to far better than the error bar needs.
            var gp = GradientAt(Perturb(pose, p, step), alpha, beta);
            for (int r = 0; r < nf; r++) h[r, c] = (gp[free[r]] - g0[free[r]]) / step;
        }
        h = (h + h.Transpose()) / 2;
        Matrix<double> inv;
        try
        {
            inv = h.Inverse();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
        var cov = inv * meat * inv;
        var result = new double[PoseParameters, PoseParameters];
        for (int r = 0; r < nf; r++)
            for (int c = 0; c < nf; c++)
                if (free[r] < PoseParameters && free[c] < PoseParameters) result[free[r], free[c]] = cov[r, c];
        return result;
    }

    /// <summary>Gradient of (half) the weighted residual sum of squares at fixed amplitude and offset.</summary>
    private Vector<double> GradientAt(ScalePose pose, double alpha, double beta) => NormalEquations(Pass(pose,
        gradient: true, perBlock: null), alpha, beta).B;

    private static ScalePose Perturb(ScalePose pose, int parameter, double step) => parameter switch
    {
        0 => pose.Step(step, default, default),
        <= 3 => pose.Step(0, new Vector3d(parameter == 1 ? step : 0, parameter == 2 ? step : 0,
        parameter == 3 ? step : 0), default),
        _ => pose.Step(0, default, new Vector3d(parameter == 4 ? step : 0, parameter == 5 ? step : 0,
        parameter == 6 ? step : 0)),
    };
}
