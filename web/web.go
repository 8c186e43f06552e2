// Package web serves MMS's embedded static assets: GraphiQL, offline.
//
// Every file GraphiQL needs (React, ReactDOM, GraphiQL, the explorer plugin
// and their stylesheets) is embedded in the binary from web/static/, which is
// populated by scripts/fetch-graphiql.sh; the page references no external URL.
//
// Mount one handler for the page and the assets:
//
//	ui := web.Handler("/graphql")
//	mux.Handle("GET /{$}", ui)     // the GraphiQL page, exactly "/"
//	mux.Handle("GET /static/", ui) // embedded assets
//
// Mounting it as "GET /" alone also works (the handler answers 404 to any
// path other than "/" and "/static/<asset>"), but it then also shadows the
// mux's own 404 for every GET. Either way, register the GraphQL endpoint
// without a method ("/graphql"), so that the WebSocket upgrade (a GET) used by
// subscriptions reaches it.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// Title is the GraphiQL page title.
const Title = "MMS GraphiQL"

// DefaultHeaders is the hint shown in GraphiQL's headers editor until the
// user pastes an API key. The placeholder value itself is never sent.
const DefaultHeaders = `{"Authorization": "Bearer mms_..."}`

//go:embed static
var staticFS embed.FS

//go:embed index.html
var indexHTML string

// asset is one embedded static file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string // quoted strong ETag, also used as cache-busting version
}

// assets maps a file name under static/ to its contents.
var assets = loadAssets()

// contentTypes fixes the types of the served extensions, independently of the
// host's MIME tables.
var contentTypes = map[string]string{
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

func loadAssets() map[string]asset {
	m := make(map[string]asset)
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		ext := path.Ext(p)
		ct, ok := contentTypes[ext]
		if !ok {
			if ct = mime.TypeByExtension(ext); ct == "" {
				ct = http.DetectContentType(b)
			}
		}
		sum := sha256.Sum256(b)
		m[strings.TrimPrefix(p, "static/")] = asset{
			body:        b,
			contentType: ct,
			etag:        `"` + hex.EncodeToString(sum[:8]) + `"`,
		}
		return nil
	})
	if err != nil {
		panic("web: loading embedded assets: " + err.Error())
	}
	return m
}

// page is the GraphiQL HTML template; {{asset "name"}} expands to the
// versioned URL of an embedded file and fails for a missing one.
var page = template.Must(template.New("index.html").Funcs(template.FuncMap{
	"asset": func(name string) (string, error) {
		a, ok := assets[name]
		if !ok {
			return "", fs.ErrNotExist
		}
		return "/static/" + name + "?v=" + strings.Trim(a.etag, `"`), nil
	},
}).Parse(indexHTML))

// Handler returns a handler serving the GraphiQL page at "/" for the GraphQL
// endpoint (a path on the same origin, such as "/graphql"; the page's
// Content-Security-Policy only allows same-origin HTTP requests), and the
// embedded assets under "/static/". Subscriptions use graphql-transport-ws on
// the same endpoint, with ws:// or wss:// following the page's scheme.
// Any other path gets 404; methods other than GET and HEAD get 405.
func Handler(endpoint string) http.Handler {
	var buf bytes.Buffer
	err := page.Execute(&buf, struct {
		Title, Endpoint, DefaultHeaders string
	}{Title, endpoint, DefaultHeaders})
	if err != nil {
		panic("web: rendering GraphiQL page: " + err.Error())
	}
	html := buf.Bytes()

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}

		switch p := r.URL.Path; {
		case p == "/":
			h := w.Header()
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-cache")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; "+
				"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "+
				"connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(html))

		case strings.HasPrefix(p, "/static/"):
			a, ok := assets[strings.TrimPrefix(p, "/static/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			h := w.Header()
			h.Set("Content-Type", a.contentType)
			h.Set("ETag", a.etag)
			h.Set("X-Content-Type-Options", "nosniff")
			// URLs in the page carry ?v=<content hash>, so assets can be
			// cached forever; a new binary with new assets changes the URL.
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))

		default:
			http.NotFound(w, r)
		}
	})
}
