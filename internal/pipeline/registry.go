package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"dagger/predictor/internal/imageref"
)

// manifestTypes are the media types a HEAD on a manifest accepts, so the registry
// returns the digest of the index or manifest that was pushed.
var manifestTypes = []string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}

// ManifestDigest asks a registry (Docker Registry HTTP API v2, which ECR serves) for
// the digest a tag points to, with basic authentication. It returns "" when the tag
// does not exist. registry is a host[:port]; plainHTTP is for a local registry.
func ManifestDigest(ctx context.Context, client *http.Client, registry, repository, tag, username, password string, plainHTTP bool) (string, error) {
	scheme := "https"
	if plainHTTP {
		scheme = "http"
	}
	u := url.URL{Scheme: scheme, Host: registry, Path: "/v2/" + repository + "/manifests/" + tag}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", strings.Join(manifestTypes, ", "))
	if username != "" || password != "" {
		req.SetBasicAuth(username, password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("look up %s:%s: %w", repository, tag, err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return "", nil
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("look up %s:%s: registry answered %s", repository, tag, resp.Status)
	}
	d := resp.Header.Get("Docker-Content-Digest")
	if !strings.HasPrefix(d, "sha256:") {
		return "", fmt.Errorf("look up %s:%s: registry returned no digest", repository, tag)
	}
	return d, nil
}

// SplitRepository splits an ECR repository URL (host/name) into registry host and name.
func SplitRepository(repo string) (registry, name string, err error) {
	return imageref.SplitRepository(repo)
}
