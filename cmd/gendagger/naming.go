package main

// Names exactly as the real Dagger engine and Go codegen write them, so a stand-in
// client has the identifiers `dagger develop` would generate (PlanJSON, not PlanJson).
//
// A module's Go name travels twice before a caller sees it:
//  1. the engine stores a function, argument or field under strcase.ToLowerCamel of
//     the name the Go SDK registers (dagger/dagger v0.21.9 core/typedef.go NewFunction,
//     NewFunctionArg, NewFieldTypeDef; github.com/iancoleman/strcase v0.3.0), with
//     the acronyms the engine configures at start-up (core/json.go: JSON, core/llm.go:
//     LLM), and names a non-main object by core/gqlformat.go namespaceObject;
//  2. the Go codegen writes the client identifier with formatName: first letter upper,
//     then lintName (cmd/codegen/generator/go/templates/functions.go formatName,
//     lint_name.go), and the CLI shows strcase.ToKebab of the engine's name
//     (cmd/dagger/module_inspect.go cliName).

import (
	"strings"
	"unicode"

	"github.com/iancoleman/strcase"
)

func init() {
	// The engine's own configuration (dagger/dagger v0.21.9 core/json.go and
	// core/llm.go): a whole name "JSON" or "LLM" keeps its capitals.
	strcase.ConfigureAcronym("JSON", "JSON")
	strcase.ConfigureAcronym("LLM", "LLM")
}

// gqlName is the engine's name of a function, argument or field registered as name.
func gqlName(name string) string {
	return strcase.ToLowerCamel(name)
}

// gqlObjectName is the engine's name of a module object (core/gqlformat.go
// namespaceObject, for a module whose final and original names are the same): the
// main object takes the module's name, others are prefixed with it.
func gqlObjectName(objName, modName string) string {
	obj := strcase.ToCamel(objName)
	if rest := strings.TrimPrefix(obj, strcase.ToCamel(modName)); rest != obj {
		if rest == "" {
			return strcase.ToCamel(modName)
		}
		if 'A' <= rest[0] && rest[0] <= 'Z' {
			return strcase.ToCamel(modName + rest)
		}
	}
	return strcase.ToCamel(modName + "_" + obj)
}

// cliName is the name `dagger call` shows for an engine name.
func cliName(gql string) string {
	return strcase.ToKebab(gql)
}

// formatName is the Go codegen's client identifier for an engine name
// (cmd/codegen/generator/go/templates/functions.go in dagger/dagger v0.21.9).
func formatName(s string) string {
	if len(s) > 0 {
		s = strings.ToUpper(string(s[0])) + s[1:]
	}
	return lintName(s)
}

// clientFuncName is the client method name the codegen writes for a Go name.
func clientFuncName(goName string) string { return formatName(gqlName(goName)) }

// lintName is copied from dagger/dagger v0.21.9
// cmd/codegen/generator/go/templates/lint_name.go (itself golint's lintName,
// https://github.com/golang/lint/blob/master/lint.go#L719), unchanged.
func lintName(name string) (should string) {
	// Fast path for simple cases: "_" and all lowercase.
	if name == "_" {
		return name
	}
	allLower := true
	for _, r := range name {
		if !unicode.IsLower(r) {
			allLower = false
			break
		}
	}
	if allLower {
		return name
	}

	// Split camelCase at any lower->upper transition, and split on underscores.
	// Check each word for common initialisms.
	runes := []rune(name)
	w, i := 0, 0 // index of start of word, scan
	for i+1 <= len(runes) {
		eow := false           // whether we hit the end of a word
		if i+1 == len(runes) { //nolint:gocritic // golint's lintName, copied as the real codegen has it
			eow = true
		} else if runes[i+1] == '_' {
			// underscore; shift the remainder forward over any run of underscores
			eow = true
			n := 1
			for i+n+1 < len(runes) && runes[i+n+1] == '_' {
				n++
			}

			// Leave at most one underscore if the underscore is between two digits
			if i+n+1 < len(runes) && unicode.IsDigit(runes[i]) && unicode.IsDigit(runes[i+n+1]) {
				n--
			}

			copy(runes[i+1:], runes[i+n+1:])
			runes = runes[:len(runes)-n]
		} else if unicode.IsLower(runes[i]) && !unicode.IsLower(runes[i+1]) {
			// lower->non-lower
			eow = true
		}
		i++
		if !eow {
			continue
		}

		// [w,i) is a word.
		word := string(runes[w:i])
		if u := strings.ToUpper(word); commonInitialisms[u] {
			// Keep consistent case, which is lowercase only at the start.
			if w == 0 && unicode.IsLower(runes[w]) {
				u = strings.ToLower(u)
			}
			// All the common initialisms are ASCII,
			// so we can replace the bytes exactly.
			copy(runes[w:], []rune(u))
		} else if w > 0 && strings.ToLower(word) == word {
			// already all lowercase, and not the first word, so uppercase the first character.
			runes[w] = unicode.ToUpper(runes[w])
		}
		w = i
	}
	return string(runes)
}

// commonInitialisms is a set of common initialisms (lint_name.go in dagger/dagger
// v0.21.9: golint's list plus FS, SDK and LLM).
var commonInitialisms = map[string]bool{
	"ACL":   true,
	"API":   true,
	"ASCII": true,
	"CPU":   true,
	"CSS":   true,
	"DNS":   true,
	"EOF":   true,
	"GUID":  true,
	"HTML":  true,
	"HTTP":  true,
	"HTTPS": true,
	"ID":    true,
	"IP":    true,
	"JSON":  true,
	"LHS":   true,
	"QPS":   true,
	"RAM":   true,
	"RHS":   true,
	"RPC":   true,
	"SLA":   true,
	"SMTP":  true,
	"SQL":   true,
	"SSH":   true,
	"TCP":   true,
	"TLS":   true,
	"TTL":   true,
	"UDP":   true,
	"UI":    true,
	"UID":   true,
	"UUID":  true,
	"URI":   true,
	"URL":   true,
	"UTF8":  true,
	"VM":    true,
	"XML":   true,
	"XMPP":  true,
	"XSRF":  true,
	"XSS":   true,

	// Custom added for dagger
	"FS":  true,
	"SDK": true,
	"LLM": true,
}
