package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/daggerrules"
)

// The README, CONTRACTS.md and docs/ are checked against the code: every `make` and
// `deployctl` command they show, every flag, path, link and version they name (their
// `dagger call` lines: cli_test.go). A claim that drifts from the code fails here, with the document that holds it.

// docs reads README.md, CONTRACTS.md and every docs/*.md, by path.
func docs(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range append([]string{"README.md", "CONTRACTS.md"}, paths...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = string(b)
	}
	if len(out) < 8 {
		t.Fatalf("found only %d documents; docs/ is missing", len(out))
	}
	return out
}

// sortedKeys returns m's keys in order, for stable failure messages.
// captured is the set of what pattern's first group matches in text.
func captured(pattern, text string) map[string]bool {
	set := map[string]bool{}
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(text, -1) {
		set[m[1]] = true
	}
	return set
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// codeSpans returns the text of every `code span` and every line of a fenced block,
// where documents show commands (prose such as "deployctl writes ..." is not one).
func codeSpans(doc string) []string {
	var spans []string
	for _, block := range regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(doc, -1) {
		spans = append(spans, strings.Split(block[1], "\n")...)
	}
	prose := regexp.MustCompile("(?s)```[a-z]*\n.*?```").ReplaceAllString(doc, "")
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(prose, -1) {
		spans = append(spans, m[1])
	}
	return spans
}

// daggerArgs returns the CLI name of every argument of the module's functions and of
// its constructor, read from the root package's source. (cli_test.go checks each
// `dagger call` line itself: functions, arguments and what it prints.)
func daggerArgs(t *testing.T) map[string]bool {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go") && fi.Name() != "dagger.gen.go"
	}, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]bool{}
	for _, f := range pkgs["main"].Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() || (fd.Recv == nil && fd.Name.Name != "New") {
				continue
			}
			for _, p := range fd.Type.Params.List {
				for _, n := range p.Names {
					args[daggerrules.CLIName(daggerrules.ArgName(n.Name))] = true
				}
			}
		}
	}
	if len(args) < 20 {
		t.Fatalf("found only %d arguments of the module's functions; the parser is broken", len(args))
	}
	return args
}

// TestDocsMakeTargetsExist: every `make TARGET` the documents show is a Makefile target.
func TestDocsMakeTargetsExist(t *testing.T) {
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	makeCmd := regexp.MustCompile(`^make ([a-z][a-z-]*)`)
	n := 0
	all := docs(t)
	for _, path := range sortedKeys(all) {
		for _, span := range codeSpans(all[path]) {
			m := makeCmd.FindStringSubmatch(strings.TrimSpace(span))
			if m == nil {
				continue
			}
			n++
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[1]) + `:`).Match(makefile) {
				t.Errorf("%s runs `make %s`, which the Makefile lacks", path, m[1])
			}
		}
	}
	if n < 10 {
		t.Fatalf("found only %d `make` commands; the pattern is broken", n)
	}
}

// deployctlFlagsCache keeps deployctlFlags' answer for the other tests of the run.
var deployctlFlagsCache map[string]map[string]bool

