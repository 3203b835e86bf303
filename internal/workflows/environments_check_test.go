package workflows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"dagger/predictor/internal/testsupport/testenv"
)

// environmentsScript checks the GitHub environments' protection rules.
const environmentsScript = "node scripts/github-environments.js check"

// TestExpectedWorkflowsEnvironmentsCheck pins the daily check of the GitHub
// environments' protection rules: drift.yml's drift job runs it with the job's token,
// even after a drift failure, and holds the one permission GitHub's REST reference
// asks for to read environments (Actions, read). No other job gets that permission.
func TestExpectedWorkflowsEnvironmentsCheck(t *testing.T) {
	set := loadRepo(t)
	drift := set[".github/workflows/drift.yml"].Doc.Jobs["drift"]
	scopes, _ := permissionScopes(&drift.Permissions)
	want := map[string]string{"contents": "read", "id-token": "write", "actions": "read"}
	if diff := cmp.Diff(want, scopes); diff != "" {
		t.Errorf("drift.yml: drift job permissions (-want +got):\n%s", diff)
	}

	// Step keeps no env or if: read them from the file.
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), ".github/workflows/drift.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				If  string            `yaml:"if"`
				Run string            `yaml:"run"`
				Env map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, s := range doc.Jobs["drift"].Steps {
		if strings.TrimSpace(s.Run) != environmentsScript {
			continue
		}
		found = true
		if s.Env["GH_TOKEN"] != "${{ github.token }}" {
			t.Errorf("drift.yml: the environments check reads GitHub with GH_TOKEN %q, want ${{ github.token }}", s.Env["GH_TOKEN"])
		}
		if s.If != "${{ !cancelled() }}" {
			t.Errorf("drift.yml: the environments check runs if %q, want ${{ !cancelled() }} (also after a drift failure)", s.If)
		}
	}
	if !found {
		t.Errorf("drift.yml: the drift job has no step `%s`", environmentsScript)
	}

	for _, p := range sortedKeys(set) {
		for _, name := range sortedKeys(set[p].Doc.Jobs) {
			j := set[p].Doc.Jobs[name]
			scopes, _ := permissionScopes(&j.Permissions)
			if _, ok := scopes["actions"]; !ok {
				continue
			}
			runs := false
			for _, s := range j.Steps {
				runs = runs || strings.TrimSpace(s.Run) == environmentsScript
			}
			if !runs {
				t.Errorf("%s: job %s has the actions permission but does not check the environments", p, name)
			}
		}
	}
}
