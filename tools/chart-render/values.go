package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// readYAMLMap reads a YAML mapping the way Helm does (YAML to JSON to Go), so numbers are float64 as in Helm:
// a template that would fail in Helm on an int/float comparison fails here too.
func readYAMLMap(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := parseYAML(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if v == nil {
		return map[string]interface{}{}, nil
	}
	m, ok := v.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("%s: the top level is not a mapping", path)
	}
	return m, nil
}

// parseYAML decodes one YAML document into JSON-like Go values (maps with string keys, []interface{}, float64).
func parseYAML(text string) (interface{}, error) {
	var raw interface{}
	if err := yaml.Unmarshal([]byte(text), &raw); err != nil {
		return nil, err
	}
	return jsonRoundTrip(raw)
}

func jsonRoundTrip(v interface{}) (interface{}, error) {
	data, err := json.Marshal(normalizeKeys(v))
	if err != nil {
		return nil, err
	}
	var out interface{}
	err = json.Unmarshal(data, &out)
	return out, err
}

// normalizeKeys turns map[interface{}]interface{} (non-string keys) into map[string]interface{} for JSON.
func normalizeKeys(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, e := range t {
			out[k] = normalizeKeys(e)
		}
		return out
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = normalizeKeys(e)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, e := range t {
			out[i] = normalizeKeys(e)
		}
		return out
	}
	return v
}

// mergeUserValues merges a later -f file over earlier ones: maps merge recursively, anything else replaces.
func mergeUserValues(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dst[k].(map[string]interface{}); ok {
				dst[k] = mergeUserValues(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

// coalesce lays the user's values over the chart's defaults like Helm: a user null deletes the key.
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range user {
		if v == nil {
			delete(out, k)
			continue
		}
		um, uIsMap := v.(map[string]interface{})
		dm, dIsMap := out[k].(map[string]interface{})
		switch {
		case uIsMap && dIsMap:
			out[k] = coalesce(um, dm)
		case dIsMap && !uIsMap:
			fmt.Fprintf(os.Stderr, "warning: values key %q replaces a table with a %T\n", k, v)
			out[k] = v
		default:
			out[k] = v
		}
	}
	// Nulls left in the defaults themselves are kept as in Helm (a documented "unset" value).
	return out
}

// applySet applies one --set a.b.c=value (no list indexes or escapes; values typed like Helm's --set).
func applySet(values map[string]interface{}, expr string) error {
	path, raw, ok := strings.Cut(expr, "=")
	if !ok || path == "" {
		return fmt.Errorf("--set %q is not KEY=VALUE", expr)
	}
	keys := strings.Split(path, ".")
	m := values
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = typedSetValue(raw)
	return nil
}

func typedSetValue(raw string) interface{} {
	switch raw {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if i, err := strconv.ParseInt(raw, 10, 64); err == nil && (raw == "0" || !strings.HasPrefix(raw, "0")) {
		return i // int64, as Helm's --set gives
	}
	return raw
}

// loadValues returns the chart's values.yaml coalesced with the -f files and --set expressions.
func loadValues(chartDir string, files, sets []string) (map[string]interface{}, error) {
	defaults := map[string]interface{}{}
	if _, err := os.Stat(chartDir + "/values.yaml"); err == nil {
		d, err := readYAMLMap(chartDir + "/values.yaml")
		if err != nil {
			return nil, err
		}
		defaults = d
	}
	user := map[string]interface{}{}
	for _, f := range files {
		m, err := readYAMLMap(f)
		if err != nil {
			return nil, err
		}
		user = mergeUserValues(user, m)
	}
	for _, s := range sets {
		if err := applySet(user, s); err != nil {
			return nil, err
		}
	}
	return coalesce(user, defaults), nil
}
