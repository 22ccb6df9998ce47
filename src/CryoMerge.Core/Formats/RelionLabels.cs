namespace CryoMerge.Core.Formats;

/// <summary>How a label's value changes when the pixel size it was measured with changes.</summary>
public enum PixelDependence
{
    /// <summary>Independent of pixel size (angles, names, voltage, figures of merit).</summary>
    None,
    /// <summary>A position in micrograph pixels (coordinates): changes only when the micrographs are
    /// resampled.</summary>
    Pixels,
    /// <summary>A length in Angstrom measured on the images (origins in Angstrom): scales with new pixel / old pixel
    /// when images are relabelled.</summary>
    Angstrom,
    /// <summary>Is itself a pixel size in Angstrom.</summary>
    PixelSize,
    /// <summary>Defocus in Angstrom: r^2 x old plus a Cs term (see Ctf).</summary>
    Defocus,
    /// <summary>A box size in pixels.</summary>
    BoxSize,
    /// <summary>RELION 3.0's magnification (pixel = 10000 x detector pixel / magnification).</summary>
    Magnification,
    /// <summary>Spherical aberration in mm (changes only when Cs is rescaled instead of defocus).</summary>
    SphericalAberration,
    /// <summary>A length in pixels of the particle images (RELION 3.0 origins): unchanged by relabelling, converted
    /// when images are re-extracted.</summary>
    ImagePixels,
    /// <summary>An area-like value in A^2 measured on the images (the CTF B-factor): scales with (new pixel / old
    /// pixel)^2 when images are relabelled.</summary>
    AngstromSquared,
}

/// <summary>Value type of a label.</summary>
public enum LabelKind { Double, Int, Bool, String, Vector }

/// <summary>
/// One RELION metadata label: its name, type, unit and pixel-size dependence. <paramref name="Neutral"/> is the
/// value (as STAR text) that RELION assumes when the label is absent, so that a column present in only some of the
/// files being joined can be filled without changing what RELION computes; null when no such value exists.
/// </summary>
public sealed record RelionLabel(string Name, LabelKind Kind, string Unit, PixelDependence Dependence,
    string Description, string? Neutral = null);

/// <summary>
/// The RELION labels this tool reads or changes, registered once with type, unit and whether they depend on
/// pixel size, so that rescaling and joining code asks here instead of keeping lists of its own.
/// Unknown labels are kept untouched by every operation.
/// </summary>
public static class RelionLabels
{
    public const string OpticsGroup = "rlnOpticsGroup";
    public const string OpticsGroupName = "rlnOpticsGroupName";
    public const string ImagePixelSize = "rlnImagePixelSize";
    public const string ImageSize = "rlnImageSize";
    public const string ImageDimensionality = "rlnImageDimensionality";
    public const string MicrographPixelSize = "rlnMicrographPixelSize";
    public const string MicrographOriginalPixelSize = "rlnMicrographOriginalPixelSize";
    public const string Magnification = "rlnMagnification";
    public const string DetectorPixelSize = "rlnDetectorPixelSize";
    public const string LegacyPixelSize = "rlnPixelSize";
    public const string Voltage = "rlnVoltage";
    public const string SphericalAberration = "rlnSphericalAberration";
    public const string AmplitudeContrast = "rlnAmplitudeContrast";
    public const string DefocusU = "rlnDefocusU";
    public const string DefocusV = "rlnDefocusV";
    public const string DefocusAngle = "rlnDefocusAngle";
    public const string PhaseShift = "rlnPhaseShift";
    public const string CtfBfactor = "rlnCtfBfactor";
    public const string CtfScalefactor = "rlnCtfScalefactor";
    public const string CoordinateX = "rlnCoordinateX";
    public const string CoordinateY = "rlnCoordinateY";
    public const string CoordinateZ = "rlnCoordinateZ";
    public const string OriginX = "rlnOriginX";
    public const string OriginY = "rlnOriginY";
    public const string OriginZ = "rlnOriginZ";
    public const string OriginXAngst = "rlnOriginXAngst";
    public const string OriginYAngst = "rlnOriginYAngst";
    public const string OriginZAngst = "rlnOriginZAngst";
    public const string ImageName = "rlnImageName";
    public const string MicrographName = "rlnMicrographName";
    public const string MicrographMovieName = "rlnMicrographMovieName";
    public const string GroupName = "rlnGroupName";
    public const string GroupNumber = "rlnGroupNumber";
    public const string BeamTiltX = "rlnBeamTiltX";
    public const string BeamTiltY = "rlnBeamTiltY";
    public const string CtfDataArePremultiplied = "rlnCtfDataAreCtfPremultiplied";
    public const string MtfFileName = "rlnMtfFileName";
    public const string MagMat00 = "rlnMagMat00";
    public const string MagMat01 = "rlnMagMat01";
    public const string MagMat10 = "rlnMagMat10";
    public const string MagMat11 = "rlnMagMat11";
    public const string OddZernike = "rlnOddZernike";
    public const string EvenZernike = "rlnEvenZernike";
    public const string OriginXPrior = "rlnOriginXPrior";
    public const string OriginYPrior = "rlnOriginYPrior";
    public const string OriginZPrior = "rlnOriginZPrior";
    public const string OriginXPriorAngst = "rlnOriginXPriorAngst";
    public const string OriginYPriorAngst = "rlnOriginYPriorAngst";
    public const string OriginZPriorAngst = "rlnOriginZPriorAngst";
    public const string HelicalTrackLength = "rlnHelicalTrackLength";
    public const string HelicalTrackLengthAngst = "rlnHelicalTrackLengthAngst";
    public const string CtfMaxResolution = "rlnCtfMaxResolution";
    public const string NormCorrection = "rlnNormCorrection";

