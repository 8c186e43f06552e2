package e2e

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestMediaIngestion(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "scans", name: "Scans", team: "acme"}) { id } }`, nil)
	pic := testPNG(t, 7, 5)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for name, data := range map[string][]byte{"img/a.png": pic, "notes.txt": []byte("hello media")} {
		f, _ := zw.Create(name)
		_, _ = f.Write(data)
	}
	_ = zw.Close()
	q := `mutation($f: Upload!) { ingest(input: {dataset: "scans", source: "batch1", format: MEDIA, file: $f}) { id } }`
	run := func() map[string]any {
		r := s.upload(t, testAdminKey, q, map[string]any{"f": nil}, "f", "scans.zip", zb.Bytes())
		if len(r.Errors) > 0 {
			t.Fatalf("ingest: %+v", r.Errors)
		}
		job := s.waitJob(t, testAdminKey, r.str("ingest", "id"))
		if job["status"] != "SUCCEEDED" {
			t.Fatalf("job: %v", job)
		}
		return job["result"].(map[string]any)
	}
	if res := run(); num(res["inserted"]) != 2 {
		t.Fatalf("first run: %v", res)
	}
	r := s.mustGQL(t, testAdminKey, `{ document(dataset: "scans", key: "batch1:img/a.png") { fields } }`, nil)
	f, _ := r.get("document", "fields").(map[string]any)
	sum := sha256.Sum256(pic)
	if f["mime"] != "image/png" || num(f["width"]) != 7 || num(f["height"]) != 5 || num(f["size"]) != len(pic) || f["sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("png document = %v", f)
	}
	r = s.mustGQL(t, testAdminKey, `{ document(dataset: "scans", key: "batch1:notes.txt") { fields } }`, nil)
	if f, _ := r.get("document", "fields").(map[string]any); f["mime"] != "text/plain" || f["width"] != nil {
		t.Errorf("text document = %v", f)
	}
	// The bytes come back from the blob store, with the dataset's permission.
	get := func(token, key string) (int, []byte) {
		req, _ := http.NewRequest("GET", s.URL+"/media?dataset=scans&key="+url.QueryEscape(key), nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if st, b := get(testAdminKey, "batch1:img/a.png"); st != 200 || !bytes.Equal(b, pic) {
		t.Errorf("GET media: %d, %d bytes", st, len(b))
	}
	if st, _ := get("", "batch1:img/a.png"); st != http.StatusUnauthorized {
		t.Errorf("anonymous GET media: %d", st)
	}
	other, _ := s.createKey(t, "globex", "VIEWER")
	// Another team's dataset answers as a missing one (security_rows_test.go).
	if st, _ := get(other, "batch1:img/a.png"); st != http.StatusNotFound {
		t.Errorf("other team GET media: %d", st)
	}
	if st, _ := get(testAdminKey, "batch1:nope"); st != http.StatusNotFound {
		t.Errorf("missing media: %d", st)
	}
	if res := run(); num(res["unchanged"]) != 2 || num(res["inserted"]) != 0 {
		t.Errorf("re-run: %v", res)
	}
}

func TestMediaFilesSet(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "pics", name: "Pics", team: "acme"}) { id } }`, nil)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("operations", `{"query": "mutation($fs: [Upload!]!) { ingest(input: {dataset: \"pics\", source: \"cam\", format: MEDIA, files: $fs}) { id } }", "variables": {"fs": [null, null]}}`)
	_ = mw.WriteField("map", `{"0": ["variables.fs.0"], "1": ["variables.fs.1"]}`)
	for i, data := range [][]byte{testPNG(t, 3, 2), testPNG(t, 4, 9)} {
		fw, _ := mw.CreateFormFile(strconv.Itoa(i), fmt.Sprintf("shot%d.png", i))
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	r := s.post(t, testAdminKey, mw.FormDataContentType(), body.Bytes())
	if len(r.Errors) > 0 {
		t.Fatalf("ingest: %+v", r.Errors)
	}
	if job := s.waitJob(t, testAdminKey, r.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("job %v", job)
	}
	r = s.mustGQL(t, testAdminKey, `{ document(dataset: "pics", key: "cam:shot1.png") { fields } documents(dataset: "pics") { totalCount } }`, nil)
	if f, _ := r.get("document", "fields").(map[string]any); num(f["width"]) != 4 || num(f["height"]) != 9 || num(r.get("documents", "totalCount")) != 2 {
		t.Errorf("got %v", r.Data)
	}
	// MEDIA needs files; files need MEDIA.
	bad := s.gql(t, testAdminKey, `mutation { ingest(input: {dataset: "pics", source: "x", format: MEDIA, records: [{}]}) { id } }`, nil)
	if !bad.hasCode("BAD_USER_INPUT") {
		t.Errorf("MEDIA with records: %+v", bad.Errors)
	}
}
