package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"dagger/predictor/internal/bootstrap"
	"dagger/predictor/internal/cost"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/planstore"
	"dagger/predictor/internal/plansum"
	"dagger/predictor/internal/policy"
	"dagger/predictor/internal/tf"
)

func init() {
	register(command{name: "plan", summary: "plan an environment: saved plan, summary, cost and policy (exit 2 = changes)", run: runPlan})
}

type planFlags struct {
	out         string
	summaryMD   string
	summaryJSON string
	planJSON    string
	maxMonthly  float64
	maxIncrease float64
	noPolicy    bool
	save        bool
	idFile      string
	expectCS    string
	lock        bool
}

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var statusFile string
	code := plan(ctx, args, stdout, stderr, &statusFile)
	return recordStatus(statusFile, code, stderr)
}

// recordStatus writes an answer status to file and turns it into 0, so a container
// runner that caches successes and never caches failures (Dagger's default exec)
// keeps the answer but retries a real failure (a held lock, a network error).
func recordStatus(file string, code int, stderr io.Writer) int {
	if file == "" || !slices.Contains(exitcode.PlanAnswers, code) {
		return code
	}
	if err := os.WriteFile(file, []byte(strconv.Itoa(code)+"\n"), 0o644); err != nil {
		fmt.Fprintf(stderr, "plan: write --status-file: %v\n", err)
		return exitcode.Error
	}
	return exitcode.OK
}

func plan(ctx context.Context, args []string, stdout, stderr io.Writer, statusFile *string) int {
	sub := newCmd("plan", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	var f planFlags
	fs.StringVar(&f.out, "out", "", "saved plan file (relative to --workdir); a FILE.meta.json sidecar records the environment")
	fs.StringVar(&f.summaryMD, "summary-md", "", "write the summary, cost and policy as Markdown (below 65,536 characters) to this file")
	fs.StringVar(&f.summaryJSON, "summary-json", "", "write the summary, cost and policy as JSON to this file")
	fs.StringVar(&f.planJSON, "json", "", "write the plan as JSON (terraform show -json) to this file")
	fs.Float64Var(&f.maxMonthly, "max-monthly-usd", 0, "fail (exit 4) when the monthly cost estimate exceeds this amount; 0 = no limit")
	fs.Float64Var(&f.maxIncrease, "max-monthly-increase-usd", 0, "fail (exit 4) when the plan raises the monthly cost estimate by more than this amount; 0 = no limit")
	fs.BoolVar(&f.noPolicy, "no-policy", false, "report policy violations without failing (exit 3)")
	fs.BoolVar(&f.save, "save", false, "save the plan in the state bucket (plans/<env>/<id>.tfplan) and print its ID, for `apply --plan-id`")
	fs.StringVar(&f.idFile, "id-file", "", "with --save, also write the plan ID to this file")
	fs.StringVar(&f.expectCS, "expect-changeset", "", "file holding the reviewed change set (the pull request's plan comment or plan Markdown): exit 7 with the difference when this plan's changes are not those")
	fs.StringVar(statusFile, "status-file", "", "write the status ("+exitcode.List(exitcode.PlanAnswers)+") to this file and exit 0 instead; other failures still exit non-zero")
	fs.BoolVar(&f.lock, "lock", true, "take the state lock; --lock=false for a review plan (pull request) that must not block a deploy and may run with read-only credentials (apply always locks)")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if f.out == "" {
		return fail(stderr, fs, errors.New("no --out given: pass the file to save the plan in, such as --out dev.tfplan"))
	}
	if f.maxMonthly < 0 {
		return fail(stderr, fs, errors.New("--max-monthly-usd must not be negative"))
	}
	if f.maxIncrease < 0 {
		return fail(stderr, fs, errors.New("--max-monthly-increase-usd must not be negative: pass the largest increase allowed, or 0 for no limit"))
	}
	out, err := g.path(f.out)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fail(stderr, fs, fmt.Errorf("create the directory of --out: %w", err))
	}
	s, cleanup, err := g.terraform(ctx, tfl, stderr)
	defer cleanup()
	if err != nil {
		return fail(stderr, fs, err)
	}
	s.tf.Config.NoLock = !f.lock
	changes, err := s.tf.Plan(ctx, out)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if err := tf.WriteMeta(out, tf.Meta{Environment: g.env, StateBucket: s.bucket, StateKey: s.key, Changes: changes}); err != nil {
		return fail(stderr, fs, err)
	}

	if !changes && f.planJSON == "" {
		// terraform show -json starts the provider to load its schema, most of a no-op
		// run's time beyond terraform plan. Without changes, the infrastructure after
		// apply is the prior state the plan file carries, which is all cost needs.
		p, err := plansum.FromPlanFile(out, map[string]string{"environment": g.env, "aws_region": g.region})
		if err != nil {
			return fail(stderr, fs, err)
		}
		return saveIfPassed(ctx, g, s, out, f, report(fs, g, p, f, stdout, stderr, changes), fs, stdout, stderr)
	}
	raw, err := s.tf.ShowPlan(ctx, out)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if f.planJSON != "" {
		if err := writeJSON(g, f.planJSON, raw); err != nil {
			return fail(stderr, fs, err)
		}
	}
	return saveIfPassed(ctx, g, s, out, f, report(fs, g, plansum.New(raw), f, stdout, stderr, changes), fs, stdout, stderr)
}

