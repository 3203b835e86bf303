package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"testing"
)

// TestContractsListEveryExitStatus: CONTRACTS.md's table names every status of
// internal/exitcode with its number, and nothing else.
func TestContractsListEveryExitStatus(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "internal/exitcode/exitcode.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 1 {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				want[vs.Names[0].Name] = lit.Value
			}
		}
		return true
	})
	doc, err := os.ReadFile("CONTRACTS.md")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\| (\d+) \| (\w+) \|`).FindAllStringSubmatch(string(doc), -1) {
		got[m[2]] = m[1]
	}
	for name, code := range want {
		if got[name] != code {
			t.Errorf("CONTRACTS.md: exit status %s should be %s, table says %q", name, code, got[name])
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("CONTRACTS.md lists %s, which internal/exitcode lacks", name)
		}
	}
}
