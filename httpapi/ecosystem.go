package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/mms-platform/mms/httperr"
	"github.com/mms-platform/mms/model"
)

// corsPolicy is the set of browser origins (MMS_CORS_ORIGINS) that may call
// the API from another origin. MMS authenticates with the Authorization
// header, never cookies, so no response ever carries
// Access-Control-Allow-Credentials: "*" (any origin) is therefore safe and
// answered as "*".
type corsPolicy struct {
	any     bool
	origins map[string]bool
}

// CORS answers.
const (
	corsMethods       = "GET, POST, OPTIONS"
	corsHeaders       = "Authorization, Content-Type, X-Request-Id"
	corsExposeHeaders = "X-Request-Id, Retry-After, WWW-Authenticate"
	corsMaxAge        = "600" // seconds a browser may cache a preflight
)

// ParseCORSOrigins reads MMS_CORS_ORIGINS: comma-separated exact origins
// (scheme://host[:port], no path), or "*" alone for any origin.
func ParseCORSOrigins(s string) (*corsPolicy, error) {
	p := &corsPolicy{origins: map[string]bool{}}
	for _, o := range strings.Split(s, ",") {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			continue
		case o == "*":
			p.any = true
			continue
		case strings.EqualFold(o, "null"):
			return nil, fmt.Errorf("MMS_CORS_ORIGINS: origin \"null\" (sandboxed frames, file:// pages) cannot be allowed: any page can send it")
		}
		n, err := normalizeOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("MMS_CORS_ORIGINS: %q is not an origin: %v (write scheme://host[:port], e.g. https://app.example.com)", o, err)
		}
		p.origins[n] = true
	}
	if p.any && len(p.origins) > 0 {
		return nil, fmt.Errorf("MMS_CORS_ORIGINS: \"*\" allows every origin and must stand alone")
	}
	return p, nil
}

// normalizeOrigin lower-cases an origin and drops its default port, as
// browsers send it in the Origin header.
func normalizeOrigin(o string) (string, error) {
	u, err := url.Parse(o)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("scheme must be http or https")
	case u.Host == "" || u.Opaque != "":
		return "", fmt.Errorf("no host")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/"):
		return "", fmt.Errorf("an origin has no user, path, query or fragment")
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if scheme == "https" && port == "443" || scheme == "http" && port == "80" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

func (p *corsPolicy) configured() bool { return p.any || len(p.origins) > 0 }

// allows reports whether a browser page of origin may call the API.
func (p *corsPolicy) allows(origin string) bool {
	if p.any {
		return true
	}
	n, err := normalizeOrigin(origin)
	return err == nil && p.origins[n]
}

// allowOrigin is the Access-Control-Allow-Origin value for an allowed origin.
func (p *corsPolicy) allowOrigin(origin string) string {
	if p.any {
		return "*"
	}
	return origin
}

// sameHost reports whether origin names the host the request was sent to
// (the WebSocket library's own same-origin rule).
func sameHost(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}

// cors applies the one origin rule to every route: preflights (OPTIONS with
// Access-Control-Request-Method) are answered here, before authentication;
// responses to an allowed origin carry Access-Control-Allow-Origin and Vary:
// Origin; a WebSocket upgrade from a page of another origin is refused unless
// that origin is allowed (browsers send no preflight for sockets).
func (a *API) cors(p *corsPolicy, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if p.configured() && r.Header.Get("Upgrade") == "" {
			// The answer depends on Origin, with or without one: caches must know.
			w.Header().Add("Vary", "Origin")
		}
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		allowed := p.allows(origin)
		if r.Header.Get("Upgrade") != "" {
			if !allowed && !sameHost(origin, r.Host) {
				httperr.Write(w, httperr.GraphQL, model.Errorf(model.EFORBIDDEN,
					"WebSocket from origin %q refused: only the server's own origin and MMS_CORS_ORIGINS may open one", origin))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if !allowed {
				httperr.Write(w, httperr.GraphQL, model.Errorf(model.EFORBIDDEN,
					"origin %q may not call this API from a browser: add it to MMS_CORS_ORIGINS", origin))
				return
			}
			h.Set("Access-Control-Allow-Origin", p.allowOrigin(origin))
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed {
			h.Set("Access-Control-Allow-Origin", p.allowOrigin(origin))
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		}
		next.ServeHTTP(w, r)
	})
}

// schemaHandler serves the schema as SDL (GET /graphql/schema.graphql), the
// document codegen tools read. It shows what introspection shows, and
// introspection is open to anonymous callers, so the route is public too.
func schemaHandler(schema *ast.Schema) http.Handler {
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(schema)
	sdl := b.Bytes()
	sum := sha256.Sum256(sdl)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "schema.graphql", time.Time{}, bytes.NewReader(sdl))
	})
}

