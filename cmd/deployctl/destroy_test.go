package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

func motoS3(t *testing.T, url string) *s3.Client {
	t.Helper()
	cfg := testenv.AWSConfig(t, url)
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// fillVersioned writes n keys twice each and deletes every other key, so the bucket
// holds 2n versions and n/2 delete markers; it returns those counts.
func fillVersioned(t *testing.T, c *s3.Client, bucket string, n int) (versions, markers int) {
	t.Helper()
	for i := range n {
		key := fmt.Sprintf("k%03d", i)
		for _, body := range []string{"one", "two"} {
			if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
				t.Fatal(err)
			}
		}
		if i%2 == 0 {
			if _, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
				t.Fatal(err)
			}
			markers++
		}
	}
	return 2 * n, markers
}

// countVersions is the number of object versions and delete markers in bucket.
func countVersions(t *testing.T, c *s3.Client, bucket string) (versions, markers int) {
	t.Helper()
	p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		versions += len(page.Versions)
		markers += len(page.DeleteMarkers)
	}
	return versions, markers
}

func TestEmptyBucket(t *testing.T) {
	t.Parallel()
	moto := testenv.NewMoto(t, testenv.MotoOptions{})
	c := motoS3(t, moto.URL)
	const bucket = "empty-me"
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	wantV, wantM := fillVersioned(t, c, bucket, 7)
	// A page size of 3 makes several pages, split between versions and markers.
	v, m, err := emptyBucket(t.Context(), c, bucket, 3)
	if err != nil || v != wantV || m != wantM {
		t.Fatalf("emptyBucket = %d versions, %d markers, %v; want %d, %d", v, m, err, wantV, wantM)
	}
	if v, m := countVersions(t, c, bucket); v+m != 0 {
		t.Errorf("bucket still holds %d versions and %d delete markers", v, m)
	}
	if _, err := c.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Errorf("delete the emptied bucket: %v", err)
	}
	if _, _, err := emptyBucket(t.Context(), c, bucket, 1000); err == nil || !strings.Contains(err.Error(), errNoSuchBucket.Error()) {
		t.Errorf("missing bucket: err = %v, want %v", err, errNoSuchBucket)
	}
}

func TestCheckConfirm(t *testing.T) {
	tests := map[string]struct {
		env, confirm string
		breakGlass   bool
		want         string
	}{
		"match":                 {env: "dev", confirm: "dev"},
		"missing":               {env: "dev", want: "no --confirm given: destroy deletes every resource of dev and the data in its buckets; pass --confirm dev"},
		"other env":             {env: "prod", confirm: "dev", breakGlass: true, want: `--confirm "dev" does not match --env prod: destroy deletes every resource of prod and the data in its buckets; pass --confirm prod`},
		"wrong case":            {env: "prod", confirm: "PROD", want: `--confirm "PROD" does not match --env prod: destroy deletes every resource of prod and the data in its buckets; pass --confirm prod`},
		"prod without glass":    {env: "prod", confirm: "prod", want: "prod is protected: destroy deletes every resource of prod and the data in its buckets for good; pass --break-glass as well as --confirm prod"},
		"prod with glass":       {env: "prod", confirm: "prod", breakGlass: true},
		"glass without confirm": {env: "prod", breakGlass: true, want: "no --confirm given: destroy deletes every resource of prod and the data in its buckets; pass --confirm prod"},
		"dev needs no glass":    {env: "local", confirm: "local"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := ""
			if err := checkConfirm(tc.env, tc.confirm, tc.breakGlass); err != nil {
				got = err.Error()
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("checkConfirm (-want +got):\n%s", d)
			}
		})
	}
}

// TestDestroyCommand applies a small root with two versioned buckets (no
// force_destroy) against the emulator, fills them with versions and delete markers,
// checks that destroy without the matching --confirm changes nothing, that review
// plans and drift run while another run holds the state lock, that destroy with the
// lock held deletes nothing, then destroys: buckets emptied of every version,
// resources gone, outputs empty.
func TestDestroyCommand(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: applies and destroys a terraform root against the emulator")
	}
	moto := testenv.NewMoto(t, testenv.MotoOptions{})
	f := &destroyFixture{rootRun: newRootRun(t, moto, "destroy"), c: motoS3(t, moto.URL), want: map[string]versionCount{}}
	f.apply()
	for i, b := range f.buckets() {
		v, m := fillVersioned(t, f.c, b, 3+2*i)
		f.want[b] = versionCount{v, m}
	}
	f.checkRefused()
	f.checkLockHeld()
	f.checkDestroyed()
}

// versionCount is what a bucket holds: object versions and delete markers.
type versionCount struct{ versions, markers int }

// destroyFixture is TestDestroyCommand's root with the buckets' contents before destroy.
type destroyFixture struct {
	*rootRun
	c    *s3.Client
	want map[string]versionCount
}

func (f *destroyFixture) buckets() []string { return []string{"destroy-dev-files", "destroy-dev-data"} }

