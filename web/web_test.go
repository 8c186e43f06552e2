package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, target string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// attrRE matches src= and href= attribute values.
var attrRE = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']?([^"'\s>]+)`)

func TestPage(t *testing.T) {
	h := Handler("/graphql")

	resp := get(t, h, "/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /: Content-Type %q", ct)
	}
	page := body(t, resp)

	for _, want := range []string{"graphiql", "<title>MMS GraphiQL</title>", `data-endpoint="/graphql"`, "Bearer mms_..."} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`).MatchString(page) {
		t.Errorf("page references an external URL:\n%s", page)
	}

	var refs []string
	for _, m := range attrRE.FindAllStringSubmatch(page, -1) {
		refs = append(refs, m[1])
	}
	if len(refs) < 6 {
		t.Fatalf("page references only %d assets: %q", len(refs), refs)
	}

	for _, ref := range refs {
		if strings.HasPrefix(ref, "data:") {
			continue // inline (the empty favicon), no request
		}
		if !strings.HasPrefix(ref, "/static/") {
			t.Errorf("asset %q not under /static/", ref)
			continue
		}
		resp := get(t, h, ref)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", ref, resp.StatusCode)
			continue
		}
		if b := body(t, resp); len(b) == 0 {
			t.Errorf("GET %s: empty body", ref)
		}
		ct := resp.Header.Get("Content-Type")
		switch {
		case strings.Contains(ref, ".js?") && strings.HasPrefix(ct, "text/javascript"):
		case strings.Contains(ref, ".css?") && strings.HasPrefix(ct, "text/css"):
		default:
			t.Errorf("GET %s: Content-Type %q", ref, ct)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("GET %s: Cache-Control %q", ref, cc)
		}
	}
}

func TestAssetsNotModified(t *testing.T) {
	h := Handler("/graphql")
	resp := get(t, h, "/static/graphiql.min.js")
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest(http.MethodGet, "/static/graphiql.min.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET: status %d, want 304", rec.Code)
	}
}

func TestNotFound(t *testing.T) {
	h := Handler("/graphql")
	for _, p := range []string{"/nope", "/index.html", "/static/", "/static/nope.js", "/static/../web.go", "/graphql"} {
		if resp := get(t, h, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler("/graphql").ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", rec.Code)
	}
}

func TestMount(t *testing.T) {
	ui := Handler("/graphql")
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", ui)
	mux.Handle("GET /static/", ui)
	for p, want := range map[string]int{
		"/":                         http.StatusOK,
		"/static/graphiql.min.css":  http.StatusOK,
		"/static/graphiql-init.js":  http.StatusOK,
		"/other":                    http.StatusNotFound,
		"/static/does-not-exist.js": http.StatusNotFound,
	} {
		if resp := get(t, mux, p); resp.StatusCode != want {
			t.Errorf("GET %s: status %d, want %d", p, resp.StatusCode, want)
		}
	}
}
