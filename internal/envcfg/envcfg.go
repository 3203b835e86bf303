// Package envcfg holds what deployctl knows about the predictor environments: their
// names and properties (read from infra/envs/*.tfvars, the one list), where their
// terraform state lives, how the S3 backend is configured and which variable file each
// one uses. Nothing here touches AWS.
package envcfg

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	"dagger/predictor/infra/envs"
)

// Env is one environment: infra/envs/<Name>.tfvars and the properties it sets there.
type Env struct {
	Name string
	// Protected (tfvars `protected = true`, as prod): apply needs a reviewed plan or
	// --confirm NAME, a deploy never accepts a changed plan, destroy needs --break-glass.
	Protected bool
	// Emulator (tfvars `emulator = true`, as local): the AWS emulator, with its test
	// credentials and account; each Dagger call starts its own, empty.
	Emulator bool
	// PromoteFrom (tfvars `promote_from = "dev"`, as prod) names the environment whose
	// completed releases this one ships: its deploy builds nothing and copies the image
	// of such a release by digest. Empty: the deploy builds the image.
	PromoteFrom string
}

// All are the known environments in display order: real AWS ones by name, then the
// emulator ones. Read once from the embedded infra/envs/*.tfvars; a broken file leaves
// it empty and every Validate returns errLoad, naming the file.
var All, errLoad = load(envs.Files)

// Names are the known environments' names, in display order.
var Names = names(All)

// lookup returns the environment called name.
func lookup(name string) (Env, bool) {
	i := slices.IndexFunc(All, func(e Env) bool { return e.Name == name })
	if i < 0 {
		return Env{}, false
	}
	return All[i], true
}

// Protected reports whether env is a protected environment (see Env.Protected).
func Protected(env string) bool { e, _ := lookup(env); return e.Protected }

// Emulator reports whether env runs on the AWS emulator (see Env.Emulator).
func Emulator(env string) bool { e, _ := lookup(env); return e.Emulator }

// PromoteFrom is the environment env promotes releases from, "" when env builds its
// own image (see Env.PromoteFrom).
func PromoteFrom(env string) string { e, _ := lookup(env); return e.PromoteFrom }

// TaskFamily is the task definition family of env's service, as infra/modules/ecs
// names it (project "predictor-model"); a promotion reads the source environment's
// release history from it before anything of the target exists in outputs.
func TaskFamily(env string) string { return "predictor-model-" + env + "-backend" }

// Deployable are the names of the environments on real AWS (every one but the
// emulator's), in display order: the ones CI deploys and github-oidc gives roles.
func Deployable() []string {
	var out []string
	for _, e := range All {
		if !e.Emulator {
			out = append(out, e.Name)
		}
	}
	return out
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)