// saveIfPassed stores the plan (--save) only when it passed the gate, so a plan ID
// always names a plan that policy and budget accepted.
func saveIfPassed(ctx context.Context, g *globals, s *session, out string, f planFlags, code int, fs *flag.FlagSet, stdout, stderr io.Writer) int {
	if !f.save || (code != exitcode.OK && code != exitcode.Changes) {
		return code
	}
	if err := savePlan(ctx, g, s, out, f, stdout); err != nil {
		return fail(stderr, fs, err)
	}
	return code
}

// report prints the summary, the cost estimate and the policy report (without
// changes nothing will be applied, so there is nothing to check), writes the
// requested files, and returns plan's exit status: 3 on violations (unless
// --no-policy), else 4 over budget, else 2 with changes, else 0.
func report(fs *flag.FlagSet, g *globals, p *plansum.Plan, f planFlags, stdout, stderr io.Writer, changes bool) int {
	table, err := cost.DefaultTable()
	if err != nil {
		return fail(stderr, fs, err)
	}
	sum := plansum.Summarize(p)
	est, diff := cost.ComputeDiff(p, table)
	pol := policy.NoChanges()
	if changes {
		pol = policy.Check(p)
	}
	fmt.Fprint(stdout, sum.Text()+"\n"+diff.Text()+"\n"+est.Text()+"\n"+pol.Text())

	cs := plansum.Changes(p)
	if f.summaryMD != "" {
		tail := "\n" + diff.Markdown() + "\n" + est.Markdown() + "\n" + pol.Markdown() + cs.Block(g.env)
		md := sum.Markdown(plansum.MaxMarkdown-len(tail)) + tail
		if err := writeFile(g, f.summaryMD, []byte(md)); err != nil {
			return fail(stderr, fs, err)
		}
	}
	if f.summaryJSON != "" {
		v := struct {
			Summary   plansum.Summary `json:"summary"`
			Cost      cost.Estimate   `json:"cost"`
			Policy    policy.Report   `json:"policy"`
			ChangeSet string          `json:"changeset_digest"`
			// CostChange is the monthly cost before and after apply, per resource.
			CostChange cost.Diff `json:"cost_change"`
		}{sum, est, pol, cs.Digest(), diff}
		if err := writeJSON(g, f.summaryJSON, v); err != nil {
			return fail(stderr, fs, err)
		}
	}
	code := exitcode.OK
	if changes {
		code = exitcode.Changes
	}
	if err := est.Check(f.maxMonthly); err != nil {
		code = failCode(stderr, fs, err, exitcode.Cost)
	}
	if err := diff.Check(f.maxIncrease); err != nil {
		code = failCode(stderr, fs, err, exitcode.Cost)
	}
	if err := pol.Err(); err != nil {
		if f.noPolicy {
			fmt.Fprintf(stderr, "%s: %v (ignored: --no-policy)\n", fs.Name(), err)
		} else {
			code = failCode(stderr, fs, fmt.Errorf("%w: fix them before applying", err), exitcode.Policy)
		}
	}
	if f.expectCS != "" {
		if c := checkChangeSet(g, f.expectCS, cs, fs, stderr); c != exitcode.OK {
			code = c
		}
	}
	return code
}

