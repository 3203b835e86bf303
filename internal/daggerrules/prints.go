package daggerrules

import (
	"fmt"
	"strings"
)

// What `dagger call` prints when a call chain ends, ported from cmd/dagger/functions.go
// at v0.21.8 (handleObjectLeaf, handleResponse, printID, printResponse): a value is
// printed, an object only as its ID, and -o exports Container, Directory, File and
// Changeset results instead.

// ReturnType is the type a `dagger call` chain ends on.
type ReturnType struct {
	// Kind is a typedef kind (voidKind, stringKind, ..., objectKind, listKind).
	Kind string
	// Name is an object's name (Container, PredictorPlan).
	Name string
	// Elem is a list's element type.
	Elem *ReturnType
	// Sync is set when the object has a `sync` function without arguments, Export
	// when it has an `export` function with a `path` argument (handleObjectLeaf
	// detects both by name).
	Sync, Export bool
}

// coreObject returns the return type of a core object: Container, Directory, File and
// Changeset have sync and export(path), Service has sync (the Syncer and "export"
// fields in core/schema/container.go, directory.go, file.go and service.go); other
// core objects have neither.
func coreObject(name string) ReturnType {
	rt := ReturnType{Kind: objectKind, Name: name}
	switch name {
	case "Container", "Directory", "File", "Changeset":
		rt.Sync, rt.Export = true, true
	case "Service":
		rt.Sync = true
	}
	return rt
}

// Printed is what `dagger call` writes to stdout.
type Printed int

// What a call can print.
const (
	// PrintsNothing: a void function.
	PrintsNothing Printed = iota
	// PrintsValue: the value itself (a string as is, list items one per line).
	PrintsValue
	// PrintsID: the object's ID as Type@xxh3:... (a list prints one "- Type@..." per item).
	PrintsID
	// PrintsChangeset: a Changeset without -o goes to the interactive apply prompt.
	PrintsChangeset
	// PrintsError: the CLI fails (an object exported with -o whose type is not one
	// the CLI knows: it tries to print the export's answer as an ID).
	PrintsError
)

// Output is what a call prints and writes.
type Output struct {
	Stdout Printed
	// Synced: the object's sync ran before its ID was printed.
	Synced bool
	// Exported: -o made the object export itself there (stderr: Saved to "path".).
	Exported bool
	// SavedCopy: -o also wrote the printed value to the file (stderr: Saved output to "path".).
	SavedCopy bool
}

// prints returns what `dagger call ... [-o output]` does with a result of type rt
// (output is "" without -o).
func prints(rt ReturnType, output string) Output {
	if rt.Kind == voidKind {
		return Output{Stdout: PrintsNothing}
	}
	obj := functionProvider(rt)
	if rt.Kind == listKind && obj != nil && obj.Name == "Changeset" && output == "" {
		return Output{Stdout: PrintsChangeset}
	}
	if obj == nil {
		return Output{Stdout: PrintsValue, SavedCopy: output != ""}
	}
	if output != "" && obj.Export {
		// handleObjectLeaf selects export(path); handleResponse knows these types' answer.
		if rt.Kind == objectKind && knownExport(rt.Name) {
			return Output{Exported: true}
		}
		return Output{Stdout: PrintsError}
	}
	if rt.Kind == objectKind && rt.Name == "Changeset" {
		return Output{Stdout: PrintsChangeset}
	}
	// An object with sync is synced and its ID printed; without, its ID is selected.
	// -o without export is ignored: printID returns before the output file is written.
	return Output{Stdout: PrintsID, Synced: obj.Sync}
}

// functionProvider ports modTypeDef.AsFunctionProvider (cmd/dagger/module_inspect.go):
// an object, or a list's object elements.
func functionProvider(rt ReturnType) *ReturnType {
	if rt.Kind == listKind && rt.Elem != nil {
		rt = *rt.Elem
	}
	if rt.Kind == objectKind {
		return &rt
	}
	return nil
}

// knownExport lists the types handleResponse prints "Saved to" for after an export.
func knownExport(name string) bool {
	switch name {
	case "Container", "Directory", "File", "Changeset":
		return true
	}
	return false
}

// returnTypeOf returns how the CLI sees the typedef t of a module's function result:
// the module's own objects by their schema name, with sync and export detected by
// name as the CLI does; core objects as [coreObject] describes them.
func returnTypeOf(td TypeDefs, t TypeDef) ReturnType {
	switch t.Kind {
	case listKind:
		elem := returnTypeOf(td, *t.Elem)
		return ReturnType{Kind: listKind, Elem: &elem}
	case objectKind:
	default:
		return ReturnType{Kind: t.Kind}
	}
	for _, o := range td.Objects {
		if o.OriginalName == t.Name && t.SourceModule == td.Module {
			return moduleObject(o)
		}
	}
	if t.SourceModule == "" {
		return coreObject(t.Name)
	}
	return ReturnType{Kind: objectKind, Name: t.Name}
}

// moduleObject detects sync and export on a module object by name, as
// handleObjectLeaf does.
func moduleObject(o ObjectDef) ReturnType {
	rt := ReturnType{Kind: objectKind, Name: o.SchemaName}
	for _, fn := range o.Functions {
		if fn.Name == "sync" && len(fn.Args) == 0 {
			rt.Sync = true
		}
		if fn.Name == "export" {
			for _, a := range fn.Args {
				if a.Name == "path" {
					rt.Export = true
				}
			}
		}
	}
	return rt
}

// CallPrints returns what `dagger call f1 f2 ... [-o output]` does, for a chain of
// function or field names as the CLI spells them (plan, as-json), starting at the
// module's main object; flags are left out of the chain.
func CallPrints(td TypeDefs, chain []string, output string) (Output, error) {
	if len(chain) == 0 {
		return Output{}, fmt.Errorf("call %s: no function named", td.Module)
	}
	cur, ok := td.object(td.mainObject())
	if !ok {
		return Output{}, fmt.Errorf("call %s: no main object", td.Module)
	}
	for i, name := range chain {
		t, ok := cur.member(name)
		if !ok {
			return Output{}, fmt.Errorf("call %s: %s has no function %s", strings.Join(chain[:i+1], " "), cur.SchemaName, name)
		}
		if i == len(chain)-1 {
			return prints(returnTypeOf(td, t), output), nil
		}
		next, ok := td.object(t.Name)
		if t.Kind != objectKind || t.SourceModule != td.Module || !ok {
			return Output{}, fmt.Errorf("call %s: the chain goes on from %s %s, which is not one of the module's objects", strings.Join(chain[:i+1], " "), t.Kind, t.Name)
		}
		cur = next
	}
	return Output{}, nil
}

func (td TypeDefs) mainObject() string {
	for _, o := range td.Objects {
		if o.SchemaName == objectName(td.Module) {
			return o.OriginalName
		}
	}
	return ""
}

// object returns the module's object of the Go name name.
func (td TypeDefs) object(name string) (ObjectDef, bool) {
	for _, o := range td.Objects {
		if o.OriginalName == name {
			return o, true
		}
	}
	return ObjectDef{}, false
}

// member returns the type of the function or field the CLI calls name.
func (obj ObjectDef) member(name string) (TypeDef, bool) {
	for _, fn := range obj.Functions {
		if CLIName(fn.Name) == name {
			return fn.Return, true
		}
	}
	for _, f := range obj.Fields {
		if CLIName(f.Name) == name {
			return f.Type, true
		}
	}
	return TypeDef{}, false
}
