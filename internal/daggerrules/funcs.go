package daggerrules

import (
	"fmt"
	"strings"
)

// funcSpec is a parsed method or constructor (module_funcs.go funcTypeSpec).
type funcSpec struct {
	def     FunctionDef
	subs    []Type
	results []Type
}

// argSpec is a parsed argument (module_funcs.go paramSpec).
type argSpec struct {
	def        ArgDef
	isContext  bool
	optional   bool
	hasDefault bool
	variadic   bool
	isPtr      bool
	deprecated bool
	subs       []Type
}

// isOptional ports module_funcs.go paramSpec.isOptional (a pointer is optional too).
func (a argSpec) isOptional() bool { return a.optional || a.hasDefault || a.variadic || a.isPtr }

// parseFunc ports module_funcs.go parseGoFunc and funcTypeSpec.TypeDefFunc. parent is
// the receiver's Go name, "" for the constructor.
func (g *codegen) parseFunc(parent string, fn *Func) (*funcSpec, error) {
	spec := &funcSpec{results: fn.Results, def: FunctionDef{Name: functionName(fn.GoName), OriginalName: fn.GoName}}
	if err := cachePolicy(fn.Pragmas, &spec.def); err != nil {
		return nil, err
	}
	for _, p := range []string{"check", "generate", "up"} {
		if v, ok := fn.Pragmas[p]; ok && v != nil {
			if _, ok := v.(bool); !ok {
				return nil, violation(srcParseFunc, "%s pragma %q, must be a valid boolean", p, v)
			}
		}
	}
	args, err := g.parseParams(fn)
	if err != nil {
		return nil, err
	}
	owner := fn.GoName
	if parent != "" {
		owner = parent + "." + fn.GoName
	}
	for _, a := range args {
		if a.deprecated && !a.isOptional() {
			return nil, violation(srcParseFunc, "argument %q on %s is required and cannot be deprecated", a.def.OriginalName, owner)
		}
		if !a.isContext {
			spec.def.Args = append(spec.def.Args, a.def)
			spec.subs = append(spec.subs, a.subs...)
		}
	}
	spec.def.Return = TypeDef{Kind: voidKind, Optional: true}
	results := fn.Results
	if len(results) > 2 {
		return nil, violation(srcParseFunc, "method %s has too many return values", fn.GoName)
	}
	if len(results) == 2 || (len(results) == 1 && results[0].Kind != kindError) {
		ret, subs, err := g.typeDef(results[0], false)
		if err != nil {
			return nil, fmt.Errorf("failed to parse return type: %w", err)
		}
		spec.def.Return, spec.subs = ret, append(spec.subs, subs...)
	}
	return spec, nil
}

// cachePolicy ports the +cache pragma: parseGoFunc requires a string, TypeDefFunc maps
// "never" and "session" to their policies and anything else to a time to live.
func cachePolicy(pragmas map[string]any, def *FunctionDef) error {
	v, ok := pragmas["cache"]
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return violation(srcParseFunc, "cache pragma %q, must be a valid string", v)
	}
	switch s {
	case "never":
		def.CachePolicy = "Never"
	case "session":
		def.CachePolicy = "PerSession"
	case "":
	default:
		ttl := strings.TrimSpace(s)
		def.CachePolicy, def.TimeToLive = "Default", &ttl
	}
	return nil
}

// parseParams ports module_funcs.go parseParamSpecs: a leading context, then either one
// inline options struct whose fields are the arguments, or one argument per parameter.
func (g *codegen) parseParams(fn *Func) ([]argSpec, error) {
	params := fn.Params
	var specs []argSpec
	i := 0
	if len(params) > 0 && params[0].Type.Kind == kindContext {
		specs = append(specs, argSpec{isContext: true})
		i++
	}
	if i+1 == len(params) {
		if st, ok := inlineStruct(params[i].Type); ok {
			for _, f := range st.Fields {
				spec, err := g.parseParam(f)
				if err != nil {
					return nil, err
				}
				if spec.isContext {
					return nil, violation(srcParamSpecs, "unexpected context type in inline field %s", f.GoName)
				}
				specs = append(specs, spec)
			}
			return specs, nil
		}
	}
	for ; i < len(params); i++ {
		spec, err := g.parseParam(params[i])
		if err != nil {
			return nil, err
		}
		if spec.isContext {
			return nil, violation(srcParamSpecs, "unexpected context type for arg %s", params[i].GoName)
		}
		if fn.Variadic && i == len(params)-1 {
			spec.variadic = true
		}
		specs = append(specs, spec)
	}
	return specs, nil
}

