// Command gendagger writes offline stand-ins for the files `dagger develop` generates,
// so `go build` and `go vet` type-check a Dagger module without a Dagger engine.
//
// It writes, for the module directory given by -dir:
//   - internal/dagger/dagger.gen.go: a type alias (or var/const/func alias) for every
//     exported, non-generic identifier of the dagger.io/dagger library at the version
//     in go.mod, which exposes the same core API as the generated module package;
//   - dagger.gen.go: `dag`, declared without connecting to anything, and an empty main.
//
// Both files carry the standard "Code generated ... DO NOT EDIT." header, are
// gitignored like the engine's own output, and are replaced by a real `dagger develop`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".", "module directory (holding dagger.json and go.mod)")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gendagger:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	modPath, err := modulePath(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	libDir, err := libraryDir(dir)
	if err != nil {
		return err
	}
	api, err := exportedAPI(libDir)
	if err != nil {
		return err
	}
	if err := writeAPI(dir, api); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "dagger.gen.go"), rootFile(modPath))
}

func writeFile(path string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, content, 0o644)
}
