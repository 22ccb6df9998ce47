namespace CryoMerge.Hosting;

/// <summary>
/// The files of mutual TLS between the members of a cluster (silos and clients), as given by --tls-cert, --tls-key,
/// --tls-ca or CRYOMERGE_TLS_CERT, _KEY, _PASSWORD and _CA. Paths only: <see cref="ClusterCertificates"/> reads them
/// when a silo or client is built. TLS is on when a certificate is given.
/// </summary>
/// <param name="Certificate">This member's certificate: PKCS#12 (.pfx/.p12, with its key) or PEM (key inside or in
/// <paramref name="Key"/>).</param>
/// <param name="Key">PEM private key of a PEM certificate, when it is in a file of its own.</param>
/// <param name="Password">Password of the PKCS#12 file or of an encrypted PEM key (CRYOMERGE_TLS_PASSWORD).</param>
/// <param name="Ca">PEM file of the cluster's certificate authority (one or more certificates); null: trust only a peer
/// that presents the very same certificate as this member (one certificate shared by the whole cluster).</param>
public sealed record TlsSettings(string? Certificate, string? Key = null, string? Password = null, string? Ca = null)
{
    public static readonly TlsSettings None = new(Certificate: null);

    public bool Enabled => Certificate is not null;

    /// <summary>Never shows the password (records print every property).</summary>
    public override string ToString() =>
        $"TlsSettings {{ Certificate = {Certificate}, Key = {Key}, Password = {(Password is null ? "" : "***")}, " +
        $"Ca = {Ca} }}";
}
