package pipeline

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestManifestDigest(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		switch {
		case !ok || user != "AWS" || pass != "pw":
			w.WriteHeader(http.StatusUnauthorized)
		case r.Method != http.MethodHead || !strings.Contains(r.Header.Get("Accept"), "application/vnd.oci.image.index.v1+json"):
			w.WriteHeader(http.StatusBadRequest)
		case r.URL.Path == "/v2/predictor-model-dev/manifests/abc":
			w.Header().Set("Docker-Content-Digest", digest)
		case r.URL.Path == "/v2/predictor-model-dev/manifests/nodigest":
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := map[string]struct {
		tag, user, pass string
		want, wantErr   string
	}{
		"existing tag": {tag: "abc", user: "AWS", pass: "pw", want: digest},
		"missing tag":  {tag: "def", user: "AWS", pass: "pw"},
		"bad password": {tag: "abc", user: "AWS", pass: "nope", wantErr: "401"},
		"no digest":    {tag: "nodigest", user: "AWS", pass: "pw", wantErr: "no digest"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ManifestDigest(t.Context(), srv.Client(), host, "predictor-model-dev", tc.tag, tc.user, tc.pass, true)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ManifestDigest = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestSplitRepository(t *testing.T) {
	reg, name, err := SplitRepository("123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev")
	if err != nil || reg != "123.dkr.ecr.us-east-1.amazonaws.com" || name != "predictor-model-dev" {
		t.Fatalf("SplitRepository = %q, %q, %v", reg, name, err)
	}
	if _, _, err := SplitRepository("nohost"); err == nil {
		t.Fatal("SplitRepository accepted a name without a host")
	}
}
