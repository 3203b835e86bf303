package daggerrules

import "dagger/predictor/internal/daggerapi"

// fromGolden names typedefs captured from the real codegen (daggerapi's goldens: what
// the codegen sent, Go names and json tags, before the engine renames anything) as the
// engine does, so the engine's checks run over what the real codegen produced. deps
// maps a dependency's client type names (PredictorPlan) to the dependency's name;
// other objects that are not the module's own are core types.
func fromGolden(m daggerapi.Module, deps map[string]string) TypeDefs {
	own := map[string]bool{}
	for _, o := range m.Objects {
		own[o.Name] = true
	}
	c := capturedNames{module: m.Name, own: own, deps: deps}
	td := TypeDefs{Module: m.Name}
	for _, o := range m.Objects {
		obj := ObjectDef{Name: objectName(o.Name), SchemaName: namespacedObjectName(o.Name, m.Name), OriginalName: o.Name}
		for _, f := range o.Fields {
			obj.Fields = append(obj.Fields, FieldDef{Name: fieldName(f.Name), OriginalName: f.Name, Type: c.typeDef(f.Type)})
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
	return td
}

type capturedNames struct {
	module string
	own    map[string]bool
	deps   map[string]string
}

func (c capturedNames) function(fn daggerapi.Function) FunctionDef {
	def := FunctionDef{Name: functionName(fn.Name), OriginalName: fn.Name, Return: c.typeDef(fn.ReturnType), CachePolicy: fn.CachePolicy}
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

func (c capturedNames) typeDef(t daggerapi.Type) TypeDef {
	td := TypeDef{Kind: t.Kind, Name: t.Name, Optional: t.Optional}
	if t.Elem != nil {
		elem := c.typeDef(*t.Elem)
		td.Elem = &elem
	}
	if t.Kind == objectKind {
		switch {
		case c.own[t.Name]:
			td.SourceModule = c.module
		case c.deps[t.Name] != "":
			td.SourceModule = c.deps[t.Name]
		}
	}
	return td
}
