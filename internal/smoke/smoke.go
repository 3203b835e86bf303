// Package smoke checks a deployed backend through its real entry point: GET <url>/health
// with retries and exponential backoff until it answers 200 with the expected "version",
// or the deadline passes.
package smoke

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ErrFailed: the expected version was not seen before the deadline.
var ErrFailed = errors.New("smoke test failed")

// Defaults.
const (
	DefaultTimeout    = 5 * time.Minute
	defaultInitial    = 500 * time.Millisecond
	defaultMaxBackoff = 10 * time.Second
	requestTimeout    = 10 * time.Second
)

// Options configure one check.
type Options struct {
	// URL is the API base URL (api_gateway_url); /health is appended unless present.
	URL string
	// ExpectVersion is the "version" the health endpoint must report.
	ExpectVersion string
	// Timeout is the overall deadline (default 5 min).
	Timeout time.Duration
	// Initial and MaxBackoff bound the delay between attempts, doubling from Initial.
	Initial, MaxBackoff time.Duration
	// Client defaults to http.DefaultClient (with a per-request timeout).
	Client *http.Client
	// Out receives one line per attempt whose outcome differs from the previous one.
	Out io.Writer
}

// Result is the last observation.
type Result struct {
	URL      string
	Attempts int
	Status   int
	Version  string
	Err      string
}

func (r Result) seen() string {
	if r.Err != "" {
		return "error: " + r.Err
	}
	if r.Status == 0 {
		return "no response"
	}
	v := r.Version
	if v == "" {
		v = "(none)"
	}
	return fmt.Sprintf("HTTP %d, version %s", r.Status, v)
}

// healthURL returns base with /health appended (once).
func healthURL(base string) string {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	if strings.HasSuffix(base, "/health") {
		return base
	}
	return base + "/health"
}

// Check polls the health endpoint until it reports the expected version.
func Check(ctx context.Context, o Options) (Result, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Initial <= 0 {
		o.Initial = defaultInitial
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = defaultMaxBackoff
	}
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	res := Result{URL: healthURL(o.URL)}
	if !strings.HasPrefix(res.URL, "http://") && !strings.HasPrefix(res.URL, "https://") {
		return res, fmt.Errorf("check %s: not an http(s) URL: pass --url with the https:// address of the API", o.URL)
	}
	deadline := time.Now().Add(o.Timeout)
	delay := o.Initial
	last := ""
	for {
		res.Attempts++
		prev := res
		res.Status, res.Version, res.Err = 0, "", ""
		status, version, err := get(ctx, o.Client, res.URL, min(requestTimeout, max(time.Until(deadline), time.Millisecond)))
		res.Status, res.Version = status, version
		if err != nil {
			res.Err = err.Error()
		}
		if err != nil && errors.Is(err, context.DeadlineExceeded) && !time.Now().Before(deadline) && res.Attempts > 1 {
			// Our own deadline cut the last attempt short: report what the service
			// last answered, not the cut.
			res.Status, res.Version, res.Err = prev.Status, prev.Version, prev.Err
		}
		if s := res.seen(); s != last {
			fmt.Fprintf(o.Out, "attempt %d: GET %s: %s (want version %s)\n", res.Attempts, res.URL, s, o.ExpectVersion)
			last = s
		}
		if status == http.StatusOK && version == o.ExpectVersion {
			fmt.Fprintf(o.Out, "smoke test passed: %s reports version %s\n", res.URL, version)
			return res, nil
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("check %s: %w", res.URL, ctx.Err())
		}
		wait := min(delay, time.Until(deadline))
		if wait <= 0 {
			return res, fmt.Errorf("%w: GET %s did not answer 200 with version %s within %s (%d attempts); last seen: %s",
				ErrFailed, res.URL, o.ExpectVersion, o.Timeout, res.Attempts, res.seen())
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return res, fmt.Errorf("check %s: %w", res.URL, ctx.Err())
		case <-t.C:
		}
		delay = min(delay*2, o.MaxBackoff)
	}
}

// get fetches url and returns the status and the JSON "version" field, if any.
func get(ctx context.Context, c *http.Client, url string, timeout time.Duration) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return resp.StatusCode, "", fmt.Errorf("read body: %w", err)
	}
	var h struct {
		Version any `json:"version"`
	}
	if json.Unmarshal(body, &h) != nil {
		return resp.StatusCode, "", nil
	}
	if h.Version == nil {
		return resp.StatusCode, "", nil
	}
	return resp.StatusCode, fmt.Sprint(h.Version), nil
}
