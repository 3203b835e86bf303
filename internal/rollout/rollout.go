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
//   - another update replaced our deployment (not a rollback)       -> ErrSuperseded
//
// Our deployment is the PRIMARY deployment of the new task definition that was not
// PRIMARY before the update (from UpdateService's response, else the next polls). It
// counts as gone only after DescribeServices has shown it once (or a "rolling back"
// event appeared), so a read lagging the update is not mistaken for a rollback.
//
// Completion: when the deployment reports a rolloutState, that state is authoritative:
// COMPLETED while our deployment is the service's PRIMARY is success. Only when the
// rolloutState is absent (deployments ECS does not track, some emulators) does the watch
// fall back to counts: our PRIMARY deployment is the only one and its runningCount
// equals its desiredCount for StablePolls consecutive polls.
//
// Emulators: moto 5.2.1 keeps one deployment whose taskDefinition and ID never change on
// UpdateService (only the service's taskDefinition changes; forceNewDeployment changes
// the ID), with rolloutState COMPLETED when the server runs with
// MOTO_ECS_SERVICE_RUNNING >= the desired count at creation, else IN_PROGRESS forever.
// Real ECS never shows a service whose taskDefinition differs from its PRIMARY
// deployment's, nor keeps the old deployment record after UpdateService changed the
// task definition. When exactly that is seen (the service names our task definition, it
// has a single PRIMARY deployment, and that deployment names another task definition or
// is the record from before the update), the watch tracks that single deployment and
// says so in its output ("note: ..."); completion then also requires the service's
// runningCount to equal its desiredCount. Everything else is the real-ECS logic above.
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
}

// Defaults.
const (
	DefaultPollInterval = 5 * time.Second
	DefaultTimeout      = 15 * time.Minute
	DefaultStablePolls  = 3
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
}

// Client deploys to and watches ECS services.
type Client struct {
	ecs  ecsAPI
	opts Options
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
		opts.StablePolls = DefaultStablePolls
	}
	return &Client{ecs: api, opts: opts}
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
	// Image is a digest-pinned reference (see internal/imageref).
	Image string
	// Version is the APP_VERSION value.
	Version string
	// Force starts a new deployment even when the image is already deployed.
	Force bool
	// Timeout bounds the watch (default 15 min).
	Timeout time.Duration
}

// RollbackRequest is one rollback.
type RollbackRequest struct {
	Target
	// To is the revision to return to; 0 means the previous ACTIVE revision of the family.
	To      int32
	Timeout time.Duration
}

// Outcome is how a watched deployment ended.
type Outcome string

