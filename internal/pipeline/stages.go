package pipeline

import "dagger/predictor/internal/imageref"

// Digest returns the sha256:... part of a reference ("" when it has none).
func Digest(ref string) string { return imageref.DigestOf(ref) }

// SameDigest reports whether both references name the same digest.
func SameDigest(a, b string) bool {
	da := Digest(a)
	return da != "" && da == Digest(b)
}

// Pinned joins a repository and a digest into REPO@sha256:..., dropping any tag of repo.
func Pinned(repo, digest string) string {
	if r, err := imageref.Repository(repo); err == nil {
		repo = r
	}
	return repo + "@" + digest
}

// PublishDecision says whether to push: an existing tag was published from the same
// content (the tag is the commit of a clean tree or a content hash), so it is reused.
func PublishDecision(existingDigest string) (push bool, reason string) {
	if existingDigest != "" {
		return false, "tag already published as " + existingDigest
	}
	return true, ""
}
