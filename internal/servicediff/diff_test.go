package servicediff

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
)

func TestDiff(t *testing.T) {
	running := Service{Image: "r@sha256:1", CPU: "256", Memory: "512", TaskRole: "arn:task", ExecutionRole: "arn:exec",
		Env: map[string]string{"LOG_LEVEL": "info", "API_KEY": "key-one", "GONE": "x"}, Secrets: []string{"DB_URL"}, DesiredCount: 2, Scaling: &Bounds{Min: 1, Max: 4}}
	next := Service{Image: "r@sha256:2", CPU: "512", Memory: "512", TaskRole: "arn:task2", ExecutionRole: "arn:exec",
		Env: map[string]string{"LOG_LEVEL": "debug", "API_KEY": "key-two", "NEW": "y"}, Secrets: []string{"OTHER"}, DesiredCount: 2, Scaling: &Bounds{Min: 2, Max: 4}}
	want := []Change{
		{Field: "image", From: "r@sha256:1", To: "r@sha256:2"},
		{Field: "cpu", From: "256", To: "512"},
		{Field: "task role", From: "arn:task", To: "arn:task2"},
		{Field: "env API_KEY", From: hidden, To: hidden, Redacted: true},
		{Field: "env GONE", From: `"x"`},
		{Field: "env LOG_LEVEL", From: `"info"`, To: `"debug"`},
		{Field: "env NEW", To: `"y"`},
		{Field: "secret DB_URL", From: hidden, Redacted: true},
		{Field: "secret OTHER", To: hidden, Redacted: true},
		{Field: "autoscaling", From: "1..4", To: "2..4"},
	}
	got := Diff(running, next)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Diff (-want +got):\n%s", d)
	}
	for _, out := range []string{Text(got), Markdown(got)} {
		if strings.Contains(out, "key-one") || strings.Contains(out, "key-two") {
			t.Errorf("a secret-named variable's value is shown:\n%s", out)
		}
	}
	if d := cmp.Diff([]Change(nil), Diff(running, running)); d != "" {
		t.Errorf("Diff of a service with itself (-want +got):\n%s", d)
	}
}

func TestSensitive(t *testing.T) {
	for name, want := range map[string]bool{"API_KEY": true, "db_password": true, "MODEL_TOKEN": true, "SecretName": true, "LOG_LEVEL": false, "MONKEY": true} {
		if sensitive(name) != want {
			t.Errorf("sensitive(%q) = %v, want %v", name, !want, want)
		}
	}
}

func TestFromPlanAndNext(t *testing.T) {
	const raw = `{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[{"address":"module.ecs","resources":[
	 {"address":"module.ecs.aws_ecs_task_definition.this","mode":"managed","type":"aws_ecs_task_definition","name":"this","values":{
	  "family":"fam","cpu":"512","memory":"1024","execution_role_arn":"arn:exec",
	  "container_definitions":"[{\"name\":\"backend\",\"image\":\"bootstrap\",\"environment\":[{\"name\":\"A\",\"value\":\"1\"}],\"secrets\":[{\"name\":\"S\",\"valueFrom\":\"arn:s\"}]}]"}},
	 {"address":"module.ecs.aws_appautoscaling_target.this","mode":"managed","type":"aws_appautoscaling_target","name":"this","values":{"min_capacity":2,"max_capacity":3}}]}]}}}`
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	planned, err := FromPlan(&p, "backend")
	if err != nil {
		t.Fatal(err)
	}
	running := Service{Image: "r@sha256:1", DesiredCount: 1, Env: map[string]string{"APP_VERSION": "v1"}}
	got := Next(planned, running, "", "", 4)
	want := Service{TaskDefinition: "fam:next", Container: "backend", Image: "r@sha256:1", CPU: "512", Memory: "1024",
		TaskRole: knownAfterApply, ExecutionRole: "arn:exec", Env: map[string]string{"A": "1", "APP_VERSION": "v1"}, Secrets: []string{"S"},
		DesiredCount: 2, Scaling: &Bounds{Min: 2, Max: 3}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Next(FromPlan) (-want +got):\n%s", d)
	}
	if got := Next(planned, Service{}, "r@sha256:2", "v9", 4); got.DesiredCount != 3 || got.Image != "r@sha256:2" || got.Env["APP_VERSION"] != "v9" {
		t.Errorf("Next of a stopped service = count %d, image %s; want 3 (configured 4, capped), r@sha256:2, APP_VERSION v9", got.DesiredCount, got.Image)
	}
}
