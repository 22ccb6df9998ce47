using System.Globalization;
using System.Text.RegularExpressions;

namespace CryoMerge.Core.Formats;

/// <summary>
/// One RELION optics group made from a cryoSPARC exposure group: the values RELION keeps per optics group, which
/// cryoSPARC keeps per particle (pixel size and box of the images, voltage, Cs, amplitude contrast, beam tilt in
/// mrad, anisotropic magnification matrix).
/// </summary>
public sealed record CryosparcOpticsGroup(int Number, string Name, long ExposureGroup, float PixelSize, int Box,
    float Voltage,
    float Cs, float AmplitudeContrast, double BeamTiltX, double BeamTiltY, double[] MagMatrix, int Rows);

/// <summary>
/// Exposure groups to RELION optics groups. Optics groups are numbered 1..N in the order of the exposure group ids,
/// so that ids 0, 1, 2 of a native cryoSPARC project and the 1, 2, 3 cryoSPARC keeps when it imports a RELION file
/// both come out as 1, 2, 3 (pyem issue 55: csparc2star adds 1 to every id, turning RELION's 1, 2, 3 into 2, 3, 4).
/// Each group is named exp_group_ID after the id it came from, and a .cs written from a STAR file takes the id back
/// from that name. An exposure group whose particles differ in pixel size, box, voltage, Cs, amplitude contrast,
/// beam tilt or magnification (RELION keeps one of each per optics group) becomes several groups,
/// exp_group_ID_1, exp_group_ID_2, ..., with a note saying so.
/// </summary>
public static partial class CryosparcOptics
{
    private readonly record struct Key(long Group, float Pixel, int Box, float Kv, float Cs, float Ac, float Tx,
        float Ty,
        float M0, float M1, float M2, float M3);

    /// <summary>The optics group (0-based index into the list) of every row, the groups, and notes for the
    /// user.</summary>
    public static (int[] GroupOfRow, IReadOnlyList<CryosparcOpticsGroup> Groups,
        IReadOnlyList<string> Notes) Assign(CryosparcFile cs)
    {
        int n = cs.RowCount;
        var exp = cs.TryColumn(CryosparcFields.CtfExposureGroup) ?? cs.TryColumn(CryosparcFields.LocationExposureGroup);
        var pixel = cs.TryColumn(CryosparcFields.BlobPixelSize);
        var shape = cs.TryColumn(CryosparcFields.BlobShape);
        var kv = cs.TryColumn(CryosparcFields.CtfVoltage);
        var csmm = cs.TryColumn(CryosparcFields.CtfCs);
        var ac = cs.TryColumn(CryosparcFields.CtfAmplitudeContrast);
        var tilt = cs.TryColumn(CryosparcFields.CtfTilt) is { Field.Count: 2 } t ? t : null;
        var mag = cs.TryColumn(CryosparcFields.CtfAnisoMag) is { Field.Count: 4 } m ? m : null;
        if (shape is not null && shape.Field.Count != 2)
            throw new CryoMergeInputException(cs.Path,
                $"'{CryosparcFields.BlobShape}' has {shape.Field.Count} elements per row, not 2");

        var index = new Dictionary<Key, int>();
        var keys = new List<Key>();
        var counts = new List<int>();
        var groupOfRow = new int[n];
        Key lastKey = default;
        int lastGroup = -1;
        for (int r = 0; r < n; r++)
        {
            int box = 0;
            if (shape is not null)
            {
                long ny = shape.GetInt64(r, 0), nx = shape.GetInt64(r, 1);
                if (nx != ny) throw new CryoMergeInputException(cs.Path,
                    $"row {r + 1}: the image is {nx} x {ny} pixels; RELION needs square particle images");
                box = checked((int)nx);
            }
            var key = new Key(exp is null ? 0 : exp.GetInt64(r), pixel?.GetSingle(r) ?? 0, box, kv?.GetSingle(r) ?? 0,
                csmm?.GetSingle(r) ?? 0,
                ac?.GetSingle(r) ?? 0, tilt?.GetSingle(r, 0) ?? 0, tilt?.GetSingle(r, 1) ?? 0,
                mag?.GetSingle(r, 0) ?? 0, mag?.GetSingle(r, 1) ?? 0, mag?.GetSingle(r, 2) ?? 0, mag?.GetSingle(r, 3)
                    ?? 0);
            // Particles of one exposure group follow each other: most rows match the row before.
            if (r > 0 && key.Equals(lastKey))
            {
                counts[lastGroup]++;
                groupOfRow[r] = lastGroup;
                continue;
            }
            if (!index.TryGetValue(key, out int g))
            {
                g = keys.Count;
                index[key] = g;
                keys.Add(key);
                counts.Add(0);
            }
            counts[g]++;
            groupOfRow[r] = g;
            (lastKey, lastGroup) = (key, g);
        }

        // Number groups by exposure group id, then by first appearance.
        int[] order = Enumerable.Range(0, keys.Count).OrderBy(g => keys[g].Group).ThenBy(g => g).ToArray();
        var rank = new int[keys.Count];
        for (int i = 0; i < order.Length; i++) rank[order[i]] = i;
        for (int r = 0; r < n; r++) groupOfRow[r] = rank[groupOfRow[r]];

        var notes = new List<string>();
        var groups = new List<CryosparcOpticsGroup>(keys.Count);
        foreach (var split in order.GroupBy(g => keys[g].Group))
        {
            var members = split.ToList();
            if (members.Count > 1)
                notes.Add($"exposure group {split.Key} holds particles of {members.Count} different optics "
                          + $"({Differences(members.Select(g => keys[g]).ToList())}); RELION keeps one of each per "
                          + $"optics group, so it became {members.Count} optics groups");
            for (int k = 0; k < members.Count; k++)
            {
                var key = keys[members[k]];
                string name = members.Count == 1 ? GroupName(key.Group) : $"{GroupName(key.Group)}_{k + 1}";
                groups.Add(new CryosparcOpticsGroup(groups.Count + 1, name, key.Group, key.Pixel, key.Box, key.Kv,
                    key.Cs, key.Ac,
                    BeamTiltMilliradians(key.Tx, key.Cs), BeamTiltMilliradians(key.Ty, key.Cs),
                    [1 + key.M0, key.M1, key.M2, 1 + key.M3], counts[members[k]]));
            }
        }
        return (groupOfRow, groups, notes);
    }

