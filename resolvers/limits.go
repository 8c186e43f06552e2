package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mms-platform/mms/model"
)

// DepthLimit refuses operations whose selections nest deeper than Max. Depth counts
// fields, with fragments inlined: `{ me { id } }` has depth 2. gqlgen has no depth
// limit of its own; complexity alone lets a narrow but deep query through.
type DepthLimit struct{ Max int }

var (
	_ graphql.HandlerExtension        = DepthLimit{}
	_ graphql.OperationContextMutator = DepthLimit{}
)

// ExtensionName implements graphql.HandlerExtension.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (d DepthLimit) Validate(graphql.ExecutableSchema) error {
	if d.Max < 1 {
		return fmt.Errorf("depth limit must be at least 1, got %d", d.Max)
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (d DepthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if got := depth(oc.Operation.SelectionSet, d.Max, 0); got > d.Max {
		e := gqlerror.Errorf("query is nested deeper than the limit of %d: flatten it or split it into several queries", d.Max)
		e.Extensions = map[string]any{"code": model.EINVALID}
		return e
	}
	return nil
}

// depth returns the nesting depth of set, stopping early once it exceeds max
// (which also bounds the work on fragment cycles the validator would reject).
func depth(set ast.SelectionSet, max, level int) int {
	if level > max {
		return level
	}
	deepest := level
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			d = depth(s.SelectionSet, max, level+1)
		case *ast.InlineFragment:
			d = depth(s.SelectionSet, max, level)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = depth(s.Definition.SelectionSet, max, level)
			}
		}
		if d > deepest {
			deepest = d
		}
	}
	return deepest
}

// Cost model of CostLimit. A unit is about one document (or record) read and
// returned; the weights are estimates of the store work behind each field,
// known before anything runs.
const (
	// DefaultPage and MaxPage mirror the service's page sizes: a list field
	// without first returns DefaultPage items, and first above MaxPage is refused
	// by the service itself (so it is costed as MaxPage here, and the caller gets
	// the service's clearer message).
	DefaultPage = 20
	MaxPage     = 1000
	// storeRoundTrip is the base cost of a field whose resolver goes to the
	// store (every Query and Mutation field, and the resolvers below; me does not,
	// but 1,500 aliases of it should not pass either).
	storeRoundTrip = 10
	// countCost is the cost of a totalCount: on the embedded store a count
	// reads the whole collection (or audit log, or rejects).
	countCost = 200
)

// fieldCosts are the extra costs of fields that do more than one store round
// trip, keyed by "Type.field". Anything not listed costs 1 (plus its children).
var fieldCosts = map[string]int{
	"Query.verifyAudit":       1000, // walks and re-hashes the whole audit chain
	"Query.documents":         50,   // a query: a scan of the collection on the embedded store
	"Query.auditLog":          50,   // a filtered scan of the audit log
	"Query.predictions":       50,   // a scan of a prediction collection
	"Query.inferSchema":       500,  // reads a sample of a source (up to 100,000 rows)
	"Query.agreement":         countCost,
	"Query.reviewItem":        storeRoundTrip,
	"Query.reviewQueue":       countCost, // reads every annotation of the task
	"AnnotationTask.stats":    countCost, // reads every annotation of the task
	"Model.versions":          storeRoundTrip,
	"Ingestion.rejects":       storeRoundTrip,
	"Webhook.deliveries":      storeRoundTrip,
	"Query.__typename":        0,
	"Mutation.__typename":     0,
	"Subscription.jobUpdated": storeRoundTrip,
}

// CostLimit refuses, before it runs, an operation whose estimated cost is over
// Max. Unlike gqlgen's complexity (one point per field), the estimate weighs
// list sizes (first, or the default page) and fields that make the store work
// (counts, scans, verifyAudit): 60 aliases of documents(first: 1000) with their
// totalCount cost about 60 × 3,300.
type CostLimit struct{ Max int }

var (
	_ graphql.HandlerExtension        = CostLimit{}
	_ graphql.OperationContextMutator = CostLimit{}
)

// ExtensionName implements graphql.HandlerExtension.
func (CostLimit) ExtensionName() string { return "CostLimit" }

