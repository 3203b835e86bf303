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
// A release is a revision deployctl registered (it carries tagVersion). It counts as
// having run once tagCompletedAt is set, which happens only when its deployment was
// seen COMPLETED. tagOutcome says what became of it: completed, failed (its rollout
// failed; the revision is deregistered) or rolled-back (a rollback left it; also
// deregistered).
//
// Each release also carries its record (Record, RecordResult): the commit, the plan it
// applied, the provider lock file's hash, the release it was promoted from (env:revision,
// and whether break-glass skipped that check), the smoke result and the stage timings;
// the deployment ID and the revision itself are the resource and tagDeployment. That is
// at most 16 history tags of ECS's 50 per resource, each value cut to 256 characters.

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
	// tagBase is the Terraform revision (family:revision) the release was built from.
	tagBase = tagPrefix + "base"
	// tagImage is the digest-pinned image of the release.
	tagImage = tagPrefix + "image"
	// tagVersion is the release's APP_VERSION; its presence marks a revision as a release.
	tagVersion = tagPrefix + "version"
	// tagOutcome is completed, failed or rolled-back.
	tagOutcome = tagPrefix + "outcome"
	// tagOutcomeAt is when tagOutcome was last set (RFC 3339, UTC).
	tagOutcomeAt = tagPrefix + "outcome-at"
	// tagCompletedAt is when the release's deployment was last seen COMPLETED.
	tagCompletedAt = tagPrefix + "completed-at"
	// tagDeployment is the ID of that deployment.
	tagDeployment = tagPrefix + "deployment"
	// tagBy is the caller identity (ARN) that deployed it.
	tagBy = tagPrefix + "released-by"
	// tagReason is why a release failed or was rolled back (shortened).
	tagReason = tagPrefix + "reason"
	// tagCommit is the git commit the release was deployed from.
	tagCommit = tagPrefix + "commit"
	// tagPlan is the reviewed plan the deploy applied ("plan-id:ID"), or what it
	// checked instead ("fresh plan, no changes", ...).
	tagPlan = tagPrefix + "plan"
	// tagLockHash is the SHA-256 of infra/.terraform.lock.hcl at deploy time.
	tagLockHash = tagPrefix + "lock-hash"
	// tagPromotedFrom is ENV:REVISION of the completed release whose image this one
	// ships ("" for a release that built its image).
	tagPromotedFrom = tagPrefix + "promoted-from"
	// tagBreakGlass is set when a promotion shipped a digest without a completed
	// release of the source environment (the break-glass flag).
	tagBreakGlass = tagPrefix + "break-glass"
	// tagSmoke is the smoke test's result (passed, or failed: reason).
	tagSmoke = tagPrefix + "smoke"
	// tagTimings are the deploy's stage timings ("plan=8.1s build=skipped ...").
	tagTimings = tagPrefix + "timings"
)

// maxTags is ECS's limit of tags per resource.
const maxTags = 50

// Record is what a release records about how it was made, beside image and version.
type Record struct {
	Commit, Plan, LockHash string
	// PromotedFrom is ENV:REVISION of the source release ("" when built).
	PromotedFrom string
	// BreakGlass: promoted without a completed source release.
	BreakGlass bool
}

func (r Record) tags() map[string]string {
	kv := map[string]string{}
	add := func(k, v string) {
		if v != "" {
			kv[k] = v
		}
	}
	add(tagCommit, r.Commit)
	add(tagPlan, r.Plan)
	add(tagLockHash, r.LockHash)
	add(tagPromotedFrom, r.PromotedFrom)
	if r.BreakGlass {
		kv[tagBreakGlass] = "true"
	}
	return kv
}

// Release outcomes recorded in tagOutcome.
const (
	releaseCompleted  = "completed"
	releaseFailed     = "failed"
	releaseRolledBack = "rolled-back"
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
	Commit         string    `json:"commit,omitempty"`
	Plan           string    `json:"plan,omitempty"`
	LockHash       string    `json:"lockHash,omitempty"`
	PromotedFrom   string    `json:"promotedFrom,omitempty"`
	BreakGlass     bool      `json:"breakGlass,omitempty"`
	Smoke          string    `json:"smoke,omitempty"`
	Timings        string    `json:"timings,omitempty"`
}

// Digest is the sha256:... the release's image is pinned by ("" when unknown).
func (r Release) Digest() string {
	if _, d, ok := strings.Cut(r.Image, "@"); ok {
		return d
	}
	return ""
}

// Ran reports whether the release was ever seen COMPLETED.
func (r Release) Ran() bool { return !r.CompletedAt.IsZero() }

