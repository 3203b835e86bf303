package rollout

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// watch is the state of one deployment being watched.
type watch struct {
	cluster, service string
	// taskDef is the ARN of the revision we deployed.
	taskDef string
	// prevTaskDef and prevPrimaryID describe the service before our update.
	prevTaskDef   string
	prevPrimaryID string
	// updated is the service as UpdateService returned it (nil when no update was made).
	updated *types.Service
	// deploymentID is ours: the one UpdateService returned (or, when no update was
	// made, the PRIMARY deployment of our revision).
	deploymentID string
	// seen is set once DescribeServices has shown our deployment: before that, its
	// absence may be a read that lags the update, not a rollback.
	seen bool

	seenEvents   map[string]bool
	seenTasks    map[string]bool
	lastCounts   string
	stable       int
	rollbackSeen bool
	last         string // last state, for the timeout message
	// failedSeen is when our deployment was first seen FAILED (zero: never).
	failedSeen time.Time
	// fast asks for the fast poll interval: the deployment is about to end.
	fast bool
	// lastFailed is our deployment's failedTasks at the last task check; unresolved
	// counts stopped tasks whose stop reason was not known yet; lastTaskCheck is when
	// stopped tasks were last listed (see needTaskCheck).
	lastFailed    int32
	unresolved    int
	lastTaskCheck time.Time
	// timeline data gathered on the way (see timeline.go)
	registeredAt, updatedAt, allRunningAt time.Time
	stopTimeout                           int32
}

func (c *Client) newWatch(cluster, service string, before *types.Service) *watch {
	w := &watch{
		cluster:     cluster,
		service:     service,
		prevTaskDef: aws.ToString(before.TaskDefinition),
		seenEvents:  map[string]bool{},
		seenTasks:   map[string]bool{},
	}
	if p := primary(before); p != nil {
		w.prevPrimaryID = aws.ToString(p.Id)
	}
	// Events from before the update are history, not progress.
	for _, e := range before.Events {
		w.seenEvents[eventKey(e)] = true
	}
	return w
}

// watch polls the service until our deployment ends. res carries the task definition
// and revision; the deployment ID, outcome and message are filled in here.
//
// Polling adapts: PollInterval normally, FastPollInterval while the deployment is about
// to end (its new tasks all run, it is the only deployment left, or a rollback is
// awaited), so a completion is seen within about a second without a high request rate
// over a long rollout. A poll that fails after the SDK's own retries (throttling, a 5xx,
// a dropped connection) is logged and retried with backoff until the deadline; it never
// ends the watch on its own. Only a service that is gone ends it at once.
func (c *Client) watch(ctx context.Context, w *watch, res Result, timeout time.Duration) (Result, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	start := c.now()
	deadline := start.Add(timeout)
	finish := func(o Outcome, err error) (Result, error) {
		res.Deployment = w.deploymentID
		res.Outcome = o
		res.Elapsed = c.now().Sub(start).Seconds()
		if err != nil {
			res.Message = err.Error()
		}
		return res, err
	}
	if w.updated != nil && !w.identify(c, w.updated) {
		// Never substitute another deployment: without its ID nothing can be reported.
		return finish(errored, fmt.Errorf("watch the update of service %s: UpdateService's response names no new PRIMARY deployment of %s (deployments: %s): the service was updated, but its rollout cannot be watched by ID: check the ECS console",
			w.service, revisionOf(w.taskDef), describeDeployments(w.updated)))
	}
	failures := 0
	for {
		var interval time.Duration
		svc, err := c.describeService(ctx, w.cluster, w.service)
		switch {
		case err != nil && (errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnsupported) || ctx.Err() != nil):
			return finish(errored, err)
		case err != nil:
			failures++
			interval = min(c.opts.PollInterval<<min(failures, 4), time.Minute)
			c.printf("poll %d failed after the SDK's retries (retrying in %s, until the deadline): %v\n", failures, interval, err)
			w.last = "last poll failed: " + err.Error()
		default:
			failures = 0
			var v verdict
			if v, interval = c.poll(ctx, w, svc); v.done {
				if v.outcome == completed {
					res.Timeline = c.timeline(ctx, w, svc)
				}
				return finish(v.outcome, v.err)
			}
		}
		if !c.now().Before(deadline) {
			return finish(timedOut, fmt.Errorf("%w: waited %s for %s: %s: the service may still converge; check the ECS console, or roll back",
				ErrTimeout, timeout, orUnknown(w.deploymentID), w.last))
		}
		if err := c.sleep(ctx, min(interval, deadline.Sub(c.now())+time.Millisecond)); err != nil {
			return finish(errored, fmt.Errorf("watch deployment %s: %w", orUnknown(w.deploymentID), err))
		}
	}
}

