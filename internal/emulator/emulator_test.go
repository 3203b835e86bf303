package emulator

import (
	"os"
	"testing"
)

func TestStopRemovesLauncherAndLog(t *testing.T) {
	m, err := Start(Options{})
	if err != nil {
		t.Fatalf("start the emulator (install it with `pip install 'moto[server]==%s'`): %v", MotoVersion, err)
	}
	if _, err := os.Stat(m.dir); err != nil {
		t.Fatalf("emulator files missing while it runs: %v", err)
	}
	if err := m.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, err := os.Stat(m.dir); !os.IsNotExist(err) {
		t.Fatalf("%s left behind after Stop (err=%v)", m.dir, err)
	}
}
