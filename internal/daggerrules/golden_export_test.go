package daggerrules

import (
	"encoding/json"
	"testing"
)

// capturedJSON renders typedefs in the captured shape, with the names the codegen sent.
func capturedJSON(t *testing.T, td TypeDefs) []byte {
	t.Helper()
	m := capturedModule{Name: td.Module}
	for _, o := range td.Objects {
		co := capturedObject{Name: o.OriginalName}
		for _, f := range o.Fields {
			co.Fields = append(co.Fields, capturedField{Name: f.OriginalName, Type: toCaptured(f.Type)})
		}
		for _, fn := range o.Functions {
			co.Functions = append(co.Functions, toCapturedFunction(fn))
		}
		if o.Constructor != nil {
			c := toCapturedFunction(*o.Constructor)
			co.Constructor = &c
		}
		m.Objects = append(m.Objects, co)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func toCapturedFunction(fn FunctionDef) capturedFunction {
	c := capturedFunction{Name: fn.OriginalName, ReturnType: toCaptured(fn.Return), CachePolicy: fn.CachePolicy}
	if fn.TimeToLive != nil {
		c.TimeToLive = *fn.TimeToLive
	}
	for _, a := range fn.Args {
		ca := capturedArg{Name: a.OriginalName, Type: toCaptured(a.Type), DefaultPath: a.DefaultPath, DefaultAddress: a.DefaultAddress, Ignore: a.Ignore}
		if a.DefaultValue != nil {
			ca.DefaultValue = *a.DefaultValue
		}
		c.Args = append(c.Args, ca)
	}
	return c
}

func toCaptured(t TypeDef) capturedType {
	c := capturedType{Kind: t.Kind, Name: t.Name, Optional: t.Optional}
	if t.Elem != nil {
		e := toCaptured(*t.Elem)
		c.Elem = &e
	}
	return c
}
