package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// modulePath is the root module's import path (go.mod).
const modulePath = "dagger/predictor"

// goPackage is one directory's package: its import path, the exported names its
// non-test files declare (package level, and methods by name), and its files.
type goPackage struct {
	path     string
	main     bool
	exported map[string]token.Position
	methods  map[string]token.Position
	// api holds the names the package's exported signatures, exported struct fields
	// and exported variables' types mention: a type a caller receives stays exported
	// even when the caller never names it.
	api   map[string]bool
	files []*ast.File
	// results are the result lists of the package's functions, and initCalls the
	// functions whose results initialise exported variables (var All, err = load()):
	// those results are the variables' types.
	results   map[string]*ast.FieldList
	initCalls []string
	// enums maps each constant of a typed block (const ( A T = iota; B; C )) to the
	// block's exported constants: a caller that compares a value with one of them
	// relies on the whole set, so one used elsewhere keeps them all exported.
	enums map[string][]string
}

// skipDir reports directories that hold no package of ours to check: generated Dagger
// stand-ins, testdata, the separate tests/ module, hidden and tool directories.
func skipDir(rel string) bool {
	base := filepath.Base(rel)
	return rel != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "node_modules" ||
		slices.Contains([]string{"tests", "backend", "internal/dagger", "internal/querybuilder", "internal/telemetry"}, rel))
}

// loadPackages parses every Go file of the root module, by package directory.
func loadPackages(t *testing.T) map[string]*goPackage {
	t.Helper()
	pkgs := map[string]*goPackage{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if err == nil && skipDir(p) {
				return filepath.SkipDir
			}
			return err
		}
		if !strings.HasSuffix(p, ".go") || p == "dagger.gen.go" {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		pkg := pkgs[dir]
		if pkg == nil {
			pkg = &goPackage{path: strings.TrimSuffix(modulePath+"/"+dir, "/."), exported: map[string]token.Position{}, methods: map[string]token.Position{}, api: map[string]bool{}, results: map[string]*ast.FieldList{}, enums: map[string][]string{}}
			pkgs[dir] = pkg
		}
		pkg.files = append(pkg.files, f)
		if !strings.HasSuffix(p, "_test.go") {
			pkg.main = pkg.main || f.Name.Name == "main"
			declared(fset, f, pkg)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("parse the module's Go files: %v", err)
	}
	for _, pkg := range pkgs {
		for _, name := range pkg.initCalls {
			if r := pkg.results[name]; r != nil {
				mentions(r, pkg.api)
			}
		}
	}
	return pkgs
}

// declared adds f's exported package-level names and methods to pkg.
func declared(fset *token.FileSet, f *ast.File, pkg *goPackage) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Type.Results != nil {
				pkg.results[d.Name.Name] = d.Type.Results
			}
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				pkg.exported[d.Name.Name] = fset.Position(d.Pos())
			} else {
				pkg.methods[d.Name.Name] = fset.Position(d.Pos())
			}
			mentions(d.Type, pkg.api)
		case *ast.GenDecl:
			enumBlock(d, pkg)
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						pkg.exported[s.Name.Name] = fset.Position(s.Pos())
						mentions(s.Type, pkg.api)
					}
				case *ast.ValueSpec:
					exportedValue(fset, s, pkg)
				}
			}
		}
	}
}

// enumBlock records the exported constants of a typed const block as one enum.
func enumBlock(d *ast.GenDecl, pkg *goPackage) {
	if d.Tok != token.CONST || len(d.Specs) < 2 || d.Specs[0].(*ast.ValueSpec).Type == nil {
		return
	}
	var names []string
	for _, s := range d.Specs {
		for _, n := range s.(*ast.ValueSpec).Names {
			if n.IsExported() {
				names = append(names, n.Name)
			}
		}
	}
	for _, n := range names {
		pkg.enums[n] = names
	}
}

