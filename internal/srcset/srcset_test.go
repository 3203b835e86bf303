package srcset_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/patternmatcher"

	"dagger/predictor/internal/srcset"
	"dagger/predictor/internal/testsupport/testenv"
)

// moduleSource lists the files the engine uploads as the module's source (the
// `source` argument of New): tracked and untracked files git does not ignore,
// minus New's +ignore patterns, read from main.go so they are never copied here.
func moduleSource(t *testing.T, root string) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("list the repository's files (git must be installed): %v", err)
	}
	ignore := matcher(t, ignorePatterns(t, root))
	var files []string
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if _, err := os.Lstat(filepath.Join(root, f)); err != nil {
			continue // deleted in the work tree, not yet in the index
		}
		if !matches(t, ignore, f) {
			files = append(files, f)
		}
	}
	return files
}

var ignorePragma = regexp.MustCompile(`(?m)^\s*// \+ignore=(\[.*\])\s*$`)

// ignorePatterns reads the +ignore pragma of New's source argument in main.go.
func ignorePatterns(t *testing.T, root string) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := ignorePragma.FindAllSubmatch(src, -1)
	if len(m) != 1 {
		t.Fatalf("main.go: want one +ignore pragma (New's source), found %d", len(m))
	}
	var patterns []string
	if err := json.Unmarshal(m[0][1], &patterns); err != nil {
		t.Fatalf("main.go: +ignore is not a JSON list of strings: %v", err)
	}
	return patterns
}

func matcher(t *testing.T, patterns []string) *patternmatcher.PatternMatcher {
	t.Helper()
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatalf("patterns %q: %v", patterns, err)
	}
	return pm
}

// matches is the engine's filter rule for one file (the patterns of buildkit's
// fsutil walker, which Directory.Filter and +ignore go through): the file or one of
// its parent directories matches, `!` patterns re-including.
func matches(t *testing.T, pm *patternmatcher.PatternMatcher, file string) bool {
	t.Helper()
	ok, err := pm.MatchesOrParentMatches(filepath.ToSlash(file))
	if err != nil {
		t.Fatalf("match %s: %v", file, err)
	}
	return ok
}

