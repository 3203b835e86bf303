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
	// deploymentID is ours, once identified.
	deploymentID string
	// emulator is set when the deployment record does not track the task definition.
	emulator bool
	// seen is set once DescribeServices has shown our deployment: before that, its
	// absence may be a read that lags the update, not a rollback.
	seen bool

	seenEvents   map[string]bool
	seenTasks    map[string]bool
	lastCounts   string
	stable       int
	rollbackSeen bool
	last         string // last state, for the timeout message
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
func (c *Client) watch(ctx context.Context, w *watch, res Result, timeout time.Duration) (Result, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	start := time.Now()
	deadline := start.Add(timeout)
	finish := func(o Outcome, err error) (Result, error) {
		res.Deployment = w.deploymentID
		res.Outcome = o
		res.Elapsed = time.Since(start).Seconds()
		if err != nil {
			res.Message = err.Error()
		}
		return res, err
	}
	if w.updated != nil {
		w.identify(c, w.updated)
	}
	for {
		svc, err := c.describeService(ctx, w.cluster, w.service)
		if err != nil {
			return finish(Errored, err)
		}
		c.printEvents(w, svc)
		if w.deploymentID == "" {
			w.identify(c, svc)
		}
		if w.deploymentID != "" {
			done, outcome, err := c.evaluate(ctx, w, svc)
			if done {
				return finish(outcome, err)
			}
		} else {
			w.last = fmt.Sprintf("no deployment of %s found yet (service on %s)", w.taskDef, aws.ToString(svc.TaskDefinition))
		}
		if time.Now().After(deadline) {
			return finish(TimedOut, fmt.Errorf("%w: waited %s for %s: %s: the service may still converge; check the ECS console, or roll back",
				ErrTimeout, timeout, orUnknown(w.deploymentID), w.last))
		}
		t := time.NewTimer(min(c.opts.PollInterval, time.Until(deadline)+time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return finish(Errored, fmt.Errorf("watch deployment %s: %w", orUnknown(w.deploymentID), ctx.Err()))
		case <-t.C:
		}
	}
}

// identify finds our deployment in svc: the PRIMARY deployment of our task definition
// that is not the one that was PRIMARY before the update. See the package comment for
// the emulator fallback.
func (w *watch) identify(c *Client, svc *types.Service) {
	for _, d := range svc.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" && sameTaskDefinition(aws.ToString(d.TaskDefinition), w.taskDef) &&
			aws.ToString(d.Id) != w.prevPrimaryID {
			w.deploymentID = aws.ToString(d.Id)
			c.printf("watching deployment %s of %s\n", w.deploymentID, w.taskDef)
			return
		}
	}
	// Real ECS: a deployment of ours exists but is not (yet) the new PRIMARY; wait.
	// Emulator: the service names our task definition, yet its only deployment is the
	// old record, either still naming another task definition or never replaced (same
	// ID as before the update although the task definition changed).
	if len(svc.Deployments) != 1 || !sameTaskDefinition(aws.ToString(svc.TaskDefinition), w.taskDef) {
		return
	}
	d := svc.Deployments[0]
	staleTD := !sameTaskDefinition(aws.ToString(d.TaskDefinition), w.taskDef)
	notReplaced := aws.ToString(d.Id) == w.prevPrimaryID && !sameTaskDefinition(w.prevTaskDef, w.taskDef)
	if aws.ToString(d.Status) != "PRIMARY" || !(staleTD || notReplaced) {
		return
	}
	w.deploymentID = aws.ToString(d.Id)
	w.emulator = true
	c.printf("note: the service is on %s but its only deployment %s is the record from before the update (naming %s); real ECS never shows this (an emulator such as moto does): tracking %s, and requiring the service's running count to reach its desired count\n",
		revisionOf(w.taskDef), w.deploymentID, revisionOf(aws.ToString(d.TaskDefinition)), w.deploymentID)
}

