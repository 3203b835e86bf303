package daggerapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
)

// regenerateCommand is what rewrites the goldens; failures name it.
const regenerateCommand = "make dagger-codegen DAGGER_SRC=<a dagger/dagger source tree at v0.21.8>"

// APIDigest hashes what Dagger's codegen reads from the module in dir: the package
// comment (the module's description), every exported type declaration, the
// constructor New and every exported method, each with its doc comment and the
// comments between its parameters (the +optional, +default, ... pragmas), bodies left
// out. Files the codegen writes (dagger.gen.go) and tests are not read.
func APIDigest(dir string) (string, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		n := fi.Name()
		return !strings.HasSuffix(n, "_test.go") && n != "dagger.gen.go"
	}, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", dir, err)
	}
	main, ok := pkgs["main"]
	if !ok {
		return "", fmt.Errorf("digest %s: no package main", dir)
	}
	var parts []string
	for path, f := range main.Files {
		src, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", path, err)
		}
		text := func(from, to token.Pos) string {
			return normalise(string(src[fset.Position(from).Offset:fset.Position(to).Offset]))
		}
		if f.Doc != nil {
			parts = append(parts, "package doc "+text(f.Doc.Pos(), f.Doc.End()))
		}
		for _, decl := range f.Decls {
			if p := declText(decl, text); p != "" {
				parts = append(parts, p)
			}
		}
	}
	sort.Strings(parts)
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

func declText(decl ast.Decl, text func(from, to token.Pos) string) string {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		// The codegen reads the constructor and the methods of exported types; a
		// method of an unexported type (an interface implementation such as the
		// deploy's stages) is not part of the module's API.
		if !d.Name.IsExported() || (d.Recv == nil && d.Name.Name != "New") || (d.Recv != nil && !exportedReceiver(d.Recv)) {
			return ""
		}
		from := d.Pos()
		if d.Doc != nil {
			from = d.Doc.Pos()
		}
		end := d.End()
		if d.Body != nil {
			end = d.Body.Lbrace
		}
		return text(from, end)
	case *ast.GenDecl:
		if d.Tok != token.TYPE {
			return ""
		}
		for _, s := range d.Specs {
			if s.(*ast.TypeSpec).Name.IsExported() {
				from := d.Pos()
				if d.Doc != nil {
					from = d.Doc.Pos()
				}
				return text(from, d.End())
			}
		}
	}
	return ""
}

// exportedReceiver reports whether a method's receiver type (T or *T, generic or
// not) is exported.
func exportedReceiver(recv *ast.FieldList) bool {
	if len(recv.List) == 0 {
		return false
	}
	t := recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}

// normalise drops indentation and blank lines, which gofmt may change freely.
func normalise(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
