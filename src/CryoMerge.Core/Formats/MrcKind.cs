namespace CryoMerge.Core.Formats;

/// <summary>What the sections of an MRC file are.</summary>
public enum MrcKind
{
    /// <summary>One 2-D image (NZ = 1).</summary>
    Image,
    /// <summary>A stack of 2-D images, one per section: particle stacks (.mrcs) and movies.</summary>
    ImageStack,
    /// <summary>One 3-D volume (a map).</summary>
    Volume,
    /// <summary>Several volumes of MZ sections each (ISPG 401-630).</summary>
    VolumeStack,
}
