package tfroots

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dagger/predictor/internal/testsupport/testenv"
)

// TestRootsValidate: every root, assembled from its parts, is a valid Terraform root
// with infra/'s contract (terraform validate, the providers from the offline mirror).
func TestRootsValidate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs terraform init and validate on each root")
	}
	bin := testenv.Terraform(t)
	env := append(os.Environ(), testenv.TerraformTools(t)...)
	for name := range parts {
		t.Run(name, func(t *testing.T) {
			dir := Dir(t, name)
			for _, f := range []string{"versions.tf", "provider.tf", "contract.tf", filepath.Join("envs", "dev.tfvars")} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("root %s lacks %s", name, f)
				}
			}
			for _, args := range [][]string{{"init", "-backend=false", "-input=false", "-no-color"}, {"validate", "-no-color"}} {
				cmd := exec.Command(bin, args...)
				cmd.Dir, cmd.Env = dir, env
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("terraform %s in root %s: %v\n%s", args[0], name, err, out)
				}
			}
		})
	}
}

// TestWriteRefusesOverlappingParts: a file two parts hold is an error, not a silent
// replacement; an unknown root is an error too.
func TestWriteRefusesOverlappingParts(t *testing.T) {
	parts["overlap"] = []string{"base", "service", "base"}
	t.Cleanup(func() { delete(parts, "overlap") })
	err := Write(t.TempDir(), "overlap")
	if err == nil || !strings.Contains(err.Error(), "is in parts base and base") {
		t.Errorf("Write(overlap) = %v, want the overlap named", err)
	}
	if err := Write(t.TempDir(), "nope"); err == nil || !strings.Contains(err.Error(), `no such root`) {
		t.Errorf("Write(nope) = %v", err)
	}
	// Every part under roots/ belongs to a root: none is left behind.
	var used []string
	for _, ps := range parts {
		used = append(used, ps...)
	}
	entries, err := files.ReadDir("roots")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !slices.Contains(used, e.Name()) {
			t.Errorf("roots/%s is part of no root", e.Name())
		}
	}
}
