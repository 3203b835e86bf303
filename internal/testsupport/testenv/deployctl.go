package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	deployctlOnce sync.Once
	deployctlDir  string
	deployctlBin  string
	deployctlErr  error
)

// Deployctl returns the path of a deployctl binary built from the repository, once per
// test package on first use (Main removes it): tests run the real binary, with its
// flags, exit statuses, stdout and stderr as the pipeline sees them.
func Deployctl(tb testing.TB) string {
	tb.Helper()
	deployctlOnce.Do(func() {
		deployctlDir, deployctlErr = os.MkdirTemp("", "deployctl-")
		if deployctlErr != nil {
			return
		}
		deployctlBin = filepath.Join(deployctlDir, "deployctl")
		cmd := exec.Command("go", "build", "-o", deployctlBin, "./cmd/deployctl")
		cmd.Dir = RepoRoot(tb)
		if out, err := cmd.CombinedOutput(); err != nil {
			deployctlErr = fmt.Errorf("build deployctl: %w\n%s", err, out)
		}
	})
	if deployctlErr != nil {
		tb.Fatal(deployctlErr)
	}
	return deployctlBin
}
