package exitcode

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// constants reads the name and value of every constant declared in exitcode.go, so
// the table cannot miss one that code branches on.
func constants(t *testing.T) map[string]int {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "exitcode.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]int{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			n, err := strconv.Atoi(vs.Values[0].(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			consts[vs.Names[0].Name] = n
		}
	}
	return consts
}

func TestStatusesListEveryConstant(t *testing.T) {
	want := constants(t)
	got := map[string]int{}
	last := -1
	for _, s := range Statuses {
		if _, dup := got[s.Name]; dup {
			t.Errorf("Statuses lists %s twice", s.Name)
		}
		if s.Code <= last {
			t.Errorf("Statuses is not in ascending order at %d %s", s.Code, s.Name)
		}
		if s.Short == "" || s.Meaning == "" {
			t.Errorf("status %d %s has no meaning", s.Code, s.Name)
		}
		last = s.Code
		got[s.Name] = s.Code
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Statuses differs from the constants (-constants +Statuses):\n%s", diff)
	}
}

func TestUsageWrapsEveryStatus(t *testing.T) {
	u := Usage(80)
	for _, line := range strings.Split(strings.TrimSuffix(u, "\n"), "\n") {
		if len(line) > 80 {
			t.Errorf("line longer than 80 columns: %q", line)
		}
	}
	flat := strings.Join(strings.Fields(u), " ")
	for _, s := range Statuses {
		if !strings.Contains(flat, strconv.Itoa(s.Code)+" "+s.Short) {
			t.Errorf("usage lacks %d %s:\n%s", s.Code, s.Short, u)
		}
	}
}

func TestMarkdownHasOneRowPerStatus(t *testing.T) {
	rows := strings.Split(strings.TrimSuffix(Markdown(), "\n"), "\n")
	if len(rows) != 2+len(Statuses) {
		t.Fatalf("got %d rows, want header, separator and %d statuses:\n%s", len(rows), len(Statuses), Markdown())
	}
	if want := "| 20 | SmokeFailed | the smoke test did not see the new version |"; rows[len(rows)-1] != want {
		t.Errorf("last row = %q, want %q", rows[len(rows)-1], want)
	}
}

func TestList(t *testing.T) {
	for _, c := range []struct {
		codes []int
		want  string
	}{
		{nil, ""},
		{[]int{2}, "2"},
		{[]int{0, 2}, "0 or 2"},
		{PlanAnswers, "0, 2, 3, 4 or 7"},
	} {
		if got := List(c.codes); got != c.want {
			t.Errorf("List(%v) = %q, want %q", c.codes, got, c.want)
		}
	}
}
