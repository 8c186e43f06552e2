package ingest

import (
	"strconv"
	"strings"
)

// Lookup returns the value at a dotted path in a record: "age", "exam.bp", or
// "items.0.name" (a number indexes a JSON array). A key that itself contains dots
// ("exam.bp" as one CSV column) wins over descending. The bool is false when some
// step of the path is missing; a present null gives (nil, true).
func Lookup(values map[string]any, path string) (any, bool) {
	if path == "" || values == nil {
		return nil, false
	}
	if v, ok := values[path]; ok {
		return v, true
	}
	if !strings.Contains(path, ".") {
		return nil, false
	}
	var cur any = values
	for path != "" {
		seg, rest, _ := strings.Cut(path, ".")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
		path = rest
	}
	return cur, true
}

// topSegment returns the first segment of a dotted path.
func topSegment(path string) string {
	seg, _, _ := strings.Cut(path, ".")
	return seg
}
