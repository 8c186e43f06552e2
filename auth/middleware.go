package auth

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mms-platform/mms/httperr"
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

// Middleware authenticates every request through g and puts its principal in
// the context. A request without a token goes on as anonymous; a request whose
// token does not verify is answered 401 with a GraphQL-shaped error (code
// UNAUTHENTICATED); a request a limit refuses (see Guard) is answered 429 with
// Retry-After and code RATE_LIMITED; statuses and bodies are httperr's.
func Middleware(g *Guard) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := g.Authenticate(r.Context(), ClientAddr(r.RemoteAddr), BearerToken(r.Header.Get("Authorization")))
			if err != nil {
				var rl *RateLimitedError
				if errors.As(err, &rl) {
					w.Header().Set("Retry-After", strconv.Itoa(rl.RetryAfterSeconds()))
				}
				httperr.Write(w, httperr.GraphQL, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(model.NewContextWithPrincipal(r.Context(), p)))
		})
	}
}
