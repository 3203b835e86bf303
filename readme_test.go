package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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

// TestReadmeLayoutPathsExist keeps the README's Layout section true: every file or
// directory its table names and every path its "where a change goes" lists quote
// exists (a bare file name somewhere in the tree; NAME and * as wildcards).
func TestReadmeLayoutPathsExist(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile("(?s)\n## Layout\n(.*?)(\n## |$)").FindStringSubmatch(string(readme))
	if section == nil {
		t.Fatal("README.md has no Layout section")
	}
	table := regexp.MustCompile("(?s)```\n(.*?)```").FindStringSubmatch(section[1])
	if table == nil {
		t.Fatal("the Layout section has no table")
	}
	var paths []string
	for _, line := range strings.Split(strings.TrimSpace(table[1]), "\n") {
		first := regexp.MustCompile(`\s{2,}`).Split(line, 2)[0]
		dir := ""
		for i, p := range strings.Split(first, ", ") {
			if i == 0 {
				dir = filepath.Dir(strings.TrimSuffix(p, "/"))
			} else if !strings.Contains(p, "/") {
				p = filepath.Join(dir, p)
			}
			paths = append(paths, p)
		}
	}
	quoted := regexp.MustCompile("`([^`\\s]+)`")
	pathLike := regexp.MustCompile(`/|\.(go|md|tf|tfvars|toml|json|py|yml|js)$`)
	for _, m := range quoted.FindAllStringSubmatch(section[1][len(table[0]):], -1) {
		if pathLike.MatchString(m[1]) {
			paths = append(paths, m[1])
		}
	}
	if len(paths) < 20 {
		t.Fatalf("found only %d paths in the Layout section; the pattern is broken", len(paths))
	}
	for _, p := range paths {
		if !layoutPathExists(t, strings.ReplaceAll(strings.TrimSuffix(p, "/"), "NAME", "*")) {
			t.Errorf("README's Layout section names %s, which does not exist", p)
		}
	}
}

// layoutPathExists reports whether pattern matches a path from the repository root,
// or, for a bare file name, a file anywhere in the tree.
func layoutPathExists(t *testing.T, pattern string) bool {
	t.Helper()
	if m, err := filepath.Glob(pattern); err == nil && len(m) > 0 {
		return true
	}
	if strings.Contains(pattern, "/") {
		return false
	}
	found := false
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".venv")) {
			return filepath.SkipDir
		}
		found = d.Name() == pattern
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
