package plansum

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// MaxMarkdown is the default cap of the Markdown summary, safely below GitHub's
// 65,536-character limit for a comment (bytes are counted, never fewer than
// characters).
const MaxMarkdown = 65000

// Action of one resource in the summary.
const (
	actCreate  = "create"
	actUpdate  = "update"
	actDestroy = "destroy"
	actReplace = "replace"
	actForget  = "forget"
)

var symbols = map[string]string{actCreate: "+", actUpdate: "~", actDestroy: "-", actReplace: "-/+", actForget: "."}

// Entry is one changed resource instance.
type Entry struct {
	Address string `json:"address"`
	Module  string `json:"module"`
	Action  string `json:"action"`
	// Reason is terraform's action reason (replace_because_cannot_update, ...), if any.
	Reason string `json:"reason,omitempty"`
}

// Group is the changes of one module (Module "" is the root module) that are neither
// replacements nor destructions.
type Group struct {
	Module  string  `json:"module"`
	Entries []Entry `json:"entries"`
}

// Summary of a plan. Replacements count once, under Replace (not under Add and
// Destroy as in terraform's own "Plan:" line).
type Summary struct {
	Environment   string `json:"environment,omitempty"`
	Add           int    `json:"add"`
	Change        int    `json:"change"`
	Destroy       int    `json:"destroy"`
	Replace       int    `json:"replace"`
	Forget        int    `json:"forget,omitempty"`
	OutputChanges int    `json:"output_changes"`
	// Critical lists replaced and destroyed resources, called out first.
	Critical []Entry `json:"replaced_or_destroyed"`
	Groups   []Group `json:"groups"`
}

// HasChanges reports whether applying the plan would change anything.
func (s Summary) HasChanges() bool {
	return s.Add+s.Change+s.Destroy+s.Replace+s.Forget+s.OutputChanges > 0
}

func action(a tfjson.Actions) string {
	switch {
	case a.Replace():
		return actReplace
	case a.Create():
		return actCreate
	case a.Update():
		return actUpdate
	case a.Delete():
		return actDestroy
	case a.Forget():
		return actForget
	}
	return ""
}

// Summarize counts and orders the plan's managed resource changes.
func Summarize(p *Plan) Summary {
	s := Summary{Environment: p.Environment(), Critical: []Entry{}, Groups: []Group{}}
	groups := map[string][]Entry{}
	for _, rc := range p.Raw.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode {
			continue
		}
		act := action(rc.Change.Actions)
		if act == "" {
			continue
		}
		e := Entry{Address: rc.Address, Module: rc.ModuleAddress, Action: act, Reason: string(rc.ActionReason)}
		switch act {
		case actCreate:
			s.Add++
		case actUpdate:
			s.Change++
		case actDestroy:
			s.Destroy++
		case actReplace:
			s.Replace++
		case actForget:
			s.Forget++
		}
		if act == actReplace || act == actDestroy {
			s.Critical = append(s.Critical, e)
			continue
		}
		groups[e.Module] = append(groups[e.Module], e)
	}
	for _, oc := range p.Raw.OutputChanges {
		if oc != nil && !oc.Actions.NoOp() {
			s.OutputChanges++
		}
	}
	byAddr := func(a, b Entry) int { return cmp.Compare(a.Address, b.Address) }
	slices.SortFunc(s.Critical, func(a, b Entry) int {
		// Replacements before destructions, then by address.
		if a.Action != b.Action {
			return cmp.Compare(b.Action, a.Action)
		}
		return byAddr(a, b)
	})
	for mod, entries := range groups {
		slices.SortFunc(entries, byAddr)
		s.Groups = append(s.Groups, Group{Module: mod, Entries: entries})
	}
	slices.SortFunc(s.Groups, func(a, b Group) int { return cmp.Compare(a.Module, b.Module) })
	return s
}

func moduleName(m string) string {
	if m == "" {
		return "root module"
	}
	return m
}

func (s Summary) counts(bold bool) string {
	f := "%d"
	if bold {
		f = "**%d**"
	}
	c := fmt.Sprintf(f+" to add, "+f+" to change, "+f+" to destroy, "+f+" to replace", s.Add, s.Change, s.Destroy, s.Replace)
	if s.Forget > 0 {
		c += fmt.Sprintf(", "+f+" to forget", s.Forget)
	}
	return c
}

