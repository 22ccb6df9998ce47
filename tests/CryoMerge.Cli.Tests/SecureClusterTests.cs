using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CryoMerge.Grains.Tests;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// Real processes on 127.0.0.1: redis-server and two 'cryomerge serve' silos with mutual TLS (certificates issued by
/// a CA the test makes) and a data root, shared by the tests of <see cref="SecureClusterTests"/>.
/// </summary>
public sealed class SecureCluster : IAsyncLifetime
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");

    private readonly List<ServerProcess> _processes = [];

    public TempDir Root { get; } = new();

    /// <summary>The silos' data root: plans, data sets and outputs live here.</summary>
    public string Data => Path.Combine(Root.Path, "data");

    public string State => Path.Combine(Root.Path, "state");

    public string Cluster { get; private set; } = "";

    public string ServiceId { get; } = "tls-" + Guid.NewGuid().ToString("N")[..8];

    public string Ca { get; private set; } = "";

    /// <summary>A silo certificate (PEM, key apart) and a client's (PKCS#12 with a password), from the CA.</summary>
    public (string Certificate, string Key) SiloPem { get; private set; }

    public string ClientPfx { get; private set; } = "";

    public const string ClientPassword = "client-pass";

    /// <summary>A self-signed certificate nobody in the cluster trusts.</summary>
    public (string Certificate, string Key) Rogue { get; private set; }

    public List<(string Name, int SiloPort, int GatewayPort, ServerProcess Process)> Silos { get; } = [];

    public bool Available { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (Requires.FindOnPath("redis-server") is null) return;   // each test reports it through Requires
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(State);
        string certificates = Directory.CreateDirectory(Path.Combine(Root.Path, "certificates")).FullName;
        var authority = TestCertificates.Authority("cryomerge-test-ca");
        Ca = TestCertificates.WriteBundle(Path.Combine(certificates, "ca.pem"), authority);
        SiloPem = TestCertificates.WritePem(TestCertificates.Member("silo", authority), certificates, "silo");
        var client = TestCertificates.Member("client", authority, server: false);
        ClientPfx = TestCertificates.WritePfx(client, certificates, "client", ClientPassword);
        Rogue = TestCertificates.WritePem(TestCertificates.Member("rogue", null), certificates, "rogue");

        try
        {
            await StartProcessesAsync();
        }
        catch
        {
            await DisposeAsync();   // xunit may not dispose a fixture whose start failed: no silo may outlive it
            throw;
        }
        Available = true;
    }

    private async Task StartProcessesAsync()
    {
        int redisPort = ServerProcess.FreePort();
        var redis = Start("redis-server",
            ["--bind", "127.0.0.1", "--port", redisPort.ToString(), "--save", "", "--appendonly", "no"]);
        await redis.WaitForAsync("Ready to accept connections", TimeSpan.FromMinutes(5));
        Cluster = $"redis://127.0.0.1:{redisPort}";
        foreach (var name in new[] { "silo-a", "silo-b" })
        {
            int siloPort = ServerProcess.FreePort(), gatewayPort = ServerProcess.FreePort();
            var silo = Start("dotnet", [Dll, "serve", "--cluster", Cluster, "--name", name,
                "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(),
                "--state-dir", State, "--data-root", Data,
                "--tls-cert", SiloPem.Certificate, "--tls-key", SiloPem.Key, "--tls-ca", Ca]);
            Silos.Add((name, siloPort, gatewayPort, silo));
        }
        foreach (var silo in Silos) await silo.Process.WaitForAsync("joined", TimeSpan.FromMinutes(5));
    }

    public ServerProcess Start(string program, IReadOnlyList<string> arguments)
    {
        var process = new ServerProcess(program, arguments, new Dictionary<string, string>
        {
            ["ORLEANS_SERVICE_ID"] = ServiceId,
            ["ORLEANS_CLUSTER_ID"] = ServiceId,
            ["CRYOMERGE_MAX_CONCURRENT_ITEMS"] = "1",
        });
        _processes.Add(process);
        return process;
    }

    /// <summary>Runs cryomerge with this cluster's identity and none of this process' TLS settings.</summary>
    public Tool.Result Run(IEnumerable<string> arguments, params string[] environment) =>
        Tool.Run("env", ["-u", "CRYOMERGE_TLS_CERT", "-u", "CRYOMERGE_TLS_KEY", "-u", "CRYOMERGE_TLS_CA",
            "-u", "CRYOMERGE_TLS_PASSWORD", $"ORLEANS_SERVICE_ID={ServiceId}", $"ORLEANS_CLUSTER_ID={ServiceId}",
            .. environment, "dotnet", Dll, .. arguments], timeoutSeconds: 900);

    /// <summary>Runs cryomerge as a trusted client: its .pfx (password in its environment) and the CA.</summary>
    public Tool.Result RunAsClient(IEnumerable<string> arguments) =>
        Run([.. arguments, "--tls-cert", ClientPfx, "--tls-ca", Ca], $"CRYOMERGE_TLS_PASSWORD={ClientPassword}");

    public string SiloLog => string.Join("\n", Silos.Select(s => $"{s.Name}:\n{s.Process.Output}"));

    public ValueTask DisposeAsync()
    {
        try
        {
            foreach (var p in Enumerable.Reverse(_processes)) p.Dispose();
        }
        finally
        {
            Root.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Issue 19, points 4-6: a TLS cluster merges for a TLS client, turns away clients and silos without a certificate it
/// trusts with one line and exit code 1, listens on loopback only, and refuses plans outside its data root.
/// </summary>
public sealed class SecureClusterTests(SecureCluster cluster) : IClassFixture<SecureCluster>
{
    private SecureCluster Ready()
    {
        Requires.Program("redis-server", "redis-server");
        Assert.True(cluster.Available, "the TLS cluster did not start");
        return cluster;
    }

    [Fact]
    public void ServeListensOnlyOnTheAddressItAdvertises()
    {
        var c = Ready();
        Requires.Linux("/proc/net/tcp");
        foreach (var (name, siloPort, gatewayPort, process) in c.Silos)
        {
            var sockets = ListeningSockets.Of(process.Id).Select(e => e.ToString()).Order();
            Assert.Equal(new[] { $"127.0.0.1:{siloPort}", $"127.0.0.1:{gatewayPort}" }.Order(), sockets);
        }
    }

    [Fact]
    public void ATlsClientCompletesAMergeOnTheTlsCluster()
    {
        var c = Ready();
        using var project = new TempDir(c.Data);
        MergeTestData.WritePlan(project, "out", micrographs: 4, size: 128);
        var merge = c.RunAsClient(["merge", project.File("plan.yaml"), "--cluster", c.Cluster, "--state-dir", c.State,
            "--json"]);
        Assert.True(merge.ExitCode == 0, $"merge failed:\n{merge.Stderr}\n{c.SiloLog}");
        var json = JsonDocument.Parse(merge.Stdout).RootElement;
        Assert.Equal("Completed", json.GetProperty("state").GetString());
        Assert.Equal(4, Directory.GetFiles(project.File("out/DS2/Micrographs")).Length);

        string jobId = json.GetProperty("jobId").GetString()!;
        var status = c.RunAsClient(["status", jobId, "--cluster", c.Cluster, "--json"]);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Equal("Completed", JsonDocument.Parse(status.Stdout).RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public void AClientWithoutACertificateIsRefusedWithOneLine()
    {
        var c = Ready();
        using var project = new TempDir(c.Data);
        MergeTestData.WritePlan(project, "out", micrographs: 2, size: 128);
        var merge = c.Run(["merge", project.File("plan.yaml"), "--cluster", c.Cluster, "--state-dir", c.State]);
        string error = AssertRefusedInOneLine(merge);
        Assert.Contains($"the cluster at {c.Cluster}", error);
        Assert.Contains("requires TLS and this client has no certificate; give --tls-cert", error);
        Assert.False(Directory.Exists(project.File("out/DS2")));

        var status = c.Run(["status", "any-job", "--cluster", c.Cluster]);
        Assert.Contains("requires TLS and this client has no certificate", AssertRefusedInOneLine(status));
    }

    [Fact]
    public void AClientWithAnUntrustedCertificateIsRefusedWithOneLine()
    {
        var c = Ready();
        // Its own certificate, self-signed, trusted by nobody else (without --tls-ca: pinned to itself).
        string[] rogueTls = ["--tls-cert", c.Rogue.Certificate, "--tls-key", c.Rogue.Key];
        var rogue = c.Run(["status", "any-job", "--cluster", c.Cluster, .. rogueTls]);
        string error = AssertRefusedInOneLine(rogue);
        Assert.Matches("refused this client's certificate CN=rogue|which this client does not trust", error);
        // The same certificate with the cluster's CA: refused before it even tries.
        var withCa = c.Run(["status", "any-job", "--cluster", c.Cluster, .. rogueTls, "--tls-ca", c.Ca]);
        Assert.Contains("CN=rogue is not issued by the cluster CA", AssertRefusedInOneLine(withCa));
    }

    [Fact]
    public async Task ASiloWithoutOrWithAnUntrustedCertificateCannotJoin()
    {
        var c = Ready();
        string[] Serve(string name) => ["serve", "--cluster", c.Cluster, "--name", name, "--state-dir", c.State,
            "--silo-port", ServerProcess.FreePort().ToString(), "--gateway-port", ServerProcess.FreePort().ToString()];
        var plain = c.Run(Serve("silo-plain"));
        Assert.Contains("cannot join: the cluster at", AssertRefusedInOneLine(plain));
        Assert.Contains("requires TLS and this silo has no certificate", plain.Stderr);
        var rogue = c.Run([.. Serve("silo-rogue"), "--tls-cert", c.Rogue.Certificate, "--tls-key", c.Rogue.Key]);
        Assert.Matches("refused this silo's certificate CN=rogue|which this silo does not trust",
            AssertRefusedInOneLine(rogue));

        // And the silos' own ports, whoever asks: without a certificate or with an untrusted one, no connection.
        var (_, siloPort, gatewayPort, _) = c.Silos[0];
        var good = X509Certificate2.CreateFromPemFile(c.SiloPem.Certificate, c.SiloPem.Key);
        var stranger = X509Certificate2.CreateFromPemFile(c.Rogue.Certificate, c.Rogue.Key);
        foreach (int port in new[] { siloPort, gatewayPort })
        {
            Assert.False(await HandshakeAsync(port, null), $"port {port} accepted a peer without a certificate");
            Assert.False(await HandshakeAsync(port, stranger), $"port {port} accepted an untrusted certificate");
            Assert.True(await HandshakeAsync(port, good), $"port {port} refused the cluster's own certificate");
        }
        Assert.Equal(["silo-a", "silo-b"], c.Silos.Select(s => s.Name));   // the job below still runs on the good silos
    }

    [Fact]
    public void APlanOutsideTheDataRootIsRefusedBySiloWithOneLine()
    {
        var c = Ready();
        using var project = new TempDir(c.Data);
        using var elsewhere = new TempDir();
        var plan = MergeTestData.WritePlan(project, Path.Combine(elsewhere.Path, "merged"), micrographs: 2, size: 128);
        var merge = c.RunAsClient(["merge", project.File("plan.yaml"), "--cluster", c.Cluster, "--state-dir", c.State]);
        string error = AssertRefusedInOneLine(merge);
        Assert.StartsWith($"cryomerge: {plan.Output}: the output folder is outside the data roots of this cluster",
            error);
        Assert.False(Directory.Exists(Path.Combine(plan.Output, "DS2")));
        var stateFiles = Directory.GetFiles(c.State, "*.json", SearchOption.AllDirectories);
        Assert.DoesNotContain(stateFiles, f => File.ReadAllText(f).Contains(elsewhere.Path));
    }

    /// <summary>Exit code 1, one error line (others are progress notes) and no stack trace; returns the line.</summary>
    private string AssertRefusedInOneLine(Tool.Result result)
    {
        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}\n{result.Stderr}\n{cluster.SiloLog}");
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines,
            l => l.Contains("internal error") || l.TrimStart().StartsWith("at ") || l.Contains("Exception"));
        return Assert.Single(lines, l => l.StartsWith("cryomerge: ", StringComparison.Ordinal));
    }

    /// <summary>
    /// A TLS handshake with a silo port; true when the silo keeps the connection open afterwards (a .NET server judges
    /// the client's certificate once the handshake is done and closes the connection if it refuses it).
    /// </summary>
    private static async Task<bool> HandshakeAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        await using var tls = new SslStream(tcp.GetStream(), false,
            (_, _, _, _) => true, (_, _, _, _, _) => certificate!);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions(), timeout.Token);
            return !await Hosting.TlsRefusal.ClosedAfterHandshakeAsync(tls, TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return false;
        }
    }
}
