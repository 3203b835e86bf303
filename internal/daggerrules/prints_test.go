package daggerrules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Cases read from cmd/dagger/functions.go handleObjectLeaf and handleResponse.
func TestPrints(t *testing.T) {
	obj := ReturnType{Kind: objectKind, Name: "PredictorPlan"}
	withExport := ReturnType{Kind: objectKind, Name: "PredictorReport", Export: true}
	files := ReturnType{Kind: listKind, Elem: &ReturnType{Kind: objectKind, Name: "File", Sync: true, Export: true}}
	cases := map[string]struct {
		rt     ReturnType
		output string
		want   Output
	}{
		"void":                                   {ReturnType{Kind: voidKind}, "", Output{Stdout: PrintsNothing}},
		"void with -o writes nothing":            {ReturnType{Kind: voidKind}, "out.txt", Output{Stdout: PrintsNothing}},
		"string":                                 {ReturnType{Kind: stringKind}, "", Output{Stdout: PrintsValue}},
		"string with -o prints and saves":        {ReturnType{Kind: stringKind}, "out.txt", Output{Stdout: PrintsValue, SavedCopy: true}},
		"list of strings":                        {ReturnType{Kind: listKind, Elem: &ReturnType{Kind: stringKind}}, "", Output{Stdout: PrintsValue}},
		"module object prints its ID":            {obj, "", Output{Stdout: PrintsID}},
		"-o on a module object is ignored":       {obj, "plan.txt", Output{Stdout: PrintsID}},
		"module object with export and -o fails": {withExport, "out", Output{Stdout: PrintsError}},
		"Container is synced, ID printed":        {coreObject("Container"), "", Output{Stdout: PrintsID, Synced: true}},
		"Directory with -o is exported":          {coreObject("Directory"), "out", Output{Exported: true}},
		"File with -o is exported":               {coreObject("File"), "plan.tfplan", Output{Exported: true}},
		"Service is synced, ID printed":          {coreObject("Service"), "", Output{Stdout: PrintsID, Synced: true}},
		"Secret prints its ID":                   {coreObject("Secret"), "", Output{Stdout: PrintsID}},
		"Changeset goes to the prompt":           {coreObject("Changeset"), "", Output{Stdout: PrintsChangeset}},
		"list of Files prints IDs":               {files, "", Output{Stdout: PrintsID, Synced: true}},
		"list of Files with -o fails":            {files, "out", Output{Stdout: PrintsError}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, prints(tc.rt, tc.output)); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestReturnTypeOf checks that a function's return typedef is seen as the CLI sees it:
// a module object by its schema name with sync and export found by name, core
// objects as coreObject describes them.
func TestReturnTypeOf(t *testing.T) {
	m, err := loadSource(t, "test", `package main

import (
	"context"

	"dagger/test/internal/dagger"
)

type Test struct{}

type Report struct{}

// Export writes the report.
func (r *Report) Export(ctx context.Context, path string) (string, error) { return path, nil }

// Fn returns a report.
func (m *Test) Fn() *Report { return nil }

// Dir returns a directory.
func (m *Test) Dir() *dagger.Directory { return nil }

// Names returns names.
func (m *Test) Names() []string { return nil }
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	td, err := Codegen(m)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ReturnType{}
	for _, fn := range td.Objects[0].Functions {
		got[fn.Name] = returnTypeOf(td, fn.Return)
	}
	want := map[string]ReturnType{
		"fn":    {Kind: objectKind, Name: "TestReport", Export: true},
		"dir":   coreObject("Directory"),
		"names": {Kind: listKind, Elem: &ReturnType{Kind: stringKind}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

func TestCallPrints(t *testing.T) {
	m, err := loadSource(t, "shop", `package main

import "dagger/shop/internal/dagger"

type Shop struct {
	Region string
}

type Order struct {
	Summary string
}

// Order places an order.
func (m *Shop) Order() *Order { return nil }

// Receipt prints the receipt.
func (o *Order) Receipt() string { return "" }

// AsJSON returns the order as JSON.
func (o *Order) AsJSON() *dagger.File { return nil }
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	td, err := Codegen(m)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		chain  []string
		output string
		want   Output
	}{
		"an object prints its ID":         {[]string{"order"}, "", Output{Stdout: PrintsID}},
		"a string after it prints":        {[]string{"order", "receipt"}, "", Output{Stdout: PrintsValue}},
		"a field prints":                  {[]string{"order", "summary"}, "", Output{Stdout: PrintsValue}},
		"a main object field prints":      {[]string{"region"}, "", Output{Stdout: PrintsValue}},
		"a File with -o is exported":      {[]string{"order", "as-json"}, "order.json", Output{Exported: true}},
		"a File without -o prints its ID": {[]string{"order", "as-json"}, "", Output{Stdout: PrintsID, Synced: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := CallPrints(td, tc.chain, tc.output)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Error(d)
			}
		})
	}
	if _, err := CallPrints(td, []string{"order", "refund"}, ""); err == nil {
		t.Error("calling a function the object does not have succeeded")
	}
}
