package resolvers

import (
	"context"
	"fmt"

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