// Outcomes.
const (
	Completed    Outcome = "completed"
	Failed       Outcome = "failed"
	RolledBack   Outcome = "rolled_back"
	TasksFailing Outcome = "tasks_failing"
	TimedOut     Outcome = "timeout"
	Superseded   Outcome = "superseded"
	Errored      Outcome = "error"
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

// Rollout registers a revision of the service's current task definition with only the
// image (and APP_VERSION) changed, points the service at it and watches the deployment.
// The returned Result is filled as far as the rollout got, also on error.
func (c *Client) Rollout(ctx context.Context, req Request) (Result, error) {
	var res Result
	svc, err := c.describeService(ctx, req.Cluster, req.Service)
	if err != nil {
		return res, err
	}
	cur, tags, err := c.describeTaskDefinition(ctx, aws.ToString(svc.TaskDefinition))
	if err != nil {
		return res, err
	}
	container, err := pickContainer(cur, req.Container)
	if err != nil {
		return res, err
	}
	image, version, _ := containerState(cur, container)
	sameImage := image == req.Image && version == req.Version
	setDesired := svc.DesiredCount == 0 && req.DesiredCount > 0

	w := c.newWatch(req.Cluster, req.Service, svc)
	ours := cur
	if sameImage && !req.Force && !setDesired {
		c.printf("image %s (version %s) is already in %s: nothing to register; watching the current deployment (--force redeploys)\n",
			req.Image, req.Version, aws.ToString(cur.TaskDefinitionArn))
		w.prevPrimaryID = "" // the current PRIMARY deployment is ours
	} else {
		if !sameImage {
			in, err := newRevisionInput(cur, tags, container, req.Image, req.Version)
			if err != nil {
				return res, err
			}
			out, err := c.ecs.RegisterTaskDefinition(ctx, in)
			if err != nil {
				return res, fmt.Errorf("register task definition %s: %w", aws.ToString(cur.Family), err)
			}
			ours = out.TaskDefinition
			c.printf("registered %s (image %s, %s=%s)\n", aws.ToString(ours.TaskDefinitionArn), req.Image, VersionVar, req.Version)
		}
		in := &ecs.UpdateServiceInput{
			Cluster:        aws.String(req.Cluster),
			Service:        aws.String(req.Service),
			TaskDefinition: ours.TaskDefinitionArn,
		}
		if req.Force {
			in.ForceNewDeployment = true
		}
		if setDesired {
			in.DesiredCount = aws.Int32(req.DesiredCount)
			c.printf("service %s has 0 desired tasks: setting the environment's desired count %d\n", req.Service, req.DesiredCount)
		}
		if err := c.update(ctx, w, in); err != nil {
			return res, err
		}
	}
	w.taskDef = aws.ToString(ours.TaskDefinitionArn)
	res.TaskDefinition, res.Revision = w.taskDef, ours.Revision
	return c.watch(ctx, w, res, req.Timeout)
}

// Rollback points the service at the previous ACTIVE revision of its task definition
// family (or revision req.To) and watches the deployment the same way as Rollout.
func (c *Client) Rollback(ctx context.Context, req RollbackRequest) (Result, error) {
	var res Result
	svc, err := c.describeService(ctx, req.Cluster, req.Service)
	if err != nil {
		return res, err
	}
	cur, _, err := c.describeTaskDefinition(ctx, aws.ToString(svc.TaskDefinition))
	if err != nil {
		return res, err
	}
	family := aws.ToString(cur.Family)
	var target *types.TaskDefinition
	if req.To > 0 {
		if req.To == cur.Revision {
			return res, fmt.Errorf("roll back service %s: it already runs %s:%d", req.Service, family, req.To)
		}
		target, _, err = c.describeTaskDefinition(ctx, family+":"+strconv.Itoa(int(req.To)))
		if err != nil {
			return res, err
		}
		if target.Status != types.TaskDefinitionStatusActive {
			return res, fmt.Errorf("roll back to %s:%d: the revision is %s: pick an ACTIVE one (aws ecs list-task-definitions --family-prefix %s)", family, req.To, target.Status, family)
		}
	} else {
		rev, err := c.previousRevision(ctx, family, cur.Revision)
		if err != nil {
			return res, err
		}
		target, _, err = c.describeTaskDefinition(ctx, family+":"+strconv.Itoa(int(rev)))
		if err != nil {
			return res, err
		}
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
	res.TaskDefinition, res.Revision = w.taskDef, target.Revision
	return c.watch(ctx, w, res, req.Timeout)
}

// previousRevision is the highest ACTIVE revision of family below current.
func (c *Client) previousRevision(ctx context.Context, family string, current int32) (int32, error) {
	var best int32
	p := ecs.NewListTaskDefinitionsPaginator(c.ecs, &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: aws.String(family),
		Status:       types.TaskDefinitionStatusActive,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("list task definitions of %s: %w", family, err)
		}
		for _, arn := range page.TaskDefinitionArns {
			f, rev, ok := splitTaskDefinition(arn)
			if ok && f == family && rev < current && rev > best {
				best = rev
			}
		}
	}
	if best == 0 {
		return 0, fmt.Errorf("find a revision of %s before %d: %w: no older ACTIVE revision: pass --to REVISION", family, current, ErrNotFound)
	}
	return best, nil
}

func (c *Client) update(ctx context.Context, w *watch, in *ecs.UpdateServiceInput) error {
	out, err := c.ecs.UpdateService(ctx, in)
	if err != nil {
		return fmt.Errorf("update service %s: %w", aws.ToString(in.Service), err)
	}
	c.printf("updated service %s to %s\n", aws.ToString(in.Service), aws.ToString(in.TaskDefinition))
	w.updated = out.Service
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