// Validate implements graphql.HandlerExtension.
func (c CostLimit) Validate(graphql.ExecutableSchema) error {
	if c.Max < 1 {
		return fmt.Errorf("cost limit must be at least 1, got %d", c.Max)
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c CostLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if cost := Cost(oc.Operation, oc.Variables); cost > c.Max {
		e := gqlerror.Errorf("query costs %d, over the limit of %d: ask for smaller pages (first), fewer aliases, "+
			"fewer counts (totalCount) or audit checks, or split it into several queries", cost, c.Max)
		e.Extensions = map[string]any{"code": model.EINVALID, "cost": cost, "limit": c.Max}
		return e
	}
	return nil
}

// Cost estimates what op will make the server do (see CostLimit), saturating
// instead of overflowing.
func Cost(op *ast.OperationDefinition, vars map[string]any) int {
	return setCost(op.SelectionSet, vars, 0)
}

const maxCost = 1 << 40

func setCost(set ast.SelectionSet, vars map[string]any, level int) int {
	if level > 64 { // deeper than any depth limit: the validator or DepthLimit refuses it
		return maxCost
	}
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total = addCost(total, fieldCost(s, vars, level))
		case *ast.InlineFragment:
			total = addCost(total, setCost(s.SelectionSet, vars, level+1))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total = addCost(total, setCost(s.Definition.SelectionSet, vars, level+1))
			}
		}
	}
	return total
}

func fieldCost(f *ast.Field, vars map[string]any, level int) int {
	if strings.HasPrefix(f.Name, "__") { // introspection: served from memory
		return 1
	}
	parent := ""
	if f.ObjectDefinition != nil {
		parent = f.ObjectDefinition.Name
	}
	own, listed := fieldCosts[parent+"."+f.Name]
	switch {
	case listed:
	case f.Name == "totalCount":
		own = countCost
	case parent == "Query" || parent == "Mutation" || parent == "Subscription":
		own = storeRoundTrip
	default:
		own = 1
	}
	if len(f.SelectionSet) == 0 {
		return own
	}
	// A field with first returns a page: a connection's edges are paid once
	// per item, its pageInfo and totalCount once; a plain list's selections
	// once per item.
	n, paged := pageSize(f, vars)
	switch {
	case !paged:
		return addCost(own, setCost(f.SelectionSet, vars, level+1))
	case isConnection(f):
		return addCost(own, connectionCost(f.SelectionSet, vars, level+1, n))
	default:
		return addCost(own, mulCost(n, setCost(f.SelectionSet, vars, level+1)))
	}
}

// isConnection reports whether f returns a Relay connection (a type with edges).
func isConnection(f *ast.Field) bool {
	return f.Definition != nil && f.Definition.Type != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection")
}

// connectionCost is setCost for a connection's selections with n items: edges
// (also inside fragments) cost n times.
func connectionCost(set ast.SelectionSet, vars map[string]any, level, n int) int {
	if level > 64 {
		return maxCost
	}
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			c := fieldCost(s, vars, level)
			if s.Name == "edges" || s.Name == "nodes" {
				c = mulCost(n, c)
			}
			total = addCost(total, c)
		case *ast.InlineFragment:
			total = addCost(total, connectionCost(s.SelectionSet, vars, level+1, n))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total = addCost(total, connectionCost(s.Definition.SelectionSet, vars, level+1, n))
			}
		}
	}
	return total
}

// pageSize is the number of items a field with a first argument returns.
func pageSize(f *ast.Field, vars map[string]any) (int, bool) {
	if f.Definition == nil || f.Definition.Arguments.ForName("first") == nil {
		return 0, false
	}
	v, ok := f.ArgumentMap(vars)["first"]
	if !ok || v == nil {
		return DefaultPage, true
	}
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case int32:
		n = int64(x)
	case float64:
		n = int64(x)
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return MaxPage, true
		}
		n = i
	default:
		return MaxPage, true
	}
	return int(min(max(n, 0), MaxPage)), true
}

func addCost(a, b int) int { return min(a+b, maxCost) }

func mulCost(n, c int) int {
	if n == 0 || c == 0 {
		return 0
	}
	if c > maxCost/n {
		return maxCost
	}
	return n * c
}
