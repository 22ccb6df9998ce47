using CryoMerge.Tests;

namespace CryoMerge.Deploy.Tests;

/// <summary>tools/chart-render behaves like `helm template` on small charts written by the tests.</summary>
public sealed class ChartRenderToolTests
{
    private static string WriteChart(TempDir dir, string values, params (string Name, string Text)[] templates)
    {
        string chart = Directory.CreateDirectory(dir.File("mini")).FullName;
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"),
            "apiVersion: v2\nname: mini\nversion: 1.2.3\nappVersion: \"4.5\"\n");
        File.WriteAllText(Path.Combine(chart, "values.yaml"), values);
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        foreach (var (name, text) in templates) File.WriteAllText(Path.Combine(chart, "templates", name), text);
        return chart;
    }

    private const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-{{ .Chart.Name }}
          namespace: {{ .Release.Namespace }}
        data:
        {{- range $k, $v := .Values.data }}
          {{ $k }}: {{ $v | quote }}
        {{- end }}
        """;

    [Fact]
    public void ValuesFilesMergeOverTheDefaultsAndNullDeletesAKey()
    {
        using var dir = new TempDir();
        string chart = WriteChart(dir, "data:\n  a: one\n  b: two\n  c: three\nother: {x: 1}\n", ("cm.yaml",
            ConfigMap));
        File.WriteAllText(dir.File("f1.yaml"), "data:\n  a: first\n  d: added\n");
        File.WriteAllText(dir.File("f2.yaml"), "data:\n  a: second\n  b: null\n");
        var result = ChartRenderer.Run(chart, "--name", "rel", "--namespace", "ns", "-f", dir.File("f1.yaml"), "-f",
            dir.File("f2.yaml"), "--set", "data.c=3");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var cm = Assert.Single(YamlJson.Documents(result.Stdout));
        Assert.Equal("rel-mini", (string)cm["metadata"]!["name"]!);
        Assert.Equal("ns", (string)cm["metadata"]!["namespace"]!);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "second", ["c"] = "3", ["d"] = "added" },
            RenderedChart.StringMap(cm["data"]));
        Assert.StartsWith("---\n# Source: mini/templates/cm.yaml\n", result.Stdout);
    }

    [Fact]
    public void IncludeTplToYamlFromYamlAndRequiredWorkAsInHelm()
    {
        using var dir = new TempDir();
        string chart = WriteChart(dir,
            "greeting: hello {{ .Release.Name }}\nlabels: {b: \"2\", a: \"true\"}\nlist: [x, y]\nname: n\n",
            ("_helpers.tpl",
            "{{- define \"mini.name\" -}}{{ .Chart.Name }}-{{ .Chart.Version }}-{{ .Chart.AppVersion }}{{- end }}"),
            ("cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ required "name is required" .Values.name }}
                  labels:
                    {{- toYaml .Values.labels | nindent 4 }}
                data:
                  chart: {{ include "mini.name" . | quote }}
                  greeting: {{ tpl .Values.greeting . | quote }}
                  list: {{ toYaml .Values.list | quote }}
                  parsed: {{ (fromYaml "k: [1, 2]").k | len | quote }}
                  kube: {{ .Capabilities.KubeVersion.Version | quote }}
                  policy: {{ .Capabilities.APIVersions.Has "policy/v1" | quote }}
                """),
            ("NOTES.txt", "not a manifest {{ .Release.Name }}"));
        var result = ChartRenderer.Run(chart, "--name", "rel");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var cm = Assert.Single(YamlJson.Documents(result.Stdout));
        var data = RenderedChart.StringMap(cm["data"]);
        Assert.Equal("mini-1.2.3-4.5", data["chart"]);
        Assert.Equal("hello rel", data["greeting"]);
        Assert.Equal("- x\n- y", data["list"]);
        Assert.Equal("2", data["parsed"]);
        Assert.Equal("v1.32.0", data["kube"]);
        Assert.Equal("true", data["policy"]);
        // toYaml sorts keys and quotes strings that would read as another type.
        Assert.Contains("  labels:\n    a: \"true\"\n    b: \"2\"\n", result.Stdout);
        Assert.DoesNotContain("not a manifest", result.Stdout);

        var missing = ChartRenderer.Run(chart, "--set", "name=");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("name is required", missing.Stderr);
    }

    [Fact]
    public void NumbersFromValuesAreFloatsAsInHelmSoMixedComparisonsFail()
    {
        // Helm reads values through JSON: replicas: 3 is a float64, and `gt .Values.replicas 1` is an error there too.
        using var dir = new TempDir();
        string chart = WriteChart(dir, "replicas: 3\n",
            ("cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  many: {{ gt .Values.replicas 1 | quote " +
            "}}\n"));
        var result = ChartRenderer.Run(chart);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("incompatible types for comparison", result.Stderr);

        File.WriteAllText(Path.Combine(chart, "templates", "cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  many: {{ gt (int .Values.replicas) 1 | " +
            "quote }}\n");
        var fixedResult = ChartRenderer.Run(chart);
        Assert.True(fixedResult.ExitCode == 0, fixedResult.Stderr);
    }

    [Fact]
    public void OutputIsSortedInHelmInstallOrderAndEmptyDocumentsAreDropped()
    {
        using var dir = new TempDir();
        string chart = WriteChart(dir, "on: false\n",
            ("a-deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"),
            ("b-multi.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n{{- if .Values.on }}\napiVersion: v1\nkind: " +
            "Secret\n{{- end }}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n"));
        var result = ChartRenderer.Run(chart);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["ServiceAccount", "Service", "Deployment"],
            YamlJson.Documents(result.Stdout).Select(d => (string)d["kind"]!));

        File.WriteAllText(Path.Combine(chart, "templates", "c-bad.yaml"),
            "apiVersion: v1\nmetadata:\n  name: no-kind\n");
        var bad = ChartRenderer.Run(chart);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("mini/templates/c-bad.yaml", bad.Stderr);
    }
}
