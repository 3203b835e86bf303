package cost

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"dagger/predictor/internal/plansum"
)

// ErrIncreaseOverBudget: the plan raises the monthly estimate by more than allowed.
var ErrIncreaseOverBudget = errors.New("monthly cost increase over budget")

// Change is one component of one resource whose monthly cost the plan changes.
type Change struct {
	Address   string  `json:"address"`
	Component string  `json:"component"`
	Before    float64 `json:"before_monthly_usd"`
	After     float64 `json:"after_monthly_usd"`
	Delta     float64 `json:"delta_monthly_usd"`
	// BeforeDetail and AfterDetail are the items' details ("" when absent on that side).
	BeforeDetail string `json:"before_detail,omitempty"`
	AfterDetail  string `json:"after_detail,omitempty"`
}

// Diff is the monthly cost before and after a plan: the estimate of its prior state
// and of its planned values, with the same table and assumptions.
type Diff struct {
	Environment string  `json:"environment,omitempty"`
	Before      float64 `json:"before_monthly_usd"`
	After       float64 `json:"after_monthly_usd"`
	Delta       float64 `json:"delta_monthly_usd"`
	// Changes lists the components whose cost changes, by address then component.
	Changes []Change `json:"changes"`
}

// ComputeDiff estimates plan p before (its prior state, plansum.Plan.Prior) and after
// apply with table t; after is compute(p, t).
func ComputeDiff(p *plansum.Plan, t Table) (after Estimate, d Diff) {
	after = compute(p, t)
	return after, compare(compute(p.Prior(), t), after)
}

// compare pairs the items of two estimates by address and component. Items are
// rounded to cents and totals are their sums, so the deltas add up to the total's.
func compare(before, after Estimate) Diff {
	type key struct{ address, component string }
	byKey := map[key]*Change{}
	var keys []key
	get := func(it Item) *Change {
		k := key{it.Address, it.Component}
		c, ok := byKey[k]
		if !ok {
			c = &Change{Address: it.Address, Component: it.Component}
			byKey[k] = c
			keys = append(keys, k)
		}
		return c
	}
	for _, it := range before.Items {
		c := get(it)
		c.Before += it.Monthly
		c.BeforeDetail = it.Detail
	}
	for _, it := range after.Items {
		c := get(it)
		c.After += it.Monthly
		c.AfterDetail = it.Detail
	}
	env := after.Environment
	if env == "" {
		env = before.Environment
	}
	d := Diff{Environment: env, Before: before.Total, After: after.Total, Delta: cents(after.Total - before.Total), Changes: []Change{}}
	for _, k := range keys {
		c := byKey[k]
		c.Before, c.After = cents(c.Before), cents(c.After)
		c.Delta = cents(c.After - c.Before)
		if c.Delta != 0 {
			d.Changes = append(d.Changes, *c)
		}
	}
	slices.SortStableFunc(d.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Address, b.Address), cmp.Compare(a.Component, b.Component))
	})
	return d
}

// Check returns ErrIncreaseOverBudget when max > 0 and the plan raises the monthly
// estimate by more than max; a decrease always passes.
func (d Diff) Check(max float64) error {
	if max > 0 && d.Delta > max {
		return fmt.Errorf("%w: the plan adds %s per month ($%.2f -> $%.2f), more than --max-monthly-increase-usd %.2f", ErrIncreaseOverBudget, signed(d.Delta), d.Before, d.After, max)
	}
	return nil
}

// signed formats a dollar amount with its sign: +$2.71, -$3.65, $0.00.
func signed(v float64) string {
	switch {
	case v > 0:
		return fmt.Sprintf("+$%.2f", v)
	case v < 0:
		return fmt.Sprintf("-$%.2f", -v)
	}
	return "$0.00"
}

func (c Change) detail() string {
	switch {
	case c.AfterDetail == "":
		return "removed (was " + c.BeforeDetail + ")"
	case c.BeforeDetail == "":
		return "new: " + c.AfterDetail
	case c.BeforeDetail == c.AfterDetail:
		return c.AfterDetail
	}
	return c.BeforeDetail + " -> " + c.AfterDetail
}

// Text renders the difference for a terminal or CI log.
func (d Diff) Text() string {
	var b strings.Builder
	env := ""
	if d.Environment != "" {
		env = " for " + d.Environment
	}
	fmt.Fprintf(&b, "Monthly cost change%s: %s ($%.2f -> $%.2f)\n", env, signed(d.Delta), d.Before, d.After)
	for _, c := range d.Changes {
		fmt.Fprintf(&b, "  %9s  %-28s %s: $%.2f -> $%.2f, %s\n", signed(c.Delta), c.Component, c.Address, c.Before, c.After, c.detail())
	}
	if len(d.Changes) == 0 {
		b.WriteString("  no resource changes its monthly cost.\n")
	}
	return b.String()
}

// Markdown renders the difference as a Markdown table.
func (d Diff) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Monthly cost change: %s ($%.2f → $%.2f)\n\n", signed(d.Delta), d.Before, d.After)
	if len(d.Changes) == 0 {
		b.WriteString("No resource changes its monthly cost.\n")
		return b.String()
	}
	b.WriteString("| change | before | after | component | resource | detail |\n|---:|---:|---:|---|---|---|\n")
	for _, c := range d.Changes {
		fmt.Fprintf(&b, "| %s | $%.2f | $%.2f | %s | `%s` | %s |\n", signed(c.Delta), c.Before, c.After, c.Component, c.Address, c.detail())
	}
	return b.String()
}