func inlineStruct(t Type) (Type, bool) {
	for t.Kind == kindPointer {
		t = *t.Elem
	}
	return t, t.Kind == kindStruct
}

// parseParam ports module_funcs.go parseParamSpecVar and the argument part of
// funcTypeSpec.TypeDefFunc.
func (g *codegen) parseParam(p Param) (argSpec, error) {
	if p.Type.Kind == kindStruct {
		return argSpec{}, violation(srcParamVar, "nested structs are not supported")
	}
	spec := argSpec{isPtr: p.Type.Kind == kindPointer, def: ArgDef{Name: ArgName(p.GoName), OriginalName: p.GoName}}
	pr := p.Pragmas
	if v, ok := pr["optional"]; ok {
		b, _ := v.(bool)
		spec.optional = v == nil || b
	}
	for _, key := range []string{"defaultPath", "defaultAddress"} {
		if v, ok := pr[key]; ok {
			s, ok := v.(string)
			if !ok {
				return argSpec{}, violation(srcParamVar, "%s pragma %q, must be a valid string", key, v)
			}
			spec.optional = true
			if key == "defaultPath" {
				spec.def.DefaultPath = s
			} else {
				spec.def.DefaultAddress = s
			}
		}
	}
	_, spec.deprecated = pr["deprecated"]
	if v, ok := pr["ignore"]; ok {
		ignore, err := ignoreList(v)
		if err != nil {
			return argSpec{}, err
		}
		if len(ignore) > 0 {
			spec.def.Ignore = ignore
		}
	}
	if p.Type.Kind == kindContext {
		spec.isContext = true
		return spec, nil
	}
	td, subs, err := g.typeDef(p.Type, false)
	if err != nil {
		return argSpec{}, fmt.Errorf("failed to parse type reference: %w", err)
	}
	td.Optional = td.Optional || spec.optional
	spec.def.Type, spec.subs = td, subs
	if v, ok := pr["default"]; ok {
		spec.hasDefault = true
		if spec.def.DefaultValue, err = defaultJSON(v); err != nil {
			return argSpec{}, err
		}
	}
	return spec, nil
}

// functionCases ports modules.go fillObjectFunctionCases: from the main object through
// the objects functions return (not fields, not list elements), each function's
// results must be (T), (error), (T, error) or nothing, and New must return the main
// object.
func (g *codegen) functionCases(objName string, seen map[string]bool) {
	if seen[objName] {
		return
	}
	hasCtor := objName == g.mainName() && g.mod.Constructor != nil
	if len(g.methods[objName]) == 0 && !hasCtor {
		return
	}
	seen[objName] = true
	for _, m := range g.methods[objName] {
		g.functionCase(m.def.OriginalName, m.results, seen)
	}
	if !hasCtor {
		return
	}
	results := g.mod.Constructor.Results
	if len(results) == 0 {
		g.fail(violation(srcCtor, "%s must return a value", constructorName))
		return
	}
	r := results[0]
	if r.Kind == kindPointer {
		r = *r.Elem
	}
	if r.Kind != kindModule || r.Name != objName {
		g.fail(violation(srcCtor, "%s must return the main module object %q", constructorName, objName))
		return
	}
	g.functionCase(constructorName, results, seen)
}

// functionCase ports modules.go fillObjectFunctionCase.
func (g *codegen) functionCase(fnName string, results []Type, seen map[string]bool) {
	switch {
	case len(results) == 2 && results[1].Kind != kindError:
		g.fail(violation(srcCase, "second return value must be error, have %s", results[1]))
		return
	case len(results) == 0, len(results) == 1 && results[0].Kind == kindError:
		return
	case len(results) > 2:
		g.fail(violation(srcCase, "unexpected number of results from function %s: %d", fnName, len(results)))
		return
	}
	r := results[0]
	if r.Kind == kindPointer {
		r = *r.Elem
	}
	if r.Kind == kindModule {
		g.functionCases(r.Name, seen)
	}
}

// String renders a type the way Go source spells it.
func (t Type) String() string {
	switch t.Kind {
	case kindPointer:
		return "*" + t.Elem.String()
	case kindSlice:
		return "[]" + t.Elem.String()
	case kindDagger:
		return "dagger." + t.Name
	case kindContext:
		return contextTypeName
	case kindError:
		return "error"
	case kindStruct:
		return "struct{...}"
	case kindInterface:
		return "interface{...}"
	}
	return t.Name
}
