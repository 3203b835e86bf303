// Package testenv holds the shared test harness: the real terraform binary with the
// offline provider mirror, and the AWS emulator (moto in server mode) started per test
// package. A missing prerequisite fails the test with a message saying what to install;
// only an explicit `go test -short` turns that into a skip.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/emulator"
	"dagger/predictor/internal/tf"
)

// Versions the harness is built for: the Terraform CLI and the provider mirror it
// expects on the machine (the emulator's version is pinned in internal/emulator).
const (
	terraformVersion   = "1.11.4"
	awsProviderVersion = "5.100.0"
	// Region used for every emulator test.
	Region = "us-east-1"
)

// providerMirrorDir is where the hashicorp/aws provider is mirrored for offline init.
// TF_PLUGIN_MIRROR overrides it.
func providerMirrorDir() string { return emulator.ProviderMirrorDir() }

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("testenv: cannot locate source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// missing fails (or, under -short, skips) a test whose prerequisite is absent.
func missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("-short: "+format, args...)
	}
	tb.Fatalf(format, args...)
}

// Terraform returns the path of the terraform binary.
func Terraform(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("terraform")
	if err != nil {
		missing(tb, "terraform not found on PATH: install Terraform %s (https releases archive, unpacked to /usr/local/bin)", terraformVersion)
	}
	return path
}

// TerraformCLIConfig writes a CLI config that installs hashicorp providers from the
// local mirror only, so `terraform init` never reaches a registry, and returns its path.
func TerraformCLIConfig(tb testing.TB) string {
	tb.Helper()
	mirror := providerMirrorDir()
	provider := filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws", awsProviderVersion)
	if _, err := os.Stat(provider); err != nil {
		missing(tb, "provider mirror %s missing: run `terraform providers mirror %s` in a configuration requiring hashicorp/aws %s, or set TF_PLUGIN_MIRROR", provider, mirror, awsProviderVersion)
	}
	path := filepath.Join(tb.TempDir(), "terraformrc")
	if err := os.WriteFile(path, []byte(cliConfig(mirror)), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// cliConfig is the text of a terraform CLI config using mirror for hashicorp providers.
func cliConfig(mirror string) string { return emulator.CLIConfig(mirror) }

// TerraformEnv is the environment for running terraform against the emulator at
// endpoint: TerraformTools and static test credentials.
func TerraformEnv(tb testing.TB, endpoint string) []string {
	tb.Helper()
	return append(awsEnv(endpoint), TerraformTools(tb)...)
}

// TerraformTools is what terraform needs besides credentials: the mirror-only CLI
// config, automation mode, and the GOGC deployctl runs it with (tf.GCPercent).
func TerraformTools(tb testing.TB) []string {
	tb.Helper()
	return []string{
		"TF_CLI_CONFIG_FILE=" + TerraformCLIConfig(tb),
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"GOGC=" + tf.GCPercent,
	}
}

// awsEnv is the environment an AWS SDK or CLI needs to talk to the emulator at endpoint.
func awsEnv(endpoint string) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_ENDPOINT_URL=" + endpoint,
	}
}

// AWSConfig is an SDK configuration for the emulator at endpoint, with the static test
// credentials of awsEnv.
func AWSConfig(tb testing.TB, endpoint string) aws.Config {
	tb.Helper()
	cfg, err := awsx.Load(tb.Context(), awsx.Options{Region: Region, Endpoint: endpoint, Credentials: awsx.StaticCredentials("test", "test")})
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}
