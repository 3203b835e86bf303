// Package docgen writes the tables that have one source in code into the documents
// that show them, between markers:
//
//	<!-- generated: NAME (make docs) -->
//	...
//	<!-- end generated: NAME -->
//
// `make docs` (cmd/gendocs) rewrites the files; a test in the root package fails when
// a file differs from its rendering, so no table is typed by hand twice.
package docgen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"dagger/predictor/internal/exitcode"
)

// Files are the documents, relative to the repository root, that hold generated blocks.
var Files = []string{"CONTRACTS.md", "docs/exit-statuses.md", "docs/development.md"}

// renderers maps a block's name to what renders it from the repository root.
var renderers = map[string]func(root string) (string, error){
	"exit-statuses": func(string) (string, error) { return exitcode.Markdown(), nil },
	"plan-answers":  planAnswers,
	"make-targets":  makeTargets,
}

var begin = regexp.MustCompile(`(?m)^<!-- generated: ([a-z-]+) \(make docs\) -->\n`)

// fill returns text with every generated block rendered afresh. A block with an
// unknown name or without its end marker is an error, so a typo never leaves a stale
// table unnoticed.
func fill(text, root string) (string, error) {
	var out strings.Builder
	rest := text
	for {
		loc := begin.FindStringSubmatchIndex(rest)
		if loc == nil {
			out.WriteString(rest)
			return out.String(), nil
		}
		name := rest[loc[2]:loc[3]]
		render, ok := renderers[name]
		if !ok {
			return "", fmt.Errorf("render block %q: no such block", name)
		}
		end := "<!-- end generated: " + name + " -->"
		stop := strings.Index(rest[loc[1]:], end)
		if stop < 0 {
			return "", fmt.Errorf("render block %q: no %s after it", name, end)
		}
		body, err := render(root)
		if err != nil {
			return "", fmt.Errorf("render block %q: %w", name, err)
		}
		out.WriteString(rest[:loc[1]])
		out.WriteString(body)
		out.WriteString(end)
		rest = rest[loc[1]+stop+len(end):]
	}
}

// Update renders the blocks of the file at root/rel; with write it saves the result.
// It reports whether the file differed from its rendering.
func Update(root, rel string, write bool) (bool, error) {
	path := filepath.Join(root, rel)
	old, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", rel, err)
	}
	if !begin.Match(old) {
		return false, fmt.Errorf("read %s: it holds no generated block", rel)
	}
	filled, err := fill(string(old), root)
	if err != nil {
		return false, fmt.Errorf("fill %s: %w", rel, err)
	}
	changed := filled != string(old)
	if changed && write {
		if err := os.WriteFile(path, []byte(filled), 0o644); err != nil {
			return true, fmt.Errorf("write %s: %w", rel, err)
		}
	}
	return changed, nil
}

// planAnswers is the sentence on `plan --status-file`.
func planAnswers(string) (string, error) {
	return "`plan --status-file F` writes " + exitcode.List(exitcode.PlanAnswers) +
		" to F and exits 0 instead (for container runners that cache successes);\n" +
		"any other failure keeps its status.\n", nil
}

var target = regexp.MustCompile(`^([a-z-]+):.*## (.*)$`)

// makeTargets renders the Makefile's documented targets (`target: ... ## what`), the
// ones `make help` lists, as a table in the Makefile's order.
func makeTargets(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return "", fmt.Errorf("read the Makefile: %w", err)
	}
	var b strings.Builder
	b.WriteString("| target | what it does |\n|---|---|\n")
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if m := target.FindStringSubmatch(sc.Text()); m != nil {
			fmt.Fprintf(&b, "| `make %s` | %s |\n", m[1], strings.ReplaceAll(m[2], "|", `\|`))
			n++
		}
	}
	if n == 0 {
		return "", fmt.Errorf("read the Makefile: no `target: ## description` line")
	}
	return b.String(), sc.Err()
}
