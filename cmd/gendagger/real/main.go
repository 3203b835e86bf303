// Command real turns what Dagger's real Go codegen produces into this repository's
// goldens (internal/daggerapi/golden). scripts/dagger-codegen.sh builds the codegen
// from a dagger/dagger tree and calls it:
//
//	real proxy DIR SPEC...                serve module versions the Go module proxy refuses, from git clones
//	real typedefs NAME OUT -- CODEGEN...  run `codegen generate-typedefs` against a recording session; write NAME's typedefs to OUT
//	real surface PKGDIR OUT               write the exported API of the Go package in PKGDIR
//	real digest MODULEDIR                 print the digest of a module's exported Go API
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"dagger/predictor/internal/daggerapi"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "real:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: real proxy|typedefs|surface|digest ARGS")
	}
	switch {
	case args[0] == "proxy" && len(args) >= 3:
		for _, s := range args[2:] {
			m, err := parseProxySpec(s)
			if err != nil {
				return err
			}
			if err := writeProxyModule(args[1], m); err != nil {
				return err
			}
		}
		return nil
	case args[0] == "typedefs" && len(args) >= 5 && args[3] == "--":
		return writeTypeDefs(ctx, args[1], args[2], args[4:])
	case args[0] == "surface" && len(args) == 3:
		s, err := daggerapi.Surface(args[1])
		if err != nil {
			return err
		}
		return os.WriteFile(args[2], []byte(s), 0o644)
	case args[0] == "digest" && len(args) == 2:
		d, err := daggerapi.APIDigest(args[1])
		if err != nil {
			return err
		}
		fmt.Println(d)
		return nil
	}
	return fmt.Errorf("bad arguments %q: see the command's doc comment", args)
}

func writeTypeDefs(ctx context.Context, name, out string, argv []string) error {
	chain, err := runSession(ctx, argv)
	if err != nil {
		return err
	}
	m, err := moduleOf(name, chain)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode typedefs: %w", err)
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}
