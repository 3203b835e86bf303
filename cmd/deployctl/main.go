// Command deployctl is the predictor pipeline's engine: it drives terraform and the AWS
// APIs for plan, apply, rollout, rollback and the checks around them. The Dagger
// functions run it inside containers; it runs just as well on a laptop or CI runner.
//
// Every subcommand takes --env, --region, --aws-endpoint (default $AWS_ENDPOINT_URL),
// --infra-dir, --state-bucket and --workdir, and checks them before touching AWS. Its
// exit statuses are the table in internal/exitcode, which `deployctl help` prints.
//
// Terraform keeps its data directory per environment in <workdir>/.deployctl/<env>;
// `plan --out FILE` also writes FILE.meta.json, naming the plan's environment.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"dagger/predictor/internal/exitcode"
)

// command is one subcommand. run returns the process exit status.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// register adds a subcommand; each subcommand's file calls it from init.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("deployctl: duplicate command " + c.name)
	}
	commands[c.name] = c
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 1
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "deployctl: unknown command %q: run `deployctl help` for the list\n", args[0])
		return 1
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: deployctl <command> [flags]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-13s %s\n", n, commands[n].summary)
	}
	b.WriteString("\nRun `deployctl <command> -h` for a command's flags.\n")
	b.WriteString("\n" + exitcode.Usage(90))
	fmt.Fprint(w, b.String())
}
