using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CryoMerge.Core;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Grains.Tests;

/// <summary>What a TLS member accepts as its own certificate, and which peers it trusts.</summary>
public sealed class ClusterCertificatesTests
{
    [Fact]
    public void PemWithAKeyFileOrInsidePkcs12AndEncryptedKeysLoadWithTheirKey()
    {
        using var dir = new TempDir();
        var ca = TestCertificates.Authority("ca");
        string bundle = TestCertificates.WriteBundle(dir.File("ca.pem"), ca);
        var member = TestCertificates.Member("silo-1", ca);
        var (crt, key) = TestCertificates.WritePem(member, dir.Path, "silo-1");
        string combined = dir.File("combined.pem");
        File.WriteAllText(combined, File.ReadAllText(crt) + "\n" + File.ReadAllText(key));
        string pfx = TestCertificates.WritePfx(member, dir.Path, "silo-1", "pfx-pass");
        string encrypted = dir.File("encrypted.key");
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000);
        File.WriteAllText(encrypted, member.GetECDsaPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem("key-pass", pbe));
        foreach (var settings in new[]
        {
            new TlsSettings(crt, key, Ca: bundle), new TlsSettings(combined, Ca: bundle),
            new TlsSettings(pfx, Password: "pfx-pass", Ca: bundle), new TlsSettings(crt, encrypted, "key-pass", bundle),
        })
        {
            var loaded = ClusterCertificates.Load(settings, server: true);
            Assert.True(loaded.Certificate.HasPrivateKey, settings.ToString());
            Assert.Equal(member.Thumbprint, loaded.Certificate.Thumbprint);
            Assert.True(loaded.HasAuthority);
        }
        Assert.Contains("CRYOMERGE_TLS_PASSWORD is wrong", Refused(new TlsSettings(pfx, Password: "nope")).Problem);
        var keyless = Refused(new TlsSettings(crt));
        Assert.Equal(crt, keyless.File);
        Assert.Contains("no private key", keyless.Problem);
        var missing = Refused(new TlsSettings(dir.File("none.pfx")), server: false);
        Assert.Contains("cannot read the certificate", missing.Problem);
        Assert.DoesNotContain("pfx-pass", new TlsSettings(pfx, Password: "pfx-pass").ToString());
    }

    [Fact]
    public void AMemberRefusesItsOwnCertificateWhenExpiredUnfitOrNotIssuedByTheCa()
    {
        using var dir = new TempDir();
        var ca = TestCertificates.Authority("ca");
        string bundle = TestCertificates.WriteBundle(dir.File("ca.pem"), ca);
        TlsSettings Pem(X509Certificate2 certificate, string name)
        {
            var (crt, key) = TestCertificates.WritePem(certificate, dir.Path, name);
            return new TlsSettings(crt, key, Ca: bundle);
        }
        var old = Pem(TestCertificates.Member("old", ca, -10, -1), "old");
        Assert.Contains("this certificate expired on", Refused(old).Problem);
        var early = Pem(TestCertificates.Member("early", ca, 1, 5), "early");
        Assert.Contains("is not valid before", Refused(early).Problem);
        // A silo is a TLS server and client; a client only a client.
        var clientOnly = Pem(TestCertificates.Member("client", ca, server: false), "client");
        Assert.Contains("does not allow TLS server authentication", Refused(clientOnly).Problem);
        ClusterCertificates.Load(clientOnly, server: false);
        var stranger = Refused(Pem(TestCertificates.Member("stranger", null), "stranger"), server: false);
        Assert.Contains("CN=stranger is not issued by the cluster CA", stranger.Problem);
        Assert.Contains("every other member would refuse it", stranger.Problem);
        var keyAsCa = Pem(TestCertificates.Member("x", ca), "x") with { Ca = dir.File("x.key") };
        Assert.Contains("holds no PEM certificate", Refused(keyAsCa, server: false).Problem);
    }

    [Fact]
    public void WithACaOnlyUnexpiredCertificatesItIssuedAreTrusted()
    {
        using var dir = new TempDir();
        var ca = TestCertificates.Authority("cluster-ca");
        var other = TestCertificates.Authority("other-ca");
        var (crt, key) = TestCertificates.WritePem(TestCertificates.Member("silo-1", ca), dir.Path, "silo-1");
        var bundle = TestCertificates.WriteBundle(dir.File("ca.pem"), ca);
        var me = ClusterCertificates.Load(new TlsSettings(crt, key, Ca: bundle), server: true);
        Assert.True(me.Trusts(TestCertificates.Member("silo-2", ca), null));
        Assert.True(me.Trusts(TestCertificates.Member("client", ca, server: false), null));
        Assert.Contains("is not issued by the cluster CA", me.Check(TestCertificates.Member("silo-x", other), null));
        Assert.Contains("is not issued by the cluster CA", me.Check(TestCertificates.Member("self", null), null));
        Assert.Contains("is not issued by the cluster CA", me.Check(other, null));
        Assert.StartsWith("expired on", me.Check(TestCertificates.Member("old", ca, -10, -1), null));
        Assert.StartsWith("is not valid before", me.Check(TestCertificates.Member("future", ca, 1, 5), null));
    }

    [Fact]
    public void AnIntermediateInTheCaFileLetsItsCertificatesThrough()
    {
        using var dir = new TempDir();
        var root = TestCertificates.Authority("root");
        var intermediate = IssueAuthority("intermediate", root);
        var leaf = TestCertificates.Member("silo", intermediate);
        var (crt, key) = TestCertificates.WritePem(leaf, dir.Path, "silo");
        var both = TestCertificates.WriteBundle(dir.File("ca.pem"), root, intermediate);
        var me = ClusterCertificates.Load(new TlsSettings(crt, key, Ca: both), server: true);
        Assert.True(me.Trusts(TestCertificates.Member("peer", intermediate), null));
        var (rootCrt, rootKey) = TestCertificates.WritePem(TestCertificates.Member("r", root), dir.Path, "r");
        var rootOnly = ClusterCertificates.Load(
            new TlsSettings(rootCrt, rootKey, Ca: TestCertificates.WriteBundle(dir.File("root.pem"), root)),
            server: true);
        Assert.False(rootOnly.Trusts(leaf, null));   // the intermediate is unknown and not presented
    }

    [Fact]
    public void WithoutACaOnlyTheSameCertificateIsTrusted()
    {
        using var dir = new TempDir();
        var shared = TestCertificates.Member("cryomerge", null);
        var pfx = TestCertificates.WritePfx(shared, dir.Path, "shared", null);
        var me = ClusterCertificates.Load(new TlsSettings(pfx), server: true);
        Assert.False(me.HasAuthority);
        Assert.True(me.Trusts(X509CertificateLoader.LoadCertificate(shared.RawData), null));
        Assert.Contains("is not the cluster's certificate", me.Check(TestCertificates.Member("cryomerge", null), null));
    }

    private static CryoMergeInputException Refused(TlsSettings settings, bool server = true) =>
        Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(settings, server));

    private static X509Certificate2 IssueAuthority(string name, X509Certificate2 issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var (from, to) = (DateTimeOffset.UtcNow.AddDays(-1), issuer.NotAfter.AddDays(-1));
        using var issued = request.Create(issuer, from, to, RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }
}
