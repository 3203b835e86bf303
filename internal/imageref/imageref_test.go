package imageref

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestParse(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in      string
		want    Ref
		wantErr error
		msg     string
	}{
		"ecr with tag": {
			in:   "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend:abc123@" + digest,
			want: Ref{Registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com", Repository: "predictor-model-dev-backend", Tag: "abc123", Digest: digest},
		},
		"no tag": {
			in:   "ghcr.io/org/team/app@" + digest,
			want: Ref{Registry: "ghcr.io", Repository: "org/team/app", Digest: digest},
		},
		"registry with port": {
			in:   "localhost:5000/app:v1.2@" + digest,
			want: Ref{Registry: "localhost:5000", Repository: "app", Tag: "v1.2", Digest: digest},
		},
		"missing digest": {
			in:      "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest",
			wantErr: ErrNoDigest,
			msg:     "image reference 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest has no digest: pass REF@sha256:..., as `publish` prints",
		},
		"short digest":     {in: "r.io/app@sha256:abc", wantErr: ErrInvalid, msg: "digest length"},
		"sha512 digest":    {in: "r.io/app@sha512:" + strings.Repeat("ab", 64), wantErr: ErrInvalid, msg: "is not sha256"},
		"uppercase digest": {in: "r.io/app@sha256:" + strings.ToUpper(digest[7:]), wantErr: ErrInvalid},
		"no registry":      {in: "app@" + digest, wantErr: ErrInvalid, msg: "registry to be explicitly defined"},
		"bad repo":         {in: "r.io/App@" + digest, wantErr: ErrInvalid},
		"bad tag":          {in: "r.io/app:v!1@" + digest, wantErr: ErrInvalid, msg: "can only contain"},
		"two digests":      {in: "r.io/app@" + digest + "@" + digest, wantErr: ErrInvalid},
		"empty":            {in: "", wantErr: ErrInvalid},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want %v", tc.in, err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "\n") {
					t.Errorf("message %q: want one line containing %q", err, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func TestPinned(t *testing.T) {
	t.Parallel()
	r, err := Parse("r.io/app:v1@" + digest)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Pinned(), "r.io/app@"+digest; got != want {
		t.Errorf("Pinned() = %q, want %q", got, want)
	}
}

func TestPin(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ repo, want string }{
		"plain":          {"123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev", "123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev@sha256:ab"},
		"tagged":         {"registry:5000/predictor:abc", "registry:5000/predictor@sha256:ab"},
		"port, no tag":   {"registry:5000/predictor", "registry:5000/predictor@sha256:ab"},
		"already pinned": {"r/p:t@" + digest, "r/p@sha256:ab"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := Pin(tc.repo, "sha256:ab"); got != tc.want {
				t.Errorf("Pin = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDigestOf(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ in, want string }{
		"pinned":       {"r.io/app:v1@" + digest, digest},
		"docker hub":   {"app@" + digest, digest},
		"tag only":     {"r.io/app:v1", ""},
		"bad digest":   {"r.io/app@sha256:ab", ""},
		"empty":        {"", ""},
		"port, no tag": {"localhost:5000/app@" + digest, digest},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := DigestOf(tc.in); got != tc.want {
				t.Errorf("DigestOf(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRepository(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ in, want, err string }{
		"ecr":            {in: "123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev", want: "123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev"},
		"tagged":         {in: "registry:5000/predictor:abc", want: "registry:5000/predictor"},
		"port, no tag":   {in: "registry:5000/predictor", want: "registry:5000/predictor"},
		"already pinned": {in: "r/p:t@" + digest, want: "r/p"},
		"uppercase":      {in: "r.io/App", err: "repository can only contain"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := Repository(tc.in)
			if tc.err != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Repository(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Repository(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestSplitRepository(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ in, registry, name, err string }{
		"ecr":     {in: "123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev", registry: "123.dkr.ecr.us-east-1.amazonaws.com", name: "predictor-model-dev"},
		"nested":  {in: "localhost:5000/team/app", registry: "localhost:5000", name: "team/app"},
		"no host": {in: "nohost", err: "registry to be explicitly defined"},
		"empty":   {in: "", err: "not host/name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reg, repo, err := SplitRepository(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("SplitRepository(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || reg != tc.registry || repo != tc.name {
				t.Errorf("SplitRepository(%q) = %q, %q, %v; want %q, %q", tc.in, reg, repo, err, tc.registry, tc.name)
			}
		})
	}
}
