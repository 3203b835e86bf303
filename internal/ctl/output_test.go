package ctl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOutputs(t *testing.T) {
	tests := map[string]struct {
		raw  string
		want map[string]string
	}{
		"plain": {
			raw:  `{"ecs_cluster_name":"c","ecs_desired_count":1,"backend_environment_variables":{"APP_ENV":"dev"}}`,
			want: map[string]string{"ecs_cluster_name": "c", "ecs_desired_count": "1", "backend_environment_variables": `{"APP_ENV":"dev"}`},
		},
		"terraform shape": {
			raw:  `{"ecs_cluster_name":{"sensitive":false,"type":"string","value":"c"},"ecs_desired_count":{"value":2}}`,
			want: map[string]string{"ecs_cluster_name": "c", "ecs_desired_count": "2"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseOutputs(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("ParseOutputs (-want +got):\n%s", d)
			}
		})
	}
	if _, err := ParseOutputs("nope"); err == nil {
		t.Error("ParseOutputs accepted text")
	}
}

func TestServiceFromOutputs(t *testing.T) {
	got, err := ServiceFromOutputs(map[string]string{"ecs_cluster_name": "c", "ecs_service_name": "s", "ecs_container_name": "backend", "ecs_desired_count": "1"})
	if d := cmp.Diff(Service{Cluster: "c", Name: "s", Container: "backend", DesiredCount: 1}, got); d != "" || err != nil {
		t.Errorf("ServiceFromOutputs err %v (-want +got):\n%s", err, d)
	}
	if _, err := ServiceFromOutputs(map[string]string{"ecs_cluster_name": "c"}); err == nil {
		t.Error("ServiceFromOutputs accepted outputs without a service")
	}
	vars, err := BackendVars(map[string]string{"backend_environment_variables": `{"APP_ENV":"dev"}`})
	if err != nil || vars["APP_ENV"] != "dev" {
		t.Errorf("BackendVars = %v, %v", vars, err)
	}
	if _, err := BackendVars(map[string]string{}); err == nil {
		t.Error("BackendVars accepted missing output")
	}
}

func TestRepositoryFromOutputs(t *testing.T) {
	const url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend"
	tests := map[string]struct {
		outs    map[string]string
		want    string
		wantErr string
	}{
		"present":    {outs: map[string]string{"ecr_repository_url": url}, want: url},
		"missing":    {outs: map[string]string{}, wantErr: "lack ecr_repository_url"},
		"not a repo": {outs: map[string]string{"ecr_repository_url": "predictor"}, wantErr: "not host/name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := RepositoryFromOutputs(tc.outs)
			if got != tc.want || (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("RepositoryFromOutputs = %q, %v; want %q, %q", got, err, tc.want, tc.wantErr)
			}
		})
	}
	// ecr-login always gets the URL, so the runtime image needs no terraform.
	args := ECRLoginArgs(Target{Env: "dev"}, "/creds", url)
	if args[len(args)-2] != "--repository-url" || args[len(args)-1] != url {
		t.Errorf("ECRLoginArgs = %v", args)
	}
}
