package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// standInCases are scratch packages vetted against the stand-ins: with wantErr "" one
// must type-check, else it must fail naming wantErr.
var standInCases = map[string]struct {
	src     string
	wantErr string
}{
	"real API": {
		src: `package scratch

import (
	"context"

	"dagger/predictor/internal/dagger"
)

func Build(ctx context.Context, dag *dagger.Client, src *dagger.Directory, secret *dagger.Secret) (string, error) {
	return dag.Container(dagger.ContainerOpts{Platform: "linux/amd64"}).
		From("alpine").
		WithMountedDirectory("/src", src).
		WithSecretVariable("TOKEN", secret).
		WithExec([]string{"true"}, dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny}).
		Stdout(ctx)
}
`,
	},
	"misspelled method": {
		src: `package scratch

import "dagger/predictor/internal/dagger"

func Build(dag *dagger.Client) *dagger.Container {
	return dag.Container().From("alpine").WithExecc([]string{"true"})
}
`,
		wantErr: "WithExecc",
	},
	"Host, which the engine hides from modules": {
		src: `package scratch

import "dagger/predictor/internal/dagger"

func Build(dag *dagger.Client) *dagger.Directory {
	return dag.Host().Directory(".")
}
`,
		wantErr: "Host",
	},
	"EngineCache, which the engine hides from modules": {
		src: `package scratch

import "dagger/predictor/internal/dagger"

func Prune(dag *dagger.Client) any {
	return dag.Engine()
}
`,
		wantErr: "Engine",
	},
	"wrong option field": {
		src: `package scratch

import "dagger/predictor/internal/dagger"

func Build(dag *dagger.Client) *dagger.Container {
	return dag.Container(dagger.ContainerOpts{Platfrom: "linux/amd64"})
}
`,
		wantErr: "Platfrom",
	},
}

// TestStandInsTypeCheckModuleCode proves the stand-ins catch API mistakes: a scratch
// package in this module is vetted against the generated internal/dagger, once with
// real Dagger calls (must pass) and once with a misspelled method (must fail).
func TestStandInsTypeCheckModuleCode(t *testing.T) {
	root := repoRoot(t)
	if err := run(root); err != nil {
		t.Fatalf("generate: %v", err)
	}
	for name, tc := range standInCases {
		t.Run(name, func(t *testing.T) {
			out, err := vetScratch(t, root, tc.src)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("real Dagger calls failed to type-check: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("go vet accepted code calling %s, which the Dagger API lacks", tc.wantErr)
			}
			if !strings.Contains(out, tc.wantErr) {
				t.Fatalf("go vet failed without naming %s:\n%s", tc.wantErr, out)
			}
		})
	}
}

// vetScratch runs go vet on testdata/scratch with its file replaced through -overlay,
// so nothing is written into the repository.
func vetScratch(t *testing.T, root, src string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	replacement := filepath.Join(dir, "scratch.go")
	if err := os.WriteFile(replacement, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(root, "cmd", "gendagger", "testdata", "scratch", "scratch.go")
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {target: replacement}})
	overlayPath := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayPath, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "-overlay="+overlayPath, "./cmd/gendagger/testdata/scratch")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestGeneratedFilesAreMarkedAndIgnored(t *testing.T) {
	root := repoRoot(t)
	if err := run(root); err != nil {
		t.Fatal(err)
	}
	for _, p := range generatedPaths {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "// Code generated ") || !strings.Contains(string(b), "DO NOT EDIT.") {
			t.Errorf("%s lacks the generated-code header", p)
		}
		cmd := exec.Command("git", "check-ignore", "-q", p)
		cmd.Dir = root
		if err := cmd.Run(); err != nil {
			t.Errorf("%s is not gitignored; the engine regenerates it", p)
		}
	}
}

func TestAliasesCoverLibraryAPI(t *testing.T) {
	root := repoRoot(t)
	dir, err := libraryDir(root)
	if err != nil {
		t.Fatal(err)
	}
	a, err := exportedAPI(dir)
	if err != nil {
		t.Fatal(err)
	}
	src := string(aliasFile(a))
	for _, name := range []string{"Container", "Secret", "ExecError", "ReturnTypeAny"} {
		if !regexp.MustCompile(`(?m)^\t` + name + `\s+= dagger\.` + name + `$`).MatchString(src) {
			t.Errorf("stand-in lacks an alias for %s", name)
		}
	}
	// Generic identifiers cannot be aliased without instantiation; the types the engine
	// hides from modules, and the client-only Connect, are not there for modules.
	for _, generic := range []string{"Loadable", "Load", "Ref", "Host", "HostID", "Engine", "EngineCacheEntrySet", "Connect"} {
		if regexp.MustCompile(`(?m)^\t` + generic + `\s+=`).MatchString(src) {
			t.Errorf("stand-in aliases generic %s", generic)
		}
	}
}

// TestRootFileConnectsLikeTheRealOne: the root stand-in makes dag with Connect() as
// the real dagger.gen.go does, and the stand-in Connect reaches nothing (it reads no
// session variables: this package's tests run without them).
func TestRootFileConnectsLikeTheRealOne(t *testing.T) {
	src := string(rootFile("dagger/predictor"))
	if !strings.Contains(src, "var dag = dagger.Connect()") || !strings.Contains(src, "func main() {}") {
		t.Fatalf("root stand-in lacks dag = dagger.Connect() or main:\n%s", src)
	}
	if strings.Contains(clientSrc, "DAGGER_SESSION") || strings.Contains(clientSrc, "os.") {
		t.Fatalf("stand-in Connect reads the environment:\n%s", clientSrc)
	}
}
