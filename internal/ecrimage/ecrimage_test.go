package ecrimage

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/predictor/internal/testsupport/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// TestTagDigestAgainstEmulator: a pushed tag answers with the digest ECR reports for
// it; an unknown tag answers "", so the pipeline pushes.
func TestTagDigestAgainstEmulator(t *testing.T) {
	t.Parallel()
	moto := testenv.SharedMoto(t)
	cfg := testenv.AWSConfig(t, moto.URL)
	api := ecr.NewFromConfig(cfg)
	repo, err := api.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("predictor-model-ecrimage")})
	if err != nil {
		t.Fatal(err)
	}
	manifest := `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":3,"digest":"sha256:5b3e3c7e7d5e1b0b8c5f3d1f5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f"}]}`
	put, err := api.PutImage(t.Context(), &ecr.PutImageInput{RepositoryName: aws.String("predictor-model-ecrimage"), ImageManifest: aws.String(manifest), ImageTag: aws.String("0123abc")})
	if err != nil {
		t.Fatal(err)
	}
	c := New(api)
	url := aws.ToString(repo.Repository.RepositoryUri)
	got, err := c.TagDigest(t.Context(), url, "0123abc")
	if err != nil {
		t.Fatal(err)
	}
	if want := aws.ToString(put.Image.ImageId.ImageDigest); got != want || want == "" {
		t.Errorf("TagDigest = %q, want %q", got, want)
	}
	if got, err := c.TagDigest(t.Context(), url, "never-pushed"); err != nil || got != "" {
		t.Errorf("unknown tag: %q, %v; want \"\", nil", got, err)
	}
	if _, err := c.TagDigest(t.Context(), "not a url", "x"); err == nil {
		t.Error("a bad repository URL was accepted")
	}
}
