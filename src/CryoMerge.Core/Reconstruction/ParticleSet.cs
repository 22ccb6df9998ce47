using System.Globalization;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;

namespace CryoMerge.Core.Reconstruction;

/// <summary>One optics group as a reconstruction needs it.</summary>
/// <param name="Number">rlnOpticsGroup.</param>
/// <param name="PixelSize">rlnImagePixelSize (Angstrom).</param>
/// <param name="ImageSize">rlnImageSize (pixels); null when the table does not say (the stack decides).</param>
/// <param name="Magnification">rlnMagMat00, 01, 10, 11 (anisotropic magnification), or null.</param>
/// <param name="CtfPremultiplied">rlnCtfDataAreCtfPremultiplied.</param>
/// <param name="UnsupportedWithCtf">What RELION would correct with --ctf that we do not (beam tilt, higher-order
/// aberrations, differing MTFs), or null.</param>
public sealed record ParticleOptics(int Number, string Name, double PixelSize, int? ImageSize, double[]? Magnification,
    bool CtfPremultiplied, string? UnsupportedWithCtf = null);

/// <summary>One particle row: where its image is and how it was seen.</summary>
/// <param name="Row">Row in the STAR file's particle table (0-based).</param>
/// <param name="Stack">Its stack, resolved as RELION would (relative to the current folder, else to the STAR
/// file's).</param>
/// <param name="Section">Image number in the stack, 0-based.</param>
/// <param name="ImageSize">Side of the stack's images in pixels.</param>
/// <param name="Rot">rlnAngleRot, rlnAngleTilt, rlnAnglePsi in degrees (RELION's ZYZ).</param>
/// <param name="OriginX">rlnOriginXAngst, rlnOriginYAngst (RELION 3.0: rlnOriginX x pixel size).</param>
/// <param name="Optics">Index into <see cref="ParticleSet.Optics"/>.</param>
/// <param name="Ctf">CTF from the row, else its optics group, else RELION's defaults.</param>
/// <param name="RandomSubset">rlnRandomSubset (0 when absent).</param>
/// <param name="ClassNumber">rlnClassNumber (0 when absent).</param>
public sealed record ReconstructionParticle(int Row, string Stack, int Section, int ImageSize, double Rot, double Tilt,
    double Psi,
    double OriginX, double OriginY, int Optics, CtfParameters Ctf, int RandomSubset, int ClassNumber);

/// <summary>Which rows to reconstruct from; every condition given must hold.</summary>
public sealed record ParticleSelection
{
    /// <summary>Only this half (rlnRandomSubset 1 or 2), as relion_reconstruct --subset.</summary>
    public int? RandomSubset { get; init; }

    /// <summary>Only this class (rlnClassNumber), as relion_reconstruct --class.</summary>
    public int? ClassNumber { get; init; }

    /// <summary>Only these optics groups, by number or name (one data set of a merge).</summary>
    public IReadOnlyCollection<string>? OpticsGroups { get; init; }

    public static readonly ParticleSelection All = new();
}

/// <summary>
/// The particles of a RELION STAR file (3.1+; 3.0 files are converted as RELION converts them) with what
/// relion_reconstruct reads of each: image, Euler angles, origin, optics group, CTF, half and class. Reading checks
/// everything a reconstruction will need, so that a bad file fails before any work; images are read later, a few
/// at a time.
/// </summary>
public sealed partial class ParticleSet
{
    private ParticleSet(string path, IReadOnlyList<ParticleOptics> optics, ReconstructionParticle[] particles,
        bool hasSubsets,
        bool hasClasses)
    {
        Path = path;
        Optics = optics;
        Particles = particles;
        HasRandomSubsets = hasSubsets;
        HasClasses = hasClasses;
    }

    public string Path { get; }

    /// <summary>Optics groups in table order (the first gives the map's pixel size by default, as in RELION).</summary>
    public IReadOnlyList<ParticleOptics> Optics { get; }

    /// <summary>Every particle row, in file order.</summary>
    public IReadOnlyList<ReconstructionParticle> Particles { get; }

    public bool HasRandomSubsets { get; }

    public bool HasClasses { get; }

    /// <summary>The rows that meet <paramref name="selection"/>, in file order.</summary>
    public IReadOnlyList<ReconstructionParticle> Select(ParticleSelection selection)
    {
        if (selection.RandomSubset is { } half)
        {
            if (half is not (1 or 2)) throw new CryoMergeInputException("--subset", $"must be 1 or 2, not {half}");
            if (!HasRandomSubsets) throw new CryoMergeInputException(Path,
                "has no rlnRandomSubset column, so it has no half sets");
        }
        if (selection.ClassNumber is not null && !HasClasses) throw new CryoMergeInputException(Path,
            "has no rlnClassNumber column");
        HashSet<int>? groups = null;
        if (selection.OpticsGroups is { } wanted)
        {
            groups = [];
            foreach (string name in wanted)
            {
                int index = -1;
                for (int g = 0; g < Optics.Count && index < 0; g++)
                    if (Optics[g].Name == name || Optics[g].Number.ToString(CultureInfo.InvariantCulture)
                        == name) index = g;
                if (index < 0)
                {
                    string known = string.Join(", ", Optics.Select(o => $"{o.Number} {o.Name}"));
                    throw new CryoMergeInputException(Path, $"has no optics group '{name}' (it has {known})");
                }
                groups.Add(index);
            }
        }
        return Particles.Where(p =>
            (selection.RandomSubset is not { } s || p.RandomSubset == s) &&
            (selection.ClassNumber is not { } c || p.ClassNumber == c) &&
            (groups is null || groups.Contains(p.Optics))).ToArray();
    }
}
