//go:build tools

// Package pins keeps github.com/dagger/otel-go required in go.mod at the version the
// Dagger v0.21 tree uses: the real codegen's dagger.gen.go imports it and then runs
// `go mod tidy`, which would otherwise pick a newer pseudo-version that does not
// compile (see internal/daggerapi/pins.go in the root module). Never built.
package pins

import _ "github.com/dagger/otel-go"
