package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/imageref"
	"dagger/predictor/internal/verify"
)

func init() {
	register(command{name: "verify", summary: "check a deploy's prerequisites before anything changes (exit 6 if unmet)", run: runVerify})
}

// verifyOutputs are the terraform outputs verify reads; a missing one is a failure line.
var verifyOutputs = []string{"ecs_cluster_name", "ecs_service_name", "ecs_container_name", "ecs_fargate_base", "api_gateway_id", "ecr_repository_url"}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("verify", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	account := fs.String("account-id", os.Getenv(envcfg.AccountIDVar), "AWS account ID the environment must run in (default $"+envcfg.AccountIDVar+"; local: the emulator's "+envcfg.EmulatorAccountID+"; empty: not checked)")
	image := fs.String("image", "", "also check this image digest exists in the environment's ECR repository: REGISTRY/REPO[:TAG]@sha256:<64 hex>")
	outputsFile := fs.String("outputs", "", "read the terraform outputs from `FILE` (as `deployctl outputs --json` prints them) instead of the state, so no terraform is needed")
	sub.helpNote = fmt.Sprintf("\nEvery check runs and each unmet prerequisite prints one line, \"FAIL check: problem: fix\".\nExit status: 0 all prerequisites met; %d at least one unmet (preflight failed); 1 bad input or no credentials.\n", exitcode.Preflight)
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	expected, err := envcfg.ExpectedAccount(g.env, *account)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if *image != "" {
		if _, err := imageref.Parse(*image); err != nil {
			return fail(stderr, fs, fmt.Errorf("--image: %w", err))
		}
	}
	report, err := verifyAll(ctx, g, tfl, verify.Target{Env: g.env, Account: expected, FargateBase: -1, Image: *image}, *outputsFile)
	if err != nil {
		return fail(stderr, fs, err)
	}
	for _, l := range report.Lines() {
		fmt.Fprintln(stdout, l)
	}
	if !report.OK() {
		fmt.Fprintf(stdout, "preflight %s: %d problem(s); nothing was changed\n", g.env, len(report.Failures))
		return exitcode.Preflight
	}
	fmt.Fprintf(stdout, "preflight %s: OK\n", g.env)
	return exitcode.OK
}

// verifyAll runs every check: the account and state bucket, then, once the terraform
// outputs are read, the resources they name. An error is bad input or missing
// credentials; an unmet prerequisite is a line of the report.
func verifyAll(ctx context.Context, g *globals, tfl *tfFlags, t verify.Target, outputsFile string) (verify.Report, error) {
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return verify.Report{}, err
	}
	if t.StateBucket, err = g.bucket(ctx, cfg); err != nil {
		return verify.Report{}, err
	}
	c := verify.New(cfg, g.endpoint)
	report := c.Account(ctx, t)
	br, bucketExists := c.StateBucket(ctx, t)
	report.Merge(br)
	outs, err := verifyOutputsOf(ctx, g, tfl, outputsFile, bucketExists, &report)
	if err != nil || outs == nil {
		return report, err
	}
	checkOutputs(t.Env, outs, &report)
	t.Cluster, t.Service, t.Container = outs["ecs_cluster_name"], outs["ecs_service_name"], outs["ecs_container_name"]
	t.APIID, t.RepositoryURL = outs["api_gateway_id"], outs["ecr_repository_url"]
	if n, err := strconv.Atoi(outs["ecs_fargate_base"]); err == nil {
		t.FargateBase = n
	}
	if t.Cluster != "" && t.Service != "" {
		report.Merge(c.Resources(ctx, t))
	}
	return report, nil
}

// verifyOutputsOf reads the terraform outputs from --outputs, else from the state
// when its bucket exists; nil when there is nothing to read them from. Outputs that
// cannot be read from the state are a failed check, not an error.
func verifyOutputsOf(ctx context.Context, g *globals, tfl *tfFlags, outputsFile string, bucketExists bool, report *verify.Report) (map[string]string, error) {
	switch {
	case outputsFile != "":
		data, err := os.ReadFile(outputsFile)
		if err != nil {
			return nil, fmt.Errorf("read --outputs: %w", err)
		}
		outs, err := ctl.ParseOutputs(string(data))
		if err != nil {
			return nil, fmt.Errorf("--outputs %s: %w", outputsFile, err)
		}
		return outs, nil
	case bucketExists:
		// Terraform's init log matters only when reading the outputs fails.
		var log bytes.Buffer
		metas, err := readOutputs(ctx, g, tfl, &log)
		if err != nil {
			report.Fail(verify.CheckOutputs, fmt.Sprintf("cannot read the terraform outputs of %s: %v", g.env, err), fmt.Sprintf("run `deployctl outputs --env %s` to see why", g.env))
			return nil, nil
		}
		outs := map[string]string{}
		for k, m := range metas {
			outs[k] = rawValue(m.Value)
		}
		return outs, nil
	}
	return nil, nil
}

// checkOutputs fails the outputs check when outs lacks one that verify reads.
func checkOutputs(env string, outs map[string]string, report *verify.Report) {
	var missing []string
	for _, k := range verifyOutputs {
		if _, ok := outs[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		report.Fail(verify.CheckOutputs, fmt.Sprintf("the terraform outputs of %s lack %v", env, missing), fmt.Sprintf("apply the infrastructure of this revision (`deployctl plan --env %s --out %s.tfplan`, then `deployctl apply --env %s --plan %s.tfplan`)", env, env, env, env))
	}
}
