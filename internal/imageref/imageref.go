// Package imageref parses image references with go-containerregistry's name package
// (the grammar registries and docker use), so the repo keeps no parser of its own.
// Rollout deploys only digest-pinned references, registry/repository[:tag]@sha256:<64 hex>:
// a reference without a digest is refused, since a tag can be moved and the deploy would
// no longer say what runs.
package imageref

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrNoDigest: the reference has no @sha256:... part.
	ErrNoDigest = errors.New("no digest")
	// ErrInvalid: the reference is malformed.
	ErrInvalid = errors.New("invalid image reference")
)

// Ref is a parsed image reference.
type Ref struct {
	// Registry is the host (and port), such as 123456789012.dkr.ecr.us-east-1.amazonaws.com.
	Registry string
	// Repository is the path under the registry, such as predictor-model-dev-backend.
	Repository string
	// Tag is optional and informational; the digest decides what runs.
	Tag string
	// Digest is "sha256:" followed by 64 lowercase hex digits.
	Digest string
}

const hint = "pass REGISTRY/REPOSITORY[:TAG]@sha256:<64 hex>, as `publish` prints"

// Parse parses s, which must name its registry and be pinned by a sha256 digest.
// Each error is one line saying what to pass instead.
func Parse(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, fmt.Errorf("%w: empty: %s", ErrInvalid, hint)
	}
	if !strings.Contains(s, "@") {
		return Ref{}, fmt.Errorf("image reference %s has %w: pass REF@sha256:..., as `publish` prints", s, ErrNoDigest)
	}
	// Strict: the registry must be written out (no silent Docker Hub default).
	d, err := name.NewDigest(s, name.StrictValidation)
	if err != nil {
		return Ref{}, fmt.Errorf("%w %s: %v: %s", ErrInvalid, s, err, hint)
	}
	if !strings.HasPrefix(d.DigestStr(), "sha256:") {
		return Ref{}, fmt.Errorf("%w %s: digest %q is not sha256: %s", ErrInvalid, s, d.DigestStr(), hint)
	}
	r := Ref{Registry: d.RegistryStr(), Repository: d.RepositoryStr(), Digest: d.DigestStr()}
	r.Tag = tagOf(strings.TrimSuffix(s, "@"+d.DigestStr()))
	return r, nil
}

// tagOf returns the tag written in base (registry/repository[:tag]), "" when none;
// name fills in "latest" for a missing tag, so only a tag present in the text counts.
func tagOf(base string) string {
	t, err := name.NewTag(base)
	if err != nil || !strings.HasSuffix(base, ":"+t.TagStr()) {
		return ""
	}
	return t.TagStr()
}

// Name is registry/repository.
func (r Ref) Name() string { return r.Registry + "/" + r.Repository }

// String is the canonical form: registry/repository[:tag]@digest.
func (r Ref) String() string {
	s := r.Name()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	return s + "@" + r.Digest
}

// Pinned is registry/repository@digest, the form written into the task definition.
func (r Ref) Pinned() string { return r.Name() + "@" + r.Digest }

// DigestOf returns the digest ref is pinned by, "" when ref has no valid digest.
func DigestOf(ref string) string {
	d, err := name.NewDigest(strings.TrimSpace(ref))
	if err != nil {
		return ""
	}
	return d.DigestStr()
}

// Repository returns ref without its tag and digest, as written (no registry is
// added): "host:5000/app:v1@sha256:..." becomes "host:5000/app".
func Repository(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	base := ref
	if d, err := name.NewDigest(ref); err == nil {
		base = strings.TrimSuffix(ref, "@"+d.DigestStr())
	}
	if _, err := name.NewTag(base); err != nil {
		return "", fmt.Errorf("%w %s: %v", ErrInvalid, ref, err)
	}
	if t := tagOf(base); t != "" {
		base = strings.TrimSuffix(base, ":"+t)
	}
	return base, nil
}

// Pin joins a repository and a digest into REPO@sha256:..., dropping any tag (or
// digest) repo carries, so the result names exactly the digest given.
func Pin(repo, digest string) string {
	if r, err := Repository(repo); err == nil {
		repo = r
	}
	return repo + "@" + digest
}

// SplitRepository splits a repository URL such as an ECR repository's
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME) into registry host and repository name.
// The registry must be written out.
func SplitRepository(repo string) (registry, repository string, err error) {
	r, err := name.NewRepository(strings.TrimSpace(repo), name.StrictValidation)
	if err != nil {
		return "", "", fmt.Errorf("repository %q is not host/name (REGISTRY/NAME): %v", repo, err)
	}
	return r.RegistryStr(), r.RepositoryStr(), nil
}
