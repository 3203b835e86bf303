package smoke

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		// responses per attempt; the last repeats.
		responses []func(w http.ResponseWriter)
		wantErr   error
		msg       string
		attempts  int
	}{
		"unhealthy, wrong version, then right": {
			responses: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) },
				func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"status":"ok","version":"v1"}`)) },
				func(w http.ResponseWriter) {
					_, _ = w.Write([]byte(`{"status":"ok","version":"v2","model":{"name":"m"}}`))
				},
			},
			attempts: 3,
		},
		"never healthy": {
			responses: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) {
					w.WriteHeader(http.StatusBadGateway)
					_, _ = w.Write([]byte(`{"message":"Service Unavailable"}`))
				},
			},
			wantErr: ErrFailed,
			msg:     "did not answer 200 with version v2 within 2s",
		},
		"stays on the old version": {
			responses: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"status":"ok","version":"v1"}`)) },
			},
			wantErr: ErrFailed,
			msg:     "last seen: HTTP 200, version v1",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/health" {
					http.NotFound(w, r)
					return
				}
				i := int(n.Add(1)) - 1
				tc.responses[min(i, len(tc.responses)-1)](w)
			}))
			t.Cleanup(srv.Close)
			out := &bytes.Buffer{}
			res, err := Check(t.Context(), Options{URL: srv.URL + "/", ExpectVersion: "v2", Timeout: 2 * time.Second, // the failing cases wait it out; long enough for a loaded machine
				Initial: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Out: out})
			if tc.wantErr == nil && err != nil || !errors.Is(err, tc.wantErr) {
				t.Fatalf("Check error = %v, want %v\n%s", err, tc.wantErr, out)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
			if tc.attempts > 0 && res.Attempts != tc.attempts {
				t.Errorf("attempts = %d, want %d\n%s", res.Attempts, tc.attempts, out)
			}
		})
	}
}

func TestCheckUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := Check(t.Context(), Options{URL: url, ExpectVersion: "v2", Timeout: 30 * time.Millisecond, Initial: time.Millisecond})
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "last seen: error:") {
		t.Errorf("error = %v", err)
	}
}

func TestHealthURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://x.execute-api.us-east-1.amazonaws.com":         "https://x.execute-api.us-east-1.amazonaws.com/health",
		"https://x.execute-api.us-east-1.amazonaws.com/":        "https://x.execute-api.us-east-1.amazonaws.com/health",
		"https://x.execute-api.us-east-1.amazonaws.com/health":  "https://x.execute-api.us-east-1.amazonaws.com/health",
		"https://x.execute-api.us-east-1.amazonaws.com/prod/v1": "https://x.execute-api.us-east-1.amazonaws.com/prod/v1/health",
	} {
		if got := healthURL(in); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckReportsLastAnswerWhenDeadlineCutsAttempt: the attempt our own deadline cuts
// short must not hide what the service answered before it.
func TestCheckReportsLastAnswerWhenDeadlineCutsAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"status":"ok","version":"v1"}`))
			return
		}
		<-r.Context().Done() // hang until the client gives up
	}))
	t.Cleanup(srv.Close)
	_, err := Check(t.Context(), Options{URL: srv.URL, ExpectVersion: "v2", Timeout: 300 * time.Millisecond, Initial: time.Millisecond})
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "last seen: HTTP 200, version v1") {
		t.Errorf("error = %v, want the v1 answer as last seen", err)
	}
}
