package daggerrules

import (
	"fmt"
	"strings"
)

// The CLI's global flags that take a value and those that do not, at v0.21.8
// (cmd/dagger/main.go installGlobalFlags, cmd/dagger/module.go --mod,
// cmd/dagger/functions.go FuncCommand.Command --output and --json, and the root
// command's --help).
var (
	globalValueFlags = map[string]bool{
		"-o": true, "--output": true, "-m": true, "--mod": true, "--workdir": true, "--progress": true,
		"--lock": true, "--interactive-command": true, "--x-release": true, "--dot-output": true, "--dot-focus-field": true,
	}
	globalBoolFlags = map[string]bool{
		"-j": true, "--json": true, "-v": true, "-vv": true, "-vvv": true, "--verbose": true, "-q": true, "--quiet": true,
		"-s": true, "--silent": true, "-d": true, "--debug": true, "-i": true, "--interactive": true, "-w": true, "--web": true,
		"-E": true, "--no-exit": true, "-y": true, "--auto-apply": true, "--cloud": true, "--scale-out": true, "--dot-show-internal": true,
		"-h": true, "--help": true,
	}
)

// Call is a `dagger call` command line read against a module's typedefs.
type Call struct {
	// Chain are the functions (or fields) called, as the CLI spells them.
	Chain []string
	// Flags are the argument flags given to each function of Chain (index 0 is the
	// first function; the constructor's are in CtorFlags), by flag name.
	Flags     []map[string]string
	CtorFlags map[string]string
	// Output is the -o/--output path ("" without).
	Output string
	JSON   bool
	// Help: --help prints the usage of the last command instead of calling it.
	Help bool
}

// ParseCall reads the arguments that follow `dagger call` as the CLI does: constructor
// flags, then each function with its flags, global flags anywhere. Like the CLI it
// fails on an unknown flag ("unknown flag: --x") or function, and on a required
// argument left out (cmd/dagger/functions.go selectFunc: required flag(s) "x" not
// set). A boolean flag takes no value unless written --flag=value.
func ParseCall(td TypeDefs, args []string) (Call, error) {
	obj, ok := td.object(td.mainObject())
	if !ok {
		return Call{}, fmt.Errorf("parse call: module %s has no main object", td.Module)
	}
	c := Call{CtorFlags: map[string]string{}}
	fn := obj.Constructor
	flags := c.CtorFlags
	cur := &obj
	for i := 0; i < len(args); i++ {
		tok := args[i]
		if !strings.HasPrefix(tok, "-") {
			if err := checkRequired(fn, flags); err != nil {
				return Call{}, err
			}
			next, nextFn, err := c.step(td, cur, tok)
			if err != nil {
				return Call{}, err
			}
			fn, cur, flags = nextFn, next, c.Flags[len(c.Flags)-1]
			continue
		}
		consumed, err := c.flag(fn, flags, args, i)
		if err != nil {
			return Call{}, err
		}
		i += consumed
	}
	if c.Help {
		return c, nil
	}
	if len(c.Chain) == 0 {
		return Call{}, fmt.Errorf("parse call: no function called")
	}
	return c, checkRequired(fn, flags)
}

// step calls the function or field name on cur and returns the object the chain goes
// on from (nil when it ends on something else) and the function (nil for a field).
func (c *Call) step(td TypeDefs, cur *ObjectDef, name string) (*ObjectDef, *FunctionDef, error) {
	if cur == nil {
		return nil, nil, fmt.Errorf("parse call: %s after %s, which returns no module object", name, strings.Join(c.Chain, " "))
	}
	var fn *FunctionDef
	for i := range cur.Functions {
		if CLIName(cur.Functions[i].Name) == name {
			fn = &cur.Functions[i]
		}
	}
	t, ok := cur.member(name)
	if !ok {
		return nil, nil, fmt.Errorf("parse call: unknown command %q for %s", name, cur.SchemaName)
	}
	c.Chain = append(c.Chain, name)
	c.Flags = append(c.Flags, map[string]string{})
	if next, ok := td.object(t.Name); ok && t.Kind == objectKind && t.SourceModule == td.Module {
		return &next, fn, nil
	}
	return nil, fn, nil
}

// flag reads the flag at args[i] and returns how many more tokens it consumed.
func (c *Call) flag(fn *FunctionDef, flags map[string]string, args []string, i int) (int, error) {
	name, value, hasValue := strings.Cut(args[i], "=")
	switch {
	case globalBoolFlags[name]:
		c.JSON = c.JSON || name == "-j" || name == "--json"
		c.Help = c.Help || name == "-h" || name == "--help"
		return 0, nil
	case globalValueFlags[name]:
		if !hasValue {
			if i+1 >= len(args) {
				return 0, fmt.Errorf("parse call: flag needs an argument: %s", name)
			}
			value = args[i+1]
		}
		if name == "-o" || name == "--output" {
			c.Output = value
		}
		return boolToInt(!hasValue), nil
	}
	arg := argByFlag(fn, name)
	if arg == nil {
		return 0, fmt.Errorf("parse call: unknown flag: %s", name)
	}
	if !hasValue && arg.Type.Kind != booleanKind {
		if i+1 >= len(args) {
			return 0, fmt.Errorf("parse call: flag needs an argument: %s", name)
		}
		flags[strings.TrimPrefix(name, "--")] = args[i+1]
		return 1, nil
	}
	if !hasValue {
		value = "true"
	}
	flags[strings.TrimPrefix(name, "--")] = value
	return 0, nil
}

func argByFlag(fn *FunctionDef, flag string) *ArgDef {
	if fn == nil {
		return nil
	}
	for i := range fn.Args {
		if "--"+CLIName(fn.Args[i].Name) == flag {
			return &fn.Args[i]
		}
	}
	return nil
}

// checkRequired ports selectFunc's check with modFunctionArg.IsRequired: an argument
// that is neither optional nor defaulted must be given.
func checkRequired(fn *FunctionDef, flags map[string]string) error {
	if fn == nil {
		return nil
	}
	var missing []string
	for _, a := range fn.Args {
		if _, ok := flags[CLIName(a.Name)]; !ok && !a.Type.Optional && a.DefaultValue == nil {
			missing = append(missing, CLIName(a.Name))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("parse call: required flag(s) \"%s\" not set", strings.Join(missing, `", "`))
	}
	return nil
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