    /// <summary>"exp_group_3": the optics group name of exposure group 3.</summary>
    public static string GroupName(long exposureGroup) => "exp_group_"
        + exposureGroup.ToString(CultureInfo.InvariantCulture);

    /// <summary>The exposure group id an optics group name made by <see cref="GroupName"/> carries, else
    /// null.</summary>
    public static long? ExposureGroupOf(string opticsGroupName) =>
        NamePattern().Match(opticsGroupName) is { Success: true } m ? long.Parse(m.Groups[1].Value,
            CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// Beam tilt in mrad from cryoSPARC's ctf/tilt_A. Beam tilt tau adds the axial-coma phase 2 pi Cs lambda^2 |k|^2
    /// (k . tau); cryoSPARC fits the coefficient Cs tau in Angstrom, so tau = tilt_A / Cs (Cs in A = mm x 1e7).
    /// pyem's csparc2star reads it the same way (arcsin of the ratio, equal to it at these sizes).
    /// </summary>
    public static double BeamTiltMilliradians(float tiltA, float csMm) => tiltA == 0 || csMm == 0 ? 0
        : tiltA / (csMm * 1e7) * 1e3;

    /// <summary>The inverse of <see cref="BeamTiltMilliradians"/>: cryoSPARC's tilt_A (A) from RELION's beam tilt
    /// (mrad).</summary>
    public static double TiltAngstrom(double milliradians, double csMm) => milliradians * 1e-3 * csMm * 1e7;

    private static string Differences(List<Key> keys)
    {
        var parts = new List<string>();
        void Add<T>(string what, Func<Key, T> value, Func<T, string> format)
        {
            var distinct = keys.Select(value).Distinct().ToList();
            if (distinct.Count > 1) parts.Add($"{what} {string.Join(", ", distinct.Select(format))}");
        }
        string F(float v) => v.ToString(CultureInfo.InvariantCulture);
        Add("pixel size", k => k.Pixel, v => F(v) + " A");
        Add("box", k => k.Box, v => v.ToString(CultureInfo.InvariantCulture));
        Add("voltage", k => k.Kv, v => F(v) + " kV");
        Add("Cs", k => k.Cs, v => F(v) + " mm");
        Add("amplitude contrast", k => k.Ac, F);
        Add("beam tilt", k => (k.Tx, k.Ty), v => $"({F(v.Tx)}, {F(v.Ty)}) A");
        Add("magnification", k => (k.M0, k.M1, k.M2, k.M3), v => $"({F(v.M0)}, {F(v.M1)}, {F(v.M2)}, {F(v.M3)})");
        return string.Join("; ", parts);
    }

    [GeneratedRegex("^exp_group_([0-9]+)(_[0-9]+)?$")]
    private static partial Regex NamePattern();
}
