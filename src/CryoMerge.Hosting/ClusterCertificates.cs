using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CryoMerge.Core;

namespace CryoMerge.Hosting;

/// <summary>
/// This member's certificate and what it trusts. A peer (silo or client) is trusted when its certificate is within
/// its validity period and either chains to the cluster CA (<see cref="TlsSettings.Ca"/>: only those certificates
/// are roots, the system's are not) or, without a CA, is byte for byte this member's own certificate. Host names
/// are not checked: silos reach each other by the IP addresses in membership, and identity comes from the CA or the
/// pinned certificate. Revocation lists are not checked.
/// </summary>
public sealed class ClusterCertificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private const string NoKey = "has no private key; give the key with --tls-key (PEM) or use a .pfx that holds it";

    private readonly X509Certificate2Collection _roots;
    private readonly X509Certificate2Collection _intermediates;
    private readonly TimeProvider _time;

    private ClusterCertificates(X509Certificate2 certificate, X509Certificate2Collection authority, TimeProvider time)
    {
        Certificate = certificate;
        _time = time;
        _roots = [.. authority.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData))];
        _intermediates = [.. authority.Where(c => !_roots.Contains(c))];
        HasAuthority = authority.Count > 0;
    }

    /// <summary>This member's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>True when peers are checked against a CA; false when they must present <see cref="Certificate"/>.
    /// </summary>
    public bool HasAuthority { get; }

    /// <summary>
    /// Reads the files of <paramref name="settings"/> and checks them: a readable certificate with its private key,
    /// valid now, usable as a TLS server and client (a silo is both) or as a client, and issued by the CA when one
    /// is given, so that a misconfigured member says so at once instead of being refused by every peer.
    /// </summary>
    public static ClusterCertificates Load(TlsSettings settings, bool server, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        string path = settings.Certificate ?? throw new CryoMergeInputException("--tls-cert", "no certificate given");
        var certificate = ReadCertificate(path, settings.Key, settings.Password);
        if (!certificate.HasPrivateKey) throw new CryoMergeInputException(path, NoKey);
        if (Expired(certificate, time) is { } problem)
            throw new CryoMergeInputException(path, $"this certificate {problem}");
        var roles = server
            ? new[] { (ServerAuthentication, "server"), (ClientAuthentication, "client") }
            : [(ClientAuthentication, "client")];
        foreach (var (oid, role) in roles)
        {
            if (AllowsUsage(certificate, oid)) continue;
            string needs = server ? "a silo's certificate needs serverAuth and clientAuth" : "a client's clientAuth";
            throw new CryoMergeInputException(path,
                $"its extended key usage does not allow TLS {role} authentication ({oid}); {needs}");
        }
        var authority = settings.Ca is null ? [] : ReadAuthority(settings.Ca);
        var loaded = new ClusterCertificates(certificate, authority, time);
        if (loaded.HasAuthority && loaded.Check(certificate, null) is { } untrusted)
            throw new CryoMergeInputException(path,
                $"{certificate.Subject} {untrusted}, so every other member would refuse it");
        return loaded;
    }

    /// <summary>The TLS callback: true when <paramref name="peer"/> is trusted (not the platform's verdict).</summary>
    public bool Trusts(X509Certificate2 peer, X509Chain? presented) => Check(peer, presented) is null;

    /// <summary>Why <paramref name="peer"/> is not trusted, or null when it is.</summary>
    public string? Check(X509Certificate2 peer, X509Chain? presented)
    {
        if (Expired(peer, _time) is { } expired) return expired;
        if (!HasAuthority)
        {
            return peer.RawData.AsSpan().SequenceEqual(Certificate.RawData)
                ? null
                : "is not the cluster's certificate (no --tls-ca: every member must present the same one)";
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        // Intermediates the peer sent along with its certificate.
        foreach (var element in presented?.ChainElements.Select(e => e.Certificate) ?? [])
            if (!element.RawData.AsSpan().SequenceEqual(peer.RawData)) chain.ChainPolicy.ExtraStore.Add(element);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(peer)) return null;
        var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
        return $"is not issued by the cluster CA ({string.Join("; ", reasons)})";
    }

    private static string? Expired(X509Certificate2 certificate, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (from, to) = (certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());
        if (now > to) return $"expired on {to:yyyy-MM-dd HH:mm}Z";
        if (now < from) return $"is not valid before {from:yyyy-MM-dd HH:mm}Z";
        return null;
    }

    /// <summary>No extended key usage extension allows every use; otherwise the usage must be listed.</summary>
    private static bool AllowsUsage(X509Certificate2 certificate, string oid)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        return usages.Count == 0 || usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == oid));
    }

    private static X509Certificate2 ReadCertificate(string path, string? keyPath, string? password)
    {
        bool pem = IsPem(path);
        try
        {
            if (pem)
            {
                if (keyPath is null && !File.ReadAllText(path).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                    throw new CryoMergeInputException(path, NoKey);
                return password is null
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            }
            if (keyPath is not null)
                throw new CryoMergeInputException(keyPath, "a separate key goes with a PEM certificate, not a .pfx");
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CryoMergeInputException(pem && keyPath is not null ? $"{path} + {keyPath}" : path,
                "not a readable PEM or PKCS#12 certificate with its key (or CRYOMERGE_TLS_PASSWORD is wrong): " +
                FirstLine(e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot read the certificate: {FirstLine(e)}");
        }
    }

    private static X509Certificate2Collection ReadAuthority(string path)
    {
        var authority = new X509Certificate2Collection();
        try
        {
            authority.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot read the cluster CA (PEM certificates): {FirstLine(e)}");
        }
        if (authority.Count == 0)
            throw new CryoMergeInputException(path, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return authority;
    }

    private static bool IsPem(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var start = new char[4096];
            int n = reader.ReadBlock(start, 0, start.Length);
            return new string(start, 0, n).Contains("-----BEGIN ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot read the certificate: {FirstLine(e)}");
        }
    }

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();
}
