using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// NaN and infinite values in image data. A Fourier transform spreads one of them over every pixel of the result,
/// so commands that compute on images refuse such an input (naming the file and image) instead of writing NaN;
/// <c>info</c> counts them.
/// </summary>
public static class NonFiniteValues
{
    /// <summary>Index of the first NaN or infinite value, or -1 when every value is finite.</summary>
    public static int IndexOfFirst(ReadOnlySpan<float> values)
    {
        // v - v is 0 for a finite v and NaN for NaN and both infinities.
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        for (int i = 0; i < vectors.Length; i++)
        {
            var v = vectors[i];
            if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
            {
                int start = i * Vector<float>.Count;
                return start + FirstScalar(values.Slice(start, Vector<float>.Count));
            }
        }
        int tail = vectors.Length * Vector<float>.Count;
        int k = FirstScalar(values[tail..]);
        return k < 0 ? -1 : tail + k;
    }

    /// <summary>How many values are NaN or infinite.</summary>
    public static long Count(ReadOnlySpan<float> values)
    {
        long count = 0;
        for (int start = 0; ;)
        {
            int k = IndexOfFirst(values[start..]);
            if (k < 0) return count;
            count++;
            start += k + 1;
        }
    }

    /// <summary>
    /// Refuses data holding a NaN or infinite value: one line naming <paramref name="file"/>, <paramref name="what"/>
    /// ("image 12", "the map") and the first such pixel in X, Y (and Z) of an image <paramref name="width"/> wide.
    /// </summary>
    public static void Require(ReadOnlySpan<float> values, string file, string what, int width, int height = 0)
    {
        int first = IndexOfFirst(values);
        if (first < 0) return;
        long count = Count(values[first..]);
        float v = values[first];
        string kind = float.IsNaN(v) ? "NaN" : v > 0 ? "+inf" : "-inf";
        int x = first % width, y = height > 0 ? first / width % height : first / width;
        string where = height > 0 && first / width / height > 0
            ? string.Create(CultureInfo.InvariantCulture, $"({x}, {y}, {first / width / height})")
            : string.Create(CultureInfo.InvariantCulture, $"({x}, {y})");
        string found = string.Create(CultureInfo.InvariantCulture,
            $"{what} holds {count} NaN or infinite value(s) (the first, {kind}, at pixel {where})");
        throw new CryoMergeInputException(file, found + "; a Fourier transform would spread them over every pixel; "
            + "remove or repair it first");
    }

    private static int FirstScalar(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++) if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
