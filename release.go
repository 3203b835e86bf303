package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/imageref"
	"dagger/predictor/internal/pipeline"
)

// Push the backend image to the environment's ECR repository and return its digest-pinned reference.
//
// +cache="never"
func (m *Predictor) Publish(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Platform to build for.
	// +default="linux/amd64"
	platform dagger.Platform,
) (string, error) {
	t, err := m.standaloneTarget("publish", env)
	if err != nil {
		return "", err
	}
	stop, err := t.start(ctx)
	if err != nil {
		return "", err
	}
	defer stop()
	repo, err := m.repository(ctx, t)
	if err != nil {
		return "", err
	}
	return m.publish(ctx, t, repo, m.Build(platform))
}

// repository is the environment's ECR repository URL from the terraform outputs
// (unused with --env local, which pushes to the local registry).
func (m *Predictor) repository(ctx context.Context, t target) (string, error) {
	if t.local() {
		return "", nil
	}
	outs, err := outputsMap(ctx, m.terraformContainer(t), t)
	if err != nil {
		return "", err
	}
	return ctl.RepositoryFromOutputs(outs)
}

// imageTag is the git commit of a clean checkout, else a hash of the source.
func (m *Predictor) imageTag(ctx context.Context) (string, error) {
	digest, err := m.Source.Digest(ctx)
	if err != nil {
		return "", err
	}
	commit, dirty := "", false
	if m.Git != nil {
		if commit, err = m.Git.Head().Commit(ctx); err != nil {
			commit = "" // no git metadata: fall back to the content hash
		} else if empty, err := m.Git.Uncommitted().IsEmpty(ctx); err == nil {
			dirty = !empty
		}
	}
	return pipeline.ImageTag(commit, dirty, digest), nil
}

// publish pushes image to repo under its tag, unless the tag already exists, and
// returns REPO@sha256:...
func (m *Predictor) publish(ctx context.Context, t target, repo string, image *dagger.Container) (string, error) {
	tag, err := m.imageTag(ctx)
	if err != nil {
		return "", err
	}
	image = image.WithLabel("org.opencontainers.image.version", tag)
	if t.local() {
		return m.publishLocal(ctx, t, image, tag)
	}
	// The tag is the commit of a clean tree or a content hash: a tag already pushed
	// holds this image. ECR answers which digest it holds (DescribeImages).
	found, err := runOK(ctx, bust(m.runtimeContainer(t)), ctl.ImageDigestArgs(t.Target, repo, tag))
	if err != nil {
		return "", err
	}
	if push, _ := pipeline.PublishDecision(strings.TrimSpace(found.stdout)); !push {
		return imageref.Pin(repo, strings.TrimSpace(found.stdout)), nil
	}
	login, err := runOK(ctx, bust(m.runtimeContainer(t)), ctl.ECRLoginArgs(t.Target, credsPath, repo))
	if err != nil {
		return "", err
	}
	creds := login.ctr.Directory(credsPath)
	registry, err := creds.File("registry").Contents(ctx)
	if err != nil {
		return "", err
	}
	username, err := creds.File("username").Contents(ctx)
	if err != nil {
		return "", err
	}
	// The one plaintext read: the registry password becomes a secret at once.
	password, err := creds.File("password").Contents(ctx)
	if err != nil {
		return "", err
	}
	secret := dag.SetSecret("ecr-password-"+t.Env, strings.TrimSpace(password))
	registry, username = strings.TrimSpace(registry), strings.TrimSpace(username)
	ref, err := image.WithRegistryAuth(registry, username, secret).Publish(ctx, repo+":"+tag)
	if err != nil {
		return "", fmt.Errorf("push %s:%s: %w", repo, tag, err)
	}
	return imageref.Pin(repo, imageref.DigestOf(ref)), nil
}

// Check a deploy's prerequisites without changing anything: account, state bucket, roles, log group, capacity providers, network, ports and, with --image, its digest in ECR.
//
// +cache="never"
func (m *Predictor) Verify(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Image reference pinned by digest (REPO@sha256:...) that must exist in the environment's repository.
	// +optional
	image string,
	// AWS account the environment must run in (default: unchecked).
	// +optional
	accountId string,
) (string, error) {
	t, err := m.standaloneTarget("verify", env)
	if err != nil {
		return "", err
	}
	r, err := run(ctx, bust(m.terraformContainer(t)), ctl.VerifyArgsWith(t.Target, ctl.VerifyOptions{Image: image, AccountID: accountId}))
	if err != nil {
		return "", err
	}
	return r.stdout, ctl.VerifyStatus(r.code, r.stdout, r.stderr)
}

// Deploy a digest-pinned image to the environment's ECS service and wait until the deployment completes.
//
// +cache="never"
func (m *Predictor) Rollout(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Image reference pinned by digest (REPO@sha256:...), as publish returns it.
	image string,
	// Version the backend reports (APP_VERSION); the image tag's by default.
	// +optional
	version string,
	// Roll out even when the service already runs this digest.
	// +optional
	force bool,
) (string, error) {
	t, err := m.standaloneTarget("rollout", env)
	if err != nil {
		return "", err
	}
	svc, err := m.service(ctx, t)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.runtimeContainer(t)), ctl.RolloutArgs(t.Target, ctl.RolloutOptions{Image: image, Version: version, Force: force, Service: svc}))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// Return the environment's ECS service to its last release that completed (or --revision) and watch it until it completes.
//
// +cache="never"
func (m *Predictor) Rollback(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Task definition revision to return to (one that ran); the last good release by default.
	// +optional
	revision int,
) (string, error) {
	t, err := m.standaloneTarget("rollback", env)
	if err != nil {
		return "", err
	}
	svc, err := m.service(ctx, t)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.runtimeContainer(t)), ctl.RollbackArgs(t.Target, svc, revision, ""))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// service reads the ECS service from the terraform outputs, so rollout and rollback
// run in the small runtime container without terraform.
func (m *Predictor) service(ctx context.Context, t target) (ctl.Service, error) {
	outs, err := outputsMap(ctx, m.terraformContainer(t), t)
	if err != nil {
		return ctl.Service{}, err
	}
	return ctl.ServiceFromOutputs(outs)
}

// publishLocal pushes image to the local registry service (moto has no registry
// API). crane pushes from inside a container bound to the service, over plain HTTP,
// which the engine's own Publish would refuse for a registry it does not trust.
func (m *Predictor) publishLocal(ctx context.Context, t target, image *dagger.Container, tag string) (string, error) {
	repo := registryHost + ":5000/predictor-model-local"
	crane := m.goTool("github.com/google/go-containerregistry/cmd/crane@"+craneVersion).
		WithMountedFile("/image.tar", image.AsTarball(dagger.ContainerAsTarballOpts{MediaTypes: dagger.ImageMediaTypesDockerMediaTypes})).
		WithServiceBinding(registryHost, t.registry)
	out, err := bust(crane).
		WithExec([]string{"crane", "push", "--insecure", "/image.tar", repo + ":" + tag}).
		Stdout(ctx)
	if err != nil {
		return "", fmt.Errorf("push %s:%s: %w", repo, tag, explain(err))
	}
	digest := imageref.DigestOf(strings.TrimSpace(out))
	if digest == "" {
		return "", fmt.Errorf("push %s:%s: crane printed no digest: %q", repo, tag, out)
	}
	return imageref.Pin(repo, digest), nil
}
