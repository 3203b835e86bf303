// Package emulator starts and stops the AWS emulator (moto in server mode) through the
// repo's launcher, which adds the calls the pinned moto (MotoVersion) lacks for
// predictor's infrastructure and models ECS deployments: UpdateService starts a new
// PRIMARY deployment with its own ID, which DescribeServices shows COMPLETED once
// MOTO_ECS_SERVICE_RUNNING covers the desired count (else IN_PROGRESS forever). No
// tasks, circuit breaker or rollback are modelled; moto_launcher.py lists what is.
// Shipped code: `deployctl rehearse` (make local) starts the emulator with it; tests
// use it through internal/testsupport/testenv.
package emulator

import (
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"dagger/predictor/internal/procgroup"
)

// motoVersion is the emulator version the launcher is written for; `make emulator`
// installs it (requirements.txt, every package pinned) into .tools/venv.
const motoVersion = "5.2.5"

//go:embed moto_launcher.py
var motoLauncher []byte

// motoIAM is the launcher's IAM enforcement layer, imported when the emulator runs
// with PREDICTOR_MOTO_IAM=1 (see moto_iam.py).
//
//go:embed moto_iam.py
var motoIAM []byte

// Moto is one running emulator process, started by this harness and stopped by its PID.
type Moto struct {
	// URL is the endpoint, such as http://127.0.0.1:41234.
	URL    string
	cmd    *exec.Cmd
	dir    string        // launcher and log, removed by Stop
	exited chan struct{} // closed once the process has been reaped
}

// Options tune an emulator.
type Options struct {
	// Env adds variables such as MOTO_ECS_SERVICE_RUNNING=2.
	Env []string
}

// startTimeout bounds how long Start waits for the emulator's first answer.
const startTimeout = 2 * time.Minute

// installHint says how to get the pinned emulator.
const installHint = "run `make emulator` (installs moto[server]==" + motoVersion + " into .tools/venv), or set MOTO_PYTHON to a python that has it"

// toolsVenvPython is the interpreter of the repo's tools venv (.tools/venv), found from
// this source file's place in the checkout, so `go test` works without make too.
func toolsVenvPython() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Join(filepath.Dir(file), "..", "..", ".tools", "venv", "bin", "python")
}

// motoPython finds a Python interpreter that imports moto at motoVersion: MOTO_PYTHON,
// then the repo's tools venv, then python3 and moto_server's python on PATH.
func motoPython() (string, error) {
	if p := os.Getenv("MOTO_PYTHON"); p != "" {
		path, err := checkMotoPython(p)
		if err != nil {
			return "", fmt.Errorf("MOTO_PYTHON: %w: %s", err, installHint)
		}
		return path, nil
	}
	candidates := []string{toolsVenvPython(), "python3"}
	if server, err := exec.LookPath("moto_server"); err == nil {
		candidates = append(candidates, filepath.Join(filepath.Dir(server), "python3"))
	}
	var found []string
	for _, c := range candidates {
		path, err := checkMotoPython(c)
		if err == nil {
			return path, nil
		}
		found = append(found, err.Error())
	}
	return "", fmt.Errorf("no python with moto %s found (%s): %s", motoVersion, strings.Join(found, "; "), installHint)
}

// checked holds the interpreters that passed checkMotoPython in this process: the
// check imports moto (~0.4 CPU-s), and a test package starts several emulators.
var checked sync.Map

// checkMotoPython returns python's path if it imports moto's server at motoVersion.
func checkMotoPython(python string) (string, error) {
	if python == "" {
		return "", errors.New("no interpreter")
	}
	path, err := exec.LookPath(python)
	if err != nil {
		return "", fmt.Errorf("%s: not found", python)
	}
	if _, ok := checked.Load(path); ok {
		return path, nil
	}
	out, err := exec.Command(path, "-c", "import moto, moto.server, werkzeug; print(moto.__version__)").Output()
	if err != nil {
		return "", fmt.Errorf("%s: cannot import moto.server", path)
	}
	if v := strings.TrimSpace(string(out)); v != motoVersion {
		return "", fmt.Errorf("%s has moto %s, want %s", path, v, motoVersion)
	}
	checked.Store(path, true)
	return path, nil
}

// Start starts the emulator on a free 127.0.0.1 port through the repo's launcher
// and waits until it answers. The caller must Stop it.
func Start(opts Options) (*Moto, error) {
	python, err := motoPython()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "predictor-moto-")
	if err != nil {
		return nil, err
	}
	m, err := start(dir, python, opts)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return m, nil
}

func start(dir, python string, opts Options) (*Moto, error) {
	launcher := filepath.Join(dir, "moto_launcher.py")
	if err := os.WriteFile(launcher, motoLauncher, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "moto_iam.py"), motoIAM, 0o600); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "moto.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(python, launcher, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Env = append(cmd.Env, opts.Env...)
	// Own process group, so Stop reaches anything the server might spawn.
	procgroup.Setup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto: %w", err)
	}
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, dir: dir, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(m.exited) }()
	// The first answer (data.json imports every moto backend) took 19-43 s on this
	// 2-core machine at load average 30; the deadline only bounds a hung start.
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := http.Get(m.URL + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
		select {
		case <-m.exited:
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("moto exited before answering: %s", tail(string(out), 2000))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = procgroup.Kill(cmd.Process.Pid)
			<-m.exited
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("moto did not answer within %s: %s", startTimeout, tail(string(out), 2000))
		}
	}
}

// PID is the emulator's process ID.
func (m *Moto) PID() int { return m.cmd.Process.Pid }

// Stop ends the emulator's process group (SIGTERM, then SIGKILL after 5 s), waits
// until the process is reaped and removes its files.
func (m *Moto) Stop() error {
	if m == nil || m.cmd.Process == nil {
		return nil
	}
	defer os.RemoveAll(m.dir)
	pid := m.cmd.Process.Pid
	_ = procgroup.Terminate(pid)
	select {
	case <-m.exited:
		return nil
	case <-time.After(5 * time.Second):
	}
	err := procgroup.Kill(pid)
	<-m.exited
	return err
}

// Reset wipes the emulator's state between tests that need a clean account.
func (m *Moto) Reset() error {
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// ProviderMirrorDir is where the hashicorp/aws provider is mirrored for offline
// `terraform init`. TF_PLUGIN_MIRROR overrides it.
func ProviderMirrorDir() string {
	if d := os.Getenv("TF_PLUGIN_MIRROR"); d != "" {
		return d
	}
	return "/opt/tf-plugins"
}

// CLIConfig is the text of a terraform CLI config that installs hashicorp providers
// from mirror only, so init never reaches a registry.
func CLIConfig(mirror string) string {
	return `provider_installation {
  filesystem_mirror {
    path    = "` + mirror + `"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
`
}
