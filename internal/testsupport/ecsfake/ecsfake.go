// Package ecsfake is an httptest server speaking the Amazon ECS JSON 1.1 protocol
// (POST /, X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>,
// Content-Type: application/x-amz-json-1.1, SigV4-signed), so tests drive it with the
// real aws-sdk-go-v2 ECS client, its serializers, error decoding and retryer.
//
// It models what a rollout watch depends on, per service, advanced one step by every
// DescribeServices call of that service (so a test controls time by polling):
//
//   - Deployments with status PRIMARY and ACTIVE: UpdateService with a new task
//     definition (or forceNewDeployment) adds a PRIMARY deployment with a new ID and
//     turns the previous PRIMARY into ACTIVE; ACTIVE deployments drain and are removed
//     when the new one completes. Changing only desiredCount updates the PRIMARY.
//   - rolloutState IN_PROGRESS -> COMPLETED after Scenario.Steps polls, with running,
//     pending and failed task counts moving on the way, the service's taskDefinition
//     following its PRIMARY deployment, and ECS-worded service events, newest first
//     ("(service s) has started 2 tasks: ...", "... deployment completed.", "... has
//     reached a steady state.").
//   - The deployment circuit breaker: tasks that exit, failedTasks growing to the
//     threshold (Scenario.FailThreshold, default 3), then rolloutState FAILED with
//     "ECS deployment circuit breaker: tasks failed to start." Without rollback the
//     FAILED deployment stays PRIMARY. With rollback (RollBack) ECS starts a new PRIMARY
//     deployment of the last COMPLETED task definition, logs "(service s) rolling back to
//     deployment ...", keeps the failed one as ACTIVE (or drops it at once with
//     RemoveFailed) until the rollback completes. A first deployment with nothing
//     COMPLETED to return to stays FAILED, as in ECS.
//   - Tasks that stop while starting, with ECS's stoppedReason, stopCode
//     TaskFailedToStart and container reason: CannotPullContainerError (PullError) or
//     ResourceInitializationError (ResourceInitError). Tasks carry startedBy = the
//     deployment ID and group service:<name>, as ECS sets them; ListTasks filters by
//     cluster, serviceName, startedBy, family and desiredStatus (default RUNNING).
//   - A deployment that never finishes (Hang): tasks stay PENDING, IN_PROGRESS forever.
//   - Throttling: the first Scenario.Throttle DescribeServices calls after an
//     UpdateService answer HTTP 400 ThrottlingException ("Rate exceeded").
//   - Deployments without rolloutState (OmitRolloutState), as some services report.
//   - Eventually consistent reads: the first Scenario.StaleReads DescribeServices calls
//     after an UpdateService show the service as it was before (one service per server).
//     An inconsistent read (HideDeployment): UpdateService returns the new deployment,
//     yet the next DescribeServices calls omit it while the rest of the service is
//     current (its taskDefinition, events, counts, a rollback the breaker started) and
//     the deployment that was PRIMARY before still shows as PRIMARY.
//   - Task definitions: RegisterTaskDefinition stores the request body verbatim (every
//     field, so a test can check a copy kept them all) and returns it with the ARN,
//     revision, status ACTIVE, compatibilities and registeredAt; DescribeTaskDefinition
//     by family, family:revision or ARN, with include TAGS; ListTaskDefinitions with
//     familyPrefix, status and sort; DeregisterTaskDefinition; TagResource on task
//     definitions (merging keys, as ECS does).
//   - Stop reasons filled in late (ReasonDelay): a stopping task shows lastStatus
//     DEPROVISIONING without reason or code for some polls. A circuit-breaker rollback
//     that starts some polls after FAILED (RollbackDelay). moto's behaviour of keeping
//     the old deployment record on UpdateService (KeepOldDeployment).
//   - Deployments in time (Duration; the wall clock unless SetClock), for benchmarks: tasks start over 80% of the
//     duration, COMPLETED at exactly created+Duration (CompletedAt). Running tasks carry
//     pullStartedAt, pullStoppedAt, startedAt and healthStatus HEALTHY.
//
// It does not model: clusters as resources (any cluster name is accepted), CreateService
// and DeleteService over the wire (tests call AddService), capacity providers,
// placement, networking, load balancers and health checks, minimumHealthyPercent /
// maximumPercent pacing, the breaker's 0.5 x desired count threshold (a fixed
// threshold instead), task retries' backoff, pagination (every list fits one page),
// ECS validation of task definition fields, SigV4 signature verification (only its
// presence is checked), and any other operation (UnknownOperationException).
package ecsfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Behavior is what the next deployments do.
type Behavior int

