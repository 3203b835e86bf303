package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/testsupport/testenv"
)

func newHealthServer(t *testing.T, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestECRLoginCommand runs `deployctl ecr-login` against the emulator: files written
// with mode 0600, registry and username printed, the password never.
func TestECRLoginCommand(t *testing.T) {
	t.Parallel()
	bin := testenv.Deployctl(t)
	moto := testenv.NewMoto(t, testenv.MotoOptions{})
	cfg, err := awsx.Load(t.Context(), awsx.Options{Region: testenv.Region, Endpoint: moto.URL, Credentials: awsx.StaticCredentials(testKeyID, testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := ecr.NewFromConfig(cfg).CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("predictor-model-dev-backend")})
	if err != nil {
		t.Fatal(err)
	}
	url := aws.ToString(repo.Repository.RepositoryUri)
	host, _, _ := strings.Cut(url, "/")
	dir := filepath.Join(t.TempDir(), "registry-auth")
	r := runDeployctl(t, bin, false, "ecr-login", "--aws-endpoint", moto.URL, "--repository-url", url, "--out", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	password, err := os.ReadFile(filepath.Join(dir, "password"))
	if err != nil || len(password) == 0 {
		t.Fatalf("password file: %q, %v", password, err)
	}
	if strings.Contains(r.stdout+r.stderr, string(password)) {
		t.Errorf("the registry password appears in deployctl's output")
	}
	if !strings.Contains(r.stdout, "registry="+host+" username=AWS") {
		t.Errorf("stdout %q does not name the registry and user", r.stdout)
	}
	for name, want := range map[string]string{"registry": host, "username": "AWS"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if string(b) != want {
			t.Errorf("%s = %q, want %q", name, b, want)
		}
	}
	for _, name := range []string{"registry", "username", "password"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", name, st.Mode().Perm(), err)
		}
	}

	// Without --repository-url and --env, nothing is called and one line says why.
	r = runDeployctl(t, bin, false, "ecr-login", "--aws-endpoint", moto.URL, "--out", dir)
	if r.code != 1 || !strings.HasPrefix(r.stderr, "deployctl ecr-login: no environment given") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
