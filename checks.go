package main

import (
	"context"
	"errors"
	"fmt"

	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/srcset"
)

// Run the Go unit tests (the emulator and terraform suites run with `make test`).
//
// +check
func (m *Predictor) GoTests(ctx context.Context) error {
	_, err := m.goBase().
		WithDirectory(srcPath, m.Source).
		WithExec([]string{"go", "run", "./cmd/gendagger", "-dir", "."}).
		WithExec([]string{"go", "vet", "./..."}).
		WithExec([]string{"go", "test", "-short", "./..."}).
		WithExec([]string{"go", "run", "./cmd/gendagger", "-dir", "tests"}).
		WithWorkdir(srcPath + "/tests").
		WithExec([]string{"go", "vet", "./..."}).
		Sync(ctx)
	return explain(err)
}

// Run the backend's pytest suite.
//
// +check
func (m *Predictor) BackendTests(ctx context.Context) error {
	_, err := m.backendTests(ctx)
	return err
}

// terraformCheck is the terraform image on the infra directory, without credentials.
func (m *Predictor) terraformCheck() *dagger.Container {
	return dag.Container().From(terraformImageFor(m.TerraformVersion)).
		WithoutEntrypoint().
		WithMountedCache("/root/.terraform.d/plugin-cache", dag.CacheVolume("predictor-terraform-plugins"),
			dagger.ContainerWithMountedCacheOpts{Sharing: dagger.CacheSharingModeLocked}).
		WithEnvVariable("TF_PLUGIN_CACHE_DIR", "/root/.terraform.d/plugin-cache").
		WithEnvVariable("TF_IN_AUTOMATION", "1").
		WithDirectory(infraPath, m.files(srcset.Infra)).
		WithWorkdir(infraPath)
}

// Check that the terraform files are formatted.
//
// +check
func (m *Predictor) TerraformFmt(ctx context.Context) error {
	_, err := m.terraformCheck().
		WithExec([]string{"terraform", "fmt", "-check", "-recursive", "-diff"}).
		Sync(ctx)
	return explain(err)
}

// Validate the root module without a backend.
//
// +check
func (m *Predictor) TerraformValidate(ctx context.Context) error {
	_, err := m.terraformCheck().
		WithExec([]string{"terraform", "init", "-backend=false", "-input=false", "-no-color"}).
		WithExec([]string{"terraform", "validate", "-no-color"}).
		Sync(ctx)
	return explain(err)
}

// Run every terraform test file under infra/ (each module's tests/, github-oidc's), and
// fail when one fails or when none is found.
//
// +check
func (m *Predictor) TerraformTest(ctx context.Context) error {
	_, err := m.terraformCheck().
		WithFile("/usr/local/bin/terraform-test", m.Source.File("scripts/terraform-test.sh"),
			dagger.ContainerWithFileOpts{Permissions: 0o755}).
		WithExec([]string{"terraform-test", "."}).
		Sync(ctx)
	return explain(err)
}

// goTool is the Go image with one linter installed at its pinned version.
func (m *Predictor) goTool(pkg string) *dagger.Container {
	return m.goBase().
		WithEnvVariable("GOBIN", "/usr/local/bin").
		WithExec([]string{"go", "install", pkg})
}

// Lint the terraform code.
//
// +check
func (m *Predictor) Tflint(ctx context.Context) error {
	_, err := m.goTool("github.com/terraform-linters/tflint@"+tflintVersion).
		WithDirectory(infraPath, m.files(srcset.Infra)).
		WithWorkdir(infraPath).
		WithExec([]string{"tflint", "--recursive", "--no-color"}).
		Sync(ctx)
	return explain(err)
}

// Scan the terraform code for insecure settings.
//
// +check
func (m *Predictor) Trivy(ctx context.Context) error {
	// Trivy uses encoding/json/v2, behind GOEXPERIMENT in Go 1.26.
	_, err := m.goBase().
		WithEnvVariable("GOBIN", "/usr/local/bin").
		WithEnvVariable("GOEXPERIMENT", "jsonv2").
		WithExec([]string{"go", "install", "github.com/aquasecurity/trivy/cmd/trivy@" + trivyVersion}).
		WithDirectory(infraPath, m.files(srcset.Infra)).
		WithWorkdir(infraPath).
		WithExec([]string{"trivy", "config", "--quiet", "--skip-check-update", "--severity", "HIGH,CRITICAL", "--exit-code", "1", "."}).
		Sync(ctx)
	return explain(err)
}

// Lint the GitHub Actions workflows.
//
// +check
func (m *Predictor) Actionlint(ctx context.Context) error {
	// The files are named: without .git, actionlint finds no repository to search.
	workflows := m.Source.Directory(".github/workflows")
	var files []string
	for _, pattern := range []string{"*.yml", "*.yaml"} {
		names, err := workflows.Glob(ctx, pattern)
		if err != nil {
			return fmt.Errorf("list workflows: %w", err)
		}
		for _, n := range names {
			files = append(files, ".github/workflows/"+n)
		}
	}
	if len(files) == 0 {
		return errors.New("no workflow files in .github/workflows")
	}
	_, err := m.goTool("github.com/rhysd/actionlint/cmd/actionlint@"+actionlintVersion).
		WithDirectory(srcPath+"/.github", m.Source.Directory(".github")).
		WithWorkdir(srcPath).
		WithExec(append([]string{"actionlint"}, files...)).
		Sync(ctx)
	return explain(err)
}