// materialize copies exactly the files of set into a new directory, as the
// container receives them, and returns that directory.
func materialize(t *testing.T, set srcset.Set) string {
	t.Helper()
	root := testenv.RepoRoot(t)
	var include, exclude *patternmatcher.PatternMatcher
	if len(set.Include) > 0 {
		include = matcher(t, set.Include)
	}
	if len(set.Exclude) > 0 {
		exclude = matcher(t, set.Exclude)
	}
	dst := t.TempDir()
	prefix := ""
	if set.Dir != "" {
		prefix = set.Dir + "/"
	}
	for _, f := range moduleSource(t, root) {
		rel, ok := strings.CutPrefix(f, prefix)
		if !ok {
			continue
		}
		if include != nil && !matches(t, include, rel) || exclude != nil && matches(t, exclude, rel) {
			continue
		}
		copyFile(t, filepath.Join(root, f), filepath.Join(dst, rel))
	}
	return dst
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s in the container's files: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// The pipeline's Go container runs exactly this on the Deployctl set.
func TestDeployctlBuildsFromItsSet(t *testing.T) {
	dir := materialize(t, srcset.Deployctl)
	// Without the container's -trimpath and CGO_ENABLED=0: neither changes which of
	// the repository's files the build reads (none of them uses cgo), and with the
	// suite's own settings the build cache of its other deployctl builds is reused
	// (with other settings every dependency compiles again).
	run(t, dir, []string{"GOFLAGS=-mod=readonly", "GOWORK=off"}, "go", "build", "-o", os.DevNull, "./cmd/deployctl")
}

// The Terraform container inits and validates the root from the Infra set: the lock
// file must be in it, and every module and tfvars file the root reads.
func TestInfraInitsAndValidatesFromItsSet(t *testing.T) {
	dir := materialize(t, srcset.Infra)
	if _, err := os.Stat(filepath.Join(dir, ".terraform.lock.hcl")); err != nil {
		t.Fatalf("the provider lock file is not in the Infra set: %v", err)
	}
	tf := testenv.Terraform(t)
	env := append(testenv.TerraformTools(t), "TF_CLI_CONFIG_FILE="+testenv.TerraformCLIConfig(t), "TF_DATA_DIR="+filepath.Join(t.TempDir(), "data"))
	run(t, dir, env, tf, "init", "-backend=false", "-lockfile=readonly", "-input=false", "-no-color")
	run(t, dir, env, tf, "validate", "-no-color")
	for _, env := range []string{"dev", "prod", "local"} {
		if _, err := os.Stat(filepath.Join(dir, "envs", env+".tfvars")); err != nil {
			t.Errorf("envs/%s.tfvars is not in the Infra set: %v", env, err)
		}
	}
}

// `make -C backend deps` runs on the BackendLocks set before the source is copied:
// make must find every prerequisite of deps there (a dry run resolves them all).
func TestBackendDepsResolveFromTheLocksSet(t *testing.T) {
	dir := materialize(t, srcset.BackendLocks)
	run(t, dir, nil, "make", "-n", "deps")
}

// Every COPY of backend/Dockerfile (other than from a build stage) names a path
// that the build context keeps after backend/.dockerignore.
func TestDockerfileCopiesExistInTheBuildContext(t *testing.T) {
	dir := materialize(t, srcset.Backend)
	ignore := dockerignore(t, dir)
	copies := dockerfileCopies(t, filepath.Join(dir, "Dockerfile"))
	if len(copies) == 0 {
		t.Fatal("backend/Dockerfile has no COPY from the build context")
	}
	for _, src := range copies {
		if _, err := os.Stat(filepath.Join(dir, src)); err != nil {
			t.Errorf("Dockerfile COPY %s: not in the Backend set: %v", src, err)
			continue
		}
		if ignore != nil && matches(t, ignore, src) {
			t.Errorf("Dockerfile COPY %s: excluded by backend/.dockerignore", src)
		}
	}
}

func dockerignore(t *testing.T, dir string) *patternmatcher.PatternMatcher {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".dockerignore"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	return matcher(t, patterns)
}

// dockerfileCopies returns the context sources of the Dockerfile's COPY and ADD
// lines, skipping --from (a build stage) and flags.
func dockerfileCopies(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var srcs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || (!strings.EqualFold(fields[0], "COPY") && !strings.EqualFold(fields[0], "ADD")) {
			continue
		}
		args := fields[1:]
		if slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--from") }) {
			continue
		}
		args = slices.DeleteFunc(args, func(a string) bool { return strings.HasPrefix(a, "--") })
		srcs = append(srcs, args[:len(args)-1]...)
	}
	return srcs
}

// The emulator service runs the launcher from the EmulatorLauncher set, with IAM
// enforcement available: it must start and answer from those files alone.
func TestEmulatorLauncherRunsFromItsSet(t *testing.T) {
	dir := materialize(t, srcset.EmulatorLauncher)
	py := os.Getenv("MOTO_PYTHON")
	if py == "" {
		t.Fatal("MOTO_PYTHON is not set: run `make emulator` and set MOTO_PYTHON=.tools/venv/bin/python (make test does both)")
	}
	port := freePort(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cmd := exec.CommandContext(ctx, py, filepath.Join(dir, "moto_launcher.py"), "-H", "127.0.0.1", "-p", port)
	cmd.Env = append(os.Environ(), "PREDICTOR_MOTO_IAM=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cancel()
		// Killed by the cancel: the exit status says nothing about the test.
		if err := <-exited; err != nil {
			t.Logf("launcher stopped: %v", err)
		}
	}()
	url := "http://127.0.0.1:" + port + "/moto-api/data.json"
	// Generous: moto imports for seconds, and much longer on a loaded machine.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the launcher exited from its set: %v\n%s", err, stderr.String())
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the launcher did not answer from its set: %v\n%s", err, stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}
