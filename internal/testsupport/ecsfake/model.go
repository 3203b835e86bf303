package ecsfake

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// advance moves every unfinished deployment of svc one step (one DescribeServices call).
func (s *Server) advance(svc *service) {
	steps := max(s.sc.Steps, 1)
	if s.sc.Steps == 0 {
		steps = 3
	}
	threshold := s.sc.FailThreshold
	if threshold <= 0 {
		threshold = 3
	}
	for _, d := range slices.Clone(svc.deployments) {
		if d.rollout == "FAILED" && d.rollbackAt > 0 && s.polls >= d.rollbackAt {
			d.rollbackAt = 0
			s.rollBack(svc, d)
			continue
		}
		if d.rollout != "IN_PROGRESS" {
			continue
		}
		d.step++
		d.updated = s.now()
		switch d.behavior {
		case Complete:
			if s.sc.Duration > 0 {
				s.advanceInTime(svc, d)
				continue
			}
			if !d.started {
				s.startBatch(svc, d, d.desired)
			}
			if d.step >= steps || d.desired == 0 {
				s.complete(svc, d)
				continue
			}
			d.running = d.desired * d.step / steps
			d.pending = d.desired - d.running
			s.markRunning(d, d.running)
		case Fail, RollBack:
			t := s.startTask(svc, d, "PENDING")
			svc.event(s, "(service %s) has started 1 tasks: (task %s).", svc.name, taskID(t.arn))
			s.stopTask(t, "Essential container in task exited", "EssentialContainerExited", "", 1)
			d.failed++
			if d.failed >= threshold {
				s.trip(svc, d)
			}
		case PullError, ResourceInitError:
			if !d.started || d.pending == 0 {
				s.startBatch(svc, d, max(d.desired, 1))
				continue
			}
			reason, containerReason := s.startFailure(d)
			n := 0
			for _, t := range s.tasks {
				if t.startedBy == d.id && t.lastStatus != "STOPPED" {
					s.stopTask(t, reason, "TaskFailedToStart", containerReason, -1)
					n++
				}
			}
			d.failed += n
			d.pending = 0
			if d.failed >= threshold {
				s.trip(svc, d)
			}
		case Hang:
			if !d.started {
				s.startBatch(svc, d, d.desired)
			}
		}
	}
}

func (s *Server) startBatch(svc *service, d *deployment, n int) {
	d.started = true
	if n == 0 {
		return
	}
	var ids []string
	for range n {
		t := s.startTask(svc, d, "PENDING")
		ids = append(ids, "(task "+taskID(t.arn)+")")
	}
	d.pending = n
	svc.event(s, "(service %s) has started %d tasks: %s.", svc.name, n, strings.Join(ids, " "))
}

func (s *Server) startFailure(d *deployment) (reason, containerReason string) {
	image := "unknown"
	if td, err := s.lookupTaskDef(d.taskDef); err == nil {
		if cs, ok := td.body["containerDefinitions"].([]any); ok && len(cs) > 0 {
			if c, ok := cs[0].(map[string]any); ok {
				image = str(c, "image")
			}
		}
	}
	if d.behavior == PullError {
		r := fmt.Sprintf("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref %s: %s: not found", image, image)
		return r, r
	}
	return "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.1.23:443: i/o timeout. Please check your task network configuration.", ""
}

// advanceInTime moves d by the wall clock (Scenario.Duration): new tasks start over the
// first 80% of the duration, old ones drain over the rest, COMPLETED at 100%.
func (s *Server) advanceInTime(svc *service, d *deployment) {
	elapsed := s.now().Sub(d.created)
	if elapsed >= s.sc.Duration {
		s.complete(svc, d)
		s.completedAt[d.id] = d.created.Add(s.sc.Duration)
		return
	}
	if !d.started {
		s.startBatch(svc, d, d.desired)
	}
	ramp := s.sc.Duration * 8 / 10
	d.running = min(d.desired, int(int64(d.desired)*int64(elapsed)/int64(ramp)))
	d.pending = d.desired - d.running
	s.markRunning(d, d.running)
}

// complete finishes d: its tasks run, older deployments drain and disappear.
func (s *Server) complete(svc *service, d *deployment) {
	s.markRunning(d, d.desired)
	d.running, d.pending = d.desired, 0
	d.rollout = "COMPLETED"
	d.reason = "ECS deployment " + d.id + " completed."
	var keep []*deployment
	stopped := 0
	for _, o := range svc.deployments {
		if o == d {
			keep = append(keep, o)
			continue
		}
		for _, t := range s.tasks {
			if t.startedBy == o.id && t.lastStatus != "STOPPED" {
				s.stopTask(t, "Scaling activity initiated by (deployment "+d.id+")", "ServiceSchedulerInitiated", "", 0)
				stopped++
			}
		}
	}
	svc.deployments = keep
	if stopped > 0 {
		svc.event(s, "(service %s) has stopped %d running tasks.", svc.name, stopped)
	}
	svc.event(s, "(service %s) (deployment %s) deployment completed.", svc.name, d.id)
	svc.event(s, "(service %s) has reached a steady state.", svc.name)
	svc.lastCompleted = d.taskDef
	if _, ok := s.completedAt[d.id]; !ok {
		s.completedAt[d.id] = s.now()
	}
}

