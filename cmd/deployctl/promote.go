package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-containerregistry/pkg/authn"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/ecrimage"
	"dagger/predictor/internal/ecrlogin"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/imageref"
	"dagger/predictor/internal/rollout"
)

func init() {
	register(command{name: "promote", summary: "copy the image of a completed release of the environment this one promotes from (prod: dev), by digest", run: runPromote})
}

// ErrNotPromotable: the digest has no completed release in the source environment.
var ErrNotPromotable = errors.New("no completed release")

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// promotion is what promote picked and did; --report-json writes it.
type promotion struct {
	// From is the source environment, Source its release (ENV:REVISION; "" with
	// break-glass and no such release).
	From   string `json:"from"`
	Source string `json:"source,omitempty"`
	// SourceImage is the image copied (REPO@sha256:...).
	SourceImage string `json:"sourceImage"`
	Digest      string `json:"digest"`
	Version     string `json:"version"`
	// Image is the copy in this environment's repository ("" with --check).
	Image      string `json:"image,omitempty"`
	BreakGlass bool   `json:"breakGlass,omitempty"`
}

// Line is the final line promote prints; ctl.ParsePromotion reads it.
func (p promotion) Line() string {
	return fmt.Sprintf("promotion from=%s source=%s digest=%s version=%s image=%s break-glass=%v",
		p.From, orDash(p.Source), p.Digest, p.Version, orDash(p.Image), p.BreakGlass)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type promoteFlags struct {
	digest, repoURL, fromFamily, fromRepo, reportJSON string
	breakGlass, check                                 bool
}

func runPromote(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("promote", withTerraform)
	fs, g := sub.fs, sub.g
	var f promoteFlags
	fs.StringVar(&f.digest, "image-digest", "", "sha256:... to promote; it must have a completed release in the source environment (default: its newest completed release)")
	fs.BoolVar(&f.breakGlass, "break-glass", false, "promote --image-digest although the source environment never completed a release of it (recorded with the release)")
	fs.BoolVar(&f.check, "check", false, "only pick and check the release to promote: copy nothing")
	fs.StringVar(&f.repoURL, "repository-url", "", "this environment's repository (default: terraform output ecr_repository_url)")
	fs.StringVar(&f.fromFamily, "from-task-family", "", "the source environment's task definition family (default: predictor-model-<source>-backend)")
	fs.StringVar(&f.fromRepo, "from-repository-url", "", "the source environment's repository, for --break-glass (default: that of its newest release)")
	fs.StringVar(&f.reportJSON, "report-json", "", "also write the promotion as JSON to this file")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	from := envcfg.PromoteFrom(g.env)
	switch {
	case from == "":
		return fail(stderr, fs, fmt.Errorf("%s builds its own image (no promote_from in infra/envs/%[1]s.tfvars): deploy it instead", g.env))
	case f.digest != "" && !digestRE.MatchString(f.digest):
		return fail(stderr, fs, fmt.Errorf("--image-digest %q: pass sha256: and 64 lowercase hex digits", f.digest))
	case f.breakGlass && f.digest == "":
		return fail(stderr, fs, errors.New("--break-glass needs --image-digest: name the digest to ship without a completed release"))
	}
	if f.fromFamily == "" {
		f.fromFamily = envcfg.TaskFamily(from)
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	p, err := pickRelease(ctx, ecs.NewFromConfig(cfg), g.env, from, f, stdout)
	if err == nil && !f.check {
		err = copyRelease(ctx, g, sub.tfl, ecr.NewFromConfig(cfg), f.repoURL, &p)
	}
	if err != nil {
		return fail(stderr, fs, awsx.Explain(g.unreachable(err), g.endpoint))
	}
	fmt.Fprintln(stdout, p.Line())
	if f.reportJSON != "" {
		b, _ := json.MarshalIndent(p, "", "  ")
		if err := os.WriteFile(f.reportJSON, append(b, '\n'), 0o644); err != nil {
			return fail(stderr, fs, fmt.Errorf("write report %s: %w", f.reportJSON, err))
		}
	}
	return 0
}

// pickRelease finds the source release to promote: the newest completed one, or the
// one of f.digest; without one it refuses, unless f.breakGlass.
func pickRelease(ctx context.Context, api *ecs.Client, env, from string, f promoteFlags, out io.Writer) (promotion, error) {
	p := promotion{From: from, Digest: f.digest, BreakGlass: f.breakGlass}
	rels, err := rollout.New(api, rollout.Options{}).FamilyReleases(ctx, f.fromFamily, 0)
	if err != nil {
		return p, fmt.Errorf("read the release history of %s (family %s): %w", from, f.fromFamily, err)
	}
	rel, ok := rollout.Promotable(rels, f.digest)
	if ok {
		p.Source = from + ":" + strconv.Itoa(int(rel.Revision))
		p.SourceImage, p.Digest, p.Version, p.BreakGlass = rel.Image, rel.Digest(), rel.Version, false
		fmt.Fprintf(out, "promoting %s release %d (version %s, completed %s): %s\n", from, rel.Revision, rel.Version, rel.CompletedAt.UTC().Format("2006-01-02T15:04:05Z"), rel.Image)
		return p, nil
	}
	what := "a completed release"
	if f.digest != "" {
		what = "a completed release of " + f.digest
	}
	if !f.breakGlass {
		return p, fmt.Errorf("promote %[1]s to %[2]s: %[3]w: %[1]s has no %[4]s (family %[5]s; `deployctl releases --env %[1]s` lists them): release it in %[1]s first, or pass --break-glass with --image-digest to ship it anyway",
			from, env, ErrNotPromotable, strings.TrimPrefix(what, "a "), f.fromFamily)
	}
	repo := f.fromRepo
	if repo == "" && len(rels) > 0 {
		repo, _ = imageref.Repository(rels[0].Image)
	}
	if repo == "" {
		return p, fmt.Errorf("--break-glass: %s has no release to take the repository from: pass --from-repository-url", from)
	}
	p.SourceImage, p.Version = repo+"@"+f.digest, strings.TrimPrefix(f.digest, "sha256:")[:12]
	fmt.Fprintf(out, "BREAK-GLASS: %s has no %s; promoting %s anyway\n", from, strings.TrimPrefix(what, "a "), p.SourceImage)
	return p, nil
}

// copyRelease copies p.SourceImage into this environment's repository by digest,
// logging in to both registries with ECR tokens.
func copyRelease(ctx context.Context, g *globals, tfl *tfFlags, api *ecr.Client, repoURL string, p *promotion) error {
	if repoURL == "" {
		outs, err := terraformOutputs(ctx, g, tfl)
		if err != nil {
			return fmt.Errorf("read terraform outputs of %s (or pass --repository-url): %w", g.env, err)
		}
		if repoURL = outs["ecr_repository_url"]; repoURL == "" {
			return fmt.Errorf("terraform outputs of %s lack ecr_repository_url: apply the infrastructure first, or pass --repository-url", g.env)
		}
	}
	repoURL = strings.TrimPrefix(strings.TrimPrefix(repoURL, "https://"), "http://")
	logins := ecrimage.Logins{}
	login := ecrlogin.New(api)
	srcRepo, err := imageref.Repository(p.SourceImage)
	if err != nil {
		return err
	}
	for _, repo := range []string{srcRepo, repoURL} {
		host, err := ecrlogin.RegistryHost(repo)
		if err != nil {
			return err
		}
		if _, done := logins[host]; done {
			continue
		}
		c, err := login.Login(ctx, repo)
		if err != nil {
			return err
		}
		logins[host] = authn.AuthConfig{Username: c.Username, Password: c.Password}
	}
	img, err := ecrimage.Copy(ctx, ecrimage.CopyRequest{Source: p.SourceImage, Repository: repoURL, Tag: p.Version, Logins: logins})
	if err != nil {
		return err
	}
	p.Image = img
	return nil
}
