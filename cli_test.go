package main

// What `dagger call` prints, derived from the pinned CLI's rules (cmd/dagger/
// functions.go, handleResponse, v0.21.x): a scalar result is printed; with -o it is
// written to that file instead. An object result is exported with -o when its type
// has export (Directory, File, Container); otherwise the CLI prints only its ID
// (`Type@xxh3:...`, printID) after syncing it, which no README line or workflow step
// wants. A function returning only an error prints nothing. The test walks every
// `dagger call` of the README and the workflows through the module's own function
// signatures and fails where a call would end on an ID, chain after a scalar or name
// a function or argument the module does not have.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dagger/predictor/internal/daggerrules"
)

// member is a function or field of an object as the CLI reaches it.
type member struct {
	result string          // Go type of the result: "string", "*Plan", "*dagger.File", "" for none
	args   map[string]bool // CLI argument name -> takes a value (false: a bool flag)
}

// coreMembers are the core-API functions the README and workflows chain after the
// module's results (what the engine's core schema gives those types).
var coreMembers = map[string]map[string]member{
	"*dagger.Service":   {"up": {args: map[string]bool{"ports": true, "random": false}}},
	"*dagger.Container": {"platform": {result: "string"}, "stdout": {result: "string"}, "terminal": {}},
	"*dagger.Directory": {"entries": {result: "[]string"}},
}

// exportable are the object types the CLI exports with -o.
var exportable = map[string]bool{"*dagger.Directory": true, "*dagger.File": true, "*dagger.Container": true}

func cliName(goName string) string {
	var b strings.Builder
	for i, r := range goName {
		if i > 0 && r >= 'A' && r <= 'Z' && (goName[i-1] < 'A' || goName[i-1] > 'Z') {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// key normalises a CLI or Go name for lookup (as-json, AsJSON -> asjson).
func key(name string) string { return strings.ToLower(strings.ReplaceAll(name, "-", "")) }

// moduleMembers reads the root package's objects: their exported methods (the
// module's functions) and exported fields that are not +private.
func moduleMembers(t *testing.T) map[string]map[string]member {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]map[string]member{}
	add := func(typ, name string, m member) {
		if out["*"+typ] == nil {
			out["*"+typ] = map[string]member{}
		}
		out["*"+typ][key(name)] = m
	}
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, ".gen.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || !d.Name.IsExported() {
					continue
				}
				recv := strings.TrimPrefix(exprString(d.Recv.List[0].Type), "*")
				m := member{args: map[string]bool{}}
				for _, p := range d.Type.Params.List {
					for _, n := range p.Names {
						m.args[cliName(n.Name)] = exprString(p.Type) != "bool"
					}
				}
				if r := d.Type.Results; r != nil && exprString(r.List[0].Type) != "error" {
					m.result = exprString(r.List[0].Type)
				}
				add(recv, d.Name.Name, m)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, fl := range st.Fields.List {
						if fl.Doc != nil && strings.Contains(fl.Doc.Text(), "+private") {
							continue
						}
						for _, n := range fl.Names {
							if n.IsExported() {
								add(ts.Name.Name, n.Name, member{result: exprString(fl.Type)})
							}
						}
					}
				}
			}
		}
	}
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	}
	return "?"
}

// printed walks one `dagger call` command line and says what it prints, or why it
// is wrong.
func printed(objects map[string]map[string]member, words []string) (string, string) {
	typ := "*Predictor"
	i := 0
	// Constructor arguments come before the first function; each takes a value.
	for i < len(words) && strings.HasPrefix(words[i], "--") {
		i += 2
	}
	output := ""
	called := false
	for i < len(words) {
		w := words[i]
		if w == "-o" || w == "--output" {
			if i+1 >= len(words) {
				return "", "-o without a path"
			}
			output = words[i+1]
			i += 2
			continue
		}
		members, ok := objects[typ]
		if !ok {
			members, ok = coreMembers[typ]
		}
		if !ok {
			return "", "chains " + w + " after a " + typ + " result, which has no functions"
		}
		m, ok := members[key(w)]
		if !ok {
			return "", typ + " has no function " + w
		}
		i++
		for i < len(words) && strings.HasPrefix(words[i], "--") && words[i] != "--output" {
			name, _, hasValue := strings.Cut(strings.TrimPrefix(words[i], "--"), "=")
			takesValue, ok := m.args[name]
			if !ok {
				return "", w + " has no argument --" + name
			}
			i++
			if takesValue && !hasValue {
				i++
			}
		}
		typ, called = m.result, true
	}
	switch {
	case !called:
		return "", "calls no function"
	case typ == "":
		return "nothing (its checks pass or it fails)", ""
	case output != "" && (exportable[typ] || !strings.HasPrefix(typ, "*")):
		return "writes " + output, ""
	case !strings.HasPrefix(typ, "*"):
		return "prints a " + typ, ""
	case typ == "*dagger.Service":
		return "", "ends on a service: chain up"
	}
	return "", "ends on a " + strings.TrimPrefix(strings.TrimPrefix(typ, "*"), "dagger.") + " object: the CLI prints only its ID; chain a view or pass -o"
}

