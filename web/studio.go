package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// MMS Studio, the web app built from studio/ (npm run build writes web/studio/;
// the files are committed, so the binary needs no Node.js).
//
//go:embed studio
var studioFS embed.FS

// studioCSP keeps the Studio on its own origin: scripts and styles from the
// server only, requests to the same origin only. Inline style attributes are
// allowed (highlight colours), inline scripts are not; blob: images are the
// model plots, fetched from /artifacts with the caller's key.
const studioCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// StudioHandler serves MMS Studio under /studio/: the hashed assets under
// /studio/assets/ (cached for good), and the app's page for every other path
// below /studio/ (the app routes on the client: /studio/tasks/{task} etc.).
// /studio (no slash) redirects to /studio/.
func StudioHandler() http.Handler {
	files := map[string]asset{}
	_ = fs.WalkDir(studioFS, "studio", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := studioFS.ReadFile(p)
		if err != nil {
			return err
		}
		ct := contentTypes[path.Ext(p)]
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		sum := sha256.Sum256(b)
		files[strings.TrimPrefix(p, "studio/")] = asset{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	index, ok := files["index.html"]
	if !ok {
		panic("web: the Studio's index.html is not embedded (run npm run build in studio/)")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		if p == "/studio" {
			http.Redirect(w, r, "/studio/", http.StatusMovedPermanently)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if rest, ok := strings.CutPrefix(p, "/studio/assets/"); ok {
			a, found := files["assets/"+rest]
			if !found {
				http.NotFound(w, r)
				return
			}
			h.Set("Content-Type", a.contentType)
			h.Set("ETag", a.etag)
			h.Set("Cache-Control", "public, max-age=31536000, immutable") // names carry a content hash
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", index.etag)
		h.Set("Content-Security-Policy", studioCSP)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(index.body))
	})
}
