package main

// Stand-ins for a module's dependencies: when dagger.json lists local module
// dependencies (such as the tests/ module depending on ".."), the generated
// internal/dagger gets a Client with one constructor method per dependency
// (dag.Predictor(...)) and client types for the dependency's objects, derived from the
// dependency's Go source with go/ast, following the shape `dagger develop` generates:
// required arguments positional, optional ones in a <Object><Function>Opts struct,
// objects returned lazily, scalars and void functions taking a context. Bodies panic:
// offline, nothing runs; the stand-ins only let `go vet` type-check the calls.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/iancoleman/strcase"
)

// dependency is one entry of dagger.json's "dependencies".
type dependency struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

// readDependencies returns the local module dependencies listed in dir/dagger.json.
func readDependencies(dir string) ([]dependency, error) {
	b, err := os.ReadFile(filepath.Join(dir, "dagger.json"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var cfg struct {
		Dependencies []dependency `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("parse %s/dagger.json: %w", dir, err)
	}
	for _, d := range cfg.Dependencies {
		if !strings.HasPrefix(d.Source, ".") && !strings.HasPrefix(d.Source, "/") {
			return nil, fmt.Errorf("dependency %s: only local sources are supported offline, not %q", d.Name, d.Source)
		}
	}
	return cfg.Dependencies, nil
}

// param is one function argument in stand-in types.
type param struct{ Name, Type string }

// function is one Dagger function of a dependency object.
type function struct {
	// Name is the client name (what the codegen writes), GoName the module's own.
	Name, GoName, Doc  string
	Required, Optional []param
	// Result is the stand-in return type; "" for a void function.
	Result string
	// Lazy results are objects: no context, no error.
	Lazy bool
}

// object is one client type of a dependency.
type object struct {
	Name  string
	Funcs []function
}

// module is a dependency's API.
type module struct {
	Name    string // client name, e.g. Predictor
	Ctor    function
	Objects []object
}

// withDependencies returns the file with the dependencies' bindings: methods on the
// stand-in Client and the dependencies' client types.
func withDependencies(moduleDir string, deps []dependency) ([]byte, error) {
	var mods []module
	for _, d := range deps {
		m, err := loadModule(filepath.Join(moduleDir, d.Source), d.Name)
		if err != nil {
			return nil, fmt.Errorf("dependency %s: %w", d.Name, err)
		}
		mods = append(mods, m)
	}
	return depsFile(mods), nil
}

// parseModule parses the module's Go package (package main, generated files
// excluded) and returns its types, methods and constructor.
func parseModule(dir, name string) (*modParser, *ast.FuncDecl, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		n := fi.Name()
		return !strings.HasSuffix(n, "_test.go") && n != "dagger.gen.go"
	}, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", dir, err)
	}
	pkg, ok := pkgs["main"]
	if !ok {
		return nil, nil, fmt.Errorf("no package main in %s", dir)
	}
	main := strcase.ToCamel(name) // the engine's main object of module name
	p := &modParser{fset: fset, main: main, modName: name, structs: map[string]*ast.StructType{}, methods: map[string][]*ast.FuncDecl{}}
	var ctor *ast.FuncDecl
	files := make([]string, 0, len(pkg.Files))
	for f := range pkg.Files {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, fn := range files {
		f := pkg.Files[fn]
		p.files = append(p.files, f)
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						if st, ok := ts.Type.(*ast.StructType); ok && ts.Name.IsExported() {
							p.structs[ts.Name.Name] = st
						}
					}
				}
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					if d.Name.Name == "New" {
						ctor = d
					}
					continue
				}
				recv := d.Recv.List[0].Type
				if s, ok := recv.(*ast.StarExpr); ok {
					recv = s.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					p.methods[id.Name] = append(p.methods[id.Name], d)
				}
			}
		}
	}
	return p, ctor, nil
}

// loadModule parses the module's Go package (package main, generated files excluded).
func loadModule(dir, name string) (module, error) {
	p, ctor, err := parseModule(dir, name)
	if err != nil {
		return module{}, err
	}
	main := p.main
	if _, ok := p.structs[main]; !ok {
		return module{}, fmt.Errorf("no type %s in %s", main, dir)
	}
	m := module{Name: formatName(gqlName(name))}
	if ctor != nil {
		fn, err := p.function(ctor)
		if err != nil {
			return module{}, err
		}
		m.Ctor = fn
	}
	// Objects reachable from the main one, in a stable order.
	seen := map[string]bool{main: true}
	queue := []string{main}
	for len(queue) > 0 {
		goName := queue[0]
		queue = queue[1:]
		obj, refs, err := p.object(goName)
		if err != nil {
			return module{}, err
		}
		m.Objects = append(m.Objects, obj)
		for _, r := range refs {
			if !seen[r] {
				seen[r] = true
				queue = append(queue, r)
			}
		}
	}
	return m, nil
}

type modParser struct {
	fset    *token.FileSet
	files   []*ast.File
	main    string
	modName string
	structs map[string]*ast.StructType
	methods map[string][]*ast.FuncDecl
	refs    []string
}

// clientName is the client type name of a module type: the main object takes the
// module's name, others get it as a prefix (Plan -> PredictorPlan).
func (p *modParser) clientName(goName string) string {
	return formatName(gqlObjectName(goName, p.modName))
}

// typeOf renders a module type as a stand-in type; object reports whether it is an
// object (returned lazily).
func (p *modParser) typeOf(e ast.Expr) (t string, object bool, err error) {
	switch x := e.(type) {
	case *ast.Ident:
		switch x.Name {
		case "string", "bool", "int", "float64":
			return x.Name, false, nil
		}
		if _, ok := p.structs[x.Name]; ok {
			p.refs = append(p.refs, x.Name)
			return "*" + p.clientName(x.Name), true, nil
		}
	case *ast.StarExpr:
		switch y := x.X.(type) {
		case *ast.SelectorExpr:
			return "*" + y.Sel.Name, true, nil
		case *ast.Ident:
			return p.typeOf(y)
		}
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok && pkg.Name == "dagger" {
			return x.Sel.Name, false, nil // scalars such as Platform
		}
	case *ast.ArrayType:
		t, _, err := p.typeOf(x.Elt)
		return "[]" + t, false, err
	}
	return "", false, fmt.Errorf("unsupported type %s at %s", exprString(e), p.fset.Position(e.Pos()))
}

func exprString(e ast.Expr) string {
	var b bytes.Buffer
	_ = formatNode(&b, e)
	return b.String()
}

// pragmasBefore returns the comment text between from and to.
func (p *modParser) pragmasBefore(from, to token.Pos) string {
	var s strings.Builder
	for _, f := range p.files {
		for _, cg := range f.Comments {
			if cg.Pos() >= from && cg.End() <= to {
				s.WriteString(cg.Text())
			}
		}
	}
	return s.String()
}

func optional(comment string) bool {
	for _, p := range []string{"+optional", "+default=", "+defaultPath="} {
		if strings.Contains(comment, p) {
			return true
		}
	}
	return false
}

func isContext(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := s.X.(*ast.Ident)
	return ok && pkg.Name == "context" && s.Sel.Name == "Context"
}

func isError(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "error"
}

// function reads one Go function's Dagger signature.
func (p *modParser) function(d *ast.FuncDecl) (function, error) {
	fn := function{Name: clientFuncName(d.Name.Name), GoName: d.Name.Name, Doc: strings.TrimSpace(d.Doc.Text())}
	prev := d.Type.Params.Opening
	for _, f := range d.Type.Params.List {
		comment := p.pragmasBefore(prev, f.Pos())
		prev = f.End()
		if isContext(f.Type) {
			continue
		}
		t, _, err := p.typeOf(f.Type)
		if err != nil {
			return function{}, fmt.Errorf("%s: %w", d.Name.Name, err)
		}
		for _, n := range f.Names {
			pa := param{Name: gqlName(n.Name), Type: t}
			if optional(comment) {
				fn.Optional = append(fn.Optional, pa)
			} else {
				fn.Required = append(fn.Required, pa)
			}
		}
	}
	if d.Type.Results != nil {
		for _, r := range d.Type.Results.List {
			if isError(r.Type) {
				continue
			}
			t, obj, err := p.typeOf(r.Type)
			if err != nil {
				return function{}, fmt.Errorf("%s: %w", d.Name.Name, err)
			}
			fn.Result, fn.Lazy = t, obj
		}
	}
	return fn, nil
}

// object reads the functions of one module type: its exported fields that are not
// +private, then its exported methods.
func (p *modParser) object(goName string) (object, []string, error) {
	p.refs = nil
	obj := object{Name: p.clientName(goName)}
	for _, f := range p.structs[goName].Fields.List {
		if strings.Contains(f.Doc.Text(), "+private") {
			continue
		}
		t, lazy, err := p.typeOf(f.Type)
		if err != nil {
			return object{}, nil, fmt.Errorf("%s: %w", goName, err)
		}
		for _, n := range f.Names {
			if !n.IsExported() {
				continue
			}
			// Like the Go SDK, a json tag renames the field and "-" hides it.
			name := n.Name
			if f.Tag != nil {
				tag, _ := strconv.Unquote(f.Tag.Value)
				if jn, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ","); jn == "-" {
					continue
				} else if jn != "" {
					name = jn
				}
			}
			obj.Funcs = append(obj.Funcs, function{Name: clientFuncName(name), GoName: n.Name, Doc: strings.TrimSpace(f.Doc.Text()), Result: t, Lazy: lazy})
		}
	}
	for _, d := range p.methods[goName] {
		fn, err := p.function(d)
		if err != nil {
			return object{}, nil, err
		}
		obj.Funcs = append(obj.Funcs, fn)
	}
	return obj, p.refs, nil
}

// depsFile renders the dependencies' constructors on Client and their client types.
func depsFile(mods []module) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package dagger\n\nimport (\n\t\"context\"\n\t\"errors\"\n)\n\n")
	b.WriteString("var _ context.Context // used by function stand-ins\n\n")
	b.WriteString("// errStandIn is what every dependency call would return: nothing runs offline.\n")
	b.WriteString("var errStandIn = errors.New(\"offline stand-in: run `dagger develop` and call this under an engine\")\n\n")
	for _, m := range mods {
		writeFunc(&b, "Client", "c", m.Name+"Opts", function{
			Name: m.Name, Doc: m.Name + " constructs the " + m.Name + " dependency.",
			Required: m.Ctor.Required, Optional: m.Ctor.Optional, Result: "*" + m.Name, Lazy: true,
		})
		for _, o := range m.Objects {
			fmt.Fprintf(&b, "// %s is a client for the %s dependency's object.\ntype %s struct{}\n\n", o.Name, m.Name, o.Name)
			for _, f := range o.Funcs {
				writeFunc(&b, o.Name, "r", o.Name+f.Name+"Opts", f)
			}
		}
	}
	return mustFormat(b.Bytes())
}

func writeFunc(b *bytes.Buffer, recv, r, optsName string, f function) {
	if len(f.Optional) > 0 {
		fmt.Fprintf(b, "// %s are the optional arguments of %s.%s.\ntype %s struct {\n", optsName, recv, f.Name, optsName)
		for _, o := range f.Optional {
			fmt.Fprintf(b, "\t%s %s\n", formatName(o.Name), o.Type)
		}
		b.WriteString("}\n\n")
	}
	var args []string
	if !f.Lazy {
		args = append(args, "ctx context.Context")
	}
	for _, p := range f.Required {
		args = append(args, p.Name+" "+p.Type)
	}
	if len(f.Optional) > 0 {
		args = append(args, "opts ..."+optsName)
	}
	var results, body string
	switch {
	case f.Lazy:
		results, body = f.Result, "panic(errStandIn)"
	case f.Result == "":
		results, body = "error", "return errStandIn"
	default:
		results, body = "("+f.Result+", error)", "var zero "+f.Result+"\n\treturn zero, errStandIn"
	}
	var doc []string
	for _, l := range strings.Split(f.Doc, "\n") {
		if l = strings.TrimSpace(l); !strings.HasPrefix(l, "+") {
			doc = append(doc, l)
		}
	}
	for len(doc) > 0 && doc[len(doc)-1] == "" {
		doc = doc[:len(doc)-1]
	}
	if len(doc) == 0 {
		doc = []string{f.Name + " is a stand-in."}
	}
	for _, l := range doc {
		fmt.Fprintf(b, "// %s\n", l)
	}
	fmt.Fprintf(b, "func (%s *%s) %s(%s) %s {\n\t%s\n}\n\n", r, recv, f.Name, strings.Join(args, ", "), results, body)
}

func formatNode(b *bytes.Buffer, e ast.Expr) error {
	return printer.Fprint(b, token.NewFileSet(), e)
}

// depsPath is the file with the dependencies' bindings, relative to the module.
var depsPath = filepath.Join("internal", "dagger", "deps.gen.go")

// writeAPI writes the alias file and, when dagger.json lists dependencies, their
// bindings (removing a stale bindings file otherwise).
func writeAPI(dir string, a api) error {
	aliases := aliasFile(a)
	deps, err := readDependencies(dir)
	if err != nil {
		return err
	}
	if len(deps) == 0 {
		if err := os.Remove(filepath.Join(dir, depsPath)); err != nil && !os.IsNotExist(err) {
			return err
		}
		return writeFile(filepath.Join(dir, "internal", "dagger", "dagger.gen.go"), aliases)
	}
	bindings, err := withDependencies(dir, deps)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "internal", "dagger", "dagger.gen.go"), aliases); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, depsPath), bindings)
}
