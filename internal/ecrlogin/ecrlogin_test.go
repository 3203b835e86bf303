package ecrlogin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/predictor/internal/testsupport/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

func TestLoginAgainstEmulator(t *testing.T) {
	t.Parallel()
	moto := testenv.SharedMoto(t)
	cfg := testenv.AWSConfig(t, moto.URL)
	api := ecr.NewFromConfig(cfg)
	repo, err := api.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("predictor-model-test-backend")})
	if err != nil {
		t.Fatal(err)
	}
	url := aws.ToString(repo.Repository.RepositoryUri)
	creds, err := New(api).Login(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ := strings.Cut(url, "/")
	if creds.Registry != host || creds.Username != "AWS" || creds.Password == "" {
		t.Fatalf("credentials = %v, want registry %s, user AWS and a password", creds, host)
	}
	for _, s := range []string{creds.String(), fmt.Sprintf("%v %+v %#v", creds, creds, creds)} {
		if strings.Contains(s, creds.Password) {
			t.Errorf("formatted credentials contain the password: %s", s)
		}
	}

	dir := filepath.Join(t.TempDir(), "auth")
	if err := Write(dir, creds); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"registry": host, "username": "AWS", "password": creds.Password} {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Errorf("%s = %q, want %q", name, b, want)
		}
		st, _ := os.Stat(path)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, st.Mode().Perm())
		}
	}
}

func TestRegistryHost(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ in, want, err string }{
		"uri":     {in: "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend", want: "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		"https":   {in: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/x", want: "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		"no host": {in: "/x", err: "no registry host"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := RegistryHost(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("RegistryHost(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
