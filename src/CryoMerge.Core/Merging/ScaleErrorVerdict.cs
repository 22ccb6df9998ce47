using System.Globalization;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Merging;

/// <summary>
/// How much scale error one data set's particles may still carry, from the best estimate there is, in parts
/// (relative, 0.01 = 1 %).
/// </summary>
/// <param name="PlanOffset">A pixel size the plan gives against its map's fit (it is used all the same); 0 when the
/// fit is used or there is no map.</param>
/// <param name="Range">Half the honest range of the fit.</param>
/// <param name="Rounding">How far the images missed the reference's pixel (box pair or micrograph rounding; method 3
/// leaves each data set at its own pixel size).</param>
/// <param name="Checked">False for a pixel size the plan gives that no map could check.</param>
/// <param name="Advice">The tolerance model's verdict, when the plan gives particleDiameter and expectedResolution.
/// </param>
public sealed record ScaleErrorVerdict(string DataSet, double PlanOffset, double Range, double Rounding, bool Checked,
    ToleranceAdvice? Advice)
{
    /// <summary>The worst case: the parts added.</summary>
    public double Error => Math.Abs(PlanOffset) + Range + Rounding;
}
