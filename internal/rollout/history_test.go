package rollout

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestReleaseTagsFitECS: a release with every record field set stays within ECS's 50
// tags and 256-character values, keeping all history tags when the base has many.
func TestReleaseTagsFitECS(t *testing.T) {
	var base []types.Tag
	for i := range 45 {
		base = append(base, types.Tag{Key: aws.String(fmt.Sprintf("team-%02d", i)), Value: aws.String("x")})
	}
	base = append(base, types.Tag{Key: aws.String(tagOutcome), Value: aws.String("completed")}) // copied from an old release: dropped
	rec := Record{Commit: strings.Repeat("c", 40), Plan: "plan-id:" + strings.Repeat("p", 300), LockHash: "sha256:" + strings.Repeat("1", 64), PromotedFrom: "dev:7", BreakGlass: true}
	tags, dropped := releaseTags(base, "fam:1", "repo@sha256:"+strings.Repeat("2", 64), "v1", rec)
	// The rollout then adds outcome, outcome-at, completed-at, deployment, released-by,
	// reason, smoke and timings: all must still fit.
	later := 8
	if n := len(tags) + later; n > maxTags {
		t.Errorf("%d tags after the outcome is recorded, ECS allows %d", n, maxTags)
	}
	if len(dropped) == 0 {
		t.Error("no base tag dropped although 45 base tags and the record exceed 50")
	}
	m := tagMap(tags)
	for _, k := range []string{tagBase, tagImage, tagVersion, tagCommit, tagPlan, tagLockHash, tagPromotedFrom, tagBreakGlass} {
		if m[k] == "" {
			t.Errorf("tag %s missing", k)
		}
	}
	if m[tagOutcome] != "" {
		t.Errorf("history tag %s copied from the base", tagOutcome)
	}
	for k, v := range m {
		if len(v) > 256 {
			t.Errorf("tag %s has %d characters, ECS allows 256", k, len(v))
		}
	}
}

func TestPromotable(t *testing.T) {
	at := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	rel := func(rev int32, digit, outcome string, ran bool) Release {
		r := Release{Revision: rev, Image: "repo@sha256:" + strings.Repeat(digit, 64), Outcome: outcome}
		if ran {
			r.CompletedAt = at
		}
		return r
	}
	rels := []Release{ // newest first
		rel(9, "9", "not completed", false),
		rel(8, "8", releaseRolledBack, true),
		rel(7, "7", releaseFailed, false),
		rel(6, "6", releaseCompleted, true),
		rel(5, "5", releaseCompleted, true),
	}
	tests := map[string]struct {
		digest string
		want   int32
	}{
		"latest completed":        {"", 6},
		"an older one by digest":  {"sha256:" + strings.Repeat("5", 64), 5},
		"rolled back: never":      {"sha256:" + strings.Repeat("8", 64), 0},
		"never completed: never":  {"sha256:" + strings.Repeat("9", 64), 0},
		"unknown digest: nothing": {"sha256:" + strings.Repeat("a", 64), 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := Promotable(rels, tc.digest)
			if ok != (tc.want != 0) || got.Revision != tc.want {
				t.Errorf("Promotable(%q) = revision %d, %v; want %d", tc.digest, got.Revision, ok, tc.want)
			}
		})
	}
}
