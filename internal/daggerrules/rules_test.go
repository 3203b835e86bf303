package daggerrules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadSource writes a module named mod with src as its main.go (and dependency
// modules beside it) and loads it like LoadGoModule. The sources have no generated
// internal/dagger package, so its types are read from the dagger.io/dagger library
// this repository requires, whose types the generated package aliases.
func loadSource(t *testing.T, mod, src string, deps map[string]string) (*Module, error) {
	t.Helper()
	dir := t.TempDir()
	var depList []string
	for name, depSrc := range deps {
		writeModule(t, filepath.Join(dir, name), name, depSrc, "")
		depList = append(depList, `{"name":"`+name+`","source":"./`+name+`"}`)
	}
	writeModule(t, dir, mod, src, strings.Join(depList, ","))
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return loadGoModule(dir, pkgResolver{dir: root, generated: "dagger.io/dagger", cache: testPkgCache})
}

// testPkgCache is shared by the tests: they all read the same library.
var testPkgCache = newPkgCache()

func writeModule(t *testing.T, dir, name, src, deps string) {
	t.Helper()
	files := map[string]string{
		"dagger.json": `{"name":"` + name + `","sdk":{"source":"go"},"dependencies":[` + deps + `]}`,
		"go.mod":      "module dagger/" + name + "\n\ngo 1.26\n",
		"main.go":     src,
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, content := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type ruleCase struct {
	// mod is the module's name: "test" when empty.
	mod  string
	src  string
	deps map[string]string
	// want is a substring of the error; "" when the engine loads the module.
	want string
}

func runRuleCases(t *testing.T, cases map[string]ruleCase) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mod := tc.mod
			if mod == "" {
				mod = "test"
			}
			m, err := loadSource(t, mod, tc.src, tc.deps)
			if err != nil {
				t.Fatalf("load module: %v", err)
			}
			err = checkModule(m)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("the engine loads this module, but checkModule fails: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("the engine refuses this module with %q, but checkModule passes", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("checkModule fails with %q, want %q", err, tc.want)
			}
		})
	}
}

// Cases from core/integration/module_test.go TestReservedWords and its sources,
// core/integration/testdata/modules/go/id/{arg,field,fn}/main.go.
func TestReservedNames(t *testing.T) {
	runRuleCases(t, map[string]ruleCase{
		"id/field": {src: `package main

type Test struct{}

func (m *Test) Fn() *CustomObject {
	return &CustomObject{ID: "NOOOO!!!!"}
}

type CustomObject struct {
	ID string ` + "`json:\"id\"`" + `
}
`, want: `cannot define field with reserved name "id"`},
		"a Go field ID without a json tag is id too": {src: `package main

type Test struct {
	ID string
}
`, want: `cannot define field with reserved name "id" on object "Test"`},
		"a json tag renames the field to id": {src: `package main

type Test struct {
	Identifier string ` + "`json:\"id\"`" + `
}
`, want: `cannot define field with reserved name "id" on object "Test"`},
		"id/fn": {src: `package main

type Test struct{}

func (m *Test) Id() string {
	return "NOOOO!!!!"
}
`, want: `cannot define function with reserved name "id"`},
		"id/arg is allowed": {src: `package main

type Test struct{}

func (m *Test) Fn(id string) string {
	return id
}
`},
		"a private ID field is not registered": {src: `package main

type Test struct {
	// +private
	ID string
}
`},
		"a field hidden with json - is not registered": {src: `package main

type Test struct {
	ID string ` + "`json:\"-\"`" + `
}
`},
	})
}

const depSource = `package main

type Dep struct{}

type Obj struct {
	Foo string
}

func (m *Dep) Fn() Obj {
	return Obj{Foo: "foo"}
}
`

// Cases from core/integration/module_go_test.go (external types from a dependency,
// return, argument and field, direct and in a list), and the Workspace field rule of
// core/module.go validateObjectTypeDef.
func TestExternalTypes(t *testing.T) {
	dep := map[string]string{"dep": depSource}
	head := "package main\n\nimport \"dagger/test/internal/dagger\"\n\ntype Test struct{}\n\n"
	runRuleCases(t, map[string]ruleCase{
		"return direct": {src: head + "func (m *Test) Fn() (*dagger.DepObj, error) {\n\treturn nil, nil\n}\n", deps: dep,
			want: `object "Test" function "Fn" cannot return external type from dependency module "dep"`},
		"return list": {src: head + "func (m *Test) Fn() ([]*dagger.DepObj, error) {\n\treturn nil, nil\n}\n", deps: dep,
			want: `object "Test" function "Fn" cannot return external type from dependency module "dep"`},
		"arg direct": {src: head + "func (m *Test) Fn(obj *dagger.DepObj) error {\n\treturn nil\n}\n", deps: dep,
			want: `object "Test" function "Fn" arg "obj" cannot reference external type from dependency module "dep"`},
		"arg list": {src: head + "func (m *Test) Fn(obj []*dagger.DepObj) error {\n\treturn nil\n}\n", deps: dep,
			want: `object "Test" function "Fn" arg "obj" cannot reference external type from dependency module "dep"`},
		"field direct": {src: head + "type Obj struct {\n\tFoo *dagger.DepObj\n}\n\nfunc (m *Test) Fn() (*Obj, error) {\n\treturn nil, nil\n}\n", deps: dep,
			want: `object "Obj" field "Foo" cannot reference external type from dependency module "dep"`},
		"field list": {src: head + "type Obj struct {\n\tFoo []*dagger.DepObj\n}\n\nfunc (m *Test) Fn() (*Obj, error) {\n\treturn nil, nil\n}\n", deps: dep,
			want: `object "Obj" field "Foo" cannot reference external type from dependency module "dep"`},
		"a dependency's object used inside a function is fine": {src: head + "func (m *Test) Fn() string {\n\treturn \"\"\n}\n", deps: dep},
		"core types anywhere are fine":                         {src: head + "type Obj struct {\n\tDir *dagger.Directory\n}\n\nfunc (m *Test) Fn(f *dagger.File) (*Obj, error) {\n\treturn nil, nil\n}\n"},
		"Workspace field": {src: head[:len(head)-len("type Test struct{}\n\n")] + "type Test struct {\n\tWs *dagger.Workspace\n}\n",
			want: `object "Test" field "Ws": Workspace cannot be stored as a field on a module object`},
		"Workspace argument": {src: head + "func (m *Test) Fn(ws *dagger.Workspace) string {\n\treturn \"\"\n}\n"},
	})
}
