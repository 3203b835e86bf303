package tfstate

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseReadsWhatErrorWrites: what Error prints (deployctl's stderr), Parse reads
// back to the same place, kept or pushed back.
func TestParseReadsWhatErrorWrites(t *testing.T) {
	base := errors.New("deployctl apply: failed (exit 1)")
	for name, want := range map[string]*ErroredStateError{
		"kept":        {Path: "/work/out/errored.tfstate", Err: base},
		"pushed back": {Path: "/work/errored.tfstate", PushedBack: true, Err: base},
	} {
		t.Run(name, func(t *testing.T) {
			stderr := "Error: Failed to save state\n" + (&ErroredStateError{Path: want.Path, PushedBack: want.PushedBack, Err: errors.New("apply tfplan: exit 1")}).Error() + "\n"
			var got *ErroredStateError
			if err := Parse(base, stderr); !errors.As(err, &got) || !errors.Is(err, base) {
				t.Fatalf("Parse = %#v, want an *ErroredStateError wrapping the failure", err)
			}
			if d := cmp.Diff(want.Where(), got.Where()); d != "" || got.Path != want.Path {
				t.Errorf("Parse: path %q, where (-want +got):\n%s", got.Path, d)
			}
		})
	}
}

// TestParseReadsDeployctlsPushBack: deployctl apply's own words after pushing the
// file back (cmd/deployctl/apply.go) read as pushed back.
func TestParseReadsDeployctlsPushBack(t *testing.T) {
	stderr := "deployctl apply: ...; terraform could not save the state, so deployctl pushed /work/errored.tfstate back to the backend after terraform's lineage check"
	var es *ErroredStateError
	if err := Parse(errors.New("exit 1"), stderr); !errors.As(err, &es) || !es.PushedBack || es.Where() != "pushed /work/errored.tfstate back to the backend" {
		t.Errorf("Parse = %#v", err)
	}
}

func TestParseWithoutErroredState(t *testing.T) {
	base := errors.New("apply failed")
	var es *ErroredStateError
	if err := Parse(base, "Error: creating VPC"); errors.As(err, &es) || err != base {
		t.Errorf("Parse without an errored state = %#v, want the error unchanged", err)
	}
	if Parse(nil, "it is kept in /x") != nil {
		t.Error("Parse(nil) is not nil")
	}
}

func TestErrorSaysHowToRecover(t *testing.T) {
	err := &ErroredStateError{Path: "/k/errored.tfstate", Err: errors.New("boom")}
	want := "boom; terraform could not save the state: it is kept in /k/errored.tfstate, push it with `terraform state push /k/errored.tfstate` before anything else runs"
	if d := cmp.Diff(want, err.Error()); d != "" {
		t.Errorf("Error (-want +got):\n%s", d)
	}
}
