using System.Numerics;
using CryoMerge.Core;

namespace CryoMerge.Core.Tests.Imaging;

/// <summary>The O(N^2) definition of the real-to-half-complex DFT, in double precision: the reference the backends must
/// match.</summary>
internal static class NaiveDft
{
    /// <summary>F(kx, ky, kz) = sum f(x, y, z) exp(-2 pi i (kx x / X + ky y / Y + kz z / Z)), kx = 0..X/2.</summary>
    public static Complex[] ForwardReal(Shape3 shape, float[] real)
    {
        int hx = shape.X / 2 + 1;
        var result = new Complex[hx * shape.Y * shape.Z];
        for (int kz = 0; kz < shape.Z; kz++)
        for (int ky = 0; ky < shape.Y; ky++)
        for (int kx = 0; kx < hx; kx++)
        {
            Complex sum = 0;
            for (int z = 0; z < shape.Z; z++)
            for (int y = 0; y < shape.Y; y++)
            for (int x = 0; x < shape.X; x++)
            {
                double phase = -2 * Math.PI * ((double)kx * x / shape.X + (double)ky * y / shape.Y + (double)kz * z
                    / shape.Z);
                sum += real[x + shape.X * (y + shape.Y * z)] * Complex.FromPolarCoordinates(1, phase);
            }
            result[kx + hx * (ky + shape.Y * kz)] = sum;
        }
        return result;
    }
}
