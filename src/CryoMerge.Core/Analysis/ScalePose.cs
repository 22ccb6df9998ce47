namespace CryoMerge.Core.Analysis;

/// <summary>
/// How map 2 sits on map 1: a point of map 2 at Y (A from its box centre N/2, measured with its nominal pixel
/// size) lies at X = R M (s Y) + T in map 1 (A from map 1's box centre), with s = exp(<see cref="LogScale"/>) and
/// M the mirror X -> -X when <see cref="Mirrored"/> (map 2 of the other hand). Map 2's pixel size on map 1's scale is
/// s x its nominal pixel size.
/// </summary>
public sealed record ScalePose(double LogScale, Matrix3 Rotation, Vector3d Translation, bool Mirrored = false)
{
    public static readonly ScalePose Identity = new(0, Matrix3.Identity, default);

    public double Scale => Math.Exp(LogScale);

    /// <summary>The rotation and mirror together (improper when mirrored).</summary>
    public Matrix3 Linear => Mirrored ? Rotation * Matrix3.MirrorX : Rotation;

    /// <summary>Where map 2's point <paramref name="y"/> (nominal A from its centre) lies in map 1 (A from its
    /// centre).</summary>
    public Vector3d MapToReference(Vector3d y)
    {
        double s = Scale;
        var r = Linear.Apply(new Vector3d(s * y.X, s * y.Y, s * y.Z));
        return new Vector3d(r.X + Translation.X, r.Y + Translation.Y, r.Z + Translation.Z);
    }

    /// <summary>The point of map 2 (nominal A from its centre) that lands on map 1's point <paramref
    /// name="x"/>.</summary>
    public Vector3d ReferenceToMap(Vector3d x)
    {
        double s = Scale;
        var u = new Vector3d(x.X - Translation.X, x.Y - Translation.Y, x.Z - Translation.Z);
        var v = Linear.Transpose().Apply(u);
        return new Vector3d(v.X / s, v.Y / s, v.Z / s);
    }

    /// <summary>
    /// The small update of a Gauss-Newton step: scale by exp(dLogScale), rotation by exp([w]x) applied on the left
    /// (about map 1's axes), translation by dt.
    /// </summary>
    public ScalePose Step(double dLogScale, Vector3d w, Vector3d dt) => this with
    {
        LogScale = LogScale + dLogScale,
        Rotation = (Matrix3.FromRotationVector(w) * Rotation).Orthonormalized(),
        Translation = new Vector3d(Translation.X + dt.X, Translation.Y + dt.Y, Translation.Z + dt.Z),
    };
}
