// Package tf drives the terraform CLI for deployctl. Every invocation is built as a command
// (argument list and extra environment) by a pure function and run separately, so
// tests assert exact argument lists without a terraform binary; the read-only JSON
// commands (show -json, output -json) go through hashicorp/terraform-exec and decode
// into terraform-json types.
package tf

import (
	"fmt"
	"time"
)

// DefaultLockTimeout is how long a command waits for the state lock. Terraform's own
// default (0s) fails at once when another run holds the lock, which is wrong for CI.
const DefaultLockTimeout = 60 * time.Second

// Config says how to run terraform for one environment.
type Config struct {
	// Dir is the root module directory (terraform runs there).
	Dir string
	// DataDir is TF_DATA_DIR (the .terraform directory), kept per environment so
	// switching environments never asks to migrate a backend.
	DataDir string
	// BackendConfigFile is the -backend-config file written for init.
	BackendConfigFile string
	// VarFile is the environment's variable file; empty for none.
	VarFile string
	// Vars are -var assignments in order (environment, aws_region, aws_endpoint ...).
	Vars []Var
	// Endpoint is the AWS emulator's URL (empty for real AWS). terraform gets it as
	// AWS_ENDPOINT_URL: the roots take the emulator's address from there, not from an
	// endpoints block (infra/README.md says why).
	Endpoint string
	// LockTimeout for state locking; zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// NoLock plans without the state lock (-lock=false): a review plan (pull request)
	// is never applied, so it must not hold the lock a deploy needs, and read-only
	// credentials cannot write the lock file anyway. Apply always locks.
	NoLock bool
	// PluginCacheDir is TF_PLUGIN_CACHE_DIR; empty leaves the variable as inherited.
	PluginCacheDir string
}

// Var is one -var assignment.
type Var struct{ Name, Value string }

// command is one terraform invocation: the arguments after the binary and the variables
// added to the inherited environment.
type command struct {
	Args []string
	Env  []string
}

var common = []string{"-no-color", "-input=false"}

func (c Config) lockTimeout() string {
	d := c.LockTimeout
	if d <= 0 {
		d = DefaultLockTimeout
	}
	return "-lock-timeout=" + d.String()
}

func (c Config) env() []string {
	var env []string
	if c.DataDir != "" {
		env = append(env, "TF_DATA_DIR="+c.DataDir)
	}
	if c.PluginCacheDir != "" {
		env = append(env, "TF_PLUGIN_CACHE_DIR="+c.PluginCacheDir)
	}
	if c.Endpoint != "" {
		env = append(env, "AWS_ENDPOINT_URL="+c.Endpoint)
	}
	return append(env, "TF_IN_AUTOMATION=1")
}

func (c Config) varArgs() []string {
	var args []string
	if c.VarFile != "" {
		args = append(args, "-var-file="+c.VarFile)
	}
	for _, v := range c.Vars {
		args = append(args, fmt.Sprintf("-var=%s=%s", v.Name, v.Value))
	}
	return args
}

func cmd(c Config, sub string, args ...string) command {
	all := append([]string{sub}, common...)
	return command{Args: append(all, args...), Env: c.env()}
}

// initCmd initializes the working directory with the environment's backend. It
// always reconfigures: the state is remote, so there is nothing to migrate, and a
// changed backend must never turn into an interactive question.
func initCmd(c Config) command {
	return cmd(c, "init", "-reconfigure", "-backend-config="+c.BackendConfigFile, c.lockTimeout())
}

// planLock is -lock=false for a review plan, else the lock timeout.
func (c Config) planLock() string {
	if c.NoLock {
		return "-lock=false"
	}
	return c.lockTimeout()
}

// planCmd plans into out with -detailed-exitcode (exit 2 = changes).
func planCmd(c Config, out string) command {
	args := []string{"-detailed-exitcode", c.planLock(), "-out=" + out}
	return cmd(c, "plan", append(args, c.varArgs()...)...)
}

// driftCmd is a refresh-only plan into out: exit 2 means the real infrastructure
// differs from the state. It never locks: it only reads, runs with read-only
// credentials (which cannot write the lock file), and must not block a deploy.
func driftCmd(c Config, out string) command {
	args := []string{"-refresh-only", "-detailed-exitcode", "-lock=false", "-out=" + out}
	return cmd(c, "plan", append(args, c.varArgs()...)...)
}

// destroyPlanCmd saves a plan that destroys every resource into out. Like any plan
// it takes the state lock (and waits for it up to the lock timeout), so a destroy
// that starts with it learns of a held lock before anything is deleted.
func destroyPlanCmd(c Config, out string) command {
	args := []string{"-destroy", "-detailed-exitcode", c.lockTimeout(), "-out=" + out}
	return cmd(c, "plan", append(args, c.varArgs()...)...)
}

// applyCmd applies exactly the saved plan file (variables are in the plan).
func applyCmd(c Config, plan string) command {
	return cmd(c, "apply", c.lockTimeout(), plan)
}

// syncStateCmd is a refresh-only apply: it records the real infrastructure in the
// state without changing it. Run right after an apply, it absorbs what providers only
// learn by reading back (attributes filled in by other resources, defaults), so a
// later refresh-only plan reports only real drift.
func syncStateCmd(c Config) command {
	args := []string{"-refresh-only", "-auto-approve", c.lockTimeout()}
	return cmd(c, "apply", append(args, c.varArgs()...)...)
}

// statePushCmd writes a state file to the backend. Without -force terraform refuses
// a different lineage or an older serial: that is the lineage check that makes
// pushing a failed apply's errored state back safe.
// It runs with -lock=false: it follows an apply that could not save its state and so,
// as a rule, could not release its lock either (ReleaseOwnLock does that after).
func statePushCmd(c Config, path string) command {
	return command{Args: []string{"state", "push", "-lock=false", path}, Env: c.env()}
}

// forceUnlockCmd releases the lock with id (only ever one this process took).
func forceUnlockCmd(c Config, id string) command {
	return command{Args: []string{"force-unlock", "-force", id}, Env: c.env()}
}
