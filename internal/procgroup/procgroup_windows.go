package procgroup

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// Setup leaves cmd as it is: Windows has no process groups that a signal reaches.
func Setup(*exec.Cmd) {}

// Terminate kills the process pid; Windows cannot ask a child to stop, and what the
// process started keeps running.
func Terminate(pid int) error { return Kill(pid) }

// Kill kills the process pid (not what it started).
func Kill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil // already gone
	}
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill process %d: %w", pid, err)
	}
	return nil
}

// Interrupt kills p: Windows cannot deliver an interrupt to a child process.
func Interrupt(p *os.Process) error { return p.Kill() }

// GroupAlive reports whether the process pid still exists.
func GroupAlive(pid int) bool {
	_, err := os.FindProcess(pid)
	return err == nil
}