// deployctlFlags builds deployctl and reads each subcommand's flags from its -h.
func deployctlFlags(t *testing.T) map[string]map[string]bool {
	t.Helper()
	if deployctlFlagsCache != nil {
		return deployctlFlagsCache
	}
	bin := filepath.Join(t.TempDir(), "deployctl")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/deployctl").CombinedOutput(); err != nil {
		t.Fatalf("build deployctl: %v\n%s", err, out)
	}
	help, _ := exec.Command(bin, "help").CombinedOutput()
	subs := regexp.MustCompile(`(?m)^  ([a-z][a-z-]*) `).FindAllStringSubmatch(string(help), -1)
	if len(subs) < 10 {
		t.Fatalf("deployctl help lists only %d commands:\n%s", len(subs), help)
	}
	flags := map[string]map[string]bool{"help": {}}
	for _, s := range subs {
		out, _ := exec.Command(bin, s[1], "-h").CombinedOutput()
		flags[s[1]] = map[string]bool{"h": true, "help": true}
		for _, f := range regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`).FindAllStringSubmatch(string(out), -1) {
			flags[s[1]][f[1]] = true
		}
	}
	deployctlFlagsCache = flags
	return flags
}

// TestDocsDeployctlCommandsAndFlagsExist: every `deployctl SUBCOMMAND --flag ...` the
// documents show exists in deployctl, and every flag quoted alone (`--timeout`) is a
// flag of some deployctl subcommand or an argument of some Dagger function.
func TestDocsDeployctlCommandsAndFlagsExist(t *testing.T) {
	flags := deployctlFlags(t)
	known := map[string]bool{"help": true, "output": true}
	for _, fs := range flags {
		for f := range fs {
			known[f] = true
		}
	}
	for a := range daggerArgs(t) {
		known[a] = true
	}
	cmd := regexp.MustCompile(`^(?:go run \./cmd/)?deployctl ([a-z][a-z-]*)([^|#]*)`)
	flag := regexp.MustCompile(`(?:^|[\s\[])--?([a-z][a-z-]*)`)
	n := 0
	all := docs(t)
	for _, path := range sortedKeys(all) {
		for _, span := range codeSpans(all[path]) {
			if m := cmd.FindStringSubmatch(span); m != nil {
				n++
				sub, ok := flags[m[1]]
				if !ok {
					t.Errorf("%s: `%s`: deployctl has no command %s", path, span, m[1])
					continue
				}
				for _, f := range flag.FindAllStringSubmatch(m[2], -1) {
					if !sub[f[1]] {
						t.Errorf("%s: `%s`: deployctl %s has no flag -%s", path, span, m[1], f[1])
					}
				}
				continue
			}
			if f := regexp.MustCompile(`^--([a-z][a-z-]*)`).FindStringSubmatch(span); f != nil && !known[f[1]] {
				t.Errorf("%s: `%s`: neither deployctl nor the Dagger module has --%s", path, span, f[1])
			}
		}
	}
	if n < 8 {
		t.Fatalf("found only %d deployctl commands; the pattern is broken", n)
	}
}

// placeholder marks a quoted path that names no one file (FILE.meta.json, <env>).
// A Go import path (dagger.io/dagger) names no file either.
var placeholder = regexp.MustCompile(`[<>$:*{}@ ]|\b(FILE|DIR|ENV|ID|URL|REF)\b|^\w+\.(io|com|org|dev)/`)

// TestDocsPathsExist: every repository path the documents quote (`internal/tf`,
// `scripts/reviewed-plan.js`, envs/NAME.tfvars with NAME as a wildcard) exists, or is
// one the repository ignores on purpose (.tools/venv, dagger.gen.go).
func TestDocsPathsExist(t *testing.T) {
	pathLike := regexp.MustCompile(`^[\w.-]*(/[\w.*-]*)+$|^[\w.-]+\.(go|md|tf|tfvars|toml|json|py|yml|js|sh|txt)$`)
	n := 0
	all := docs(t)
	for _, path := range sortedKeys(all) {
		for _, span := range codeSpans(all[path]) {
			p := strings.TrimPrefix(span, "./")
			if !pathLike.MatchString(p) || placeholder.MatchString(strings.ReplaceAll(p, "NAME", "x")) || strings.HasPrefix(p, "/") {
				continue
			}
			n++
			if !pathExists(t, strings.ReplaceAll(strings.TrimSuffix(p, "/"), "NAME", "*")) && !gitIgnored(p) {
				t.Errorf("%s names %s, which does not exist", path, span)
			}
		}
	}
	if n < 30 {
		t.Fatalf("found only %d paths; the pattern is broken", n)
	}
}

// gitIgnored reports whether the root .gitignore ignores path (a file the tools or
// the engine write). It reads the file itself rather than asking git: `dagger check`
// runs these tests on the module's source, which has no .git.
func gitIgnored(path string) bool {
	data, err := os.ReadFile(".gitignore")
	if err != nil {
		return false
	}
	path = strings.TrimSuffix(path, "/")
	parts := strings.Split(path, "/")
	for _, line := range strings.Split(string(data), "\n") {
		pattern := strings.TrimSpace(line)
		if pattern == "" || strings.HasPrefix(pattern, "#") || strings.HasPrefix(pattern, "!") {
			continue
		}
		anchored := strings.HasPrefix(pattern, "/")
		pattern = strings.TrimSuffix(strings.TrimPrefix(pattern, "/"), "/")
		// The path or one of its parent directories matches: from the root when the
		// pattern is anchored, at any depth otherwise.
		for i := range parts {
			prefix := strings.Join(parts[:i+1], "/")
			if ok, _ := filepath.Match(pattern, prefix); ok {
				return true
			}
			if ok, _ := filepath.Match(pattern, parts[i]); ok && !anchored {
				return true
			}
		}
	}
	return false
}

func TestGitIgnored(t *testing.T) {
	for path, want := range map[string]bool{
		".tools/venv": true, "backend/.venv": true, "dagger.gen.go": true, "tests/dagger.gen.go": true,
		"internal/dagger/": true, "errored.tfstate": true, "infra/x.tfplan": true,
		"internal/tf": false, "README.md": false, "cmd/dagger.gen.go": false,
	} {
		if got := gitIgnored(path); got != want {
			t.Errorf("gitIgnored(%s) = %v, want %v", path, got, want)
		}
	}
}

// pathExists reports whether pattern matches a path from the repository root, or, for
// a bare file name, a file anywhere in the tree.
func pathExists(t *testing.T, pattern string) bool {
	t.Helper()
	if m, err := filepath.Glob(pattern); err == nil && len(m) > 0 {
		return true
	}
	if strings.Contains(pattern, "/") {
		return false
	}
	found := false
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".venv") || d.Name() == ".tools") {
			return filepath.SkipDir
		}
		found, _ = filepath.Match(pattern, d.Name())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestDocsLayoutPathsExist: every path in the first column of docs/development.md's
// layout table exists ("internal/tf, envcfg" names internal/tf and internal/envcfg).
func TestDocsLayoutPathsExist(t *testing.T) {
	doc, err := os.ReadFile("docs/development.md")
	if err != nil {
		t.Fatal(err)
	}
	table := regexp.MustCompile("(?s)\n## Layout\n+```\n(.*?)```").FindSubmatch(doc)
	if table == nil {
		t.Fatal("docs/development.md has no Layout table")
	}
	var paths []string
	for _, line := range strings.Split(strings.TrimSpace(string(table[1])), "\n") {
		first := regexp.MustCompile(`\s{2,}`).Split(line, 2)[0]
		dir := ""
		for i, p := range strings.Split(first, ", ") {
			if i == 0 {
				dir = filepath.Dir(strings.TrimSuffix(p, "/"))
			} else if !strings.Contains(p, "/") {
				p = filepath.Join(dir, p)
			}
			paths = append(paths, p)
		}
	}
	if len(paths) < 20 {
		t.Fatalf("found only %d paths in the Layout table; the pattern is broken", len(paths))
	}
	listed := map[string]bool{}
	for _, p := range paths {
		listed[strings.TrimSuffix(p, "/")] = true
		if !pathExists(t, strings.TrimSuffix(p, "/")) {
			t.Errorf("docs/development.md's Layout names %s, which does not exist", p)
		}
	}
	cmds, err := filepath.Glob("cmd/*")
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := filepath.Glob("internal/*")
	if err != nil {
		t.Fatal(err)
	}
	// Every command and internal package has its line (generated ones are ignored).
	for _, d := range append(cmds, pkgs...) {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && !listed[d] && !gitIgnored(d) {
			t.Errorf("docs/development.md's Layout does not list %s", d)
		}
	}
}

// slug is GitHub's anchor for a Markdown heading.
func slug(heading string) string {
	s := strings.ToLower(strings.TrimSpace(heading))
	s = regexp.MustCompile(`[^\w\- ]`).ReplaceAllString(s, "")
	return strings.ReplaceAll(s, " ", "-")
}

// TestDocsLinksResolve: every relative link in the documents reaches a file, and a
// link to a heading (#anchor) reaches a heading of that file.
func TestDocsLinksResolve(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]*)\)`)
	n := 0
	all := docs(t)
	for _, path := range sortedKeys(all) {
		for _, m := range link.FindAllStringSubmatch(all[path], -1) {
			target, anchor, _ := strings.Cut(m[1], "#")
			if strings.Contains(target, "://") {
				continue
			}
			n++
			file := path
			if target != "" {
				file = filepath.Join(filepath.Dir(path), target)
			}
			body, err := os.ReadFile(file)
			if err != nil {
				t.Errorf("%s links to %s, which does not exist", path, m[1])
				continue
			}
			if anchor == "" {
				continue
			}
			found := false
			for _, h := range regexp.MustCompile(`(?m)^#+ (.*)$`).FindAllStringSubmatch(string(body), -1) {
				found = found || slug(h[1]) == anchor
			}
			if !found {
				t.Errorf("%s links to %s, but %s has no heading #%s", path, m[1], file, anchor)
			}
		}
	}
	if n < 20 {
		t.Fatalf("found only %d links; the pattern is broken", n)
	}
}

