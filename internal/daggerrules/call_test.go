package daggerrules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func shopTypeDefs(t *testing.T) TypeDefs {
	t.Helper()
	m, err := loadSource(t, "shop", `package main

import "dagger/shop/internal/dagger"

type Shop struct{}

func New(
	// +default="eu"
	region string,
) *Shop {
	return &Shop{}
}

type Order struct {
	Summary string
}

// Order places an order.
func (m *Shop) Order(
	item string,
	// +optional
	express bool,
	// +optional
	maxPriceUsd float64,
) *Order {
	return nil
}

// AsJSON returns the order as JSON.
func (o *Order) AsJSON() *dagger.File { return nil }
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	td, err := Codegen(m)
	if err != nil {
		t.Fatal(err)
	}
	return td
}

func TestParseCall(t *testing.T) {
	td := shopTypeDefs(t)
	cases := map[string]struct {
		line string
		want Call
	}{
		"function and flags": {"order --item tea", Call{Chain: []string{"order"}, Flags: []map[string]string{{"item": "tea"}}, CtorFlags: map[string]string{}}},
		"a boolean takes no value": {"order --express --item tea summary",
			Call{Chain: []string{"order", "summary"}, Flags: []map[string]string{{"item": "tea", "express": "true"}, {}}, CtorFlags: map[string]string{}}},
		"constructor flags, -o, =values": {"--region=us order --item=tea --max-price-usd 3 as-json -o order.json",
			Call{Chain: []string{"order", "as-json"}, Flags: []map[string]string{{"item": "tea", "max-price-usd": "3"}, {}}, CtorFlags: map[string]string{"region": "us"}, Output: "order.json"}},
		"help needs no required flag": {"order --help", Call{Chain: []string{"order"}, Flags: []map[string]string{{}}, CtorFlags: map[string]string{}, Help: true}},
		"global flags anywhere": {"-q order --json --item tea --progress plain",
			Call{Chain: []string{"order"}, Flags: []map[string]string{{"item": "tea"}}, CtorFlags: map[string]string{}, JSON: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParseCall(td, strings.Fields(tc.line))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Error(d)
			}
		})
	}
}

// The CLI's refusals: cobra's "unknown flag: --x", selectFunc's required flags.
func TestParseCallRefuses(t *testing.T) {
	td := shopTypeDefs(t)
	for line, want := range map[string]string{
		"order --item tea --matrix":       "unknown flag: --matrix",
		"order --express":                 `required flag(s) "item" not set`,
		"refund":                          `unknown command "refund"`,
		"order --item tea as-json export": "returns no module object",
		"--item tea order":                "unknown flag: --item",
	} {
		t.Run(line, func(t *testing.T) {
			_, err := ParseCall(td, strings.Fields(line))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("ParseCall(%q) = %v, want %q", line, err, want)
			}
		})
	}
}
