package verify

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTrustsService(t *testing.T) {
	ecsTasks := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	tests := map[string]struct {
		doc     string
		want    bool
		wantErr bool
	}{
		"ecs-tasks":                           {doc: ecsTasks, want: true},
		"URL-encoded as IAM returns it":       {doc: url.QueryEscape(ecsTasks), want: true},
		"principal list and single statement": {doc: `{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}}`, want: true},
		"another service":                     {doc: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
		"deny":                                {doc: `{"Statement":[{"Effect":"Deny","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
		"other action":                        {doc: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:TagSession"}]}`},
		"not JSON":                            {doc: `{`, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := trustsService(tc.doc, ecsTasksPrincipal)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("trustsService = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReportLines(t *testing.T) {
	var r Report
	r.pass(checkAccount, "caller %s", "x")
	r.Fail(checkLogGroup, "log group /ecs/a does not exist", "re-apply")
	r.Merge(Report{Failures: []Failure{{Check: checkImage, Problem: "digest d is not in repository r", Fix: "publish it"}}})
	want := []string{
		"ok   account: caller x",
		"FAIL log-group: log group /ecs/a does not exist: re-apply",
		"FAIL image: digest d is not in repository r: publish it",
	}
	if d := cmp.Diff(want, r.Lines()); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
	if r.OK() {
		t.Error("OK() with failures")
	}
}
