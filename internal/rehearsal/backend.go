package rehearsal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"dagger/predictor/internal/procgroup"
)

// BackendPython is the interpreter that runs the backend: flag, else the backend's
// venv (built by `make -C backend deps`), as an absolute path, since the backend
// starts in its own directory where a relative path would be read from there.
func BackendPython(flag, backendDir string) (string, error) {
	py := flag
	if py == "" {
		py = filepath.Join(backendDir, ".venv", "bin", "python")
	}
	if _, err := os.Stat(py); err != nil {
		return "", fmt.Errorf("the backend's Python %s is missing: run `make -C backend deps` (or pass --python)", py)
	}
	return filepath.Abs(py)
}

// backendEnv is the backend's process environment: the infrastructure's
// backend_environment_variables, the version, the emulator and test credentials.
func backendEnv(vars map[string]string, version, endpoint string) []string {
	all := map[string]string{}
	for k, v := range vars {
		all[k] = v
	}
	all["APP_VERSION"] = version
	all["AWS_ENDPOINT_URL"] = endpoint
	all["AWS_ACCESS_KEY_ID"] = "test"
	all["AWS_SECRET_ACCESS_KEY"] = "test"
	env := make([]string, 0, len(all))
	for k, v := range all {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

// BackendStarter returns Config.StartBackend for `python -m app` in dir.
func BackendStarter(python, dir string) func(ctx context.Context, env []string) (string, func(), error) {
	return func(ctx context.Context, env []string) (string, func(), error) {
		return startBackend(ctx, python, dir, env)
	}
}

// startBackend runs `python -m app` in dir on a free loopback port with env added,
// in its own process group, and returns its URL once the port accepts connections.
func startBackend(ctx context.Context, python, dir string, env []string) (string, func(), error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	logFile, err := os.CreateTemp("", "predictor-backend-*.log")
	if err != nil {
		return "", nil, fmt.Errorf("create the backend's log: %w", err)
	}
	cmd := exec.Command(python, "-m", "app")
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), env...), fmt.Sprintf("PORT=%d", port), "HOST=127.0.0.1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	procgroup.Setup(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		os.Remove(logFile.Name())
		return "", nil, fmt.Errorf("start the backend (%s -m app in %s): %w", python, dir, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		pid := cmd.Process.Pid
		_ = procgroup.Terminate(pid)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = procgroup.Kill(pid)
			<-exited
		}
		logFile.Close()
		os.Remove(logFile.Name())
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := awaitListening(ctx, addr, exited, logFile.Name()); err != nil {
		stop()
		return "", nil, err
	}
	return "http://" + addr, stop, nil
}

// freePort asks the kernel for a loopback port nobody listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// awaitListening waits up to 30 s for addr to accept connections; a process that
// exits first fails with its log.
func awaitListening(ctx context.Context, addr string, exited <-chan struct{}, logPath string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-exited:
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("the backend exited before listening: %s", strings.TrimSpace(string(out)))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("the backend did not listen within 30s")
		}
	}
}

// GitCommit returns HEAD and whether the working tree has changes; "" without git.
func GitCommit() (string, bool) {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	status, err := exec.Command("git", "status", "--porcelain").Output()
	return strings.TrimSpace(string(out)), err != nil || len(bytes.TrimSpace(status)) > 0
}
