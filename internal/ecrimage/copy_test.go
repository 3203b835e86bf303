package ecrimage

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// newRegistry serves go-containerregistry's OCI registry (the distribution API, in
// memory) on a loopback port, through wrap when given, and returns its host:port.
func newRegistry(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// pushRandom pushes a random image (or index) to ref and returns its digest.
func pushRandom(t *testing.T, ref string, index bool) string {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	var d v1.Hash
	if index {
		ii, err := random.Index(512, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		err = remote.WriteIndex(r, ii)
		if err == nil {
			d, err = ii.Digest()
		}
		if err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	if d, err = img.Digest(); err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func TestCopyKeepsTheDigest(t *testing.T) {
	for name, index := range map[string]bool{"image": false, "index": true} {
		t.Run(name, func(t *testing.T) {
			host := newRegistry(t, nil)
			digest := pushRandom(t, host+"/predictor-model-dev-backend:v1", index)
			got, err := Copy(t.Context(), CopyRequest{
				Source:     host + "/predictor-model-dev-backend:v1@" + digest,
				Repository: host + "/predictor-model-prod-backend",
				Tag:        "v1",
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := host + "/predictor-model-prod-backend@" + digest; got != want {
				t.Errorf("Copy = %s, want %s", got, want)
			}
			// Read back independently of Copy's own check.
			for _, ref := range []string{host + "/predictor-model-prod-backend:v1", got} {
				d, err := Digest(t.Context(), ref, nil)
				if err != nil || d.String() != digest {
					t.Errorf("Digest(%s) = %v, %v; want %s", ref, d, err, digest)
				}
			}
			// A second promotion of the same digest is a no-op, not an error.
			if _, err := Copy(t.Context(), CopyRequest{Source: got, Repository: host + "/predictor-model-prod-backend", Tag: "v1"}); err != nil {
				t.Errorf("copy again: %v", err)
			}
		})
	}
}

func TestCopyRefuses(t *testing.T) {
	host := newRegistry(t, nil)
	digest := pushRandom(t, host+"/dev:v1", false)
	other := pushRandom(t, host+"/prod:v1", false)
	_, err := Copy(t.Context(), CopyRequest{Source: host + "/dev@" + digest, Repository: host + "/prod", Tag: "v1"})
	if !errors.Is(err, ErrTagTaken) || !strings.Contains(err.Error(), other) {
		t.Errorf("copy onto a tag holding %s: %v, want ErrTagTaken naming it", other, err)
	}
	missing := "sha256:" + strings.Repeat("1", 64)
	if _, err := Copy(t.Context(), CopyRequest{Source: host + "/dev@" + missing, Repository: host + "/prod", Tag: "v2"}); err == nil || !strings.Contains(err.Error(), "read "+host+"/dev@"+missing) {
		t.Errorf("copy of a digest the source lacks: %v, want a read error", err)
	}
	if _, err := Copy(t.Context(), CopyRequest{Source: host + "/dev:v1", Repository: host + "/prod"}); err == nil || !strings.Contains(err.Error(), "REGISTRY/REPO@sha256") {
		t.Errorf("copy of a tag: %v, want it refused (digest only)", err)
	}
}

// TestCopyVerifiesTheDestination: a destination that answers with another digest
// after the push (a registry rewriting manifests) fails the copy.
func TestCopyVerifiesTheDestination(t *testing.T) {
	lie := "sha256:" + strings.Repeat("e", 64)
	host := newRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead && strings.HasSuffix(r.URL.Path, "/prod/manifests/v1") {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				if rec.Code == http.StatusOK {
					w.Header().Set("Docker-Content-Digest", lie)
				}
				w.WriteHeader(rec.Code)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	digest := pushRandom(t, host+"/dev:v1", false)
	_, err := Copy(t.Context(), CopyRequest{Source: host + "/dev@" + digest, Repository: host + "/prod", Tag: "v1"})
	if !errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), "verify the copy") {
		t.Errorf("Copy with a destination answering %s: %v, want a verify error (ErrDigestMismatch)", lie, err)
	}
}
