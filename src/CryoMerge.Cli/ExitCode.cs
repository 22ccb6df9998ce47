namespace CryoMerge.Cli;

/// <summary>
/// Process exit codes; cast to int only at the boundary. The line between 1 and 2: a command line that cannot be
/// parsed is a usage error (an unknown option, a missing one, a value that is not of the option's kind such as
/// "--angpix abc", a choice not offered, options that exclude each other); a value that parses but is out of range
/// (a pixel size of -1.2 or 0, a box of 1, a negative thread count) is bad input, like a bad file.
/// </summary>
public enum ExitCode
{
    Ok = 0,
    /// <summary>
    /// Bad input: a file that is not what it should be, an option's value out of range. One line on stderr says which.
    /// </summary>
    BadInput = 1,
    /// <summary>The command line itself is wrong (unknown option, missing argument).</summary>
    Usage = 2,
}
