package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver"
)

// installOrder is Helm's order of kinds in `helm template` output (releaseutil.InstallOrder); others go last.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
	"ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
	"Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

// Capabilities is .Capabilities: the Kubernetes version rendered for and the API versions it serves.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions APIVersions
}

type KubeVersion struct {
	Version, Major, Minor string
}

func (k KubeVersion) String() string     { return k.Version }
func (k KubeVersion) GitVersion() string { return k.Version }

type APIVersions []string

// Has reports whether "group/version" or "group/version/Kind" is served.
func (a APIVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

var defaultAPIVersions = APIVersions{
	"v1", "apps/v1", "batch/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1",
	"autoscaling/v2", "storage.k8s.io/v1", "apiextensions.k8s.io/v1", "coordination.k8s.io/v1",
}

type renderedDoc struct {
	source, kind, text string
}

var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

func render(opts options) (string, error) {
	chart, err := readYAMLMap(filepath.Join(opts.chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	meta, err := chartMetadata(chart)
	if err != nil {
		return "", err
	}
	kube, err := semver.NewVersion(opts.kubeVersion)
	if err != nil {
		return "", fmt.Errorf("--kube-version %q: %v", opts.kubeVersion, err)
	}
	if c, ok := meta["KubeVersion"].(string); ok && c != "" {
		constraint, err := semver.NewConstraint(c)
		if err != nil {
			return "", fmt.Errorf("Chart.yaml kubeVersion %q: %v", c, err)
		}
		if !constraint.Check(kube) {
			return "", fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes v%s", c, kube)
		}
	}
	values, err := loadValues(opts.chartDir, opts.valueFiles, opts.sets)
	if err != nil {
		return "", err
	}
	name := meta["Name"].(string)
	root := template.New(name)
	root.Funcs(funcMap(&root)).Option("missingkey=zero")
	var names []string
	templatesDir := filepath.Join(opts.chartDir, "templates")
	err = filepath.Walk(templatesDir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(opts.chartDir, path)
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		tname := name + "/" + filepath.ToSlash(rel)
		if _, err := root.New(tname).Parse(string(text)); err != nil {
			return fmt.Errorf("parse error in %s: %v", tname, err)
		}
		names = append(names, tname)
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	top := map[string]interface{}{
		"Values": values,
		"Chart":  meta,
		"Release": map[string]interface{}{
			"Name": opts.release, "Namespace": opts.namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": Capabilities{
			KubeVersion: KubeVersion{Version: "v" + kube.String(), Major: fmt.Sprint(kube.Major()), Minor: fmt.Sprint(kube.Minor())},
			APIVersions: defaultAPIVersions,
		},
	}
	var docs []renderedDoc
	for _, tname := range names {
		base := filepath.Base(tname)
		if strings.HasPrefix(base, "_") {
			continue
		}
		if len(opts.showOnly) > 0 && !contains(opts.showOnly, strings.TrimPrefix(tname, name+"/")) {
			continue
		}
		vals := map[string]interface{}{}
		for k, v := range top {
			vals[k] = v
		}
		vals["Template"] = map[string]interface{}{"Name": tname, "BasePath": name + "/templates"}
		var buf strings.Builder
		if err := root.ExecuteTemplate(&buf, tname, vals); err != nil {
			return "", err
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if base == "NOTES.txt" {
			continue // rendered (so its errors show) but not a manifest, as in Helm
		}
		for _, d := range docSeparator.Split(out, -1) {
			if strings.TrimSpace(d) == "" {
				continue
			}
			kind, err := checkDoc(d)
			if err != nil {
				return "", fmt.Errorf("YAML parse error on %s: %v", tname, err)
			}
			docs = append(docs, renderedDoc{source: tname, kind: kind, text: strings.TrimSpace(d)})
		}
	}
	sort.SliceStable(docs, func(i, j int) bool { return kindRank(docs[i].kind) < kindRank(docs[j].kind) })
	var sb strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&sb, "---\n# Source: %s\n%s\n", d.source, d.text)
	}
	return sb.String(), nil
}

// checkDoc parses one output document and returns its kind; Helm refuses documents without apiVersion/kind.
func checkDoc(text string) (string, error) {
	v, err := parseYAML(text)
	if err != nil {
		return "", err
	}
	m, ok := v.(map[string]interface{})
	if !ok {
		return "", fmt.Errorf("the document is not a mapping")
	}
	kind, _ := m["kind"].(string)
	api, _ := m["apiVersion"].(string)
	if kind == "" || api == "" {
		return "", fmt.Errorf("the document has no apiVersion or kind")
	}
	return kind, nil
}

func kindRank(kind string) int {
	for i, k := range installOrder {
		if k == kind {
			return i
		}
	}
	return len(installOrder)
}

// chartMetadata is .Chart: Chart.yaml's fields under Helm's Go names (name -> Name, appVersion -> AppVersion).
func chartMetadata(chart map[string]interface{}) (map[string]interface{}, error) {
	meta := map[string]interface{}{
		"APIVersion": "", "Name": "", "Version": "", "AppVersion": "", "Description": "", "Type": "application",
		"KubeVersion": "", "Home": "", "Icon": "", "Deprecated": false,
	}
	for k, v := range chart {
		switch k {
		case "apiVersion":
			meta["APIVersion"] = v
		case "appVersion":
			meta["AppVersion"] = fmt.Sprint(v)
		case "kubeVersion":
			meta["KubeVersion"] = v
		case "version":
			meta["Version"] = fmt.Sprint(v)
		default:
			meta[strings.ToUpper(k[:1])+k[1:]] = v
		}
	}
	if meta["APIVersion"] != "v2" {
		return nil, fmt.Errorf("Chart.yaml: apiVersion must be v2, not %v", meta["APIVersion"])
	}
	if n, _ := meta["Name"].(string); n == "" {
		return nil, fmt.Errorf("Chart.yaml: name is required")
	}
	if _, err := semver.StrictNewVersion(meta["Version"].(string)); err != nil {
		return nil, fmt.Errorf("Chart.yaml: version %q is not SemVer 2: %v", meta["Version"], err)
	}
	return meta, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
