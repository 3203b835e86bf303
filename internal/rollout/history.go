package rollout

// Release history lives in tags on the task definition revisions themselves.
//
// Why tags and not a history object next to the Terraform state: a revision and its
// record cannot disagree or drift apart (a deregistered revision keeps its tags and
// stays describable), each record is written by one TagResource call that needs no
// read-modify-write and no lock against a concurrent rollout, it needs no access to the
// state bucket (the runtime container and the deploy role only talk to ECS), and moto
// 5.2.1 supports TagResource, ListTagsForResource and DescribeTaskDefinition with
// include=TAGS on task definitions, so the emulator tests exercise the real calls.
// The cost is one DescribeTaskDefinition per revision when listing, bounded by
// historyScan.
//
// A release is a revision deployctl registered (it carries TagVersion). It counts as
// having run once TagCompletedAt is set, which happens only when its deployment was
// seen COMPLETED. TagOutcome says what became of it: completed, failed (its rollout
// failed; the revision is deregistered) or rolled-back (a rollback left it; also
// deregistered).

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Tag keys of the release history.
const (
	tagPrefix = "deployctl:"
	// TagBase is the Terraform revision (family:revision) the release was built from.
	TagBase = tagPrefix + "base"
	// TagImage is the digest-pinned image of the release.
	TagImage = tagPrefix + "image"
	// TagVersion is the release's APP_VERSION; its presence marks a revision as a release.
	TagVersion = tagPrefix + "version"
	// TagOutcome is completed, failed or rolled-back.
	TagOutcome = tagPrefix + "outcome"
	// TagOutcomeAt is when TagOutcome was last set (RFC 3339, UTC).
	TagOutcomeAt = tagPrefix + "outcome-at"
	// TagCompletedAt is when the release's deployment was last seen COMPLETED.
	TagCompletedAt = tagPrefix + "completed-at"
	// TagDeployment is the ID of that deployment.
	TagDeployment = tagPrefix + "deployment"
	// TagBy is the caller identity (ARN) that deployed it.
	TagBy = tagPrefix + "released-by"
	// TagReason is why a release failed or was rolled back (shortened).
	TagReason = tagPrefix + "reason"
)

// Release outcomes recorded in TagOutcome.
const (
	ReleaseCompleted  = "completed"
	ReleaseFailed     = "failed"
	ReleaseRolledBack = "rolled-back"
)

// historyScan bounds how many revisions of a family Releases and rollback describe.
const historyScan = 100

// Release is one entry of the history.
type Release struct {
	Revision       int32     `json:"revision"`
	TaskDefinition string    `json:"taskDefinition"`
	Status         string    `json:"status"`
	Current        bool      `json:"current"`
	Image          string    `json:"image"`
	Version        string    `json:"version"`
	Base           string    `json:"base,omitempty"`
	Outcome        string    `json:"outcome"`
	OutcomeAt      time.Time `json:"outcomeAt,omitzero"`
	CompletedAt    time.Time `json:"completedAt,omitzero"`
	Deployment     string    `json:"deployment,omitempty"`
	By             string    `json:"by,omitempty"`
	Reason         string    `json:"reason,omitempty"`
}

// Ran reports whether the release was ever seen COMPLETED.
func (r Release) Ran() bool { return !r.CompletedAt.IsZero() }

func releaseFrom(td *types.TaskDefinition, tags []types.Tag) (Release, bool) {
	m := tagMap(tags)
	if _, ok := m[TagVersion]; !ok {
		return Release{}, false
	}
	r := Release{
		Revision: td.Revision, TaskDefinition: aws.ToString(td.TaskDefinitionArn), Status: string(td.Status),
		Image: m[TagImage], Version: m[TagVersion], Base: m[TagBase], Outcome: m[TagOutcome],
		Deployment: m[TagDeployment], By: m[TagBy], Reason: m[TagReason],
	}
	r.CompletedAt, _ = time.Parse(time.RFC3339, m[TagCompletedAt])
	r.OutcomeAt, _ = time.Parse(time.RFC3339, m[TagOutcomeAt])
	if r.Outcome == "" {
		r.Outcome = "not completed"
	}
	return r, true
}

func tagMap(tags []types.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// tagValue makes s a valid ECS tag value: at most 256 characters out of letters,
// digits, spaces and _ . : / = + - @.
func tagValue(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(" _.:/=+-@", r):
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
		if b.Len() >= 256 {
			break
		}
	}
	out := b.String()
	if len(out) > 256 {
		out = out[:256]
	}
	return out
}

func tagList(kv map[string]string) []types.Tag {
	var out []types.Tag
	for _, k := range slices.Sorted(maps.Keys(kv)) {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(tagValue(kv[k]))})
	}
	return out
}

