//go:build ignore

// Command schema prints the core API's introspection JSON as the engine hands it to a
// module's SDK, for the schema view named by its argument (the module's engineVersion):
// built in-process from the dagger/dagger tree it is copied into (as that
// tree's cmd/introspect does), with the types the engine hides from modules scrubbed
// (core/moddeps.go SchemaIntrospectionJSONFileForModule). It is not part of this
// module's build: scripts/dagger-codegen.sh copies it into the dagger tree.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/dagger/dagger/cmd/codegen/introspection"
	"github.com/dagger/dagger/core"
	"github.com/dagger/dagger/core/schema"
	"github.com/dagger/dagger/dagql"
	"github.com/dagger/dagger/dagql/call"
	"github.com/dagger/dagger/engine"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "schema:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	ctx = engine.ContextWithClientMetadata(ctx, &engine.ClientMetadata{
		ClientID:  "predictor-schema",
		SessionID: "predictor-schema",
	})
	cache, err := dagql.NewCache(ctx, "", nil, nil)
	if err != nil {
		return fmt.Errorf("create cache: %w", err)
	}
	ctx = dagql.ContextWithCache(ctx, cache)
	base, err := schema.NewCoreSchemaBase(ctx, nil)
	if err != nil {
		return fmt.Errorf("build core schema: %w", err)
	}
	view := ""
	if len(os.Args) > 1 {
		view = os.Args[1]
	}
	srv, err := base.Fork(ctx, &core.Query{}, call.View(view))
	if err != nil {
		return fmt.Errorf("fork core schema: %w", err)
	}
	raw, err := schema.SchemaIntrospectionJSON(ctx, srv)
	if err != nil {
		return fmt.Errorf("introspect core schema: %w", err)
	}
	var resp introspection.Response
	if err := json.Unmarshal(raw, &resp); err != nil {
		return fmt.Errorf("decode introspection: %w", err)
	}
	// Drop GraphQL's own __ types, as cmd/introspect does.
	var kept introspection.Types
	for _, t := range resp.Schema.Types {
		if !strings.HasPrefix(t.Name, "_") {
			kept = append(kept, t)
		}
	}
	resp.Schema.Types = kept
	// The types the engine scrubs before handing the schema to a module's SDK.
	hidden := append([]string{}, core.TypesToIgnoreForModuleIntrospection...)
	for _, typed := range core.TypesHiddenFromModuleSDKs {
		hidden = append(hidden, typed.Type().Name())
	}
	for _, name := range hidden {
		resp.Schema.ScrubType(name)
		resp.Schema.ScrubType(dagql.IDTypeNameForRawType(name))
	}
	resp.SchemaVersion = view
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(resp)
}
