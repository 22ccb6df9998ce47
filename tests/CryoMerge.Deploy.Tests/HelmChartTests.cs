using System.Text.Json.Nodes;
using CryoMerge.Hosting;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// helm/cryomerge rendered with the default values and with values/nondefault.yaml (PostgreSQL membership with a
/// password Secret, Kubernetes hosting, the merge Job, five replicas, other ports, an existing claim).
/// </summary>
public sealed class HelmChartTests
{
    [Fact]
    public void DefaultValuesRenderRedisSilosWithoutRbacOrJob()
    {
        var chart = ChartRenderer.RenderDefault();
        Assert.Equal(["ConfigMap", "Deployment", "PersistentVolumeClaim", "PodDisruptionBudget", "Service"],
            chart.Kinds.Order());
        Assert.Equal(3, (int)chart.Deployment.Json["spec"]!["replicas"]!);
        var config = RenderedChart.StringMap(chart.One("ConfigMap").Json["data"]);
        Assert.Equal("redis://redis:6379", config["CRYOMERGE_CLUSTER"]);
        Assert.Equal("/data/.cryomerge-state", config["CRYOMERGE_STATE_DIR"]);
        Assert.False(config.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var pod = chart.SiloPod["spec"]!;
        Assert.Equal("default", (string)pod["serviceAccountName"]!);
        Assert.False((bool)pod["automountServiceAccountToken"]!);
        Assert.DoesNotContain(chart.SiloPod["metadata"]!["labels"]!.AsObject(), l => l.Key.StartsWith("orleans/"));
        Assert.DoesNotContain("CRYOMERGE_KUBERNETES_HOSTING", RenderedChart.Env(chart.SiloContainer).Keys);
        Assert.DoesNotContain("CRYOMERGE_CLUSTER_PASSWORD", RenderedChart.Env(chart.SiloContainer).Keys);
        // Silos listen on the pod IP only, and refuse plans outside the shared volume; no TLS unless a Secret is named.
        var env = RenderedChart.Env(chart.SiloContainer);
        Assert.Equal("$(POD_IP)", (string)env["CRYOMERGE_LISTEN"]["value"]!);
        var order = env.Keys.ToList();
        Assert.True(order.IndexOf("POD_IP") < order.IndexOf("CRYOMERGE_LISTEN"), "$(POD_IP) must be defined first");
        Assert.Equal("/data", (string)env["CRYOMERGE_DATA_ROOT"]["value"]!);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("CRYOMERGE_TLS_", StringComparison.Ordinal));
        Assert.DoesNotContain(chart.SiloPod["spec"]!["volumes"]!.AsArray(), v => v!["secret"] is not null);
        var claim = chart.One("PersistentVolumeClaim").Json;
        Assert.Equal(["ReadWriteMany"], claim["spec"]!["accessModes"]!.AsArray().Select(m => (string)m!));
        Assert.Equal("keep", (string)claim["metadata"]!["annotations"]!["helm.sh/resource-policy"]!);
    }