// releaseTags are the tags a new release is registered with: the base revision's own
// tags (without history tags of whatever it was copied from, and without the reserved
// aws: ones) plus base, image and version.
func releaseTags(baseTags []types.Tag, base, image, version string) []types.Tag {
	var out []types.Tag
	for _, t := range baseTags {
		k := aws.ToString(t.Key)
		if strings.HasPrefix(k, tagPrefix) || strings.HasPrefix(k, "aws:") {
			continue
		}
		out = append(out, t)
	}
	return append(out, tagList(map[string]string{TagBase: base, TagImage: image, TagVersion: version})...)
}

// record tags a revision; a failure is printed, not returned: the deployment's outcome
// stands, only the history misses an entry (rollback --to still works).
func (c *Client) record(ctx context.Context, taskDef string, kv map[string]string) {
	kv[TagOutcomeAt] = c.now().UTC().Format(time.RFC3339)
	if _, err := c.ecs.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(taskDef), Tags: tagList(kv)}); err != nil {
		c.printf("warning: record %s as %s in the release history: %v\n", revisionOf(taskDef), kv[TagOutcome], err)
		return
	}
	c.printf("recorded %s as %s in the release history\n", revisionOf(taskDef), kv[TagOutcome])
}

// recordCompleted records that deployment completed revision taskDef.
func (c *Client) recordCompleted(ctx context.Context, taskDef, deployment string) {
	c.record(ctx, taskDef, map[string]string{
		TagOutcome: ReleaseCompleted, TagCompletedAt: c.now().UTC().Format(time.RFC3339),
		TagDeployment: deployment, TagBy: c.opts.Caller,
	})
}

// retire records outcome on a release and deregisters it, so that neither rollback nor
// a person picking "the previous revision" can land on it by accident.
func (c *Client) retire(ctx context.Context, taskDef, outcome, reason string) {
	c.record(ctx, taskDef, map[string]string{TagOutcome: outcome, TagReason: reason})
	if _, err := c.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(taskDef)}); err != nil {
		c.printf("warning: deregister %s: %v\n", revisionOf(taskDef), err)
		return
	}
	c.printf("deregistered %s (%s)\n", revisionOf(taskDef), outcome)
}

// Releases lists the release history of the service's task definition family, newest
// revision first, at most limit entries (0: all within the last historyScan revisions).
func (c *Client) Releases(ctx context.Context, t Target, limit int) ([]Release, error) {
	svc, err := c.describeService(ctx, t.Cluster, t.Service)
	if err != nil {
		return nil, err
	}
	family, current, ok := splitTaskDefinition(aws.ToString(svc.TaskDefinition))
	if !ok {
		return nil, fmt.Errorf("read the task definition family of service %s: %q is not family:revision", t.Service, aws.ToString(svc.TaskDefinition))
	}
	rels, err := c.history(ctx, family, limit)
	for i := range rels {
		rels[i].Current = rels[i].Revision == current
	}
	return rels, err
}

// history reads the releases among the newest historyScan revisions of family (ACTIVE
// and INACTIVE), newest first.
func (c *Client) history(ctx context.Context, family string, limit int) ([]Release, error) {
	var revs []int32
	for _, st := range []types.TaskDefinitionStatus{types.TaskDefinitionStatusActive, types.TaskDefinitionStatusInactive} {
		p := ecs.NewListTaskDefinitionsPaginator(c.ecs, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(family), Status: st, Sort: types.SortOrderDesc})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list %s task definitions of %s: %w", st, family, err)
			}
			for _, arn := range page.TaskDefinitionArns {
				if f, r, ok := splitTaskDefinition(arn); ok && f == family {
					revs = append(revs, r)
				}
			}
			if len(revs) >= 2*historyScan {
				break
			}
		}
	}
	slices.Sort(revs)
	slices.Reverse(revs)
	revs = slices.Compact(revs)
	if len(revs) > historyScan {
		revs = revs[:historyScan]
	}
	var out []Release
	for _, r := range revs {
		td, tags, err := c.describeTaskDefinition(ctx, family+":"+strconv.Itoa(int(r)))
		if err != nil {
			return out, err
		}
		if rel, ok := releaseFrom(td, tags); ok {
			out = append(out, rel)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
	}
	return out, nil
}

// rollbackTarget is the last release below current that completed and was neither
// rolled back nor failed since, and is still ACTIVE.
func (c *Client) rollbackTarget(ctx context.Context, family string, current int32) (int32, error) {
	rels, err := c.history(ctx, family, 0)
	if err != nil {
		return 0, err
	}
	for _, r := range rels {
		if r.Revision < current && r.Outcome == ReleaseCompleted && r.Ran() && r.Status == string(types.TaskDefinitionStatusActive) {
			return r.Revision, nil
		}
	}
	return 0, fmt.Errorf("find a release of %s before revision %d: %w: no earlier release completed and is still in use (`deployctl releases` lists the history); pass --to REVISION of one that ran",
		family, current, ErrNotFound)
}