// Behaviors.
const (
	// Complete: tasks start and run; the deployment completes after Steps polls.
	Complete Behavior = iota
	// Fail: tasks exit until the circuit breaker marks the deployment FAILED; no
	// rollback, the deployment stays PRIMARY.
	Fail
	// RollBack: as Fail, then the circuit breaker rolls back to the last COMPLETED
	// deployment's task definition.
	RollBack
	// PullError: tasks stop with CannotPullContainerError (then the breaker rolls back).
	PullError
	// ResourceInitError: tasks stop with ResourceInitializationError (then the breaker
	// rolls back).
	ResourceInitError
	// Hang: tasks stay PENDING and the deployment never finishes.
	Hang
)

// Scenario configures the server's behaviour for deployments started after it is set.
type Scenario struct {
	Behavior Behavior
	// Steps is how many DescribeServices polls a deployment (or a rollback) takes to
	// complete (default 3).
	Steps int
	// FailThreshold is the breaker's failed-task threshold (default 3).
	FailThreshold int
	// Throttle: that many DescribeServices calls after each UpdateService are throttled.
	Throttle int
	// RemoveFailed: on rollback, drop the failed deployment at once instead of keeping
	// it ACTIVE.
	RemoveFailed bool
	// OmitRolloutState leaves rolloutState and rolloutStateReason out of deployments.
	OmitRolloutState bool
	// StaleReads: that many DescribeServices calls after each UpdateService return the
	// service as it was before the update (ECS reads are eventually consistent).
	StaleReads int
	// ReasonDelay: a task that stops shows desiredStatus STOPPED (lastStatus
	// DEPROVISIONING, no stop reason or code) for that many DescribeServices polls
	// before its stop reason is filled in, as ECS does while it tears a task down.
	ReasonDelay int
	// RollbackDelay: the circuit breaker's rollback starts that many polls after the
	// deployment turned FAILED (it stays FAILED and PRIMARY meanwhile).
	RollbackDelay int
	// HideDeployment: that many DescribeServices calls after an UpdateService that
	// started a deployment omit that deployment (it keeps advancing unseen, so the
	// circuit breaker may fail it and roll back meanwhile); the deployment that was
	// PRIMARY before the update is shown as PRIMARY in its place.
	HideDeployment int
	// HideInUpdate: UpdateService's response is such a read too (it omits the
	// deployment it started), as a proxy or an emulator may answer; ECS returns it.
	HideInUpdate bool
	// KeepOldDeployment mimics stock moto (without the launcher in internal/emulator): UpdateService changes the service's
	// taskDefinition but keeps its old COMPLETED deployment record (same ID, old task
	// definition). Real ECS never does this.
	KeepOldDeployment bool
	// Duration switches deployments of the Complete behaviour to wall-clock time: new
	// tasks start over the first 80% of Duration (all RUNNING at 80%), old tasks drain
	// over the rest, and the deployment turns COMPLETED at exactly created+Duration
	// (see CompletedAt). Steps is ignored then.
	Duration time.Duration
}

// Target prefix of every operation.
const targetPrefix = "AmazonEC2ContainerServiceV20141113."

// The account and region used in ARNs.
const (
	arnAccount = "123456789012"
	arnRegion  = "us-east-1"
)

// Server is a running fake.
type Server struct {
	// URL is the endpoint to pass as the SDK's BaseEndpoint.
	URL string
	srv *httptest.Server

	mu        sync.Mutex
	sc        Scenario
	taskDefs  map[string][]*taskDef // by family, index revision-1
	services  map[string]*service   // by cluster/name
	tasks     []*task
	calls     map[string]int
	throttled int
	pending   int // throttled responses still to send
	stale     int // stale reads still to serve
	// hide reads still to serve without deployment hidden (HideDeployment), showing
	// hiddenPrev (the PRIMARY before the update) as PRIMARY.
	hide               int
	hidden, hiddenPrev string
	before             map[string]any
	seq                int
	polls              int // DescribeServices calls answered (the fake's clock in step mode)
	// reasonShown is the poll at which the first stopped task's reason became visible.
	reasonShown int
	completedAt map[string]time.Time // by deployment ID
	// clock stamps times (registeredAt, createdAt, updatedAt, events); time.Now unless
	// SetClock shares a test's clock.
	clock func() time.Time
}