// poll handles one read of the service: it prints what is new, finds our deployment
// when no update named it, and returns the verdict with the interval to the next poll.
func (c *Client) poll(ctx context.Context, w *watch, svc *types.Service) (verdict, time.Duration) {
	c.printEvents(w, svc)
	if w.deploymentID == "" { // no update was made: watch the current deployment
		w.identify(c, svc)
	}
	if w.deploymentID == "" {
		// No update was made and no PRIMARY deployment of our revision is shown (a
		// read lagging an earlier update): look again soon.
		w.last = fmt.Sprintf("no deployment of %s found yet (service on %s)", w.taskDef, aws.ToString(svc.TaskDefinition))
		return keepWatching, c.opts.FastPollInterval
	}
	w.fast = false
	v := c.evaluate(ctx, w, svc)
	if w.fast {
		return v, c.opts.FastPollInterval
	}
	return v, c.opts.PollInterval
}

// identify finds our deployment in svc: the PRIMARY deployment of our task definition
// that was not PRIMARY before the update (any, when no new deployment was expected). It
// never takes another deployment for ours: an earlier one that completed would turn a
// failed rollout into a false success.
func (w *watch) identify(c *Client, svc *types.Service) bool {
	for _, d := range svc.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" && sameTaskDefinition(aws.ToString(d.TaskDefinition), w.taskDef) &&
			aws.ToString(d.Id) != w.prevPrimaryID {
			w.deploymentID = aws.ToString(d.Id)
			c.printf("watching deployment %s of %s\n", w.deploymentID, w.taskDef)
			return true
		}
	}
	return false
}

// describeDeployments lists svc's deployments as id status family:revision.
func describeDeployments(svc *types.Service) string {
	var parts []string
	for _, d := range svc.Deployments {
		parts = append(parts, fmt.Sprintf("%s %s %s", aws.ToString(d.Id), aws.ToString(d.Status), revisionOf(aws.ToString(d.TaskDefinition))))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// verdict is what one poll decided: keep watching (the zero value) or end the watch
// with an outcome (and, unless it completed, the error that says why).
type verdict struct {
	done    bool
	outcome Outcome
	err     error
}

// keepWatching is the verdict of a poll that did not end the watch.
var keepWatching = verdict{}

func end(o Outcome, err error) verdict { return verdict{done: true, outcome: o, err: err} }

// evaluate finds our deployment in svc and hands it to the handler of its state.
func (c *Client) evaluate(ctx context.Context, w *watch, svc *types.Service) verdict {
	var ours *types.Deployment
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Id) == w.deploymentID {
			ours = &svc.Deployments[i]
		}
	}
	c.printCounts(w, svc, ours)
	if ours != nil {
		w.seen = true
		if ours.RolloutState == types.DeploymentRolloutStateFailed && w.failedSeen.IsZero() {
			w.failedSeen = c.now()
		}
	}
	switch {
	case ours == nil && !w.seen && !w.rollbackSeen:
		return c.onNotSeen(w, svc)
	case ours == nil || aws.ToString(ours.Status) != "PRIMARY":
		return c.onReplaced(w, svc, ours)
	case ours.RolloutState == types.DeploymentRolloutStateFailed:
		return c.onFailed(w, svc, ours)
	case ours.RolloutState == types.DeploymentRolloutStateCompleted:
		return c.onCompleted(w, svc)
	case ours.RolloutState == "":
		if v := c.onInProgress(ctx, w, svc, ours); v.done {
			return v
		}
		return c.onNoRolloutState(w, svc, ours)
	default:
		return c.onInProgress(ctx, w, svc, ours)
	}
}

