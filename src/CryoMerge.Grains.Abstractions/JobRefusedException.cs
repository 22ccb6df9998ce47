namespace CryoMerge.Grains;

/// <summary>
/// A silo refused to start a job before any work, for a reason the user can act on (a path outside its data roots).
/// The message is one line naming the path; the command line prints it as it prints a bad input, with exit code 1.
/// </summary>
[GenerateSerializer, Alias("cryomerge.JobRefusedException")]
public sealed class JobRefusedException : Exception
{
    public JobRefusedException()
    {
    }

    public JobRefusedException(string message) : base(message)
    {
    }
}
