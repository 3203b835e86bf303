// Package rollout deploys a new image to an ECS service and watches that deployment,
// by its ID, until it really completes. It never reports a failed deploy as success:
//
//   - FAILED rollout state of our deployment (still PRIMARY)   -> ErrFailed
//   - our deployment no longer PRIMARY (or gone) and the service back on the previous
//     revision: the circuit breaker rolled back. The service then looks stable, which
//     is what fools `aws ecs wait services-stable`                -> ErrRolledBack
//   - tasks started by our deployment stopped with CannotPullContainerError,
//     ResourceInitializationError or a "pull image" failure: fail fast, without waiting
//     for the circuit breaker                                      -> ErrTasksFailing
//   - the deadline passes                                          -> ErrTimeout
//   - another update replaced our deployment: the service moved to another revision
//     with no FAILED state and no "rolling back" event             -> ErrSuperseded
//
// A FAILED deployment that is still PRIMARY while the circuit breaker's rollback is
// enabled is watched (Options.RollbackWait) until the rollback starts (ErrRolledBack);
// only when it does not start is it ErrFailed.
//
// Our deployment is the one UpdateService returned: the PRIMARY deployment of the new
// task definition in its response that was not PRIMARY before the update (when the
// rollout only sets the desired count, the current PRIMARY). Success is reported for
// that ID only; no other deployment is ever taken in its place, since an earlier one
// that completed would turn a failed rollout into a false success. A response naming
// no such deployment ends the watch with an error. DescribeServices may lag the
// update and not show our deployment yet: that is waited for (Options.UnseenWait),
// then reported as ErrTimeout naming the deployment; a "rolling back" event seen
// meanwhile is ErrRolledBack. Our deployment counts as gone only after DescribeServices
// has shown it once (or a "rolling back" event appeared), so a lagging read is not
// mistaken for a rollback.
//
// Completion: when the deployment reports a rolloutState, that state is authoritative:
// COMPLETED while our deployment is the service's PRIMARY is success. Only when the
// rolloutState is absent (deployments ECS does not track) does the watch fall back to
// counts: our PRIMARY deployment is the only one and its runningCount equals its
// desiredCount for StablePolls consecutive polls.
//
// Emulators get no special case: the repository's emulator launcher
// (internal/emulator) makes UpdateService start a new deployment with its own ID, as
// ECS does, so the same logic watches both.
package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ecsAPI is the part of the ECS API rollout uses.
type ecsAPI interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	UpdateService(context.Context, *ecs.UpdateServiceInput, ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
	ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	ListTasks(context.Context, *ecs.ListTasksInput, ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(context.Context, *ecs.DescribeTasksInput, ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	TagResource(context.Context, *ecs.TagResourceInput, ...func(*ecs.Options)) (*ecs.TagResourceOutput, error)
	DeregisterTaskDefinition(context.Context, *ecs.DeregisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
}

// Defaults.
const (
	DefaultPollInterval = 5 * time.Second
	// defaultFastPollInterval is the poll interval while a deployment is about to end
	// (all new tasks running, or a rollback awaited), so its end is seen within ~1 s.
	defaultFastPollInterval = time.Second
	DefaultTimeout          = 15 * time.Minute
	defaultStablePolls      = 3
	// DefaultRollbackWait bounds how long a FAILED deployment with the circuit
	// breaker's rollback enabled is watched for that rollback to start.
	DefaultRollbackWait = time.Minute
	// defaultTaskCheckInterval is how often stopped tasks are listed when nothing
	// (failedTasks growing, a stop reason pending) calls for it sooner.
	defaultTaskCheckInterval = 30 * time.Second
	// defaultUnseenWait bounds the wait for DescribeServices to show the deployment
	// UpdateService returned; ECS reads usually catch up within seconds.
	defaultUnseenWait = time.Minute
)

// Options tune the watch.
type Options struct {
	// Out receives progress: service events (new ones, oldest first), task counts as
	// they change, stopped tasks. Nil discards.
	Out io.Writer
	// PollInterval between DescribeServices calls (default 5 s).
	PollInterval time.Duration
	// StablePolls is how many consecutive polls the count-based completion needs when
	// the deployment has no rolloutState (default 3).
	StablePolls int
	// FastPollInterval is used instead of PollInterval while the deployment is about
	// to end (default 1 s, never more than PollInterval).
	FastPollInterval time.Duration
	// RollbackWait bounds the wait for a circuit-breaker rollback (default 1 min).
	RollbackWait time.Duration
	// TaskCheckInterval: stopped tasks are listed at least this often (default 30 s).
	TaskCheckInterval time.Duration
	// UnseenWait bounds how long the deployment UpdateService returned may stay absent
	// from DescribeServices (a read lagging the update) before the watch gives up on it
	// (default 1 min).
	UnseenWait time.Duration
	// Caller is the identity (ARN) recorded with each release.
	Caller string
}

// Client deploys to and watches ECS services.
type Client struct {
	ecs  ecsAPI
	opts Options
	// now and sleep are the watch's clock, replaced in tests so that time passes
	// without waiting for it.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns a Client using api (an *ecs.Client).
func New(api *ecs.Client, opts Options) *Client { return newClient(api, opts) }

func newClient(api ecsAPI, opts Options) *Client {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.StablePolls <= 0 {
		opts.StablePolls = defaultStablePolls
	}
	if opts.FastPollInterval <= 0 {
		opts.FastPollInterval = defaultFastPollInterval
	}
	opts.FastPollInterval = min(opts.FastPollInterval, opts.PollInterval)
	if opts.RollbackWait <= 0 {
		opts.RollbackWait = DefaultRollbackWait
	}
	if opts.TaskCheckInterval <= 0 {
		opts.TaskCheckInterval = defaultTaskCheckInterval
	}
	if opts.UnseenWait <= 0 {
		opts.UnseenWait = defaultUnseenWait
	}
	return &Client{ecs: api, opts: opts, now: time.Now, sleep: sleepContext}
}

// sleepContext waits for d, or until ctx is done (then it returns ctx's error).
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Target names the service and its application container.
type Target struct {
	Cluster string
	Service string
	// Container is the container whose image is replaced; empty means the task
	// definition's only container.
	Container string
	// DesiredCount is the environment's desired count, set by the rollout when the
	// service is at zero (first deploy); 0 means unknown.
	DesiredCount int32
}

// Request is one rollout.
type Request struct {
	Target
	// TaskDefinition is the revision Terraform manages (ARN or family:revision), the
	// base of every release; empty means the service's current revision (see Rollout).
	TaskDefinition string
	// Image is a digest-pinned reference (see internal/imageref).
	Image string
	// Version is the APP_VERSION value.
	Version string
	// Force starts a new deployment even when the image is already deployed.
	Force bool
	// Timeout bounds the watch (default 15 min).
	Timeout time.Duration
	// Record is written into the release's tags with image and version.
	Record Record
}

// RollbackRequest is one rollback.
type RollbackRequest struct {
	Target
	// To is the revision to return to (it must have run); 0 means the last release that
	// completed before the current one and was not rolled back (see Rollback).
	To      int32
	Timeout time.Duration
}

// Outcome is how a watched deployment ended.
type Outcome string

// Outcomes.
const (
	completed    Outcome = "completed"
	failed       Outcome = "failed"
	rolledBack   Outcome = "rolled_back"
	tasksFailing Outcome = "tasks_failing"
	timedOut     Outcome = "timeout"
	superseded   Outcome = "superseded"
	errored      Outcome = "error"
)

// Result describes the deployment rollout or rollback started (or found).
type Result struct {
	Deployment     string  `json:"deployment"`
	TaskDefinition string  `json:"taskDefinition"`
	Revision       int32   `json:"revision"`
	Outcome        Outcome `json:"outcome"`
	Message        string  `json:"message,omitempty"`
	// Elapsed is the watch's duration in seconds.
	Elapsed float64 `json:"elapsedSeconds"`
	// Timeline is where a completed deployment spent its time (timeline.go).
	Timeline *Timeline `json:"timeline,omitempty"`
	// LockHash is the provider lock file hash recorded with the release.
	LockHash string `json:"lockHash,omitempty"`
}

// Line is the final line deployctl prints.
func (r Result) Line() string {
	return fmt.Sprintf("deployment=%s taskDefinition=%s revision=%d", r.Deployment, r.TaskDefinition, r.Revision)
}

// WriteJSON writes r as indented JSON to path.
func (r Result) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// Rollout registers a release: a revision of Terraform's task definition
// (req.TaskDefinition) with only the container image (by digest) and APP_VERSION
// replaced, points the service at it and watches the deployment. Terraform owns the
// task definition's shape (size, roles, environment, security settings), so every
// Terraform change reaches the next release, and a revision edited outside Terraform is
// never carried forward. Without req.TaskDefinition the service's current revision is
// the base (older callers; said so in the output).
//
// A completed release is recorded in the history (history.go); a release whose rollout
// failed, was rolled back by the circuit breaker or whose tasks cannot start is
// recorded as failed and deregistered. The returned Result is filled as far as the
// rollout got, also on error.
func (c *Client) Rollout(ctx context.Context, req Request) (Result, error) {
	var res Result
	rel, err := c.prepareRelease(ctx, req)
	if err != nil {
		return res, err
	}
	w := c.newWatch(req.Cluster, req.Service, rel.svc)
	ours, registered, err := c.startRelease(ctx, req, rel, w)
	if err != nil {
		return res, err
	}
	w.taskDef = aws.ToString(ours.TaskDefinitionArn)
	w.stopTimeout = stopTimeoutOf(ours, rel.container)
	if registered {
		w.registeredAt = aws.ToTime(ours.RegisteredAt)
	}
	res.TaskDefinition, res.Revision = w.taskDef, ours.Revision
	res, err = c.watch(ctx, w, res, req.Timeout)
	// The history is written with a fresh context: a cancelled watch still records.
	c.recordOutcome(context.WithoutCancel(ctx), w, res, registered)
	return res, err
}

// release is what a rollout starts from: the service, its current revision and
// tags, the base the release is built from, the container it changes, and whether
// the service already runs the image (sameImage) or needs its desired count set.
type release struct {
	svc                   *types.Service
	cur, base             *types.TaskDefinition
	curTags, baseTags     []types.Tag
	baseRef, container    string
	sameImage, setDesired bool
}

// prepareRelease reads the service, its current revision and the release's base, and
// decides what the rollout changes.
func (c *Client) prepareRelease(ctx context.Context, req Request) (release, error) {
	var rel release
	var err error
	if rel.svc, err = c.describeService(ctx, req.Cluster, req.Service); err != nil {
		return rel, err
	}
	if rel.cur, rel.curTags, err = c.describeTaskDefinition(ctx, aws.ToString(rel.svc.TaskDefinition)); err != nil {
		return rel, err
	}
	if rel.base, rel.baseTags, rel.baseRef, err = c.base(ctx, req, rel.cur, rel.curTags); err != nil {
		return rel, err
	}
	if rel.container, err = pickContainer(rel.base, req.Container); err != nil {
		return rel, err
	}
	image, version, _ := containerState(rel.cur, rel.container)
	rel.sameImage = image == req.Image && version == req.Version && (req.TaskDefinition == "" || tagMap(rel.curTags)[tagBase] == rel.baseRef)
	rel.setDesired = rel.svc.DesiredCount == 0 && req.DesiredCount > 0
	return rel, nil
}

// startRelease registers the release (unless the service already runs its image) and
// updates the service (unless nothing would change: then the current deployment is
// watched). It returns the revision the watch follows and whether it was registered.
func (c *Client) startRelease(ctx context.Context, req Request, rel release, w *watch) (*types.TaskDefinition, bool, error) {
	if rel.sameImage && !req.Force && !rel.setDesired {
		c.printf("image %s (version %s) is already in %s, built from %s: nothing to register; watching the current deployment (--force redeploys)\n",
			req.Image, req.Version, aws.ToString(rel.cur.TaskDefinitionArn), rel.baseRef)
		w.prevPrimaryID = "" // the current PRIMARY deployment is ours
		return rel.cur, false, nil
	}
	if rel.sameImage && !req.Force {
		// Only the desired count changes: ECS keeps the PRIMARY deployment, ours.
		w.prevPrimaryID = ""
	}
	ours, registered := rel.cur, false
	if !rel.sameImage {
		var err error
		if ours, err = c.register(ctx, req, rel.base, rel.baseTags, rel.baseRef, rel.container); err != nil {
			return nil, false, err
		}
		registered = true
	}
	in := &ecs.UpdateServiceInput{
		Cluster:            aws.String(req.Cluster),
		Service:            aws.String(req.Service),
		TaskDefinition:     ours.TaskDefinitionArn,
		ForceNewDeployment: req.Force,
	}
	if rel.setDesired {
		in.DesiredCount = aws.Int32(req.DesiredCount)
		c.printf("service %s has 0 desired tasks: setting the environment's desired count %d\n", req.Service, req.DesiredCount)
	}
	return ours, registered, c.update(ctx, w, in)
}

// recordOutcome writes the watched release's end into the history: completed, or,
// for a release this rollout registered, failed (and deregistered).
func (c *Client) recordOutcome(ctx context.Context, w *watch, res Result, registered bool) {
	switch res.Outcome {
	case completed:
		c.recordCompleted(ctx, w.taskDef, res.Deployment)
	case failed, rolledBack, tasksFailing:
		if registered {
			c.retire(ctx, w.taskDef, releaseFailed, string(res.Outcome)+": "+res.Message)
		}
	}
}

// Rollback points the service at the last release that completed before the current
// one and was not rolled back or failed since (or at revision req.To, which must have
// run), and watches the deployment the same way as Rollout. Once it completes, the
// release rolled back from is recorded as rolled-back and deregistered, so a later
// rollback never lands on it.
func (c *Client) Rollback(ctx context.Context, req RollbackRequest) (Result, error) {
	var res Result
	svc, err := c.describeService(ctx, req.Cluster, req.Service)
	if err != nil {
		return res, err
	}
	cur, curTags, err := c.describeTaskDefinition(ctx, aws.ToString(svc.TaskDefinition))
	if err != nil {
		return res, err
	}
	family := aws.ToString(cur.Family)
	to := req.To
	switch to {
	case 0:
		if to, err = c.rollbackTarget(ctx, family, cur.Revision); err != nil {
			return res, err
		}
	case cur.Revision:
		return res, fmt.Errorf("roll back service %s: it already runs %s:%d", req.Service, family, to)
	}
	target, tags, err := c.describeTaskDefinition(ctx, family+":"+strconv.Itoa(int(to)))
	if err != nil {
		return res, err
	}
	if target.Status != types.TaskDefinitionStatusActive {
		return res, fmt.Errorf("roll back to %s:%d: the revision is %s (deregistered after it failed or was rolled back): pick another with `deployctl releases`", family, to, target.Status)
	}
	if rel, ok := releaseFrom(target, tags); !ok || !rel.Ran() {
		return res, fmt.Errorf("roll back to %s:%d: it never ran: no deployment of it was recorded as completed (a Terraform revision or a failed release): pick one that ran with `deployctl releases`", family, to)
	}
	c.printf("rolling back service %s from %s:%d to %s:%d\n", req.Service, family, cur.Revision, family, target.Revision)
	w := c.newWatch(req.Cluster, req.Service, svc)
	if err := c.update(ctx, w, &ecs.UpdateServiceInput{
		Cluster:        aws.String(req.Cluster),
		Service:        aws.String(req.Service),
		TaskDefinition: target.TaskDefinitionArn,
	}); err != nil {
		return res, err
	}
	w.taskDef = aws.ToString(target.TaskDefinitionArn)
	w.stopTimeout = stopTimeoutOf(target, req.Container)
	res.TaskDefinition, res.Revision = w.taskDef, target.Revision
	res, err = c.watch(ctx, w, res, req.Timeout)
	if res.Outcome == completed {
		hctx := context.WithoutCancel(ctx)
		c.recordCompleted(hctx, w.taskDef, res.Deployment)
		if _, isRelease := tagMap(curTags)[tagVersion]; isRelease {
			c.retire(hctx, aws.ToString(cur.TaskDefinitionArn), releaseRolledBack, fmt.Sprintf("rolled back to %s:%d", family, target.Revision))
		}
	}
	return res, err
}

// base reads the revision a release is built from: Terraform's (req.TaskDefinition),
// else the service's current one cur; baseRef is what the release records as its base.
func (c *Client) base(ctx context.Context, req Request, cur *types.TaskDefinition, curTags []types.Tag) (base *types.TaskDefinition, baseTags []types.Tag, baseRef string, err error) {
	if req.TaskDefinition == "" {
		baseRef = revisionOf(aws.ToString(cur.TaskDefinitionArn))
		if b := tagMap(curTags)[tagBase]; b != "" {
			baseRef = b
		}
		c.printf("note: no Terraform task definition given (--task-definition, or terraform output ecs_task_definition_arn): the release is built from the service's current revision %s, so Terraform changes to the task definition do not reach it\n",
			revisionOf(aws.ToString(cur.TaskDefinitionArn)))
		return cur, curTags, baseRef, nil
	}
	base, baseTags, err = c.describeTaskDefinition(ctx, req.TaskDefinition)
	if err != nil {
		return nil, nil, "", fmt.Errorf("read Terraform's task definition (terraform output ecs_task_definition_arn): %w", err)
	}
	if aws.ToString(base.Family) != aws.ToString(cur.Family) {
		return nil, nil, "", fmt.Errorf("task definition %s is of family %s, but service %s runs family %s: pass the task definition Terraform manages for this service (terraform output ecs_task_definition_arn)",
			req.TaskDefinition, aws.ToString(base.Family), req.Service, aws.ToString(cur.Family))
	}
	return base, baseTags, revisionOf(aws.ToString(base.TaskDefinitionArn)), nil
}

// register registers the release: base with the image, version and record of req.
func (c *Client) register(ctx context.Context, req Request, base *types.TaskDefinition, baseTags []types.Tag, baseRef, container string) (*types.TaskDefinition, error) {
	tags, dropped := releaseTags(baseTags, baseRef, req.Image, req.Version, req.Record)
	if len(dropped) > 0 {
		c.printf("note: ECS allows %d tags per revision: the release keeps its record and drops base tags %s\n", maxTags, strings.Join(dropped, ", "))
	}
	in, err := newRevisionInput(base, tags, container, req.Image, req.Version)
	if err != nil {
		return nil, err
	}
	out, err := c.ecs.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("register task definition %s: %w", aws.ToString(base.Family), err)
	}
	c.printf("registered %s from %s (image %s, %s=%s)\n", aws.ToString(out.TaskDefinition.TaskDefinitionArn), baseRef, req.Image, VersionVar, req.Version)
	return out.TaskDefinition, nil
}

func (c *Client) update(ctx context.Context, w *watch, in *ecs.UpdateServiceInput) error {
	out, err := c.ecs.UpdateService(ctx, in)
	if err != nil {
		return fmt.Errorf("update service %s: %w", aws.ToString(in.Service), err)
	}
	c.printf("updated service %s to %s\n", aws.ToString(in.Service), aws.ToString(in.TaskDefinition))
	w.updated = out.Service
	w.updatedAt = c.now()
	return nil
}

func (c *Client) describeService(ctx context.Context, cluster, service string) (*types.Service, error) {
	out, err := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(cluster),
		Services: []string{service},
	})
	if err != nil {
		return nil, fmt.Errorf("describe service %s in cluster %s: %w", service, cluster, err)
	}
	for _, s := range out.Services {
		if aws.ToString(s.ServiceName) == service || aws.ToString(s.ServiceArn) == service {
			if aws.ToString(s.Status) != "ACTIVE" {
				return nil, fmt.Errorf("describe service %s in cluster %s: status %s: %w", service, cluster, aws.ToString(s.Status), ErrNotFound)
			}
			if s.DeploymentController != nil && s.DeploymentController.Type != "" && s.DeploymentController.Type != types.DeploymentControllerTypeEcs {
				return nil, fmt.Errorf("deploy service %s: deployment controller %s: %w: rollout drives ECS rolling updates only", service, s.DeploymentController.Type, ErrUnsupported)
			}
			return &s, nil
		}
	}
	reason := "MISSING"
	if len(out.Failures) > 0 {
		reason = aws.ToString(out.Failures[0].Reason)
	}
	return nil, fmt.Errorf("describe service %s in cluster %s: %s: %w: check --env or --cluster/--service", service, cluster, reason, ErrNotFound)
}

func (c *Client) describeTaskDefinition(ctx context.Context, name string) (*types.TaskDefinition, []types.Tag, error) {
	out, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(name),
		Include:        []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("describe task definition %s: %w", name, err)
	}
	if out.TaskDefinition == nil {
		return nil, nil, fmt.Errorf("describe task definition %s: %w", name, ErrNotFound)
	}
	return out.TaskDefinition, out.Tags, nil
}

