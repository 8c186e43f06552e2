package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// studioPrereqs finds node, the Studio's node_modules and Chromium, or skips.
func studioPrereqs(t *testing.T) (node string) {
	t.Helper()
	slowTest(t, "drives a browser")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: install Node.js (and run npm ci in studio/) to run the Studio's browser test; .ci/run does")
	}
	if _, err := os.Stat(repoPath("studio/node_modules/playwright-core")); err != nil {
		t.Skip("studio/node_modules missing: run `npm ci` in studio/ to run the Studio's browser test; .ci/run does")
	}
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("%s not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM to run the Studio's browser test; .ci/run does", exe)
	}
	return node
}

// longDoc is a 10,000-code-point text of CJK, emoji and Latin words.
func longDoc() string {
	unit := "患者P0001在华西医院接种了乙肝疫苗😀, patient P0002 received insulin at Mercy Hospital 👍 today. "
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < 10_000 {
		b.WriteString(unit)
	}
	return string([]rune(b.String())[:10_000])
}

// TestStudioAnnotateInBrowser walks an annotator through MMS Studio in a real
// browser (studio/e2e/annotate.mjs): sign-in, a span after an emoji made with
// the keyboard, one made with the mouse, an accepted suggestion, a relation, an
// event with role arguments and a document label, submitted; then actions timed
// on a 10,000-character document with 300 spans and 100 relations, a version
// conflict and a skip. Then an owner (studio/e2e/owner.mjs): review, a share, a
// CSV upload followed live and its quality report, versions, a model's report,
// lineage and aliases, API keys. What they saved is checked here, through the API.
func TestStudioAnnotateInBrowser(t *testing.T) {
	node := studioPrereqs(t)
	s := newTestServer(t, nil)
	admin := testAdminKey
	s.createKey(t, "ward", "VIEWER") // creates the team
	ann := s.mustGQL(t, admin, `mutation { createApiKey(input: {team: "ward", role: ANNOTATOR, name: "Ward annotator"}) { secret key { id } } }`, nil)
	key, who := ann.str("createApiKey", "secret"), "key:"+ann.str("createApiKey", "key", "id")
	s.mustGQL(t, admin, `mutation { createDataset(input: {id: "posts", name: "Posts", team: "ward", keyField: "id"}) { id } }`, nil)
	long := longDoc()
	ing := s.mustGQL(t, admin, `mutation($recs: [JSON!]) { ingest(input: {dataset: "posts", source: "weibo", format: NDJSON, key: {from: "id"}, records: $recs}) { id } }`,
		map[string]any{"recs": []any{
			map[string]any{"id": "p1", "text": "😀P0001在华西医院接种了乙肝疫苗"},
			map[string]any{"id": "p2", "text": long},
		}})
	s.waitJob(t, admin, ing.str("ingest", "id"))
	s.mustGQL(t, admin, `mutation { createLabelSchema(input: {id: "vax", team: "ward",
		entities: ["Patient", "Hospital", "Vaccine", "Drug", "Time"],
		relations: [{name: "vaccinated_at", head: ["Patient"], tail: ["Hospital"]}, {name: "received", head: ["Patient"], tail: ["Vaccine", "Drug"]}],
		events: [{name: "Vaccination", trigger: "Vaccine", roles: [{name: "patient", labels: ["Patient"]}, {name: "place", labels: ["Hospital"]}]}],
		classes: ["positive", "negative", "neutral"]}) { id } }`, nil)
	s.mustGQL(t, admin, `mutation($a: [ID!]) { createAnnotationTask(input: {id: "ner", dataset: "posts", textField: "text", schema: "vax", annotators: $a,
		where: [{field: "id", op: "eq", value: "p1"}], patterns: [{label: "Vaccine", pattern: "乙肝疫苗"}], guidelines: "Label patients, hospitals and vaccines."}) { id } }`,
		map[string]any{"a": []string{who}})
	s.mustGQL(t, admin, `mutation($a: [ID!]) { createAnnotationTask(input: {id: "long", dataset: "posts", textField: "text", schema: "vax", annotators: $a,
		where: [{field: "id", op: "eq", value: "p2"}]}) { id } }`, map[string]any{"a": []string{who}})

	// The long document's draft: 300 spans (every tenth one nests the next),
	// 100 relations; the last span is a Hospital, for the timed relation.
	s.mustGQL(t, key, `{ nextAnnotationItem(task: "long") { document } }`, nil)
	runes := []rune(long)
	labels := []string{"Vaccine", "Drug", "Time"}
	var spans, rels []any
	for i := range 300 {
		start, n := i*33, 5
		if i%10 == 0 {
			n = 40
		}
		label := labels[i%3]
		switch {
		case i < 200 && i%2 == 0:
			label = "Patient"
		case i < 200:
			label = "Hospital"
		case i == 299:
			label = "Hospital"
		}
		spans = append(spans, map[string]any{"id": fmt.Sprintf("S%d", i), "start": start, "end": start + n, "label": label, "text": string(runes[start : start+n])})
		if i < 200 && i%2 == 1 {
			rels = append(rels, map[string]any{"type": "vaccinated_at", "head": fmt.Sprintf("S%d", i-1), "tail": fmt.Sprintf("S%d", i)})
		}
	}
	s.mustGQL(t, key, `mutation($in: SaveAnnotationInput!) { saveAnnotation(input: $in) { version } }`,
		map[string]any{"in": map[string]any{"task": "long", "document": "p2", "spans": spans, "relations": rels}})

	shots := os.Getenv("MMS_STUDIO_SCREENSHOTS") // e.g. docs/studio to refresh the README's pictures
	if shots != "" {
		shots, _ = filepath.Abs(shots)
	}
	cmd := repoCommand(node, "studio/e2e/annotate.mjs", s.URL, key, shots)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("studio/e2e/annotate.mjs: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "RESULT "); ok {
			var r map[string]any
			if err := json.Unmarshal([]byte(rest), &r); err == nil {
				pretty, _ := json.MarshalIndent(r, "", "  ")
				t.Logf("browser walk in %s:\n%s", time.Since(start).Round(time.Millisecond), pretty)
			}
		}
	}

	// An owner reads the task's progress and agreement, exports, browses the
	// dataset; an admin reads the audit log and verifies its chain.
	owner, _ := s.createKey(t, "ward", "OWNER")
	partner, _ := s.createKey(t, "partner", "PARTNER") // creates the team owner.mjs shares posts with
	// a model for the owner to read
	s.mustGQL(t, admin, `mutation { createDataset(input: {id: "visits", name: "Visits", team: "ward", keyField: "id"}) { id } }`, nil)
	var visits []any
	for i := range 80 {
		x := float64(i%20)/5 - 2
		y := 0
		if x+float64(i%3)*0.7 > 0.5 {
			y = 1
		}
		visits = append(visits, map[string]any{"id": fmt.Sprintf("v%d", i), "x": x, "dept": []string{"a", "b", "c"}[i%3], "y": y})
	}
	vi := s.mustGQL(t, admin, `mutation($recs: [JSON!]) { ingest(input: {dataset: "visits", source: "s", format: NDJSON, key: {from: "id"}, records: $recs}) { id } }`, map[string]any{"recs": visits})
	s.waitJob(t, admin, vi.str("ingest", "id"))
	tr := s.mustGQL(t, admin, `mutation { train(input: {model: "risk", dataset: "visits", label: "y", positiveClass: 1, features: ["x", "dept"], testFraction: 0.25, seed: 1}) { id } }`, nil)
	s.waitJob(t, admin, tr.str("train", "id"))
	// a dataset with checks, for the owner's upload and its quality report: version 1 here
	s.mustGQL(t, admin, `mutation { createDataset(input: {id: "patients", name: "Patients", team: "ward", keyField: "id", fields: [
		{name: "id", type: STRING, required: true}, {name: "age", type: INT, min: 0, max: 120}, {name: "dept", type: STRING}, {name: "score", type: FLOAT}]}) { id } }`, nil)
	pi := s.mustGQL(t, admin, `mutation { ingest(input: {dataset: "patients", source: "first", format: NDJSON,
		records: [{id: "b1", age: 40, dept: "a", score: 0.1}, {id: "b2", age: 50, dept: "b", score: 0.3}, {id: "b3", age: 60, dept: "c"}]}) { id } }`, nil)
	s.waitJob(t, admin, pi.str("ingest", "id"))
	// an ingestion started outside the Studio that fails its checks: no version, only Dataset.ingestions lists it
	late := s.mustGQL(t, admin, `mutation { ingest(input: {dataset: "patients", source: "late", format: NDJSON,
		records: [{id: "b9", age: 30, dept: "a", score: 0.2}], checks: {minRows: 5}}) { id } }`, nil)
	if j := s.waitJob(t, admin, late.str("ingest", "id")); j["status"] != "FAILED" {
		t.Fatalf("the ingestion failing minRows: %v", j)
	}
	if out, err := repoCommand(node, "studio/e2e/owner.mjs", s.URL, owner, shots, admin, partner).CombinedOutput(); err != nil {
		t.Fatalf("studio/e2e/owner.mjs: %v\n%s", err, out)
	}

	// The submitted annotation, read back through the API: offsets are code points.
	rv := s.mustGQL(t, admin, `{ reviewItem(task: "ner", document: "p1") { text annotations { annotator status labels spans { id start end label text } relations { type head tail } } } }`, nil)
	anns, _ := rv.get("reviewItem", "annotations").([]any)
	if len(anns) != 1 {
		t.Fatalf("annotations of p1: %v", rv.Data)
	}
	a := anns[0].(map[string]any)
	if a["status"] != "submitted" || a["annotator"] != who {
		t.Fatalf("annotation: %v", a)
	}
	want := map[string][3]any{ // label -> start, end, text
		"Patient":  {1, 6, "P0001"},
		"Hospital": {7, 11, "华西医院"},
		"Vaccine":  {14, 18, "乙肝疫苗"},
	}
	ids := map[string]string{}
	got, _ := a["spans"].([]any)
	if len(got) != len(want) {
		t.Fatalf("spans: %v", got)
	}
	for _, g := range got {
		sp := g.(map[string]any)
		w, ok := want[sp["label"].(string)]
		if !ok || num(sp["start"]) != w[0].(int) || num(sp["end"]) != w[1].(int) || sp["text"] != w[2] {
			t.Errorf("span %v, want %v", sp, w)
		}
		ids[sp["label"].(string)] = sp["id"].(string)
	}
	relsGot, _ := a["relations"].([]any)
	if len(relsGot) != 1 {
		t.Fatalf("relations: %v", relsGot)
	}
	if r := relsGot[0].(map[string]any); r["type"] != "vaccinated_at" || r["head"] != ids["Patient"] || r["tail"] != ids["Hospital"] {
		t.Errorf("relation %v, want vaccinated_at %s -> %s", r, ids["Patient"], ids["Hospital"])
	}
	if l, _ := a["labels"].([]any); len(l) != 1 || l[0] != "positive" {
		t.Errorf("document labels %v, want [positive]", l)
	}
	// The gold version the owner chose in the browser: the annotator's spans.
	if g := s.mustGQL(t, admin, `{ reviewItem(task: "ner", document: "p1") { gold { spans { start end label text } } } }`, nil); fmt.Sprint(g.get("reviewItem", "gold", "spans")) !=
		"[map[end:6 label:Patient start:1 text:P0001] map[end:11 label:Hospital start:7 text:华西医院] map[end:18 label:Vaccine start:14 text:乙肝疫苗]]" {
		t.Errorf("gold spans: %v", g.get("reviewItem", "gold", "spans"))
	}
	// The share the owner made in the browser.
	sh := s.mustGQL(t, admin, `{ shares(dataset: "posts") { team role fields rowFilter { field op value } expiresAt } }`, nil)
	if list, _ := sh.get("shares").([]any); len(list) != 1 {
		t.Errorf("shares: %v", sh.Data)
	} else if x := list[0].(map[string]any); x["team"] != "partner" || x["role"] != "VIEWER" || fmt.Sprint(x["fields"]) != "[text]" ||
		fmt.Sprint(x["rowFilter"]) != "[map[field:id op:eq value:p1]]" || !strings.HasPrefix(fmt.Sprint(x["expiresAt"]), "2099-12-31") {
		t.Errorf("share: %v", x)
	}
	// The event the annotator made: its trigger and both role arguments.
	ev := s.mustGQL(t, admin, `{ reviewItem(task: "ner", document: "p1") { annotations { events { type trigger arguments { role span } } } } }`, nil)
	if got, want := fmt.Sprint(ev.get("reviewItem", "annotations", 0, "events")),
		fmt.Sprintf("[map[arguments:[map[role:patient span:%s] map[role:place span:%s]] trigger:%s type:Vaccination]]", ids["Patient"], ids["Hospital"], ids["Vaccine"]); got != want {
		t.Errorf("events: %s, want %s", got, want)
	}
	// The owner's upload: version 2, five rows in, one reject at line 4; the aliases it left.
	d := s.mustGQL(t, admin, `{ dataset(id: "patients") { version documentCount versions(first: 5) { edges { node { version rows ingestion } } } } }`, nil)
	if num(d.get("dataset", "version")) != 2 || num(d.get("dataset", "documentCount")) != 8 {
		t.Errorf("patients after the upload: %v", d.Data)
	}
	if ing := d.str("dataset", "versions", "edges", 0, "node", "ingestion"); ing != "" {
		r := s.mustGQL(t, admin, `query($id: ID!) { ingestion(id: $id) { source inserted rejected rejects { edges { node { line reasons } } } } }`, map[string]any{"id": ing})
		if r.str("ingestion", "source") != "patients" || num(r.get("ingestion", "inserted")) != 5 || num(r.get("ingestion", "rejects", "edges", 0, "node", "line")) != 4 {
			t.Errorf("the upload's ingestion: %v", r.Data)
		}
	} else {
		t.Errorf("version 2 names no ingestion: %v", d.Data)
	}
	if m := s.mustGQL(t, admin, `{ model(id: "risk") { aliases { alias version } } }`, nil); fmt.Sprint(m.get("model", "aliases")) != "[map[alias:production version:1]]" {
		t.Errorf("risk's aliases: %v", m.get("model", "aliases"))
	}
	// The long item was skipped, not submitted: nothing left for the annotator.
	if r := s.mustGQL(t, key, `{ nextAnnotationItem(task: "long") { document } }`, nil); r.get("nextAnnotationItem") != nil {
		t.Errorf("after skip, nextAnnotationItem(long) = %v, want null", r.Data)
	}
}

