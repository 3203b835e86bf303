package daggerrules

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
)

// The predeclared basic types (go/types Typ).
var basicNames = map[string]bool{
	"bool": true, "string": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true, "byte": true, "rune": true,
}

func jsonTagName(fld *ast.Field) string {
	if fld.Tag == nil {
		return ""
	}
	tag, _ := strconv.Unquote(fld.Tag.Value)
	name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
	return name
}

// function reads a method or New: doc pragmas, parameters with their comments'
// pragmas, results.
func (l *loader) function(f *ast.File, fd *ast.FuncDecl) (*Func, error) {
	pragmas, _ := parsePragmas(fd.Doc.Text())
	fn := &Func{GoName: fd.Name.Name, Pragmas: pragmas}
	params := unpackParams(fd.Type.Params)
	for i, p := range params {
		t, err := l.typeOf(f, p.Type)
		if err != nil {
			return nil, err
		}
		if _, ok := p.Type.(*ast.Ellipsis); ok {
			fn.Variadic = true
		}
		doc, line := l.commentForFuncField(f, fd, params, i)
		pr, _ := parsePragmas(doc)
		lp, _ := parsePragmas(line)
		for k, v := range lp {
			pr[k] = v
		}
		name := ""
		if len(p.Names) > 0 {
			name = p.Names[0].Name
		}
		fn.Params = append(fn.Params, Param{GoName: name, Type: t, Pragmas: pr})
	}
	if fd.Type.Results != nil {
		for _, r := range unpackParams(fd.Type.Results) {
			t, err := l.typeOf(f, r.Type)
			if err != nil {
				return nil, err
			}
			fn.Results = append(fn.Results, t)
		}
	}
	return fn, nil
}

// unpackParams ports modules.go unpackASTFields: one field per name.
func unpackParams(fields *ast.FieldList) []*ast.Field {
	var out []*ast.Field
	for _, field := range fields.List {
		if len(field.Names) == 0 {
			out = append(out, field)
			continue
		}
		for i, name := range field.Names {
			c := *field
			c.Names = []*ast.Ident{name}
			if i != 0 {
				c.Doc, c.Comment = nil, nil
			}
			out = append(out, &c)
		}
	}
	return out
}

// commentForFuncField ports modules.go commentForFuncField: an argument's doc comment
// is the first comment group of the file ending on its line or the line before (unless
// the previous argument is that close), its line comment the first one starting on
// its line (unless the next argument shares the line).
func (l *loader) commentForFuncField(f *ast.File, fd *ast.FuncDecl, params []*ast.Field, i int) (doc, line string) {
	tf := l.fset.File(params[i].Pos())
	ln := tf.Line(params[i].Pos())
	allowDoc, allowLine := true, true
	prev := tf.Line(fd.Type.Params.Pos())
	if i > 0 {
		prev = tf.Line(params[i-1].Pos())
	}
	if prev == ln || prev == ln-1 {
		allowDoc = false
	}
	if i+1 < len(fd.Type.Params.List) {
		allowLine = tf.Line(params[i+1].Pos()) != ln
	} else {
		allowLine = tf.Line(fd.Type.Params.End()) != ln
	}
	if allowDoc {
		for _, cg := range f.Comments {
			c := cg.List[len(cg.List)-1]
			last := tf.Line(c.Pos()) + strings.Count(c.Text, "\n")
			if last == ln || last == ln-1 {
				doc = cg.Text()
				break
			}
		}
	}
	if allowLine {
		for _, cg := range f.Comments {
			if tf.Line(cg.List[0].Pos()) == ln {
				line = cg.Text()
				break
			}
		}
	}
	return doc, line
}

// typeOf turns a type expression of file f into a [Type].
func (l *loader) typeOf(f *ast.File, e ast.Expr) (Type, error) {
	switch x := e.(type) {
	case *ast.Ident:
		return l.identType(f, x.Name)
	case *ast.StarExpr:
		t, err := l.typeOf(f, x.X)
		return pointerTo(t), err
	case *ast.Ellipsis:
		t, err := l.typeOf(f, x.Elt)
		return sliceOf(t), err
	case *ast.ArrayType:
		if x.Len != nil {
			return Type{Kind: kindOther, Name: "*types.Array"}, nil
		}
		t, err := l.typeOf(f, x.Elt)
		return sliceOf(t), err
	case *ast.MapType:
		return Type{Kind: kindOther, Name: "*types.Map"}, nil
	case *ast.ChanType:
		return Type{Kind: kindOther, Name: "*types.Chan"}, nil
	case *ast.FuncType:
		return Type{Kind: kindOther, Name: "*types.Signature"}, nil
	case *ast.InterfaceType:
		return Type{Kind: kindInterface}, nil
	case *ast.StructType:
		return l.inlineStruct(f, x)
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok {
			return l.selectorType(f, pkg.Name, x.Sel.Name)
		}
	case *ast.ParenExpr:
		return l.typeOf(f, x.X)
	}
	return Type{}, fmt.Errorf("read type %T at %s: not modelled", e, l.fset.Position(e.Pos()))
}

