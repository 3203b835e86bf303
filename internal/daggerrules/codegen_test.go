package daggerrules

import (
	"strings"
	"testing"
)

// Cases from core/integration/module_go_test.go (TestSignaturesUnexported,
// TestSignaturesMixMatch), module_test.go (the deprecated required argument) and the
// codegen's own checks in cmd/codegen/generator/go/templates.
func TestCodegenRules(t *testing.T) {
	runRuleCases(t, map[string]ruleCase{
		"unexported type": {mod: "minimal", src: `package main

type Minimal struct{}

type Foo struct {
	Bar bar
}

type bar struct{}

func (m *Minimal) Hello(name string) Foo {
	return Foo{}
}

func (f *Foo) Hello(name string) string {
	return name
}

func (b *bar) Hello(name string) string {
	return name
}
`, want: "cannot code-generate unexported type bar"},
		"nested structs": {mod: "minimal", src: `package main

type Minimal struct{}

func (m *Minimal) Hello(name string, opts struct{}, opts2 struct{}) string {
	return name
}
`, want: "nested structs are not supported"},
		"one options struct is the arguments": {mod: "minimal", src: `package main

type Minimal struct{}

func (m *Minimal) Hello(opts struct {
	// +optional
	Name string
}) string {
	return opts.Name
}
`},
		"required deprecated argument": {src: `package main

import "context"

type Test struct{}

func (m *Test) Legacy(
	ctx context.Context,
	input string, // +deprecated="Use other instead"
	other string,
) (string, error) {
	return input, nil
}
`, want: `argument "input" on Test.Legacy is required and cannot be deprecated`},
		"optional deprecated argument": {src: `package main

type Test struct{}

func (m *Test) Legacy(
	// +optional
	// +deprecated="Use other instead"
	input string,
) string {
	return input
}
`},
		"map field": {src: "package main\n\ntype Test struct {\n\tTags map[string]string\n}\n",
			want: "unsupported type for named type reference *types.Map"},
		"a private field's type is still parsed": {src: "package main\n\ntype Test struct {\n\t// +private\n\tTags map[string]string\n}\n",
			want: "unsupported type for named type reference *types.Map"},
		"unsigned integer argument": {src: "package main\n\ntype Test struct{}\n\nfunc (m *Test) Fn(n uint) string {\n\treturn \"\"\n}\n",
			want: "unsupported basic type: uint"},
		"any argument": {src: "package main\n\ntype Test struct{}\n\nfunc (m *Test) Fn(v any) string {\n\treturn \"\"\n}\n",
			want: "interface types must be named"},
		"foreign struct result": {src: "package main\n\nimport \"strings\"\n\ntype Test struct{}\n\nfunc (m *Test) Fn() *strings.Builder {\n\treturn nil\n}\n",
			want: "cannot code-generate for foreign type Builder"},
		"foreign named integer argument": {src: "package main\n\nimport \"time\"\n\ntype Test struct{}\n\nfunc (m *Test) Fn(d time.Duration) string {\n\treturn d.String()\n}\n"},
		"second result not an error": {src: "package main\n\ntype Test struct{}\n\nfunc (m *Test) Fn() (string, int) {\n\treturn \"\", 0\n}\n",
			want: "second return value must be error, have int"},
		"three results": {src: "package main\n\ntype Test struct{}\n\nfunc (m *Test) Fn() (string, int, error) {\n\treturn \"\", 0, nil\n}\n",
			want: "method Fn has too many return values"},
		"constructor without a result": {src: "package main\n\ntype Test struct{}\n\nfunc New() {}\n",
			want: "New must return a value"},
		"constructor of another type": {src: "package main\n\ntype Test struct{}\n\nfunc New() string {\n\treturn \"\"\n}\n",
			want: `New must return the main module object "Test"`},
		"constructor of the main object": {src: "package main\n\ntype Test struct {\n\tName string\n}\n\nfunc New(name string) (*Test, error) {\n\treturn &Test{Name: name}, nil\n}\n"},
	})
}

