namespace CryoMerge.Core;

/// <summary>
/// An anticipated problem with a user's input: a file that is not what it claims to be, a value out of range.
/// The command line prints it as one line, "<c>file: problem</c>", with no stack trace and exit code 1.
/// Anything else that escapes is a bug and is printed in full.
/// </summary>
public sealed class CryoMergeInputException : Exception
{
    public CryoMergeInputException(string file, string problem, Exception? inner = null)
        : base(string.IsNullOrEmpty(file) ? problem : $"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The file (or option) at fault, as the user named it.</summary>
    public string File { get; }

    /// <summary>What is wrong with it, in words a user can act on.</summary>
    public string Problem { get; }
}
