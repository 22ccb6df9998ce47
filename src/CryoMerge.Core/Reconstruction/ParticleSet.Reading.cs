using System.Globalization;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;

namespace CryoMerge.Core.Reconstruction;

public sealed partial class ParticleSet
{
    private const string AngleRot = "rlnAngleRot", AngleTilt = "rlnAngleTilt", AnglePsi = "rlnAnglePsi";
    private const string RandomSubsetLabel = "rlnRandomSubset", ClassNumberLabel = "rlnClassNumber";

    /// <summary>
    /// Reads a particles STAR file and checks that every row has angles, a readable image of its optics group's size
    /// and numeric CTF values. <paramref name="warnings"/> receives notes (e.g. a RELION 3.0 file was converted).
    /// With <paramref name="openStacks"/> false (a shard that reads a few of many stacks), stacks are only found, not
    /// opened, where the optics table gives the image size; their images are checked when they are read.
    /// </summary>
    public static ParticleSet Read(string path, ICollection<string>? warnings = null, bool openStacks = true)
    {
        var notes = new List<string>();
        var set = StarDataSet.Read(path);
        if (set.Kind != StarDataKind.Particles)
            throw new CryoMergeInputException(path, "is not a particles STAR file (it has no rlnImageName column)");
        set = Relion30Conversion.ToRelion31(set, notes);
        var table = set.Data;
        var opticsRow = set.OpticsRowOfEachRow();
        var optics = ReadOptics(set);
        var names = set.RequireData(RelionLabels.ImageName, "to find the particle images");
        var rot = set.RequireData(AngleRot, "(refined Euler angles) to place each image");
        var tilt = set.RequireData(AngleTilt, "(refined Euler angles) to place each image");
        var psi = table.TryColumn(AnglePsi);
        var originX = table.TryColumn(RelionLabels.OriginXAngst);
        var originY = table.TryColumn(RelionLabels.OriginYAngst);
        var subset = table.TryColumn(RandomSubsetLabel);
        var classes = table.TryColumn(ClassNumberLabel);
        var ctf = new CtfColumns(set);
        var stacks = new Dictionary<string, StackInfo>(StringComparer.Ordinal);
        var particles = new ReconstructionParticle[table.RowCount];
        for (int r = 0; r < particles.Length; r++)
        {
            int group = opticsRow[r];
            var (section, stack) = Image(set, names, r, stacks, optics[group], openStacks);
            particles[r] = new ReconstructionParticle(r, stack.Path, section, stack.Size,
                Number(set, rot, r), Number(set, tilt, r), psi is null ? 0 : Number(set, psi, r),
                originX is null ? 0 : Number(set, originX, r), originY is null ? 0 : Number(set, originY, r),
                group, ctf.Of(r, group), subset is null ? 0 : Integer(set, subset, r),
                classes is null ? 0 : Integer(set, classes, r));
        }
        if (warnings is not null) foreach (var n in notes) warnings.Add(n);
        return new ParticleSet(path, optics, particles, subset is not null, classes is not null);
    }

    private sealed record StackInfo(string Path, int Size, int Count);

    private static (int Section, StackInfo Stack) Image(StarDataSet set, StarColumn names, int row, Dictionary<string,
        StackInfo> stacks,
        ParticleOptics optics, bool openStacks)
    {
        string raw = names.GetString(row);
        int? index;
        string name;
        try
        {
            (index, name) = RelionPaths.SplitImageName(raw);
        }
        catch (FormatException e)
        {
            throw new CryoMergeInputException(set.Path, $"row {row + 1}: {e.Message}", e);
        }
        if (!stacks.TryGetValue(name, out var stack))
        {
            string resolved = RelionPaths.Resolve(name, set.Path)
                ?? throw new CryoMergeInputException(name,
                    $"particle stack not found (named in row {row + 1} of {set.Path})");
            if (!openStacks && optics.ImageSize is { } known)
            {
                stack = new StackInfo(resolved, known, int.MaxValue);
                stacks[name] = stack;
                return ((index ?? 1) - 1, stack);
            }
            using var mrc = MrcFile.Open(resolved, MrcReadOptions.Permissive with { ForceStack = true });
            if (mrc.Shape.X != mrc.Shape.Y)
                throw new CryoMergeInputException(resolved,
                    $"images are {mrc.Shape.X} x {mrc.Shape.Y}; a reconstruction needs square images");
            stack = new StackInfo(resolved, mrc.Shape.X, mrc.Shape.Z);
            stacks[name] = stack;
        }
        int section = (index ?? 1) - 1;
        if (section >= stack.Count)
            throw new CryoMergeInputException(set.Path,
                $"row {row + 1} names image {section + 1} of {name}, which has {stack.Count} images");
        if (optics.ImageSize is { } size && size != stack.Size)
            throw new CryoMergeInputException(stack.Path,
                $"images are {stack.Size} pixels but optics group {optics.Number} of {set.Path} says rlnImageSize " +
                $"{size}");
        return (section, stack);
    }

