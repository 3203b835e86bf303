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
		"short digest":     {in: "r.io/app@sha256:abc", wantErr: ErrInvalid, msg: "is not sha256:"},
		"uppercase digest": {in: "r.io/app@sha256:" + strings.ToUpper(digest[7:]), wantErr: ErrInvalid},
		"no registry":      {in: "app@" + digest, wantErr: ErrInvalid, msg: "no registry host"},
		"bad repo":         {in: "r.io/App@" + digest, wantErr: ErrInvalid},
		"bad tag":          {in: "r.io/app:-x@" + digest, wantErr: ErrInvalid},
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
