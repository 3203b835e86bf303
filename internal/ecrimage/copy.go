package ecrimage

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Sentinel errors of Copy, checked with errors.Is.
var (
	// ErrTagTaken: the destination tag already holds another digest (ECR repositories
	// here are IMMUTABLE, and a promotion never moves a tag).
	ErrTagTaken = errors.New("the tag already holds another image")
	// ErrDigestMismatch: a registry answered with another digest than the one copied.
	ErrDigestMismatch = errors.New("digest mismatch")
)

// Logins are registry credentials by registry host (ecrlogin.Credentials' Registry,
// Username and Password); a host without an entry is accessed anonymously.
type Logins map[string]authn.AuthConfig

// Copy hands Logins to the registry client as its keychain.
var _ authn.Keychain = Logins{}

// Resolve implements authn.Keychain.
func (l Logins) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if c, ok := l[r.RegistryStr()]; ok {
		return authn.FromConfig(c), nil
	}
	return authn.Anonymous, nil
}

// CopyRequest is one promotion copy.
type CopyRequest struct {
	// Source is the image to copy, pinned by digest (REGISTRY/REPO[:TAG]@sha256:...).
	Source string
	// Repository is the destination repository (REGISTRY/REPO), an ECR repository URL.
	Repository string
	// Tag is given to the copy in Repository ("" for none).
	Tag string
	// Logins authenticate to both registries.
	Logins Logins
}

// Copy copies the image or index Source pins into Repository, manifest and blobs
// unchanged, so the copy has the very same digest: nothing is rebuilt or re-encoded.
// It then reads the manifest digest back from the destination (by digest and by tag)
// and fails unless both are the source's. It returns REPOSITORY@sha256:...
func Copy(ctx context.Context, req CopyRequest) (string, error) {
	src, err := name.NewDigest(req.Source, name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("parse source image %q: pass REGISTRY/REPO@sha256:...: %w", req.Source, err)
	}
	repo, err := name.NewRepository(req.Repository, name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("parse repository %q: pass REGISTRY/NAME: %w", req.Repository, err)
	}
	want := src.DigestStr()
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(req.Logins)}
	dst := name.Reference(repo.Digest(want))
	if req.Tag != "" {
		dst = repo.Tag(req.Tag)
		if err := checkTag(repo.Tag(req.Tag), want, opts); err != nil {
			return "", err
		}
	}
	desc, err := remote.Get(src, opts...)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", src, err)
	}
	if got := desc.Digest.String(); got != want {
		return "", fmt.Errorf("read %s: %w: the registry served %s", src, ErrDigestMismatch, got)
	}
	if err := remote.Push(dst, desc, opts...); err != nil {
		return "", fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	for _, ref := range []name.Reference{repo.Digest(want), dst} {
		d, err := remote.Head(ref, opts...)
		if err != nil {
			return "", fmt.Errorf("verify the copy %s: %w", ref, err)
		}
		if d.Digest.String() != want {
			return "", fmt.Errorf("verify the copy %s: %w: it holds %s, the source %s", ref, ErrDigestMismatch, d.Digest, want)
		}
	}
	return repo.Name() + "@" + want, nil
}

// checkTag fails when tag exists with a digest other than want; a missing tag is fine.
func checkTag(tag name.Tag, want string, opts []remote.Option) error {
	d, err := remote.Head(tag, opts...)
	if notFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up %s: %w", tag, err)
	}
	if d.Digest.String() != want {
		return fmt.Errorf("copy to %s: %w (%s, not %s): tags are immutable; promote under another tag", tag, ErrTagTaken, d.Digest, want)
	}
	return nil
}

func notFound(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == http.StatusNotFound
}

// Digest reads the manifest digest ref (REGISTRY/REPO:TAG or @sha256:...) holds.
func Digest(ctx context.Context, ref string, logins Logins) (v1.Hash, error) {
	r, err := name.ParseReference(ref, name.StrictValidation)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("parse image reference %q: %w", ref, err)
	}
	d, err := remote.Head(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(logins))
	if err != nil {
		return v1.Hash{}, fmt.Errorf("read the digest of %s: %w", ref, err)
	}
	return d.Digest, nil
}
