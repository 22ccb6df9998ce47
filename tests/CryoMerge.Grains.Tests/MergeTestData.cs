using System.Globalization;
using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Tests;

namespace CryoMerge.Grains.Tests;

/// <summary>Two small generated data sets on disk and a method-1 plan that rescales data set II's
/// micrographs.</summary>
internal static class MergeTestData
{
    public static MergePlan WritePlan(TempDir dir, string output, int micrographs = 24, int size = 256)
    {
        string ds1 = WriteDataSet(dir, "DS1", 3, size, 1.0);
        string ds2 = WriteDataSet(dir, "DS2", micrographs, size, 1.2);
        var yaml = $"""
            name: test
            output: {output}
            method: 1
            reference: DS1
            extraction:
              window: 32
            datasets:
              - name: DS1
                micrographs: {ds1}/micrographs_ctf.star
                particles: {ds1}/particles.star
                pixelSize: 1.0
              - name: DS2
                micrographs: {ds2}/micrographs_ctf.star
                particles: {ds2}/particles.star
                nominalPixelSize: 1.2
                pixelSize: 1.23
            """;
        File.WriteAllText(dir.File("plan.yaml"), yaml);
        return MergePlanReader.Read(dir.File("plan.yaml"));
    }

    public static string Json(MergePlan plan) => JsonSerializer.Serialize(plan, WorkJson.Options);

    private static string WriteDataSet(TempDir dir, string name, int count, int size, double pixel)
    {
        string folder = Directory.CreateDirectory(dir.File(name)).FullName;
        var rng = new Random(name.GetHashCode() & 0xffff);
        var mics = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var data = new float[size * size];
            for (int j = 0; j < data.Length; j++) data[j] = (float)(rng.NextDouble() - 0.5);
            string path = Path.Combine(folder, $"mic{i:D3}.mrc");
            MrcWriter.WriteFile(path, new Shape3(size, size, 1), data,
                new MrcWriteOptions { PixelSize = Vector3d.All(pixel) });
            mics.Add(path);
        }
        string p = pixel.ToString("F6", CultureInfo.InvariantCulture);
        // (100, 120) on the usual 256-pixel micrographs, at the same place on smaller ones: method 1 extracts them.
        string x = (size * 100 / 256.0).ToString("F1", CultureInfo.InvariantCulture);
        string y = (size * 120 / 256.0).ToString("F1", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(folder, "micrographs_ctf.star"), $"""
            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographPixelSize #3
            _rlnVoltage #4
            _rlnSphericalAberration #5
            _rlnAmplitudeContrast #6
            opticsGroup1 1 {p} 300.0 2.7 0.1

            # version 30001

            data_micrographs

            loop_
            _rlnMicrographName #1
            _rlnOpticsGroup #2
            _rlnDefocusU #3
            _rlnDefocusV #4
            _rlnDefocusAngle #5
            {string.Join("\n", mics.Select((m, i) => $"{m} 1 {15000 + 100 * i}.0 {14800 + 100 * i}.0 10.0"))}

            """);
        File.WriteAllText(Path.Combine(folder, "particles.star"), $"""
            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographPixelSize #3
            opticsGroup1 1 {p}

            # version 30001

            data_particles

            loop_
            _rlnMicrographName #1
            _rlnCoordinateX #2
            _rlnCoordinateY #3
            _rlnOpticsGroup #4
            {string.Join("\n", mics.Select(m => $"{m} {x} {y} 1"))}

            """);
        return folder;
    }

    /// <summary>
    /// SHA-256 of every file under a folder, by relative path; STAR files with <paramref name="output"/> (which they
    /// may name) replaced by "OUTPUT", so that two runs into different folders compare.
    /// </summary>
    public static SortedDictionary<string, string> Hashes(string folder, string? output = null) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => output is not null && f.EndsWith(".star",
                StringComparison.Ordinal)
                ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
                    System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(f).Replace(output, "OUTPUT",
                    StringComparison.Ordinal))))
                : FileHash.Content(f)), StringComparer.Ordinal);
}
