package daggerrules

import (
	"strings"

	"github.com/iancoleman/strcase"
)

// The engine's names for what a module declares. The strcase version is the one the
// engine's go.mod pins (v0.3.0), so the conversions agree letter for letter.

// fieldName is a field's GraphQL name (core/gqlformat.go gqlFieldName,
// core/typedef.go NewFieldTypeDef): a Go field ID becomes id.
func fieldName(name string) string { return strcase.ToLowerCamel(name) }

// ArgName is an argument's GraphQL name (core/gqlformat.go gqlArgName,
// core/typedef.go NewFunctionArg).
func ArgName(name string) string { return strcase.ToLowerCamel(name) }

// functionName is a function's GraphQL name (core/typedef.go NewFunction), which keeps
// the FromID suffix of loadXFromID functions.
func functionName(name string) string {
	gqlName := strcase.ToLowerCamel(name)
	if strings.HasPrefix(name, "load") && strings.HasSuffix(name, "FromID") && strings.HasSuffix(gqlName, "FromId") {
		gqlName = strings.TrimSuffix(gqlName, "FromId") + "FromID"
	}
	return gqlName
}

// objectName is an object's name before namespacing (core/typedef.go NewObjectTypeDef).
func objectName(name string) string { return strcase.ToCamel(name) }

// namespacedObjectName is the schema name of a module's object (core/gqlformat.go
// namespaceObject, with the module's final name equal to its original name): the main
// object takes the module's name, others get it as a prefix (Plan -> PredictorPlan),
// unless they already start with it at a word boundary.
func namespacedObjectName(objOriginalName, modName string) string {
	objOriginalName = strcase.ToCamel(objOriginalName)
	if rest := strings.TrimPrefix(objOriginalName, strcase.ToCamel(modName)); rest != objOriginalName {
		if len(rest) == 0 {
			return strcase.ToCamel(modName)
		}
		if 'A' <= rest[0] && rest[0] <= 'Z' {
			return strcase.ToCamel(modName + rest)
		}
	}
	return strcase.ToCamel(modName + "_" + objOriginalName)
}

// CLIName is how `dagger call` spells a function or argument
// (cmd/dagger/module_inspect.go cliName): planJson -> plan-json.
func CLIName(gqlName string) string { return strcase.ToKebab(gqlName) }
