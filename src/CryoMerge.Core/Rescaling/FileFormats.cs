namespace CryoMerge.Core.Rescaling;

/// <summary>A clear word for image files that are not MRC (RELION also lists TIFF and EER movies).</summary>
internal static class FileFormats
{
    private static readonly string[] NotMrc = [".tif", ".tiff", ".eer", ".dm4", ".spi", ".spider"];

    public static void RequireMrc(string path)
    {
        string extension = Path.GetExtension(Formats.RelionPaths.StripTypeSuffix(path)).ToLowerInvariant();
        if (NotMrc.Contains(extension))
            throw new CryoMergeInputException(path,
                $"{extension} files cannot be read; only MRC files (.mrc, .mrcs, .map) can be rescaled (convert TIFF " +
                $"or EER movies to MRC first, e.g. with IMOD's tif2mrc)");
    }
}
