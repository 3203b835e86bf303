package daggerapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestAPIDigest shows what the digest covers: signatures, docs and pragmas change
// it; function bodies and unexported helpers do not.
func TestAPIDigest(t *testing.T) {
	const base = `// Package main is the module's description.
package main

// Greeter greets.
type Greeter struct {
	// The name.
	Name string
}

// Greet returns a greeting.
func (g *Greeter) Greet(
	// Who to greet.
	// +optional
	// +default="world"
	who string,
) string {
	return "hello " + who
}

func helper() int { return 1 }

type stages struct{}

func (s *stages) Plan(n int) int { return n }
`
	digest := func(src string) string {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := APIDigest(dir)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := digest(base)
	cases := map[string]struct {
		old, new string
		changes  bool
	}{
		"pragma":            {`+default="world"`, `+default="you"`, true},
		"argument name":     {"\twho string", "\twhom string", true},
		"return type":       {") string {", ") int {", true},
		"field":             {"Name string", "Name int", true},
		"function doc":      {"// Greet returns a greeting.", "// Greet says hello.", true},
		"module doc":        {"is the module's description", "is another description", true},
		"body":              {`"hello " + who`, `"hi " + who`, false},
		"unexported helper": {"return 1", "return 2", false},
		// The codegen never reads an unexported type's methods, exported or not.
		"method of an unexported type": {"Plan(n int) int", "Plan(n int64) int", false},
		"type made exported":           {"type stages struct{}", "type Stages struct{}", true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			src := replaceOnce(t, base, tc.old, tc.new)
			if changed := digest(src) != want; changed != tc.changes {
				t.Errorf("digest changed = %v, want %v", changed, tc.changes)
			}
		})
	}
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if strings.Count(s, old) != 1 {
		t.Fatalf("%q is not in the fixture exactly once", old)
	}
	return strings.Replace(s, old, new, 1)
}
