// Package ecrlogin gets registry credentials for an ECR repository and writes them as
// three files (registry, username, password; mode 0600) for the Dagger layer to turn
// into a secret. The password is never returned in an error or printed: Credentials
// formats itself with the password redacted.
package ecrlogin

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/predictor/internal/imageref"
)

// ErrBadToken: ECR returned no token, or one that is not base64 "user:password".
var ErrBadToken = errors.New("unusable ECR authorization token")

// ecrAPI is the part of the ECR API used here.
type ecrAPI interface {
	GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

// Client gets ECR credentials.
type Client struct{ ecr ecrAPI }

// New returns a Client using api.
func New(api *ecr.Client) *Client { return &Client{ecr: api} }

// Credentials for one registry.
type Credentials struct {
	Registry  string
	Username  string
	Password  string
	ExpiresAt time.Time
}

// String redacts the password.
func (c Credentials) String() string {
	return fmt.Sprintf("registry=%s username=%s password=<redacted>", c.Registry, c.Username)
}

// GoString redacts the password in %#v too.
func (c Credentials) GoString() string { return "ecrlogin.Credentials{" + c.String() + "}" }

// RegistryHost returns the registry host of a repository URL
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME, with or without https://).
func RegistryHost(repositoryURL string) (string, error) {
	u := strings.TrimSpace(repositoryURL)
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	host, _, err := imageref.SplitRepository(u)
	if err != nil {
		return "", fmt.Errorf("parse repository URL %q: no registry host: pass ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME: %w", repositoryURL, err)
	}
	return host, nil
}

// Login gets a token for the registry of repositoryURL.
func (c *Client) Login(ctx context.Context, repositoryURL string) (Credentials, error) {
	host, err := RegistryHost(repositoryURL)
	if err != nil {
		return Credentials{}, err
	}
	out, err := c.ecr.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return Credentials{}, fmt.Errorf("get ECR authorization token for %s: %w", host, err)
	}
	if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil {
		return Credentials{}, fmt.Errorf("get ECR authorization token for %s: %w: none returned", host, ErrBadToken)
	}
	d := out.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(d.AuthorizationToken))
	if err != nil {
		// Never wrap the decoding error: it could quote the token.
		return Credentials{}, fmt.Errorf("decode ECR authorization token for %s: %w: not base64", host, ErrBadToken)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return Credentials{}, fmt.Errorf("decode ECR authorization token for %s: %w: not user:password", host, ErrBadToken)
	}
	return Credentials{Registry: host, Username: user, Password: pass, ExpiresAt: aws.ToTime(d.ExpiresAt)}, nil
}

// Write stores c as dir/registry, dir/username and dir/password, each 0600 (dir is
// created 0700 if missing). Each file holds the value without a trailing newline.
func Write(dir string, c Credentials) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create credentials directory %s: %w", dir, err)
	}
	for _, f := range []struct{ name, value string }{
		{"registry", c.Registry}, {"username", c.Username}, {"password", c.Password},
	} {
		path := filepath.Join(dir, f.name)
		// Remove first so an existing file with wider permissions is not reused.
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("replace %s: %w", path, err)
		}
		if err := os.WriteFile(path, []byte(f.value), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