// TestStudioLeaseInBrowser: a lapsed reservation, explained in the workspace
// (studio/e2e/lease.mjs). The server's clock is moved by the script through a
// control URL of the test's own, the browser's by Playwright's clock.
func TestStudioLeaseInBrowser(t *testing.T) {
	node := studioPrereqs(t)
	s := newTestServer(t, nil)
	var offset atomic.Int64
	s.app.Service.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(offset.Load())) }
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		secs, err := strconv.Atoi(string(b))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		offset.Add(int64(time.Duration(secs) * time.Second))
	}))
	defer control.Close()
	keyA, idA := s.createKey(t, "lease", "ANNOTATOR")
	keyB, idB := s.createKey(t, "lease", "ANNOTATOR")
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "lease-posts", name: "Posts", team: "lease", keyField: "id"}) { id } }`, nil)
	ing := s.mustGQL(t, testAdminKey, `mutation { ingest(input: {dataset: "lease-posts", source: "weibo", format: NDJSON, key: {from: "id"},
		records: [{id: "p1", text: "😀P0001在华西医院接种了乙肝疫苗"}]}) { id } }`, nil)
	s.waitJob(t, testAdminKey, ing.str("ingest", "id"))
	s.mustGQL(t, testAdminKey, `mutation { createLabelSchema(input: {id: "lease-s", team: "lease", entities: ["Patient"], classes: ["positive", "neutral"]}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation($a: [ID!]) { createAnnotationTask(input: {id: "lease", dataset: "lease-posts", textField: "text", schema: "lease-s", annotators: $a}) { id } }`,
		map[string]any{"a": []string{"key:" + idA, "key:" + idB}})
	if out, err := repoCommand(node, "studio/e2e/lease.mjs", s.URL, keyA, keyB, control.URL, os.Getenv("MMS_STUDIO_SCREENSHOTS")).CombinedOutput(); err != nil {
		t.Fatalf("studio/e2e/lease.mjs: %v\n%s", err, out)
	}
	// A's refused submit left nothing; the item is B's.
	rv := s.mustGQL(t, testAdminKey, `{ reviewItem(task: "lease", document: "p1") { annotations { annotator } } }`, nil)
	if as, _ := rv.get("reviewItem", "annotations").([]any); len(as) != 0 {
		t.Errorf("annotations after A's refused submit: %v", as)
	}
	if d := s.mustGQL(t, keyB, `{ nextAnnotationItem(task: "lease") { document } }`, nil).str("nextAnnotationItem", "document"); d != "p1" {
		t.Errorf("annotator B's item = %q, want p1 (still B's)", d)
	}
}

// TestStudioServed checks the Studio's routes: the app's page for every path
// below /studio/ (client routing), hashed assets, a same-origin CSP, and no
// reference to another origin in the page or the scripts.
func TestStudioServed(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	c := s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, page := get("/studio/")
	if resp.StatusCode != 200 || !strings.Contains(page, `<div id="app">`) {
		t.Fatalf("/studio/: %d %.200s", resp.StatusCode, page)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if r, p := get("/studio/tasks/some-task"); r.StatusCode != 200 || p != page {
		t.Errorf("/studio/tasks/some-task: %d, want the app's page", r.StatusCode)
	}
	if r, _ := get("/studio"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/studio/" {
		t.Errorf("/studio: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r, _ := get("/studio/assets/nope.js"); r.StatusCode != 404 {
		t.Errorf("missing asset: %d", r.StatusCode)
	}
	assets := regexp.MustCompile(`(?:src|href)="(/studio/assets/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(assets) < 2 {
		t.Fatalf("assets in the page: %v", assets)
	}
	for _, m := range assets {
		r, body := get(m[1])
		if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %s", m[1], r.StatusCode, r.Header.Get("Cache-Control"))
		}
		if u := regexp.MustCompile(`https?://[a-zA-Z0-9.-]+`).FindAllString(body, -1); len(u) > 0 {
			for _, x := range u {
				if x != "http://www.w3.org" { // XML namespaces (SVG), not requests
					t.Errorf("%s names another origin: %s", m[1], x)
				}
			}
		}
	}
}

