package daggerrules

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/iancoleman/strcase"
)

// Codegen ports the Go SDK's codegen over a module: it returns the typedefs the module
// would register and every check the codegen would fail (joined), skipping only what
// failed. Like visit.go visitTypes, it starts at the main object and follows the types
// that fields, arguments and results reach.
func Codegen(m *Module) (TypeDefs, error) {
	g := &codegen{mod: m, added: map[string]bool{}, methods: map[string][]*funcSpec{}}
	out := TypeDefs{Module: m.Name}
	main := g.mainName()
	var queue []Type
	if main != "" {
		queue = append(queue, localType(main))
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		obj, subs, ok := g.visit(t)
		if ok {
			out.Objects = append(out.Objects, obj)
			queue = append(queue, subs...)
		}
	}
	if main != "" {
		g.functionCases(main, map[string]bool{})
	}
	return out, errors.Join(g.errs...)
}

type codegen struct {
	mod     *Module
	added   map[string]bool
	methods map[string][]*funcSpec
	errs    []error
}

// fail records err once: a type referenced twice fails the same way twice.
func (g *codegen) fail(err error) {
	for _, e := range g.errs {
		if e.Error() == err.Error() {
			return
		}
	}
	g.errs = append(g.errs, err)
}

// mainName is the main object's Go name (modules.go getTypes and
// checkMainModuleObject): the exported type named like the module, "" without one.
func (g *codegen) mainName() string {
	for name, d := range g.mod.Types {
		if d.Exported && strcase.ToCamel(g.mod.Name) == strcase.ToCamel(name) {
			return name
		}
	}
	return ""
}

// visit is one step of visit.go visitTypes: the named type t becomes an object
// typedef, and the types it references are returned to be visited next.
func (g *codegen) visit(t Type) (ObjectDef, []Type, bool) {
	switch t.Kind {
	case kindForeign:
		if t.Under != nil && t.Under.Kind == kindBasic {
			return ObjectDef{}, nil, false
		}
		_, name, _ := strings.Cut(t.Name, ".")
		g.fail(violation(srcVisit, "cannot code-generate for foreign type %s", name))
		return ObjectDef{}, nil, false
	case kindModule:
	default:
		return ObjectDef{}, nil, false
	}
	decl := g.mod.Types[t.Name]
	if decl == nil {
		g.fail(violation(srcNotModelled, "type %s is not declared in the module", t.Name))
		return ObjectDef{}, nil, false
	}
	if !decl.Exported {
		g.fail(violation(srcVisit, "cannot code-generate unexported type %s", decl.Name))
		return ObjectDef{}, nil, false
	}
	if g.added[decl.Name] {
		return ObjectDef{}, nil, false
	}
	if decl.Kind != declStruct {
		g.fail(violation(srcNotModelled, "type %s: only struct objects are modelled, not enums or interfaces", decl.Name))
		return ObjectDef{}, nil, false
	}
	g.added[decl.Name] = true
	return g.object(decl)
}

// object ports module_objects.go parseGoStruct and parsedObjectType.TypeDef.
func (g *codegen) object(decl *TypeDecl) (ObjectDef, []Type, bool) {
	obj := ObjectDef{
		Name:         objectName(decl.Name),
		SchemaName:   namespacedObjectName(decl.Name, g.mod.Name),
		OriginalName: decl.Name,
	}
	var subs []Type
	methods := append([]Func(nil), decl.Methods...)
	// types.NewMethodSet lists methods by name.
	sort.Slice(methods, func(i, j int) bool { return methods[i].GoName < methods[j].GoName })
	for i := range methods {
		spec, err := g.parseFunc(decl.Name, &methods[i])
		if err != nil {
			g.fail(fmt.Errorf("failed to parse method %s: %w", methods[i].GoName, err))
			continue
		}
		g.methods[decl.Name] = append(g.methods[decl.Name], spec)
		obj.Functions = append(obj.Functions, spec.def)
		subs = append(subs, spec.subs...)
	}
	for _, f := range decl.Fields {
		if f.Embedded {
			g.fail(violation(srcNotModelled, "object %s: embedded field %s", decl.Name, f.GoName))
			continue
		}
		def, fsubs, keep, err := g.field(f)
		if err != nil {
			g.fail(fmt.Errorf("check object %s: %w", decl.Name, err))
			continue
		}
		if keep {
			obj.Fields = append(obj.Fields, def)
			subs = append(subs, fsubs...)
		}
	}
	if strcase.ToCamel(g.mod.Name) == strcase.ToCamel(decl.Name) && g.mod.Constructor != nil {
		spec, err := g.parseFunc("", g.mod.Constructor)
		if err != nil {
			g.fail(fmt.Errorf("failed to parse constructor: %w", err))
		} else {
			obj.Constructor = &spec.def
			subs = append(subs, spec.subs...)
		}
	}
	return obj, subs, true
}

