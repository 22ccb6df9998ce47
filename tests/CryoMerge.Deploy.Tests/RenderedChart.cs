using System.Text.Json.Nodes;

namespace CryoMerge.Deploy.Tests;

/// <summary>One rendered Kubernetes object.</summary>
internal sealed record KubeObject(JsonObject Json)
{
    public string Kind => (string)Json["kind"]!;

    public string ApiVersion => (string)Json["apiVersion"]!;

    public string Name => (string)Json["metadata"]!["name"]!;

    public IReadOnlyDictionary<string, string> Labels => RenderedChart.StringMap(Json["metadata"]?["labels"]);

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>The output of chart-render as objects, with short-cuts to the silo and merge-Job containers.</summary>
internal sealed class RenderedChart
{
    public RenderedChart(string yaml)
    {
        Yaml = yaml;
        Objects = YamlJson.Documents(yaml).Select(o => new KubeObject(o)).ToList();
    }

    public string Yaml { get; }

    public IReadOnlyList<KubeObject> Objects { get; }

    public IReadOnlySet<string> Kinds => Objects.Select(o => o.Kind).ToHashSet();

    public KubeObject One(string kind) => Assert.Single(Objects, o => o.Kind == kind);

    public KubeObject One(string kind, string name) => Assert.Single(Objects, o => o.Kind == kind && o.Name == name);

    public KubeObject? Find(string kind) => Objects.SingleOrDefault(o => o.Kind == kind);

    public KubeObject Deployment => One("Deployment");

    public JsonObject SiloPod => Deployment.Json["spec"]!["template"]!.AsObject();

    public JsonObject SiloContainer => Assert.Single(SiloPod["spec"]!["containers"]!.AsArray())!.AsObject();

    public JsonObject JobPod => One("Job").Json["spec"]!["template"]!.AsObject();

    public JsonObject JobContainer => Assert.Single(JobPod["spec"]!["containers"]!.AsArray())!.AsObject();

    /// <summary>The container's env entries by name (a name given twice fails the test).</summary>
    public static Dictionary<string, JsonObject> Env(JsonObject container) =>
        (container["env"]?.AsArray() ?? []).Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!);

    /// <summary>Every variable the container gets: its env entries and the keys of the ConfigMaps in its
    /// envFrom.</summary>
    public Dictionary<string, string?> EnvironmentOf(JsonObject container)
    {
        var all = new Dictionary<string, string?>();
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            string configMap = (string)source!["configMapRef"]!["name"]!;
            foreach (var (key, value) in StringMap(One("ConfigMap", configMap).Json["data"]))
                Assert.True(all.TryAdd(key, value), $"{key} comes twice");
        }
        foreach (var (name, entry) in Env(container))
            Assert.True(all.TryAdd(name, (string?)entry["value"]), $"{name} is set twice (env and envFrom)");
        return all;
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node) =>
        node is null ? new Dictionary<string, string>() : node.AsObject().ToDictionary(p => p.Key,
        p => (string)p.Value!);
}
