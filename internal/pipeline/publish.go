package pipeline

// PublishDecision says whether to push: an existing tag was published from the same
// content (the tag is the commit of a clean tree or a content hash), so it is reused.
func PublishDecision(existingDigest string) (push bool, reason string) {
	if existingDigest != "" {
		return false, "tag already published as " + existingDigest
	}
	return true, ""
}
