package procgroup

import (
	"os/exec"
	"syscall"
)

// Setup makes cmd (before Start) lead a process group of its own, and has the kernel
// kill it when this process dies.
func Setup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
