package main

// Container images, pinned by digest in this one place. Digests were taken from
// public repositories that pin the same tags (no registry is reachable from the
// machine this was written on): re-check them with
// `docker buildx imagetools inspect <image>` before bumping.
const (
	// goImage builds deployctl and runs the Go checks; its Go matches go.mod.
	goImage = "golang:1.26.8-alpine@sha256:ce864e7223ac17b1775e6fd0b4c0db580c2eb50e7953a427916379e4b92a1628"
	// terraformVersion is the version terraformImage pins; other versions use the tag.
	terraformVersion = "1.11.4"
	// terraformImage runs deployctl's terraform commands.
	terraformImage = "hashicorp/terraform:1.11.4@sha256:5820b87995595425074f881500a037b0ccd41158d0d9b44d78f5f120612f2d3d"
	// runtimeImage is the small image that runs deployctl's AWS-only commands.
	runtimeImage = "alpine:3.22@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1"
	// pythonImage runs the backend tests: the base of backend/Dockerfile (Python 3.11,
	// the minor version backend/.venv is built with), by the same digest.
	pythonImage = "python:3.11-slim-trixie@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7"
	// motoImage is the AWS emulator for --env local (moto 5.2.5, as internal/emulator pins).
	// No digest for 5.2.5 could be verified offline: pin it before relying on it.
	motoImage = "motoserver/moto:5.2.5"
	// registryImage is the OCI registry that stands in for ECR with --env local
	// (moto has no registry API). registry 2.8.3.
	registryImage = "registry:2@sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373"
)

// Linters the checks install with `go install`, the versions the Makefile pins.
const (
	actionlintVersion = "v1.7.12"
	tflintVersion     = "v0.64.0"
	trivyVersion      = "v0.74.0"
	// craneVersion pushes images to the local registry service (--env local).
	craneVersion = "v0.22.1"
)

// terraformImageFor returns the pinned image for the default version, else the tag.
func terraformImageFor(version string) string {
	if version == "" || version == terraformVersion {
		return terraformImage
	}
	return "hashicorp/terraform:" + version
}