var (
	readmeCall   = regexp.MustCompile("dagger call ([^`#|\\n]*)")
	continuation = regexp.MustCompile(`\s*\\\n\s*`)
	stepNames    = regexp.MustCompile(`(?m)^\s*(- )?name: .*$`)
)

// daggerCalls returns each `dagger call` of the README, docs/ and the workflows,
// with where it was found.
func daggerCalls(t *testing.T) map[string][]string {
	t.Helper()
	files, _ := filepath.Glob(".github/workflows/*.yml")
	docs, _ := filepath.Glob("docs/*.md")
	files = append(append(files, "README.md"), docs...)
	calls := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := continuation.ReplaceAllString(string(b), " ")
		if strings.HasSuffix(f, ".yml") {
			text = stepNames.ReplaceAllString(foldedRuns(text), "")
		}
		for _, m := range readmeCall.FindAllStringSubmatch(text, -1) {
			words := strings.Fields(strings.NewReplacer(`"`, "", "'", "").Replace(m[1]))
			if len(words) == 0 || words[0] == "--help" || strings.HasPrefix(words[0], "<") || words[0] == "..." || strings.Contains(m[1], "${{") {
				continue // prose: `dagger call <function> --help`, `dagger call ...`
			}
			calls[f+": dagger call "+strings.Join(words, " ")] = words
		}
	}
	return calls
}

// foldedRuns joins the lines of `run: >-` blocks, as YAML folds them.
func foldedRuns(text string) string {
	lines := strings.Split(text, "\n")
	var b strings.Builder
	for i := 0; i < len(lines); i++ {
		b.WriteString(lines[i])
		if !strings.HasSuffix(strings.TrimSpace(lines[i]), "run: >-") {
			b.WriteByte('\n')
			continue
		}
		indent := ""
		for i+1 < len(lines) {
			next := lines[i+1]
			trimmed := strings.TrimLeft(next, " ")
			if trimmed == "" || (indent != "" && !strings.HasPrefix(next, indent)) || (indent == "" && len(next)-len(trimmed) == 0) {
				break
			}
			if indent == "" {
				indent = next[:len(next)-len(trimmed)]
			}
			b.WriteString(" " + trimmed)
			i++
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestDaggerCallsPrintWhatUsersRead(t *testing.T) {
	objects := moduleMembers(t)
	calls := daggerCalls(t)
	if len(calls) < 10 {
		t.Fatalf("found %d dagger calls in the README and workflows: the parser lost them", len(calls))
	}
	for where, words := range calls {
		if what, problem := printed(objects, words); problem != "" {
			t.Errorf("%s: %s", where, problem)
		} else {
			t.Logf("%s: %s", where, what)
		}
	}
}

// The same calls read by internal/daggerrules, the port of the CLI's own parsing
// (ParseCall: flags, boolean flags, required arguments) and printing (CallPrints),
// over the typedefs the codegen port derives from this module: both readings agree
// that no call ends on an ID.
func TestDaggerCallsByTheCLIPort(t *testing.T) {
	mod, err := daggerrules.LoadGoModule(".")
	if err != nil {
		t.Fatal(err)
	}
	td, err := daggerrules.Codegen(mod)
	if err != nil {
		t.Fatal(err)
	}
	for where, words := range daggerCalls(t) {
		if slices.Contains(words, "up") {
			continue // a core Service's up: beyond the module's own objects
		}
		c, err := daggerrules.ParseCall(td, words)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		out, err := daggerrules.CallPrints(td, c.Chain, c.Output)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		if out.Stdout == daggerrules.PrintsID && !out.Exported || out.Stdout == daggerrules.PrintsError {
			t.Errorf("%s: the CLI prints an object's ID or fails (%+v)", where, out)
		}
	}
}

func TestPrintedFollowsTheCLIRules(t *testing.T) {
	objects := moduleMembers(t)
	cases := map[string]string{
		"plan --env dev":                       "prints a string",
		"tf-plan --env dev":                    "ends on a Plan object",
		"tf-plan --env dev markdown":           "prints a string",
		"tf-plan --env prod file -o x.tfplan":  "writes x.tfplan",
		"tf-plan --env prod --save review":     "ends on a Directory object",
		"plan --env dev markdown":              "chains markdown after a string result",
		"tf-plan --env dev plan-id":            "prints a string",
		"serve":                                "ends on a service",
		"serve up --ports 8000:8000":           "nothing",
		"--region eu-west-1 plan --env dev":    "prints a string",
		"plan --env dev --no-such-flag":        "plan has no argument --no-such-flag",
		"plan --env dev --no-policy --save":    "prints a string",
		"tf-plan --env dev --no-policy review": "ends on a Directory object",
	}
	for line, want := range cases {
		what, problem := printed(objects, strings.Fields(line))
		if got := what + problem; !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", line, got, want)
		}
	}
}