// onNotSeen: DescribeServices has not shown our deployment yet. A read lagging the
// update is waited for, bounded; another deployment is never looked at instead.
func (c *Client) onNotSeen(w *watch, svc *types.Service) verdict {
	if waited := c.now().Sub(w.updatedAt); waited >= c.opts.UnseenWait {
		return end(timedOut, fmt.Errorf("%w: deployment %s (%s), which UpdateService returned, was not shown by DescribeServices within %s (service on %s, deployments: %s): its outcome is unknown; check the ECS console, or roll back",
			ErrTimeout, w.deploymentID, revisionOf(w.taskDef), c.opts.UnseenWait, revisionOf(aws.ToString(svc.TaskDefinition)), describeDeployments(svc)))
	}
	w.last = fmt.Sprintf("deployment %s not shown by DescribeServices yet (service on %s)", w.deploymentID, revisionOf(aws.ToString(svc.TaskDefinition)))
	w.fast = true
	return keepWatching
}

// onReplaced: our deployment is no longer the service's PRIMARY one (or is gone). A
// circuit-breaker rollback shows as our deployment FAILED or a "rolling back" event; a
// return to another revision without either is someone else's change, not a rollback.
func (c *Client) onReplaced(w *watch, svc *types.Service, ours *types.Deployment) verdict {
	p := primary(svc)
	if p == nil {
		w.fast = true
		return keepWatching // between deployments; look again
	}
	ptd := aws.ToString(p.TaskDefinition)
	state := "gone"
	if ours != nil {
		state = fmt.Sprintf("%s, rollout state %s", aws.ToString(ours.Status), ours.RolloutState)
		if r := aws.ToString(ours.RolloutStateReason); r != "" {
			state += ": " + r
		}
	}
	if !sameTaskDefinition(ptd, w.taskDef) && (!w.failedSeen.IsZero() || w.rollbackSeen) {
		return end(rolledBack, fmt.Errorf("%w: deployment %s (%s) is %s; the service is back on %s (deployment %s): it looks stable, but on the old revision, not %s",
			ErrRolledBack, w.deploymentID, revisionOf(w.taskDef), state, revisionOf(ptd), aws.ToString(p.Id), revisionOf(w.taskDef)))
	}
	return end(superseded, fmt.Errorf("%w: deployment %s (%s) is %s; deployment %s of %s is now PRIMARY, with no FAILED state and no rollback event: another change to the service replaced ours",
		ErrSuperseded, w.deploymentID, revisionOf(w.taskDef), state, aws.ToString(p.Id), revisionOf(ptd)))
}

// onFailed: our deployment is PRIMARY and FAILED. With the circuit breaker's rollback
// enabled, ECS starts the rollback on one of the next polls: it is waited for (bounded)
// so that it is reported as the rollback it is.
func (c *Client) onFailed(w *watch, svc *types.Service, ours *types.Deployment) verdict {
	reason := orUnknown(aws.ToString(ours.RolloutStateReason))
	if !rollbackEnabled(svc) {
		return end(failed, fmt.Errorf("%w: deployment %s (%s) rollout state FAILED: %s; the service stays on it (no circuit-breaker rollback): roll back with `deployctl rollback`",
			ErrFailed, w.deploymentID, revisionOf(w.taskDef), reason))
	}
	if waited := c.now().Sub(w.failedSeen); waited < c.opts.RollbackWait {
		w.fast = true
		w.last = fmt.Sprintf("rollout state FAILED (%s); the circuit breaker's rollback is enabled: waiting for it (%s of %s)", reason, waited.Round(time.Second), c.opts.RollbackWait)
		return keepWatching
	}
	return end(failed, fmt.Errorf("%w: deployment %s (%s) rollout state FAILED: %s; the circuit breaker's rollback is enabled but did not start within %s (no COMPLETED deployment to return to?): roll back with `deployctl rollback`",
		ErrFailed, w.deploymentID, revisionOf(w.taskDef), reason, c.opts.RollbackWait))
}

// onCompleted: our deployment is PRIMARY and COMPLETED, which is success once the
// service also names our revision (else the read is inconsistent: look again).
func (c *Client) onCompleted(w *watch, svc *types.Service) verdict {
	if !sameTaskDefinition(aws.ToString(svc.TaskDefinition), w.taskDef) {
		w.fast = true
		return keepWatching
	}
	if w.allRunningAt.IsZero() {
		w.allRunningAt = c.now()
	}
	c.printf("deployment %s completed: %d of %d tasks running %s\n", w.deploymentID, svc.RunningCount, svc.DesiredCount, revisionOf(w.taskDef))
	return end(completed, nil)
}

