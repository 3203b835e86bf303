package daggerrules

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// The engine's bounds on a function's time to live (core/modfunc.go).
const (
	minFunctionCacheTTL = 1 * time.Second
	maxFunctionCacheTTL = 7 * 24 * 60 * 60 * time.Second
)

// coreModuleName is the engine's name for the core API's module (core.ModuleName).
const coreModuleName = "daggercore"

// validate ports the checks the engine makes on the typedefs a module registers: each
// argument as it is added (functionWithArg), each cache policy (functionWithCachePolicy)
// and each object (validateObjectTypeDef). It returns every failure, joined.
func validate(td TypeDefs) error {
	var errs []error
	for _, obj := range td.Objects {
		for _, fn := range obj.allFunctions() {
			if err := validateCachePolicy(fn); err != nil {
				errs = append(errs, err)
			}
			for _, a := range fn.Args {
				if err := validateArg(a); err != nil {
					errs = append(errs, fmt.Errorf("check object %q function %q arg %q: %w", obj.Name, fn.Name, a.Name, err))
				}
			}
		}
		errs = append(errs, validateObject(td.Module, obj)...)
	}
	return errors.Join(errs...)
}

// allFunctions ports core/typedef.go ObjectTypeDef.functions: the constructor first.
func (obj ObjectDef) allFunctions() []FunctionDef {
	var fns []FunctionDef
	if obj.Constructor != nil {
		fns = append(fns, *obj.Constructor)
	}
	return append(fns, obj.Functions...)
}

// validateObject ports core/module.go validateObjectTypeDef for one of the module's own
// objects: no field or function named id, no Workspace field, and no type of another
// (non-core) module in a field, a result or an argument.
func validateObject(mod string, obj ObjectDef) []error {
	var errs []error
	for _, f := range obj.Fields {
		if fieldName(f.Name) == "id" {
			errs = append(errs, violation(srcValidateObj, "cannot define field with reserved name %q on object %q", f.Name, obj.Name))
		}
		if f.Type.Kind == objectKind && f.Type.Name == workspaceTypeDef {
			errs = append(errs, violation(srcValidateObj, "object %q field %q: Workspace cannot be stored as a field on a module object; declare it as a function argument instead", obj.OriginalName, f.OriginalName))
		}
		if dep := external(mod, f.Type); dep != "" {
			errs = append(errs, violation(srcValidateObj, "object %q field %q cannot reference external type from dependency module %q", obj.OriginalName, f.OriginalName, dep))
		}
	}
	for _, fn := range obj.allFunctions() {
		if fieldName(fn.Name) == "id" {
			errs = append(errs, violation(srcValidateObj, "cannot define function with reserved name %q on object %q", fn.Name, obj.Name))
		}
		if dep := external(mod, fn.Return); dep != "" {
			errs = append(errs, violation(srcValidateObj, "object %q function %q cannot return external type from dependency module %q", obj.OriginalName, fn.OriginalName, dep))
		}
		for _, a := range fn.Args {
			if dep := external(mod, a.Type); dep != "" {
				errs = append(errs, violation(srcValidateObj, "object %q function %q arg %q cannot reference external type from dependency module %q", obj.OriginalName, fn.OriginalName, a.OriginalName, dep))
			}
		}
	}
	return errs
}

// external returns the dependency module that defines t (or its list's elements), ""
// for core types, the module's own types and non-objects.
func external(mod string, t TypeDef) string {
	for t.Kind == listKind && t.Elem != nil {
		t = *t.Elem
	}
	if t.Kind != objectKind || t.SourceModule == "" || t.SourceModule == coreModuleName || t.SourceModule == mod {
		return ""
	}
	return t.SourceModule
}

// validateArg ports core/schema/module.go functionWithArg: at most one default, a
// default path only for Directory, File, GitRepository and GitRef, a default address
// only for Container, ignore patterns only for Directory.
func validateArg(a ArgDef) error {
	count := 0
	for _, set := range []bool{a.DefaultValue != nil, a.DefaultPath != "", a.DefaultAddress != ""} {
		if set {
			count++
		}
	}
	if count > 1 {
		return violation(srcFunctionArg, "cannot set more than one default value")
	}
	if a.DefaultPath != "" {
		if a.Type.Kind != objectKind {
			return violation(srcFunctionArg, "can only set default path for Object, not %s", a.Type.Kind)
		}
		if !slices.Contains([]string{"Directory", "File", "GitRepository", "GitRef"}, a.Type.Name) {
			return violation(srcFunctionArg, "cannot set default path for %s", a.Type.Name)
		}
	}
	if a.DefaultAddress != "" {
		if a.Type.Kind != objectKind {
			return violation(srcFunctionArg, "can only set default address for Object, not %s", a.Type.Kind)
		}
		if a.Type.Name != "Container" {
			return violation(srcFunctionArg, "can only set default address for Container type, not %s", a.Type.Name)
		}
	}
	if len(a.Ignore) > 0 {
		if a.Type.Kind != objectKind {
			return violation(srcFunctionArg, "can only set ignore for Object type, not %s", a.Type.Kind)
		}
		if a.Type.Name != "Directory" {
			return violation(srcFunctionArg, "can only set ignore for Directory type, not %s", a.Type.Name)
		}
	}
	return nil
}

// validateCachePolicy ports core/schema/module.go functionWithCachePolicy: a time to
// live only with the default policy, a Go duration of 0 (never cache) or between one
// second and one week.
func validateCachePolicy(fn FunctionDef) error {
	if fn.TimeToLive == nil {
		return nil
	}
	ttl := *fn.TimeToLive
	if fn.CachePolicy != "Default" {
		return violation(srcCachePolicy, "time to live can only be set with default cache policy")
	}
	d, err := time.ParseDuration(ttl)
	if err != nil {
		return violation(srcCachePolicy, "failed to parse time to live duration %q: %v", ttl, err)
	}
	switch {
	case d == 0:
		return nil
	case d < minFunctionCacheTTL:
		return violation(srcCachePolicy, "time to live duration must be at least %q, got %q", minFunctionCacheTTL.String(), ttl)
	case d > maxFunctionCacheTTL:
		return violation(srcCachePolicy, "time to live duration must be at most %q, got %q", maxFunctionCacheTTL.String(), ttl)
	}
	return nil
}

// checkModule runs the codegen's and the engine's checks over a module.
func checkModule(m *Module) error {
	td, err := Codegen(m)
	return errors.Join(err, validate(td))
}
