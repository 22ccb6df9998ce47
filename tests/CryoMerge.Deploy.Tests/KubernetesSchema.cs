using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// The part of the Kubernetes API schema (core/v1, apps/v1, batch/v1, policy/v1, rbac/v1) that our chart uses,
/// checked offline: unknown fields (a misspelt readinessProbe is silently dropped by a lenient apply), field
/// types (containerPort 8080, not "8080"), required fields, enumerations and the name rules of the API server
/// (DNS labels, port names, label keys and values, quantities, environment variable names).
/// A field's type: string, int, bool, intOrString, quantity, map (string to string), labels, any, a type
/// below, or one of these as a list ("[]Container"); "!" marks a required field.
/// </summary>
internal static partial class KubernetesSchema
{
    private static readonly Dictionary<string, string> ApiVersions = new()
    {
        ["ConfigMap"] = "v1", ["Service"] = "v1", ["PersistentVolumeClaim"] = "v1", ["ServiceAccount"] = "v1",
        ["Deployment"] = "apps/v1", ["Job"] = "batch/v1", ["PodDisruptionBudget"] = "policy/v1",
        ["Role"] = "rbac.authorization.k8s.io/v1", ["RoleBinding"] = "rbac.authorization.k8s.io/v1",
        ["NetworkPolicy"] = "networking.k8s.io/v1",
    };

    private const string Top = "apiVersion:!string kind:!string metadata:!ObjectMeta";

