package emulator

import (
	"os"
	"strings"
	"testing"
)

func TestStopRemovesLauncherAndLog(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts the AWS emulator")
	}
	m, err := Start(Options{})
	if err != nil {
		t.Fatalf("start the emulator: %v", err)
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

func TestCheckMotoPythonRefusesOtherVersions(t *testing.T) {
	_, err := checkMotoPython("testdata/python-moto-5.2.1")
	if err == nil || !strings.Contains(err.Error(), "has moto 5.2.1, want "+MotoVersion) {
		t.Fatalf("checkMotoPython(moto 5.2.1) error = %v, want it refused as another version", err)
	}
	t.Setenv("MOTO_PYTHON", "testdata/python-moto-5.2.1")
	if _, err := motoPython(); err == nil || !strings.Contains(err.Error(), "make emulator") {
		t.Fatalf("motoPython with MOTO_PYTHON at moto 5.2.1: error = %v, want the install hint", err)
	}
}
