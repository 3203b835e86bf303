package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestReadmeCommandsExist checks every `dagger call`, `make` and `deployctl` command the
// README shows against the module's functions and their arguments, the Makefile's
// targets and deployctl's subcommands, so the README cannot drift from the code.
func TestReadmeCommandsExist(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	fns := moduleFunctions(t)
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}

	daggerCall := regexp.MustCompile("dagger call ([a-z][a-z-]*)((?:[ \\t]+--?[a-z-]+(?:[ =][^\\s`#|]+)?)*)")
	flag := regexp.MustCompile(`--([a-z][a-z-]*)`)
	calls := 0
	for _, m := range daggerCall.FindAllStringSubmatch(string(readme), -1) {
		fn, args := m[1], m[2]
		params, ok := fns[kebabToCamel(fn)]
		if !ok {
			t.Errorf("README calls `dagger call %s`, which the module does not define", fn)
			continue
		}
		calls++
		for _, f := range flag.FindAllStringSubmatch(args, -1) {
			if !params[kebabToCamel(f[1])] {
				t.Errorf("README passes --%s to `dagger call %s`, which has no such argument", f[1], fn)
			}
		}
	}
	if calls < 10 {
		t.Fatalf("found only %d `dagger call` commands in README.md; the pattern is broken", calls)
	}

	makeCmd := regexp.MustCompile("(?m)^make ([a-z-]+)|`make ([a-z-]+)`")
	for _, m := range makeCmd.FindAllStringSubmatch(string(readme), -1) {
		target := m[1] + m[2]
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(target) + `:`).Match(makefile) {
			t.Errorf("README runs `make %s`, which the Makefile lacks", target)
		}
	}

	help, err := exec.Command("go", "run", "./cmd/deployctl", "help").CombinedOutput()
	if err != nil {
		t.Fatalf("deployctl help: %v\n%s", err, help)
	}
	listed := regexp.MustCompile("`go run ./cmd/deployctl help` lists ([^.]+)\\.").FindStringSubmatch(string(readme))
	if listed == nil {
		t.Fatal("README no longer lists deployctl's subcommands")
	}
	for _, name := range regexp.MustCompile("`([a-z-]+)`").FindAllStringSubmatch(listed[1], -1) {
		if !regexp.MustCompile(`(?m)^  ` + name[1] + ` `).Match(help) {
			t.Errorf("README lists deployctl %s, which `deployctl help` does not show", name[1])
		}
	}
}

// moduleFunctions maps each exported method of Predictor to its parameter names.
func moduleFunctions(t *testing.T) map[string]map[string]bool {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	fns := map[string]map[string]bool{}
	for _, f := range pkgs["main"].Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() {
				continue
			}
			if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); !ok || star.X.(*ast.Ident).Name != "Predictor" {
				continue
			}
			params := map[string]bool{}
			for _, p := range fd.Type.Params.List {
				for _, n := range p.Names {
					params[n.Name] = true
				}
			}
			name := []rune(fd.Name.Name)
			name[0] = unicode.ToLower(name[0])
			fns[string(name)] = params
		}
	}
	return fns
}

func kebabToCamel(s string) string {
	parts := strings.Split(s, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
