// Command gendocs writes the generated tables (internal/docgen) into the documents
// that show them: `make docs`. With -check it writes nothing and exits 1 when a
// document is out of date.
package main

import (
	"flag"
	"fmt"
	"os"

	"dagger/predictor/internal/docgen"
)

func main() {
	root := flag.String("root", ".", "the repository root")
	check := flag.Bool("check", false, "write nothing; exit 1 when a document differs from its rendering")
	flag.Parse()
	stale := false
	for _, rel := range docgen.Files {
		changed, err := docgen.Update(*root, rel, !*check)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
			os.Exit(1)
		}
		if changed && *check {
			fmt.Fprintf(os.Stderr, "gendocs: %s is out of date: run `make docs`\n", rel)
			stale = true
		} else if changed {
			fmt.Printf("gendocs: wrote %s\n", rel)
		}
	}
	if stale {
		os.Exit(1)
	}
}
