// Package daggerapi holds what Dagger's real Go codegen (v0.21.8 line) produced for
// this repository's two modules, the root module and tests/, as committed goldens:
//
//   - golden/<module>.typedefs.json: the typedefs each module registers with the
//     engine (objects, fields, functions, arguments, their types, optionality,
//     defaults, defaultPath, ignore, cache policy, descriptions), read from the query
//     the real `codegen generate-typedefs` sends;
//   - golden/<module>.surface.txt: the exported API of the internal/dagger package
//     the real `codegen generate-module` writes;
//   - golden/inputs.json: a digest of each module's exported Go API at generation time,
//     so a changed signature without regenerated goldens fails a test.
//
// `make dagger-codegen DAGGER_SRC=...` rewrites them (scripts/dagger-codegen.sh). The
// JSON schema is the Go types below, the one set that writes (cmd/gendagger/real) and
// reads (internal/daggerrules) the typedefs; field names and meanings are stable.
package daggerapi

import (
	"embed"
	"encoding/json"
	"fmt"
)

// Module is what one module registers: its description and its objects, in the order
// the codegen registered them.
type Module struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Objects     []Object `json:"objects"`
}

// Object is one object typedef, with the names the codegen sent (Go names; the engine
// converts them to GraphQL names when it loads the module).
type Object struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Fields      []Field    `json:"fields,omitempty"`
	Functions   []Function `json:"functions,omitempty"`
	Constructor *Function  `json:"constructor,omitempty"`
}

// Field is one exported field of an object.
type Field struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Type        Type    `json:"type"`
	Deprecated  *string `json:"deprecated,omitempty"`
}

// Function is one method (or the constructor) of an object.
type Function struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	ReturnType  Type   `json:"returnType"`
	Args        []Arg  `json:"args,omitempty"`
	// CachePolicy is the +cache pragma as sent: "" (none sent), "Default",
	// "PerSession" or "Never"; TimeToLive goes with Default.
	CachePolicy string  `json:"cachePolicy,omitempty"`
	TimeToLive  string  `json:"timeToLive,omitempty"`
	Deprecated  *string `json:"deprecated,omitempty"`
	Check       bool    `json:"check,omitempty"`
	Generator   bool    `json:"generator,omitempty"`
	Up          bool    `json:"up,omitempty"`
}

// Arg is one argument of a function.
type Arg struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Type        Type   `json:"type"`
	// DefaultValue is the +default pragma as a JSON document ("" when none).
	DefaultValue   string   `json:"defaultValue,omitempty"`
	DefaultPath    string   `json:"defaultPath,omitempty"`
	DefaultAddress string   `json:"defaultAddress,omitempty"`
	Ignore         []string `json:"ignore,omitempty"`
	Deprecated     *string  `json:"deprecated,omitempty"`
}

// Type is a typedef reference: Kind is the engine's TypeDefKind (STRING_KIND,
// INTEGER_KIND, FLOAT_KIND, BOOLEAN_KIND, VOID_KIND, LIST_KIND, OBJECT_KIND,
// INTERFACE_KIND, SCALAR_KIND, ENUM_KIND); Name names objects, interfaces, scalars
// and enums; Elem is a list's element.
type Type struct {
	Kind     string `json:"kind"`
	Name     string `json:"name,omitempty"`
	Optional bool   `json:"optional,omitempty"`
	Elem     *Type  `json:"elem,omitempty"`
}

// goldenInputs records what the goldens were generated from.
type goldenInputs struct {
	// DaggerVersion is the dagger/dagger tree the codegen was built from.
	DaggerVersion string `json:"daggerVersion"`
	// APIDigest maps a module's directory ("." or "tests") to the digest of its
	// exported Go API (see APIDigest).
	APIDigest map[string]string `json:"apiDigest"`
}

//go:embed golden
var golden embed.FS

// modules are the modules the goldens cover, by directory.
var modules = map[string]string{".": "predictor", "tests": "tests"}

// TypeDefs returns the typedefs the real codegen registered for module name.
func TypeDefs(name string) (Module, error) {
	var m Module
	if err := readJSON(name+".typedefs.json", &m); err != nil {
		return Module{}, err
	}
	return m, nil
}

// GoldenSurface returns the exported API of the internal/dagger package the real codegen
// generated for module name, one declaration a line.
func GoldenSurface(name string) (string, error) {
	b, err := golden.ReadFile("golden/" + name + ".surface.txt")
	if err != nil {
		return "", fmt.Errorf("read surface golden of %s: %w", name, err)
	}
	return string(b), nil
}

// generatedFrom returns what the goldens were generated from.
func generatedFrom() (goldenInputs, error) {
	var in goldenInputs
	if err := readJSON("inputs.json", &in); err != nil {
		return goldenInputs{}, err
	}
	return in, nil
}

func readJSON(file string, v any) error {
	b, err := golden.ReadFile("golden/" + file)
	if err != nil {
		return fmt.Errorf("read golden %s: %w", file, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode golden %s: %w", file, err)
	}
	return nil
}