    private const string Zero = "0.000000";
    private const string One = "1.000000";

    // Neutral values are those RELION 3.1 assumes when a label is absent (ObservationModel, MlOptimiser) and writes
    // itself when relion_star_handler --combine meets beam tilt, magnification matrices, Zernike coefficients or the
    // CTF-premultiplied flag in only some optics tables (src/apps/star_handler.cpp, 3.1.3 l.500-600).
    private static readonly RelionLabel[] Registry =
    [
        new(OpticsGroup, LabelKind.Int, "", PixelDependence.None, "Optics group number (row of data_optics)"),
        new(OpticsGroupName, LabelKind.String, "", PixelDependence.None,
        "Optics group name; must be unique when data sets are joined"),
        new(ImagePixelSize, LabelKind.Double, "A", PixelDependence.PixelSize, "Pixel size of the particle images"),
        new(ImageSize, LabelKind.Int, "pixels", PixelDependence.BoxSize, "Box size of the particle images"),
        new(ImageDimensionality, LabelKind.Int, "", PixelDependence.None, "2 for images, 3 for sub-tomograms", "2"),
        new(MicrographPixelSize, LabelKind.Double, "A", PixelDependence.PixelSize,
        "Pixel size of the (motion-corrected, possibly binned) micrographs"),
        new(MicrographOriginalPixelSize, LabelKind.Double, "A", PixelDependence.PixelSize,
        "Pixel size of the original movies"),
        new(Magnification, LabelKind.Double, "", PixelDependence.Magnification,
        "RELION 3.0: magnification; pixel = 10000 x detector pixel / magnification"),
        new(DetectorPixelSize, LabelKind.Double, "um", PixelDependence.None, "RELION 3.0: detector pixel size"),
        new(LegacyPixelSize, LabelKind.Double, "A", PixelDependence.PixelSize,
        "Pixel size (model.star, older particle files)"),
        new(Voltage, LabelKind.Double, "kV", PixelDependence.None, "Acceleration voltage"),
        new(SphericalAberration, LabelKind.Double, "mm", PixelDependence.SphericalAberration, "Spherical aberration"),
        new(AmplitudeContrast, LabelKind.Double, "", PixelDependence.None, "Amplitude contrast (fraction)"),
        new(DefocusU, LabelKind.Double, "A", PixelDependence.Defocus, "Defocus along U, positive for underfocus"),
        new(DefocusV, LabelKind.Double, "A", PixelDependence.Defocus, "Defocus along V, positive for underfocus"),
        new(DefocusAngle, LabelKind.Double, "deg", PixelDependence.None, "Astigmatism angle"),
        new(PhaseShift, LabelKind.Double, "deg", PixelDependence.None, "Phase shift of a phase plate", Zero),
        new(CtfBfactor, LabelKind.Double, "A^2", PixelDependence.AngstromSquared, "CTF B-factor", Zero),
        new(CtfScalefactor, LabelKind.Double, "", PixelDependence.None, "CTF scale factor", One),
        new(CoordinateX, LabelKind.Double, "pixels", PixelDependence.Pixels, "X position in the micrograph"),
        new(CoordinateY, LabelKind.Double, "pixels", PixelDependence.Pixels, "Y position in the micrograph"),
        new(CoordinateZ, LabelKind.Double, "pixels", PixelDependence.Pixels, "Z position in the tomogram"),
        new(OriginX, LabelKind.Double, "pixels", PixelDependence.ImagePixels,
        "RELION 3.0: X translation of the particle", Zero),
        new(OriginY, LabelKind.Double, "pixels", PixelDependence.ImagePixels,
        "RELION 3.0: Y translation of the particle", Zero),
        new(OriginZ, LabelKind.Double, "pixels", PixelDependence.ImagePixels,
        "RELION 3.0: Z translation of the particle", Zero),
        new(OriginXAngst, LabelKind.Double, "A", PixelDependence.Angstrom, "X translation of the particle", Zero),
        new(OriginYAngst, LabelKind.Double, "A", PixelDependence.Angstrom, "Y translation of the particle", Zero),
        new(OriginZAngst, LabelKind.Double, "A", PixelDependence.Angstrom, "Z translation of the particle", Zero),
        new(OriginXPrior, LabelKind.Double, "pixels", PixelDependence.ImagePixels,
        "RELION 3.0: centre of the prior on the X translation"),
        new(OriginYPrior, LabelKind.Double, "pixels", PixelDependence.ImagePixels,
        "RELION 3.0: centre of the prior on the Y translation"),
        new(OriginZPrior, LabelKind.Double, "pixels", PixelDependence.ImagePixels,
        "RELION 3.0: centre of the prior on the Z translation"),
        new(OriginXPriorAngst, LabelKind.Double, "A", PixelDependence.Angstrom,
        "Centre of the prior on the X translation"),
        new(OriginYPriorAngst, LabelKind.Double, "A", PixelDependence.Angstrom,
        "Centre of the prior on the Y translation"),
        new(OriginZPriorAngst, LabelKind.Double, "A", PixelDependence.Angstrom,
        "Centre of the prior on the Z translation"),
        new(HelicalTrackLength, LabelKind.Double, "pixels", PixelDependence.ImagePixels,
        "RELION 3.0: distance along a helical tube"),
        new(HelicalTrackLengthAngst, LabelKind.Double, "A", PixelDependence.Angstrom, "Distance along a helical tube"),
        new(ImageName, LabelKind.String, "", PixelDependence.None, "Particle image: index@stack.mrcs"),
        new(MicrographName, LabelKind.String, "", PixelDependence.None, "Micrograph file"),
        new(MicrographMovieName, LabelKind.String, "", PixelDependence.None, "Movie file"),
        new(GroupName, LabelKind.String, "", PixelDependence.None, "Scale-correction group name"),
        new(GroupNumber, LabelKind.Int, "", PixelDependence.None, "Scale-correction group number"),
        new(BeamTiltX, LabelKind.Double, "mrad", PixelDependence.None, "Beam tilt along X", Zero),
        new(BeamTiltY, LabelKind.Double, "mrad", PixelDependence.None, "Beam tilt along Y", Zero),
        new(CtfDataArePremultiplied, LabelKind.Bool, "", PixelDependence.None,
        "Images are pre-multiplied by their CTF", "0"),
        new(MtfFileName, LabelKind.String, "", PixelDependence.None,
        "Detector MTF table (needs the original pixel size)"),
        new(CtfMaxResolution, LabelKind.Double, "A", PixelDependence.Angstrom,
        "Resolution to which Thon rings were fitted"),
        new("rlnCtfFigureOfMerit", LabelKind.Double, "", PixelDependence.None, "CTF fit figure of merit"),
        new("rlnAngleRot", LabelKind.Double, "deg", PixelDependence.None, "First Euler angle"),
        new("rlnAngleTilt", LabelKind.Double, "deg", PixelDependence.None, "Second Euler angle"),
        new("rlnAnglePsi", LabelKind.Double, "deg", PixelDependence.None, "Third Euler angle"),
        new("rlnClassNumber", LabelKind.Int, "", PixelDependence.None, "Class"),
        new("rlnRandomSubset", LabelKind.Int, "", PixelDependence.None, "Half set for gold-standard refinement"),
        new(NormCorrection, LabelKind.Double, "", PixelDependence.None, "Normalisation correction of the image", One),
        new(OddZernike, LabelKind.Vector, "", PixelDependence.None, "Odd Zernike coefficients (beam tilt, trefoil)",
        "[0,0,0,0,0,0]"),
        new(EvenZernike, LabelKind.Vector, "", PixelDependence.None, "Even Zernike coefficients (Cs, tetrafoil)",
        "[0,0,0,0,0,0,0,0,0]"),
        new(MagMat00, LabelKind.Double, "", PixelDependence.None, "Anisotropic magnification matrix element", One),
        new(MagMat01, LabelKind.Double, "", PixelDependence.None, "Anisotropic magnification matrix element", Zero),
        new(MagMat10, LabelKind.Double, "", PixelDependence.None, "Anisotropic magnification matrix element", Zero),
        new(MagMat11, LabelKind.Double, "", PixelDependence.None, "Anisotropic magnification matrix element", One),
    ];

    private static readonly Dictionary<string, RelionLabel> ByName = Registry.ToDictionary(l => l.Name,
        StringComparer.Ordinal);

    public static IReadOnlyList<RelionLabel> All => Registry;

    /// <summary>The registered label, or null for labels we leave untouched.</summary>
    public static RelionLabel? Find(string name) => ByName.GetValueOrDefault(name.TrimStart('_'));

    public static PixelDependence DependenceOf(string name) => Find(name)?.Dependence ?? PixelDependence.None;

    /// <summary>The value RELION assumes when the label is absent (STAR text), or null when there is none.</summary>
    public static string? NeutralOf(string name) => Find(name)?.Neutral;
}