// TestSkipAnnotationItem: skipping gives the item back (another annotator gets
// it), moves the caller on, and only the holder may skip.
func TestSkipAnnotationItem(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	admin := testAdminKey
	a1, id1 := s.createKey(t, "ward", "ANNOTATOR")
	a2, id2 := s.createKey(t, "ward", "ANNOTATOR")
	s.mustGQL(t, admin, `mutation { createDataset(input: {id: "posts", name: "Posts", team: "ward", keyField: "id"}) { id } }`, nil)
	ing := s.mustGQL(t, admin, `mutation { ingest(input: {dataset: "posts", source: "s", format: NDJSON, key: {from: "id"}, records: [{id: "d1", text: "one"}, {id: "d2", text: "two"}]}) { id } }`, nil)
	s.waitJob(t, admin, ing.str("ingest", "id"))
	s.mustGQL(t, admin, `mutation { createLabelSchema(input: {id: "sc", team: "ward", entities: ["X"]}) { id } }`, nil)
	s.mustGQL(t, admin, `mutation($a: [ID!]) { createAnnotationTask(input: {id: "t", dataset: "posts", textField: "text", schema: "sc", annotators: $a}) { id } }`,
		map[string]any{"a": []string{"key:" + id1, "key:" + id2}})
	next := `{ nextAnnotationItem(task: "t") { document } }`
	skip := `mutation($d: ID!) { skipAnnotationItem(task: "t", document: $d) }`
	first := s.mustGQL(t, a1, next, nil).str("nextAnnotationItem", "document")
	if again := s.mustGQL(t, a1, next, nil).str("nextAnnotationItem", "document"); again != first {
		t.Fatalf("a held item is handed again: %s then %s", first, again)
	}
	// a2 holds the other item; it may not skip a1's.
	second := s.mustGQL(t, a2, next, nil).str("nextAnnotationItem", "document")
	if second == first {
		t.Fatalf("both annotators got %s", first)
	}
	if r := s.gql(t, a2, skip, map[string]any{"d": first}); !r.hasCode("FORBIDDEN") {
		t.Errorf("skip of an item not held: %+v", r.Errors)
	}
	if r := s.mustGQL(t, a1, skip, map[string]any{"d": first}); r.get("skipAnnotationItem") != true {
		t.Fatalf("skip: %v", r.Data)
	}
	// a1 moves on: nothing else is free for it (a2 holds the other item).
	if r := s.mustGQL(t, a1, next, nil); r.get("nextAnnotationItem") != nil {
		t.Errorf("after skip, a1 got %v", r.Data)
	}
	if r := s.gql(t, a1, skip, map[string]any{"d": first}); !r.hasCode("FORBIDDEN") {
		t.Errorf("a second skip: %+v", r.Errors)
	}
	// a2 submits its item, then gets the skipped one.
	s.mustGQL(t, a2, `mutation($d: ID!) { saveAnnotation(input: {task: "t", document: $d, status: "submitted"}) { version } }`, map[string]any{"d": second})
	if got := s.mustGQL(t, a2, next, nil).str("nextAnnotationItem", "document"); got != first {
		t.Errorf("a2 next = %q, want the skipped %s", got, first)
	}
}

