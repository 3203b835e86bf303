package daggerrules

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadGoModule builds a [Module] from the Go source of the module in dir (the
// directory holding dagger.json): package main without its tests and without the
// generated dagger.gen.go, as the codegen loads it. Types of the generated
// internal/dagger package are told apart by reading that package (and the library it
// aliases), and a local dependency's objects by loading that dependency the same way.
func LoadGoModule(dir string) (*Module, error) {
	return loadGoModule(dir, pkgResolver{dir: dir, cache: newPkgCache()})
}

func loadGoModule(dir string, pkgs pkgResolver) (*Module, error) {
	cfg, err := readConfig(dir)
	if err != nil {
		return nil, err
	}
	modPath, err := goModulePath(dir)
	if err != nil {
		return nil, err
	}
	l := &loader{dir: dir, fset: token.NewFileSet(), modPath: modPath, depObjects: map[string]string{}, pkgs: pkgs}
	for _, d := range cfg.Dependencies {
		if err := l.addDependency(d.Name, filepath.Join(dir, d.Source)); err != nil {
			return nil, err
		}
	}
	if err := l.parse(); err != nil {
		return nil, err
	}
	m := &Module{Name: cfg.Name, Types: map[string]*TypeDecl{}}
	if err := l.build(m); err != nil {
		return nil, err
	}
	return m, nil
}

type daggerJSON struct {
	Name         string `json:"name"`
	Dependencies []struct {
		Name   string `json:"name"`
		Source string `json:"source"`
	} `json:"dependencies"`
}

func readConfig(dir string) (daggerJSON, error) {
	var cfg daggerJSON
	b, err := os.ReadFile(filepath.Join(dir, "dagger.json"))
	if err != nil {
		return cfg, fmt.Errorf("read module config: %w", err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return cfg, fmt.Errorf("parse %s/dagger.json: %w", dir, err)
	}
	for _, d := range cfg.Dependencies {
		if !strings.HasPrefix(d.Source, ".") && !strings.HasPrefix(d.Source, "/") {
			return cfg, fmt.Errorf("load dependency %s: only local sources can be read offline, not %q", d.Name, d.Source)
		}
	}
	return cfg, nil
}

func goModulePath(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("read go.mod: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("parse %s/go.mod: no module line", dir)
}

// loader turns one module's syntax into a [Module].
type loader struct {
	dir     string
	fset    *token.FileSet
	modPath string
	files   []*ast.File
	specs   map[string]*ast.TypeSpec
	// depObjects maps a dependency's client type names to the dependency's name.
	depObjects map[string]string
	pkgs       pkgResolver
}

// addDependency records the client type names of a dependency's objects: the
// codegen names them as the engine namespaces them (Plan -> PredictorPlan).
func (l *loader) addDependency(name, dir string) error {
	dep, err := loadGoModule(dir, l.pkgs.forModule(dir))
	if err != nil {
		return fmt.Errorf("load dependency %s: %w", name, err)
	}
	td, _ := Codegen(dep) // the dependency's own failures are reported when it is checked
	for client, mod := range td.clientNames() {
		l.depObjects[client] = mod
	}
	return nil
}

func (l *loader) parse() error {
	pkgs, err := parser.ParseDir(l.fset, l.dir, func(fi os.FileInfo) bool {
		n := fi.Name()
		return !strings.HasSuffix(n, "_test.go") && n != "dagger.gen.go"
	}, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("parse %s: %w", l.dir, err)
	}
	pkg, ok := pkgs["main"]
	if !ok {
		return fmt.Errorf("parse %s: no package main", l.dir)
	}
	names := make([]string, 0, len(pkg.Files))
	for n := range pkg.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	l.specs = map[string]*ast.TypeSpec{}
	for _, n := range names {
		f := pkg.Files[n]
		l.files = append(l.files, f)
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok {
				for _, s := range gd.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						l.specs[ts.Name.Name] = ts
					}
				}
			}
		}
	}
	return nil
}

// build fills m with the package's named types, their exported methods and New.
func (l *loader) build(m *Module) error {
	for name, ts := range l.specs {
		if ts.Assign.IsValid() {
			continue // aliases are resolved where they are used
		}
		decl := &TypeDecl{Name: name, Exported: ast.IsExported(name), Kind: declOther}
		if st, ok := ts.Type.(*ast.StructType); ok {
			decl.Kind = declStruct
			fields, err := l.fields(l.fileOf(ts.Pos()), st)
			if err != nil {
				return fmt.Errorf("read type %s: %w", name, err)
			}
			decl.Fields = fields
		}
		m.Types[name] = decl
	}
	for _, f := range l.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			fn, err := l.function(f, fd)
			if err != nil {
				return fmt.Errorf("read func %s: %w", fd.Name.Name, err)
			}
			if fd.Recv == nil {
				if fd.Name.Name == constructorName {
					m.Constructor = fn
				}
				continue
			}
			if decl := m.Types[receiverName(fd)]; decl != nil {
				decl.Methods = append(decl.Methods, *fn)
			}
		}
	}
	return nil
}

func receiverName(fd *ast.FuncDecl) string {
	recv := fd.Recv.List[0].Type
	if s, ok := recv.(*ast.StarExpr); ok {
		recv = s.X
	}
	if id, ok := recv.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func (l *loader) fileOf(pos token.Pos) *ast.File {
	for _, f := range l.files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// fields reads a struct's exported fields, with the pragmas of their doc and line
// comments (module_objects.go parseGoStruct reads both, the line comment winning).
func (l *loader) fields(f *ast.File, st *ast.StructType) ([]Field, error) {
	var out []Field
	for _, fld := range st.Fields.List {
		t, err := l.typeOf(f, fld.Type)
		if err != nil {
			return nil, err
		}
		pragmas := fieldPragmas(fld)
		jsonName := jsonTagName(fld)
		if len(fld.Names) == 0 {
			// The codegen sees an embedded field (and its promoted methods); not modelled.
			out = append(out, Field{GoName: t.String(), Type: t, Embedded: true})
			continue
		}
		for _, n := range fld.Names {
			if n.IsExported() {
				out = append(out, Field{GoName: n.Name, JSONName: jsonName, Type: t, Pragmas: pragmas})
			}
		}
	}
	return out, nil
}

func fieldPragmas(fld *ast.Field) map[string]any {
	doc, _ := parsePragmas(fld.Doc.Text())
	line, _ := parsePragmas(fld.Comment.Text())
	for k, v := range line {
		doc[k] = v
	}
	return doc
}
