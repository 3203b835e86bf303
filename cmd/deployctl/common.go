package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/bootstrap"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/tf"
)

// globals are the flags every subcommand accepts (CONTRACTS.md, "deployctl CLI").
// Defaults come from the standard AWS environment variables.
type globals struct {
	// env is one of infra/envs/<name>.tfvars (envcfg.Names).
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
	fs.StringVar(&g.region, "region", defaultRegion(), "AWS region ($AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1)")
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

// cmd is a subcommand's common setup: its flag set, the global flags and, for the
// subcommands that run terraform, the terraform flags. Each subcommand adds its own
// flags to fs, then calls parse.
type cmd struct {
	fs  *flag.FlagSet
	g   *globals
	tfl *tfFlags // nil without withTerraform
	// envNeeded reports whether --env is required (g.validate) rather than optional
	// (g.validateNoEnv); asked after parsing, so it may read the subcommand's flags.
	envNeeded func() bool
	// helpNote is printed after the flags on -h.
	helpNote string
}

// newCmd's second argument: whether the subcommand takes the terraform flags.
const (
	withTerraform = true
	noTerraform   = false
)

// newCmd sets up subcommand name with the global flags (and the terraform flags when
// terraform is true); --env is required unless envOptional is called.
func newCmd(name string, terraform bool) *cmd {
	c := &cmd{fs: newFlagSet(name), envNeeded: func() bool { return true }}
	c.g = addGlobals(c.fs)
	if terraform {
		c.tfl = addTFFlags(c.fs)
	}
	return c
}

// envOptional makes --env optional: when it is given it must still be known.
func (c *cmd) envOptional() *cmd {
	c.envNeeded = func() bool { return false }
	return c
}

// parse parses args and validates the globals, before anything touches AWS or
// terraform. ok is false when the caller should return code at once: 0 after -h, 1
// after bad input (one line on stderr).
func (c *cmd) parse(args []string, stderr io.Writer) (code int, ok bool) {
	if code, ok := parseFlags(c.fs, args, stderr); !ok {
		if code == exitcode.OK && c.helpNote != "" {
			fmt.Fprint(stderr, c.helpNote)
		}
		return code, false
	}
	validate := c.g.validateNoEnv
	if c.envNeeded() {
		validate = c.g.validate
	}
	if err := validate(); err != nil {
		return fail(stderr, c.fs, err), false
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

// tfFlags are the terraform options of plan, apply, outputs and drift.
type tfFlags struct {
	lockTimeout time.Duration
	pluginCache string
}

func addTFFlags(fs *flag.FlagSet) *tfFlags {
	t := &tfFlags{}
	fs.DurationVar(&t.lockTimeout, "lock-timeout", tf.DefaultLockTimeout, "how long to wait for the state lock")
	fs.StringVar(&t.pluginCache, "plugin-cache-dir", os.Getenv("TF_PLUGIN_CACHE_DIR"), "terraform provider plugin cache (default $TF_PLUGIN_CACHE_DIR)")
	return t
}

// path resolves p against the workdir unless it is absolute.
func (g *globals) path(p string) (string, error) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(g.workdir, p)
	}
	return filepath.Abs(p)
}

// awsConfig loads the SDK configuration and checks that credentials are present.
func (g *globals) awsConfig(ctx context.Context) (aws.Config, error) {
	return awsx.LoadChecked(ctx, awsx.Options{Region: g.region, Endpoint: g.endpoint})
}

// bucket is --state-bucket, else the account's default state bucket name.
func (g *globals) bucket(ctx context.Context, cfg aws.Config) (string, error) {
	if g.stateBucket != "" {
		return g.stateBucket, nil
	}
	b, err := bootstrap.DefaultBucket(ctx, cfg, g.region)
	return b, g.unreachable(err)
}

// unreachable puts what to check in front of an error that never reached AWS.
func (g *globals) unreachable(err error) error {
	var ne net.Error
	if err == nil || !errors.As(err, &ne) {
		return err
	}
	where := "AWS in " + g.region
	if g.endpoint != "" {
		where = g.endpoint
	}
	return fmt.Errorf("cannot reach %s (check --aws-endpoint, AWS_ENDPOINT_URL and the network): %w", where, err)
}

// session is an initialized terraform working directory for g.env.
type session struct {
	tf     *tf.Terraform
	bucket string
	key    string
}

// terraform prepares and initializes terraform for g.env: credentials checked, the
// state bucket found (or a pointer to `deployctl bootstrap`), the infra directory and
// var file present, the backend config file written to a temporary directory, and
// TF_DATA_DIR kept per environment under <workdir>/.deployctl/<env>. Terraform's own
// output goes to log. cleanup removes the temporary files.
func (g *globals) terraform(ctx context.Context, tfl *tfFlags, log io.Writer) (s *session, cleanup func(), err error) {
	cleanup = func() {}
	infra, err := filepath.Abs(g.infraDir)
	if err != nil {
		return nil, cleanup, fmt.Errorf("resolve --infra-dir %s: %w", g.infraDir, err)
	}
	if st, err := os.Stat(infra); err != nil || !st.IsDir() {
		return nil, cleanup, fmt.Errorf("infra directory %s not found: run from the repository root or pass --infra-dir", infra)
	}
	varFile := envcfg.VarFile(infra, g.env)
	if _, err := os.Stat(varFile); err != nil {
		return nil, cleanup, fmt.Errorf("variable file %s not found: every environment needs infra/envs/<env>.tfvars", varFile)
	}
	bin, err := tf.LookPath()
	if err != nil {
		return nil, cleanup, err
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return nil, cleanup, err
	}
	bucket, err := g.bucket(ctx, cfg)
	if err != nil {
		return nil, cleanup, err
	}
	if err := bootstrap.Exists(ctx, bootstrap.NewS3(cfg, g.endpoint), bucket); errors.Is(err, bootstrap.ErrNoBucket) {
		return nil, cleanup, fmt.Errorf("%w: run `deployctl bootstrap --env %s` first", err, g.env)
	} else if err != nil {
		return nil, cleanup, g.unreachable(err)
	}
	work, err := g.path("")
	if err != nil {
		return nil, cleanup, fmt.Errorf("resolve --workdir %s: %w", g.workdir, err)
	}
	dataDir := filepath.Join(work, ".deployctl", g.env)
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, cleanup, fmt.Errorf("create terraform data directory: %w", err)
	}
	if tfl.pluginCache != "" {
		if err := os.MkdirAll(tfl.pluginCache, 0o755); err != nil {
			return nil, cleanup, fmt.Errorf("create plugin cache %s: %w", tfl.pluginCache, err)
		}
	}
	tmp, err := os.MkdirTemp("", "deployctl-")
	if err != nil {
		return nil, cleanup, fmt.Errorf("create temporary directory: %w", err)
	}
	cleanup = func() { _ = os.RemoveAll(tmp) }
	backend := envcfg.NewBackend(g.env, bucket, g.region, g.endpoint)
	backendFile := filepath.Join(tmp, "backend.hcl")
	if err := os.WriteFile(backendFile, []byte(backend.Render()), 0o600); err != nil {
		return nil, cleanup, fmt.Errorf("write backend config: %w", err)
	}
	vars := []tf.Var{{Name: "environment", Value: g.env}, {Name: "aws_region", Value: g.region}}
	if g.endpoint != "" {
		vars = append(vars, tf.Var{Name: "aws_endpoint", Value: g.endpoint})
	}
	t := &tf.Terraform{
		Bin: bin,
		Config: tf.Config{
			Dir: infra, DataDir: filepath.Join(dataDir, "terraform"), BackendConfigFile: backendFile,
			VarFile: varFile, Vars: vars, Endpoint: g.endpoint, LockTimeout: tfl.lockTimeout, PluginCacheDir: tfl.pluginCache,
		},
		KeepDir: work,
		Log:     log,
	}
	if err := t.Init(ctx); err != nil {
		return nil, cleanup, err
	}
	return &session{tf: t, bucket: bucket, key: backend.Key}, cleanup, nil
}
