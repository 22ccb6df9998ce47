namespace CryoMerge.Core.Formats;

/// <summary>How strictly <see cref="MrcFile.Open"/> treats irregular files.</summary>
public sealed record MrcReadOptions
{
    /// <summary>Strict reading: a file longer than its header describes is an error.</summary>
    public static readonly MrcReadOptions Strict = new();

    /// <summary>
    /// Permissive reading: a file longer than its header describes is accepted and the surplus ignored,
    /// with a finding instead of an error. A file that is too short is always an error.
    /// </summary>
    public static readonly MrcReadOptions Permissive = new() { AllowTrailingBytes = true };

    public bool AllowTrailingBytes { get; init; }

    /// <summary>Treat the file as an image stack whatever its header says (RELION does this for ".mrcs").</summary>
    public bool? ForceStack { get; init; }
}
