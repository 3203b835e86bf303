package daggerapi

import (
	"fmt"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// libraryPath is the Dagger Go library, which the offline stand-ins alias.
const libraryPath = "dagger.io/dagger"

// Surface lists the exported API of the Go package in dir as its callers see it after
// type-checking, one sorted line per item: each type with its underlying kind, its
// exported fields and its method set (pointer receiver included), each function,
// variable and constant with its type. Types are named without their package when
// they belong to the package itself or to the Dagger library, so a package that
// aliases the library and one generated from the schema print the same text when
// they offer the same API.
func Surface(dir string) (string, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: dir, Tests: false}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return "", fmt.Errorf("load package in %s: %w", dir, err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return "", fmt.Errorf("load package in %s: %v", dir, pkgs[0].Errors)
	}
	pkg := pkgs[0].Types
	qual := func(p *types.Package) string {
		if p == pkg || p.Path() == libraryPath {
			return ""
		}
		return p.Name()
	}
	var lines []string
	for _, name := range pkg.Scope().Names() {
		obj := pkg.Scope().Lookup(name)
		if !obj.Exported() {
			continue
		}
		lines = append(lines, objectLines(obj, qual)...)
	}
	if len(lines) == 0 {
		return "", fmt.Errorf("found no exported declarations in %s", dir)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n", nil
}

func objectLines(obj types.Object, qual types.Qualifier) []string {
	switch o := obj.(type) {
	case *types.Func:
		return []string{"func " + o.Name() + sigString(o.Type().(*types.Signature), qual)}
	case *types.Var:
		return []string{"var " + o.Name() + " " + types.TypeString(o.Type(), qual)}
	case *types.Const:
		return []string{"const " + o.Name() + " " + types.TypeString(o.Type(), qual)}
	case *types.TypeName:
		return typeLines(o, qual)
	}
	return nil
}

func typeLines(o *types.TypeName, qual types.Qualifier) []string {
	name := o.Name()
	t := types.Unalias(o.Type())
	under := t.Underlying()
	var out []string
	switch u := under.(type) {
	case *types.Struct:
		out = append(out, "type "+name+" struct")
		for f := range u.Fields() {
			if f.Exported() {
				out = append(out, "field "+name+"."+f.Name()+" "+types.TypeString(f.Type(), qual))
			}
		}
	case *types.Interface:
		out = append(out, "type "+name+" interface")
	default:
		out = append(out, "type "+name+" "+types.TypeString(under, qual))
	}
	// The pointer's method set includes the value's.
	ms := types.NewMethodSet(types.NewPointer(t))
	if _, isIface := under.(*types.Interface); isIface {
		ms = types.NewMethodSet(t)
	}
	for sel := range ms.Methods() {
		m := sel.Obj()
		if !m.Exported() {
			continue
		}
		out = append(out, "method "+name+"."+m.Name()+sigString(m.Type().(*types.Signature), qual))
	}
	return out
}

// sigString prints a signature without parameter names, which generators choose
// freely: (context.Context, ...string) (string, error).
func sigString(sig *types.Signature, qual types.Qualifier) string {
	tuple := func(t *types.Tuple, variadic bool) []string {
		var out []string
		for i := range t.Len() {
			typ := t.At(i).Type()
			if variadic && i == t.Len()-1 {
				out = append(out, "..."+types.TypeString(typ.(*types.Slice).Elem(), qual))
				continue
			}
			out = append(out, types.TypeString(typ, qual))
		}
		return out
	}
	s := "(" + strings.Join(tuple(sig.Params(), sig.Variadic()), ", ") + ")"
	res := tuple(sig.Results(), false)
	switch len(res) {
	case 0:
	case 1:
		s += " " + res[0]
	default:
		s += " (" + strings.Join(res, ", ") + ")"
	}
	return s
}
