// Package tfstate holds what the deploy knows about a Terraform state an apply could
// not save. The code that runs terraform (internal/tf, deployctl apply) creates it and
// the code that reads deployctl's output (internal/ctl, for the Dagger module and the
// rehearsal) recreates it from stderr, so both use this one type; the package imports
// nothing beyond the standard library, so the Dagger module can use it too.
package tfstate

import (
	"fmt"
	"regexp"
)

// ErroredStateError is an apply that failed after changing infrastructure, where
// terraform could not save the state and wrote it to errored.tfstate instead.
type ErroredStateError struct {
	// Path is the errored state file.
	Path string
	// PushedBack says deployctl pushed the file back to the backend, so the state is
	// complete; otherwise it is kept at Path, to be pushed by hand.
	PushedBack bool
	Err        error
}

func (e *ErroredStateError) Error() string {
	if e.PushedBack {
		return fmt.Sprintf("%v; terraform could not save the state: %s", e.Err, e.Where())
	}
	return fmt.Sprintf("%v; terraform could not save the state: %s, push it with `terraform state push %s` before anything else runs", e.Err, e.Where(), e.Path)
}

func (e *ErroredStateError) Unwrap() error { return e.Err }

// Where says where the errored state went, in the words deployctl prints (and Parse
// reads back).
func (e *ErroredStateError) Where() string {
	if e.PushedBack {
		return "pushed " + e.Path + " back to the backend"
	}
	return "it is kept in " + e.Path
}

// whereRE finds Where's words in deployctl's stderr. A kept path ends before the comma
// that follows it in Error's text.
var whereRE = regexp.MustCompile(`pushed (\S+) back to the backend|it is kept in ([^\s,]+)`)

// Parse finds in a failed apply's stderr where its errored state went and returns err
// as an *ErroredStateError saying so; err unchanged when stderr names none, nil for nil.
func Parse(err error, stderr string) error {
	if err == nil {
		return nil
	}
	m := whereRE.FindStringSubmatch(stderr)
	switch {
	case m == nil:
		return err
	case m[1] != "":
		return &ErroredStateError{Path: m[1], PushedBack: true, Err: err}
	}
	return &ErroredStateError{Path: m[2], Err: err}
}