    private static readonly Dictionary<string, string> Types = new()
    {
        ["ObjectMeta"] = "name:!dnsSubdomain namespace:dnsLabel labels:labels annotations:map",
        ["ConfigMap"] = $"{Top} data:map binaryData:map immutable:bool",
        ["Service"] = $"{Top} spec:!ServiceSpec",
        ["ServiceSpec"]
        = "type:enum(ClusterIP|NodePort|LoadBalancer|ExternalName) clusterIP:string selector:labels " +
        "ports:[]ServicePort publishNotReadyAddresses:bool sessionAffinity:string",
        ["ServicePort"]
        = "name:portName port:!port targetPort:intOrString protocol:enum(TCP|UDP|SCTP) nodePort:port " +
        "appProtocol:string",
        ["PersistentVolumeClaim"] = $"{Top} spec:!PvcSpec",
        ["PvcSpec"]
        = "accessModes:!enumList(ReadWriteOnce|ReadOnlyMany|ReadWriteMany|ReadWriteOncePod) storageClassName:string " +
        "resources:!PvcResources volumeMode:enum(Filesystem|Block) volumeName:string selector:LabelSelector",
        ["PvcResources"] = "requests:!quantities limits:quantities",
        ["ServiceAccount"] = $"{Top} automountServiceAccountToken:bool imagePullSecrets:[]LocalObjectReference",
        ["Role"] = $"{Top} rules:[]PolicyRule",
        ["PolicyRule"] =
        "apiGroups:[]string resources:[]string verbs:![]string resourceNames:[]string nonResourceURLs:[]string",
        ["RoleBinding"] = $"{Top} roleRef:!RoleRef subjects:[]Subject",
        ["RoleRef"] = "apiGroup:!string kind:!enum(Role|ClusterRole) name:!string",
        ["Subject"] = "kind:!enum(ServiceAccount|User|Group) name:!string namespace:string apiGroup:string",
        ["PodDisruptionBudget"] = $"{Top} spec:!PdbSpec",
        ["PdbSpec"]
        = "minAvailable:intOrString maxUnavailable:intOrString selector:LabelSelector " +
        "unhealthyPodEvictionPolicy:enum(IfHealthyBudget|AlwaysAllow)",
        ["Deployment"] = $"{Top} spec:!DeploymentSpec",
        ["DeploymentSpec"]
        = "replicas:int minReadySeconds:int revisionHistoryLimit:int progressDeadlineSeconds:int paused:bool " +
        "strategy:DeploymentStrategy selector:!LabelSelector template:!PodTemplateSpec",
        ["DeploymentStrategy"] = "type:enum(RollingUpdate|Recreate) rollingUpdate:RollingUpdate",
        ["RollingUpdate"] = "maxUnavailable:intOrString maxSurge:intOrString",
        ["Job"] = $"{Top} spec:!JobSpec",
        ["JobSpec"]
        = "backoffLimit:int ttlSecondsAfterFinished:int activeDeadlineSeconds:int completions:int parallelism:int " +
        "template:!PodTemplateSpec",
        ["LabelSelector"] = "matchLabels:labels matchExpressions:[]LabelSelectorRequirement",
        ["LabelSelectorRequirement"] = "key:!string operator:!enum(In|NotIn|Exists|DoesNotExist) values:[]string",
        ["PodTemplateSpec"] = "metadata:PodMeta spec:!PodSpec",
        ["PodMeta"] = "labels:labels annotations:map",
        ["PodSpec"]
        = "containers:![]Container initContainers:[]Container volumes:[]Volume serviceAccountName:dnsSubdomain " +
        "automountServiceAccountToken:bool enableServiceLinks:bool terminationGracePeriodSeconds:int " +
        "securityContext:PodSecurityContext imagePullSecrets:[]LocalObjectReference " +
        "restartPolicy:enum(Always|OnFailure|Never) nodeSelector:map tolerations:[]Toleration affinity:any " +
        "topologySpreadConstraints:[]TopologySpreadConstraint priorityClassName:string",
        ["Container"]
        = "name:!dnsLabel image:!string imagePullPolicy:enum(Always|IfNotPresent|Never) command:[]string " +
        "args:[]string workingDir:string ports:[]ContainerPort env:[]EnvVar envFrom:[]EnvFromSource " +
        "resources:Resources volumeMounts:[]VolumeMount startupProbe:Probe readinessProbe:Probe livenessProbe:Probe " +
        "securityContext:SecurityContext",
        ["ContainerPort"] = "name:portName containerPort:!port protocol:enum(TCP|UDP|SCTP) hostPort:port",
        ["EnvVar"] = "name:!envName value:string valueFrom:EnvVarSource",
        ["EnvVarSource"] = "fieldRef:FieldRef secretKeyRef:KeyRef configMapKeyRef:KeyRef resourceFieldRef:any",
        ["FieldRef"] = "fieldPath:!string apiVersion:string",
        ["KeyRef"] = "name:!dnsSubdomain key:!string optional:bool",
        ["EnvFromSource"] = "configMapRef:NameRef secretRef:NameRef prefix:string",
        ["NameRef"] = "name:!dnsSubdomain optional:bool",
        ["Resources"] = "requests:quantities limits:quantities",
        ["VolumeMount"] = "name:!dnsLabel mountPath:!string readOnly:bool subPath:string",
        ["Probe"] =
        "tcpSocket:TcpSocket httpGet:any exec:any grpc:any initialDelaySeconds:int periodSeconds:int " +
        "timeoutSeconds:int failureThreshold:int successThreshold:int terminationGracePeriodSeconds:int",
        ["TcpSocket"] = "port:!intOrString host:string",
        ["SecurityContext"]
        = "allowPrivilegeEscalation:bool readOnlyRootFilesystem:bool runAsNonRoot:bool runAsUser:int runAsGroup:int " +
        "privileged:bool capabilities:Capabilities seccompProfile:SeccompProfile",
        ["Capabilities"] = "add:[]string drop:[]string",
        ["PodSecurityContext"]
        = "runAsNonRoot:bool runAsUser:int runAsGroup:int fsGroup:int " +
        "fsGroupChangePolicy:enum(OnRootMismatch|Always) supplementalGroups:[]int seccompProfile:SeccompProfile",
        ["SeccompProfile"] = "type:!enum(RuntimeDefault|Localhost|Unconfined) localhostProfile:string",
        ["LocalObjectReference"] = "name:!dnsSubdomain",
        ["Volume"] = "name:!dnsLabel persistentVolumeClaim:PvcSource emptyDir:EmptyDir configMap:ConfigMapSource " +
            "secret:SecretSource",
        ["SecretSource"] = "secretName:!dnsSubdomain items:any defaultMode:int optional:bool",
        ["NetworkPolicy"] = $"{Top} spec:!NetworkPolicySpec",
        ["NetworkPolicySpec"] = "podSelector:!LabelSelector policyTypes:enumList(Ingress|Egress) " +
            "ingress:[]NetworkPolicyIngressRule egress:any",
        ["NetworkPolicyIngressRule"] = "from:[]NetworkPolicyPeer ports:[]NetworkPolicyPort",
        ["NetworkPolicyPeer"] = "podSelector:LabelSelector namespaceSelector:LabelSelector ipBlock:IPBlock",
        ["NetworkPolicyPort"] = "protocol:enum(TCP|UDP|SCTP) port:intOrString endPort:port",
        ["IPBlock"] = "cidr:!string except:[]string",
        ["PvcSource"] = "claimName:!dnsSubdomain readOnly:bool",
        ["EmptyDir"] = "medium:string sizeLimit:quantity",
        ["ConfigMapSource"] = "name:!dnsSubdomain items:any defaultMode:int optional:bool",
        ["Toleration"] = "key:string operator:enum(Exists|Equal) value:string effect:string tolerationSeconds:int",
        ["TopologySpreadConstraint"]
        = "maxSkew:!int topologyKey:!string whenUnsatisfiable:!enum(DoNotSchedule|ScheduleAnyway) " +
        "labelSelector:LabelSelector minDomains:int",
    };