// exportedValue adds s's exported names to pkg, and the types they have to pkg.api:
// the declared type, a composite literal's type, or the results of the function of
// the package that initialises them.
func exportedValue(fset *token.FileSet, s *ast.ValueSpec, pkg *goPackage) {
	found := false
	for _, n := range s.Names {
		if n.IsExported() {
			pkg.exported[n.Name] = fset.Position(n.Pos())
			found = true
		}
	}
	if !found {
		return
	}
	if s.Type != nil {
		mentions(s.Type, pkg.api)
	}
	for _, v := range s.Values {
		switch v := v.(type) {
		case *ast.CompositeLit:
			if v.Type != nil {
				mentions(v.Type, pkg.api)
			}
		case *ast.CallExpr:
			if id, ok := v.Fun.(*ast.Ident); ok {
				pkg.initCalls = append(pkg.initCalls, id.Name)
			}
		}
	}
}

// mentions adds the identifiers in n (a signature or a type) to names, leaving out
// the names of fields and parameters: a field Destroy does not make a constant
// Destroy part of the API.
func mentions(n ast.Node, names map[string]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		if f, ok := n.(*ast.Field); ok {
			mentions(f.Type, names)
			return false
		}
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
}

// usedFrom records, for each file outside pkg, the names it selects from the packages
// it imports (by import path), and every selector name (methods, approximately: a
// method counts as used when any other package calls a method of that name).
func usedFrom(pkgs map[string]*goPackage) (used map[string]map[string]bool, selectors map[string]map[string]bool) {
	used, selectors = map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, pkg := range pkgs {
		for _, f := range pkg.files {
			local := map[string]string{}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				local[name] = path
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && local[id.Name] != "" {
					mark(used, local[id.Name], sel.Sel.Name)
				}
				// Under the importing package's own path: a file of pkg itself
				// calling a method does not make it used from outside.
				mark(selectors, pkg.path, sel.Sel.Name)
				return true
			})
		}
	}
	return used, selectors
}

func mark(m map[string]map[string]bool, key, name string) {
	if m[key] == nil {
		m[key] = map[string]bool{}
	}
	m[key][name] = true
}

// TestNoExportNobodyImports fails on an exported name of an internal package that no
// other package (tests included) uses: it should be unexported, so a reader knows
// the package alone depends on it. Package main is exempt (the Dagger module's
// methods are its API; cmd/ mains export nothing to anyone).
func TestNoExportNobodyImports(t *testing.T) {
	pkgs := loadPackages(t)
	used, selectors := usedFrom(pkgs)
	for _, pkg := range pkgs {
		if pkg.main {
			continue
		}
		base := filepath.Base(pkg.path)
		for name, pos := range pkg.exported {
			// A sentinel error is part of the contract of the functions that return
			// it (callers check it with errors.Is), used by a caller or not.
			inUse := func(n string) bool { return used[pkg.path][n] }
			if !inUse(name) && !slices.ContainsFunc(pkg.enums[name], inUse) && !pkg.api[name] && !strings.HasPrefix(name, "Err") {
				t.Errorf("%s: %s.%s is exported but no other package uses it", pos, base, name)
			}
		}
		for name, pos := range pkg.methods {
			if !selectedElsewhere(selectors, pkg.path, name) && !interfaceMethod[name] {
				t.Errorf("%s: method %s is exported but no other package calls a method of that name", pos, name)
			}
		}
	}
}

func selectedElsewhere(selectors map[string]map[string]bool, self, name string) bool {
	for path, names := range selectors {
		if path != self && names[name] {
			return true
		}
	}
	return false
}

// interfaceMethod lists the methods that exist to satisfy standard interfaces (error,
// fmt.Stringer, errors.Is/As, encoding/json, io), called through them, and the one
// library interface a package implements: go-containerregistry's authn.Keychain
// (Resolve), which ecrimage asserts at compile time.
var interfaceMethod = map[string]bool{
	"Error": true, "String": true, "Unwrap": true, "Is": true, "As": true, "Format": true,
	"MarshalJSON": true, "UnmarshalJSON": true, "MarshalText": true, "UnmarshalText": true,
	"Read": true, "Write": true, "Close": true, "ServeHTTP": true, "RoundTrip": true,
	"Len": true, "Less": true, "Swap": true, "Set": true, "Type": true, "GoString": true,
	"Resolve": true,
}
