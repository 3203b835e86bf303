// Package awsx builds the aws-sdk-go-v2 configuration every deployctl command shares:
// the region, an optional endpoint override for an emulator (--aws-endpoint or the
// standard AWS_ENDPOINT_URL, applied as the SDK's BaseEndpoint), the standard retryer
// with exponential backoff for throttling and a bounded number of attempts, and
// credentials from the standard chain. LoadChecked fails early, before any change
// is made in AWS, with one line saying how to provide credentials. Nothing here logs or
// returns credential values.
package awsx

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws/smithy-go/logging"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Defaults for the retryer.
const (
	defaultRegion      = "us-east-1"
	defaultMaxAttempts = 6
	defaultMaxBackoff  = 20 * time.Second
)

// ErrNoCredentials means the standard credential chain found nothing usable.
var ErrNoCredentials = errors.New("no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary ones), or run in a role")

// Options select the account, region and endpoint. Zero values mean the defaults.
type Options struct {
	// Region; empty means $AWS_REGION, then $AWS_DEFAULT_REGION, then us-east-1.
	Region string
	// Endpoint overrides every service endpoint (an emulator such as moto); empty
	// means $AWS_ENDPOINT_URL, and when that is empty too, real AWS.
	Endpoint string
	// MaxAttempts per API call, the first included (default $AWS_MAX_ATTEMPTS, else 6).
	MaxAttempts int
	// MaxBackoff caps the jittered exponential delay between attempts (default 20 s).
	MaxBackoff time.Duration
	// Credentials replaces the standard chain (tests use static credentials).
	Credentials aws.CredentialsProvider
	// Extra load options, applied last.
	Extra []func(*config.LoadOptions) error
}

// resolveRegion applies the documented region defaults.
func resolveRegion(region string) string {
	for _, r := range []string{region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")} {
		if r = strings.TrimSpace(r); r != "" {
			return r
		}
	}
	return defaultRegion
}

// resolveEndpoint returns endpoint, or $AWS_ENDPOINT_URL when endpoint is empty.
func resolveEndpoint(endpoint string) string {
	if endpoint = strings.TrimSpace(endpoint); endpoint != "" {
		return endpoint
	}
	return strings.TrimSpace(os.Getenv("AWS_ENDPOINT_URL"))
}

// newRetryer returns the standard retryer with the given attempts (0: $AWS_MAX_ATTEMPTS,
// else defaultMaxAttempts) and backoff cap.
// Throttling errors (ThrottlingException, 429, ...) are retried with jittered
// exponential backoff; the client-side retry quota is disabled so a long watch that
// meets throttling keeps backing off instead of failing with "retry quota exceeded".
func newRetryer(maxAttempts int, maxBackoff time.Duration) aws.Retryer {
	if maxAttempts <= 0 {
		maxAttempts = defaultMaxAttempts
		if n, err := strconv.Atoi(os.Getenv("AWS_MAX_ATTEMPTS")); err == nil && n > 0 {
			maxAttempts = n
		}
	}
	if maxBackoff <= 0 {
		maxBackoff = defaultMaxBackoff
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// Load builds the SDK configuration. It does not contact AWS.
func Load(ctx context.Context, opts Options) (aws.Config, error) {
	lo := []func(*config.LoadOptions) error{
		config.WithLogger(quietLogger(os.Stderr)),
		config.WithRegion(resolveRegion(opts.Region)),
		config.WithRetryer(func() aws.Retryer { return newRetryer(opts.MaxAttempts, opts.MaxBackoff) }),
	}
	if ep := resolveEndpoint(opts.Endpoint); ep != "" {
		lo = append(lo, config.WithBaseEndpoint(ep))
	}
	if opts.Credentials != nil {
		lo = append(lo, config.WithCredentialsProvider(opts.Credentials))
	}
	lo = append(lo, opts.Extra...)
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		// Errors from shared config files name files and profiles, never secrets.
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// quietLogger is the SDK's standard logger minus two warnings that break deployctl's
// one-line errors without telling the user anything to act on: the IMDS client's
// "falling back to IMDSv1" when no credentials exist off EC2 (requireCredentials then
// says what to set), and S3's "no supported checksum" from emulators.
func quietLogger(w io.Writer) logging.Logger {
	std := logging.NewStandardLogger(w)
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		if c == logging.Warn && (strings.HasPrefix(format, "falling back to IMDSv1") || strings.HasPrefix(format, "Response has no supported checksum")) {
			return
		}
		std.Logf(c, format, v...)
	})
}

// requireCredentials resolves credentials once through the configured chain and fails
// with ErrNoCredentials when none are found. Call it before any change in AWS.
func requireCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return ErrNoCredentials
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("resolve AWS credentials: %w", ctx.Err())
		}
		// The chain's error lists every provider tried; the short sentinel is clearer.
		return ErrNoCredentials
	}
	if !creds.HasKeys() {
		return ErrNoCredentials
	}
	return nil
}

// LoadChecked is Load followed by requireCredentials.
func LoadChecked(ctx context.Context, opts Options) (aws.Config, error) {
	cfg, err := Load(ctx, opts)
	if err != nil {
		return aws.Config{}, err
	}
	if err := requireCredentials(ctx, cfg); err != nil {
		return aws.Config{}, err
	}
	return cfg, nil
}

// StaticCredentials is a provider for fixed keys (tests and emulators).
func StaticCredentials(id, secret string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, Source: "static"}, nil
	})
}

// ErrUnreachable: the endpoint could not be reached (connection refused, DNS, timeout).
var ErrUnreachable = errors.New("cannot reach AWS")

// Explain adds what to do to errors whose cause is an unreachable endpoint; other
// errors are returned as they are. endpoint is the override in use ("" = real AWS).
func Explain(err error, endpoint string) error {
	if err == nil {
		return nil
	}
	var op *net.OpError
	var dns *net.DNSError
	if !errors.As(err, &op) && !errors.As(err, &dns) {
		return err
	}
	where := "the regional AWS endpoint: check the network, proxy and region"
	if ep := resolveEndpoint(endpoint); ep != "" {
		where = ep + ": check --aws-endpoint (or AWS_ENDPOINT_URL) and that the emulator is running"
	}
	return fmt.Errorf("%w at %s: %w", ErrUnreachable, where, err)
}
