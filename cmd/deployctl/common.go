package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
)

// globals are the flags every subcommand accepts (CONTRACTS.md, "deployctl CLI").
// Defaults come from the standard AWS environment variables.
type globals struct {
	// env is dev, prod or local.
	env string
	// region defaults to $AWS_REGION, then $AWS_DEFAULT_REGION, then us-east-1.
	region string
	// endpoint is the emulator URL (--aws-endpoint, default $AWS_ENDPOINT_URL); empty
	// means real AWS.
	endpoint string
	// infraDir is the terraform root module (default ./infra).
	infraDir string
	// stateBucket overrides the derived predictor-tfstate-<account>-<region>.
	stateBucket string
	// workdir receives plan files and anything terraform leaves for recovery.
	workdir string
}

// newFlagSet returns a flag set for subcommand name that reports errors itself (see
// parseFlags), so bad input ends with one line.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("deployctl "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// addGlobals registers the common flags on fs.
func addGlobals(fs *flag.FlagSet) *globals {
	g := &globals{}
	fs.StringVar(&g.env, "env", "", "environment: "+joinNames())
	fs.StringVar(&g.region, "region", defaultRegion(), "AWS region (default $AWS_REGION or us-east-1)")
	fs.StringVar(&g.endpoint, "aws-endpoint", os.Getenv("AWS_ENDPOINT_URL"), "AWS endpoint URL of an emulator (default $AWS_ENDPOINT_URL; empty = real AWS)")
	fs.StringVar(&g.infraDir, "infra-dir", "infra", "terraform root module directory")
	fs.StringVar(&g.stateBucket, "state-bucket", "", "terraform state bucket (default predictor-tfstate-<account>-<region>)")
	fs.StringVar(&g.workdir, "workdir", ".", "directory for plan files and recovery state")
	return g
}

// parseFlags parses args into fs. ok is false when the caller should return code at
// once: 0 after -h (flags printed to stderr), 1 after bad input (one line on stderr).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stderr, "usage: %s [flags]\n\nflags:\n", fs.Name())
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return exitcode.OK, false
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v: run `%s -h` for the flags\n", fs.Name(), err, fs.Name())
		return exitcode.Error, false
	}
	return exitcode.OK, true
}

// validate checks the globals of a subcommand that needs an environment, before
// anything touches AWS or terraform.
func (g *globals) validate() error {
	if err := envcfg.Validate(g.env); err != nil {
		return err
	}
	return g.validateNoEnv()
}

// validateNoEnv checks the globals of a subcommand where --env is optional: when it is
// given it must be known.
func (g *globals) validateNoEnv() error {
	if g.env != "" {
		if err := envcfg.Validate(g.env); err != nil {
			return err
		}
	}
	if err := envcfg.ValidateRegion(g.region); err != nil {
		return err
	}
	if g.endpoint != "" {
		u, err := url.Parse(g.endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("invalid --aws-endpoint %q: use a URL such as http://127.0.0.1:5000, or leave it empty for real AWS", g.endpoint)
		}
	}
	return nil
}

// fail prints err as one line prefixed by the subcommand (fs.Name()) and returns
// exitcode.Error.
func fail(stderr io.Writer, fs *flag.FlagSet, err error) int {
	return failCode(stderr, fs, err, exitcode.Error)
}

// failCode is fail with a specific exit status.
func failCode(stderr io.Writer, fs *flag.FlagSet, err error, code int) int {
	fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
	return code
}

func defaultRegion() string {
	for _, v := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r := os.Getenv(v); r != "" {
			return r
		}
	}
	return "us-east-1"
}

func joinNames() string {
	s := ""
	for i, n := range envcfg.Names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