func (s Summary) title() string {
	if s.Environment == "" {
		return "Plan"
	}
	return "Plan for " + s.Environment
}

func reason(e Entry) string {
	if e.Reason == "" {
		return ""
	}
	return " (" + strings.ReplaceAll(e.Reason, "_", " ") + ")"
}

// Text renders the summary for a terminal or CI log.
func (s Summary) Text() string {
	var b strings.Builder
	if !s.HasChanges() {
		fmt.Fprintf(&b, "%s: no changes; the infrastructure matches the configuration.\n", s.title())
		return b.String()
	}
	fmt.Fprintf(&b, "%s: %s.\n", s.title(), s.counts(false))
	if len(s.Critical) > 0 {
		fmt.Fprintf(&b, "\nReplaced or destroyed (%d):\n", len(s.Critical))
		for _, e := range s.Critical {
			fmt.Fprintf(&b, "  %-3s %s%s\n", symbols[e.Action], e.Address, reason(e))
		}
	}
	for _, g := range s.Groups {
		fmt.Fprintf(&b, "\n%s (%d):\n", moduleName(g.Module), len(g.Entries))
		for _, e := range g.Entries {
			fmt.Fprintf(&b, "  %-3s %s\n", symbols[e.Action], e.Address)
		}
	}
	if s.OutputChanges > 0 {
		fmt.Fprintf(&b, "\nOutputs: %d changed.\n", s.OutputChanges)
	}
	return b.String()
}

// Markdown renders the summary for a pull-request comment, at most limit bytes
// (MaxMarkdown when limit <= 0). When the resources do not fit, the last ones are
// left out and counted in a final "... and N more resources not shown" line;
// replaced and destroyed resources come first, so they are the last to go.
func (s Summary) Markdown(limit int) string {
	if limit <= 0 {
		limit = MaxMarkdown
	}
	var head strings.Builder
	fmt.Fprintf(&head, "### Terraform %s\n\n", strings.Replace(s.title(), "Plan for ", "plan for `", 1)+tick(s.Environment))
	if !s.HasChanges() {
		head.WriteString("No changes. The infrastructure matches the configuration.\n")
		return head.String()
	}
	fmt.Fprintf(&head, "%s\n", s.counts(true))
	if s.OutputChanges > 0 {
		fmt.Fprintf(&head, "\nOutputs: %d changed.\n", s.OutputChanges)
	}

	// lines pairs each line with whether it lists a resource (headings do not).
	type line struct {
		text     string
		resource bool
	}
	var lines []line
	if len(s.Critical) > 0 {
		lines = append(lines, line{fmt.Sprintf("\n#### :warning: Replaced or destroyed (%d)\n\n", len(s.Critical)), false})
		for _, e := range s.Critical {
			lines = append(lines, line{fmt.Sprintf("- **%s** `%s`%s\n", e.Action, e.Address, reason(e)), true})
		}
	}
	for _, g := range s.Groups {
		lines = append(lines, line{fmt.Sprintf("\n#### %s (%d)\n\n", mdModule(g.Module), len(g.Entries)), false})
		for _, e := range g.Entries {
			lines = append(lines, line{fmt.Sprintf("- %s `%s`\n", e.Action, e.Address), true})
		}
	}
	total := 0
	for _, l := range lines {
		if l.resource {
			total++
		}
	}

	var b strings.Builder
	b.WriteString(head.String())
	// Room for the trailer with the largest possible count.
	reserve := len(trailer(total))
	shown := 0
	for _, l := range lines {
		if b.Len()+len(l.text)+reserve > limit {
			break
		}
		b.WriteString(l.text)
		if l.resource {
			shown++
		}
	}
	if shown < total {
		b.WriteString(trailer(total - shown))
	}
	return b.String()
}

func trailer(n int) string {
	return fmt.Sprintf("\n... and %d more resources not shown\n", n)
}

func tick(env string) string {
	if env == "" {
		return ""
	}
	return "`"
}

func mdModule(m string) string {
	if m == "" {
		return "root module"
	}
	return "`" + m + "`"
}
