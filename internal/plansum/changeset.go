package plansum

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Change is one resource's planned change in a form that does not depend on when or
// where the plan was made: its address, actions and planned values (values unknown
// until apply are marked, not guessed).
type Change struct {
	Address string   `json:"address"`
	Actions []string `json:"actions"`
	After   any      `json:"after,omitempty"`
	Unknown any      `json:"after_unknown,omitempty"`
}

// ChangeSet is a plan's changes, sorted by address; no-ops and reads are left out.
// Two plans with equal change sets apply the same changes, whatever their bytes.
type ChangeSet []Change

// Changes returns p's change set.
func Changes(p *Plan) ChangeSet {
	var cs ChangeSet
	for _, r := range p.Resources {
		if r.Actions.NoOp() || r.Actions.Read() {
			continue
		}
		acts := make([]string, len(r.Actions))
		for i, a := range r.Actions {
			acts[i] = string(a)
		}
		c := Change{Address: r.Address, Actions: acts}
		if r.After != nil {
			c.After = r.After
		}
		if len(r.AfterUnknown) > 0 {
			c.Unknown = r.AfterUnknown
		}
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b Change) int { return strings.Compare(a.Address, b.Address) })
	return cs
}

// hash is the SHA-256 of v's JSON (encoding/json sorts map keys: canonical).
func hash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Plan JSON decoded into maps, slices and scalars always encodes.
		panic(fmt.Sprintf("encode change set: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Digest identifies the change set.
func (cs ChangeSet) Digest() string { return hash(cs) }

// Lines are one line per change: address, actions and a short hash of its values,
// enough to say which resource differs between two change sets.
func (cs ChangeSet) Lines() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s %s %s", c.Address, strings.Join(c.Actions, ","), hash(c)[:12])
	}
	return out
}

// changeSetBlock is the hidden Markdown block a plan comment carries.
var changeSetBlock = regexp.MustCompile(`(?s)<!-- predictor-changeset env=(\S+) digest=([0-9a-f]{64})\n(.*?)-->`)

// Block renders the change set for env as a hidden Markdown block: the reviewed
// record a pull-request comment keeps until the merge deploys it.
func (cs ChangeSet) Block(env string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- predictor-changeset env=%s digest=%s\n", env, cs.Digest())
	for _, l := range cs.Lines() {
		b.WriteString(l + "\n")
	}
	b.WriteString("-->\n")
	return b.String()
}

// Reviewed is a change set as a pull-request comment recorded it.
type Reviewed struct {
	Env, Digest string
	Lines       []string
}

// ParseReviewed finds env's change-set block in text (a plan comment or its Markdown).
func ParseReviewed(text, env string) (Reviewed, error) {
	for _, m := range changeSetBlock.FindAllStringSubmatch(text, -1) {
		if m[1] != env {
			continue
		}
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(m[3]), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		return Reviewed{Env: env, Digest: m[2], Lines: lines}, nil
	}
	return Reviewed{}, fmt.Errorf("no reviewed change set for %s in the given text: was the pull request's plan comment written by this version?", env)
}

// Compare returns nil when fresh is the reviewed change set, else the differing
// lines: "- " reviewed only, "+ " fresh only.
func (r Reviewed) Compare(fresh ChangeSet) []string {
	if fresh.Digest() == r.Digest {
		return nil
	}
	now := fresh.Lines()
	var diff []string
	for _, l := range r.Lines {
		if !slices.Contains(now, l) {
			diff = append(diff, "- "+l)
		}
	}
	for _, l := range now {
		if !slices.Contains(r.Lines, l) {
			diff = append(diff, "+ "+l)
		}
	}
	if len(diff) == 0 {
		diff = []string{"the change sets differ (digest " + r.Digest[:12] + " reviewed, " + fresh.Digest()[:12] + " now) in ways their lines do not show"}
	}
	return diff
}
