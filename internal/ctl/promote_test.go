package ctl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPromoteArgsAndParse(t *testing.T) {
	tg := Target{Env: "prod", Region: "us-east-1"}
	got := PromoteArgs(tg, PromoteOptions{Digest: "sha256:ab", BreakGlass: true, Check: true, RepositoryURL: "r/p"})
	want := []string{"deployctl", "promote", "--env", "prod", "--region", "us-east-1", "--image-digest", "sha256:ab", "--break-glass", "--check", "--repository-url", "r/p"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("PromoteArgs (-want +got):\n%s", d)
	}
	out := "promoting dev release 7\npromotion from=dev source=dev:7 digest=sha256:ab version=v7 image=r/p@sha256:ab break-glass=false\n"
	p, ok := ParsePromotion(out)
	if wantP := (Promotion{From: "dev", Source: "dev:7", Digest: "sha256:ab", Version: "v7", Image: "r/p@sha256:ab"}); !ok || p != wantP {
		t.Errorf("ParsePromotion = %+v, %v", p, ok)
	}
	p, ok = ParsePromotion("promotion from=dev source=- digest=sha256:ab version=ab image=- break-glass=true")
	if !ok || p.Source != "" || p.Image != "" || !p.BreakGlass {
		t.Errorf("ParsePromotion(break-glass check) = %+v, %v", p, ok)
	}
	if _, ok := ParsePromotion("error"); ok {
		t.Error("ParsePromotion found a promotion in an error")
	}
	rr, _ := ParseRollout("recorded lock-hash=sha256:10c\ndeployment=ecs-svc/2 taskDefinition=arn:td:4 revision=4\n")
	if rr.LockHash != "sha256:10c" {
		t.Errorf("ParseRollout lock hash = %q", rr.LockHash)
	}
}

func TestParsePlanChangeSet(t *testing.T) {
	cs := strings.Repeat("ab", 32)
	if got := ParsePlanChangeSet(`{"summary":{},"changeset_digest":"` + cs + `"}`); got != cs {
		t.Errorf("ParsePlanChangeSet = %q", got)
	}
	if got := ParsePlanChangeSet(`nope`); got != "" {
		t.Errorf("ParsePlanChangeSet(garbage) = %q", got)
	}
}
