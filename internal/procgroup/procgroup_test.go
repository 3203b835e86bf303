//go:build unix

package procgroup

import (
	"os/exec"
	"testing"
	"time"
)

// A shell that started a grandchild: Kill must reach both, which only a process group
// of the shell's own allows.
func TestKillEndsTheWholeGroup(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 60 & wait")
	Setup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sh: %v", err)
	}
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	time.Sleep(200 * time.Millisecond) // let sh start sleep
	if !GroupAlive(pid) {
		t.Fatalf("group %d not alive after start", pid)
	}
	if err := Kill(pid); err != nil {
		t.Fatalf("kill: %v", err)
	}
	<-exited
	deadline := time.Now().Add(5 * time.Second)
	for GroupAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still has members after Kill", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := Terminate(pid); err != nil {
		t.Errorf("terminate of a gone group: %v, want nil", err)
	}
}
