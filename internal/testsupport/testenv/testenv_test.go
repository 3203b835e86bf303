package testenv

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dagger/predictor/internal/procgroup"
)

func TestMotoStartsAnswersAndStopsWithoutLeftovers(t *testing.T) {
	m := NewMoto(t, MotoOptions{})
	resp, err := http.Get(m.URL + "/moto-api/data.json")
	if err != nil {
		t.Fatalf("emulator not answering: %v", err)
	}
	resp.Body.Close()
	pid := m.PID()
	if err := m.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	// Neither the emulator nor anything else in its process group.
	for procgroup.GroupAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("emulator process group %d still has members after Stop", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestLauncherAddsAutoscalingTagCalls(t *testing.T) {
	m := SharedMoto(t)
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed; the terraform end-to-end tests cover these calls")
	}
	arn := "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/x"
	run := func(args ...string) string {
		cmd := exec.Command(aws, append([]string{"--endpoint-url", m.URL, "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), awsEnv(m.URL)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("application-autoscaling", "tag-resource", "--resource-arn", arn, "--tags", "team=ml")
	if got := run("application-autoscaling", "list-tags-for-resource", "--resource-arn", arn); !strings.Contains(got, `"team": "ml"`) {
		t.Fatalf("tags not stored: %s", got)
	}
}

func TestTerraformCLIConfigUsesMirrorOnly(t *testing.T) {
	path := TerraformCLIConfig(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"filesystem_mirror", providerMirrorDir(), "exclude"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("CLI config lacks %q:\n%s", want, b)
		}
	}
	if filepath.Dir(path) == "" {
		t.Fatal("empty path")
	}
}

func TestMain(m *testing.M) { os.Exit(Main(m)) }
