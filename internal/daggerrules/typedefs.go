package daggerrules

// TypeDefs is what a module registers with the engine: the objects the codegen found,
// with the names the engine gives them. Names are the engine's (core/typedef.go);
// OriginalName is what the codegen sent.
type TypeDefs struct {
	Module  string      `json:"module"`
	Objects []ObjectDef `json:"objects"`
}

// ObjectDef is one object typedef.
type ObjectDef struct {
	// Name is the name before namespacing (core/typedef.go NewObjectTypeDef): the
	// engine's validation messages use it.
	Name string `json:"name"`
	// SchemaName is the namespaced name users see (core/gqlformat.go namespaceObject).
	SchemaName   string        `json:"schemaName"`
	OriginalName string        `json:"originalName"`
	Fields       []FieldDef    `json:"fields,omitempty"`
	Functions    []FunctionDef `json:"functions,omitempty"`
	Constructor  *FunctionDef  `json:"constructor,omitempty"`
}

// FieldDef is one field typedef.
type FieldDef struct {
	Name         string  `json:"name"`
	OriginalName string  `json:"originalName"`
	Type         TypeDef `json:"type"`
}

// FunctionDef is one function typedef.
type FunctionDef struct {
	Name         string   `json:"name"`
	OriginalName string   `json:"originalName"`
	Return       TypeDef  `json:"returnType"`
	Args         []ArgDef `json:"args,omitempty"`
	// CachePolicy is "" (not set), "Default", "PerSession" or "Never".
	CachePolicy string `json:"cachePolicy,omitempty"`
	// TimeToLive is the TTL sent with CachePolicy Default, as the codegen sent it.
	TimeToLive *string `json:"timeToLive,omitempty"`
}

// ArgDef is one argument typedef.
type ArgDef struct {
	Name         string  `json:"name"`
	OriginalName string  `json:"originalName"`
	Type         TypeDef `json:"type"`
	// DefaultValue is the JSON default (+default), nil without one.
	DefaultValue   *string  `json:"defaultValue,omitempty"`
	DefaultPath    string   `json:"defaultPath,omitempty"`
	DefaultAddress string   `json:"defaultAddress,omitempty"`
	Ignore         []string `json:"ignore,omitempty"`
}

// The typedef kinds (the engine's TypeDefKind values).
const (
	stringKind  = "STRING_KIND"
	integerKind = "INTEGER_KIND"
	floatKind   = "FLOAT_KIND"
	booleanKind = "BOOLEAN_KIND"
	voidKind    = "VOID_KIND"
	listKind    = "LIST_KIND"
	objectKind  = "OBJECT_KIND"
	scalarKind  = "SCALAR_KIND"
)

// TypeDef is a type: a kind, a name for objects and scalars, an element for lists.
type TypeDef struct {
	Kind     string   `json:"kind"`
	Name     string   `json:"name,omitempty"`
	Optional bool     `json:"optional,omitempty"`
	Elem     *TypeDef `json:"elem,omitempty"`
	// SourceModule is the module that defines an object: "" for core types.
	SourceModule string `json:"sourceModule,omitempty"`
}

// clientNames maps the names a dependent module's generated client gives this
// module's objects (their schema names: PredictorPlan) to this module's name: the
// deps argument of [fromGolden] for a module that depends on this one.
func (td TypeDefs) clientNames() map[string]string {
	names := map[string]string{}
	for _, o := range td.Objects {
		names[o.SchemaName] = td.Module
	}
	return names
}