// TestStudioSubmitToNextInBrowser times, in the browser, "Submit" to the next
// item shown, on a task of 1,000 items (MMS_STUDIO_SUBMITS rounds, default 30).
func TestStudioSubmitToNextInBrowser(t *testing.T) {
	node := studioPrereqs(t)
	s := newTestServer(t, nil)
	admin := testAdminKey
	key, keyID := s.createKey(t, "ward", "ANNOTATOR")
	s.mustGQL(t, admin, `mutation { createDataset(input: {id: "posts", name: "Posts", team: "ward", keyField: "id"}) { id } }`, nil)
	recs := make([]any, 1000)
	for i := range recs {
		recs[i] = map[string]any{"id": fmt.Sprintf("p%04d", i), "text": fmt.Sprintf("患者P%04d在华西医院接种了乙肝疫苗😀 post %d", i, i)}
	}
	ing := s.mustGQL(t, admin, `mutation($recs: [JSON!]) { ingest(input: {dataset: "posts", source: "weibo", format: NDJSON, key: {from: "id"}, records: $recs}) { id } }`,
		map[string]any{"recs": recs})
	s.waitJob(t, admin, ing.str("ingest", "id"))
	s.mustGQL(t, admin, `mutation { createLabelSchema(input: {id: "vax", team: "ward", entities: ["Patient", "Hospital"]}) { id } }`, nil)
	r := s.mustGQL(t, admin, `mutation($a: [ID!]) { createAnnotationTask(input: {id: "big", dataset: "posts", textField: "text", schema: "vax", annotators: $a}) { items } }`,
		map[string]any{"a": []string{"key:" + keyID}})
	if n := num(r.get("createAnnotationTask", "items")); n != 1000 {
		t.Fatalf("task items = %d, want 1000", n)
	}
	submits := os.Getenv("MMS_STUDIO_SUBMITS")
	if submits == "" {
		submits = "30"
	}
	out, err := repoCommand(node, "studio/e2e/submit-bench.mjs", s.URL, key, "big", submits).CombinedOutput()
	if err != nil {
		t.Fatalf("studio/e2e/submit-bench.mjs: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "RESULT "); ok {
			t.Logf("Submit -> next item shown (ms), task of 1,000 items: %s", rest)
		}
	}
	done := s.mustGQL(t, admin, `{ annotationTask(id: "big") { stats { completeItems } } }`, nil)
	if got, want := num(done.get("annotationTask", "stats", "completeItems")), 0; got <= want {
		t.Errorf("completeItems = %d after the submits", got)
	}
}