    private static List<ParticleOptics> ReadOptics(StarDataSet set)
    {
        var table = set.Optics!;
        var numbers = set.RequireOptics(RelionLabels.OpticsGroup, "to number the optics groups");
        var pixel = table.TryColumn(RelionLabels.ImagePixelSize) ?? table.TryColumn(RelionLabels.MicrographPixelSize)
            ?? table.TryColumn(RelionLabels.MicrographOriginalPixelSize)
            ?? throw new CryoMergeInputException(set.Path, "data_optics has no rlnImagePixelSize");
        var size = table.TryColumn(RelionLabels.ImageSize);
        var premultiplied = table.TryColumn(RelionLabels.CtfDataArePremultiplied);
        string[] magLabels = [RelionLabels.MagMat00, RelionLabels.MagMat01, RelionLabels.MagMat10,
            RelionLabels.MagMat11];
        bool hasMag = magLabels.Any(table.Has);
        var result = new List<ParticleOptics>(table.RowCount);
        for (int g = 0; g < table.RowCount; g++)
        {
            double[]? mag = null;
            if (hasMag)
            {
                mag = new double[4];
                for (int m = 0; m < 4; m++)
                    mag[m] = table.TryColumn(magLabels[m]) is { } c ? set.Number(c, g, "optics") : m is 0 or 3 ? 1 : 0;
            }
            result.Add(new ParticleOptics(Integer(set, numbers, g), set.OpticsName(g), set.Positive(pixel, g, "optics"),
                size is null ? null : Integer(set, size, g), mag, premultiplied is not null && Integer(set,
                premultiplied, g) != 0,
                Aberrations(set, g)));
        }
        return result;
    }

    /// <summary>
    /// What RELION 3.1.3 corrects with --ctf beyond the CTF itself: beam tilt and odd Zernike terms (phase
    /// demodulation), even Zernike terms (in the CTF's phase) and MTFs that differ between optics groups.
    /// </summary>
    private static string? Aberrations(StarDataSet set, int group)
    {
        var table = set.Optics!;
        var found = new List<string>();
        foreach (string label in new[] { RelionLabels.BeamTiltX, RelionLabels.BeamTiltY })
            if (table.TryColumn(label) is { } c && set.Number(c, group, "optics") != 0) found.Add("beam tilt");
        foreach (string label in new[] { RelionLabels.OddZernike, RelionLabels.EvenZernike })
            if (table.TryColumn(label) is { } c && c.GetString(group).Trim('[', ']', ' ').Split(',',
                StringSplitOptions.RemoveEmptyEntries)
                    .Any(v => !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture,
                        out double x) || x != 0))
                found.Add($"_{label} coefficients");
        if (table.TryColumn(RelionLabels.MtfFileName) is { } mtf
            && Enumerable.Range(0, table.RowCount).Select(mtf.GetString).Distinct().Count() > 1)
            found.Add("different MTFs per optics group");
        return found.Count == 0 ? null : string.Join(", ", found.Distinct());
    }

    private static double Number(StarDataSet set, StarColumn column, int row) => set.Number(column, row, "particles");

    private static int Integer(StarDataSet set, StarColumn column, int row)
    {
        try { return column.GetInt(row); }
        catch (FormatException e) { throw new CryoMergeInputException(set.Path, e.Message, e); }
    }

    /// <summary>CTF values as RELION's CTF::readByGroup finds them: the particle row, else its optics group, else a
    /// default.</summary>
    private sealed class CtfColumns(StarDataSet set)
    {
        private readonly (StarColumn? Row, StarColumn? Group)[] _columns =
        [
            Columns(set, RelionLabels.Voltage), Columns(set, RelionLabels.DefocusU), Columns(set,
                RelionLabels.DefocusV),
            Columns(set, RelionLabels.DefocusAngle), Columns(set, RelionLabels.SphericalAberration), Columns(set,
            RelionLabels.CtfBfactor),
            Columns(set, RelionLabels.CtfScalefactor), Columns(set, RelionLabels.AmplitudeContrast), Columns(set,
            RelionLabels.PhaseShift),
        ];

        private static (StarColumn?, StarColumn?) Columns(StarDataSet set, string label) =>
            (set.Data.TryColumn(label), set.Optics?.TryColumn(label));

        public CtfParameters Of(int row, int group)
        {
            double Value(int c, double fallback)
            {
                var (r, g) = _columns[c];
                if (r is not null) return set.Number(r, row, "particles");
                if (g is not null) return set.Number(g, group, "optics");
                return fallback;
            }
            double defocusU = Value(1, 0);
            double q0 = Value(7, 0);
            if (q0 is < 0 or > 1)
                throw new CryoMergeInputException(set.Path, string.Create(CultureInfo.InvariantCulture,
                    $"row {row + 1}: rlnAmplitudeContrast {q0} is outside [0, 1]"));
            return new CtfParameters(defocusU, Value(2, defocusU), Value(3, 0), Value(0, 200), Value(4, 0), q0, Value(8,
                0), Value(5, 0),
                Value(6, 1));
        }
    }
}
