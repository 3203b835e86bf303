package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

var commitRE = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// ImageTag is the immutable tag of a build: the git commit when the tree is clean,
// otherwise "src-" plus the first 16 hex digits of the source content digest (so a
// dirty tree or a tree without git metadata never reuses a commit's tag).
func ImageTag(commit string, dirty bool, contentDigest string) string {
	commit = strings.ToLower(strings.TrimSpace(commit))
	if commitRE.MatchString(commit) && !dirty {
		return commit
	}
	h := strings.TrimPrefix(contentDigest, "sha256:")
	if len(h) < 16 {
		sum := sha256.Sum256([]byte(contentDigest))
		h = hex.EncodeToString(sum[:])
	}
	return "src-" + h[:16]
}

// Version is the APP_VERSION a tag deploys: the short commit, or the content tag.
func Version(tag string) string {
	if commitRE.MatchString(tag) {
		return tag[:12]
	}
	return tag
}
