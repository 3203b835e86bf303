package awsx

import (
	"bytes"
	"errors"
	"github.com/aws/smithy-go/logging"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestRequireCredentialsNone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, err := Load(t.Context(), Options{
		Region: "us-east-1",
		Extra: []func(*config.LoadOptions) error{
			config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
			config.WithSharedConfigFiles([]string{dir + "/config"}),
			config.WithSharedCredentialsFiles([]string{dir + "/credentials"}),
			// An empty provider stands in for a chain that found nothing.
			config.WithCredentialsProvider(aws.AnonymousCredentials{}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := requireCredentials(t.Context(), cfg); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("requireCredentials = %v, want ErrNoCredentials", err)
	}
}

func TestRequireCredentialsStatic(t *testing.T) {
	t.Parallel()
	cfg, err := LoadChecked(t.Context(), Options{Region: "eu-west-1", Credentials: StaticCredentials("AKIDTEST", "s3cr3t")})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" {
		t.Errorf("region = %q", cfg.Region)
	}
}

func TestEndpointAndThrottlingRetry(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>`))
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>AID</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`))
	}))
	t.Cleanup(srv.Close)
	cfg, err := Load(t.Context(), Options{Endpoint: srv.URL, MaxBackoff: 5 * time.Millisecond, Credentials: StaticCredentials("AKIDTEST", "s3cr3t")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if got := aws.ToString(out.Account); got != "123456789012" {
		t.Errorf("account = %q", got)
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("calls = %d, want 3 (two throttled, one ok)", got)
	}
}

func TestResolveRegion(t *testing.T) {
	t.Parallel()
	if got := resolveRegion("ap-south-1"); got != "ap-south-1" {
		t.Errorf("resolveRegion = %q", got)
	}
}

func TestExplainUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	cfg, err := Load(t.Context(), Options{Endpoint: url, MaxAttempts: 2, MaxBackoff: time.Millisecond, Credentials: StaticCredentials("AKIDTEST", "s3cr3t")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	err = Explain(err, url)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "cannot reach AWS at "+url+": check --aws-endpoint") {
		t.Errorf("Explain = %v", err)
	}
	if other := errors.New("x"); Explain(other, url) != other {
		t.Error("Explain changed an unrelated error")
	}
}

func TestQuietLoggerDropsOnlyTheNoiseWarnings(t *testing.T) {
	var buf bytes.Buffer
	l := quietLogger(&buf)
	l.Logf(logging.Warn, "falling back to IMDSv1: %v", "dial tcp: timeout")
	l.Logf(logging.Warn, "Response has no supported checksum. Not validating response payload.")
	if buf.Len() != 0 {
		t.Fatalf("noise warnings printed: %q", buf.String())
	}
	l.Logf(logging.Warn, "retrying %s", "PutObject")
	l.Logf(logging.Debug, "falling back to IMDSv1: %v", "x")
	if got := buf.String(); !strings.Contains(got, "retrying PutObject") || !strings.Contains(got, "DEBUG") {
		t.Fatalf("other messages dropped: %q", got)
	}
}
