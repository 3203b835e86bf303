package envcfg

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBackendRender(t *testing.T) {
	tests := map[string]struct {
		b    Backend
		want string
	}{
		"aws": {
			b: NewBackend("prod", "predictor-tfstate-123-us-east-1", "us-east-1", ""),
			want: `bucket                      = "predictor-tfstate-123-us-east-1"
key                         = "predictor/prod/terraform.tfstate"
region                      = "us-east-1"
use_lockfile                = true
encrypt                     = true
`,
		},
		"emulator": {
			b: NewBackend("local", "b", "us-east-1", "http://127.0.0.1:5000"),
			want: `bucket                      = "b"
key                         = "predictor/local/terraform.tfstate"
region                      = "us-east-1"
use_lockfile                = true
encrypt                     = true
use_path_style              = true
skip_credentials_validation = true
skip_metadata_api_check     = true
skip_region_validation      = true
endpoints = {
  s3  = "http://127.0.0.1:5000"
  sts = "http://127.0.0.1:5000"
}
`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.b.Render()); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNames(t *testing.T) {
	if diff := cmp.Diff("predictor/dev/terraform.tfstate", StateKey("dev")); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff("infra/envs/prod.tfvars", VarFile("infra", "prod")); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff("predictor-tfstate-123456789012-eu-west-1", DefaultStateBucket("123456789012", "eu-west-1")); diff != "" {
		t.Error(diff)
	}
	for _, ok := range []string{"us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4"} {
		if err := ValidateRegion(ok); err != nil {
			t.Errorf("ValidateRegion(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "mars", "US-EAST-1", "us-east"} {
		if err := ValidateRegion(bad); err == nil {
			t.Errorf("ValidateRegion(%q): no error", bad)
		}
	}
}

func TestExpectedAccount(t *testing.T) {
	tests := map[string]struct {
		env, given, want string
		wantErr          bool
	}{
		"given wins":           {env: "prod", given: "111122223333", want: "111122223333"},
		"local is moto's":      {env: "local", want: EmulatorAccountID},
		"prod unset unchecked": {env: "prod", want: ""},
		"malformed":            {env: "dev", given: "1234", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ExpectedAccount(tc.env, tc.given)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("ExpectedAccount(%q, %q) = %q, want %q", tc.env, tc.given, got, tc.want)
			}
		})
	}
}