// field ports the field part of module_objects.go parseGoStruct: every exported field's
// type is parsed, private ones included; a json tag renames it, "-" drops it; a
// +private field is not registered and its types are not visited.
func (g *codegen) field(f Field) (FieldDef, []Type, bool, error) {
	td, subs, err := g.typeDef(f.Type, false)
	if err != nil {
		return FieldDef{}, nil, false, fmt.Errorf("failed to parse field type: %w", err)
	}
	name := f.GoName
	if f.JSONName == "-" {
		return FieldDef{}, nil, false, nil
	} else if f.JSONName != "" {
		name = f.JSONName
	}
	if v, ok := f.Pragmas["private"]; ok {
		if private, _ := v.(bool); v == nil || private {
			return FieldDef{}, nil, false, nil
		}
	}
	return FieldDef{Name: fieldName(name), OriginalName: name, Type: td}, subs, true, nil
}

// typeDef ports module_types.go parseGoTypeReference and the TypeDef methods of the
// parsed types: the typedef of a Go type and the named types it references.
func (g *codegen) typeDef(t Type, isPtr bool) (TypeDef, []Type, error) {
	switch t.Kind {
	case kindPointer:
		return g.typeDef(*t.Elem, true)
	case kindSlice:
		elem, subs, err := g.typeDef(*t.Elem, isPtr)
		if err != nil {
			return TypeDef{}, nil, fmt.Errorf("failed to parse slice element type: %w", err)
		}
		return TypeDef{Kind: listKind, Elem: &elem}, subs, nil
	case kindBasic:
		kind, err := basicKind(t.Name)
		return TypeDef{Kind: kind, Optional: isPtr}, nil, err
	case kindModule:
		return TypeDef{Kind: objectKind, Name: t.Name, SourceModule: g.mod.Name}, []Type{t}, nil
	case kindDagger:
		if t.Scalar {
			return TypeDef{Kind: scalarKind, Name: t.Name, Optional: isPtr}, nil, nil
		}
		return TypeDef{Kind: objectKind, Name: t.Name, SourceModule: t.Module}, nil, nil
	case kindForeign:
		if t.Under != nil && t.Under.Kind == kindBasic {
			kind, err := basicKind(t.Under.Name)
			return TypeDef{Kind: kind, Optional: isPtr}, nil, err
		}
		_, name, _ := strings.Cut(t.Name, ".")
		return TypeDef{Kind: objectKind, Name: name}, []Type{t}, nil
	case kindStruct:
		return TypeDef{}, nil, violation(srcTypeRef, "struct types must be named")
	case kindInterface:
		return TypeDef{}, nil, violation(srcTypeRef, "interface types must be named")
	case kindOther:
		return TypeDef{}, nil, violation(srcTypeRef, "unsupported type for named type reference %s", t.Name)
	}
	return TypeDef{}, nil, violation(srcNotModelled, "type %s (kind %d) as a field, argument or result", t.Name, t.Kind)
}

// basicKind ports parsedPrimitiveType.TypeDef, which switches on types.Basic.Info():
// only the exact flags of string, signed integers, floats and bool have a kind, so
// unsigned integers and complex numbers are refused.
func basicKind(name string) (string, error) {
	switch name {
	case "string":
		return stringKind, nil
	case "int", "int8", "int16", "int32", "int64", "rune":
		return integerKind, nil
	case "float32", "float64":
		return floatKind, nil
	case "bool":
		return booleanKind, nil
	}
	return "", violation(srcPrimitive, "unsupported basic type: %s", name)
}

// defaultJSON encodes a +default value as module_funcs.go funcTypeSpec.TypeDefFunc does.
func defaultJSON(v any) (*string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("could not encode default value %q: %w", v, err)
	}
	s := string(b)
	return &s, nil
}

// ignoreList decodes an +ignore value as module_funcs.go parseParamSpecVar does with
// mapstructure.Decode into a []string: nil is empty, a list must hold only strings.
func ignoreList(v any) ([]string, error) {
	ignore := []string{}
	if v == nil {
		return ignore, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, violation(srcParamVar, "ignore pragma %q, must be a valid JSON array", v)
	}
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, violation(srcParamVar, "ignore pragma %q, must be a valid JSON array", v)
		}
		ignore = append(ignore, s)
	}
	return ignore, nil
}
