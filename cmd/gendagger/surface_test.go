package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/daggerapi"
)

// TestStandInSurfaceMatchesRealCodegen: the stand-in internal/dagger offers exactly
// the API that Dagger's real codegen generated for the root module (the golden in
// internal/daggerapi): nothing the engine does not give modules (Host, Engine, a
// client's Connect and options), nothing missing. Two differences are known and
// allowed, and only those:
//   - the goldens come from the v0.21.8 tree while go.mod's library is v0.21.9, whose
//     only API change is the Volume API (its types and the methods that reach them);
//   - the generated object types have an UnmarshalJSON method, which the module's
//     own generated entry point uses to decode arguments; the stand-in aliases the
//     library's object types, which have none, and module code has no use for it.
func TestStandInSurfaceMatchesRealCodegen(t *testing.T) {
	root := repoRoot(t)
	if err := run(root); err != nil {
		t.Fatal(err)
	}
	want, err := daggerapi.GoldenSurface("predictor")
	if err != nil {
		t.Fatal(err)
	}
	got, err := daggerapi.Surface(filepath.Join(root, "internal", "dagger"))
	if err != nil {
		t.Fatal(err)
	}
	gotLines := map[string]bool{}
	for _, l := range strings.Split(got, "\n") {
		gotLines[l] = true
	}
	want = keepLines(want, func(l string) bool { return gotLines[l] || !unmarshalJSON.MatchString(l) })
	got = keepLines(got, func(l string) bool { return !volumeAPI.MatchString(l) })
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stand-in API differs from the real codegen's (-real +stand-in):\n%s", d)
	}
}

// volumeAPI matches the lines of the API dagger.io/dagger v0.21.9 added to v0.21.8.
var volumeAPI = regexp.MustCompile(`^(type|field|method) (Volume|VolumeID|ContainerWithMountedVolumeOpts|SshfsVolumeOpts)[ .]` +
	`|^method (Address\.Volume|Binding\.AsVolume|Container\.WithMountedVolume|Env\.WithVolumeInput|Env\.WithVolumeOutput|(Client|Query)\.(LoadVolumeFromID|SshfsVolume))\(`)

var unmarshalJSON = regexp.MustCompile(`^method [A-Za-z]+\.UnmarshalJSON\(\[\]byte\) error$`)

func keepLines(s string, keep func(string) bool) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if keep(l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}
