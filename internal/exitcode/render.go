package exitcode

import (
	"fmt"
	"strconv"
	"strings"
)

// Usage renders Statuses as the "exit status" paragraph of deployctl's usage text,
// wrapped at width columns.
func Usage(width int) string {
	var b strings.Builder
	line := "exit status:"
	for i, s := range Statuses {
		item := fmt.Sprintf("%d %s", s.Code, s.Short)
		if i < len(Statuses)-1 {
			item += ";"
		} else {
			item += "."
		}
		if len(line)+1+len(item) > width {
			b.WriteString(line + "\n")
			line = " "
		}
		line += " " + item
	}
	b.WriteString(line + "\n")
	return b.String()
}

// Markdown renders Statuses as a Markdown table: status, name, meaning.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| status | name | meaning |\n|---|---|---|\n")
	for _, s := range Statuses {
		fmt.Fprintf(&b, "| %d | %s | %s |\n", s.Code, s.Name, s.Meaning)
	}
	return b.String()
}

// List writes codes as prose: "0, 2, 3, 4 or 7".
func List(codes []int) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = strconv.Itoa(c)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
