package rollout

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/predictor/internal/rollout/timeline"
)

// The timeline's types and text form live in internal/rollout/timeline, which the
// deploy report reads without the AWS SDK.
type (
	Timeline = timeline.Timeline
	Phase    = timeline.Phase
	Settings = timeline.Settings
)

// Phase names, in order.
const (
	phaseRegister     = "register"
	phaseUpdate       = "update accepted"
	phasePending      = "first new task pending"
	phasePulled       = "pulled"
	phaseRunning      = "running"
	phaseHealthy      = "healthy"
	phaseOldStopped   = "old tasks stopped"
	phaseCompleted    = "completed"
	defaultStopTimout = 30 // seconds, ECS's default for a container without stopTimeout
)

// timeline reads the timeline of our completed deployment. Its two extra calls
// (ListTasks, DescribeTasks) are made once; an error leaves those phases out.
func (c *Client) timeline(ctx context.Context, w *watch, svc *types.Service) *Timeline {
	tl := &Timeline{Settings: Settings{HealthCheckGracePeriodSeconds: aws.ToInt32(svc.HealthCheckGracePeriodSeconds), StopTimeoutSeconds: w.stopTimeout}}
	if dc := svc.DeploymentConfiguration; dc != nil {
		tl.Settings.MinimumHealthyPercent = aws.ToInt32(dc.MinimumHealthyPercent)
		tl.Settings.MaximumPercent = aws.ToInt32(dc.MaximumPercent)
	}
	at := map[string]time.Time{phaseRegister: w.registeredAt, phaseUpdate: w.updatedAt, phaseHealthy: w.allRunningAt}
	if out, err := c.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(w.cluster), StartedBy: aws.String(w.deploymentID)}); err == nil && len(out.TaskArns) > 0 {
		arns := out.TaskArns[:min(len(out.TaskArns), 100)]
		if desc, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(w.cluster), Tasks: arns}); err == nil {
			for _, t := range desc.Tasks {
				earliest(at, phasePending, aws.ToTime(t.CreatedAt))
				latest(at, phasePulled, aws.ToTime(t.PullStoppedAt))
				latest(at, phaseRunning, aws.ToTime(t.StartedAt))
			}
		}
	}
	for _, e := range svc.Events {
		if strings.Contains(aws.ToString(e.Message), "has stopped") && aws.ToTime(e.CreatedAt).After(w.updatedAt) {
			latest(at, phaseOldStopped, aws.ToTime(e.CreatedAt))
		}
	}
	for _, d := range svc.Deployments {
		if aws.ToString(d.Id) == w.deploymentID {
			at[phaseCompleted] = aws.ToTime(d.UpdatedAt)
		}
	}
	if at[phaseCompleted].IsZero() || at[phaseCompleted].Before(w.updatedAt) {
		at[phaseCompleted] = c.now()
	}
	// healthy is seen by a poll, so it lags; ECS stops the old tasks only once the new
	// ones are healthy, so that stop (or the completion) caps it.
	for _, later := range []string{phaseOldStopped, phaseCompleted} {
		if h := at[phaseHealthy]; !h.IsZero() && !at[later].IsZero() && h.After(at[later]) {
			at[phaseHealthy] = at[later]
		}
	}
	prev := time.Time{}
	var longest Phase
	for _, name := range []string{phaseRegister, phaseUpdate, phasePending, phasePulled, phaseRunning, phaseHealthy, phaseOldStopped, phaseCompleted} {
		t := at[name]
		if t.IsZero() {
			continue
		}
		p := Phase{Name: name, At: t.UTC()}
		if !prev.IsZero() {
			p.Seconds = max(t.Sub(prev).Seconds(), 0)
		}
		if p.Seconds > longest.Seconds {
			longest = p
		}
		tl.Phases = append(tl.Phases, p)
		if t.After(prev) {
			prev = t
		}
	}
	tl.Hint = hint(longest, tl.Settings)
	return tl
}

func earliest(at map[string]time.Time, k string, t time.Time) {
	if !t.IsZero() && (at[k].IsZero() || t.Before(at[k])) {
		at[k] = t
	}
}

func latest(at map[string]time.Time, k string, t time.Time) {
	if !t.IsZero() && t.After(at[k]) {
		at[k] = t
	}
}

// hint names the setting that bounds the longest phase.
func hint(p Phase, s Settings) string {
	if p.Seconds < 1 {
		return ""
	}
	switch p.Name {
	case phasePulled:
		return fmt.Sprintf("the image pull took %.0fs: a smaller image, or the registry reached through a VPC endpoint, shortens it", p.Seconds)
	case phaseHealthy:
		if s.HealthCheckGracePeriodSeconds > 0 {
			return fmt.Sprintf("becoming healthy took %.0fs: the health check grace period (%ds) and the container health check's startPeriod and interval bound it", p.Seconds, s.HealthCheckGracePeriodSeconds)
		}
		return fmt.Sprintf("becoming healthy took %.0fs: the container health check's startPeriod, interval and retries bound it", p.Seconds)
	case phaseOldStopped, phaseCompleted:
		if s.StopTimeoutSeconds >= 60 {
			return fmt.Sprintf("stopping the old tasks took %.0fs: stopTimeout is %ds (SIGTERM to SIGKILL); an app that exits on SIGTERM ends it sooner", p.Seconds, s.StopTimeoutSeconds)
		}
	case phasePending, phaseRunning:
		if s.MaximumPercent > 0 && s.MaximumPercent <= 100 {
			return fmt.Sprintf("starting new tasks took %.0fs: maximumPercent %d means old tasks stop before new ones start", p.Seconds, s.MaximumPercent)
		}
	}
	return ""
}

// stopTimeoutOf is the container's stopTimeout in seconds (ECS's default when unset).
func stopTimeoutOf(td *types.TaskDefinition, container string) int32 {
	for _, c := range td.ContainerDefinitions {
		if container == "" || aws.ToString(c.Name) == container {
			if c.StopTimeout != nil {
				return *c.StopTimeout
			}
			return defaultStopTimout
		}
	}
	return defaultStopTimout
}
