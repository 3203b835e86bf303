package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iancoleman/strcase"
)

// realClient returns the path of dagger.gen.go in the dagger.io/dagger module the
// project pins, after checking that it is the engine version dagger.json names.
func realClient(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	var cfg struct{ EngineVersion string }
	b, err := os.ReadFile(filepath.Join(root, "dagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-m", "-json", LibraryPath)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v (run `go mod download` with network access)", LibraryPath, err)
	}
	var mod struct{ Version, Dir string }
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	if mod.Version != cfg.EngineVersion {
		t.Fatalf("go.mod pins %s %s, dagger.json engineVersion is %s: keep them equal", LibraryPath, mod.Version, cfg.EngineVersion)
	}
	if mod.Dir == "" {
		t.Fatalf("%s %s is not downloaded: run `go mod download %s`", LibraryPath, mod.Version, LibraryPath)
	}
	return filepath.Join(mod.Dir, "dagger.gen.go")
}

// realNames reads (engine name -> Go identifier) pairs out of the real generated
// client: each method's first Select("field"), each option's Arg("arg", opts[i].Field)
// and each type's XXX_GraphQLType() return value.
func realNames(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	interfaces := interfaceNames(f)
	names := map[string]string{}
	add := func(gql, goName string) {
		if strings.HasPrefix(gql, "__") {
			return // GraphQL meta fields, not named by the codegen
		}
		if prev, ok := names[gql]; ok && prev != goName {
			t.Fatalf("engine name %q is both %s and %s in %s", gql, prev, goName, path)
		}
		names[gql] = goName
	}
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Body == nil {
			continue
		}
		queryNames(fd, add)
		if gql, ok := graphQLType(fd); ok {
			// An interface's client implementation is <Name>Client.
			name := recvName(fd)
			if base, ok := strings.CutSuffix(name, "Client"); ok && interfaces[base] {
				name = base
			}
			add(gql, name)
		}
	}
	return names
}

// interfaceNames lists the interface types f declares.
func interfaceNames(f *ast.File) map[string]bool {
	out := map[string]bool{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			if ts, ok := spec.(*ast.TypeSpec); ok {
				if _, ok := ts.Type.(*ast.InterfaceType); ok {
					out[ts.Name.Name] = true
				}
			}
		}
	}
	return out
}

// queryNames adds the engine names a client method's body spells out: the first
// Select (the method's own field, XXX_GraphQLID aside) and each Arg("name",
// opts[i].Field) of its options.
func queryNames(fd *ast.FuncDecl, add func(gql, goName string)) {
	selected := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, _ := strconv.Unquote(lit.Value)
		switch {
		case sel.Sel.Name == "Select" && !selected && fd.Name.Name != "XXX_GraphQLID":
			selected = true
			add(s, fd.Name.Name)
		case sel.Sel.Name == "Arg" && len(call.Args) == 2:
			// q.Arg("arg", opts[i].Field)
			if v, ok := call.Args[1].(*ast.SelectorExpr); ok {
				if _, ok := v.X.(*ast.IndexExpr); ok {
					add(s, v.Sel.Name)
				}
			}
		}
		return true
	})
}

// graphQLType returns the type name an XXX_GraphQLType method returns as its one
// statement.
func graphQLType(fd *ast.FuncDecl) (string, bool) {
	if fd.Name.Name != "XXX_GraphQLType" || len(fd.Body.List) != 1 {
		return "", false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", false
	}
	lit, ok := ret.Results[0].(*ast.BasicLit)
	if !ok {
		return "", false
	}
	s, _ := strconv.Unquote(lit.Value)
	return s, true
}