// pinned reads the version a file pins: the first submatch of pattern in file.
func pinned(t *testing.T, file, pattern string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(pattern).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s no longer matches %s", file, pattern)
	}
	return string(m[1])
}

// TestDocsVersionsMatchPins: every version the documents state is the one the
// repository pins (terraform in versions.go, the provider in infra/versions.tf, moto in
// the emulator's requirements, Go in go.mod, the engine in dagger.json), and the
// README states each of them.
func TestDocsVersionsMatchPins(t *testing.T) {
	for _, c := range []struct{ claim, want string }{
		{`(?i)terraform (\d+\.\d+\.\d+)`, pinned(t, "versions.go", `terraformVersion = "([^"]+)"`)},
		{`hashicorp/aws (?:provider )?v?(\d+\.\d+\.\d+)`, pinned(t, "infra/versions.tf", `(?s)hashicorp/aws".*?version *= *"([^"]+)"`)},
		{`moto (\d+\.\d+\.\d+)`, pinned(t, "internal/emulator/requirements.txt", `moto\[server\]==(\S+)`)},
		{`\bGo (\d+\.\d+(?:\.\d+)?)`, pinned(t, "go.mod", `(?m)^go (\d+\.\d+)`)},
		{`(?i)(?:dagger|engine)[\w ]*? v(\d+\.\d+\.\d+)`, strings.TrimPrefix(pinned(t, "dagger.json", `"engineVersion": "([^"]+)"`), "v")},
		{`Python (\d+\.\d+)`, pinned(t, "Makefile", `python(3\.\d+)`)},
		{`Node\.js (\d+)`, pinned(t, "Makefile", `install Node\.js (\d+) or newer`)},
		{`checkov (\d+\.\d+\.\d+)`, pinned(t, "Makefile", `CHECKOV_VERSION *:= *(\S+)`)},
	} {
		re := regexp.MustCompile(c.claim)
		all := docs(t)
		for _, path := range sortedKeys(all) {
			for _, m := range re.FindAllStringSubmatch(all[path], -1) {
				if m[1] != c.want {
					t.Errorf("%s says %q; the repository pins %s", path, m[0], c.want)
				}
			}
		}
		if !re.MatchString(all["README.md"]) && c.claim != `checkov (\d+\.\d+\.\d+)` {
			t.Errorf("README.md does not state the version %s (%s)", c.want, c.claim)
		}
	}
}

