package servicediff

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Change is one field a release changes in the running service; From or To is ""
// when the field is added or removed.
type Change struct {
	Field    string `json:"field"`
	From     string `json:"from"`
	To       string `json:"to"`
	Redacted bool   `json:"redacted,omitempty"`
}

// hidden marks a value not shown: secrets and variables whose names say they hold one.
const hidden = "(value hidden)"

// sensitive reports whether an environment variable's value must not be shown: its
// name contains KEY, SECRET, TOKEN or PASSWORD (any case).
func sensitive(name string) bool {
	u := strings.ToUpper(name)
	for _, w := range []string{"KEY", "SECRET", "TOKEN", "PASSWORD"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// Diff lists what changes from the running service to next, in a fixed order: image,
// task size, roles, environment (by name), secrets (names only), count and bounds.
func Diff(running, next Service) []Change {
	var out []Change
	add := func(field, from, to string) {
		if from != to {
			out = append(out, Change{Field: field, From: from, To: to})
		}
	}
	add("image", running.Image, next.Image)
	add("cpu", running.CPU, next.CPU)
	add("memory", running.Memory, next.Memory)
	add("task role", running.TaskRole, next.TaskRole)
	add("execution role", running.ExecutionRole, next.ExecutionRole)
	names := slices.Sorted(maps.Keys(running.Env))
	for _, k := range slices.Sorted(maps.Keys(next.Env)) {
		if _, ok := running.Env[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		from, had := running.Env[k]
		to, has := next.Env[k]
		if had == has && from == to {
			continue
		}
		c := Change{Field: "env " + k, From: quoteIf(had, from), To: quoteIf(has, to)}
		if sensitive(k) {
			c.From, c.To, c.Redacted = hideIf(had), hideIf(has), true
		}
		out = append(out, c)
	}
	for _, k := range symmetric(running.Secrets, next.Secrets) {
		out = append(out, Change{Field: "secret " + k, From: hideIf(slices.Contains(running.Secrets, k)), To: hideIf(slices.Contains(next.Secrets, k)), Redacted: true})
	}
	add("desired count", fmt.Sprint(running.DesiredCount), fmt.Sprint(next.DesiredCount))
	add("autoscaling", bounds(running.Scaling), bounds(next.Scaling))
	return out
}

func quoteIf(ok bool, v string) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf("%q", v)
}

func hideIf(ok bool) string {
	if !ok {
		return ""
	}
	return hidden
}

// symmetric are the names in exactly one of a and b, sorted.
func symmetric(a, b []string) []string {
	var out []string
	for _, k := range a {
		if !slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	for _, k := range b {
		if !slices.Contains(a, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func bounds(b *Bounds) string {
	if b == nil {
		return "none"
	}
	return fmt.Sprintf("%d..%d", b.Min, b.Max)
}

// Text renders changes one per line: "  field  from -> to" ("+"/"-" for added and
// removed fields).
func Text(changes []Change) string {
	if len(changes) == 0 {
		return "  no changes to the running service\n"
	}
	w := 0
	for _, c := range changes {
		w = max(w, len(c.Field))
	}
	var b strings.Builder
	for _, c := range changes {
		fmt.Fprintf(&b, "  %-*s  %s\n", w, c.Field, arrow(c))
	}
	return b.String()
}

func arrow(c Change) string {
	switch {
	case c.From == "":
		return "+ " + c.To
	case c.To == "":
		return "- " + c.From
	case c.Redacted:
		return "changed " + hidden
	}
	return c.From + " -> " + c.To
}

// Markdown renders changes as a table (field, running, next).
func Markdown(changes []Change) string {
	if len(changes) == 0 {
		return "No changes to the running service.\n"
	}
	var b strings.Builder
	b.WriteString("| | running | next |\n|---|---|---|\n")
	cell := func(s string) string {
		if s == "" {
			return "—"
		}
		return "`" + strings.ReplaceAll(s, "|", "\\|") + "`"
	}
	for _, c := range changes {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Field, cell(c.From), cell(c.To))
	}
	return b.String()
}
