package workflows

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dagger/predictor/infra/envs"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

// TestOIDCReadsPromoteFromLikeEnvcfg: infra/github-oidc cannot parse HCL from a file,
// so it finds promote_from with the line pattern in its main.tf; for every environment
// file that pattern (RE2 in both Terraform and Go) must find what envcfg's parser does.
func TestOIDCReadsPromoteFromLikeEnvcfg(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "infra", "github-oidc", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`regex\("(\(\?m\)\^[^"]*promote_from(?:[^"\\]|\\.)*)", body\)\[0\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("main.tf: no regex(\"...promote_from...\", body)[0] found")
	}
	pattern := strings.NewReplacer(`\\`, `\`, `\"`, `"`).Replace(string(m[1]))
	re, err := regexp.Compile(pattern)
	if err != nil {
		t.Fatalf("main.tf's promote_from pattern %q: %v", pattern, err)
	}
	for _, e := range envcfg.All {
		b, err := fs.ReadFile(envs.Files, e.Name+".tfvars")
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if sm := re.FindSubmatch(b); sm != nil {
			got = string(sm[1])
		}
		if got != e.PromoteFrom {
			t.Errorf("%s.tfvars: github-oidc's pattern %q finds promote_from %q, envcfg %q: write `promote_from = \"ENV\"` on a line of its own", e.Name, pattern, got, e.PromoteFrom)
		}
	}
}
