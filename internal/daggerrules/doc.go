// Package daggerrules ports, from the Dagger engine's source at v0.21.8, the checks
// that run when the engine loads a Go module, so that a module which the engine would
// refuse fails a plain `go test` here, without an engine.
//
// Loading a Go module happens in two steps, and the checks follow them:
//
//   - Codegen (cmd/codegen/generator/go/templates): the Go SDK parses the module's
//     package, turns its objects, fields, functions and arguments (with their
//     +optional, +default, +defaultPath, +defaultAddress, +ignore, +private and +cache
//     pragmas) into typedefs, and refuses what it cannot express. [Codegen] ports it:
//     a [Module] in, [TypeDefs] out.
//   - Engine (core/module.go, core/schema/module.go, core/typedef.go, core/gqlformat.go):
//     the engine names everything in GraphQL style and validates each typedef the
//     module registers. validate ports it over [TypeDefs], so typedefs captured from
//     the real codegen can be checked the same way.
//
// Every check cites the file and function it was ported from. A check that the real
// engine does not make would be a defect, so nothing here goes beyond the source.
//
// [LoadGoModule] builds a [Module] from a module's Go source, and [CallPrints] tells what
// `dagger call` prints for a function's return type (cmd/dagger/functions.go).
package daggerrules
