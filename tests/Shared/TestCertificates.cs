using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CryoMerge.Tests;

/// <summary>
/// Certificates made by a test (ECDSA P-256, System.Security.Cryptography.CertificateRequest) and written to its
/// temporary folder as PEM or PKCS#12, for the TLS tests: a cluster CA, members it issued, and strangers.
/// </summary>
public static class TestCertificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>A self-signed CA valid from 30 days ago to <paramref name="days"/> days from now.</summary>
    public static X509Certificate2 Authority(string name, int days = 30)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var usage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(days));
    }

    /// <summary>
    /// A member's certificate issued by <paramref name="issuer"/> (self-signed when null), valid from
    /// <paramref name="from"/> to <paramref name="to"/> days from now, with the extended key usages asked for.
    /// </summary>
    public static X509Certificate2 Member(string name, X509Certificate2? issuer, double from = -1, double to = 10,
        bool server = true, bool client = true)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection();
        if (server) usages.Add(new Oid(ServerAuthentication));
        if (client) usages.Add(new Oid(ClientAuthentication));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var notBefore = DateTimeOffset.UtcNow.AddDays(from);
        var notAfter = DateTimeOffset.UtcNow.AddDays(to);
        if (issuer is null) return request.CreateSelfSigned(notBefore, notAfter);
        // A certificate may not outlive its issuer.
        if (notAfter > issuer.NotAfter) notAfter = issuer.NotAfter.ToUniversalTime();
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(issuer, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate and its key as PEM files NAME.crt and NAME.key; returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string folder, string name)
    {
        string crt = Path.Combine(folder, name + ".crt");
        string key = Path.Combine(folder, name + ".key");
        File.WriteAllText(crt, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        return (crt, key);
    }

    /// <summary>Writes certificate and key as one PKCS#12 file NAME.pfx; returns its path.</summary>
    public static string WritePfx(X509Certificate2 certificate, string folder, string name, string? password)
    {
        string pfx = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        return pfx;
    }

    /// <summary>Writes certificates (no keys) into one PEM file, as a CA bundle.</summary>
    public static string WriteBundle(string path, params X509Certificate2[] certificates)
    {
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }
}
