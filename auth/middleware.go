package auth

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mms-platform/mms/model"
)

// BearerToken returns the token of an "Authorization: Bearer <token>" header value.
func BearerToken(header string) string {
	const p = "bearer "
	if len(header) > len(p) && strings.EqualFold(header[:len(p)], p) {
		return strings.TrimSpace(header[len(p):])
	}
	return strings.TrimSpace(header)
}

// Middleware authenticates every request and puts its principal in the context.
// A request without a token goes on as anonymous; a request whose token does not
// verify is answered 401 with a GraphQL-shaped error (code UNAUTHENTICATED), after
// onReject (which audits it) has seen it.
//
// With a RateLimiter, each authenticated principal is limited to its rate:
// beyond it the answer is 429 with Retry-After and code RATE_LIMITED.
func Middleware(a *Authenticator, limiter *RateLimiter, onReject func(r *http.Request, err error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := a.Authenticate(r.Context(), BearerToken(r.Header.Get("Authorization")))
			if err != nil {
				if onReject != nil && model.ErrorCode(err) == model.EUNAUTHENTICATED {
					onReject(r, err)
				}
				status := http.StatusUnauthorized
				switch model.ErrorCode(err) {
				case model.EUNAUTHENTICATED:
				case model.EUNAVAILABLE:
					status = http.StatusServiceUnavailable
				default:
					status = http.StatusInternalServerError
				}
				WriteError(w, status, err)
				return
			}
			if ok, wait := limiter.Allow(p.ID); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				WriteError(w, http.StatusTooManyRequests, model.Errorf(model.ERATELIMITED,
					"rate limit of %g requests/s for %s exceeded; retry in %s", limiter.Rate, p.ID, wait.Round(time.Millisecond)))
				return
			}
			next.ServeHTTP(w, r.WithContext(model.NewContextWithPrincipal(r.Context(), p)))
		})
	}
}

// WriteError answers with a GraphQL-shaped error body carrying extensions.code.
// Internal errors are reduced to "internal error".
func WriteError(w http.ResponseWriter, status int, err error) {
	code := model.ErrorCode(err)
	if code == model.EUNAUTHENTICATED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mms"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{
			"message":    model.ErrorMessage(err),
			"extensions": map[string]any{"code": code},
		}},
	})
}
