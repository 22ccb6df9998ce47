package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

// maxIncludeDepth stops a template that includes itself, as Helm does.
const maxIncludeDepth = 1000

// funcMap is sprig's text functions without env/expandenv plus Helm's own; include and tpl need the template
// set, so they are bound to *root after it is parsed.
func funcMap(root **template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	depth := 0
	f["include"] = func(name string, data interface{}) (string, error) {
		if depth++; depth > maxIncludeDepth {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
		}
		defer func() { depth-- }()
		var buf strings.Builder
		if err := (*root).ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := (*root).Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %v", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error calling tpl: %v", err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	f["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, fmt.Errorf("%s", message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return value, nil
	}
	f["toYaml"] = func(v interface{}) string {
		s, err := toYAML(v)
		if err != nil {
			return "" // Helm's toYaml swallows errors too
		}
		return s
	}
	f["mustToYaml"] = toYAML
	f["fromYaml"] = func(text string) map[string]interface{} {
		v, err := parseYAML(text)
		if err != nil {
			return map[string]interface{}{"Error": err.Error()}
		}
		m, ok := v.(map[string]interface{})
		if !ok {
			return map[string]interface{}{}
		}
		return m
	}
	f["fromYamlArray"] = func(text string) []interface{} {
		v, err := parseYAML(text)
		if err != nil {
			return []interface{}{err.Error()}
		}
		a, _ := v.([]interface{})
		return a
	}
	f["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	f["fromJson"] = func(text string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(text), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	// Offline there is no cluster to look into: Helm's lookup returns an empty map in `helm template` too.
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return f
}

// toYAML writes a value like Helm's toYaml (sigs.k8s.io/yaml): through JSON, so keys are sorted and
// numbers are written as JSON writes them; block style, two-space indent, no trailing newline.
func toYAML(v interface{}) (string, error) {
	data, err := json.Marshal(normalizeKeys(v))
	if err != nil {
		return "", err
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return "", err
	}
	plainStyle(&node)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	out := strings.TrimSuffix(buf.String(), "\n")
	if out == "null" && isNil(v) {
		return "null", nil
	}
	return out, nil
}

// plainStyle drops the flow style and quotes that parsing JSON text leaves on the nodes; the encoder then
// quotes only the strings that need it (e.g. "true" or "8080" as strings).
func plainStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plainStyle(c)
	}
}

func isNil(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Map, reflect.Slice, reflect.Ptr, reflect.Interface:
		return r.IsNil()
	}
	return false
}