// onInProgress: our deployment is PRIMARY and under way (or reports no rollout state).
// Tasks that cannot start fail the rollout at once.
func (c *Client) onInProgress(ctx context.Context, w *watch, svc *types.Service, ours *types.Deployment) verdict {
	if ours.DesiredCount > 0 && ours.RunningCount >= ours.DesiredCount && w.allRunningAt.IsZero() {
		w.allRunningAt = c.now()
	}
	if c.needTaskCheck(w, ours) {
		w.lastFailed = ours.FailedTasks
		if err := c.checkStoppedTasks(ctx, w); errors.Is(err, ErrTasksFailing) {
			return end(tasksFailing, err)
		} else if err != nil {
			c.printf("check stopped tasks (will retry): %v\n", err)
		}
	}
	// About to end: all new tasks run (what is left is draining the old ones), or ours
	// is the only deployment left.
	w.fast = (ours.DesiredCount > 0 && ours.RunningCount >= ours.DesiredCount) || (len(svc.Deployments) == 1 && ours.PendingCount == 0)
	w.last = fmt.Sprintf("rollout state %s, running %d of %d, pending %d, failed tasks %d", ours.RolloutState, ours.RunningCount, ours.DesiredCount, ours.PendingCount, ours.FailedTasks)
	return keepWatching
}

// onNoRolloutState: a deployment ECS does not track completes by counts: ours is the
// only deployment and runs its desired count for StablePolls consecutive polls.
func (c *Client) onNoRolloutState(w *watch, svc *types.Service, ours *types.Deployment) verdict {
	running, desired := ours.RunningCount, ours.DesiredCount
	if len(svc.Deployments) == 1 && running == desired && ours.PendingCount <= 0 {
		w.stable++
	} else {
		w.stable = 0
	}
	w.last = fmt.Sprintf("no rollout state; running %d of %d, %d deployment(s), stable for %d of %d polls", running, desired, len(svc.Deployments), w.stable, c.opts.StablePolls)
	if w.stable >= c.opts.StablePolls {
		c.printf("deployment %s steady: %d of %d tasks running for %d polls (no rollout state reported) %s\n", w.deploymentID, running, desired, w.stable, revisionOf(w.taskDef))
		return end(completed, nil)
	}
	return keepWatching
}

func rollbackEnabled(svc *types.Service) bool {
	dc := svc.DeploymentConfiguration
	return dc != nil && dc.DeploymentCircuitBreaker != nil && dc.DeploymentCircuitBreaker.Enable && dc.DeploymentCircuitBreaker.Rollback
}

// needTaskCheck says whether to list stopped tasks on this poll: on the first one, when
// the deployment's failedTasks grew, while a stopped task's reason is still unknown, and
// otherwise every TaskCheckInterval (failedTasks is the signal; the interval is a net).
func (c *Client) needTaskCheck(w *watch, ours *types.Deployment) bool {
	return w.lastTaskCheck.IsZero() || ours.FailedTasks > w.lastFailed || w.unresolved > 0 ||
		c.now().Sub(w.lastTaskCheck) >= c.opts.TaskCheckInterval
}

// startFailure matches stop reasons of tasks that can never start with this revision.
var startFailure = regexp.MustCompile(`(?i)CannotPullContainerError|ResourceInitializationError|pull image|CannotPullImageManifestError`)

