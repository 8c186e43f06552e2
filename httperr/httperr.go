// Package httperr is the one place where an error code (model.E*) becomes an
// HTTP status and an error answer: the transport (httpapi) and the auth
// middleware both answer through it, so a code means the same status on every
// route.
package httperr

import (
	"encoding/json"
	"net/http"

	"github.com/mms-platform/mms/model"
)

// Status is the HTTP status of an error code: UNAUTHENTICATED 401, FORBIDDEN
// 403, NOT_FOUND 404, BAD_USER_INPUT 400, CONFLICT 409, RATE_LIMITED 429,
// UNAVAILABLE 503, and 500 for INTERNAL and any other code.
func Status(code string) int {
	switch code {
	case model.EUNAUTHENTICATED:
		return http.StatusUnauthorized
	case model.EFORBIDDEN:
		return http.StatusForbidden
	case model.ENOTFOUND:
		return http.StatusNotFound
	case model.EINVALID:
		return http.StatusBadRequest
	case model.ECONFLICT:
		return http.StatusConflict
	case model.ERATELIMITED:
		return http.StatusTooManyRequests
	case model.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Shape is the body an error answer takes.
type Shape int

const (
	// GraphQL is {"errors":[{"extensions":{"code":C},"message":M}]}, what
	// every route but /v2 answers.
	GraphQL Shape = iota
	// OIP is {"code":C,"error":M}, the Open Inference Protocol's (/v2).
	OIP
)

// Write answers err in shape with the status of its code (Status).
func Write(w http.ResponseWriter, shape Shape, err error) {
	WriteStatus(w, shape, Status(model.ErrorCode(err)), err)
}

// WriteStatus answers err in shape with status, for the answers whose status
// is not the code's (413 and 408 carry BAD_USER_INPUT). The message is
// model.ErrorMessage's: an error without a code reads "internal error". An
// UNAUTHENTICATED answer carries WWW-Authenticate: Bearer realm="mms".
func WriteStatus(w http.ResponseWriter, shape Shape, status int, err error) {
	code := model.ErrorCode(err)
	if code == model.EUNAUTHENTICATED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mms"`)
	}
	var body any
	if shape == OIP {
		body = map[string]any{"error": model.ErrorMessage(err), "code": code}
	} else {
		body = map[string]any{
			"errors": []map[string]any{{
				"message":    model.ErrorMessage(err),
				"extensions": map[string]any{"code": code},
			}},
		}
	}
	WriteJSON(w, status, body)
}

// WriteJSON answers v as JSON (encoding/json, one line) with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
