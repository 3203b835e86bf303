package rehearsal

import (
	"os"
	"path/filepath"

	"dagger/predictor/internal/emulator"
)

// StartEmulator starts moto through the repository's launcher with running ECS tasks
// (so a rollout completes), points terraform at the offline provider mirror when
// there is one and no existing CLI config names another, and sets the emulator's test
// credentials for the in-process deployctl commands. Stopping restores the
// environment.
func StartEmulator() (string, func(), error) {
	m, err := emulator.Start(emulator.Options{Env: []string{"MOTO_ECS_SERVICE_RUNNING=2"}})
	if err != nil {
		return "", nil, err
	}
	var env envChanges
	env.set("AWS_ENDPOINT_URL", m.URL)
	env.set("AWS_ACCESS_KEY_ID", "test")
	env.set("AWS_SECRET_ACCESS_KEY", "test")
	env.set("TF_IN_AUTOMATION", "1")
	// A session token or profile of the user's would be sent with the test keys.
	env.unset("AWS_SESSION_TOKEN")
	env.unset("AWS_PROFILE")
	cfgDir := ""
	if !fileExists(os.Getenv("TF_CLI_CONFIG_FILE")) {
		var cfg string
		if cfg, cfgDir = mirrorCLIConfig(); cfg != "" {
			env.set("TF_CLI_CONFIG_FILE", cfg)
		}
	}
	stop := func() {
		env.restore()
		if cfgDir != "" {
			os.RemoveAll(cfgDir)
		}
		_ = m.Stop()
	}
	return m.URL, stop, nil
}

// mirrorCLIConfig writes a terraform CLI config that installs the providers from the
// offline mirror, when there is one; it returns the file and its directory to remove
// ("" when there is no mirror or the file could not be written: terraform then uses
// its defaults).
func mirrorCLIConfig() (cfg, dir string) {
	if _, err := os.Stat(emulator.ProviderMirrorDir()); err != nil {
		return "", ""
	}
	dir, err := os.MkdirTemp("", "predictor-tfrc-")
	if err != nil {
		return "", ""
	}
	cfg = filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cfg, []byte(emulator.CLIConfig(emulator.ProviderMirrorDir())), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", ""
	}
	return cfg, dir
}

// envChanges changes the process environment and undoes the changes in reverse order.
type envChanges struct{ undo []func() }

func (e *envChanges) set(k, v string) {
	e.remember(k)
	os.Setenv(k, v)
}

func (e *envChanges) unset(k string) {
	e.remember(k)
	os.Unsetenv(k)
}

func (e *envChanges) remember(k string) {
	old, had := os.LookupEnv(k)
	e.undo = append(e.undo, func() {
		if had {
			os.Setenv(k, old)
		} else {
			os.Unsetenv(k)
		}
	})
}

func (e *envChanges) restore() {
	for i := len(e.undo) - 1; i >= 0; i-- {
		e.undo[i]()
	}
	e.undo = nil
}

func fileExists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}