// trip is the circuit breaker: d fails, and with rollback the last COMPLETED task
// definition gets a new PRIMARY deployment.
func (s *Server) trip(svc *service, d *deployment) {
	d.rollout = "FAILED"
	d.reason = "ECS deployment circuit breaker: tasks failed to start."
	d.pending = 0
	svc.event(s, "(service %s) (deployment %s) deployment failed: tasks failed to start.", svc.name, d.id)
	if d.behavior == Fail || !svc.rollback || svc.lastCompleted == "" || svc.lastCompleted == d.taskDef || d.status != "PRIMARY" {
		return
	}
	if s.sc.RollbackDelay > 0 {
		d.rollbackAt = s.polls + s.sc.RollbackDelay
		return
	}
	s.rollBack(svc, d)
}

// rollBack starts the circuit breaker's rollback of the FAILED deployment d.
func (s *Server) rollBack(svc *service, d *deployment) {
	now := s.now()
	r := &deployment{id: s.newID("ecs-svc/"), status: "PRIMARY", taskDef: svc.lastCompleted, rollout: "IN_PROGRESS",
		desired: svc.desired, created: now, updated: now, behavior: Complete}
	r.reason = "ECS deployment " + r.id + " in progress."
	svc.event(s, "(service %s) rolling back to deployment %s.", svc.name, r.id)
	d.status = "ACTIVE"
	var keep []*deployment
	for _, o := range svc.deployments {
		if o == d && s.sc.RemoveFailed {
			continue
		}
		keep = append(keep, o)
	}
	svc.deployments = append([]*deployment{r}, keep...)
	svc.taskDef = r.taskDef
}

func (s *Server) startTask(svc *service, d *deployment, status string) *task {
	container := ""
	if td, err := s.lookupTaskDef(d.taskDef); err == nil {
		if cs, ok := td.body["containerDefinitions"].([]any); ok && len(cs) > 0 {
			if c, ok := cs[0].(map[string]any); ok {
				container = str(c, "name")
			}
		}
	}
	t := &task{
		arn:     fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/%s", arnRegion, arnAccount, svc.cluster, strings.TrimPrefix(s.newID("t"), "t")),
		cluster: svc.cluster, taskDef: d.taskDef, startedBy: d.id, group: "service:" + svc.name, container: container,
		lastStatus: status, desiredStatus: "RUNNING", created: s.now(),
	}
	if status == "RUNNING" {
		t.started = t.created
	}
	s.tasks = append(s.tasks, t)
	return t
}

func (s *Server) markRunning(d *deployment, n int) {
	for _, t := range s.tasks {
		if t.startedBy == d.id && t.lastStatus != "STOPPED" {
			if n > 0 {
				if t.lastStatus != "RUNNING" {
					t.started = s.now()
				}
				t.lastStatus = "RUNNING"
				n--
			} else {
				t.lastStatus = "PENDING"
			}
		}
	}
}

func (s *Server) stopTask(t *task, reason, code, containerReason string, exit int) {
	t.lastStatus, t.desiredStatus = "STOPPED", "STOPPED"
	t.reasonAt = s.polls + s.sc.ReasonDelay
	if s.reasonShown == 0 {
		s.reasonShown = t.reasonAt
	}
	t.stoppedReason, t.stopCode = reason, code
	if containerReason != "" {
		t.container += "\x00" + containerReason
	}
	if exit >= 0 {
		t.exitCode = &exit
	}
}

func (s *Server) stopTasks(d *deployment, n int, reason, code string) {
	for _, t := range s.tasks {
		if n == 0 {
			return
		}
		if t.startedBy == d.id && t.lastStatus != "STOPPED" {
			s.stopTask(t, reason, code, "", -1)
			n--
		}
	}
}

func (s *Server) listTasks(in map[string]any) map[string]any {
	cluster := str(in, "cluster")
	if i := strings.LastIndex(cluster, "/"); i >= 0 {
		cluster = cluster[i+1:]
	}
	if cluster == "" {
		cluster = "default"
	}
	want := str(in, "desiredStatus")
	if want == "" {
		want = "RUNNING"
	}
	arns := []string{}
	for _, t := range s.tasks {
		if t.cluster != cluster || t.desiredStatus != want {
			continue
		}
		if v := str(in, "serviceName"); v != "" && t.group != "service:"+v {
			continue
		}
		if v := str(in, "startedBy"); v != "" && t.startedBy != v {
			continue
		}
		if v := str(in, "family"); v != "" && !strings.Contains(t.taskDef, "/"+v+":") {
			continue
		}
		arns = append(arns, t.arn)
	}
	return map[string]any{"taskArns": arns}
}

