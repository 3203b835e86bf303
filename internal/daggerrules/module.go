package daggerrules

// Module is a neutral description of a Go module's package, as the Go SDK's codegen
// sees it: its named types with their fields and exported methods, and its
// constructor. Pragmas are kept as parsed by [parsePragmas], because the codegen checks
// their values (a +defaultPath must be a string, +ignore a list of strings).
type Module struct {
	// Name is the module's name in dagger.json; its main object is the type of that name.
	Name string
	// Types are the package's named types, by Go name.
	Types map[string]*TypeDecl
	// Constructor is the package-level func New, if any.
	Constructor *Func
}

// DeclKind is what a named type of the module is declared as.
type DeclKind int

// The declarations a module's named type can have.
const (
	declStruct DeclKind = iota
	// declOther is any other declaration (an enum, an interface): not modelled here.
	declOther
)

// TypeDecl is a named type declared in the module's package.
type TypeDecl struct {
	Name     string
	Exported bool
	Kind     DeclKind
	Fields   []Field
	// Methods are its exported methods (the codegen skips unexported ones).
	Methods []Func
}

// Field is one exported struct field.
type Field struct {
	GoName string
	// JSONName is the name in its json tag ("" without one, "-" to hide the field).
	JSONName string
	Type     Type
	// Pragmas are the field's doc and line comment pragmas (+private, +deprecated).
	Pragmas map[string]any
	// Embedded is set for an embedded field, which this port does not model.
	Embedded bool
}

// Func is a method or the constructor.
type Func struct {
	GoName string
	// Pragmas are the doc comment's pragmas (+cache, +check, +generate, +up, +deprecated).
	Pragmas map[string]any
	// Params are the Go parameters in order, context.Context included.
	Params   []Param
	Variadic bool
	Results  []Type
}

// Param is one Go parameter (or one field of an inline options struct).
type Param struct {
	GoName  string
	Type    Type
	Pragmas map[string]any
}

// Kind is the kind of a Go type reference.
type Kind int

// The Go type references the codegen distinguishes.
const (
	// kindBasic is a predeclared basic type; Name is its Go name (string, int, uint...).
	kindBasic Kind = iota
	// kindModule is a named type declared in the module; Name is its Go name.
	kindModule
	// kindDagger is a type of the generated internal/dagger package: a core type or a
	// dependency's object. Name is its Go name; Module names the dependency ("" for
	// core); Scalar is set for scalars (Platform, JSON).
	kindDagger
	// kindForeign is a named type of another package; Name is pkg.Type. Under is its
	// underlying type (kindBasic with its basic name, or kindStruct).
	kindForeign
	kindPointer
	kindSlice
	kindContext
	kindError
	// kindStruct is an unnamed (inline) struct.
	kindStruct
	// kindInterface is an unnamed interface (any, interface{...}).
	kindInterface
	// kindOther is a map, channel, function or array; Name says which (*types.Map...).
	kindOther
)

// Type is a Go type reference.
type Type struct {
	Kind   Kind
	Name   string
	Module string
	Scalar bool
	Elem   *Type // kindPointer, kindSlice
	Under  *Type // kindForeign
	// Fields are an inline struct's fields (kindStruct), with their comments' pragmas.
	Fields []Param
}

// basicType returns a reference to a predeclared basic type.
func basicType(name string) Type { return Type{Kind: kindBasic, Name: name} }

// pointerTo returns a pointer to t.
func pointerTo(t Type) Type { return Type{Kind: kindPointer, Elem: &t} }

// sliceOf returns a slice of t.
func sliceOf(t Type) Type { return Type{Kind: kindSlice, Elem: &t} }

// coreType returns a reference to a core type of the generated dagger package.
func coreType(name string) Type { return Type{Kind: kindDagger, Name: name} }

// localType returns a reference to a named type of the module.
func localType(name string) Type { return Type{Kind: kindModule, Name: name} }