func recvName(fd *ast.FuncDecl) string {
	e := fd.Recv.List[0].Type
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestFormatNameMatchesRealClient checks the naming rule against every identifier of
// the real v0.21.9 client whose engine name the client spells out.
func TestFormatNameMatchesRealClient(t *testing.T) {
	names := realNames(t, realClient(t))
	// Names this project relies on, and the initialisms Dagger adds to golint's list.
	for gql, want := range map[string]string{
		"http": "HTTP", "clientId": "ClientID", "withEnvVariable": "WithEnvVariable",
		"asJSON": "AsJSON", "llm": "LLM", "Container": "Container", "withExec": "WithExec",
	} {
		if got, ok := names[gql]; !ok || got != want {
			t.Errorf("real client: %q is %q (found %v), expected %q: is the client still v0.21.9?", gql, got, ok, want)
		}
	}
	if len(names) < 500 {
		t.Fatalf("read only %d names from the real client: the parser no longer finds them", len(names))
	}
	var mismatches []string
	for gql, goName := range names {
		if got := formatName(gql); got != goName {
			mismatches = append(mismatches, gql+": real "+goName+", formatName "+got)
		}
	}
	sort.Strings(mismatches)
	if diff := cmp.Diff([]string(nil), mismatches); diff != "" {
		t.Errorf("formatName differs from the real client (-want +got):\n%s", diff)
	}
	t.Logf("checked %d identifiers of the real client", len(names))
}

// TestEngineNames pins the engine-side conversions (strcase with the engine's
// acronyms) for the names that matter here.
func TestEngineNames(t *testing.T) {
	cases := map[string]struct{ gql, client, cli string }{
		"PlanJSON": {"planJson", "PlanJSON", "plan-json"},
		"PlanJson": {"planJson", "PlanJSON", "plan-json"},
		"ClientID": {"clientId", "ClientID", "client-id"},
		// A whole-name acronym keeps its capitals in the engine (core/json.go), so
		// the CLI splits it: a function named JSON is `j-son` on the command line.
		"JSON":     {"jSON", "JSON", "j-son"},
		"Json":     {"json", "JSON", "json"},
		"JSONFile": {"jsonfile", "Jsonfile", "jsonfile"},
		"AsJSON":   {"asJson", "AsJSON", "as-json"},
		"Markdown": {"markdown", "Markdown", "markdown"},
	}
	for goName, want := range cases {
		t.Run(goName, func(t *testing.T) {
			gql := gqlName(goName)
			got := struct{ gql, client, cli string }{gql, formatName(gql), cliName(gql)}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
	for obj, want := range map[string]string{"Predictor": "Predictor", "Plan": "PredictorPlan", "PredictorReport": "PredictorReport"} {
		if got := gqlObjectName(obj, "predictor"); got != want {
			t.Errorf("gqlObjectName(%s) = %s, want %s", obj, got, want)
		}
	}
}

// TestModuleNamesAreCodegenForm checks that every exported method and field of every
// object type of the module is named as the codegen writes it for callers, so the
// module's Go name and its client name agree (PlanJSON, not PlanJson), and that the
// CLI shows the name the Go reads as (not JSON, which the CLI shows as j-son).
func TestModuleNamesAreCodegenForm(t *testing.T) {
	root := repoRoot(t)
	var cfg struct{ Name string }
	b, err := os.ReadFile(filepath.Join(root, "dagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	p, _, err := parseModule(root, cfg.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(p); len(got) > 0 {
		t.Errorf("module names the codegen would write differently:\n%s", strings.Join(got, "\n"))
	}
	if len(p.methods[p.main]) < 5 {
		t.Fatalf("found only %d methods of %s: the parser no longer sees the module", len(p.methods[p.main]), p.main)
	}
}

// problems lists the exported methods and fields whose client or CLI name differs from
// what their Go name reads as.
func problems(p *modParser) []string {
	var out []string
	check := func(typ, goName string) {
		gql := gqlName(goName)
		if c := formatName(gql); c != goName {
			out = append(out, typ+"."+goName+": the client calls it "+c+"; rename it "+c)
		}
		if c, want := cliName(gql), strcase.ToKebab(goName); c != want {
			out = append(out, typ+"."+goName+": the CLI shows "+c+", not "+want+"; pick a name that is not a bare initialism")
		}
	}
	var types []string
	for typ := range p.structs {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		for _, f := range p.structs[typ].Fields.List {
			if f.Tag != nil || strings.Contains(f.Doc.Text(), "+private") {
				continue // named by their json tag, or not part of the API
			}
			for _, n := range f.Names {
				if n.IsExported() {
					check(typ, n.Name)
				}
			}
		}
		for _, d := range p.methods[typ] {
			check(typ, d.Name.Name)
		}
	}
	return out
}

// TestModuleNamesCatchesMisnamedMethods runs the check on a scratch module with the
// names it must reject and the ones it must accept.
func TestModuleNamesCatchesMisnamedMethods(t *testing.T) {
	dir := t.TempDir()
	src := `package main

type Mod struct{ Ctr string }
type Plan struct{}

func (m *Mod) PlanJson() string   { return "" }
func (m *Mod) ClientId() string   { return "" }
func (m *Mod) PlanJSON() string   { return "" }
func (p *Plan) JSON() string      { return "" }
func (p *Plan) AsJSON() string    { return "" }
func (p *Plan) Summary() string   { return "" }
`
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	p, _, err := parseModule(dir, "mod")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Mod.PlanJson: the client calls it PlanJSON; rename it PlanJSON",
		"Mod.ClientId: the client calls it ClientID; rename it ClientID",
		"Plan.JSON: the CLI shows j-son, not json; pick a name that is not a bare initialism",
	}
	if diff := cmp.Diff(want, problems(p)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestPullRequestLoadsTestsModule checks that CI loads the tests module under a real
// engine, where `dagger develop` generates the client whose names these stand-ins copy.
func TestPullRequestLoadsTestsModule(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), ".github", "workflows", "pull-request.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "run: dagger check -m tests" || l == "run: dagger -m tests functions" {
			return
		}
	}
	t.Error("pull-request.yml has no step `dagger check -m tests` (or `dagger -m tests functions`)")
}

// TestStandInsRejectNamesTheCodegenWouldNotWrite generates a caller module's stand-ins
// for a scratch dependency whose Go methods are PlanJSON and JSON, then vets callers:
// the names the real codegen writes type-check, Go-SDK spellings it rewrites do not.
func TestStandInsRejectNamesTheCodegenWouldNotWrite(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	write := func(path, content string) {
		t.Helper()
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("dep/main.go", `package main

type Dep struct{}

type Plan struct{}

// Plan an environment.
func (m *Dep) Plan(env string) *Plan { return nil }

// Render the plan as JSON.
func (p *Plan) AsJSON() string { return "" }

// Summarize the plan.
func (p *Plan) PlanJson() string { return "" }
`)
	// The caller uses the tests module's go.mod and go.sum (same library version).
	goMod, err := os.ReadFile(filepath.Join(root, "tests", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goSum, err := os.ReadFile(filepath.Join(root, "tests", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("caller/go.mod", strings.Replace(string(goMod), "module dagger/tests", "module dagger/caller", 1))
	write("caller/go.sum", string(goSum))
	write("caller/dagger.json", `{"name":"caller","engineVersion":"v0.21.9","sdk":{"source":"go"},"dependencies":[{"name":"dep","source":"../dep"}]}`)
	write("caller/main.go", "package main\n")
	caller := filepath.Join(dir, "caller")
	if err := run(caller); err != nil {
		t.Fatalf("generate: %v", err)
	}
	src := `package main

import (
	"context"

	"dagger/caller/internal/dagger"
)

var _ = dagger.Platform("")

func call(ctx context.Context) (string, error) {
	return dag.Dep().Plan("dev").CALL(ctx)
}
`
	cases := map[string]struct{ call, wantErr string }{
		"codegen names":           {call: "AsJSON"},
		"client name of PlanJson": {call: "PlanJSON"},
		"Go SDK spelling":         {call: "PlanJson", wantErr: "PlanJson undefined"},
		"lower-case initialism":   {call: "AsJson", wantErr: "AsJson undefined"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := vetOverlay(t, caller, filepath.Join(caller, "main.go"), strings.Replace(src, "CALL", tc.call, 1), ".")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("go vet: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(out, tc.wantErr) {
				t.Fatalf("go vet = %v, want an error naming %q:\n%s", err, tc.wantErr, out)
			}
		})
	}
}
