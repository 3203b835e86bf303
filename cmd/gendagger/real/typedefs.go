package main

import (
	"encoding/json"
	"fmt"

	"dagger/predictor/internal/daggerapi"
)

// The interpreters below read the calls the codegen's typedef registration made
// (cmd/codegen/generator/go/templates typedefs.go and module_*.go) back into
// daggerapi's types. A call they do not know is an error, not a silent drop: a new
// codegen feature must show up in the goldens.

// moduleOf reads the registration query: module { withDescription, withObject... id }.
func moduleOf(name string, chain []call) (daggerapi.Module, error) {
	m := daggerapi.Module{Name: name, Objects: []daggerapi.Object{}}
	if len(chain) == 0 || chain[0].Field != "module" {
		return m, fmt.Errorf("read registration: it does not start at module")
	}
	for _, c := range chain[1:] {
		switch c.Field {
		case "withDescription":
			m.Description = str(c.Args["description"])
		case "withObject":
			_, obj, err := typeDefOf(c.Args["object"])
			if err != nil {
				return m, fmt.Errorf("read object: %w", err)
			}
			if obj == nil {
				return m, fmt.Errorf("read object: withObject got a typedef that is not an object")
			}
			m.Objects = append(m.Objects, *obj)
		case "id":
		default:
			return m, fmt.Errorf("read module: unknown call %s", c.Field)
		}
	}
	return m, nil
}

// typeDefOf reads a typeDef chain: a type reference, and the object it defines when
// it is withObject(...) followed by fields and functions.
func typeDefOf(v any) (daggerapi.Type, *daggerapi.Object, error) {
	chain, ok := v.([]call)
	if !ok || len(chain) == 0 || chain[0].Field != "typeDef" {
		return daggerapi.Type{}, nil, fmt.Errorf("want a typeDef, got %v", v)
	}
	var t daggerapi.Type
	var obj *daggerapi.Object
	for _, c := range chain[1:] {
		switch c.Field {
		case "withKind":
			t.Kind = str(c.Args["kind"])
		case "withOptional":
			t.Optional, _ = c.Args["optional"].(bool)
		case "withObject", "withScalar", "withInterface", "withEnum":
			t.Kind = kindOf[c.Field]
			t.Name = str(c.Args["name"])
			if c.Field == "withObject" {
				obj = &daggerapi.Object{Name: t.Name, Description: str(c.Args["description"])}
			}
		case "withListOf":
			elem, _, err := typeDefOf(c.Args["elementType"])
			if err != nil {
				return t, nil, fmt.Errorf("read list element: %w", err)
			}
			t.Kind, t.Elem = "LIST_KIND", &elem
		case "withField", "withFunction", "withConstructor":
			if obj == nil {
				return t, nil, fmt.Errorf("%s before withObject", c.Field)
			}
			if err := addMember(obj, c); err != nil {
				return t, nil, err
			}
		case "id":
		default:
			return t, nil, fmt.Errorf("read typeDef: unknown call %s", c.Field)
		}
	}
	return t, obj, nil
}

var kindOf = map[string]string{
	"withObject": "OBJECT_KIND", "withScalar": "SCALAR_KIND",
	"withInterface": "INTERFACE_KIND", "withEnum": "ENUM_KIND",
}

func addMember(obj *daggerapi.Object, c call) error {
	if c.Field == "withField" {
		t, _, err := typeDefOf(c.Args["typeDef"])
		if err != nil {
			return fmt.Errorf("read field %s: %w", str(c.Args["name"]), err)
		}
		obj.Fields = append(obj.Fields, daggerapi.Field{
			Name: str(c.Args["name"]), Description: str(c.Args["description"]),
			Type: t, Deprecated: strPtr(c.Args, "deprecated"),
		})
		return nil
	}
	fn, err := functionOf(c.Args["function"])
	if err != nil {
		return err
	}
	if c.Field == "withConstructor" {
		obj.Constructor = &fn
	} else {
		obj.Functions = append(obj.Functions, fn)
	}
	return nil
}

// functionOf reads function(name, returnType) { withDescription, withArg, ... }.
func functionOf(v any) (daggerapi.Function, error) {
	chain, ok := v.([]call)
	if !ok || len(chain) == 0 || chain[0].Field != "function" {
		return daggerapi.Function{}, fmt.Errorf("want a function, got %v", v)
	}
	ret, _, err := typeDefOf(chain[0].Args["returnType"])
	fn := daggerapi.Function{Name: str(chain[0].Args["name"]), ReturnType: ret}
	if err != nil {
		return fn, fmt.Errorf("read return type of %s: %w", fn.Name, err)
	}
	for _, c := range chain[1:] {
		switch c.Field {
		case "withDescription":
			fn.Description = str(c.Args["description"])
		case "withArg":
			arg, err := argOf(c)
			if err != nil {
				return fn, fmt.Errorf("read function %s: %w", fn.Name, err)
			}
			fn.Args = append(fn.Args, arg)
		case "withCachePolicy":
			fn.CachePolicy, fn.TimeToLive = str(c.Args["policy"]), str(c.Args["timeToLive"])
		case "withDeprecated":
			reason := str(c.Args["reason"])
			fn.Deprecated = &reason
		case "withCheck":
			fn.Check = true
		case "withGenerator":
			fn.Generator = true
		case "withUp":
			fn.Up = true
		case "withSourceMap", "id":
			// Source maps are file positions: they churn with every edit and say
			// nothing about the API.
		default:
			return fn, fmt.Errorf("read function %s: unknown call %s", fn.Name, c.Field)
		}
	}
	return fn, nil
}

func argOf(c call) (daggerapi.Arg, error) {
	t, _, err := typeDefOf(c.Args["typeDef"])
	a := daggerapi.Arg{
		Name: str(c.Args["name"]), Description: str(c.Args["description"]), Type: t,
		DefaultValue: str(c.Args["defaultValue"]), DefaultPath: str(c.Args["defaultPath"]),
		DefaultAddress: str(c.Args["defaultAddress"]), Deprecated: strPtr(c.Args, "deprecated"),
	}
	if err != nil {
		return a, fmt.Errorf("read argument %s: %w", a.Name, err)
	}
	for k := range c.Args {
		if !knownArgArgs[k] {
			return a, fmt.Errorf("read argument %s: unknown option %s", a.Name, k)
		}
	}
	if ig, ok := c.Args["ignore"].([]any); ok {
		for _, p := range ig {
			a.Ignore = append(a.Ignore, str(p))
		}
	}
	return a, nil
}

var knownArgArgs = map[string]bool{
	"name": true, "typeDef": true, "description": true, "defaultValue": true,
	"defaultPath": true, "defaultAddress": true, "ignore": true, "sourceMap": true,
	"deprecated": true,
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return string(x)
	}
	return fmt.Sprint(v)
}

func strPtr(args map[string]any, k string) *string {
	v, ok := args[k]
	if !ok {
		return nil
	}
	s := str(v)
	return &s
}
