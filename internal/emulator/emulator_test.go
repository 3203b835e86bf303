package emulator

import (
	"os"
	"path/filepath"
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
	if err == nil || !strings.Contains(err.Error(), "has moto 5.2.1, want "+motoVersion) {
		t.Fatalf("checkMotoPython(moto 5.2.1) error = %v, want it refused as another version", err)
	}
	t.Setenv("MOTO_PYTHON", "testdata/python-moto-5.2.1")
	if _, err := motoPython(); err == nil || !strings.Contains(err.Error(), "make emulator") {
		t.Fatalf("motoPython with MOTO_PYTHON at moto 5.2.1: error = %v, want the install hint", err)
	}
}

// TestCheckMotoPythonOncePerInterpreter: a second emulator start in the same process
// does not import moto again to check its version.
func TestCheckMotoPythonOncePerInterpreter(t *testing.T) {
	dir := t.TempDir()
	python := filepath.Join(dir, "python")
	script := "#!/bin/sh\necho run >> " + filepath.Join(dir, "runs") + "\necho " + motoVersion + "\n"
	if err := os.WriteFile(python, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := checkMotoPython(python); err != nil {
			t.Fatal(err)
		}
	}
	runs, _ := os.ReadFile(filepath.Join(dir, "runs"))
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Errorf("the version check ran %d times for one interpreter, want 1", n)
	}
}
