namespace CryoMerge.Core.Formats;

/// <summary>What a cryoSPARC dataset holds, from its fields.</summary>
public enum CryosparcDataKind
{
    /// <summary>Particle images (blob/*), possibly with CTF, alignments and locations.</summary>
    Particles,
    /// <summary>Particle locations on micrographs without images (a picking job's output).</summary>
    Picks,
    /// <summary>Micrographs or movies (micrograph_blob/*, movie_blob/*).</summary>
    Exposures,
    /// <summary>Another kind of cryoSPARC dataset (volumes, masks, ...).</summary>
    Other,
}

/// <summary>
/// A cryoSPARC dataset file (.cs): a NumPy structured array (<see cref="NpyArray"/>) of one row per particle or
/// exposure and one field per "slot/field" (<see cref="CryosparcFields"/>), every field kept.
/// </summary>
public sealed class CryosparcFile
{
    public CryosparcFile(NpyArray data, string path)
    {
        Data = data;
        Path = path;
    }

    /// <summary>Where the file was read from, as the user named it.</summary>
    public string Path { get; }

    public NpyArray Data { get; }

    public int RowCount => Data.RowCount;

    /// <summary>Reads a .cs file; a file that is not a cryoSPARC dataset is a <see
    /// cref="CryoMergeInputException"/>.</summary>
    public static CryosparcFile Read(string path)
    {
        var data = NpyArray.Read(path);
        if (!data.Has(CryosparcFields.Uid))
            throw new CryoMergeInputException(path,
                "is a NumPy table but not a cryoSPARC dataset: it has no 'uid' field");
        return new CryosparcFile(data, path);
    }

    /// <summary>True when the file starts with NumPy's or cryosparc-tools' magic (a cheap test for any path).</summary>
    public static bool LooksLikeCryosparc(string path)
    {
        if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            Span<byte> magic = stackalloc byte[6];
            using var f = File.OpenRead(path);
            return f.Read(magic) == 6 && (magic.SequenceEqual(NpyHeader.Magic)
                || magic.SequenceEqual(NpyHeader.CsdatMagic));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public bool Has(string field) => Data.Has(field);

    public NpyColumn? TryColumn(string field) => Data.TryColumn(field);

    /// <summary>A field the conversion cannot do without; a one-line error naming the file when it is
    /// missing.</summary>
    public NpyColumn Require(string field, string purpose) => Data.TryColumn(field)
        ?? throw new CryoMergeInputException(Path, $"has no '{field}' field, needed for {purpose}");

    public CryosparcDataKind Kind =>
        Has(CryosparcFields.BlobPath) ? CryosparcDataKind.Particles
        : Has(CryosparcFields.LocationCenterX) ? CryosparcDataKind.Picks
        : Has(CryosparcFields.MicrographPath) || Has(CryosparcFields.MovieBlobPath) ? CryosparcDataKind.Exposures
        : CryosparcDataKind.Other;

    /// <summary>
    /// The alignments slot whose poses a conversion uses: "alignments3D/" when it has poses, else "alignments2D/"
    /// (in-plane angle only), else null.
    /// </summary>
    public string? AlignmentSlot =>
        HasAlignments(CryosparcFields.Alignments3D, 3) ? CryosparcFields.Alignments3D
        : HasAlignments(CryosparcFields.Alignments2D, 1) ? CryosparcFields.Alignments2D
        : null;

    /// <summary>Slots with alignments of other kinds (3D classification's alignments3D_multi, alignments_class_N), for
    /// messages.</summary>
    public IReadOnlyList<string> OtherAlignmentSlots =>
        Data.Columns.Select(c => c.Name).Where(n => n.EndsWith("/" + CryosparcFields.Pose, StringComparison.Ordinal))
            .Select(n => n[..(n.IndexOf('/') + 1)])
            .Where(s => s is not (CryosparcFields.Alignments3D or CryosparcFields.Alignments2D))
            .Distinct().ToList();

    private bool HasAlignments(string slot, int poseElements) =>
        Data.TryColumn(slot + CryosparcFields.Pose) is { } pose && pose.Field.Count == poseElements
        && Data.TryColumn(slot + CryosparcFields.Shift) is { Field.Count: 2 };
}
