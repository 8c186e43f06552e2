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
// the context. A request without a token goes on as anonymous. A request whose
// token does not verify (code UNAUTHENTICATED), or that a limit refuses (see
// Guard; code RATE_LIMITED, with Retry-After set here), is answered by refuse,
// which writes the transport's error shape (httperr). refuse nil: httperr's
// GraphQL shape.
func Middleware(g *Guard, refuse func(w http.ResponseWriter, r *http.Request, err error)) func(http.Handler) http.Handler {
	if refuse == nil {
		refuse = func(w http.ResponseWriter, _ *http.Request, err error) { httperr.Write(w, httperr.GraphQL, err) }
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := g.Authenticate(r.Context(), ClientAddr(r.RemoteAddr), BearerToken(r.Header.Get("Authorization")))
			if err != nil {
				var rl *RateLimitedError
				if errors.As(err, &rl) {
					w.Header().Set("Retry-After", strconv.Itoa(rl.RetryAfterSeconds()))
				}
				refuse(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(model.NewContextWithPrincipal(r.Context(), p)))
		})
	}
}
