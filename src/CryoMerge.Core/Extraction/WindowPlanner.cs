using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Plans <c>cryomerge window</c>: every stack named in a particles STAR file (RELION 3.0 or 3.1+) is windowed to a
/// new even box; each output stack holds the images the STAR file names, in increasing image number, and lives at
/// DIR/(stack name after jobNNN/); the STAR file gets the new image names and rlnImageSize (pixel sizes do not
/// change: windowing only crops). Everything is checked before anything is written.
/// </summary>
public static class WindowPlanner
{
    public static WindowPlan Plan(string particlesStar, int size, string outputDirectory,
        ICollection<string>? warnings = null)
    {
        var notes = new List<string>();
        if (size < 2) throw new CryoMergeInputException("--box", $"must be at least 2 pixels, not {size}");
        if (size % 2 != 0)
        {
            notes.Add($"--box {size} is odd; using {size + 1} (RELION works with even boxes only)");
            size++;
        }
        var star = StarFile.Read(particlesStar);
        var block = PixelSizes.DataBlock(star) ?? throw new CryoMergeInputException(particlesStar,
            "has no table of particles");
        var table = block.RequireTable();
        var names = table.TryColumn(RelionLabels.ImageName) ?? throw new CryoMergeInputException(particlesStar,
            "has no rlnImageName column");

        // Group rows by stack, in order of first appearance.
        var stacks = new List<(string Name, List<(int Row, int Index)> Images)>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            string raw = names.GetString(r);
            int? index;
            string stack;
            try
            {
                (index, stack) = RelionPaths.SplitImageName(raw);
            }
            catch (FormatException e)
            {
                throw new CryoMergeInputException(particlesStar, $"row {r + 1}: {e.Message}", e);
            }
            if (!byName.TryGetValue(stack, out int s))
            {
                s = stacks.Count;
                byName[stack] = s;
                stacks.Add((stack, []));
            }
            stacks[s].Images.Add((r, index ?? 1));
        }

        var items = new List<StackWindowItem>();
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var newNames = new string[table.RowCount];
        foreach (var (name, images) in stacks)
        {
            string path = RelionPaths.Resolve(name, particlesStar)
                ?? throw new CryoMergeInputException(name,
                    $"stack not found (named in {particlesStar}); nothing was written");
            using (var mrc = MrcFile.Open(path, MrcReadOptions.Permissive with { ForceStack = true }))
            {
                var shape = mrc.Shape;
                if (shape.X != shape.Y) throw new CryoMergeInputException(path,
                    $"images are {shape.X} x {shape.Y}; square particle images are needed");
                if (size > shape.X)
                    throw new CryoMergeInputException("--box",
                        $"{size} is larger than the {shape.X}-pixel images of {path}; windowing only crops (pad with " +
                        $"relion_image_handler --new_box)");
                var bad = images.FirstOrDefault(i => i.Index > shape.Z);
                if (bad.Index > shape.Z)
                    throw new CryoMergeInputException(particlesStar, string.Create(CultureInfo.InvariantCulture,
                        $"row {bad.Row + 1} names image {bad.Index} of {name}, which has {shape.Z} images"));
            }
            string output = OutputFiles.InsideFolder(outputDirectory, RelionPaths.DecomposePipelineName(name).Post,
                particlesStar);
            if (outputs.TryGetValue(output, out var other))
                throw new CryoMergeInputException(name,
                    $"would be written to {output} like {other}; give the stacks distinct names");
            outputs[output] = name;
            OutputFiles.EnsureNotInput(output, path, particlesStar);
            var indices = images.Select(i => i.Index).Distinct().Order().ToList();
            var rank = indices.Select((index, k) => (index, k)).ToDictionary(p => p.index, p => p.k + 1);
            foreach (var (row,
                index) in images) newNames[row] = StarValues.Quote(RelionPaths.ImageName(rank[index], output));
            items.Add(new StackWindowItem(path, indices, output, size));
        }

        names.SetAll(r => newNames[r]);
        if (star.Find("optics")?.Table is { } optics && optics.TryColumn(RelionLabels.ImageSize) is { } imageSize)
            imageSize.SetAll(_ => size.ToString(CultureInfo.InvariantCulture));
        string starPath = Path.Combine(outputDirectory, Path.GetFileName(particlesStar));
        OutputFiles.EnsureNotInput(starPath, particlesStar);
        if (warnings is not null) foreach (var n in notes) warnings.Add(n);
        return new WindowPlan(star, outputDirectory, starPath, items, notes);
    }
}