func writeFile(g *globals, name string, data []byte) error {
	path, err := g.path(name)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeJSON(g *globals, name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return writeFile(g, name, append(data, '\n'))
}

// addPlanFlag registers the --plan that cost and policy check (read by loadPlan).
func addPlanFlag(fs *flag.FlagSet) *string {
	return fs.String("plan", "", "saved plan file, or its JSON (terraform show -json)")
}

// loadPlan reads the plan that cost and policy check: a JSON file (terraform show
// -json output) as is, or a saved plan file through terraform show, after
// initializing the environment given by --env or recorded in the plan's sidecar.
func loadPlan(ctx context.Context, g *globals, tfl *tfFlags, name string, stderr io.Writer) (*plansum.Plan, error) {
	if name == "" {
		return nil, errors.New("no --plan given: pass a saved plan file or its JSON")
	}
	path, err := g.path(name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if b := bytes.TrimSpace(data); len(b) > 0 && b[0] == '{' {
		return plansum.Read(b)
	}
	meta, ok, err := tf.ReadMeta(path)
	if err != nil {
		return nil, err
	}
	if g.env == "" && ok {
		g.env = meta.Environment
	}
	if ok && meta.Environment != g.env {
		if err := tf.CheckMetaEnvironment(meta, path, g.env); err != nil {
			return nil, err
		}
	}
	if err := g.validate(); err != nil {
		return nil, fmt.Errorf("%s is a saved plan without a sidecar naming its environment: %w", path, err)
	}
	s, cleanup, err := g.terraform(ctx, tfl, stderr)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	raw, err := s.tf.ShowPlan(ctx, path)
	if err != nil {
		return nil, err
	}
	return plansum.New(raw), nil
}

// savePlan stores the saved plan in the state bucket and prints its ID (also at the
// end of the Markdown summary, for the reviewers who approve exactly that ID).
func savePlan(ctx context.Context, g *globals, s *session, out string, f planFlags, stdout io.Writer) error {
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return err
	}
	store := planstore.New(bootstrap.NewS3(cfg, g.endpoint), s.bucket, g.env)
	id, err := store.Save(ctx, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Saved plan %s (%s): apply it with --plan-id %s\n", id, store.URL(id), id)
	if f.summaryMD != "" {
		path, err := g.path(f.summaryMD)
		if err != nil {
			return err
		}
		md, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if err := writeFile(g, f.summaryMD, append(md, fmt.Sprintf("\nSaved plan ID: `%s`\n", id)...)); err != nil {
			return err
		}
	}
	if f.idFile != "" {
		return writeFile(g, f.idFile, []byte(id+"\n"))
	}
	return nil
}

// checkChangeSet compares the plan's change set with the reviewed one in file and
// prints the difference: a merge deploys only what its pull request showed.
func checkChangeSet(g *globals, file string, cs plansum.ChangeSet, fs *flag.FlagSet, stderr io.Writer) int {
	path, err := g.path(file)
	if err != nil {
		return fail(stderr, fs, err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return fail(stderr, fs, fmt.Errorf("read the reviewed change set: %w", err))
	}
	rev, err := plansum.ParseReviewed(string(text), g.env)
	if err != nil {
		return fail(stderr, fs, err)
	}
	diff := rev.Compare(cs)
	if diff == nil {
		return exitcode.OK
	}
	fmt.Fprintf(stderr, "%s: the plan's changes differ from the reviewed ones (- reviewed, + now):\n  %s\n", fs.Name(), strings.Join(diff, "\n  "))
	return failCode(stderr, fs, fmt.Errorf("the plan for %s is not the reviewed plan: review the new changes (plan again in a pull request) before applying", g.env), exitcode.ChangeSetMismatch)
}
