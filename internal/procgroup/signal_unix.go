//go:build unix

package procgroup

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Terminate asks every process in the group led by pid to stop (SIGTERM).
func Terminate(pid int) error { return signalGroup(pid, syscall.SIGTERM) }

// Kill kills every process in the group led by pid (SIGKILL).
func Kill(pid int) error { return signalGroup(pid, syscall.SIGKILL) }

// Interrupt sends p alone SIGINT, so it can stop gracefully (terraform then releases
// its state lock).
func Interrupt(p *os.Process) error { return p.Signal(os.Interrupt) }

// GroupAlive reports whether any process of the group led by pid still exists.
func GroupAlive(pid int) bool {
	err := syscall.Kill(-pid, 0)
	// EPERM: a member exists but belongs to someone else.
	return err == nil || errors.Is(err, syscall.EPERM)
}

func signalGroup(pid int, sig syscall.Signal) error {
	if err := syscall.Kill(-pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal process group %d: %w", pid, err)
	}
	return nil
}