// tfvars reads infra/envs/*.tfvars: environment -> variable -> value as written.
func tfvars(t *testing.T) map[string]map[string]string {
	t.Helper()
	files, err := filepath.Glob("infra/envs/*.tfvars")
	if err != nil || len(files) == 0 {
		t.Fatalf("no infra/envs/*.tfvars (%v)", err)
	}
	out := map[string]map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{}
		for _, m := range regexp.MustCompile(`(?m)^(\w+)\s*=\s*(.+?)\s*$`).FindAllStringSubmatch(string(b), -1) {
			vars[m[1]] = strings.Trim(m[2], `"`)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".tfvars")] = vars
	}
	return out
}

// TestInfraEnvironmentsTableMatchesTfvars: the environments table in infra/README.md
// (the one place the documents show them side by side) has a column per file of
// infra/envs, and its rows show what those files set.
func TestInfraEnvironmentsTableMatchesTfvars(t *testing.T) {
	doc, err := os.ReadFile("infra/README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`(?s)\n## Environments\n+(\|.*?)\n\n`).FindSubmatch(doc)
	if section == nil {
		t.Fatal("infra/README.md has no Environments table")
	}
	rows := map[string][]string{}
	var envs []string
	for i, line := range strings.Split(string(section[1]), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if i == 0 {
			envs = cells
		} else if i > 1 {
			rows[cells[0]] = cells[1:]
		}
	}
	vars := tfvars(t)
	sortedEnvs := append([]string(nil), envs...)
	sort.Strings(sortedEnvs)
	if got, want := strings.Join(sortedEnvs, " "), strings.Join(sortedKeys(vars), " "); got != want {
		t.Fatalf("infra/README.md's environments are %q, infra/envs has %q", got, want)
	}
	checks := map[string][]string{
		"network mode":                    {"network_mode"},
		"VPC CIDR, AZs":                   {"vpc_cidr", "az_count"},
		"log retention":                   {"log_retention_days"},
		"ECR images kept":                 {"ecr_keep_images"},
		"API authentication (`api_auth`)": {"api_auth"},
		"uploaded files expire after (`upload_expiration_days`)": {"upload_expiration_days"},
		"first rollout count, autoscaling min-max":               {"desired_count", "min_capacity", "max_capacity"},
	}
	for row, names := range checks {
		cells, ok := rows[row]
		if !ok {
			t.Errorf("infra/README.md's environments table has no row %q", row)
			continue
		}
		for i, env := range envs {
			for _, name := range names {
				if v := vars[env][name]; v == "" || i >= len(cells) || !strings.Contains(cells[i], v) {
					t.Errorf("infra/README.md: %s for %s should show %s = %s", row, env, name, v)
				}
			}
		}
	}
}

// TestReadmeCostsMatchInfraReadme: the monthly costs the README quotes are the shipped
// totals of infra/README.md's cost table.
func TestReadmeCostsMatchInfraReadme(t *testing.T) {
	infra, err := os.ReadFile("infra/README.md")
	if err != nil {
		t.Fatal(err)
	}
	shipped := map[string]string{}
	for _, m := range regexp.MustCompile(`\*\*(\w+) = \w+, \$(\d+\.\d\d)\*\*`).FindAllStringSubmatch(string(infra), -1) {
		shipped[m[1]] = m[2]
	}
	readme := docs(t)["README.md"]
	quoted := regexp.MustCompile("`(\\w+)`[^`$]*?about \\$(\\d+\\.\\d\\d)/month").FindAllStringSubmatch(readme, -1)
	if len(quoted) < 2 || len(shipped) < 2 {
		t.Fatalf("found %d costs in README.md and %d in infra/README.md; the patterns are broken", len(quoted), len(shipped))
	}
	for _, q := range quoted {
		if shipped[q[1]] != q[2] {
			t.Errorf("README.md: %s costs about $%s/month; infra/README.md's total is $%s", q[1], q[2], shipped[q[1]])
		}
	}
}

// TestReadmeGitHubSetupNamesExist: the variables and secrets the README's GitHub setup
// asks for are the ones the workflows read, and the outputs it names are
// infra/github-oidc's.
func TestReadmeGitHubSetupNamesExist(t *testing.T) {
	section := regexp.MustCompile(`(?s)\n## GitHub setup\n(.*?)\n## `).FindStringSubmatch(docs(t)["README.md"])
	if section == nil {
		t.Fatal("README.md has no GitHub setup section")
	}
	files, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	var workflows strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		workflows.Write(b)
	}
	outputs, err := os.ReadFile("infra/github-oidc/outputs.tf")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range regexp.MustCompile("`([A-Z][A-Z_]+|[a-z_]+_arns?)`").FindAllStringSubmatch(section[1], -1) {
		n++
		name := m[1]
		if strings.ToUpper(name) == name {
			if !regexp.MustCompile(`(vars|secrets)\.` + name + `\b`).MatchString(workflows.String()) {
				t.Errorf("README.md's GitHub setup asks for %s, which no workflow reads", name)
			}
		} else if !strings.Contains(string(outputs), `output "`+name+`"`) {
			t.Errorf("README.md's GitHub setup names the output %s, which infra/github-oidc lacks", name)
		}
	}
	if n < 7 {
		t.Fatalf("found only %d names in the GitHub setup; the pattern is broken", n)
	}
}