type taskDef struct {
	family   string
	revision int
	body     map[string]any
	tags     any
	status   string
	at       time.Time
}

func (td *taskDef) arn() string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%d", arnRegion, arnAccount, td.family, td.revision)
}

type deployment struct {
	id, status, taskDef    string
	rollout, reason        string
	desired, running       int
	pending, failed        int
	created, updated       time.Time
	behavior               Behavior
	step                   int
	completedOnce, started bool
	rollbackAt             int // poll at which a delayed circuit-breaker rollback starts
}

type event struct {
	id      string
	at      time.Time
	message string
}

type service struct {
	cluster, name string
	desired       int
	taskDef       string
	deployments   []*deployment
	events        []event // newest first
	rollback      bool
	lastCompleted string
}

func (s *service) arn() string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", arnRegion, arnAccount, s.cluster, s.name)
}

type task struct {
	arn, cluster, taskDef, startedBy, group, container string
	lastStatus, desiredStatus, stoppedReason, stopCode string
	exitCode                                           *int
	created                                            time.Time
	// started is when the task turned RUNNING (pull and start times derive from it).
	started time.Time
	// reasonAt is the poll from which the stop reason is visible (ReasonDelay).
	reasonAt int
}

// New starts a fake with scenario sc; it is closed when the test ends.
func New(tb testing.TB, sc Scenario) *Server {
	tb.Helper()
	s := &Server{
		sc:          sc,
		taskDefs:    map[string][]*taskDef{},
		services:    map[string]*service{},
		calls:       map[string]int{},
		completedAt: map[string]time.Time{},
		clock:       time.Now,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// SetClock makes the server stamp times with now, the clock the client under test
// runs on, so both agree on when things happened. Call it before AddService.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

func (s *Server) now() time.Time { return s.clock() }

// SetScenario replaces the scenario for deployments started from now on.
func (s *Server) SetScenario(sc Scenario) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sc = sc
}

// Calls is how many requests of operation op arrived (throttled ones included).
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Throttled is how many requests were answered with ThrottlingException.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// CompletedAt is when deployment id turned COMPLETED (zero if it has not). In Duration
// mode that is the scheduled time created+Duration, whenever a poll noticed it.
func (s *Server) CompletedAt(id string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.completedAt[id]
}

// Polls is how many DescribeServices calls were answered (throttled ones not counted).
func (s *Server) Polls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls
}

// ReasonShownAt is the DescribeServices poll (1-based count) at which a stopped task's
// stop reason first became visible (0 if none has).
func (s *Server) ReasonShownAt() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reasonShown
}

// TaskDefinitionTags returns the tags of a registered revision as key=value.
func (s *Server) TaskDefinitionTags(family string, revision int) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if revision < 1 || revision > len(s.taskDefs[family]) {
		return nil
	}
	return tagMap(s.taskDefs[family][revision-1].tags)
}

// TaskDefinitionStatus returns ACTIVE or INACTIVE for a registered revision.
func (s *Server) TaskDefinitionStatus(family string, revision int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if revision < 1 || revision > len(s.taskDefs[family]) {
		return ""
	}
	return s.taskDefs[family][revision-1].status
}

// Register stores a task definition as RegisterTaskDefinition would (for tests that
// stand in for Terraform registering a new revision) and returns its ARN.
func (s *Server) Register(body map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.register(normalize(body)).arn()
}

func tagMap(v any) map[string]string {
	out := map[string]string{}
	l, _ := v.([]any)
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out[str(m, "key")] = str(m, "value")
		}
	}
	return out
}

// ServiceSpec describes a service AddService creates.
type ServiceSpec struct {
	Cluster, Name string
	// DesiredCount of the service (its first deployment is COMPLETED with that many
	// running tasks).
	DesiredCount int
	// TaskDefinition is a RegisterTaskDefinition request body (family,
	// containerDefinitions, cpu, ...); it becomes revision 1 (or the next revision).
	TaskDefinition map[string]any
	// NoRollback disables the circuit breaker's rollback option.
	NoRollback bool
}

