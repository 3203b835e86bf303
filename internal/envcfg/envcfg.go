// Package envcfg holds what deployctl knows about the predictor environments: their
// names, where their terraform state lives, how the S3 backend is configured and which
// variable file each one uses. Nothing here touches AWS.
package envcfg

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Names are the known environments, in display order.
var Names = []string{"dev", "prod", "local"}

// Sentinel errors, checked with errors.Is.
var (
	// ErrUnknownEnv: the environment name is not one of Names.
	ErrUnknownEnv = errors.New("unknown environment")
	// ErrNoEnv: no environment was given where one is required.
	ErrNoEnv = errors.New("no environment given")
	// ErrBadRegion: the region does not look like an AWS region name.
	ErrBadRegion = errors.New("invalid region")
)

// Validate checks that name is a known environment. The error is one line that says
// what to use instead.
func Validate(name string) error {
	if name == "" {
		return fmt.Errorf("%w: pass --env with one of %s", ErrNoEnv, strings.Join(Names, ", "))
	}
	if !slices.Contains(Names, name) {
		return fmt.Errorf("%w %q: use one of %s", ErrUnknownEnv, name, strings.Join(Names, ", "))
	}
	return nil
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ValidateRegion checks that region looks like an AWS region name (us-east-1).
func ValidateRegion(region string) error {
	if !regionRE.MatchString(region) {
		return fmt.Errorf("%w %q: use a region name such as us-east-1", ErrBadRegion, region)
	}
	return nil
}

// StateKey is the S3 key of env's terraform state.
func StateKey(env string) string {
	return "predictor/" + env + "/terraform.tfstate"
}

// VarFile is the path of env's terraform variable file under the infra root.
func VarFile(infraDir, env string) string {
	return filepath.Join(infraDir, "envs", env+".tfvars")
}

// DefaultStateBucket is the state bucket name derived from the account and region, so
// that it cannot collide with another account's bucket.
func DefaultStateBucket(account, region string) string {
	return "predictor-tfstate-" + account + "-" + region
}

// Backend is the S3 backend configuration of one environment.
type Backend struct {
	Bucket string
	Key    string
	Region string
	// Endpoint, when set, points the backend's S3 and STS calls at an emulator.
	Endpoint string
}

// NewBackend returns env's backend configuration.
func NewBackend(env, bucket, region, endpoint string) Backend {
	return Backend{Bucket: bucket, Key: StateKey(env), Region: region, Endpoint: endpoint}
}

// Render returns the backend configuration as the HCL text of a -backend-config file.
func (b Backend) Render() string {
	var s strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&s, "%-27s = %s\n", k, v) }
	kv("bucket", strconv.Quote(b.Bucket))
	kv("key", strconv.Quote(b.Key))
	kv("region", strconv.Quote(b.Region))
	kv("use_lockfile", "true")
	kv("encrypt", "true")
	if b.Endpoint != "" {
		kv("use_path_style", "true")
		kv("skip_credentials_validation", "true")
		kv("skip_metadata_api_check", "true")
		kv("skip_region_validation", "true")
		fmt.Fprintf(&s, "endpoints = {\n  s3  = %s\n  sts = %s\n}\n", strconv.Quote(b.Endpoint), strconv.Quote(b.Endpoint))
	}
	return s.String()
}

// EmulatorAccountID is the account moto answers GetCallerIdentity with.
const EmulatorAccountID = "123456789012"

// AccountIDVar is the environment variable `deployctl verify` reads the expected account
// ID from when --account-id is not given. Account IDs differ per fork and environment,
// so they live with the credentials (a CI environment's variables), not in the repo.
const AccountIDVar = "PREDICTOR_ACCOUNT_ID"

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// ExpectedAccount is the account ID env's deploys must run in: given (--account-id or
// $PREDICTOR_ACCOUNT_ID) when set, the emulator's account for local, else "" (not
// checked). A malformed given ID is an error naming the fix.
func ExpectedAccount(env, given string) (string, error) {
	if given != "" {
		if !accountRE.MatchString(given) {
			return "", fmt.Errorf("invalid account ID %q: pass the 12 digits of the environment's AWS account (--account-id or %s)", given, AccountIDVar)
		}
		return given, nil
	}
	if env == "local" {
		return EmulatorAccountID, nil
	}
	return "", nil
}
