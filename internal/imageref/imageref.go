// Package imageref parses the digest-pinned image references rollout deploys:
// registry/repository[:tag]@sha256:<64 hex>. A reference without a digest is refused,
// since a tag can be moved and the deploy would no longer say what runs.
package imageref

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
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

var (
	digestRE    = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	tagRE       = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	componentRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	hostRE      = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?$`)
)

// Parse parses s. Each error is one line saying what to pass instead.
func Parse(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, fmt.Errorf("%w: empty: pass REF@sha256:..., as `publish` prints", ErrInvalid)
	}
	name, digest, hasDigest := strings.Cut(s, "@")
	if !hasDigest {
		return Ref{}, fmt.Errorf("image reference %s has %w: pass REF@sha256:..., as `publish` prints", s, ErrNoDigest)
	}
	if !digestRE.MatchString(digest) {
		return Ref{}, fmt.Errorf("%w %s: digest %q is not sha256: followed by 64 lowercase hex digits", ErrInvalid, s, digest)
	}
	var r Ref
	r.Digest = digest
	// A tag is after the last colon of the last path component (a registry may have a port).
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		r.Tag = name[i+1:]
		name = name[:i]
		if !tagRE.MatchString(r.Tag) {
			return Ref{}, fmt.Errorf("%w %s: tag %q is not valid", ErrInvalid, s, r.Tag)
		}
	}
	host, repo, ok := strings.Cut(name, "/")
	if !ok || !(strings.ContainsAny(host, ".:") || host == "localhost") {
		return Ref{}, fmt.Errorf("%w %s: no registry host: pass the full reference, such as ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO@sha256:...", ErrInvalid, s)
	}
	if !hostRE.MatchString(host) {
		return Ref{}, fmt.Errorf("%w %s: registry %q is not a host name", ErrInvalid, s, host)
	}
	for _, c := range strings.Split(repo, "/") {
		if !componentRE.MatchString(c) {
			return Ref{}, fmt.Errorf("%w %s: repository %q is not valid (lowercase letters, digits, . _ -)", ErrInvalid, s, repo)
		}
	}
	r.Registry, r.Repository = host, repo
	return r, nil
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
