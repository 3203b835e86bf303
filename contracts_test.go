package main

import (
	"os"
	"regexp"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/docgen"
)

// TestGeneratedDocsUpToDate: the tables with one source in code (exit statuses in
// internal/exitcode, the Makefile's targets) are the same in CONTRACTS.md and docs/ as
// their rendering, so none is edited by hand or left stale.
func TestGeneratedDocsUpToDate(t *testing.T) {
	for _, rel := range docgen.Files {
		changed, err := docgen.Update(".", rel, false)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if changed {
			t.Errorf("%s differs from its generated tables: run `make docs` (go run ./cmd/gendocs) and commit the result", rel)
		}
	}
}

// TestContractsGlobalFlags: the flags CONTRACTS.md says every deployctl subcommand
// takes are exactly the flags all of them share.
func TestContractsGlobalFlags(t *testing.T) {
	doc, err := os.ReadFile("CONTRACTS.md")
	if err != nil {
		t.Fatal(err)
	}
	sentence := regexp.MustCompile(`(?s)Every subcommand takes the same global flags:(.*?)Those that run terraform`).FindSubmatch(doc)
	if sentence == nil {
		t.Fatal("CONTRACTS.md no longer lists the global flags")
	}
	var got []string
	for _, m := range regexp.MustCompile("`--([a-z-]+)`").FindAllSubmatch(sentence[1], -1) {
		got = append(got, string(m[1]))
	}
	shared := map[string]int{}
	flags := deployctlFlags(t)
	for _, fs := range flags {
		for f := range fs {
			shared[f]++
		}
	}
	var want []string
	for f, n := range shared {
		if n == len(flags)-1 && f != "h" && f != "help" { // every subcommand but `help`
			want = append(want, f)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CONTRACTS.md's global flags differ from the flags every deployctl subcommand takes (-deployctl +CONTRACTS.md):\n%s", diff)
	}
}