// AddService registers spec's task definition and creates the service with one
// COMPLETED PRIMARY deployment of it. It returns the task definition's ARN.
func (s *Server) AddService(spec ServiceSpec) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	td := s.register(normalize(spec.TaskDefinition))
	now := s.now()
	d := &deployment{id: s.newID("ecs-svc/"), status: "PRIMARY", taskDef: td.arn(), rollout: "COMPLETED",
		desired: spec.DesiredCount, running: spec.DesiredCount, created: now, updated: now, started: true, completedOnce: true}
	d.reason = "ECS deployment " + d.id + " completed."
	svc := &service{cluster: spec.Cluster, name: spec.Name, desired: spec.DesiredCount, taskDef: td.arn(),
		deployments: []*deployment{d}, rollback: !spec.NoRollback, lastCompleted: td.arn()}
	svc.event(s, "(service %s) has reached a steady state.", svc.name)
	s.services[spec.Cluster+"/"+spec.Name] = svc
	for range spec.DesiredCount {
		s.startTask(svc, d, "RUNNING")
	}
	return td.arn()
}

// TaskDefinition returns the stored body of a registered revision (nil if unknown).
func (s *Server) TaskDefinition(family string, revision int) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if revision < 1 || revision > len(s.taskDefs[family]) {
		return nil
	}
	return clone(s.taskDefs[family][revision-1].body)
}

// ServiceTaskDefinition returns the task definition ARN the service is on.
func (s *Server) ServiceTaskDefinition(cluster, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if svc := s.services[cluster+"/"+name]; svc != nil {
		return svc.taskDef
	}
	return ""
}

// normalize turns a Go literal into decoded JSON (maps, []any, json.Number).
func normalize(v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic("ecsfake: task definition is not JSON: " + err.Error())
	}
	out := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%012d", prefix, s.seq)
}

func (svc *service) event(s *Server, format string, args ...any) {
	e := event{id: s.newID("evt-"), at: s.now(), message: fmt.Sprintf(format, args...)}
	svc.events = append([]event{e}, svc.events...)
	if len(svc.events) > 100 {
		svc.events = svc.events[:100]
	}
}

// --- protocol --------------------------------------------------------------------

