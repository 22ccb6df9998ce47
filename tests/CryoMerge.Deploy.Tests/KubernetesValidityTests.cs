using System.Text.Json.Nodes;
using CryoMerge.Tests;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// The rendered objects are valid Kubernetes objects: kubectl parses every one of them offline (no API server
/// here, so `kubectl label --local`), and each passes our schema check of the fields the chart uses.
/// </summary>
public sealed class KubernetesValidityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KubectlReadsEveryRenderedObject(bool nonDefault)
    {
        Requires.Program("kubectl", "kubernetes-client");
        var chart = nonDefault ? ChartRenderer.RenderNonDefault() : ChartRenderer.RenderDefault();
        using var dir = new TempDir();
        File.WriteAllText(dir.File("rendered.yaml"), chart.Yaml);
        var result = Tool.Run("kubectl", ["label", "--local", "-f", dir.File("rendered.yaml"),
            "cryomerge.test/checked=yes", "-o", "name"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var expected = chart.Objects.Select(o => $"{Resource(o)}/{o.Name}").ToList();
        Assert.Equal(expected, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryRenderedObjectMatchesTheKubernetesSchema(bool nonDefault)
    {
        var chart = nonDefault ? ChartRenderer.RenderNonDefault() : ChartRenderer.RenderDefault();
        Assert.Empty(chart.Objects.SelectMany(o => KubernetesSchema.Validate(o.Json)));
        Assert.Equal(chart.Objects.Count, chart.Objects.Select(o => $"{o.Kind}/{o.Name}").Distinct().Count());
    }

    [Fact]
    public void KubectlRefusesAnObjectWithoutKind()
    {
        Requires.Program("kubectl", "kubernetes-client");
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.yaml"), "apiVersion: v1\nmetadata:\n  name: x\n");
        var result = Tool.Run("kubectl", ["label", "--local", "-f", dir.File("bad.yaml"), "a=b", "-o", "name"]);
        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void TheSchemaCheckFindsTheMistakesKubectlOfflineLetsThrough()
    {
        var chart = ChartRenderer.RenderDefault();
        var deployment = (JsonObject)chart.Deployment.Json.DeepClone();
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        container["ports"]![0]!["containerPort"] = "11111";
        container["ports"]![1]!["name"] = "orleans-gateway-port";
        container["readinessprobe"] = container["readinessProbe"]!.DeepClone();
        container["env"]!.AsArray().Add(new JsonObject { ["name"] = "BAD-NAME", ["value"] = "1" });
        container["resources"]!["requests"]!["cpu"] = "two";
        deployment["spec"]!["strategy"]!["type"] = "Rolling";
        deployment["metadata"]!["labels"]!["app.kubernetes.io/version"] = "0.1.0+build/7";
        deployment["spec"]!.AsObject().Remove("selector");
        var errors = KubernetesSchema.Validate(deployment);
        string all = string.Join('\n', errors);
        Assert.Contains("containerPort: expected a port number", all);
        Assert.Contains("'orleans-gateway-port' is not a port name", all);
        Assert.Contains("unknown field 'readinessprobe'", all);
        Assert.Contains("'BAD-NAME' is not an environment variable name", all);
        Assert.Contains("cpu: 'two' is not a quantity", all);
        Assert.Contains("'Rolling' is not one of RollingUpdate, Recreate", all);
        Assert.Contains("label value '0.1.0+build/7'", all);
        Assert.Contains("required field 'selector' of DeploymentSpec is missing", all);
        Assert.Equal(8, errors.Count);
    }

    /// <summary>kubectl's resource name of a kind: "deployment.apps", "configmap",
    /// "role.rbac.authorization.k8s.io".</summary>
    private static string Resource(KubeObject o)
    {
        string group = o.ApiVersion.Contains('/') ? o.ApiVersion[..o.ApiVersion.IndexOf('/')] : "";
        string kind = o.Kind.ToLowerInvariant();
        return group.Length == 0 ? kind : $"{kind}.{group}";
    }
}