    /// <summary>Every problem of one object, each with its path (e.g. "Deployment/x: spec.replicas: expected
    /// int").</summary>
    public static List<string> Validate(JsonObject obj)
    {
        var errors = new List<string>();
        string kind = (string?)obj["kind"] ?? "";
        if (!ApiVersions.TryGetValue(kind, out var apiVersion))
        {
            errors.Add($"kind '{kind}' is not one the chart should render");
            return errors;
        }
        if ((string?)obj["apiVersion"]
            != apiVersion) errors.Add($"{kind}: apiVersion must be {apiVersion}, not {obj["apiVersion"]}");
        Check(obj, kind, $"{kind}/{obj["metadata"]?["name"]}", errors);
        return errors;
    }

    private static void Check(JsonNode? node, string type, string path, List<string> errors)
    {
        void Fail(string problem) => errors.Add($"{path}: {problem}");
        if (type.StartsWith("[]", StringComparison.Ordinal))
        {
            if (node is not JsonArray list) { Fail($"expected a list of {type[2..]}"); return; }
            for (int i = 0; i < list.Count; i++) Check(list[i], type[2..], $"{path}[{i}]", errors);
            return;
        }
        if (Types.TryGetValue(type, out var fields))
        {
            if (node is not JsonObject o) { Fail($"expected a {type} object"); return; }
            var known = Fields(fields);
            foreach (var (name, value) in o)
                if (!known.TryGetValue(name, out var f)) Fail($"unknown field '{name}' in {type}");
                else Check(value, f.Type, $"{path}.{name}", errors);
            foreach (var (name, f) in known)
                if (f.Required && !o.ContainsKey(name)) Fail($"required field '{name}' of {type} is missing");
            return;
        }
        CheckScalar(node, type, Fail);
    }

