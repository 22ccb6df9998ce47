using Orleans.Connections.Security;

namespace CryoMerge.Hosting;

/// <summary>
/// Mutual TLS (Microsoft.Orleans.Connections.Security) on every connection of a silo (silo to silo, both ways, and
/// clients to its gateway) and of a client, when <see cref="CryoMergeHostSettings.Tls"/> names a certificate. Both
/// ends present a certificate and each refuses the other unless <see cref="ClusterCertificates"/> trusts it: a silo
/// or client without a trusted certificate never exchanges a message with the cluster.
/// </summary>
public static class TlsExtensions
{
    public static ISiloBuilder UseCryoMergeTls(this ISiloBuilder silo, CryoMergeHostSettings settings)
    {
        if (!settings.Tls.Enabled) return silo;
        var certificates = ClusterCertificates.Load(settings.Tls, server: true);
        return silo.UseTls(options => Configure(options, certificates));
    }

    public static IClientBuilder UseCryoMergeTls(this IClientBuilder client, CryoMergeHostSettings settings)
    {
        if (!settings.Tls.Enabled) return client;
        var certificates = ClusterCertificates.Load(settings.Tls, server: false);
        return client.UseTls(options => Configure(options, certificates));
    }

    private static void Configure(TlsOptions options, ClusterCertificates certificates)
    {
        options.LocalCertificate = certificates.Certificate;
        // A silo asks every inbound connection (silo or client) for a certificate and refuses one without;
        // a client always sends its own.
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Our own decision replaces the platform's (which would want a system root and a matching host name).
        options.RemoteCertificateValidation = (certificate, chain, _) => certificates.Trusts(certificate, chain);
        options.CheckCertificateRevocation = false;
    }
}
