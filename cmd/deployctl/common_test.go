package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/envcfg"
)

func TestGlobalsValidate(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	tests := map[string]struct {
		args    []string
		noEnv   bool
		wantErr error
		wantMsg string
	}{
		"dev":              {args: []string{"--env", "dev"}},
		"prod emulator":    {args: []string{"--env=prod", "--aws-endpoint", "http://127.0.0.1:5000"}},
		"missing env":      {args: nil, wantErr: envcfg.ErrNoEnv, wantMsg: "no environment given: pass --env with one of dev, prod, local"},
		"unknown env":      {args: []string{"--env", "qa"}, wantErr: envcfg.ErrUnknownEnv, wantMsg: `unknown environment "qa": use one of dev, prod, local`},
		"env optional":     {args: nil, noEnv: true},
		"env optional bad": {args: []string{"--env", "qa-nope"}, noEnv: true, wantErr: envcfg.ErrUnknownEnv},
		"bad region":       {args: []string{"--env", "dev", "--region", "mars"}, wantErr: envcfg.ErrBadRegion},
		"bad endpoint":     {args: []string{"--env", "dev", "--aws-endpoint", "localhost:5000"}, wantMsg: `invalid --aws-endpoint "localhost:5000": use a URL such as http://127.0.0.1:5000, or leave it empty for real AWS`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fs := newFlagSet("test")
			g := addGlobals(fs)
			if code, ok := parseFlags(fs, tc.args, &bytes.Buffer{}); !ok {
				t.Fatalf("parseFlags: code %d", code)
			}
			var err error
			if tc.noEnv {
				err = g.validateNoEnv()
			} else {
				err = g.validate()
			}
			if tc.wantErr == nil && tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("validate: no error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v is not %v", err, tc.wantErr)
			}
			if tc.wantMsg != "" {
				if diff := cmp.Diff(tc.wantMsg, err.Error()); diff != "" {
					t.Errorf("message (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestGlobalsDefaults(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://emu:4566")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-1")
	fs := newFlagSet("test")
	g := addGlobals(fs)
	if _, ok := parseFlags(fs, nil, &bytes.Buffer{}); !ok {
		t.Fatal("parseFlags failed")
	}
	want := globals{region: "eu-west-1", endpoint: "http://emu:4566", infraDir: "infra", workdir: "."}
	if diff := cmp.Diff(want, *g, cmp.AllowUnexported(globals{})); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestParseFlagsBadInput(t *testing.T) {
	tests := map[string]struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		"unknown flag": {args: []string{"--nope"}, wantCode: 1, wantOut: "deployctl test: flag provided but not defined: -nope: run `deployctl test -h` for the flags\n"},
		"positional":   {args: []string{"extra"}, wantCode: 1, wantOut: "deployctl test: unexpected argument \"extra\": run `deployctl test -h` for the flags\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fs := newFlagSet("test")
			addGlobals(fs)
			var stderr bytes.Buffer
			code, ok := parseFlags(fs, tc.args, &stderr)
			if ok || code != tc.wantCode {
				t.Errorf("got code %d ok %v, want %d false", code, ok, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantOut, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCmdParse covers the prologue every subcommand shares: parse, then validate the
// globals with --env required or optional, and the -h note.
func TestCmdParse(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	tests := map[string]struct {
		optional bool
		note     string
		args     []string
		wantCode int
		wantOK   bool
		wantOut  string // prefix of stderr
	}{
		"env given":        {args: []string{"--env", "dev"}, wantOK: true},
		"env missing":      {args: nil, wantCode: 1, wantOut: "deployctl t: no environment given: pass --env"},
		"env optional":     {optional: true, args: nil, wantOK: true},
		"optional bad env": {optional: true, args: []string{"--region", "mars"}, wantCode: 1, wantOut: "deployctl t: "},
		"bad flag":         {args: []string{"--nope"}, wantCode: 1, wantOut: "deployctl t: flag provided but not defined: -nope"},
		"help":             {args: []string{"-h"}, wantOut: "usage: deployctl t [flags]"},
		"help note":        {note: "\nNOTE\n", args: []string{"-h"}, wantOut: "usage: deployctl t [flags]"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCmd("t", withTerraform)
			if tc.optional {
				c.envOptional()
			}
			c.helpNote = tc.note
			var stderr bytes.Buffer
			code, ok := c.parse(tc.args, &stderr)
			if code != tc.wantCode || ok != tc.wantOK {
				t.Errorf("parse = %d, %v; want %d, %v", code, ok, tc.wantCode, tc.wantOK)
			}
			if !strings.HasPrefix(stderr.String(), tc.wantOut) {
				t.Errorf("stderr %q does not start with %q", stderr.String(), tc.wantOut)
			}
			if tc.note != "" && !strings.HasSuffix(stderr.String(), tc.note) {
				t.Errorf("stderr %q does not end with the note %q", stderr.String(), tc.note)
			}
			if c.tfl == nil || c.fs.Lookup("lock-timeout") == nil {
				t.Error("withTerraform registered no terraform flags")
			}
		})
	}
}
