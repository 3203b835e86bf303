package main

import (
	"context"
	"crypto/rand"

	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/srcset"
)

// Build the backend image from backend/Dockerfile.
func (m *Predictor) Build(
	// Platform to build for: linux/amd64 (what Fargate runs by default) or linux/arm64.
	// +default="linux/amd64"
	platform dagger.Platform,
) *dagger.Container {
	return m.files(srcset.Backend).DockerBuild(dagger.DirectoryDockerBuildOpts{Platform: platform})
}

// Run the backend as a service on port 8000, against an AWS emulator.
func (m *Predictor) Serve(
	// Version the backend reports on /health.
	// +default="dev"
	version string,
) *dagger.Service {
	return m.Build("linux/amd64").
		WithServiceBinding(motoHost, m.motoService(rand.Text())).
		WithEnvVariable("AWS_ENDPOINT_URL", "http://"+motoHost+":5000").
		WithEnvVariable("AWS_ACCESS_KEY_ID", "test").
		WithEnvVariable("AWS_SECRET_ACCESS_KEY", "test").
		WithEnvVariable("AWS_REGION", m.Region).
		WithEnvVariable("S3_FILES_BUCKET", "predictor-model-local-files").
		WithEnvVariable("S3_DATA_BUCKET", "predictor-model-local-data").
		WithEnvVariable("APP_ENV", "local").
		WithEnvVariable("APP_VERSION", version).
		WithExposedPort(8000).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
}

// backendTestContainer prepares the backend tests the way `make test` runs them:
// backend/.venv built by `make -C backend deps` from the same hash-locked
// requirements the image installs, on the image's Python minor version, before the
// source is copied so the venv stays cached.
func (m *Predictor) backendTestContainer() *dagger.Container {
	locks := m.files(srcset.BackendLocks)
	return dag.Container().From(pythonImage).
		WithMountedCache("/root/.cache/uv", dag.CacheVolume("predictor-uv")).
		WithEnvVariable("PYTHONDONTWRITEBYTECODE", "1").
		WithEnvVariable("DEBIAN_FRONTEND", "noninteractive").
		WithExec([]string{"apt-get", "update", "-qq"}).
		WithExec([]string{"apt-get", "install", "-y", "-qq", "--no-install-recommends", "make"}).
		WithDirectory(srcPath+"/backend", locks).
		WithWorkdir(srcPath).
		WithExec([]string{"make", "-C", "backend", "deps"}).
		WithDirectory(srcPath+"/backend", m.files(srcset.Backend))
}

// backendTests runs the backend's pytest suite.
func (m *Predictor) backendTests(ctx context.Context) (string, error) {
	out, err := m.backendTestContainer().
		WithExec([]string{"make", "-C", "backend", "test"}).
		Stdout(ctx)
	return out, explain(err)
}
