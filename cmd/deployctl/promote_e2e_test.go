package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/predictor/internal/ecrimage"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

// TestPromotionEndToEnd runs the promotion with the deployctl binary against moto (ECS:
// the release history) and go-containerregistry's OCI registry (the two repositories;
// moto has no registry API): a dev release, then prod refuses a digest dev never
// completed (prod's repository stays empty), then promotes dev's release (the same
// digest in both repositories: nothing rebuilt), rolls it out with its record, and a
// fresh deployctl reads the record back with its link to the dev release. The services
// are created through the SDK, not terraform (the rehearsal applies the whole stack).
func TestPromotionEndToEnd(t *testing.T) {
	t.Parallel()
	f := newPromotion(t)
	f.refusals(t)
	f.promoteOlderMerge(t)
	f.breakGlass(t)
	f.prodReleaseReadBack(t)
}

// promotionE2E is dev and prod on one emulator and one OCI registry, with two dev
// releases: commit (the older merge) and newer (landed after it).
type promotionE2E struct {
	moto                *testenv.Moto
	root, bin           string
	devRepo, prodRepo   string
	commit, newer       string
	digest, newerDigest string
	tag                 name.Tag
}

func newPromotion(t *testing.T) *promotionE2E {
	t.Helper()
	moto := testenv.NewMoto(t, testenv.MotoOptions{Env: []string{"MOTO_ECS_SERVICE_RUNNING=2"}})
	api := ecs.NewFromConfig(testenv.AWSConfig(t, moto.URL))
	for _, env := range []string{"dev", "prod"} {
		createService(t, api, env)
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	reg := strings.TrimPrefix(srv.URL, "http://")
	f := &promotionE2E{moto: moto, root: testenv.RepoRoot(t), bin: testenv.Deployctl(t),
		devRepo: reg + "/" + envcfg.TaskFamily("dev"), prodRepo: reg + "/" + envcfg.TaskFamily("prod"),
		commit: strings.Repeat("c0ffee", 6) + "beef", newer: strings.Repeat("decaf", 8)}
	f.digest, f.tag = pushRandom(t, f.devRepo, f.commit)
	f.newerDigest, _ = pushRandom(t, f.devRepo, f.newer)
	// The dev releases (built and published by dev's deploys; here the images are pushed above).
	for _, rel := range [][2]string{{f.commit, f.digest}, {f.newer, f.newerDigest}} {
		r := f.deployctl(t, append(append(append([]string{"rollout"}, svc("dev")...), promotionWatch...), "--image", f.devRepo+"@"+rel[1], "--version", rel[0][:12], "--commit", rel[0])...)
		if r.code != 0 {
			t.Fatalf("dev rollout of %s: exit %d\n%s%s", rel[0], r.code, r.stdout, r.stderr)
		}
	}
	return f
}

var promotionWatch = []string{"--container", "backend", "--desired-count", "1", "--poll-interval", "20ms", "--timeout", "1m"}

func svc(env string) []string {
	return []string{"--env", env, "--cluster", "predictor-model-" + env + "-cluster", "--service", "predictor-model-" + env + "-service"}
}

func (f *promotionE2E) deployctl(t *testing.T, args ...string) runResult {
	t.Helper()
	return runDeployctl(t, f.bin, false, append(args, "--aws-endpoint", f.moto.URL, "--infra-dir", filepath.Join(f.root, "infra"))...)
}

func (f *promotionE2E) prodHolds(t *testing.T, what string) {
	t.Helper()
	for _, d := range []string{f.digest, f.newerDigest} {
		if _, err := ecrimage.Digest(t.Context(), f.prodRepo+"@"+d, nil); err == nil {
			t.Errorf("prod's repository holds %s after %s", d, what)
		}
	}
}

// refusals: a commit dev never released is refused, naming the commit and the dev
// releases seen, and nothing reaches prod's repository; so is a digest dev never
// completed, and a promotion naming no commit.
func (f *promotionE2E) refusals(t *testing.T) {
	commit, newer, prodRepo := f.commit, f.newer, f.prodRepo
	unknown := strings.Repeat("0badc0de", 5)
	r := f.deployctl(t, "promote", "--env", "prod", "--commit", unknown, "--repository-url", prodRepo)
	for _, want := range []string{"promote dev to prod: no completed release: dev has no completed release of commit " + unknown, "dev:3 commit " + newer + " completed", "dev:2 commit " + commit + " completed"} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("promote of a commit dev never released: exit %d, stderr %q; want it refused with %q", r.code, r.stderr, want)
		}
	}
	f.prodHolds(t, "a refused commit")
	other := "sha256:" + strings.Repeat("f", 64)
	r = f.deployctl(t, "promote", "--env", "prod", "--image-digest", other, "--repository-url", prodRepo)
	if r.code != 1 || !strings.Contains(r.stderr, "promote dev to prod: no completed release: dev has no completed release of "+other) {
		t.Errorf("promote of a digest dev never completed: exit %d, stderr %q; want it refused", r.code, r.stderr)
	}
	f.prodHolds(t, "a refused digest")
	for name, args := range map[string][]string{"no commit": nil, "uncommitted changes": {"--commit", commit + " (uncommitted changes)"}} {
		if r = f.deployctl(t, append([]string{"promote", "--env", "prod", "--repository-url", prodRepo}, args...)...); r.code != 1 || !strings.Contains(r.stderr, "--commit") {
			t.Errorf("promote with %s: exit %d, stderr %q; want a usage error naming --commit", name, r.code, r.stderr)
		}
	}
}

