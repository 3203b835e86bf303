package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// call is one field selection of a recorded query: the API call and its arguments.
// An argument that was an object ID the session handed out earlier holds that
// object's own calls ([]call) instead of the opaque ID.
type call struct {
	Field string
	Args  map[string]any
}

// session is a stand-in for a Dagger session: it answers every query with an object
// ID of its own making and records the query, so that what the codegen registers can
// be read back without an engine. It answers, it does not evaluate.
type session struct {
	mu     sync.Mutex
	chains map[string][]call // fake ID -> the calls that produced it
	last   []call            // the last query's calls
	err    error
}

const fakeIDPrefix = "recorded-id-"

func (s *session) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	doc, gerr := parser.ParseQuery(&ast.Source{Input: req.Query})
	if gerr != nil || len(doc.Operations) != 1 {
		s.fail(fmt.Errorf("parse query %q: %v", req.Query, gerr))
		http.Error(w, "unparsable query", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fakeIDPrefix + strconv.Itoa(len(s.chains))
	chain, err := s.chainOf(doc.Operations[0].SelectionSet, req.Variables)
	if err != nil {
		s.err = err
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.chains[id] = chain
	s.last = chain
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": answer(doc.Operations[0].SelectionSet, id)})
}

func (s *session) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// chainOf flattens a query into its calls. The SDK's query builder sends one chain
// per query (each field selects exactly one field below it); anything else is
// refused rather than guessed at.
func (s *session) chainOf(set ast.SelectionSet, vars map[string]any) ([]call, error) {
	var chain []call
	for len(set) > 0 {
		if len(set) != 1 {
			return nil, fmt.Errorf("query selects %d fields at one level, want 1", len(set))
		}
		f, ok := set[0].(*ast.Field)
		if !ok {
			return nil, fmt.Errorf("query has a fragment, want plain fields")
		}
		c := call{Field: f.Name, Args: map[string]any{}}
		for _, a := range f.Arguments {
			v, err := s.value(a.Value, vars)
			if err != nil {
				return nil, fmt.Errorf("read argument %s of %s: %w", a.Name, f.Name, err)
			}
			c.Args[a.Name] = v
		}
		chain = append(chain, c)
		set = f.SelectionSet
	}
	return chain, nil
}

func (s *session) value(v *ast.Value, vars map[string]any) (any, error) {
	switch v.Kind {
	case ast.Variable:
		return vars[v.Raw], nil
	case ast.StringValue, ast.BlockValue:
		if chain, ok := s.chains[v.Raw]; ok {
			return chain, nil
		}
		return v.Raw, nil
	case ast.EnumValue:
		return v.Raw, nil
	case ast.IntValue, ast.FloatValue:
		return json.Number(v.Raw), nil
	case ast.BooleanValue:
		return v.Raw == "true", nil
	case ast.NullValue:
		return nil, nil
	case ast.ListValue:
		out := []any{}
		for _, c := range v.Children {
			x, err := s.value(c.Value, vars)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case ast.ObjectValue:
		out := map[string]any{}
		for _, c := range v.Children {
			x, err := s.value(c.Value, vars)
			if err != nil {
				return nil, err
			}
			out[c.Name] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown value kind %d", v.Kind)
}

// answer builds the response data: objects down the chain, the query's fake ID at
// the leaf (the SDK reads an ID, or a scalar it then ignores).
func answer(set ast.SelectionSet, id string) map[string]any {
	out := map[string]any{}
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok {
			continue
		}
		key := f.Alias
		if key == "" {
			key = f.Name
		}
		if len(f.SelectionSet) == 0 {
			out[key] = id
		} else {
			out[key] = answer(f.SelectionSet, id)
		}
	}
	return out
}

// startSession serves a recording session on a local port and returns it with the
// environment a client needs to reach it (DAGGER_SESSION_PORT and _TOKEN).
func startSession() (*session, []string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listen: %w", err)
	}
	s := &session{chains: map[string][]call{}}
	srv := &http.Server{Handler: s}
	go func() { _ = srv.Serve(ln) }()
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		srv.Close()
		return nil, nil, nil, fmt.Errorf("make token: %w", err)
	}
	env := []string{
		"DAGGER_SESSION_PORT=" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port),
		"DAGGER_SESSION_TOKEN=" + hex.EncodeToString(token),
	}
	return s, env, func() { srv.Close() }, nil
}

// lastChain returns the calls of the last query the session answered.
func (s *session) lastChain() ([]call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	if s.last == nil {
		return nil, fmt.Errorf("no query was sent")
	}
	return s.last, nil
}

// runSession runs argv against a recording session and returns the calls of the last
// query it sent (the one that registers the module).
func runSession(ctx context.Context, argv []string) ([]call, error) {
	s, env, stop, err := startSession()
	if err != nil {
		return nil, err
	}
	defer stop()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("run %s: %w", strings.Join(argv, " "), err)
	}
	return s.lastChain()
}