    private static void CheckScalar(JsonNode? node, string type, Action<string> fail)
    {
        string? text = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string?)v : null;
        bool isInt = node is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue(out long _);
        switch (type)
        {
            case "any": break;
            case "bool": if (node?.GetValueKind() is not (JsonValueKind.True
                or JsonValueKind.False)) fail("expected true or false"); break;
            case "int": if (!isInt) fail($"expected a whole number, not {node?.ToJsonString()}"); break;
            case "port": if (!isInt || (long)node! is < 1 or
                > 65535) fail($"expected a port number 1-65535, not {node?.ToJsonString()}"); break;
            case "intOrString": if (!isInt && text is null) fail("expected a number or a name"); break;
            case "quantity": if (text is null && !isInt || text is not null
                && !Quantity().IsMatch(text)) fail($"'{node}' is not a quantity"); break;
            case "quantities": CheckMap(node, (k,
                val) => { if (!Quantity().IsMatch(val)) fail($"{k}: '{val}' is not a quantity"); }, fail,
                numbersAllowed: true); break;
            case "map": CheckMap(node, (_, _) => { }, fail); break;
            case "labels": CheckMap(node, (k, val) => CheckLabel(k, val, fail), fail); break;
            case "dnsLabel": if (text is null || !DnsLabel().IsMatch(text) || text.Length
                > 63) fail($"'{node}' is not a DNS-1123 label"); break;
            case "dnsSubdomain": if (text is null || !DnsSubdomain().IsMatch(text) || text.Length
                > 253) fail($"'{node}' is not a DNS-1123 subdomain"); break;
            case "portName": if (text is null || text.Length > 15 || !DnsLabel().IsMatch(text)
                || !text.Any(char.IsLetter)) fail($"'{node}' is not a port name (IANA_SVC_NAME)"); break;
            case "envName": if (text is null
                || !EnvName().IsMatch(text)) fail($"'{node}' is not an environment variable name"); break;
            case "string": if (text is null) fail($"expected a string, not {node?.ToJsonString() ?? "null"}"); break;
            default:
                var match = EnumType().Match(type);
                if (!match.Success) throw new InvalidOperationException($"schema type '{type}' is unknown");
                var allowed = match.Groups[2].Value.Split('|');
                var items = match.Groups[1].Value == "enumList" ? (node as JsonArray)?.Select(i =>
                    (string?)i).ToList() : [text];
                if (items is null || items.Count == 0) fail($"expected a list of {string.Join(", ", allowed)}");
                else foreach (var item in items) if (!allowed.Contains(item)) fail(
                    $"'{item}' is not one of {string.Join(", ", allowed)}");
                break;
        }
    }

    private static void CheckMap(JsonNode? node, Action<string, string> each, Action<string> fail,
        bool numbersAllowed = false)
    {
        if (node is not JsonObject o) { fail("expected a map"); return; }
        foreach (var (k, v) in o)
        {
            if (v is JsonValue s && s.GetValueKind() == JsonValueKind.String) each(k, (string)s!);
            else if (numbersAllowed && v is JsonValue num && num.GetValueKind() == JsonValueKind.Number) each(k,
                num.ToJsonString());
            else fail($"{k}: expected a string value, not {v?.ToJsonString() ?? "null"}");
        }
    }

    private static void CheckLabel(string key, string value, Action<string> fail)
    {
        var parts = key.Split('/');
        string name = parts[^1];
        if (parts.Length > 2 || parts.Length == 2 && (!DnsSubdomain().IsMatch(parts[0]) || parts[0].Length > 253))
            fail($"label key '{key}' has a bad prefix");
        if (name.Length is 0 or > 63 || !LabelName().IsMatch(name)) fail($"label key '{key}' is not a qualified name");
        if (value.Length > 63 || value.Length > 0
            && !LabelName().IsMatch(value)) fail($"label value '{value}' of '{key}' is not valid");
    }

    private static Dictionary<string, (string Type, bool Required)> Fields(string spec) =>
        spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split(':', 2))
            .ToDictionary(f => f[0], f => (f[1].TrimStart('!'), f[1].StartsWith('!')));

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$")]
    private static partial Regex Quantity();

    [GeneratedRegex(@"^(enum|enumList)\((.*)\)$")]
    private static partial Regex EnumType();
}
