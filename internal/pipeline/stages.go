package pipeline

import "dagger/predictor/internal/imageref"

// Inputs are what the deploy knows after the parallel plan and build stages.
type Inputs struct {
	// PlanHasChanges is plan's exit status 2.
	PlanHasChanges bool
	// Image is the published reference, REF@sha256:...
	Image string
	// RunningImage is the image the service runs now ("" when unknown or first deploy).
	RunningImage string
	// ForceRollout starts a deployment even when the digest is already running.
	ForceRollout bool
}

// Decision says which side-effect stages run and why the others are skipped.
type Decision struct {
	Apply   bool
	Rollout bool
	// Skipped maps a skipped stage to its reason, for the report.
	Skipped map[string]string
}

// Decide picks the stages for a plan result: apply only when the plan has changes;
// roll out (and smoke test) only when the service does not already run this digest.
func Decide(in Inputs) Decision {
	d := Decision{Apply: in.PlanHasChanges, Rollout: true, Skipped: map[string]string{}}
	if !d.Apply {
		d.Skipped[StageApply] = "plan has no changes"
	}
	if !in.ForceRollout && in.RunningImage != "" && SameDigest(in.Image, in.RunningImage) {
		d.Rollout = false
		d.Skipped[StageRollout] = "service already runs " + Digest(in.Image)
		d.Skipped[StageSmoke] = "nothing rolled out"
	}
	return d
}

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
