package daggerapi

// maxGoDirective is the highest `go` line in a module's go.mod that the pinned Dagger
// line's Go codegen is known to accept.
//
// The codegen refuses a go.mod whose go directive is newer than the Go it was built
// with: cmd/codegen/generator/go/generate_module.go, (*GoGenerator).bootstrapMod,
// compares the directive with goVersion and fails with "existing go.mod has
// unsupported version"; goVersion is runtime.Version() of the codegen binary
// (cmd/codegen/generator/go/generator.go). The engine image builds the codegen with
// the latest Go 1.26 patch release of its build day (toolchains/go/main.go installs
// Wolfi's go-1.26; engine/distconsts/consts.go names only "1.26"), which is not
// recorded in the tree; what is recorded is that every go.mod of the v0.21.8 tree says
// go 1.26.1, so the codegen was built with at least that. A later patch line may
// work with one engine build and fail with another, so none is allowed here.
const maxGoDirective = "1.26.1"
