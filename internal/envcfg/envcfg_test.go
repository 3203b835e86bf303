package envcfg

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/infra/envs"
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

// TestEnvironmentsFromTheFiles pins what infra/envs says today: the display order
// and each environment's properties (prod protected, local the emulator), so the move
// of these facts from Go comparisons into the files changed no behaviour.
func TestEnvironmentsFromTheFiles(t *testing.T) {
	want := []Env{{Name: "dev"}, {Name: "prod", Protected: true, PromoteFrom: "dev"}, {Name: "local", Emulator: true}}
	if diff := cmp.Diff(want, All); diff != "" {
		t.Errorf("environments (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"dev", "prod"}, Deployable()); diff != "" {
		t.Errorf("Deployable (-want +got):\n%s", diff)
	}
	if !Protected("prod") || Protected("dev") || !Emulator("local") || Emulator("prod") || Protected("qa-nope") {
		t.Error("Protected/Emulator disagree with the files")
	}
	if err := Validate("qa-nope"); !errors.Is(err, ErrUnknownEnv) || err.Error() != `unknown environment "qa-nope": use one of dev, prod, local` {
		t.Errorf("Validate(qa-nope) = %v", err)
	}
}

func TestLoad(t *testing.T) {
	file := func(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }
	tests := map[string]struct {
		files   fstest.MapFS
		want    []Env
		wantErr string
	}{
		"a new environment sorts among the real ones": {
			files: fstest.MapFS{
				"local.tfvars":   file("environment = \"local\"\nemulator = true\n"),
				"prod.tfvars":    file("environment = \"prod\"\nprotected = true\n"),
				"staging.tfvars": file("# like dev\nenvironment = \"staging\"\nvpc_cidr = \"10.40.0.0/16\"\n"),
				"dev.tfvars":     file("environment = \"dev\"\ncors = [\"*\"]\n"),
				"README.md":      file("not an environment"),
			},
			want: []Env{{Name: "dev"}, {Name: "prod", Protected: true}, {Name: "staging"}, {Name: "local", Emulator: true}},
		},
		"none":                  {files: fstest.MapFS{}, wantErr: "no environment files"},
		"environment mismatch":  {files: fstest.MapFS{"qa.tfvars": file(`environment = "dev"`)}, wantErr: `qa.tfvars: set environment = "qa"`},
		"environment missing":   {files: fstest.MapFS{"qa.tfvars": file(`vpc_cidr = "10.0.0.0/16"`)}, wantErr: `qa.tfvars: set environment = "qa"`},
		"bad name":              {files: fstest.MapFS{"QA_nope.tfvars": file(`environment = "QA_nope"`)}, wantErr: "QA_nope.tfvars: the name must be"},
		"property not a bool":   {files: fstest.MapFS{"qa.tfvars": file("environment = \"qa\"\nprotected = \"yes\"\n")}, wantErr: "qa.tfvars: protected must be true or false"},
		"not HCL":               {files: fstest.MapFS{"qa.tfvars": file("environment = \n")}, wantErr: "parse environment file qa.tfvars"},
		"protected emulator":    {files: fstest.MapFS{"qa.tfvars": file("environment = \"qa\"\nprotected = true\nemulator = true\n")}, wantErr: "cannot be protected"},
		"explicit false is off": {files: fstest.MapFS{"qa.tfvars": file("environment = \"qa\"\nprotected = false\n")}, want: []Env{{Name: "qa"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := load(tc.files)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("load error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("load (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTerraformReadsTheSameProperties: infra/github-oidc cannot parse HCL from a file,
// so it finds `protected = true` and `emulator = true` with a line pattern; for every
// environment file that pattern must agree with this package's parser.
func TestTerraformReadsTheSameProperties(t *testing.T) {
	line := func(name string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^\s*` + name + `\s*=\s*true`)
	}
	for _, e := range All {
		b, err := fs.ReadFile(envs.Files, e.Name+".tfvars")
		if err != nil {
			t.Fatal(err)
		}
		if got := line("protected").Match(b); got != e.Protected {
			t.Errorf("%s.tfvars: github-oidc's pattern finds protected = %v, envcfg %v: write `protected = true` on a line of its own", e.Name, got, e.Protected)
		}
		if got := line("emulator").Match(b); got != e.Emulator {
			t.Errorf("%s.tfvars: github-oidc's pattern finds emulator = %v, envcfg %v: write `emulator = true` on a line of its own", e.Name, got, e.Emulator)
		}
	}
}

func TestPromotions(t *testing.T) {
	file := func(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }
	env := func(name, extra string) *fstest.MapFile {
		return file("environment = \"" + name + "\"\n" + extra)
	}
	tests := map[string]struct {
		files   fstest.MapFS
		want    []Env
		wantErr string
	}{
		"prod from dev": {
			files: fstest.MapFS{"dev.tfvars": env("dev", ""), "prod.tfvars": env("prod", "promote_from = \"dev\"\n")},
			want:  []Env{{Name: "dev"}, {Name: "prod", PromoteFrom: "dev"}},
		},
		"a chain": {
			files: fstest.MapFS{"dev.tfvars": env("dev", ""), "qa.tfvars": env("qa", "promote_from = \"dev\"\n"), "prod.tfvars": env("prod", "promote_from = \"qa\"\n")},
			want:  []Env{{Name: "dev"}, {Name: "prod", PromoteFrom: "qa"}, {Name: "qa", PromoteFrom: "dev"}},
		},
		"unknown source": {files: fstest.MapFS{"prod.tfvars": env("prod", "promote_from = \"dve\"\n")}, wantErr: `prod.tfvars: promote_from = "dve" names no environment file`},
		"itself":         {files: fstest.MapFS{"prod.tfvars": env("prod", "promote_from = \"prod\"\n")}, wantErr: "names the environment itself"},
		"from emulator": {
			files:   fstest.MapFS{"local.tfvars": env("local", "emulator = true\n"), "prod.tfvars": env("prod", "promote_from = \"local\"\n")},
			wantErr: "between the emulator and a real environment",
		},
		"cycle": {
			files:   fstest.MapFS{"a.tfvars": env("a", "promote_from = \"b\"\n"), "b.tfvars": env("b", "promote_from = \"a\"\n")},
			wantErr: "forms a cycle",
		},
		"not a string": {files: fstest.MapFS{"prod.tfvars": env("prod", "promote_from = true\n")}, wantErr: "promote_from must be an environment name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := load(tc.files)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("load error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("load (-want +got):\n%s", diff)
			}
		})
	}
	if PromoteFrom("prod") != "dev" || PromoteFrom("dev") != "" {
		t.Errorf("PromoteFrom: prod %q, dev %q; infra/envs says prod promotes from dev and dev builds", PromoteFrom("prod"), PromoteFrom("dev"))
	}
}
