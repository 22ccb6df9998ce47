using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Rescaling;

/// <summary>
/// What rescaling one MRC file will do, worked out from its header alone (cheap: no data read), so that a
/// set of files can be checked before any work starts.
/// </summary>
/// <param name="FileShape">X, Y and Z of the input file (Z = number of images for a stack).</param>
/// <param name="OutputFileShape">X, Y and Z of the output file.</param>
public sealed record FileRescalePlan(string Input, ImageFileKind Kind, Shape3 FileShape, Shape3 OutputFileShape,
    int Images,
    PixelSizeAnswer PixelSize, ImageRescalePlan Image, IReadOnlyList<string> Notes)
{
    /// <summary>Plans one file; every problem a user can fix is a <see cref="CryoMergeInputException"/> naming the
    /// file.</summary>
    public static FileRescalePlan Create(string input, RescaleOptions options)
    {
        options.Validate();
        FileFormats.RequireMrc(input);
        using var mrc = MrcFile.Open(RelionPaths.StripTypeSuffix(input), MrcReadOptions.Permissive);
        return Create(mrc, input, options);
    }

    internal static FileRescalePlan Create(MrcFile mrc, string input, RescaleOptions options)
    {
        var notes = new List<string>();
        var shape = mrc.Shape;
        ImageFileKind kind = mrc.Kind switch
        {
            MrcKind.Image => ImageFileKind.Image,
            MrcKind.ImageStack => ImageFileKind.Stack,
            MrcKind.Volume when options.AsStack => ImageFileKind.Stack,
            MrcKind.Volume when mrc.Header.Ispg == 0 && (shape.X != shape.Z || shape.Y != shape.Z) =>
            ImageFileKind.Stack,
            MrcKind.Volume => ImageFileKind.Map,
            _ => throw new CryoMergeInputException(input,
            "is a stack of volumes (space group 401-630); rescale its volumes one file at a time"),
        };
        if (kind == ImageFileKind.Stack && mrc.Kind == MrcKind.Volume)
            notes.Add(
                $"{input}: the header says volume, but its {shape.Z} sections are rescaled as 2-D images (a stack or " +
                $"movie)");

        PixelSizeAnswer pixel = options.PixelSize ?? PixelSizes.OfMrc(mrc)
            ?? throw new CryoMergeInputException(input,
                "the header has no pixel size (0) and none was given; give it with --angpix");
        var p = mrc.PixelSize;
        bool anisotropic = kind == ImageFileKind.Map ? !p.IsIsotropic() : Math.Abs(p.X - p.Y) > 1e-5 * p.X;
        if (options.PixelSize is null && anisotropic)
            notes.Add(
                $"{input}: the header pixel size is not the same along every axis {p}; the X value " +
                $"{pixel.Value:0.######} A is used");

        var image = kind == ImageFileKind.Map ? shape : new Shape3(shape.X, shape.Y, 1);
        var plan = ImageRescalePlan.Create(image, pixel.Value, options.RescalePixelSize, options.NewBox,
            options.Method);
        if (plan.Problem is not null)
        {
            string hint = kind == ImageFileKind.Map && mrc.Kind == MrcKind.Volume && options.Method
                == RescaleMethod.Fourier && plan.Relion is null
                ? " (if it is a movie or a stack of images, name it .mrcs or treat it as a stack)" : "";
            throw new CryoMergeInputException(input, plan.Problem + hint);
        }
        int images = kind == ImageFileKind.Map ? 1 : shape.Z;
        var outputFile = kind == ImageFileKind.Map ? plan.OutputShape : new Shape3(plan.OutputShape.X,
            plan.OutputShape.Y, images);
        return new FileRescalePlan(input, kind, shape, outputFile, images, pixel, plan, notes);
    }

    /// <summary>
    /// The output header: the input's, with the new pixel size, and ORIGIN moved so that the physical position
    /// of the box centre (voxel N/2) is unchanged; NXSTART etc. are scaled to the new pixel and rounded.
    /// </summary>
    internal MrcWriteOptions OutputHeader(MrcFile source)
    {
        double pin = Image.InputPixelSize, pout = Image.OutputPixelSize;
        var (n, m) = (FileShape, OutputFileShape);
        bool map = Kind == ImageFileKind.Map;
        double Shift(int nAxis, int mAxis) => nAxis / 2 * pin - mAxis / 2 * pout;
        var o = source.Origin;
        var origin = new Vector3d(o.X + Shift(n.X, m.X), o.Y + Shift(n.Y, m.Y), map ? o.Z + Shift(n.Z, m.Z) : o.Z);
        var s = source.Start;
        int Scale(int v) => v == 0 ? 0 : (int)Math.Round(v * pin / pout, MidpointRounding.AwayFromZero);
        return MrcWriteOptions.Like(source) with
        {
            PixelSize = Vector3d.All(pout),
            Origin = origin,
            Start = (Scale(s.X), Scale(s.Y), map ? Scale(s.Z) : s.Z),
            IsStack = !map,
            Mode = MrcMode.Float32,
        };
    }

    /// <summary>
    /// Input boxes that would reach the request more closely (Fourier method only): the three closest among
    /// those that pad the input or crop at most a tenth of it, since cropping more would cut the specimen.
    /// </summary>
    internal IReadOnlyList<BetterBox> BetterBoxes() =>
        Image.Relion is { } relion && Image.DiffersFromRequest
            ? RelionRescale.BetterBoxes(relion, count: 64).Where(b => b.OldSize >= 0.9 * relion.OldSize).Take(3)
                .Select(b => new BetterBox(b.OldSize, b.NewSize, b.RealPixelSize)).ToList()
            : [];
}
