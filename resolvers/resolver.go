// Package resolvers holds the gqlgen resolvers. Each one translates its arguments,
// calls one service method and returns: no storage, no authorization, no maths here.
package resolvers

//go:generate go tool gqlgen generate

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service"
)

// Resolver is the root resolver; httpapi builds it once with its dependencies.
type Resolver struct {
	Svc *service.Service
}

// nullIfNotFound turns NOT_FOUND into a null result for nullable lookups such as
// dataset(id): a missing object is an answer, not an error.
func nullIfNotFound[T any](v *T, err error) (*T, error) {
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, nil
	}
	return v, err
}

// selects reports whether the current field's selection asks for field (in
// any fragment), so that a resolver can skip work nobody reads, such as a
// connection's totalCount.
func selects(ctx context.Context, field string) bool {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		// The common selection, plain fields without directives, is read
		// as it is; with fragments or directives gqlgen collects it.
		plain := true
		for _, sel := range fc.Field.Selections {
			f, ok := sel.(*ast.Field)
			if !ok || len(f.Directives) > 0 {
				plain = false
				break
			}
			if f.Name == field {
				return true
			}
		}
		if plain {
			return false
		}
	}
	return slices.Contains(graphql.CollectAllFields(ctx), field)
}

// PredictResult is the answer of an operation's one predict field, computed
// by the transport before the executor ran (httpapi's GraphQL fast path: it
// called Service.PredictWith with the field's arguments, within the caller's
// budget slot, and hands over to the executor an answer it does not write
// itself). The predict resolver returns it instead of scoring again, so the
// service's work (authorization, audit of a denial) happens once, and the
// executor writes the answer, error or panic as it would have.
type PredictResult struct {
	Predictions []*model.Prediction
	Err         error
	Panic       any // a panic of the service call, raised again in the resolver
}

// Answer is what the predict resolver returns: the result, or the panic
// raised again.
func (pr *PredictResult) Answer() ([]*model.Prediction, error) {
	if pr.Panic != nil {
		panic(pr.Panic)
	}
	return pr.Predictions, pr.Err
}

type predictResultKey struct{}

// WithPredictResult returns ctx carrying pr for the predict resolver. Only
// the transport sets it, for an operation whose only field is predict.
func WithPredictResult(ctx context.Context, pr *PredictResult) context.Context {
	return context.WithValue(ctx, predictResultKey{}, pr)
}

// PredictResultFrom returns the PredictResult ctx carries, or nil.
func PredictResultFrom(ctx context.Context) *PredictResult {
	pr, _ := ctx.Value(predictResultKey{}).(*PredictResult)
	return pr
}

// preprocessingJSON exposes a version's fitted preprocessing as JSON.
func preprocessingJSON(v *model.ModelVersion) (map[string]any, error) {
	var out map[string]any
	if err := json.Unmarshal([]byte(v.Preprocessing), &out); err != nil {
		return nil, fmt.Errorf("decode preprocessing of %s v%d: %w", v.Model, v.Version, err)
	}
	return out, nil
}