func (l *loader) identType(f *ast.File, name string) (Type, error) {
	if ts, ok := l.specs[name]; ok {
		if ts.Assign.IsValid() {
			return l.typeOf(f, ts.Type)
		}
		return localType(name), nil
	}
	switch {
	case basicNames[name]:
		return basicType(name), nil
	case name == "error":
		return Type{Kind: kindError}, nil
	case name == "any":
		return Type{Kind: kindInterface}, nil
	}
	return Type{}, fmt.Errorf("read type %s: not declared in the module", name)
}

func (l *loader) inlineStruct(f *ast.File, st *ast.StructType) (Type, error) {
	t := Type{Kind: kindStruct}
	for _, fld := range unpackParams(st.Fields) {
		ft, err := l.typeOf(f, fld.Type)
		if err != nil {
			return Type{}, err
		}
		name := ""
		if len(fld.Names) > 0 {
			name = fld.Names[0].Name
		}
		t.Fields = append(t.Fields, Param{GoName: name, Type: ft, Pragmas: fieldPragmas(fld)})
	}
	return t, nil
}

// selectorType resolves pkg.Name through f's imports: context.Context, a type of the
// generated internal/dagger package, or a foreign type with its underlying type.
func (l *loader) selectorType(f *ast.File, pkg, name string) (Type, error) {
	path := importPath(f, pkg)
	switch {
	case path == "":
		return Type{}, fmt.Errorf("read type %s.%s: package %s not imported", pkg, name, pkg)
	case path == "context" && name == "Context":
		return Type{Kind: kindContext}, nil
	case path == l.modPath+"/internal/dagger":
		if dep, ok := l.depObjects[name]; ok {
			return Type{Kind: kindDagger, Name: name, Module: dep}, nil
		}
		under, err := l.pkgs.underlying(path, name)
		if err != nil {
			return Type{}, err
		}
		return Type{Kind: kindDagger, Name: name, Scalar: under.Kind == kindBasic}, nil
	}
	under, err := l.pkgs.underlying(path, name)
	if err != nil {
		return Type{}, err
	}
	return Type{Kind: kindForeign, Name: pkg + "." + name, Under: &under}, nil
}

func importPath(f *ast.File, pkg string) string {
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		local := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if local == pkg {
			return p
		}
	}
	return ""
}

func newPkgCache() *pkgCache {
	return &pkgCache{dirs: map[string]string{}, files: map[string][]*ast.File{}}
}

// pkgResolver reads a named type's underlying type from its package's source, found
// with `go list` in the module (standard library, module packages, module cache).
type pkgResolver struct {
	dir string
	// generated, when set, is read instead of any module's internal/dagger package:
	// the library its types alias, for sources that have no generated package.
	generated string
	cache     *pkgCache
}

// pkgCache keeps packages found and parsed (the library's generated file is large).
type pkgCache struct {
	dirs  map[string]string
	files map[string][]*ast.File
}

// forModule returns the resolver for another module in dir.
func (r pkgResolver) forModule(dir string) pkgResolver {
	if r.generated != "" {
		return r
	}
	return pkgResolver{dir: dir, cache: r.cache}
}

// underlying returns kindBasic (with the basic name) or kindStruct for a package-level
// type, following aliases into other packages (the stand-in dagger package aliases the
// library's types).
func (r *pkgResolver) underlying(path, name string) (Type, error) {
	files, err := r.parse(path)
	if err != nil {
		return Type{}, err
	}
	for _, f := range files {
		if ts := findType(f, name); ts != nil {
			return r.underlyingOf(f, ts, path)
		}
	}
	return Type{}, fmt.Errorf("resolve type %s.%s: not found", path, name)
}

func (r *pkgResolver) parse(path string) ([]*ast.File, error) {
	dir, err := r.pkgDir(path)
	if err != nil {
		return nil, err
	}
	if files, ok := r.cache.files[dir]; ok {
		return files, nil
	}
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse package %s: %w", path, err)
	}
	var files []*ast.File
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			files = append(files, f)
		}
	}
	r.cache.files[dir] = files
	return files, nil
}

func (r *pkgResolver) underlyingOf(f *ast.File, ts *ast.TypeSpec, path string) (Type, error) {
	switch x := ts.Type.(type) {
	case *ast.StructType:
		return Type{Kind: kindStruct}, nil
	case *ast.Ident:
		if basicNames[x.Name] {
			return basicType(x.Name), nil
		}
		return r.underlying(path, x.Name)
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok {
			return r.underlying(importPath(f, pkg.Name), x.Sel.Name)
		}
	}
	return Type{}, fmt.Errorf("resolve type %s.%s: underlying %T not modelled", path, ts.Name.Name, ts.Type)
}

func findType(f *ast.File, name string) *ast.TypeSpec {
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.Name == name {
					return ts
				}
			}
		}
	}
	return nil
}

func (r *pkgResolver) pkgDir(path string) (string, error) {
	if r.generated != "" && strings.HasSuffix(path, "/internal/dagger") {
		path = r.generated
	}
	key := r.dir + "\x00" + path
	if d, ok := r.cache.dirs[key]; ok {
		return d, nil
	}
	cmd := exec.Command("go", "list", "-f", "{{.Dir}}", path)
	cmd.Dir = r.dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locate package %s: %w", path, err)
	}
	r.cache.dirs[key] = strings.TrimSpace(string(out))
	return r.cache.dirs[key], nil
}