// promoteOlderMerge: the promotion of the older merge ships its own dev release, not
// the newest, by digest.
func (f *promotionE2E) promoteOlderMerge(t *testing.T) {
	commit, digest, prodRepo := f.commit, f.digest, f.prodRepo
	r := f.deployctl(t, "promote", "--env", "prod", "--commit", commit, "--repository-url", prodRepo)
	if r.code != 0 {
		t.Fatalf("promote: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	want := "promotion from=dev source=dev:2 digest=" + digest + " version=" + commit[:12] + " image=" + prodRepo + "@" + digest + " break-glass=false"
	if !strings.Contains(r.stdout, want+"\n") {
		t.Errorf("promote printed:\n%s\nwant the line %q", r.stdout, want)
	}
	for _, ref := range []string{f.devRepo + "@" + digest, prodRepo + ":" + commit[:12]} {
		if got, err := ecrimage.Digest(t.Context(), ref, nil); err != nil || got.String() != digest {
			t.Errorf("%s holds %v (%v), want %s", ref, got, err, digest)
		}
	}
	if _, err := ecrimage.Digest(t.Context(), prodRepo+"@"+f.newerDigest, nil); err == nil {
		t.Error("prod's repository holds the newer merge's image: the promotion took the newest dev release, not the commit's")
	}
}

// breakGlass ships a digest dev never completed (pushed there, never released), and
// says so; without --image-digest it is refused.
func (f *promotionE2E) breakGlass(t *testing.T) {
	hotfix, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(f.tag.Context().Tag("hotfix"), hotfix); err != nil {
		t.Fatal(err)
	}
	hd, _ := hotfix.Digest()
	r := f.deployctl(t, "promote", "--env", "prod", "--break-glass", "--image-digest", hd.String(), "--repository-url", f.prodRepo)
	if want := "source=- digest=" + hd.String(); r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "break-glass=true\n") || !strings.Contains(r.stdout, "BREAK-GLASS: dev has no completed release of "+hd.String()) {
		t.Errorf("break-glass promote: exit %d\n%s%s\nwant %q, break-glass=true and the BREAK-GLASS note", r.code, r.stdout, r.stderr, want)
	}
	if r = f.deployctl(t, "promote", "--env", "prod", "--break-glass"); r.code != 1 || !strings.Contains(r.stderr, "--break-glass needs --image-digest") {
		t.Errorf("break-glass without a digest: exit %d, %s", r.code, r.stderr)
	}
}

// prodReleaseReadBack: prod's release of the copy, with its record, read back from
// ECS by a fresh deployctl.
func (f *promotionE2E) prodReleaseReadBack(t *testing.T) {
	commit, digest := f.commit, f.digest
	r := f.deployctl(t, append(append(append([]string{"rollout"}, svc("prod")...), promotionWatch...), "--image", f.prodRepo+"@"+digest, "--version", commit[:12],
		"--commit", commit, "--applied-plan", "plan-id:e2e", "--promoted-from", "dev:2")...)
	if r.code != 0 {
		t.Fatalf("prod rollout: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = f.deployctl(t, "record", "--env", "prod", "--task-definition", envcfg.TaskFamily("prod")+":2", "--smoke", "passed", "--timings", "pick=0.4s promote=0.2s rollout=1.1s smoke=0.3s")
	if r.code != 0 {
		t.Fatalf("record: exit %d\n%s", r.code, r.stderr)
	}
	lock, err := os.ReadFile(filepath.Join(f.root, "infra", ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	r = f.deployctl(t, append([]string{"releases"}, svc("prod")...)...)
	for _, line := range []string{
		"prod:2  " + commit[:12] + "  completed",
		"  promoted from  dev:2 (version " + commit[:12] + ", completed, commit " + commit + ")",
		"  plan           plan-id:e2e",
		"  lock hash      sha256:" + hex.EncodeToString(sum[:]),
		"  smoke          passed",
		"  timings        pick=0.4s promote=0.2s rollout=1.1s smoke=0.3s",
	} {
		if !strings.Contains(r.stdout, line+"\n") {
			t.Errorf("releases --env prod lacks %q:\n%s%s", line, r.stdout, r.stderr)
		}
	}
	t.Logf("deployctl releases --env prod:\n%s", r.stdout)
	var rels []struct {
		Image, PromotedFrom, Deployment string
	}
	r = f.deployctl(t, append([]string{"releases", "--json"}, svc("prod")...)...)
	if err := json.Unmarshal([]byte(r.stdout), &rels); err != nil || len(rels) != 1 || rels[0].PromotedFrom != "dev:2" || rels[0].Deployment == "" || !strings.HasSuffix(rels[0].Image, "@"+digest) {
		t.Errorf("releases --json = %+v (%v)\n%s", rels, err, r.stdout)
	}
}

// createService makes env's cluster, task definition (revision 1, as terraform
// registers it) and service at desired count 0 through the SDK.
func createService(t *testing.T, api *ecs.Client, env string) {
	t.Helper()
	ctx := t.Context()
	cluster := "predictor-model-" + env + "-cluster"
	if _, err := api.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(envcfg.TaskFamily(env)), Cpu: aws.String("256"), Memory: aws.String("512"),
		NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("backend"), Image: aws.String("bootstrap:latest"), Essential: aws.Bool(true)}},
		Tags:                 []types.Tag{{Key: aws.String("Environment"), Value: aws.String(env)}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String("predictor-model-" + env + "-service"), TaskDefinition: aws.String(envcfg.TaskFamily(env)),
		DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate,
	}); err != nil {
		t.Fatal(err)
	}
}

// pushRandom pushes a random image to repo under the commit's tag and returns its
// digest and the tag.
func pushRandom(t *testing.T, repo, commit string) (string, name.Tag) {
	t.Helper()
	img, err := random.Image(1024, 2)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(repo + ":" + commit)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String(), tag
}
