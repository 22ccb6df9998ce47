using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// How rescale_particles.py rewrites micrograph names: the directory and a ".mrc" ending are removed, then
/// <paramref name="Path"/> + <paramref name="Prefix"/> + name + <paramref name="Suffix"/> + ".mrc".
/// </summary>
public sealed record MicrographRenaming(string? Path = null, string? Prefix = null, string? Suffix = null)
{
    public bool IsEmpty => Path is null && Prefix is null && Suffix is null;

    public string Apply(string name)
    {
        string stem = name[(name.LastIndexOf('/') + 1)..];
        if (stem.EndsWith(".mrc", StringComparison.Ordinal)) stem = stem[..^4];
        string dir = string.IsNullOrEmpty(Path) ? "" : Path.EndsWith('/') ? Path : Path + "/";
        return $"{dir}{Prefix}{stem}{Suffix}.mrc";
    }
}

/// <summary>rescale-particles: the pixel size of the original run, the relative (true) one, and that of the rescaled
/// micrographs.</summary>
public sealed record RescaleParticlesRequest(double NominalPixel, double RelativePixel, double TargetPixel,
    MicrographRenaming? Rename = null, DefocusOptions? Defocus = null);

/// <summary>What rescale-particles did, beyond the relabelling.</summary>
/// <param name="CoordinateFactor">Coordinates were multiplied by this (relative / target).</param>
/// <param name="RenamedMicrographs">Rows whose micrograph name was rewritten.</param>
public sealed record RescaleParticlesReport(MetadataChangeReport Change, double CoordinateFactor,
    int RenamedMicrographs);

/// <summary>
/// The paper's Method 1 step (iii), rescale_particles.py for RELION 3.0 and 3.1+ files, keeping every other column:
/// particles picked on micrographs labelled with the nominal pixel size are moved onto micrographs rescaled to the
/// target pixel size. Coordinates (micrograph pixels) x relative/target. Every value measured in Angstrom becomes
/// true Angstrom (x relative/nominal): origins, defocus (with the Cs constant), CTF resolution; so rlnOriginXAngst
/// keeps meaning the same shift of the particle, which is what RELION's re-extraction divides by the new micrograph
/// pixel. 3.1+: rlnImagePixelSize and rlnMicrographOriginalPixelSize become the true pixel sizes of the images and
/// movies the file names (x relative/nominal), rlnMicrographPixelSize the target. 3.0 (one pixel size per row):
/// magnification set so that 10000 x detector pixel / magnification = target, as the script does, and origins in
/// pixels converted to target pixels. Micrograph names are rewritten as the script does when asked.
/// </summary>
public static class ParticleRescaling
{
    public static RescaleParticlesReport RescaleFile(string input, string output, RescaleParticlesRequest request) =>
        StarFileTransform.Run(input, output, set => (set.File, Rescale(set, request)));

