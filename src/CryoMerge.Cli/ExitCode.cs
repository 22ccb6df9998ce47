namespace CryoMerge.Cli;

/// <summary>Process exit codes; cast to int only at the boundary.</summary>
public enum ExitCode
{
    Ok = 0,
    /// <summary>Bad input: a file that is not what it should be, a value out of range. One line on stderr says which.</summary>
    BadInput = 1,
    /// <summary>The command line itself is wrong (unknown option, missing argument).</summary>
    Usage = 2,
}
