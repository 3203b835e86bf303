package daggerrules

import (
	"encoding/json"
	"regexp"
	"strings"
)

// pragmaCommentRegexp and parsePragmaComment are copied from
// cmd/codegen/generator/go/templates/modules.go (parsePragmaComment): a pragma's value
// is JSON when it decodes as JSON (+default="x" is the string x, +ignore=[...] a list),
// else the rest of the line; a pragma without "=" has the value nil.
var pragmaCommentRegexp = regexp.MustCompile(`[ \t]*\+[ \t]*(\S+?)(?:(=[ \t]*)|(?:\r?\n|$))`)

// parsePragmas returns the pragmas of a comment and the comment without them.
func parsePragmas(comment string) (data map[string]any, rest string) {
	data = map[string]any{}
	lastEnd := 0
	for _, v := range pragmaCommentRegexp.FindAllStringSubmatchIndex(comment, -1) {
		if v[0] < lastEnd {
			continue
		}
		var key string
		if v[2] != -1 {
			key = comment[v[2]:v[3]]
		}
		var value any
		end := v[1]
		if v[4] != -1 {
			value, end = pragmaValue(comment, v[5])
		}
		data[key] = value
		rest += comment[lastEnd:v[0]]
		lastEnd = end
	}
	rest += comment[lastEnd:]
	return data, rest
}

// pragmaValue reads the value starting at start: JSON (which may span lines) or the
// rest of the line; it returns the value and where the pragma ends.
func pragmaValue(comment string, start int) (any, int) {
	var value any
	dec := json.NewDecoder(strings.NewReader(comment[start:]))
	if err := dec.Decode(&value); err == nil {
		end := start + int(dec.InputOffset())
		if idx := strings.IndexAny(comment[end:], "\n"); idx == -1 {
			end = len(comment)
		} else {
			end += idx + 1
		}
		return value, end
	}
	idx := strings.IndexAny(comment[start:], "\n")
	if idx == -1 {
		if comment[start:] == "" {
			return nil, len(comment)
		}
		return comment[start:], len(comment)
	}
	idx += start
	valueStr := strings.TrimSuffix(comment[start:idx], "\r")
	if valueStr == "" {
		return nil, idx + 1
	}
	return valueStr, idx + 1
}
