package daggerrules

import "dagger/predictor/internal/daggerapi"

// toGolden renders typedefs as the goldens record them, with the names the codegen sent.
func toGolden(td TypeDefs) daggerapi.Module {
	m := daggerapi.Module{Name: td.Module}
	for _, o := range td.Objects {
		g := daggerapi.Object{Name: o.OriginalName}
		for _, f := range o.Fields {
			g.Fields = append(g.Fields, daggerapi.Field{Name: f.OriginalName, Type: toGoldenType(f.Type)})
		}
		for _, fn := range o.Functions {
			g.Functions = append(g.Functions, toGoldenFunction(fn))
		}
		if o.Constructor != nil {
			c := toGoldenFunction(*o.Constructor)
			g.Constructor = &c
		}
		m.Objects = append(m.Objects, g)
	}
	return m
}

func toGoldenFunction(fn FunctionDef) daggerapi.Function {
	g := daggerapi.Function{Name: fn.OriginalName, ReturnType: toGoldenType(fn.Return), CachePolicy: fn.CachePolicy}
	if fn.TimeToLive != nil {
		g.TimeToLive = *fn.TimeToLive
	}
	for _, a := range fn.Args {
		ga := daggerapi.Arg{Name: a.OriginalName, Type: toGoldenType(a.Type), DefaultPath: a.DefaultPath, DefaultAddress: a.DefaultAddress, Ignore: a.Ignore}
		if a.DefaultValue != nil {
			ga.DefaultValue = *a.DefaultValue
		}
		g.Args = append(g.Args, ga)
	}
	return g
}

func toGoldenType(t TypeDef) daggerapi.Type {
	g := daggerapi.Type{Kind: t.Kind, Name: t.Name, Optional: t.Optional}
	if t.Elem != nil {
		e := toGoldenType(*t.Elem)
		g.Elem = &e
	}
	return g
}
