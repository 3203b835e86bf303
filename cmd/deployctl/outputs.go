package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"dagger/predictor/internal/exitcode"
)

func init() {
	register(command{name: "outputs", summary: "print an environment's terraform outputs", run: runOutputs})
}

func runOutputs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("outputs", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	asJSON := fs.Bool("json", false, "print all outputs as one JSON object of name to value")
	name := fs.String("name", "", "print only this output: a string raw, anything else as JSON")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	outs, err := readOutputs(ctx, g, tfl, stderr)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if *name != "" {
		o, ok := outs[*name]
		if !ok && len(outs) == 0 {
			return fail(stderr, fs, fmt.Errorf("no output %q: the state of %s has no outputs; apply the infrastructure first", *name, g.env))
		}
		if !ok {
			return fail(stderr, fs, fmt.Errorf("no output %q in %s: known outputs are %s", *name, g.env, strings.Join(sortedKeys(outs), ", ")))
		}
		fmt.Fprintln(stdout, rawValue(o.Value))
		return exitcode.OK
	}
	if *asJSON {
		values := map[string]json.RawMessage{}
		for k, o := range outs {
			values[k] = o.Value
		}
		if err := printJSON(stdout, values); err != nil {
			return fail(stderr, fs, err)
		}
		return exitcode.OK
	}
	if len(outs) == 0 {
		fmt.Fprintf(stderr, "%s: the state of %s has no outputs; apply the infrastructure first\n", fs.Name(), g.env)
	}
	for _, k := range sortedKeys(outs) {
		v := rawValue(outs[k].Value)
		if outs[k].Sensitive {
			v = "(sensitive)"
		}
		fmt.Fprintf(stdout, "%s = %s\n", k, v)
	}
	return exitcode.OK
}

// readOutputs initializes the environment (terraform output is silent) and reads
// its outputs from the state.
func readOutputs(ctx context.Context, g *globals, tfl *tfFlags, log io.Writer) (map[string]tfexec.OutputMeta, error) {
	s, cleanup, err := g.terraform(ctx, tfl, log)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	return s.tf.Outputs(ctx)
}

// outputValues is every output's value as rawValue renders it.
func outputValues(metas map[string]tfexec.OutputMeta) map[string]string {
	out := make(map[string]string, len(metas))
	for name, m := range metas {
		out[name] = rawValue(m.Value)
	}
	return out
}

// rawValue is a JSON value as text: strings unquoted, anything else compact JSON.
func rawValue(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, v) == nil {
		return b.String()
	}
	return string(v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func printJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}