func pickContainer(td *types.TaskDefinition, name string) (string, error) {
	if name != "" {
		if _, _, ok := containerState(td, name); !ok {
			var names []string
			for _, c := range td.ContainerDefinitions {
				names = append(names, aws.ToString(c.Name))
			}
			return "", fmt.Errorf("find container %q in task definition %s: %w (containers: %s): pass --container",
				name, aws.ToString(td.TaskDefinitionArn), ErrNotFound, strings.Join(names, ", "))
		}
		return name, nil
	}
	if len(td.ContainerDefinitions) != 1 {
		return "", fmt.Errorf("pick the container of task definition %s: it has %d: pass --container", aws.ToString(td.TaskDefinitionArn), len(td.ContainerDefinitions))
	}
	return aws.ToString(td.ContainerDefinitions[0].Name), nil
}

// splitTaskDefinition splits an ARN or family:revision into family and revision.
func splitTaskDefinition(s string) (family string, revision int32, ok bool) {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	f, r, found := strings.Cut(s, ":")
	if !found {
		return "", 0, false
	}
	n, err := strconv.ParseInt(r, 10, 32)
	if err != nil {
		return "", 0, false
	}
	return f, int32(n), true
}

// sameTaskDefinition reports whether a and b name the same revision (ARN or family:revision).
func sameTaskDefinition(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	fa, ra, oka := splitTaskDefinition(a)
	fb, rb, okb := splitTaskDefinition(b)
	return oka && okb && fa == fb && ra == rb
}

func (c *Client) printf(format string, args ...any) {
	fmt.Fprintf(c.opts.Out, format, args...)
}