// unchanged fails the test when a bucket's contents differ from before destroy.
func (f *destroyFixture) unchanged(what string) {
	f.t.Helper()
	got := map[string]versionCount{}
	for _, b := range f.buckets() {
		v, m := countVersions(f.t, f.c, b)
		got[b] = versionCount{v, m}
	}
	if d := cmp.Diff(f.want, got, cmp.AllowUnexported(versionCount{})); d != "" {
		f.t.Fatalf("%s changed the buckets (-want +got):\n%s", what, d)
	}
}

// checkRefused: without the matching --confirm, one line, and nothing touched.
func (f *destroyFixture) checkRefused() {
	f.t.Helper()
	for _, confirm := range [][]string{nil, {"--confirm", "prod"}} {
		r := f.deployctl(1, append([]string{"destroy"}, confirm...)...)
		if !strings.HasPrefix(r.stderr, "deployctl destroy: ") || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "pass --confirm dev") {
			f.t.Errorf("refusal stderr %q", r.stderr)
		}
		f.unchanged("a refused destroy")
	}
}

// checkLockHeld: review plans and drift only read, so with the lock held by another
// run they still run (-lock=false), while a plan that locks fails on it; destroy stops
// on it, with one line (after terraform's own output) naming the lock, before any
// object is deleted.
func (f *destroyFixture) checkLockHeld() {
	f.t.Helper()
	lock := holdStateLock(f.t, f.c, f.bucket, "dev")
	f.deployctl(0, "plan", "--out", "review.tfplan", "--no-policy", "--lock=false")
	f.deployctl(0, "drift")
	r := f.deployctl(1, "plan", "--out", "locked.tfplan", "--no-policy", "--lock-timeout", "1s")
	if !strings.Contains(r.stderr, "deployctl plan: terraform plan: the state is locked by another run (lock ID "+lock) {
		f.t.Errorf("locking plan with the lock held: stderr %s", lastBytes(r.stderr, 600))
	}
	r = f.deployctl(1, "destroy", "--confirm", "dev", "--lock-timeout", "1s")
	last := r.stderr[strings.LastIndex(strings.TrimSuffix(r.stderr, "\n"), "\n")+1:]
	wantLast := "deployctl destroy: nothing was deleted: terraform plan -destroy: the state is locked by another run (lock ID " + lock +
		", held by someone@elsewhere for OperationTypeApply); wait for that run to finish, or if it died, `terraform force-unlock` that lock ID\n"
	if d := cmp.Diff(wantLast, last); d != "" {
		f.t.Errorf("destroy with the lock held: last line of stderr (-want +got):\n%s", d)
	}
	f.unchanged("destroy with the lock held")
	releaseStateLock(f.t, f.c, f.bucket, "dev")
}

// checkDestroyed: destroy empties and deletes the buckets and every resource; the
// outputs are empty; a second destroy finds nothing and says so.
func (f *destroyFixture) checkDestroyed() {
	f.t.Helper()
	r := f.deployctl(0, "destroy", "--confirm", "dev")
	for _, b := range f.buckets() {
		line := fmt.Sprintf("bucket %s: emptied (%d object versions, %d delete markers)", b, f.want[b].versions, f.want[b].markers)
		if !strings.Contains(r.stdout, line) {
			f.t.Errorf("destroy output lacks %q:\n%s", line, r.stdout)
		}
		if _, err := f.c.HeadBucket(f.t.Context(), &s3.HeadBucketInput{Bucket: aws.String(b)}); err == nil {
			f.t.Errorf("bucket %s still exists after destroy", b)
		}
	}
	if !strings.Contains(r.stdout, "destroyed every resource of dev") {
		f.t.Errorf("destroy output:\n%s", r.stdout)
	}
	if out := f.deployctl(0, "outputs", "--json"); strings.TrimSpace(out.stdout) != "{}" {
		f.t.Errorf("outputs after destroy: %s", out.stdout)
	}
	r = f.deployctl(0, "destroy", "--confirm", "dev")
	if !strings.Contains(r.stdout, "not in the outputs, nothing to empty") {
		f.t.Errorf("second destroy output:\n%s", r.stdout)
	}
}

// holdStateLock writes env's lock object the way terraform's S3 backend does
// (use_lockfile: a conditional PutObject of the lock info next to the state), as a
// run that is still going would leave it, and returns the lock ID.
func holdStateLock(t *testing.T, c *s3.Client, bucket, env string) string {
	t.Helper()
	const id = "0b1d6e2c-held-by-test"
	info := fmt.Sprintf(`{"ID":%q,"Operation":"OperationTypeApply","Info":"","Who":"someone@elsewhere","Version":"1.11.4","Created":"2026-01-01T00:00:00Z","Path":%q}`,
		id, bucket+"/"+envcfg.StateKey(env))
	if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(envcfg.StateKey(env) + ".tflock"),
		Body: strings.NewReader(info), IfNoneMatch: aws.String("*"), ContentType: aws.String("application/json")}); err != nil {
		t.Fatalf("hold the state lock: %v", err)
	}
	return id
}

func releaseStateLock(t *testing.T, c *s3.Client, bucket, env string) {
	t.Helper()
	if _, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(envcfg.StateKey(env) + ".tflock")}); err != nil {
		t.Fatalf("release the state lock: %v", err)
	}
}
