//go:build unix && !linux

package procgroup

import (
	"os/exec"
	"syscall"
)

// Setup makes cmd (before Start) lead a process group of its own. Only Linux has a
// death signal: here the child outlives a parent that is killed outright.
func Setup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