// evaluate decides whether the watch is over.
func (c *Client) evaluate(ctx context.Context, w *watch, svc *types.Service) (bool, Outcome, error) {
	var ours *types.Deployment
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Id) == w.deploymentID {
			ours = &svc.Deployments[i]
		}
	}
	p := primary(svc)
	c.printCounts(w, svc, ours)
	if ours != nil {
		w.seen = true
	} else if !w.seen && !w.rollbackSeen {
		w.last = fmt.Sprintf("deployment %s not shown by DescribeServices yet (service on %s)", w.deploymentID, revisionOf(aws.ToString(svc.TaskDefinition)))
		return false, "", nil
	}

	// Our deployment is no longer the service's PRIMARY one (or is gone).
	if ours == nil || aws.ToString(ours.Status) != "PRIMARY" {
		if p == nil {
			return false, "", nil // between deployments; look again
		}
		ptd := aws.ToString(p.TaskDefinition)
		if w.emulator {
			ptd = aws.ToString(svc.TaskDefinition)
		}
		state := "gone"
		if ours != nil {
			state = fmt.Sprintf("%s, rollout state %s", aws.ToString(ours.Status), ours.RolloutState)
			if r := aws.ToString(ours.RolloutStateReason); r != "" {
				state += ": " + r
			}
		}
		if !sameTaskDefinition(ptd, w.taskDef) && (sameTaskDefinition(ptd, w.prevTaskDef) || w.rollbackSeen) {
			return true, RolledBack, fmt.Errorf("%w: deployment %s (%s) is %s; the service is back on %s (deployment %s): it looks stable, but on the old revision, not %s",
				ErrRolledBack, w.deploymentID, revisionOf(w.taskDef), state, revisionOf(ptd), aws.ToString(p.Id), revisionOf(w.taskDef))
		}
		return true, Superseded, fmt.Errorf("%w: deployment %s (%s) is %s; deployment %s of %s is now PRIMARY",
			ErrSuperseded, w.deploymentID, revisionOf(w.taskDef), state, aws.ToString(p.Id), revisionOf(ptd))
	}

	switch ours.RolloutState {
	case types.DeploymentRolloutStateFailed:
		return true, Failed, fmt.Errorf("%w: deployment %s (%s) rollout state FAILED: %s; the service stays on it (no circuit-breaker rollback): roll back with `deployctl rollback`",
			ErrFailed, w.deploymentID, revisionOf(w.taskDef), orUnknown(aws.ToString(ours.RolloutStateReason)))
	case types.DeploymentRolloutStateCompleted:
		if !sameTaskDefinition(aws.ToString(svc.TaskDefinition), w.taskDef) {
			return false, "", nil // inconsistent read; look again
		}
		if w.emulator && svc.RunningCount != svc.DesiredCount {
			w.last = fmt.Sprintf("rollout state COMPLETED but running %d of %d", svc.RunningCount, svc.DesiredCount)
			return false, "", nil
		}
		c.printf("deployment %s completed: %d of %d tasks running %s\n", w.deploymentID, svc.RunningCount, svc.DesiredCount, revisionOf(w.taskDef))
		return true, Completed, nil
	}

	// IN_PROGRESS (or no rollout state): fail fast on tasks that cannot start.
	if err := c.checkStoppedTasks(ctx, w); err != nil {
		if errors.Is(err, ErrTasksFailing) {
			return true, TasksFailing, err
		}
		return true, Errored, err
	}
	if ours.RolloutState == "" {
		running, desired := ours.RunningCount, ours.DesiredCount
		if w.emulator {
			running, desired = svc.RunningCount, svc.DesiredCount
		}
		if len(svc.Deployments) == 1 && running == desired && ours.PendingCount <= 0 {
			w.stable++
		} else {
			w.stable = 0
		}
		w.last = fmt.Sprintf("no rollout state; running %d of %d, %d deployment(s), stable for %d of %d polls", running, desired, len(svc.Deployments), w.stable, c.opts.StablePolls)
		if w.stable >= c.opts.StablePolls {
			c.printf("deployment %s steady: %d of %d tasks running for %d polls (no rollout state reported) %s\n", w.deploymentID, running, desired, w.stable, revisionOf(w.taskDef))
			return true, Completed, nil
		}
		return false, "", nil
	}
	w.last = fmt.Sprintf("rollout state %s, running %d of %d, pending %d, failed tasks %d", ours.RolloutState, ours.RunningCount, ours.DesiredCount, ours.PendingCount, ours.FailedTasks)
	return false, "", nil
}

// startFailure matches stop reasons of tasks that can never start with this revision.
var startFailure = regexp.MustCompile(`(?i)CannotPullContainerError|ResourceInitializationError|pull image|CannotPullImageManifestError`)

// checkStoppedTasks looks at tasks our deployment started that have stopped. A task that
// could not pull its image or initialize its resources fails the rollout at once; other
// stops are printed and left to the circuit breaker.
func (c *Client) checkStoppedTasks(ctx context.Context, w *watch) error {
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
		return nil
	}
	if len(fresh) > 100 {
		fresh = fresh[:100]
	}
	desc, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(w.cluster), Tasks: fresh})
	if err != nil {
		return fmt.Errorf("describe stopped tasks of deployment %s: %w", w.deploymentID, err)
	}
	for _, t := range desc.Tasks {
		arn := aws.ToString(t.TaskArn)
		w.seenTasks[arn] = true
		if aws.ToString(t.LastStatus) != "STOPPED" && t.DesiredStatus != nil && aws.ToString(t.DesiredStatus) != "STOPPED" {
			continue
		}
		reason := stopReason(t)
		c.printf("task %s stopped: %s\n", shortID(arn), reason)
		if startFailure.MatchString(reason) {
			return fmt.Errorf("%w: task %s of deployment %s (%s) stopped: %s: fix the image or its access (ECR permissions, network path to the registry, secrets), then roll out again",
				ErrTasksFailing, shortID(arn), w.deploymentID, revisionOf(w.taskDef), reason)
		}
	}
	return nil
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
