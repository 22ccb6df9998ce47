using CryoMerge.Grains;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// A membership store (a Redis server, or a PostgreSQL server with Orleans' tables) and silos on 127.0.0.1 with a
/// cluster identity and job store of their own. The cluster owns every process it starts (the store, silos, clients):
/// disposing it stops them all, silos and clients first, whatever the test did with its handles (a test may still
/// dispose or kill one itself).
/// </summary>
internal sealed class LoopbackCluster : IDisposable
{
    private readonly IDisposable _store;
    private readonly List<ServerProcess> _processes = [];
    private readonly TempDir _state = new();
    private readonly string _serviceId = "loopback-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, (int Silo, int Gateway)> _ports = [];
    private readonly string _workingDirectory;

    private LoopbackCluster(IDisposable store, string address, string workingDirectory)
    {
        _store = store;
        Address = address;
        _workingDirectory = workingDirectory;
    }

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");

    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    public string Address { get; }

    public string StateDirectory => _state.Path;

    private Dictionary<string, string> Environment => new()
    {
        ["ORLEANS_SERVICE_ID"] = _serviceId,
        ["ORLEANS_CLUSTER_ID"] = _serviceId,
        ["CRYOMERGE_MAX_CONCURRENT_ITEMS"] = "1",
    };

    /// <summary>A cluster on Redis membership and reminders.</summary>
    public static async Task<LoopbackCluster> StartAsync(string workingDirectory)
    {
        int port = ServerProcess.FreePort();
        var redis = new ServerProcess("redis-server",
            ["--bind", "127.0.0.1", "--port", port.ToString(), "--save", "", "--appendonly", "no"]);
        var cluster = new LoopbackCluster(redis, $"redis://127.0.0.1:{port}", workingDirectory);
        try
        {
            await redis.WaitForAsync("Ready to accept connections", Generous);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
        return cluster;
    }

    /// <summary>
    /// A cluster on PostgreSQL membership and reminders: a server of its own, with Orleans' clustering and reminders
    /// tables made by <see cref="OrleansPostgreSqlTables"/> (which says in the test's output which scripts it ran).
    /// </summary>
    public static async Task<LoopbackCluster> StartOnPostgreSqlAsync(string workingDirectory)
    {
        var postgres = await PostgreSqlServer.StartAsync();
        var cluster = new LoopbackCluster(postgres, postgres.Address, workingDirectory);
        try
        {
            await OrleansPostgreSqlTables.CreateAsync(postgres);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
        return cluster;
    }

    /// <summary>The membership store of a cluster on PostgreSQL (null on Redis), to look into.</summary>
    public PostgreSqlServer? PostgreSql => _store as PostgreSqlServer;

    /// <summary>The redis-server's process id (a cluster on Redis only).</summary>
    public int RedisId => ((ServerProcess)_store).Id;

    /// <summary>
    /// A silo with fast failure detection; started again under the same name it takes the same ports.
    /// </summary>
    public ServerProcess StartSilo(string name)
    {
        if (!_ports.TryGetValue(name, out var ports))
            _ports[name] = ports = (ServerProcess.FreePort(), ServerProcess.FreePort());
        return Own(new ServerProcess("dotnet",
            [Dll, "serve", "--cluster", Address, "--name", name, "--silo-port", ports.Silo.ToString(),
             "--gateway-port", ports.Gateway.ToString(), "--state-dir", StateDirectory, "--failover", "fast"],
            Environment, _workingDirectory));
    }

    public async Task<ServerProcess> StartSiloAsync(string name)
    {
        var silo = StartSilo(name);
        await silo.WaitForAsync("joined", Generous);
        return silo;
    }

    /// <summary>'merge PLAN --cluster --json', running on.</summary>
    public ServerProcess Merge(string plan) =>
        Own(new("dotnet", [Dll, "merge", plan, "--cluster", Address, "--json"], Environment, _workingDirectory));

    private ServerProcess Own(ServerProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>Another command against this cluster, to its end.</summary>
    public Tool.Result Run(params string[] arguments) =>
        Tool.Run("env",
            [.. Environment.Select(p => $"{p.Key}={p.Value}"), "dotnet", Dll, .. arguments,
             .. arguments.Contains("--cluster") ? [] : new[] { "--cluster", Address }],
            _workingDirectory, timeoutSeconds: 600);

    /// <summary>Waits until the job is in the job store: it was submitted and placed.</summary>
    public async Task WaitForJobAsync(ServerProcess client)
    {
        for (var deadline = DateTime.UtcNow + Generous; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (client.HasExited) throw new InvalidOperationException($"the client ended early:\n{client.Output}");
            if (JobStoreReader.Read(StateDirectory).Count > 0) return;
        }
        throw new TimeoutException($"the job was not submitted:\n{client.Output}");
    }

    /// <summary>
    /// Waits, reading only the job store, until the extraction stage has this many items done (and not all).
    /// </summary>
    public async Task<StoredJob> WaitForExtractionAsync(ServerProcess client, int minimumDone)
    {
        int? extractIndex = null;   // the stages before extraction vary with the plan: learn its index when seen
        for (var deadline = DateTime.UtcNow + Generous; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (client.HasExited) throw new InvalidOperationException($"the client ended early:\n{client.Output}");
            if (JobStoreReader.Read(StateDirectory).SingleOrDefault() is not { } job) continue;
            if (job.State.StageName == "extract") extractIndex ??= job.State.StageIndex;
            if (job.State.StageName == "extract" && job.ItemsDone >= minimumDone)
            {
                Assert.True(job.ItemsDone < job.State.StageItemsTotal,
                    "the extraction ended before a silo could be killed");
                return job;
            }
            Assert.True(extractIndex is not { } e || job.State.StageIndex <= e,
                $"the job passed its extraction stage: {job.State.StageName}");
        }
        throw new TimeoutException($"the job did not reach its extraction:\n{client.Output}");
    }

    public void Dispose()
    {
        try
        {
            foreach (var process in Enumerable.Reverse(_processes)) process.Dispose();   // a second Dispose is a no-op
            _store.Dispose();
        }
        finally
        {
            _state.Dispose();
        }
    }
}
