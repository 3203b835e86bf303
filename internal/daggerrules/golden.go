package daggerrules

import (
	"encoding/json"
	"fmt"
)

// Captured typedefs: what the real codegen sends the engine, with the names it sent
// (Go names and json tags), before the engine renames anything. [FromCodegenJSON]
// reads them, so the engine's checks run over what the real codegen produced.
type capturedModule struct {
	Name    string           `json:"name"`
	Objects []capturedObject `json:"objects"`
}

type capturedObject struct {
	Name        string             `json:"name"`
	Fields      []capturedField    `json:"fields"`
	Functions   []capturedFunction `json:"functions"`
	Constructor *capturedFunction  `json:"constructor"`
}

type capturedField struct {
	Name string       `json:"name"`
	Type capturedType `json:"type"`
}

type capturedFunction struct {
	Name        string        `json:"name"`
	ReturnType  capturedType  `json:"returnType"`
	Args        []capturedArg `json:"args"`
	CachePolicy string        `json:"cachePolicy"`
	TimeToLive  string        `json:"timeToLive"`
}

type capturedArg struct {
	Name           string       `json:"name"`
	Type           capturedType `json:"type"`
	DefaultValue   string       `json:"defaultValue"`
	DefaultPath    string       `json:"defaultPath"`
	DefaultAddress string       `json:"defaultAddress"`
	Ignore         []string     `json:"ignore"`
}

type capturedType struct {
	Kind     string        `json:"kind"`
	Name     string        `json:"name"`
	Optional bool          `json:"optional"`
	Elem     *capturedType `json:"elem"`
}

// FromCodegenJSON reads the typedefs a module registered, as captured from the real
// codegen ({"name", "objects": [{"name", "fields", "functions", "constructor"}]}, names
// as sent), and names them as the engine does. deps maps a dependency's client type
// names (PredictorPlan) to the dependency's name; other objects that are not the
// module's own are core types.
func FromCodegenJSON(b []byte, deps map[string]string) (TypeDefs, error) {
	var m capturedModule
	if err := json.Unmarshal(b, &m); err != nil {
		return TypeDefs{}, fmt.Errorf("decode captured typedefs: %w", err)
	}
	own := map[string]bool{}
	for _, o := range m.Objects {
		own[o.Name] = true
	}
	c := capturedNames{module: m.Name, own: own, deps: deps}
	td := TypeDefs{Module: m.Name}
	for _, o := range m.Objects {
		obj := ObjectDef{Name: ObjectName(o.Name), SchemaName: NamespacedObjectName(o.Name, m.Name), OriginalName: o.Name}
		for _, f := range o.Fields {
			obj.Fields = append(obj.Fields, FieldDef{Name: FieldName(f.Name), OriginalName: f.Name, Type: c.typeDef(f.Type)})
		}
		for _, fn := range o.Functions {
			obj.Functions = append(obj.Functions, c.function(fn))
		}
		if o.Constructor != nil {
			ctor := c.function(*o.Constructor)
			obj.Constructor = &ctor
		}
		td.Objects = append(td.Objects, obj)
	}
	return td, nil
}

type capturedNames struct {
	module string
	own    map[string]bool
	deps   map[string]string
}

func (c capturedNames) function(fn capturedFunction) FunctionDef {
	def := FunctionDef{Name: FunctionName(fn.Name), OriginalName: fn.Name, Return: c.typeDef(fn.ReturnType), CachePolicy: fn.CachePolicy}
	if fn.TimeToLive != "" {
		ttl := fn.TimeToLive
		def.TimeToLive = &ttl
	}
	for _, a := range fn.Args {
		arg := ArgDef{Name: ArgName(a.Name), OriginalName: a.Name, Type: c.typeDef(a.Type),
			DefaultPath: a.DefaultPath, DefaultAddress: a.DefaultAddress, Ignore: a.Ignore}
		if a.DefaultValue != "" {
			v := a.DefaultValue
			arg.DefaultValue = &v
		}
		def.Args = append(def.Args, arg)
	}
	return def
}

func (c capturedNames) typeDef(t capturedType) TypeDef {
	td := TypeDef{Kind: t.Kind, Name: t.Name, Optional: t.Optional}
	if t.Elem != nil {
		elem := c.typeDef(*t.Elem)
		td.Elem = &elem
	}
	if t.Kind == ObjectKind {
		switch {
		case c.own[t.Name]:
			td.SourceModule = c.module
		case c.deps[t.Name] != "":
			td.SourceModule = c.deps[t.Name]
		}
	}
	return td
}