func releaseFrom(td *types.TaskDefinition, tags []types.Tag) (Release, bool) {
	m := tagMap(tags)
	if _, ok := m[tagVersion]; !ok {
		return Release{}, false
	}
	r := Release{
		Revision: td.Revision, TaskDefinition: aws.ToString(td.TaskDefinitionArn), Status: string(td.Status),
		Image: m[tagImage], Version: m[tagVersion], Base: m[tagBase], Outcome: m[tagOutcome],
		Deployment: m[tagDeployment], By: m[tagBy], Reason: m[tagReason],
		Commit: m[tagCommit], Plan: m[tagPlan], LockHash: m[tagLockHash], PromotedFrom: m[tagPromotedFrom],
		BreakGlass: m[tagBreakGlass] == "true", Smoke: m[tagSmoke], Timings: m[tagTimings],
	}
	r.CompletedAt, _ = time.Parse(time.RFC3339, m[tagCompletedAt])
	r.OutcomeAt, _ = time.Parse(time.RFC3339, m[tagOutcomeAt])
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
// aws: ones) plus base, image, version and the record. The history's own tags come
// first within ECS's 50: base tags beyond what leaves room for every history tag are
// dropped with a note (a record must never fail the release).
func releaseTags(baseTags []types.Tag, base, image, version string, rec Record) (tags []types.Tag, dropped []string) {
	kv := rec.tags()
	kv[tagBase], kv[tagImage], kv[tagVersion] = base, image, version
	var out []types.Tag
	room := maxTags - historyTags
	for _, t := range baseTags {
		k := aws.ToString(t.Key)
		if strings.HasPrefix(k, tagPrefix) || strings.HasPrefix(k, "aws:") {
			continue
		}
		if len(out) >= room {
			dropped = append(dropped, k)
			continue
		}
		out = append(out, t)
	}
	return append(out, tagList(kv)...), dropped
}

// historyTags is how many tags the history may put on one revision (every Tag* key).
const historyTags = 16

// record tags a revision; a failure is printed, not returned: the deployment's outcome
// stands, only the history misses an entry (rollback --to still works).
func (c *Client) record(ctx context.Context, taskDef string, kv map[string]string) {
	kv[tagOutcomeAt] = c.now().UTC().Format(time.RFC3339)
	if _, err := c.ecs.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(taskDef), Tags: tagList(kv)}); err != nil {
		c.printf("warning: record %s as %s in the release history: %v\n", revisionOf(taskDef), kv[tagOutcome], err)
		return
	}
	c.printf("recorded %s as %s in the release history\n", revisionOf(taskDef), kv[tagOutcome])
}

// RecordResult adds the smoke result and the stage timings to the record of release
// taskDef (ARN or family:revision); unlike the outcome, a failure here is returned.
func (c *Client) RecordResult(ctx context.Context, taskDef, smoke, timings string) error {
	kv := map[string]string{}
	if smoke != "" {
		kv[tagSmoke] = smoke
	}
	if timings != "" {
		kv[tagTimings] = timings
	}
	if len(kv) == 0 {
		return nil
	}
	arn := taskDef
	if !strings.HasPrefix(arn, "arn:") {
		td, _, err := c.describeTaskDefinition(ctx, taskDef)
		if err != nil {
			return err
		}
		arn = aws.ToString(td.TaskDefinitionArn)
	}
	if _, err := c.ecs.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: tagList(kv)}); err != nil {
		return fmt.Errorf("record the smoke result and timings on %s: %w", revisionOf(arn), err)
	}
	return nil
}

// recordCompleted records that deployment completed revision taskDef.
func (c *Client) recordCompleted(ctx context.Context, taskDef, deployment string) {
	c.record(ctx, taskDef, map[string]string{
		tagOutcome: releaseCompleted, tagCompletedAt: c.now().UTC().Format(time.RFC3339),
		tagDeployment: deployment, tagBy: c.opts.Caller,
	})
}

// retire records outcome on a release and deregisters it, so that neither rollback nor
// a person picking "the previous revision" can land on it by accident.
func (c *Client) retire(ctx context.Context, taskDef, outcome, reason string) {
	c.record(ctx, taskDef, map[string]string{tagOutcome: outcome, tagReason: reason})
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

// FamilyReleases lists the release history of a task definition family, newest first
// (at most limit; 0: all within the last historyScan revisions): another environment's
// history, which a promotion reads without that environment's service.
func (c *Client) FamilyReleases(ctx context.Context, family string, limit int) ([]Release, error) {
	return c.history(ctx, family, limit)
}

// Promotable is the newest release in rels (newest first) that completed and was not
// failed or rolled back since, with digest when given; ok is false when none is.
func Promotable(rels []Release, digest string) (Release, bool) {
	for _, r := range rels {
		if r.Outcome == releaseCompleted && r.Ran() && (digest == "" || r.Digest() == digest) {
			return r, true
		}
	}
	return Release{}, false
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
		if r.Revision < current && r.Outcome == releaseCompleted && r.Ran() && r.Status == string(types.TaskDefinitionStatusActive) {
			return r.Revision, nil
		}
	}
	return 0, fmt.Errorf("find a release of %s before revision %d: %w: no earlier release completed and is still in use (`deployctl releases` lists the history); pass --to REVISION of one that ran",
		family, current, ErrNotFound)
}
