using System.Globalization;
using System.Text;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>Small generated STAR files and image stacks for the merging tests (real files come from
/// TestFiles).</summary>
internal static class MergingTestFiles
{
    /// <summary>
    /// A RELION 3.0 particle file over the stack <paramref name="stack"/>: pixel 10000 x 5 / magnification, Cs 2.7,
    /// 300 kV, origins in pixels, orientations, group names; row i has DefocusU 15000 + 100 i.
    /// </summary>
    public static string Relion30Particles(string stack, int count, double pixel, string micrograph = "Movies/mic1.mrc",
        int firstIndex = 1)
    {
        var text = new StringBuilder("""

            data_

            loop_
            _rlnImageName #1
            _rlnMicrographName #2
            _rlnCoordinateX #3
            _rlnCoordinateY #4
            _rlnDefocusU #5
            _rlnDefocusV #6
            _rlnDefocusAngle #7
            _rlnVoltage #8
            _rlnSphericalAberration #9
            _rlnAmplitudeContrast #10
            _rlnMagnification #11
            _rlnDetectorPixelSize #12
            _rlnAngleRot #13
            _rlnAngleTilt #14
            _rlnAnglePsi #15
            _rlnOriginX #16
            _rlnOriginY #17
            _rlnGroupName #18
            _rlnGroupNumber #19

            """);
        double magnification = 10000 * 5 / pixel;
        for (int i = 0; i < count; i++)
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{firstIndex + i:D6}@{stack} {micrograph} {100 + 10 * i:F6} {200 + 7 * i:F6} {15000 + 100 * i:F6} " +
                $"{14800 + 100 * i:F6} 10.000000 300 2.7 0.1 {magnification:F6} 5 {i * 30:F6} {i * 15:F6} " +
                $"{i * 10:F6} 0.500000 -0.250000 group_{i % 2 + 1} {i % 2 + 1}\n"));
        return text.ToString();
    }

    /// <summary>Writes a stack of <paramref name="count"/> noise images of <paramref name="box"/> pixels.</summary>
    public static void WriteStack(string path, int count, int box, double pixel, int seed = 1)
    {
        var rng = new Random(seed);
        var data = new float[box * box * count];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() - 0.5);
        MrcWriter.WriteFile(path, new Shape3(box, box, count), data,
            new MrcWriteOptions { PixelSize = Vector3d.All(pixel), IsStack = true });
    }

    /// <summary>Copies a real file into a temporary folder (RELION resolves image names from the working
    /// directory).</summary>
    public static string CopyReal(TempDir dir, string relative)
    {
        string target = dir.File(Path.GetFileName(relative));
        File.Copy(TestFiles.RealFile(relative), target);
        File.SetAttributes(target, FileAttributes.Normal);
        return target;
    }

    /// <summary>The raw text of every cell of a column, for "untouched" comparisons.</summary>
    public static string[] Raw(StarTable table, string label) =>
        Enumerable.Range(0, table.RowCount).Select(table.Column(label).Raw).ToArray();
}
