// Package tfroots holds the small Terraform roots that end-to-end tests apply to the
// emulator in place of infra/. Each keeps infra/'s contract with deployctl: the
// environment, aws_region and aws_endpoint variables, envs/<env>.tfvars and a
// partial S3 backend. What the roots share (that contract, the provider set up for
// the emulator, the pinned versions, the service outputs) is written once under
// roots/, and Write assembles a root from its parts.
package tfroots

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"
)

//go:embed roots
var files embed.FS

// parts names each root's directories under roots/, in the order they are copied.
var parts = map[string][]string{
	// mini: a bucket, a VPC, a security group, a log group and hooks that break the
	// state save, for tests of deployctl's mechanics (state recovery, saved plans).
	"mini": {"base", "mini"},
	// destroy: two versioned buckets without force_destroy, which destroy empties.
	"destroy": {"base", "destroy"},
	// releasediff: a task definition whose size and environment the test changes.
	"releasediff": {"base", "service", "releasediff"},
	// servicedrift: one bucket, beside a service the test makes through the SDK.
	"servicedrift": {"base", "service", "servicedrift"},
}

// Write assembles root name in dir (created when missing). Two parts that hold the
// same file are an error, so no part silently replaces another's.
func Write(dir, name string) error {
	ps, ok := parts[name]
	if !ok {
		return fmt.Errorf("write terraform root %q: no such root", name)
	}
	from := map[string]string{}
	for _, p := range ps {
		src := path.Join("roots", p)
		err := fs.WalkDir(files, src, func(file string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel := file[len(src)+1:]
			if other, dup := from[rel]; dup {
				return fmt.Errorf("%s is in parts %s and %s", rel, other, p)
			}
			from[rel] = p
			return copyFile(file, filepath.Join(dir, filepath.FromSlash(rel)))
		})
		if err != nil {
			return fmt.Errorf("write terraform root %s: %w", name, err)
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	b, err := files.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// Dir writes root name into a new temporary directory of tb's and returns its path.
func Dir(tb testing.TB, name string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), name)
	if err := Write(dir, name); err != nil {
		tb.Fatal(err)
	}
	return dir
}