func (s *Server) describeTasks(in map[string]any) map[string]any {
	tasks, failures := []any{}, []any{}
	for _, ref := range strs(in, "tasks") {
		var found *task
		for _, t := range s.tasks {
			if t.arn == ref || strings.HasSuffix(t.arn, "/"+ref) {
				found = t
			}
		}
		if found == nil {
			failures = append(failures, map[string]any{"arn": ref, "reason": "MISSING"})
			continue
		}
		tasks = append(tasks, s.renderTask(found))
	}
	return map[string]any{"tasks": tasks, "failures": failures}
}

func (s *Server) renderTask(t *task) map[string]any {
	out := t.render()
	if t.lastStatus != "STOPPED" {
		return out
	}
	if s.polls < t.reasonAt {
		// Being torn down: ECS shows desiredStatus STOPPED before the reason.
		out["lastStatus"] = "DEPROVISIONING"
		delete(out, "stoppedReason")
		delete(out, "stopCode")
		for _, c := range out["containers"].([]any) {
			delete(c.(map[string]any), "reason")
			delete(c.(map[string]any), "exitCode")
		}
		return out
	}
	return out
}

func (t *task) render() map[string]any {
	name, reason, _ := strings.Cut(t.container, "\x00")
	c := map[string]any{"name": name, "lastStatus": t.lastStatus, "taskArn": t.arn}
	if reason != "" {
		c["reason"] = reason
	}
	if t.exitCode != nil {
		c["exitCode"] = *t.exitCode
	}
	out := map[string]any{
		"taskArn": t.arn, "clusterArn": fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", arnRegion, arnAccount, t.cluster),
		"taskDefinitionArn": t.taskDef, "startedBy": t.startedBy, "group": t.group,
		"lastStatus": t.lastStatus, "desiredStatus": t.desiredStatus, "createdAt": epoch(t.created),
		"launchType": "FARGATE", "containers": []any{c},
	}
	if !t.started.IsZero() {
		// Pull and start times relative to RUNNING, as a Fargate task reports them.
		out["pullStartedAt"] = epoch(t.created.Add(t.started.Sub(t.created) / 4))
		out["pullStoppedAt"] = epoch(t.created.Add(t.started.Sub(t.created) * 3 / 4))
		out["startedAt"] = epoch(t.started)
		out["healthStatus"] = "HEALTHY"
	}
	if t.stoppedReason != "" {
		out["stoppedReason"] = t.stoppedReason
		out["stopCode"] = t.stopCode
	}
	return out
}

func (s *Server) renderService(svc *service) map[string]any {
	running, pending := 0, 0
	deps := []any{}
	for _, d := range svc.deployments {
		running += d.running
		pending += d.pending
		m := map[string]any{
			"id": d.id, "status": d.status, "taskDefinition": d.taskDef,
			"desiredCount": d.desired, "runningCount": d.running, "pendingCount": d.pending, "failedTasks": d.failed,
			"createdAt": epoch(d.created), "updatedAt": epoch(d.updated), "launchType": "FARGATE",
		}
		if !s.sc.OmitRolloutState {
			m["rolloutState"] = d.rollout
			m["rolloutStateReason"] = d.reason
		}
		deps = append(deps, m)
	}
	events := []any{}
	for _, e := range svc.events {
		events = append(events, map[string]any{"id": e.id, "createdAt": epoch(e.at), "message": e.message})
	}
	return map[string]any{
		"serviceName": svc.name, "serviceArn": svc.arn(),
		"clusterArn":   fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", arnRegion, arnAccount, svc.cluster),
		"status":       "ACTIVE",
		"desiredCount": svc.desired, "runningCount": running, "pendingCount": pending,
		"taskDefinition": svc.taskDef, "launchType": "FARGATE",
		"deploymentController": map[string]any{"type": "ECS"},
		"deploymentConfiguration": map[string]any{
			"deploymentCircuitBreaker": map[string]any{"enable": true, "rollback": svc.rollback},
			"maximumPercent":           200, "minimumHealthyPercent": 100,
		},
		"deployments": deps, "events": events,
	}
}

func taskID(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func strs(m map[string]any, k string) []string {
	var out []string
	l, _ := m[k].([]any)
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

// clone deep-copies decoded JSON.
func clone(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return cloneValue(m).(map[string]any)
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}