    [Fact]
    public void NonDefaultValuesRenderPostgresKubernetesHostingAndTheMergeJob()
    {
        var chart = ChartRenderer.RenderNonDefault();
        Assert.Equal(["ConfigMap", "ConfigMap", "Deployment", "Job", "NetworkPolicy", "PodDisruptionBudget", "Role",
            "RoleBinding", "Service", "ServiceAccount"],
            chart.Objects.Select(o => o.Kind).Order());
        Assert.Null(chart.Find("PersistentVolumeClaim"));
        Assert.Equal(5, (int)chart.Deployment.Json["spec"]!["replicas"]!);
        var config = RenderedChart.StringMap(chart.One("ConfigMap", "cryo-cryomerge").Json["data"]);
        Assert.Equal("postgres://cryo@pg.db.svc:5433/orleans", config["CRYOMERGE_CLUSTER"]);
        Assert.Equal("http://jaeger-collector.observability:4317", config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.DoesNotContain(config.Values, v => v.Contains("pw", StringComparison.Ordinal));

        // The password comes from the Secret, in silos and Job alike.
        foreach (var container in new[] { chart.SiloContainer, chart.JobContainer })
        {
            var secret = RenderedChart.Env(container)["CRYOMERGE_CLUSTER_PASSWORD"]["valueFrom"]!["secretKeyRef"]!;
            Assert.Equal(("cryomerge-db", "pw"), ((string)secret["name"]!, (string)secret["key"]!));
        }

        // Kubernetes hosting: own account with its token, the Role it needs, bound to that account, and the labels it
        // selects on.
        var account = chart.One("ServiceAccount");
        var pod = chart.SiloPod["spec"]!;
        Assert.Equal(account.Name, (string)pod["serviceAccountName"]!);
        Assert.True((bool)pod["automountServiceAccountToken"]!);
        var rule = Assert.Single(chart.One("Role").Json["rules"]!.AsArray())!;
        Assert.Equal([""], rule["apiGroups"]!.AsArray().Select(g => (string)g!));
        Assert.Equal(["pods"], rule["resources"]!.AsArray().Select(g => (string)g!));
        Assert.Equal(["get", "list", "patch", "watch"], rule["verbs"]!.AsArray().Select(g => (string)g!).Order());
        var binding = chart.One("RoleBinding").Json;
        Assert.Equal(("Role", chart.One("Role").Name), ((string)binding["roleRef"]!["kind"]!,
            (string)binding["roleRef"]!["name"]!));
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal(("ServiceAccount", account.Name, "em"), ((string)subject["kind"]!, (string)subject["name"]!,
            (string)subject["namespace"]!));
        var podLabels = chart.SiloPod["metadata"]!["labels"]!;
        Assert.Equal(config["ORLEANS_SERVICE_ID"], (string)podLabels["orleans/serviceId"]!);
        Assert.Equal(config["ORLEANS_CLUSTER_ID"], (string)podLabels["orleans/clusterId"]!);
        Assert.Equal(("merge-svc", "merge-blue"), (config["ORLEANS_SERVICE_ID"], config["ORLEANS_CLUSTER_ID"]));
        Assert.Equal("true", (string)RenderedChart.Env(chart.SiloContainer)["CRYOMERGE_KUBERNETES_HOSTING"]["value"]!);

        // The Job submits the plan from its ConfigMap to the same cluster, waits for silos that start with it
        // (--silo-wait, 120 s by default), and never gets an API token.
        var job = chart.JobContainer;
        Assert.Equal(["merge", "/etc/cryomerge/plan.yaml", "--cluster", config["CRYOMERGE_CLUSTER"], "--silo-wait",
            "120", "--restart"],
            job["args"]!.AsArray().Select(a => (string)a!));
        Assert.Equal("Never", (string)chart.JobPod["spec"]!["restartPolicy"]!);
        Assert.False((bool)chart.JobPod["spec"]!["automountServiceAccountToken"]!);
        var planMap = RenderedChart.StringMap(chart.One("ConfigMap", "cryo-cryomerge-plan").Json["data"]);
        Assert.Contains("output: /facility/cryo/merged", planMap["plan.yaml"]);
        var planVolume = chart.JobPod["spec"]!["volumes"]!.AsArray().Single(v => (string)v!["name"]! == "plan")!;
        Assert.Equal("cryo-cryomerge-plan", (string)planVolume["configMap"]!["name"]!);
    }

    [Fact]
    public void TheTlsCertificateComesFromTheSecretInSilosAndTheJob()
    {
        var chart = ChartRenderer.RenderNonDefault();
        var pods = new[] { (chart.SiloPod, chart.SiloContainer), (chart.JobPod, chart.JobContainer) };
        foreach (var (pod, container) in pods)
        {
            var volume = pod["spec"]!["volumes"]!.AsArray().Single(v => v!["secret"] is not null)!;
            Assert.Equal("cryo-tls", (string)volume["secret"]!["secretName"]!);
            Assert.Equal(Convert.ToInt32("440", 8), (int)volume["secret"]!["defaultMode"]!);
            string name = (string)volume["name"]!;
            var mount = container["volumeMounts"]!.AsArray().Single(m => (string)m!["name"]! == name)!;
            Assert.True((bool)mount["readOnly"]!);
            string dir = (string)mount["mountPath"]!;
            var env = RenderedChart.Env(container);
            Assert.Equal($"{dir}/tls.crt", (string)env["CRYOMERGE_TLS_CERT"]["value"]!);
            Assert.Equal($"{dir}/tls.key", (string)env["CRYOMERGE_TLS_KEY"]["value"]!);
            Assert.Equal($"{dir}/ca.crt", (string)env["CRYOMERGE_TLS_CA"]["value"]!);
            var password = env["CRYOMERGE_TLS_PASSWORD"]["valueFrom"]!["secretKeyRef"]!;
            Assert.Equal(("cryo-tls-key", "pass"), ((string)password["name"]!, (string)password["key"]!));
        }
        Assert.Equal("0.0.0.0", (string)RenderedChart.Env(chart.SiloContainer)["CRYOMERGE_LISTEN"]["value"]!);
        Assert.Equal("/facility/cryo", (string)RenderedChart.Env(chart.SiloContainer)["CRYOMERGE_DATA_ROOT"]["value"]!);
        // The Job is a client: it neither listens nor checks plans.
        Assert.DoesNotContain("CRYOMERGE_LISTEN", RenderedChart.Env(chart.JobContainer).Keys);
    }

    [Fact]
    public void TheNetworkPolicyAdmitsOnlySilosTheJobAndListedPeers()
    {
        var chart = ChartRenderer.RenderNonDefault();
        var spec = chart.One("NetworkPolicy").Json["spec"]!;
        var siloSelector = RenderedChart.StringMap(chart.Deployment.Json["spec"]!["selector"]!["matchLabels"]);
        Assert.Equal(siloSelector, RenderedChart.StringMap(spec["podSelector"]!["matchLabels"]));
        Assert.Equal(["Ingress"], spec["policyTypes"]!.AsArray().Select(p => (string)p!));
        var rules = spec["ingress"]!.AsArray().Select(r => (
            From: r!["from"]!.AsArray().Select(f => f!).ToList(),
            Ports: r["ports"]!.AsArray().Select(p => (int)p!["port"]!).Order().ToList())).ToList();
        Assert.Equal(2, rules.Count);
        // Silo pods reach both ports.
        var silos = Assert.Single(rules, r => r.Ports.SequenceEqual([12111, 31000]));
        Assert.Equal(siloSelector, RenderedChart.StringMap(Assert.Single(silos.From)["podSelector"]!["matchLabels"]));
        // The gateway admits the merge Job's pods and the listed namespace, nothing else.
        var clients = Assert.Single(rules, r => r.Ports.SequenceEqual([31000]));
        var jobLabels = RenderedChart.StringMap(chart.JobPod["metadata"]!["labels"]);
        var jobPeer = RenderedChart.StringMap(clients.From[0]["podSelector"]!["matchLabels"]);
        Assert.All(jobPeer, l => Assert.Equal(l.Value, jobLabels[l.Key]));
        Assert.NotEqual(siloSelector, jobPeer);
        var namespaceLabels = RenderedChart.StringMap(clients.From[1]["namespaceSelector"]!["matchLabels"]);
        Assert.Equal("em-users", namespaceLabels["kubernetes.io/metadata.name"]);
        Assert.Equal(2, clients.From.Count);
        Assert.Null(ChartRenderer.RenderDefault().Find("NetworkPolicy"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ObjectsCarryTheRecommendedLabelsAndSelectorsPickOnlySiloPods(bool nonDefault)
    {
        var chart = nonDefault ? ChartRenderer.RenderNonDefault() : ChartRenderer.RenderDefault();
        foreach (var o in chart.Objects)
        {
            Assert.Equal("cryomerge", o.Labels["app.kubernetes.io/name"]);
            Assert.Equal("cryo", o.Labels["app.kubernetes.io/instance"]);
            Assert.Equal("0.1.0", o.Labels["app.kubernetes.io/version"]);
            Assert.Equal("Helm", o.Labels["app.kubernetes.io/managed-by"]);
            Assert.Contains(o.Labels["app.kubernetes.io/component"], new[] { "silo", "merge", "config", "data" });
        }
        var siloPodLabels = RenderedChart.StringMap(chart.SiloPod["metadata"]!["labels"]);
        Assert.Equal("silo", siloPodLabels["app.kubernetes.io/component"]);
        var selector = RenderedChart.StringMap(chart.Deployment.Json["spec"]!["selector"]!["matchLabels"]);
        Assert.Equal(3, selector.Count);
        Assert.All(selector, l => Assert.Equal(l.Value, siloPodLabels[l.Key]));
        Assert.Equal(selector, RenderedChart.StringMap(chart.One("Service").Json["spec"]!["selector"]));
        Assert.Equal(selector,
            RenderedChart.StringMap(chart.One("PodDisruptionBudget").Json["spec"]!["selector"]!["matchLabels"]));
        var spread = Assert.Single(chart.SiloPod["spec"]!["topologySpreadConstraints"]!.AsArray())!;
        Assert.Equal(selector, RenderedChart.StringMap(spread["labelSelector"]!["matchLabels"]));
        if (nonDefault)
        {
            // The silo selector must not pick up the merge Job's pod.
            var jobLabels = RenderedChart.StringMap(chart.JobPod["metadata"]!["labels"]);
            Assert.False(selector.All(l => jobLabels.TryGetValue(l.Key, out var v) && v == l.Value));
        }
    }

    [Theory]
    [InlineData(false, 11111, 30000)]
    [InlineData(true, 12111, 31000)]
    public void PortsProbesAndDownwardApiFollowTheValues(bool nonDefault, int siloPort, int gatewayPort)
    {
        var chart = nonDefault ? ChartRenderer.RenderNonDefault() : ChartRenderer.RenderDefault();
        var c = chart.SiloContainer;
        var ports = c["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (int)p!["containerPort"]!);
        Assert.Equal(new Dictionary<string, int> { ["silo"] = siloPort, ["gateway"] = gatewayPort }, ports);
        var env = RenderedChart.Env(c);
        Assert.Equal(siloPort.ToString(), (string)env["CRYOMERGE_SILO_PORT"]["value"]!);
        Assert.Equal(gatewayPort.ToString(), (string)env["CRYOMERGE_GATEWAY_PORT"]["value"]!);
        Assert.Equal("metadata.name", (string)env["POD_NAME"]["valueFrom"]!["fieldRef"]!["fieldPath"]!);
        Assert.Equal("metadata.namespace", (string)env["POD_NAMESPACE"]["valueFrom"]!["fieldRef"]!["fieldPath"]!);
        Assert.Equal("status.podIP", (string)env["POD_IP"]["valueFrom"]!["fieldRef"]!["fieldPath"]!);
        Assert.Equal(["serve"], c["args"]!.AsArray().Select(a => (string)a!));

        // Ready once the gateway accepts clients (after the silo joined); alive while the silo port answers.
        Assert.Equal("gateway", (string)c["readinessProbe"]!["tcpSocket"]!["port"]!);
        Assert.Equal("silo", (string)c["livenessProbe"]!["tcpSocket"]!["port"]!);
        Assert.Equal("silo", (string)c["startupProbe"]!["tcpSocket"]!["port"]!);
        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
            Assert.True((int)c[probe]!["periodSeconds"]! > 0 && (int)c[probe]!["failureThreshold"]! > 0, probe);

        var servicePort = Assert.Single(chart.One("Service").Json["spec"]!["ports"]!.AsArray())!;
        Assert.Equal((gatewayPort, "gateway"), ((int)servicePort["port"]!, (string)servicePort["targetPort"]!));
    }

    [Theory]
    [InlineData(false, "2")]
    [InlineData(true, "2")]
    public void SilosRequestCpuWithoutALimitAndOutliveTheirShutdownTimeout(bool nonDefault, string processors)
    {
        var chart = nonDefault ? ChartRenderer.RenderNonDefault() : ChartRenderer.RenderDefault();
        var resources = chart.SiloContainer["resources"]!;
        Assert.NotNull(resources["requests"]!["cpu"]);
        Assert.NotNull(resources["requests"]!["memory"]);
        Assert.NotNull(resources["limits"]!["memory"]);
        Assert.Null(resources["limits"]!["cpu"]);
        // "2" and "1500m" both become two processors for .NET (and so two work items by default).
        Assert.Equal(processors, (string)RenderedChart.Env(chart.SiloContainer)["DOTNET_PROCESSOR_COUNT"]["value"]!);
        int grace = (int)chart.SiloPod["spec"]!["terminationGracePeriodSeconds"]!;
        Assert.True(grace > SiloHost.ShutdownTimeout.TotalSeconds,
            $"grace period {grace} s is not longer than {SiloHost.ShutdownTimeout}");
        var rolling = chart.Deployment.Json["spec"]!["strategy"]!["rollingUpdate"]!;
        Assert.Equal((0, 1), ((int)rolling["maxUnavailable"]!, (int)rolling["maxSurge"]!));
        Assert.True((bool)chart.SiloContainer["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.True((bool)chart.SiloPod["spec"]!["securityContext"]!["runAsNonRoot"]!);
    }

    [Theory]
    [InlineData(false, "/data", "cryo-cryomerge-data")]
    [InlineData(true, "/facility/cryo", "cryo-share")]
    public void EveryPodMountsTheSharedVolumeAtTheSamePath(bool nonDefault, string mountPath, string claim)
    {
        var chart = nonDefault ? ChartRenderer.RenderNonDefault() : ChartRenderer.RenderDefault();
        var pods = new List<(JsonObject Pod, JsonObject Container)> { (chart.SiloPod, chart.SiloContainer) };
        if (nonDefault) pods.Add((chart.JobPod, chart.JobContainer));
        foreach (var (pod, container) in pods)
        {
            var volume = pod["spec"]!["volumes"]!.AsArray().Single(v => v!["persistentVolumeClaim"] is not null)!;
            Assert.Equal(claim, (string)volume["persistentVolumeClaim"]!["claimName"]!);
            var mount = container["volumeMounts"]!.AsArray().Single(m => (string)m!["name"]!
                == (string)volume["name"]!)!;
            Assert.Equal(mountPath, (string)mount["mountPath"]!);
        }
        string stateDir = RenderedChart.StringMap(chart.One("ConfigMap",
            "cryo-cryomerge").Json["data"])["CRYOMERGE_STATE_DIR"];
        Assert.StartsWith(mountPath + "/", stateDir);
    }

    [Theory]
    [InlineData("silo.terminationGracePeriodSeconds=45", "longer than the silo's 45 s shutdown timeout")]
    [InlineData("membership.provider=etcd", "membership.provider must be redis or postgres")]
    [InlineData("job.enabled=true", "job.enabled needs job.plan")]
    [InlineData("membership.redis.host=", "membership.redis.host is required")]
    public void ValuesThatCannotWorkAreRefusedWithTheReason(string set, string message)
    {
        var result = ChartRenderer.Run(ChartRenderer.ChartDirectory, "--set", set);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.Empty(result.Stdout);
    }
}
