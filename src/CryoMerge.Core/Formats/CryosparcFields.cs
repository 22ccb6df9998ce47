namespace CryoMerge.Core.Formats;

/// <summary>
/// cryoSPARC's field names ("result slot/field") and the NumPy types cryoSPARC writes them with, as found in real
/// particle files (../shared/data/real/cryodrgn/*.cs) and cryosparc-tools' test datasets. Units are in the names:
/// _A is Angstrom, _rad radians, _kv kilovolts, _mm millimetres; shapes are [rows (y), columns (x)].
/// </summary>
public static class CryosparcFields
{
    /// <summary>Unique 64-bit id of a particle (or exposure); links a job's output files to each other.</summary>
    public const string Uid = "uid";

    // blob: the particle image.
    /// <summary>Stack file, relative to the cryoSPARC project folder; a leading '>' (exported jobs) means relative to
    /// the .cs file's folder.</summary>
    public const string BlobPath = "blob/path";
    /// <summary>Image index in the stack, from 0.</summary>
    public const string BlobIndex = "blob/idx";
    /// <summary>Image size [ny, nx] in pixels.</summary>
    public const string BlobShape = "blob/shape";
    /// <summary>Image pixel size, A.</summary>
    public const string BlobPixelSize = "blob/psize_A";
    /// <summary>Contrast of the stored images: -1 dark particles (as extracted by cryoSPARC, raw contrast), +1 white
    /// (RELION's convention).</summary>
    public const string BlobSign = "blob/sign";
    public const string BlobImportSignature = "blob/import_sig";

    // ctf
    public const string CtfType = "ctf/type";
    /// <summary>Exposure group, cryoSPARC's optics group (0-based when cryoSPARC made it, RELION's number when
    /// imported).</summary>
    public const string CtfExposureGroup = "ctf/exp_group_id";
    public const string CtfVoltage = "ctf/accel_kv";
    public const string CtfCs = "ctf/cs_mm";
    public const string CtfAmplitudeContrast = "ctf/amp_contrast";
    /// <summary>Defocus along the astigmatism angle, A (RELION's rlnDefocusU).</summary>
    public const string CtfDefocus1 = "ctf/df1_A";
    public const string CtfDefocus2 = "ctf/df2_A";
    /// <summary>Astigmatism angle, radians (RELION's rlnDefocusAngle in degrees).</summary>
    public const string CtfDefocusAngle = "ctf/df_angle_rad";
    public const string CtfPhaseShift = "ctf/phase_shift_rad";
    /// <summary>Per-particle CTF amplitude scale (RELION's rlnCtfScalefactor).</summary>
    public const string CtfScale = "ctf/scale";
    public const string CtfScaleConst = "ctf/scale_const";
    public const string CtfShift = "ctf/shift_A";
    /// <summary>Beam tilt as the coma coefficient Cs x tilt, A (x, y).</summary>
    public const string CtfTilt = "ctf/tilt_A";
    public const string CtfTrefoil = "ctf/trefoil_A";
    public const string CtfTetrafoil = "ctf/tetra_A";
    /// <summary>Anisotropic magnification as the 2 x 2 matrix minus identity (00, 01, 10, 11); zeros mean
    /// none.</summary>
    public const string CtfAnisoMag = "ctf/anisomag";
    /// <summary>CTF B-factor, A^2 (RELION's rlnCtfBfactor).</summary>
    public const string CtfBfactor = "ctf/bfactor";

    // alignments3D (refinements) and alignments2D (2D classification) share their field names.
    public const string Alignments3D = "alignments3D/";
    public const string Alignments2D = "alignments2D/";
    /// <summary>Half set, 0 or 1 (RELION's rlnRandomSubset 1 or 2).</summary>
    public const string Split = "split";
    /// <summary>Shift (x, y) in pixels of <see cref="AlignmentPixelSize"/> (not necessarily the image pixel).</summary>
    public const string Shift = "shift";
    /// <summary>3D: rotation vector (axis x angle in radians); 2D: in-plane angle in radians.</summary>
    public const string Pose = "pose";
    /// <summary>Pixel size of the refinement the shifts are in, A.</summary>
    public const string AlignmentPixelSize = "psize_A";
    public const string Class = "class";

    // location: where the particle sits on its micrograph.
    public const string LocationMicrographUid = "location/micrograph_uid";
    public const string LocationExposureGroup = "location/exp_group_id";
    public const string LocationMicrographPath = "location/micrograph_path";
    /// <summary>Micrograph size [ny, nx] in pixels.</summary>
    public const string LocationMicrographShape = "location/micrograph_shape";
    /// <summary>Particle centre as a fraction of the micrograph width (x) and height (y).</summary>
    public const string LocationCenterX = "location/center_x_frac";
    public const string LocationCenterY = "location/center_y_frac";

    // exposures (micrographs and movies)
    public const string MicrographPath = "micrograph_blob/path";
    public const string MicrographPixelSize = "micrograph_blob/psize_A";
    public const string MovieBlobPath = "movie_blob/path";

    /// <summary>The fields of an alignments slot as cryoSPARC's refinements write them, with the neutral value a new
    /// particle gets.</summary>
    internal static readonly (string Name, string Type, int[] Shape, double Neutral)[] AlignmentSlot =
    [
        (Split, "<u4", [], 0), (Shift, "<f4", [2], 0), (Pose, "<f4", [3], 0), (AlignmentPixelSize, "<f4", [], 0),
        ("error", "<f4", [], 0), ("error_min", "<f4", [], 0), ("resid_pow", "<f4", [], 0), ("slice_pow", "<f4", [], 0),
        ("image_pow", "<f4", [], 0), ("cross_cor", "<f4", [], 0), ("alpha", "<f4", [], 1), ("weight", "<f4", [], 0),
        ("pose_ess", "<f4", [], 0), ("shift_ess", "<f4", [], 0), ("class_posterior", "<f4", [], 1), (Class, "<u4", [],
            0),
        ("class_ess", "<f4", [], 1),
    ];
}
