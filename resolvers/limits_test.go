package resolvers

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/mms-platform/mms/graph"
)

// TestCost pins the cost model: pages weigh their items, counts and scans
// their store work, and fragments or variables change nothing.
func TestCost(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &Resolver{}}).Schema()
	aliases := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " a%d: %s", i, field)
		}
		return b.String() + " }"
	}
	page := `documents(dataset: "d", first: 1000) { totalCount edges { node { key } } }`
	tests := []struct {
		name, query string
		vars        map[string]any
		want        int
	}{
		{"me", `{ me { id } }`, nil, 11},
		{"1500 me", aliases(1500, `me { id }`), nil, 1500 * 11},
		{"a page of 1000 with its count", "{ " + page + " }", nil, 50 + 200 + 1000*3},
		{"60 such pages", aliases(60, page), nil, 60 * 3250},
		{"first from a variable", `query($n: Int) { documents(dataset: "d", first: $n) { totalCount edges { node { key } } } }`,
			map[string]any{"n": json.Number("1000")}, 3250},
		{"default page", `{ documents(dataset: "d") { edges { node { key } } } }`, nil, 50 + 20*3},
		{"count only", `{ documents(dataset: "d", first: 1000) { totalCount } }`, nil, 250},
		{"edges in a fragment", `fragment P on DocumentConnection { edges { node { key } } } { documents(dataset: "d", first: 1000) { ...P } }`, nil, 50 + 3000},
		{"edges in an inline fragment", `{ documents(dataset: "d", first: 1000) { ... on DocumentConnection { edges { node { key } } } } }`, nil, 50 + 3000},
		{"first over the maximum counts as the maximum", `{ datasets(first: 100000) { edges { node { id } } } }`, nil, 10 + 1000*3},
		{"nested pages multiply", `{ models(first: 10) { edges { node { versions(first: 10) { edges { node { version } } } } } } }`, nil,
			10 + 10*(1+1+10+10*3)},
		{"verifyAudit", `{ verifyAudit { ok } }`, nil, 1001},
	}
	for _, tt := range tests {
		doc, err := gqlparser.LoadQueryWithRules(schema, tt.query, rules.NewDefaultRules())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := Cost(doc.Operations[0], tt.vars); got != tt.want {
			t.Errorf("%s: cost %d, want %d", tt.name, got, tt.want)
		}
	}
}
