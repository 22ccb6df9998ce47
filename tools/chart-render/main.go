// Command chart-render renders a Helm chart the way `helm template` does, for machines without helm.
//
// It is our own small implementation of the parts of Helm's template engine that our chart uses: Go's
// text/template with sprig's functions (minus env and expandenv, as in Helm), Helm's include, tpl,
// toYaml, fromYaml, toJson, fromJson, required and lookup, the .Values, .Release, .Chart, .Capabilities
// and .Template objects, values files merged like `-f` (later files win, maps merge, null deletes a key),
// simple --set a.b=c, and the output of `helm template`: one "# Source:" document per object, sorted in
// Helm's install order, each checked to be YAML with apiVersion and kind.
//
// Build (Debian packages golang-go, golang-github-masterminds-sprig-dev, golang-gopkg-yaml.v3-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o chart-render ./tools/chart-render
//
// Use:
//
//	chart-render [--name RELEASE] [--namespace NS] [--kube-version 1.32.0] [-f values.yaml]... [--set a.b=c]... CHART_DIR
package main

import (
	"fmt"
	"os"
	"strings"
)

type options struct {
	chartDir    string
	release     string
	namespace   string
	kubeVersion string
	valueFiles  []string
	sets        []string
	showOnly    []string
}

func main() {
	opts, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "chart-render: %v\n", err)
		fmt.Fprintln(os.Stderr, "usage: chart-render [--name RELEASE] [--namespace NS] [--kube-version V] [-f values.yaml]... [--set a.b=c]... [--show-only templates/x.yaml]... CHART_DIR")
		os.Exit(2)
	}
	out, err := render(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

func parseArgs(args []string) (options, error) {
	opts := options{release: "release-name", namespace: "default", kubeVersion: "1.32.0"}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		value := func() (string, error) {
			if name, v, ok := strings.Cut(arg, "="); ok && strings.HasPrefix(name, "--") {
				return v, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", arg)
			}
			i++
			return args[i], nil
		}
		name, _, _ := strings.Cut(arg, "=")
		var err error
		switch name {
		case "-f", "--values":
			var v string
			v, err = value()
			opts.valueFiles = append(opts.valueFiles, v)
		case "--set":
			var v string
			v, err = value()
			opts.sets = append(opts.sets, v)
		case "--name", "--release-name":
			opts.release, err = value()
		case "-n", "--namespace":
			opts.namespace, err = value()
		case "--kube-version":
			opts.kubeVersion, err = value()
		case "-s", "--show-only":
			var v string
			v, err = value()
			opts.showOnly = append(opts.showOnly, v)
		default:
			if strings.HasPrefix(arg, "-") {
				return opts, fmt.Errorf("unknown option %s", arg)
			}
			if opts.chartDir != "" {
				return opts, fmt.Errorf("one chart directory only (got %s and %s)", opts.chartDir, arg)
			}
			opts.chartDir = arg
		}
		if err != nil {
			return opts, err
		}
	}
	if opts.chartDir == "" {
		return opts, fmt.Errorf("no chart directory given")
	}
	return opts, nil
}
