package main

// What `dagger call` prints, from the pinned CLI's rules as internal/daggerrules
// ports them (cmd/dagger/functions.go handleResponse, printID): a scalar result is
// printed; an object is exported with -o when its type has export (Directory, File,
// Container), and otherwise printed only as its ID (`Type@xxh3:...`), which no README
// line or workflow step wants. Every `dagger call` of the README, docs/ and the
// workflows is read with the port of the CLI's parsing (flags, boolean flags,
// required arguments) over the typedefs derived from this module.

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dagger/predictor/internal/daggerrules"
)

var (
	readmeCall   = regexp.MustCompile("dagger call ([^`#|\\n]*)")
	continuation = regexp.MustCompile(`\s*\\\n\s*`)
	stepNames    = regexp.MustCompile(`(?m)^\s*(- )?name: .*$`)
)

// daggerCalls returns each `dagger call` of the README, docs/ and the workflows,
// with where it was found.
func daggerCalls(t *testing.T) map[string][]string {
	t.Helper()
	files, _ := filepath.Glob(".github/workflows/*.yml")
	docs, _ := filepath.Glob("docs/*.md")
	files = append(append(files, "README.md"), docs...)
	calls := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := continuation.ReplaceAllString(string(b), " ")
		if strings.HasSuffix(f, ".yml") {
			text = stepNames.ReplaceAllString(foldedRuns(text), "")
		}
		for _, m := range readmeCall.FindAllStringSubmatch(text, -1) {
			words := strings.Fields(strings.NewReplacer(`"`, "", "'", "").Replace(m[1]))
			if len(words) == 0 || words[0] == "--help" || strings.HasPrefix(words[0], "<") || words[0] == "..." || strings.Contains(m[1], "${{") {
				continue // prose: `dagger call <function> --help`, `dagger call ...`
			}
			calls[f+": dagger call "+strings.Join(words, " ")] = words
		}
	}
	return calls
}

// foldedRuns joins the lines of `run: >-` blocks, as YAML folds them.
func foldedRuns(text string) string {
	lines := strings.Split(text, "\n")
	var b strings.Builder
	for i := 0; i < len(lines); i++ {
		b.WriteString(lines[i])
		if !strings.HasSuffix(strings.TrimSpace(lines[i]), "run: >-") {
			b.WriteByte('\n')
			continue
		}
		indent := ""
		for i+1 < len(lines) {
			next := lines[i+1]
			trimmed := strings.TrimLeft(next, " ")
			if trimmed == "" || (indent != "" && !strings.HasPrefix(next, indent)) || (indent == "" && len(next)-len(trimmed) == 0) {
				break
			}
			if indent == "" {
				indent = next[:len(next)-len(trimmed)]
			}
			b.WriteString(" " + trimmed)
			i++
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestDaggerCallsPrintWhatUsersRead(t *testing.T) {
	mod, err := daggerrules.LoadGoModule(".")
	if err != nil {
		t.Fatal(err)
	}
	td, err := daggerrules.Codegen(mod)
	if err != nil {
		t.Fatal(err)
	}
	calls := daggerCalls(t)
	if len(calls) < 10 {
		t.Fatalf("found %d dagger calls in the README and workflows: the parser lost them", len(calls))
	}
	for where, words := range calls {
		if slices.Contains(words, "up") {
			continue // a core Service's up: beyond the module's own objects
		}
		c, err := daggerrules.ParseCall(td, words)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		out, err := daggerrules.CallPrints(td, c.Chain, c.Output)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		if out.Stdout == daggerrules.PrintsID && !out.Exported || out.Stdout == daggerrules.PrintsError {
			t.Errorf("%s: the CLI prints an object's ID or fails (%+v)", where, out)
		}
	}
}
