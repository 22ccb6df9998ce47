using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CryoMerge.Core;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Grains.Tests;

/// <summary>What a TLS member accepts as its own certificate, and which peers it trusts (ClusterCertificates).</summary>
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
        File.WriteAllText(encrypted, member.GetECDsaPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem("key-pass",
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
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
        var wrong = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(new TlsSettings(pfx, Password: "nope"), server: true));
        Assert.Contains("CRYOMERGE_TLS_PASSWORD is wrong", wrong.Problem);
        var keyless = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(new TlsSettings(crt), server: true));
        Assert.Equal(crt, keyless.File);
        Assert.Contains("no private key", keyless.Problem);
        var missing = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(new TlsSettings(dir.File("none.pfx")), server: false));
        Assert.Contains("cannot read the certificate", missing.Problem);
        Assert.DoesNotContain("pfx-pass", new TlsSettings(pfx, Password: "pfx-pass").ToString());
    }

    [Fact]
    public void AMemberRefusesItsOwnCertificateWhenExpiredUnfitOrNotIssuedByTheCa()
    {
        using var dir = new TempDir();
        var ca = TestCertificates.Authority("ca");
        string bundle = TestCertificates.WriteBundle(dir.File("ca.pem"), ca);
        TlsSettings Pem(X509Certificate2 certificate, string name, string? authority = null)
        {
            var (crt, key) = TestCertificates.WritePem(certificate, dir.Path, name);
            return new TlsSettings(crt, key, Ca: authority);
        }
        var expired = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(Pem(TestCertificates.Member("old", ca, -10, -1), "old", bundle), server: true));
        Assert.Contains("this certificate expired on", expired.Problem);
        var early = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(Pem(TestCertificates.Member("early", ca, 1, 5), "early", bundle), server: true));
        Assert.Contains("is not valid before", early.Problem);
        // A silo is a TLS server and client; a client only a client.
        var clientOnly = Pem(TestCertificates.Member("client", ca, server: false), "client", bundle);
        var notServer = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(clientOnly, server: true));
        Assert.Contains("does not allow TLS server authentication", notServer.Problem);
        ClusterCertificates.Load(clientOnly, server: false);
        var stranger = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(Pem(TestCertificates.Member("stranger", null), "stranger", bundle), server: false));
        Assert.Contains("CN=stranger is not issued by the cluster CA", stranger.Problem);
        Assert.Contains("every other member would refuse it", stranger.Problem);
        var notPem = Assert.Throws<CryoMergeInputException>(() => ClusterCertificates.Load(new TlsSettings(Pem(ca, "x").Certificate, Ca: dir.File("x.key")), server: false));
        Assert.NotNull(notPem.Problem);
    }

    [Fact]
    public void WithACaOnlyUnexpiredCertificatesItIssuedAreTrusted()
    {
        using var dir = new TempDir();
        var ca = TestCertificates.Authority("cluster-ca");
        var other = TestCertificates.Authority("other-ca");
        var (crt, key) = TestCertificates.WritePem(TestCertificates.Member("silo-1", ca), dir.Path, "silo-1");
        var me = ClusterCertificates.Load(new TlsSettings(crt, key, Ca: TestCertificates.WriteBundle(dir.File("ca.pem"), ca)), server: true);
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
        var me = ClusterCertificates.Load(new TlsSettings(crt, key, Ca: TestCertificates.WriteBundle(dir.File("ca.pem"), root, intermediate)), server: true);
        Assert.True(me.Trusts(TestCertificates.Member("peer", intermediate), null));
        var rootOnly = ClusterCertificates.Load(new TlsSettings(TestCertificates.WritePem(TestCertificates.Member("r", root), dir.Path, "r").Certificate,
            dir.File("r.key"), Ca: TestCertificates.WriteBundle(dir.File("root.pem"), root)), server: true);
        Assert.False(rootOnly.Trusts(leaf, null));   // the intermediate is unknown and not presented
    }

    [Fact]
    public void WithoutACaOnlyTheSameCertificateIsTrusted()
    {
        using var dir = new TempDir();
        var shared = TestCertificates.Member("cryomerge", null);
        var me = ClusterCertificates.Load(new TlsSettings(TestCertificates.WritePfx(shared, dir.Path, "shared", null)), server: true);
        Assert.False(me.HasAuthority);
        Assert.True(me.Trusts(X509CertificateLoader.LoadCertificate(shared.RawData), null));
        Assert.Contains("is not the cluster's certificate", me.Check(TestCertificates.Member("cryomerge", null), null));
    }

    private static X509Certificate2 IssueAuthority(string name, X509Certificate2 issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-1), issuer.NotAfter.AddDays(-1), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }
}