    public static RescaleParticlesReport Rescale(StarDataSet set, RescaleParticlesRequest request)
    {
        StarFileTransform.RequirePositive(set.Path, request.NominalPixel, "the nominal pixel size");
        StarFileTransform.RequirePositive(set.Path, request.RelativePixel, "the relative pixel size");
        StarFileTransform.RequirePositive(set.Path, request.TargetPixel, "the target pixel size");
        if (Math.Abs(request.RelativePixel / request.NominalPixel - 1) < 1e-9 && Math.Abs(request.RelativePixel
            / request.TargetPixel - 1) < 1e-9)
            throw new CryoMergeInputException(set.Path,
                $"the nominal, relative and target pixel sizes are equal " +
                $"({StarFileTransform.Format(request.TargetPixel)} A): there is nothing to change");
        if (set.Kind is StarDataKind.Micrographs or StarDataKind.Movies && !set.IsParticlesWithoutImages)
            throw new CryoMergeInputException(set.Path,
                $"holds {StarDataSet.TableName(set.Kind)}; rescale-particles takes particle or coordinate files " +
                $"(scale-ctf or relabel change micrograph files)");
        var x = set.RequireData(RelionLabels.CoordinateX, "to rescale coordinates");
        set.RequireData(RelionLabels.CoordinateY, "to rescale coordinates");
        var rename = request.Rename is { IsEmpty: false } ? request.Rename : null;
        var micrographs = rename is null ? null : set.RequireData(RelionLabels.MicrographName,
            "to rewrite micrograph names");
        var defocus = request.Defocus ?? DefocusOptions.Default;
        if (defocus.Band?.Problem is { } problem) throw new CryoMergeInputException("", $"CTF fit band: {problem}");

        var warnings = new List<string>();
        if (StarFileTransform.PixelMismatch(set, request.NominalPixel,
            "the nominal pixel size") is { } w) warnings.Add(w);
        bool relion30 = set.Generation == StarGeneration.Relion30;
        if (relion30 && set.Kind == StarDataKind.Particles)
            warnings.Add(
                $"{set.Path}: a RELION 3.0 file states one pixel size per row, now the target's; _rlnImageName still " +
                $"names the old images: re-extract from the rescaled micrographs before refining");

        var table = set.Data;
        double ratio = request.RelativePixel / request.NominalPixel;
        double factor = request.RelativePixel / request.TargetPixel;
        // 3.0 origins are in pixels of each row's images; read those pixel sizes before the relabelling changes them.
        double[]? rowPixel = relion30 ? RowPixelSizes(set, request.NominalPixel) : null;

        var change = new PixelChange(request.NominalPixel, request.RelativePixel);
        var report = Math.Abs(ratio - 1) < 1e-12
            ? new RelabelReport([], [])
            : PixelRelabelling.RelabelAll(set, change, defocus);
        var changed = report.ChangedColumns.ToList();
        var work = new List<(StarColumn, Func<int, double?>)>();
        foreach (var column in table.Columns)
        {
            var c = column;
            switch (RelionLabels.DependenceOf(c.Name))
            {
                case PixelDependence.Pixels:
                    work.Add((c, i => set.Number(c, i, set.DataBlock.Name) * factor));
                    Note(changed, c.Name);
                    break;
                case PixelDependence.ImagePixels when rowPixel is not null:
                    work.Add((c, i => set.Number(c, i,
                    set.DataBlock.Name) * rowPixel[i] * ratio / request.TargetPixel));
                    Note(changed, c.Name);
                    break;
            }
        }
        PixelRelabelling.RewriteInParallel(work);
        if (relion30 && table.TryColumn(RelionLabels.Magnification) is { } mag
            && table.TryColumn(RelionLabels.DetectorPixelSize) is { } det)
            mag.RewriteDoubles(i => 10000.0 * set.Positive(det, i, set.DataBlock.Name) / request.TargetPixel);
        if (relion30 && table.TryColumn(RelionLabels.LegacyPixelSize) is { } legacy)
            legacy.RewriteDoubles(_ => request.TargetPixel);
        if (!relion30 && set.Optics?.TryColumn(RelionLabels.MicrographPixelSize) is { } micrographPixel)
        {
            micrographPixel.RewriteDoubles(_ => request.TargetPixel);
            Note(changed, "data_optics/_" + RelionLabels.MicrographPixelSize);
        }
        if (micrographs is not null)
        {
            // Particles come micrograph by micrograph: rename each run of equal names once.
            byte[] lastRaw = [];
            string lastNew = "";
            micrographs.SetAll(i =>
            {
                var raw = micrographs.RawUtf8(i);
                if (!raw.SequenceEqual(lastRaw))
                {
                    lastRaw = raw.ToArray();
                    lastNew = StarValues.Quote(rename!.Apply(micrographs.GetString(i)));
                }
                return lastNew;
            });
            Note(changed, RelionLabels.MicrographName);
        }
        var kind = set.IsParticlesWithoutImages ? StarDataKind.Particles : set.Kind;
        var result = new MetadataChangeReport(set.Path, set.Generation, kind, table.RowCount,
            report with { ChangedColumns = changed }, warnings);
        return new RescaleParticlesReport(result, factor, micrographs is null ? 0 : table.RowCount);
    }

    private static double[] RowPixelSizes(StarDataSet set, double nominal)
    {
        var pixels = new double[set.Data.RowCount];
        for (int r = 0; r < pixels.Length; r++) pixels[r] = PixelSizes.FromRelion30Row(set.Data, r)?.Value ?? nominal;
        return pixels;
    }

    private static void Note(List<string> changed, string label)
    {
        string name = label.StartsWith("data_", StringComparison.Ordinal) ? label : "_" + label;
        if (!changed.Contains(name)) changed.Add(name);
    }
}
