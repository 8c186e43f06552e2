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
	return slices.Contains(graphql.CollectAllFields(ctx), field)
}

// preprocessingJSON exposes a version's fitted preprocessing as JSON.
func preprocessingJSON(v *model.ModelVersion) (map[string]any, error) {
	var out map[string]any
	if err := json.Unmarshal([]byte(v.Preprocessing), &out); err != nil {
		return nil, fmt.Errorf("decode preprocessing of %s v%d: %w", v.Model, v.Version, err)
	}
	return out, nil
}
