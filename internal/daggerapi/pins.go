//go:build tools

package daggerapi

// The code Dagger's real codegen writes for a module (dagger.gen.go) imports
// github.com/dagger/otel-go, and the codegen then runs `go mod tidy`: without a
// requirement already in go.mod, tidy picks otel-go's newest pseudo-version, which
// does not compile with the otel version the Dagger library needs (an import cycle in
// go.opentelemetry.io/otel/internal/global). This import, never built (the tools tag
// is never set), keeps the version the Dagger v0.21 tree itself uses required in
// go.mod through `go mod tidy`, so the real codegen's tidy keeps it too. go.mod's
// replace lines for the otel log modules are the ones the codegen adds itself (from
// the Go SDK's go.mod): with them there, a real run changes nothing but the
// dagger.io/dagger requirement, which the generated code no longer imports.
import _ "github.com/dagger/otel-go"