type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func clientErr(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ClientException", msg: fmt.Sprintf(format, args...)}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, targetPrefix)
	var (
		out any
		err *apiError
	)
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.Method != http.MethodPost || !ok:
		err = &apiError{http.StatusBadRequest, "UnknownOperationException", "unknown target " + target}
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-1.1"):
		err = &apiError{http.StatusBadRequest, "SerializationException", "content type must be application/x-amz-json-1.1"}
	case !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 "):
		err = &apiError{http.StatusBadRequest, "MissingAuthenticationTokenException", "missing SigV4 authorization"}
	default:
		in := map[string]any{}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if len(bytes.TrimSpace(body)) > 0 {
			if e := dec.Decode(&in); e != nil {
				err = &apiError{http.StatusBadRequest, "SerializationException", e.Error()}
				break
			}
		}
		out, err = s.dispatch(op, in)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", fmt.Sprintf("fake-%d", time.Now().UnixNano()))
	if err != nil {
		w.Header().Set("X-Amzn-ErrorType", err.code)
		w.WriteHeader(err.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": err.code, "message": err.msg})
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) dispatch(op string, in map[string]any) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
	switch op {
	case "DescribeServices":
		if s.pending > 0 {
			s.pending--
			s.throttled++
			return nil, &apiError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"}
		}
		s.polls++
		if s.stale > 0 && s.before != nil {
			s.stale--
			return map[string]any{"services": []any{s.before}, "failures": []any{}}, nil
		}
		return s.describeServices(in)
	case "TagResource":
		arn := str(in, "resourceArn")
		if !strings.Contains(arn, ":task-definition/") {
			return nil, &apiError{http.StatusBadRequest, "InvalidParameterException", "ecsfake tags task definitions only"}
		}
		td, err := s.lookupTaskDef(arn)
		if err != nil {
			return nil, err
		}
		merged := tagMap(td.tags)
		for _, e := range in["tags"].([]any) {
			m := e.(map[string]any)
			merged[str(m, "key")] = str(m, "value")
		}
		var tags []any
		for _, k := range slices.Sorted(maps.Keys(merged)) {
			tags = append(tags, map[string]any{"key": k, "value": merged[k]})
		}
		td.tags = tags
		return map[string]any{}, nil
	case "UpdateService":
		return s.updateService(in)
	case "RegisterTaskDefinition":
		if str(in, "family") == "" || in["containerDefinitions"] == nil {
			return nil, clientErr("Family and containerDefinitions are required.")
		}
		tags := in["tags"]
		td := s.register(in)
		return map[string]any{"taskDefinition": td.render(), "tags": orEmpty(tags)}, nil
	case "DescribeTaskDefinition":
		td, err := s.lookupTaskDef(str(in, "taskDefinition"))
		if err != nil {
			return nil, err
		}
		out := map[string]any{"taskDefinition": td.render()}
		if slices.Contains(strs(in, "include"), "TAGS") {
			out["tags"] = orEmpty(td.tags)
		}
		return out, nil
	case "DeregisterTaskDefinition":
		td, err := s.lookupTaskDef(str(in, "taskDefinition"))
		if err != nil {
			return nil, err
		}
		td.status = "INACTIVE"
		return map[string]any{"taskDefinition": td.render()}, nil
	case "ListTaskDefinitions":
		return s.listTaskDefinitions(in), nil
	case "ListTasks":
		return s.listTasks(in), nil
	case "DescribeTasks":
		return s.describeTasks(in), nil
	}
	return nil, &apiError{http.StatusBadRequest, "UnknownOperationException", "ecsfake does not model " + op}
}

func (s *Server) register(body map[string]any) *taskDef {
	family := str(body, "family")
	tags := body["tags"]
	delete(body, "tags")
	td := &taskDef{family: family, revision: len(s.taskDefs[family]) + 1, body: body, tags: tags, status: "ACTIVE", at: s.now()}
	s.taskDefs[family] = append(s.taskDefs[family], td)
	return td
}

func (td *taskDef) render() map[string]any {
	out := clone(td.body)
	out["taskDefinitionArn"] = td.arn()
	out["family"] = td.family
	out["revision"] = td.revision
	out["status"] = td.status
	out["registeredAt"] = epoch(td.at)
	if _, ok := out["requiresCompatibilities"]; ok {
		out["compatibilities"] = []string{"EC2", "FARGATE"}
	}
	return out
}

func (s *Server) lookupTaskDef(ref string) (*taskDef, *apiError) {
	name := ref
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	family, rev, hasRev := strings.Cut(name, ":")
	tds := s.taskDefs[family]
	if hasRev {
		n, err := strconv.Atoi(rev)
		if err == nil && n >= 1 && n <= len(tds) {
			return tds[n-1], nil
		}
	} else {
		for i := len(tds) - 1; i >= 0; i-- {
			if tds[i].status == "ACTIVE" {
				return tds[i], nil
			}
		}
	}
	return nil, clientErr("Unable to describe task definition.")
}

func (s *Server) listTaskDefinitions(in map[string]any) map[string]any {
	prefix, status := str(in, "familyPrefix"), str(in, "status")
	if status == "" {
		status = "ACTIVE"
	}
	var all []*taskDef
	for _, f := range slices.Sorted(maps.Keys(s.taskDefs)) {
		if strings.HasPrefix(f, prefix) {
			for _, td := range s.taskDefs[f] {
				if td.status == status {
					all = append(all, td)
				}
			}
		}
	}
	if str(in, "sort") == "DESC" {
		slices.Reverse(all)
	}
	arns := []string{}
	for _, td := range all {
		arns = append(arns, td.arn())
	}
	return map[string]any{"taskDefinitionArns": arns}
}

func (s *Server) findService(cluster, name string) *service {
	if i := strings.LastIndex(cluster, "/"); i >= 0 {
		cluster = cluster[i+1:]
	}
	if cluster == "" {
		cluster = "default"
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return s.services[cluster+"/"+name]
}

func (s *Server) describeServices(in map[string]any) (any, *apiError) {
	services, failures := []any{}, []any{}
	for _, name := range strs(in, "services") {
		svc := s.findService(str(in, "cluster"), name)
		if svc == nil {
			failures = append(failures, map[string]any{"arn": fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s", arnRegion, arnAccount, name), "reason": "MISSING"})
			continue
		}
		s.advance(svc)
		out := s.renderService(svc)
		if s.hide > 0 {
			s.hide--
			out = hideDeployment(out, s.hidden, s.hiddenPrev)
		}
		services = append(services, out)
	}
	return map[string]any{"services": services, "failures": failures}, nil
}

// hideDeployment is the rendered service m as an inconsistent read shows it: without
// deployment id, and with prev, the deployment PRIMARY before id started, as PRIMARY
// again if id still is (after a rollback another deployment is PRIMARY: left as is).
func hideDeployment(m map[string]any, id, prev string) map[string]any {
	kept := []any{}
	hidPrimary := false
	for _, d := range m["deployments"].([]any) {
		dm := d.(map[string]any)
		if dm["id"] == id {
			hidPrimary = dm["status"] == "PRIMARY"
			continue
		}
		kept = append(kept, dm)
	}
	for _, d := range kept {
		if dm := d.(map[string]any); hidPrimary && dm["id"] == prev {
			dm["status"] = "PRIMARY"
		}
	}
	m["deployments"] = kept
	return m
}

func (s *Server) updateService(in map[string]any) (any, *apiError) {
	svc := s.findService(str(in, "cluster"), str(in, "service"))
	if svc == nil {
		return nil, &apiError{http.StatusBadRequest, "ServiceNotFoundException", "Service not found."}
	}
	s.before, s.stale = s.renderService(svc), s.sc.StaleReads
	if n, ok := in["desiredCount"].(json.Number); ok {
		v, _ := n.Int64()
		svc.desired = int(v)
	}
	newTD := svc.taskDef
	if ref := str(in, "taskDefinition"); ref != "" {
		td, err := s.lookupTaskDef(ref)
		if err != nil {
			return nil, clientErr("TaskDefinition not found.")
		}
		if td.status != "ACTIVE" {
			return nil, clientErr("TaskDefinition is inactive")
		}
		newTD = td.arn()
	}
	force, _ := in["forceNewDeployment"].(bool)
	switch p := svc.primary(); {
	case s.sc.KeepOldDeployment && newTD != svc.taskDef:
		// moto: only the service's taskDefinition moves; the record stays as it was.
		svc.taskDef = newTD
		if p != nil {
			p.desired = svc.desired
			s.scale(svc, p)
		}
	case newTD != svc.taskDef || force:
		s.startDeployment(svc, newTD)
	case p != nil:
		p.desired = svc.desired
		if p.rollout == "COMPLETED" {
			s.scale(svc, p)
		}
	}
	out := s.renderService(svc)
	if s.sc.HideInUpdate && s.hide > 0 {
		out = hideDeployment(out, s.hidden, s.hiddenPrev)
	}
	return map[string]any{"service": out}, nil
}

// startDeployment makes a new PRIMARY deployment of taskDef, the previous one ACTIVE,
// as ECS does on a rolling update.
func (s *Server) startDeployment(svc *service, taskDef string) {
	now := s.now()
	s.hiddenPrev = ""
	for _, d := range svc.deployments {
		if d.status == "PRIMARY" {
			d.status = "ACTIVE"
			d.updated = now
			s.hiddenPrev = d.id
		}
	}
	d := &deployment{id: s.newID("ecs-svc/"), status: "PRIMARY", taskDef: taskDef, rollout: "IN_PROGRESS",
		desired: svc.desired, pending: 0, created: now, updated: now, behavior: s.sc.Behavior}
	d.reason = "ECS deployment " + d.id + " in progress."
	svc.deployments = append([]*deployment{d}, svc.deployments...)
	svc.taskDef = taskDef
	s.pending = s.sc.Throttle
	s.hide, s.hidden = s.sc.HideDeployment, d.id
}

func (svc *service) primary() *deployment {
	for _, d := range svc.deployments {
		if d.status == "PRIMARY" {
			return d
		}
	}
	return nil
}

// scale adjusts a completed deployment's tasks to its desired count at once.
func (s *Server) scale(svc *service, d *deployment) {
	for d.running < d.desired {
		s.startTask(svc, d, "RUNNING")
		d.running++
	}
	for d.running > d.desired {
		s.stopTasks(d, 1, "Scaling activity initiated by (deployment "+d.id+")", "ServiceSchedulerInitiated")
		d.running--
	}
}