// overHTTP wraps gqlgen's GET and POST transports so that request errors
// (the operation never ran) follow the GraphQL-over-HTTP spec:
//   - a document that does not parse or validate, or variables that do not
//     coerce, answer 200 with application/json (gqlgen says 422) and 400 with
//     application/graphql-response+json;
//   - a request without a query (and without a persisted-query hash) is not a
//     GraphQL request: 400 in both;
//   - the body has no "data" entry (gqlgen writes "data": null);
//   - a mutation over GET answers 405 with Allow: POST (gqlgen says 406).
type overHTTP struct{ graphql.Transport }

func (t overHTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ew := &requestErrorWriter{ResponseWriter: w, r: r}
	if b, ok := r.Body.(*bufferedBody); ok {
		ew.body = b.b // no need to copy: the transport reads its own reader
	} else if r.Method != http.MethodGet && r.Body != nil {
		// The body was read whole and bounded by limitUploads; it is kept for
		// noQuery, which only an error answer needs, and put back for the
		// transport.
		ew.body, ew.bodyErr = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(ew.body))
	}
	t.Transport.Do(ew, r, exec)
}

// noQuery reports whether a GET or JSON POST request names no operation: no
// query and no persisted-query hash.
func (w *requestErrorWriter) noQuery() bool {
	var p struct {
		Query      any `json:"query"`
		Extensions struct {
			PersistedQuery any `json:"persistedQuery"`
		} `json:"extensions"`
	}
	r := w.r
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		return q.Get("query") == "" && !strings.Contains(q.Get("extensions"), "persistedQuery")
	}
	if r.Body == nil {
		return true
	}
	if w.bodyErr != nil || json.Unmarshal(w.body, &p) != nil {
		return false // the transport answers a body it cannot decode
	}
	return (p.Query == nil || p.Query == "") && p.Extensions.PersistedQuery == nil
}

// requestErrorWriter rewrites gqlgen's answers to request errors (see
// overHTTP). gqlgen sets a status only on those paths: a response that runs
// the operation is written without WriteHeader.
type requestErrorWriter struct {
	http.ResponseWriter
	r          *http.Request
	body       []byte // of a POST, for noQuery
	bodyErr    error
	errorsOnly bool
	wrote      bool
}

func (w *requestErrorWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote, w.errorsOnly = true, true
	ctype, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
	switch {
	case code == http.StatusUnprocessableEntity && w.noQuery():
		code = http.StatusBadRequest
	case code == http.StatusUnprocessableEntity && ctype == "application/json":
		code = http.StatusOK
	case code == http.StatusUnprocessableEntity:
		code = http.StatusBadRequest
	case code == http.StatusNotAcceptable && w.r.Method == http.MethodGet:
		w.Header().Set("Allow", "POST")
		code = http.StatusMethodNotAllowed
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *requestErrorWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote = true
	}
	if !w.errorsOnly {
		return w.ResponseWriter.Write(b)
	}
	if _, err := w.ResponseWriter.Write(withoutNullData(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (w *requestErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withoutNullData drops a null "data" entry from a JSON response body.
func withoutNullData(b []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	if d, ok := m["data"]; !ok || string(d) != "null" {
		return b
	}
	delete(m, "data")
	out, err := json.Marshal(m)
	if err != nil {
		return b
	}
	return out
}