// Cases of core/schema/module.go functionWithArg and functionWithCachePolicy; the
// valid +cache values are those of core/integration/module_test.go
// TestFunctionCacheControl.
func TestArgumentAndCachePragmas(t *testing.T) {
	fn := func(pragma, arg string) string {
		return "package main\n\nimport \"dagger/test/internal/dagger\"\n\ntype Test struct{}\n\nvar _ *dagger.Directory\n\nfunc (m *Test) Fn(\n\t" + pragma + "\n\t" + arg + ",\n) string {\n\treturn \"\"\n}\n"
	}
	cached := func(policy string) string {
		return "package main\n\ntype Test struct{}\n\n// Fn does nothing.\n// +cache=" + policy + "\nfunc (m *Test) Fn() string {\n\treturn \"\"\n}\n"
	}
	runRuleCases(t, map[string]ruleCase{
		"defaultPath on a string":         {src: fn(`// +defaultPath="/"`, "src string"), want: "can only set default path for Object, not STRING_KIND"},
		"defaultPath on a Container":      {src: fn(`// +defaultPath="/"`, "src *dagger.Container"), want: "cannot set default path for Container"},
		"defaultPath on a Directory":      {src: fn(`// +defaultPath="/"`, "src *dagger.Directory")},
		"defaultPath on a File":           {src: fn(`// +defaultPath="/go.mod"`, "src *dagger.File")},
		"defaultPath on a GitRepository":  {src: fn(`// +defaultPath="/"`, "src *dagger.GitRepository")},
		"defaultPath not a string":        {src: fn(`// +defaultPath=1`, "src *dagger.Directory"), want: "must be a valid string"},
		"default and defaultPath":         {src: fn("// +default=\"x\"\n\t// +defaultPath=\"/\"", "src *dagger.Directory"), want: "cannot set more than one default value"},
		"ignore on a File":                {src: fn(`// +ignore=["*.md"]`, "src *dagger.File"), want: "can only set ignore for Directory type, not File"},
		"ignore on a Directory":           {src: fn("// +defaultPath=\"/\"\n\t// +ignore=[\"*.md\"]", "src *dagger.Directory")},
		"ignore not a list":               {src: fn(`// +ignore="*.md"`, "src *dagger.Directory"), want: "ignore pragma"},
		"defaultAddress on a Directory":   {src: fn(`// +defaultAddress="alpine"`, "src *dagger.Directory"), want: "can only set default address for Container type, not Directory"},
		"defaultAddress on a Container":   {src: fn(`// +defaultAddress="alpine"`, "src *dagger.Container")},
		"cache never":                     {src: cached(`"never"`)},
		"cache session":                   {src: cached(`"session"`)},
		"cache 40s":                       {src: cached(`"40s"`)},
		"cache 0s means never":            {src: cached(`"0s"`)},
		"cache under a second":            {src: cached(`"500ms"`), want: `time to live duration must be at least "1s", got "500ms"`},
		"cache over a week":               {src: cached(`"200h"`), want: `time to live duration must be at most "168h0m0s", got "200h"`},
		"cache not a duration":            {src: cached(`"always"`), want: `failed to parse time to live duration "always"`},
		"cache without a value":           {src: "package main\n\ntype Test struct{}\n\n// +cache\nfunc (m *Test) Fn() string {\n\treturn \"\"\n}\n", want: "cache pragma"},
		"cache on an object method chain": {src: "package main\n\ntype Test struct{}\n\n// +cache=\"never\"\nfunc (m *Test) Touch() *Test {\n\treturn m\n}\n"},
	})
}

// Object names from core/integration/module_go_test.go TestSignaturesNameConflict.
func TestObjectNames(t *testing.T) {
	m, err := loadSource(t, "minimal", `package main

type Minimal struct {
	Foo Foo
	Bar Bar
	Baz Baz
}

type Foo struct {}
type Bar struct {}
type Baz struct {}

func (m *Foo) Hello(name string) string {
	return name
}

func (f *Bar) Hello(name string, name2 string) string {
	return name + name2
}

func (b *Baz) Hello() (string, error) {
	return "", nil
}
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	td, err := Codegen(m)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, o := range td.Objects {
		got[o.SchemaName] = true
	}
	for _, want := range []string{"Minimal", "MinimalFoo", "MinimalBar", "MinimalBaz"} {
		if !got[want] {
			t.Errorf("no object %s in %v", want, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("objects %v, want 4", got)
	}
}

// An embedded field is something this port does not model: it must say so, not pass.
func TestEmbeddedFieldIsNotModelled(t *testing.T) {
	m, err := loadSource(t, "test", "package main\n\ntype Base struct {\n\tName string\n}\n\ntype Test struct {\n\tBase\n}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkModule(m); err == nil || !strings.Contains(err.Error(), srcNotModelled) {
		t.Fatalf("checkModule = %v, want a %q failure", err, srcNotModelled)
	}
}
