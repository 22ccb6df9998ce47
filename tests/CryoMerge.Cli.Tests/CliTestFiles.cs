namespace CryoMerge.Cli.Tests;

/// <summary>Small STAR files written by the command tests.</summary>
internal static class CliTestFiles
{
    /// <summary>The paper's case: a RELION 3.0 micrographs_ctf.star processed at 0.900 A, Cs 2.7 mm, 300 kV.</summary>
    public const string MicrographsAt0900 = """

    data_

    loop_
    _rlnMicrographName #1
    _rlnDefocusU #2
    _rlnDefocusV #3
    _rlnDefocusAngle #4
    _rlnVoltage #5
    _rlnSphericalAberration #6
    _rlnAmplitudeContrast #7
    _rlnMagnification #8
    _rlnDetectorPixelSize #9
    MotionCorr/job002/mic1.mrc 20000.000000 19500.000000 12.000000 300.000000 2.700000 0.100000 10000.000000 0.900000

    """;
}