// TestDocsListEveryReleaseTag: docs/rollout.md names every tag of the release history
// (internal/rollout's deployctl:* keys), and no other.
func TestDocsListEveryReleaseTag(t *testing.T) {
	src, err := os.ReadFile("internal/rollout/history.go")
	if err != nil {
		t.Fatal(err)
	}
	want := captured(`tagPrefix \+ "([a-z-]+)"`, string(src))
	got := captured("`deployctl:([a-z-]+)`", docs(t)["docs/rollout.md"])
	if len(want) < 10 {
		t.Fatalf("found only %d tags in internal/rollout/history.go; the pattern is broken", len(want))
	}
	if diff := cmp.Diff(sortedKeys(want), sortedKeys(got)); diff != "" {
		t.Errorf("docs/rollout.md's release tags differ from internal/rollout's (-code +docs):\n%s", diff)
	}
}

// TestDocsListEveryPolicyRule: docs/security.md's table of policy rules has one row
// per rule of internal/policy, and no other.
func TestDocsListEveryPolicyRule(t *testing.T) {
	src, err := os.ReadFile("internal/policy/policy.go")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)// Rule identifiers\.\nconst \((.*?)\n\)`).FindSubmatch(src)
	if block == nil {
		t.Fatal("internal/policy/policy.go has no block of rule identifiers")
	}
	want := captured(`= "([a-z0-9-]+)"`, string(block[1]))
	got := captured("(?m)^\\| `([a-z0-9-]+)` \\|", docs(t)["docs/security.md"])
	if len(want) < 10 {
		t.Fatalf("found only %d rules in internal/policy; the pattern is broken", len(want))
	}
	if diff := cmp.Diff(sortedKeys(want), sortedKeys(got)); diff != "" {
		t.Errorf("docs/security.md's policy rules differ from internal/policy's (-code +docs):\n%s", diff)
	}
}

// TestDocsListEveryWorkflow: docs/github-actions.md's table has a row for every file
// of .github/workflows, and no row for a file that is not there.
func TestDocsListEveryWorkflow(t *testing.T) {
	files, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows (%v)", err)
	}
	want := map[string]bool{}
	for _, f := range files {
		want[filepath.Base(f)] = true
	}
	got := captured("(?m)^\\| `([\\w.-]+\\.yml)`", docs(t)["docs/github-actions.md"])
	if diff := cmp.Diff(sortedKeys(want), sortedKeys(got)); diff != "" {
		t.Errorf("docs/github-actions.md's workflows differ from .github/workflows (-files +docs):\n%s", diff)
	}
}
