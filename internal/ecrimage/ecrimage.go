// Package ecrimage answers "which digest does this tag hold?" through the ECR API
// (DescribeImages), so publishing an already-pushed tag needs neither a registry
// request of our own nor the registry password; and it copies an image from one
// repository to another by digest over the registry API (copy.go), which is how a
// release is promoted without a rebuild.
package ecrimage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"dagger/predictor/internal/imageref"
)

// ecrAPI is the part of the ECR API used here.
type ecrAPI interface {
	DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
}

// Client looks up images.
type Client struct{ ecr ecrAPI }

// New returns a Client using api.
func New(api *ecr.Client) *Client { return &Client{ecr: api} }

// TagDigest returns the digest tag holds in the repository at repositoryURL
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME), or "" when the tag does not exist.
func (c *Client) TagDigest(ctx context.Context, repositoryURL, tag string) (string, error) {
	u := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(repositoryURL), "https://"), "http://")
	_, name, err := imageref.SplitRepository(u)
	if err != nil {
		return "", fmt.Errorf("parse repository URL %q: pass ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME: %w", repositoryURL, err)
	}
	if tag == "" {
		return "", errors.New("no tag given: pass the image tag to look up")
	}
	out, err := c.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{
		RepositoryName: aws.String(name),
		ImageIds:       []types.ImageIdentifier{{ImageTag: aws.String(tag)}},
	})
	var notFound *types.ImageNotFoundException
	if errors.As(err, &notFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("describe image %s:%s: %w", name, tag, err)
	}
	for _, d := range out.ImageDetails {
		if d.ImageDigest != nil {
			return *d.ImageDigest, nil
		}
	}
	return "", nil
}
