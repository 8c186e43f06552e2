package resolvers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mms-platform/mms/model"
)

// PresentError turns any resolver error into a GraphQL error with extensions.code.
// A model.Error keeps its message; anything else is logged with the request's
// context and replaced by "internal error", so internal details never leak.
func PresentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse and validation errors made by gqlgen itself.
			return withCode(gqlErr, model.EINVALID)
		}
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		code := model.ErrorCode(err)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			code, gerr.Message = model.EUNAVAILABLE, "request timed out"
		case errors.Is(err, context.Canceled):
			code, gerr.Message = model.EUNAVAILABLE, "request cancelled"
		case code == model.EINTERNAL:
			log.ErrorContext(ctx, "internal error", "err", err, "path", gerr.Path.String())
			gerr.Message = "internal error"
		default:
			gerr.Message = model.ErrorMessage(err)
		}
		return withCode(gerr, code)
	}
}

func withCode(e *gqlerror.Error, code string) *gqlerror.Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	switch prev, _ := e.Extensions["code"].(string); prev {
	case "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED":
		return e // APQ clients react to these codes by sending the full query
	case "", code:
	default:
		e.Extensions["reason"] = prev // e.g. GRAPHQL_VALIDATION_FAILED, COMPLEXITY_LIMIT_EXCEEDED
	}
	e.Extensions["code"] = code
	return e
}

// Recover turns a panic in a resolver into an INTERNAL error and logs its stack.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("panic") // not a model.Error: presented as "internal error"
	}
}
