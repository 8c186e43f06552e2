// Package oiptest holds the corpus of Open Inference Protocol request bodies
// that the /v2 tests (the fast reader's unit tests in httpapi, the end-to-end
// comparison in the root package) run through the route.
package oiptest

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed requests.txt
var requests string

// Requests are request bodies of every shape the infer route meets: the
// common form (fast path; the first 7) and the others (general path), good
// and bad, as requests.txt lists them.
func Requests() []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(requests, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "q "):
			s, err := strconv.Unquote(line[2:])
			if err != nil {
				panic(fmt.Sprintf("oiptest: %s: %v", line, err))
			}
			out = append(out, s)
		default:
			out = append(out, line)
		}
	}
	return out
}