// load reads the environments of a directory of <name>.tfvars files. A file must parse
// as HCL, set `environment` to its own name, and may set `protected` and `emulator`.
func load(fsys fs.FS) ([]Env, error) {
	files, err := fs.Glob(fsys, "*.tfvars")
	if err != nil {
		return nil, fmt.Errorf("list environment files: %w", err)
	}
	if len(files) == 0 {
		return nil, errors.New("no environment files (<name>.tfvars)")
	}
	p := hclparse.NewParser()
	var all []Env
	for _, f := range files {
		e, err := loadOne(fsys, p, f)
		if err != nil {
			return nil, err
		}
		all = append(all, e)
	}
	if err := checkPromotions(all); err != nil {
		return nil, err
	}
	slices.SortStableFunc(all, func(a, b Env) int {
		if a.Emulator != b.Emulator {
			if a.Emulator {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return all, nil
}

func loadOne(fsys fs.FS, p *hclparse.Parser, file string) (Env, error) {
	e := Env{Name: strings.TrimSuffix(path.Base(file), ".tfvars")}
	if !nameRE.MatchString(e.Name) {
		return e, fmt.Errorf("environment file %s: the name must be 1-16 lowercase letters, digits or hyphens, starting with a letter", file)
	}
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return e, fmt.Errorf("read environment file %s: %w", file, err)
	}
	f, diags := p.ParseHCL(b, file)
	if diags.HasErrors() {
		return e, fmt.Errorf("parse environment file %s: %w", file, diags)
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return e, fmt.Errorf("parse environment file %s: %w", file, diags)
	}
	env, err := attrValue(attrs, "environment", cty.String)
	if err != nil || env.IsNull() || env.AsString() != e.Name {
		return e, fmt.Errorf("environment file %s: set environment = %q (the file's name)", file, e.Name)
	}
	for name, dst := range map[string]*bool{"protected": &e.Protected, "emulator": &e.Emulator} {
		v, err := attrValue(attrs, name, cty.Bool)
		if err != nil {
			return e, fmt.Errorf("environment file %s: %s must be true or false: %w", file, name, err)
		}
		*dst = !v.IsNull() && v.True()
	}
	if e.Protected && e.Emulator {
		return e, fmt.Errorf("environment file %s: an emulator environment cannot be protected", file)
	}
	from, err := attrValue(attrs, "promote_from", cty.String)
	if err != nil {
		return e, fmt.Errorf("environment file %s: promote_from must be an environment name in quotes: %w", file, err)
	}
	if !from.IsNull() {
		e.PromoteFrom = from.AsString()
	}
	return e, nil
}

// checkPromotions refuses a promote_from that names no other real environment: a
// release can only be promoted from an environment that exists, is not the emulator
// (its releases vanish with each run) and is not the environment itself, and the chain
// must end in an environment that builds.
func checkPromotions(all []Env) error {
	byName := map[string]Env{}
	for _, e := range all {
		byName[e.Name] = e
	}
	for _, e := range all {
		if e.PromoteFrom == "" {
			continue
		}
		src, ok := byName[e.PromoteFrom]
		switch {
		case !ok:
			return fmt.Errorf("environment file %s.tfvars: promote_from = %q names no environment file", e.Name, e.PromoteFrom)
		case src.Name == e.Name:
			return fmt.Errorf("environment file %s.tfvars: promote_from names the environment itself", e.Name)
		case src.Emulator || e.Emulator:
			return fmt.Errorf("environment file %s.tfvars: promote_from between the emulator and a real environment cannot work (separate accounts and registries)", e.Name)
		}
		seen := map[string]bool{e.Name: true}
		for s := src; s.PromoteFrom != ""; s = byName[s.PromoteFrom] {
			if seen[s.Name] {
				return fmt.Errorf("environment file %s.tfvars: promote_from forms a cycle through %s: one environment of the chain must build", e.Name, s.Name)
			}
			seen[s.Name] = true
		}
	}
	return nil
}

// attrValue is the literal value of attribute name converted to ty, null when unset.
func attrValue(attrs hcl.Attributes, name string, ty cty.Type) (cty.Value, error) {
	a, ok := attrs[name]
	if !ok {
		return cty.NullVal(ty), nil
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if !v.Type().Equals(ty) {
		return cty.NilVal, fmt.Errorf("got %s", v.Type().FriendlyName())
	}
	return v, nil
}

func names(all []Env) []string {
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = e.Name
	}
	return out
}

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
	if errLoad != nil {
		return fmt.Errorf("infra/envs (built into this binary): %w: fix the file and rebuild", errLoad)
	}
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
// $PREDICTOR_ACCOUNT_ID) when set, the emulator's account for an emulator environment
// (local), else "" (not checked). A malformed given ID is an error naming the fix.
func ExpectedAccount(env, given string) (string, error) {
	if given != "" {
		if !accountRE.MatchString(given) {
			return "", fmt.Errorf("invalid account ID %q: pass the 12 digits of the environment's AWS account (--account-id or %s)", given, AccountIDVar)
		}
		return given, nil
	}
	if Emulator(env) {
		return EmulatorAccountID, nil
	}
	return "", nil
}
