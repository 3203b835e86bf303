package pipeline

import (
	"errors"
	"strings"
	"testing"

	"dagger/predictor/internal/envcfg"
)

func TestCheckApply(t *testing.T) {
	tests := map[string]struct {
		env      string
		havePlan bool
		confirm  string
		want     error
	}{
		"dev plans and applies":      {env: "dev"},
		"local plans and applies":    {env: "local"},
		"prod with reviewed plan":    {env: "prod", havePlan: true},
		"prod confirmed":             {env: "prod", confirm: "prod"},
		"prod without plan":          {env: "prod", want: ErrProdNeedsPlan},
		"prod confirmed wrong name":  {env: "prod", confirm: "dev", want: ErrProdNeedsPlan},
		"unknown env":                {env: "qa", want: envcfg.ErrUnknownEnv},
		"no env":                     {env: "", want: envcfg.ErrNoEnv},
		"dev ignores a confirmation": {env: "dev", confirm: "prod"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckApply(tc.env, tc.havePlan, tc.confirm)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckApply(%q, %v, %q) = %v, want %v", tc.env, tc.havePlan, tc.confirm, err, tc.want)
			}
		})
	}
}

func TestCheckDestroy(t *testing.T) {
	tests := map[string]struct {
		env, confirm string
		breakGlass   bool
		want         error
	}{
		"confirmed":          {env: "dev", confirm: "dev"},
		"prod without glass": {env: "prod", confirm: "prod", want: ErrNeedsBreakGlass},
		"prod with glass":    {env: "prod", confirm: "prod", breakGlass: true},
		"glass, wrong name":  {env: "prod", confirm: "dev", breakGlass: true, want: ErrConfirmMismatch},
		"missing":            {env: "dev", want: ErrConfirmMismatch},
		"other env":          {env: "prod", confirm: "dev", want: ErrConfirmMismatch},
		"case matters":       {env: "prod", confirm: "PROD", want: ErrConfirmMismatch},
		"unknown env":        {env: "qa", confirm: "qa", want: envcfg.ErrUnknownEnv},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckDestroy(tc.env, tc.confirm, tc.breakGlass)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckDestroy = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPublishDecision(t *testing.T) {
	if push, _ := PublishDecision(""); !push {
		t.Error("no existing tag: want push")
	}
	if push, why := PublishDecision("sha256:1"); push || !strings.Contains(why, "sha256:1") {
		t.Errorf("existing tag: push=%v reason=%q", push, why)
	}
}

func TestImageTag(t *testing.T) {
	const commit = "0123456789abcdef0123456789abcdef01234567"
	const content = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
	tests := map[string]struct {
		commit      string
		dirty       bool
		content     string
		want, wantV string
	}{
		"clean commit":      {commit, false, content, commit, "0123456789ab"},
		"upper-case commit": {strings.ToUpper(commit), false, content, commit, "0123456789ab"},
		"dirty tree":        {commit, true, content, "src-fedcba9876543210", "src-fedcba9876543210"},
		"no git":            {"", false, content, "src-fedcba9876543210", "src-fedcba9876543210"},
		"not a commit":      {"main", false, content, "src-fedcba9876543210", "src-fedcba9876543210"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := ImageTag(tc.commit, tc.dirty, tc.content)
			if got != tc.want || Version(got) != tc.wantV {
				t.Errorf("ImageTag = %q (version %q), want %q (%q)", got, Version(got), tc.want, tc.wantV)
			}
		})
	}
	if got := ImageTag("", false, "short"); !strings.HasPrefix(got, "src-") || len(got) != 20 {
		t.Errorf("ImageTag with a short digest = %q", got)
	}
}

func TestCheckCredentials(t *testing.T) {
	tests := map[string]struct {
		env                  string
		key, secret, credsFn bool
		want                 error
	}{
		"local needs none":   {env: "local"},
		"key pair":           {env: "dev", key: true, secret: true},
		"credentials file":   {env: "prod", credsFn: true},
		"nothing":            {env: "dev", want: ErrNoCredentials},
		"key without secret": {env: "dev", key: true, want: ErrNoCredentials},
		"unknown env":        {env: "qa", want: envcfg.ErrUnknownEnv},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckCredentials(tc.env, tc.key, tc.secret, tc.credsFn)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckCredentials = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCheckStandalone(t *testing.T) {
	for env, want := range map[string]error{"dev": nil, "prod": nil, "local": ErrLocalNeedsState} {
		err := CheckStandalone("outputs", env)
		if !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("CheckStandalone(outputs, %s) = %v, want %v", env, err, want)
		}
	}
	if err := CheckStandalone("outputs", "local"); err == nil || !strings.Contains(err.Error(), "deploy --env local") {
		t.Errorf("local refusal does not say what to run: %v", err)
	}
	if err := CheckStandalone("outputs", "qa"); err == nil {
		t.Error("unknown environment accepted")
	}
}
