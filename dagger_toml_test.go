package main

import (
	"os"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml"

	"dagger/predictor/internal/envcfg"
)

// TestDaggerTOMLDeclaresEveryEnvironment parses dagger.toml with the TOML library
// Dagger 1.0 reads it with (core/workspace/config.go ParseConfig) and checks that
// it declares one overlay per environment of internal/envcfg, so `--env NAME`,
// a global flag there, selects a defined overlay, and that it loads this module as
// the entrypoint (a dagger.toml replaces dagger.json's module loading in 1.0).
func TestDaggerTOMLDeclaresEveryEnvironment(t *testing.T) {
	b, err := os.ReadFile("dagger.toml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Modules map[string]struct {
			Source     string `toml:"source"`
			Entrypoint bool   `toml:"entrypoint"`
		} `toml:"modules"`
		Env map[string]map[string]any `toml:"env"`
	}
	if err := toml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("parse dagger.toml: %v", err)
	}
	var envs []string
	for name, overlay := range cfg.Env {
		envs = append(envs, name)
		if len(overlay) != 0 {
			t.Errorf("[env.%s] sets %v: the overlays only declare the environments", name, overlay)
		}
	}
	sort.Strings(envs)
	want := append([]string(nil), envcfg.Names...)
	sort.Strings(want)
	if diff := cmp.Diff(want, envs); diff != "" {
		t.Errorf("dagger.toml environments differ from infra/envs/*.tfvars (envcfg.Names) (-want +got):\n%s", diff)
	}
	m, ok := cfg.Modules["predictor"]
	if !ok || m.Source != "." || !m.Entrypoint {
		t.Errorf(`dagger.toml: want [modules.predictor] source = "." entrypoint = true, got %+v (present %v)`, m, ok)
	}
}
