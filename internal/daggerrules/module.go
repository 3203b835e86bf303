package daggerrules

// Module is a neutral description of a Go module's package, as the Go SDK's codegen
// sees it: its named types with their fields and exported methods, and its
// constructor. Pragmas are kept as parsed by [ParsePragmas], because the codegen checks
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
	DeclStruct DeclKind = iota
	// DeclOther is any other declaration (an enum, an interface): not modelled here.
	DeclOther
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
	// KindBasic is a predeclared basic type; Name is its Go name (string, int, uint...).
	KindBasic Kind = iota
	// KindModule is a named type declared in the module; Name is its Go name.
	KindModule
	// KindDagger is a type of the generated internal/dagger package: a core type or a
	// dependency's object. Name is its Go name; Module names the dependency ("" for
	// core); Scalar is set for scalars (Platform, JSON).
	KindDagger
	// KindForeign is a named type of another package; Name is pkg.Type. Under is its
	// underlying type (KindBasic with its basic name, or KindStruct).
	KindForeign
	KindPointer
	KindSlice
	KindContext
	KindError
	// KindStruct is an unnamed (inline) struct.
	KindStruct
	// KindInterface is an unnamed interface (any, interface{...}).
	KindInterface
	// KindOther is a map, channel, function or array; Name says which (*types.Map...).
	KindOther
)

// Type is a Go type reference.
type Type struct {
	Kind   Kind
	Name   string
	Module string
	Scalar bool
	Elem   *Type // KindPointer, KindSlice
	Under  *Type // KindForeign
	// Fields are an inline struct's fields (KindStruct), with their comments' pragmas.
	Fields []Param
}

// Basic returns a reference to a predeclared basic type.
func Basic(name string) Type { return Type{Kind: KindBasic, Name: name} }

// Ptr returns a pointer to t.
func Ptr(t Type) Type { return Type{Kind: KindPointer, Elem: &t} }

// Slice returns a slice of t.
func Slice(t Type) Type { return Type{Kind: KindSlice, Elem: &t} }

// Core returns a reference to a core type of the generated dagger package.
func Core(name string) Type { return Type{Kind: KindDagger, Name: name} }

// Local returns a reference to a named type of the module.
func Local(name string) Type { return Type{Kind: KindModule, Name: name} }
