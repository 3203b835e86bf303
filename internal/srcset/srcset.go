// Package srcset names each set of repository files the Dagger module hands to a
// container, once: the module applies a Set to its source directory, and the tests
// materialize the same Set from the repository and run the container's command on
// it, so a new import, tfvars file or COPY line the set misses fails a test here
// instead of a pipeline run.
package srcset

// Set is a subdirectory of the module's source (Dir, "" for the root) filtered by
// include and exclude patterns, with the engine's Directory.Filter semantics (the
// patterns of a Dockerfile's .dockerignore: `**` spans directories; a directory
// that matches brings everything under it).
type Set struct {
	Dir     string
	Include []string
	Exclude []string
}

var (
	// Deployctl is what the pipeline builds deployctl from (`go build ./cmd/deployctl`
	// in a Go container): its module files, its own packages and the environments'
	// tfvars, which internal/envcfg embeds through infra/envs.
	Deployctl = Set{
		Include: []string{"go.mod", "go.sum", "cmd/deployctl/**", "internal/**", "infra/envs/**"},
		Exclude: []string{"internal/dagger/**", "internal/querybuilder/**", "internal/telemetry/**", "**/*_test.go", "**/testdata/**"},
	}
	// Infra is the Terraform root and its modules (terraform init, plan, apply, test,
	// tflint), with the provider lock file.
	Infra = Set{Dir: "infra"}
	// Backend is the backend image's build context (backend/Dockerfile, filtered
	// again by backend/.dockerignore) and the backend tests' source.
	Backend = Set{Dir: "backend"}
	// BackendLocks is what `make -C backend deps` needs to build the backend's venv
	// before the source is copied, so the venv layer stays cached across code changes.
	BackendLocks = Set{Dir: "backend", Include: []string{"Makefile", "requirements*.txt", "requirements*.in", "tools/**"}}
	// EmulatorLauncher is what the emulator service runs: the launcher and the IAM
	// layer it imports when enforcement is on.
	EmulatorLauncher = Set{Dir: "internal/emulator", Include: []string{"moto_launcher.py", "moto_iam.py"}}
)
