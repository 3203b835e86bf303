package planstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"dagger/predictor/internal/testsupport/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// newStore is a store for env in a fresh bucket of the shared emulator, and the raw
// client, to change stored objects behind the store's back.
func newStore(t *testing.T, env string) (*Store, *s3.Client) {
	t.Helper()
	m := testenv.SharedMoto(t)
	client := s3.NewFromConfig(testenv.AWSConfig(t, m.URL), func(o *s3.Options) { o.UsePathStyle = true })
	bucket := "planstore-" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
	return New(client, bucket, env), client
}

func writePlan(t *testing.T, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "reviewed.tfplan")
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSaveThenFetchGivesTheSameBytes(t *testing.T) {
	t.Parallel()
	s, client := newStore(t, "dev")
	id, err := s.Save(t.Context(), writePlan(t, "plan bytes"))
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	if id != idOf([]byte("plan bytes")) {
		t.Errorf("Save returned ID %s, want the SHA-256 of the plan", id)
	}
	head, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String("plans/dev/" + id + ".tfplan")})
	if err != nil {
		t.Fatalf("the plan is not under plans/dev/<id>.tfplan: %v", err)
	}
	if got := head.Metadata["environment"]; got != "dev" {
		t.Errorf("environment metadata = %q, want dev", got)
	}
	out := filepath.Join(t.TempDir(), "fetched.tfplan")
	if err := s.Fetch(t.Context(), id, out); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if got, _ := os.ReadFile(out); string(got) != "plan bytes" {
		t.Errorf("fetched %q, want %q", got, "plan bytes")
	}
}

func TestFetchRefuses(t *testing.T) {
	t.Parallel()
	s, client := newStore(t, "prod")
	id, err := s.Save(t.Context(), writePlan(t, "reviewed"))
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	// Replaced after review: same key, other bytes.
	if _, err := client.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.Key(id)), Body: strings.NewReader("changed")}); err != nil {
		t.Fatal(err)
	}
	other := New(client, s.bucket, "dev")
	for name, c := range map[string]struct {
		store *Store
		id    string
		want  error
	}{
		"changed after review":  {s, id, ErrTampered},
		"unknown ID":            {s, idOf([]byte("never saved")), ErrNotFound},
		"another environment's": {other, id, ErrNotFound},
		"not a SHA-256":         {s, "latest", ErrBadID},
		"upper-case hex":        {s, strings.ToUpper(id), ErrBadID},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "fetched.tfplan")
			if err := c.store.Fetch(t.Context(), c.id, out); !errors.Is(err, c.want) {
				t.Fatalf("Fetch = %v, want %v", err, c.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused plan was written to %s", out)
			}
		})
	}
}

func TestSaveErrors(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, "dev")
	if _, err := s.Save(t.Context(), filepath.Join(t.TempDir(), "missing.tfplan")); err == nil || !strings.Contains(err.Error(), "read plan") {
		t.Errorf("Save of a missing file = %v, want a read error", err)
	}
	gone := New(s.s3.(*s3.Client), "planstore-no-such-bucket", "dev")
	if _, err := gone.Save(t.Context(), writePlan(t, "x")); err == nil || !strings.Contains(err.Error(), "save plan to s3://planstore-no-such-bucket/plans/dev/") {
		t.Errorf("Save to a missing bucket = %v, want the failed upload named", err)
	}
}