// checkStoppedTasks looks at tasks our deployment started that have stopped. A task that
// could not pull its image or initialize its resources fails the rollout at once; other
// stops are printed and left to the circuit breaker. A task listed as stopping before
// ECS filled in its stop reason is described again on the next polls until it has one.
func (c *Client) checkStoppedTasks(ctx context.Context, w *watch) error {
	w.lastTaskCheck = c.now()
	out, err := c.ecs.ListTasks(ctx, &ecs.ListTasksInput{
		Cluster:       aws.String(w.cluster),
		StartedBy:     aws.String(w.deploymentID),
		DesiredStatus: types.DesiredStatusStopped,
	})
	if err != nil {
		return fmt.Errorf("list stopped tasks of deployment %s: %w", w.deploymentID, err)
	}
	var fresh []string
	for _, arn := range out.TaskArns {
		if !w.seenTasks[arn] {
			fresh = append(fresh, arn)
		}
	}
	if len(fresh) == 0 {
		w.unresolved = 0
		return nil
	}
	if len(fresh) > 100 {
		fresh = fresh[:100]
	}
	desc, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(w.cluster), Tasks: fresh})
	if err != nil {
		return fmt.Errorf("describe stopped tasks of deployment %s: %w", w.deploymentID, err)
	}
	unresolved := 0
	var failing error
	for _, t := range desc.Tasks {
		arn := aws.ToString(t.TaskArn)
		if aws.ToString(t.LastStatus) != "STOPPED" || !hasStopReason(t) {
			unresolved++ // stopping, reason not filled in yet: look again next poll
			continue
		}
		w.seenTasks[arn] = true
		reason := stopReason(t)
		c.printf("task %s stopped: %s\n", shortID(arn), reason)
		if failing == nil && startFailure.MatchString(reason) {
			failing = fmt.Errorf("%w: task %s of deployment %s (%s) stopped: %s: fix the image or its access (ECR permissions, network path to the registry, secrets), then roll out again",
				ErrTasksFailing, shortID(arn), w.deploymentID, revisionOf(w.taskDef), reason)
		}
	}
	w.unresolved = unresolved
	return failing
}

func hasStopReason(t types.Task) bool {
	if aws.ToString(t.StoppedReason) != "" || t.StopCode != "" {
		return true
	}
	for _, ct := range t.Containers {
		if aws.ToString(ct.Reason) != "" {
			return true
		}
	}
	return false
}

// stopReason joins the task's stop code, stoppedReason and the containers' reasons.
func stopReason(t types.Task) string {
	var parts []string
	if r := aws.ToString(t.StoppedReason); r != "" {
		parts = append(parts, r)
	}
	for _, ct := range t.Containers {
		if r := aws.ToString(ct.Reason); r != "" && !strings.Contains(strings.Join(parts, "; "), r) {
			parts = append(parts, fmt.Sprintf("container %s: %s", aws.ToString(ct.Name), r))
		}
	}
	if len(parts) == 0 {
		if t.StopCode != "" {
			return string(t.StopCode)
		}
		return "no reason given"
	}
	return strings.Join(parts, "; ")
}

// printEvents prints service events not printed before, oldest first.
func (c *Client) printEvents(w *watch, svc *types.Service) {
	var fresh []types.ServiceEvent
	for _, e := range svc.Events { // newest first
		k := eventKey(e)
		if w.seenEvents[k] {
			continue
		}
		w.seenEvents[k] = true
		fresh = append(fresh, e)
		if strings.Contains(strings.ToLower(aws.ToString(e.Message)), "rolling back") {
			w.rollbackSeen = true
		}
	}
	for i := len(fresh) - 1; i >= 0; i-- {
		e := fresh[i]
		c.printf("event %s %s\n", aws.ToTime(e.CreatedAt).UTC().Format(time.RFC3339), aws.ToString(e.Message))
	}
}

// printCounts prints the task counts when they changed since the last poll.
func (c *Client) printCounts(w *watch, svc *types.Service, ours *types.Deployment) {
	s := fmt.Sprintf("service %s: running %d, pending %d, desired %d, deployments %d", w.service, svc.RunningCount, svc.PendingCount, svc.DesiredCount, len(svc.Deployments))
	if ours != nil {
		s += fmt.Sprintf("; deployment %s %s: rollout %s, running %d, pending %d, desired %d, failed tasks %d",
			w.deploymentID, aws.ToString(ours.Status), orUnknown(string(ours.RolloutState)), ours.RunningCount, ours.PendingCount, ours.DesiredCount, ours.FailedTasks)
	}
	if s != w.lastCounts {
		w.lastCounts = s
		c.printf("%s\n", s)
	}
}

func primary(svc *types.Service) *types.Deployment {
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Status) == "PRIMARY" {
			return &svc.Deployments[i]
		}
	}
	return nil
}

func eventKey(e types.ServiceEvent) string {
	if id := aws.ToString(e.Id); id != "" {
		return id
	}
	return aws.ToTime(e.CreatedAt).String() + "|" + aws.ToString(e.Message)
}

// revisionOf is family:revision of a task definition ARN.
func revisionOf(td string) string {
	if f, r, ok := splitTaskDefinition(td); ok {
		return fmt.Sprintf("%s:%d", f, r)
	}
	return td
}

func shortID(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func orUnknown(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
