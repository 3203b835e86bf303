package main

// Without an engine here, these tests read the module's source: each pins one rule
// of the Dagger layer that a type-check cannot see.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// moduleFuncs parses the module's Go files (not tests, not generated code) and
// returns every function declaration by name ("Type.Method" for methods).
func moduleFuncs(t *testing.T) (map[string]*ast.FuncDecl, *token.FileSet, map[string][]byte) {
	t.Helper()
	fset := token.NewFileSet()
	funcs := map[string]*ast.FuncDecl{}
	srcs := map[string][]byte{}
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, ".gen.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		srcs[name] = src
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			key := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				typ := fd.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					key = id.Name + "." + key
				}
			}
			funcs[key] = fd
		}
	}
	return funcs, fset, srcs
}

func body(fset *token.FileSet, srcs map[string][]byte, fd *ast.FuncDecl) string {
	if fd == nil {
		return ""
	}
	src := srcs[fset.Position(fd.Pos()).Filename]
	return string(src[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset])
}

// TestNoFunctionCachedForTheSession: a session-cached function replays a plan made
// before an apply in the same session; live reads never come from cache.
func TestNoFunctionCachedForTheSession(t *testing.T) {
	funcs, _, _ := moduleFuncs(t)
	for name, fd := range funcs {
		if fd.Doc != nil && strings.Contains(fd.Doc.Text(), `+cache="session"`) {
			t.Errorf("%s is cached for the session: a later call in the session would get a stale result", name)
		}
	}
	for _, name := range []string{"Predictor.Plan", "Predictor.Apply", "Predictor.Deploy", "Predictor.Drift", "Predictor.DriftReport", "Predictor.Outputs", "Predictor.Rollout", "Predictor.Rollback", "Plan.Apply"} {
		fd := funcs[name]
		if fd == nil {
			t.Errorf("%s not found", name)
			continue
		}
		if fd.Doc == nil || !strings.Contains(fd.Doc.Text(), `+cache="never"`) {
			t.Errorf("%s reads or changes live AWS and must be +cache=\"never\"", name)
		}
	}
}

// TestPlanStepFailsUncached: the plan exec uses the default Expect (a failure fails
// and is not cached), a status file for the answers, and a per-call nonce.
func TestPlanStepFailsUncached(t *testing.T) {
	funcs, fset, srcs := moduleFuncs(t)
	plan := body(fset, srcs, funcs["Predictor.plan"])
	if strings.Contains(plan, "ReturnTypeAny") || strings.Contains(plan, "run(ctx") {
		t.Error("the plan step accepts any exit status: a failed plan would be a cached success")
	}
	for _, want := range []string{`"--status-file"`, "bust("} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan step lacks %s", want)
		}
	}
	if b := body(fset, srcs, funcs["Predictor.TfPlan"]); !strings.Contains(b, "noLock: true") {
		t.Error("a review plan takes the state lock: a deploy running meanwhile would wait and fail")
	}
	if strings.Contains(plan, "state-version") || strings.Contains(plan, "StateVersion") {
		t.Error("the plan step is keyed on the state version: changes outside terraform would reuse it")
	}
}

// TestLocalServicesPerCall: the emulator and registry services carry a per-call
// nonce, and functions that need an earlier call's state refuse --env local.
func TestLocalServicesPerCall(t *testing.T) {
	funcs, fset, srcs := moduleFuncs(t)
	for _, name := range []string{"Predictor.motoService", "registryService"} {
		b := body(fset, srcs, funcs[name])
		nonce := strings.Index(b, "nonce)")
		as := strings.Index(b, "AsService")
		if nonce < 0 || as < 0 || nonce > as {
			t.Errorf("%s does not set the per-call nonce before AsService: identical services are shared in a session", name)
		}
	}
	if tb := body(fset, srcs, funcs["Predictor.target"]); !strings.Contains(tb, "rand.Text()") {
		t.Error("target does not draw a per-call nonce for the local services")
	}
	for _, name := range []string{"Predictor.Outputs", "Predictor.drift", "Predictor.Bootstrap", "Predictor.Destroy", "Predictor.Rollout", "Predictor.Rollback", "Predictor.Publish", "Predictor.Verify"} {
		if b := body(fset, srcs, funcs[name]); !strings.Contains(b, "standaloneTarget(") {
			t.Errorf("%s would face an empty emulator with --env local: use standaloneTarget", name)
		}
	}
	if b := body(fset, srcs, funcs["Plan.Apply"]); !strings.Contains(b, "CheckStandalone(") {
		t.Error("Plan.Apply would apply against a new, empty emulator with --env local")
	}
}

// TestDeployDrivesTheOneSequence: Deploy passes --confirm to pipeline.Deploy, whose
// tests prove the order (no second copy of the sequence in the module).
func TestDeployDrivesTheOneSequence(t *testing.T) {
	funcs, fset, srcs := moduleFuncs(t)
	b := body(fset, srcs, funcs["Predictor.Deploy"])
	for _, want := range []string{"pipeline.Deploy(", "Confirm: confirm"} {
		if !strings.Contains(b, want) {
			t.Errorf("Deploy lacks %s", want)
		}
	}
	for name, fd := range funcs {
		if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line; n > 80 {
			t.Errorf("%s is %d lines: split it", name, n)
		}
	}
}

// TestPluginCachePerEnvironment: concurrent plans of two environments never write one
// plugin cache.
func TestPluginCachePerEnvironment(t *testing.T) {
	funcs, fset, srcs := moduleFuncs(t)
	b := body(fset, srcs, funcs["Predictor.terraformContainer"])
	if !strings.Contains(b, `"predictor-terraform-plugins-"+t.Env`) {
		t.Error("the terraform plugin cache volume is shared by every environment")
	}
}
