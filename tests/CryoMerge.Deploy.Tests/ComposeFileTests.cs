using CryoMerge.Hosting;
using CryoMerge.Tests;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace CryoMerge.Deploy.Tests;

/// <summary>deploy/compose.yaml read as Compose reads it (with its &lt;&lt; merge keys), and the README that explains
/// it.</summary>
public sealed class ComposeFileTests
{
    private static Dictionary<object, object> Services()
    {
        using var reader = new StreamReader(Path.Combine(TestFiles.RepositoryRoot, "deploy", "compose.yaml"));
        var compose = (Dictionary<object,
            object>)new DeserializerBuilder().Build().Deserialize<object>(new MergingParser(new Parser(reader)))!;
        return (Dictionary<object, object>)compose["services"];
    }

    private static Dictionary<object, object> Map(object o, string key) => (Dictionary<object,
        object>)((Dictionary<object, object>)o)[key];

    private static List<string> List(object o, string key) => ((List<object>)((Dictionary<object,
        object>)o)[key]).Select(x => (string)x).ToList();

    [Fact]
    public void ThreeSilosJoinRedisShareOneVolumeAndExportToJaeger()
    {
        var services = Services();
        var silos = services.Keys.Cast<string>().Where(k => k.StartsWith("silo-")).Order().ToList();
        Assert.Equal(["silo-1", "silo-2", "silo-3"], silos);
        var volumes = new HashSet<string>();
        var names = new HashSet<string>();
        foreach (var name in silos.Append("client"))
        {
            var s = services[name];
            var env = Map(s, "environment").ToDictionary(p => (string)p.Key, p => (string)p.Value);
            Assert.Equal("redis://redis:6379", env["CRYOMERGE_CLUSTER"]);
            Assert.Equal("http://jaeger:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.StartsWith("/data/", env["CRYOMERGE_STATE_DIR"]);
            var volume = Assert.Single(List(s, "volumes"));
            Assert.EndsWith(":/data", volume);
            volumes.Add(volume);
            Assert.StartsWith("${CRYOMERGE_IMAGE:-cryomerge:", (string)((Dictionary<object, object>)s)["image"]);
            SiloEnvironmentTests.AssertEachIsRead(env.Keys);
            if (name == "client")
            {
                Assert.DoesNotContain("CRYOMERGE_LISTEN", env.Keys);
                continue;
            }
            // Each silo advertises its own container (by host name) and listens on the container's addresses only.
            Assert.Equal(["serve", "--advertise", name], List(s, "command"));
            Assert.Equal(name, (string)((Dictionary<object, object>)s)["hostname"]);
            Assert.Equal("0.0.0.0", env["CRYOMERGE_LISTEN"]);
            Assert.Equal("/data", env["CRYOMERGE_DATA_ROOT"]);
            Assert.False(((Dictionary<object, object>)s).ContainsKey("ports"), $"{name} publishes a port");
            Assert.True(names.Add(env["POD_NAME"]), "two silos with one name");
            var grace = TimeSpan.FromSeconds(int.Parse(((string)((Dictionary<object,
                object>)s)["stop_grace_period"]).TrimEnd('s')));
            Assert.True(grace > SiloHost.ShutdownTimeout);
            Assert.Contains("/30000", string.Join(' ', List(Map(s, "healthcheck"), "test")));
        }
        Assert.Single(volumes);

        Assert.StartsWith("redis:", (string)((Dictionary<object, object>)services["redis"])["image"]);
        var jaeger = (Dictionary<object, object>)services["jaeger"];
        Assert.StartsWith("jaegertracing/", (string)jaeger["image"]);
        Assert.Equal(["127.0.0.1:16686:16686"], List(jaeger, "ports"));
        Assert.False(((Dictionary<object, object>)services["redis"]).ContainsKey("ports"), "Redis is published");
        Assert.Contains("4317", List(jaeger, "expose"));
        Assert.Contains(List(jaeger, "command"), a => a.Contains("grpc.endpoint=0.0.0.0:4317"));
    }

    [Fact]
    public void EveryPublishedPortIsBoundToLoopback()
    {
        var published = Services()
            .SelectMany(p => ((Dictionary<object, object>)p.Value).TryGetValue("ports", out var ports)
                ? ((List<object>)ports).Select(x => (Service: (string)p.Key, Port: (string)x))
                : [])
            .ToList();
        Assert.NotEmpty(published);
        foreach (var (service, port) in published)
            Assert.True(port.StartsWith("127.0.0.1:", StringComparison.Ordinal), $"{service} publishes {port} widely");
    }

    [Fact]
    public void TheReadmeShowsHowToBuildStartAndRunAMergeOnTheCluster()
    {
        string readme = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "README.md"));
        int start = readme.IndexOf("## Run on a cluster", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no 'Run on a cluster' section");
        int end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        string section = end < 0 ? readme[start..] : readme[start..end];
        Assert.Contains("docker build -f deploy/Dockerfile", section);
        Assert.Contains("docker compose -f deploy/compose.yaml up", section);
        Assert.Contains("run --rm client merge /data/", section);
        Assert.Contains("helm install", section);
        Assert.Contains("16686", section);
    }
}
