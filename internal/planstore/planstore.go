// Package planstore keeps reviewed plans in the environment's state bucket, under
// plans/<env>/<sha256>.tfplan: the plan step saves the file it made and prints its
// ID (the SHA-256 of its bytes); the gated apply step fetches exactly that object,
// refuses it when its bytes no longer hash to the ID, and terraform refuses it when
// the state moved on (a stale plan). The bucket's default encryption (bootstrap)
// encrypts the objects, and its lifecycle rule expires them.
package planstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Prefix is where plans live in the state bucket; bootstrap's lifecycle rule expires
// objects under it.
const Prefix = "plans/"

// Sentinel errors, checked with errors.Is.
var (
	// ErrBadID: not the 64-hex SHA-256 that `plan --save` prints.
	ErrBadID = errors.New("a plan ID is the 64-character SHA-256 that `plan --save` printed")
	// ErrNotFound: no saved plan with that ID for the environment (or it expired).
	ErrNotFound = errors.New("no saved plan with this ID")
	// ErrTampered: the stored bytes do not hash to the ID.
	ErrTampered = errors.New("the saved plan's contents do not match its ID: it was changed after review")
)

// s3API lists the S3 calls the store makes.
type s3API interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Store is one environment's saved plans in its state bucket.
type Store struct {
	s3     s3API
	bucket string
	env    string
}

// New returns the store of env's plans in bucket.
func New(client *s3.Client, bucket, env string) *Store {
	return &Store{s3: client, bucket: bucket, env: env}
}

var idRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Key is the object key of plan id.
func (s *Store) Key(id string) string { return Prefix + s.env + "/" + id + ".tfplan" }

// URL names the object for messages.
func (s *Store) URL(id string) string { return "s3://" + s.bucket + "/" + s.Key(id) }

// ID is the SHA-256 of a plan's bytes, in hex.
func idOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Save uploads the plan file at path and returns its ID.
func (s *Store) Save(ctx context.Context, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read plan %s: %w", path, err)
	}
	id := idOf(data)
	// Create only (If-None-Match: *): a saved plan is never replaced, so no one can
	// swap the bytes a reviewer approved (the readonly role is allowed no other write).
	// The same ID already stored is the same plan: Fetch checks its bytes.
	_, err = s.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(s.Key(id)),
		Body:        bytes.NewReader(data),
		Metadata:    map[string]string{"environment": s.env},
		IfNoneMatch: aws.String("*"),
	})
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "PreconditionFailed" {
		return id, nil
	}
	if err != nil {
		return "", fmt.Errorf("save plan to %s: %w", s.URL(id), err)
	}
	return id, nil
}

// Fetch downloads plan id to path after checking its bytes hash to id.
func (s *Store) Fetch(ctx context.Context, id, path string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("%w: got %q", ErrBadID, id)
	}
	out, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.Key(id))})
	var noKey *s3types.NoSuchKey
	if errors.As(err, &noKey) {
		return fmt.Errorf("%w: %s (plans expire; plan again with --save)", ErrNotFound, s.URL(id))
	}
	if err != nil {
		return fmt.Errorf("fetch plan %s: %w", s.URL(id), err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return fmt.Errorf("fetch plan %s: %w", s.URL(id), err)
	}
	if got := idOf(data); got != id {
		return fmt.Errorf("%w: %s hashes to %s", ErrTampered, s.URL(id), got)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write plan %s: %w", path, err)
	}
	return nil
}
