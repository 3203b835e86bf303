package daggerrules

import "fmt"

// Where each check comes from, in dagger/dagger at v0.21.8.
const (
	tmpl             = "cmd/codegen/generator/go/templates/"
	srcVisit         = tmpl + "visit.go visitTypes"
	srcTypeRef       = tmpl + "module_types.go parseGoTypeReference"
	srcPrimitive     = tmpl + "module_types.go parsedPrimitiveType.TypeDef"
	srcParseFunc     = tmpl + "module_funcs.go parseGoFunc"
	srcParamSpecs    = tmpl + "module_funcs.go parseParamSpecs"
	srcParamVar      = tmpl + "module_funcs.go parseParamSpecVar"
	srcCtor          = tmpl + "modules.go fillObjectFunctionCases"
	srcCase          = tmpl + "modules.go fillObjectFunctionCase"
	srcValidateObj   = "core/module.go validateObjectTypeDef"
	srcFunctionArg   = "core/schema/module.go functionWithArg"
	srcCachePolicy   = "core/schema/module.go functionWithCachePolicy"
	srcNotModelled   = "not modelled by this port"
	constructorName  = "New"
	contextTypeName  = "context.Context"
	workspaceTypeDef = "Workspace"
)

// ruleError is one check the module fails: the engine's or codegen's own message, and
// the file and function of dagger/dagger it comes from.
type ruleError struct {
	Msg    string
	Source string
}

func (v *ruleError) Error() string { return fmt.Sprintf("%s (%s)", v.Msg, v.Source) }

func violation(source, format string, args ...any) *ruleError {
	return &ruleError{Msg: fmt.Sprintf(format, args...), Source: source}
}
