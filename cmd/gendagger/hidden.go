package main

import (
	"go/ast"
	"slices"
	"strings"
)

// hiddenFromModules are the core types the engine scrubs from the schema it hands a
// module's SDK for codegen (v0.21.8: core/moddeps.go TypesToIgnoreForModuleIntrospection
// and core/env.go TypesHiddenFromModuleSDKs, applied by
// SchemaBuilder.SchemaIntrospectionJSONFileForModule). The code generated for a
// module has none of them, nor their ID scalars, option structs or the Query fields
// that reach them; the library, generated for clients, has them all.
var hiddenFromModules = []string{"Host", "Engine", "EngineCache", "EngineCacheEntry", "EngineCacheEntrySet"}

// isHidden tells whether a library identifier belongs to a type hidden from modules:
// the type, its ID, or one of its <Type><Method>Opts structs.
func isHidden(name string) bool {
	for _, t := range hiddenFromModules {
		rest, ok := strings.CutPrefix(name, t)
		if !ok {
			continue
		}
		if rest == "" || rest == "ID" || (strings.HasSuffix(rest, "Opts") && rest[0] >= 'A' && rest[0] <= 'Z') {
			return true
		}
	}
	return false
}

// clientOnly are the library's identifiers that serve standalone clients (connection
// options, raw requests, the SDK's embedded sources) and that the code generated for
// a module does not have, plus those the stand-in defines itself in the module code's
// shape (Client, Query, Connect, Tracer).
var clientOnly = []string{
	"Client", "Query", "Connect", "Tracer",
	"ClientOpt", "Request", "Response",
	"WithConn", "WithEnvironmentVariable", "WithLoadWorkspaceModules", "WithLogOutput",
	"WithRunnerHost", "WithSkipWorkspaceModules", "WithVerbosity", "WithVersionOverride",
	"WithWorkdir", "WithWorkspace",
	"EngineConn", "GoDagGen", "GoMod", "GoSDK", "GoSum",
}

// forModules drops from a what module code cannot use.
func (a api) forModules() api {
	keep := func(names []string) []string {
		var out []string
		for _, n := range names {
			if !isHidden(n) && !slices.Contains(clientOnly, n) {
				out = append(out, n)
			}
		}
		return out
	}
	return api{Types: keep(a.Types), Funcs: keep(a.Funcs), Vars: keep(a.Vars), Consts: keep(a.Consts), HiddenQuery: a.HiddenQuery}
}

// reachesHidden tells whether a Query method's signature names a hidden type.
func reachesHidden(ft *ast.FuncType) bool {
	found := false
	ast.Inspect(ft, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && isHidden(id.Name) {
			found = true
		}
		return !found
	})
	return found
}
