package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Issue 11, finding 5: a share's row filter has one semantics on every path
// (the store's), and counts, sources and reports within a row-limited view
// count only its rows or are withheld. Finding 10: another team's resource
// answers exactly as a missing one, the denial still audited.

// rowsFixture makes team "clinic" with dataset "clinic" of 40 patients whose
// fields exercise the store's semantics: tags holds arrays (P0010 is
// ["vip", "north"]), scalars, null or nothing; code mixes numbers and strings;
// seen is a date or missing. P0001 and P0010 carry the bytes of a media file.
// It returns the server and the patients as ingested.
func rowsFixture(t *testing.T) (*testServer, []map[string]any) {
	t.Helper()
	s := newTestServer(t, nil)
	s.createKey(t, "clinic", "OWNER")
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "scans", name: "Scans", team: "clinic"}) { id } }`, nil)
	up := s.upload(t, testAdminKey, `mutation($f: Upload!) { ingest(input: {dataset: "scans", source: "m", format: MEDIA, file: $f}) { id } }`,
		map[string]any{"f": nil}, "f", "scan.png", testPNG(t, 4, 3))
	if len(up.Errors) > 0 {
		t.Fatalf("media: %+v", up.Errors)
	}
	s.waitJob(t, testAdminKey, up.str("ingest", "id"))
	blob := s.mustGQL(t, testAdminKey, `{ documents(dataset: "scans") { edges { node { fields } } } }`, nil).
		str("documents", "edges", 0, "node", "fields", "blob")
	if blob == "" {
		t.Fatal("no media blob")
	}

	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "clinic", name: "Clinic", team: "clinic", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "age", type: INT}, {name: "tags", type: JSON}, {name: "code", type: JSON},
		{name: "ward", type: STRING}, {name: "seen", type: DATE}, {name: "blob", type: STRING}, {name: "mime", type: STRING}]}) { id } }`, nil)
	tagsOf := []any{
		[]any{"vip"}, []any{"north"}, "vip", nil, []any{}, []any{"south", "north"}, "north", []any{"VIP"}, []any{"vip", "south"},
	}
	codes := []any{5, "5", 5.5, nil, "x"}
	var recs []map[string]any
	for i := 1; i <= 40; i++ {
		r := map[string]any{"id": fmt.Sprintf("P%04d", i), "age": 20 + i}
		switch {
		case i == 10:
			r["tags"] = []any{"vip", "north"}
		case i%10 != 3: // every tenth from 3 has no tags at all
			r["tags"] = tagsOf[i%len(tagsOf)]
		}
		if i%4 != 0 {
			r["code"] = codes[i%len(codes)]
		}
		if i%3 != 0 {
			r["ward"] = []string{"a", "b"}[i%2]
		}
		if i%5 != 0 {
			r["seen"] = fmt.Sprintf("2024-%02d-15", 1+i%12)
		}
		if i == 1 || i == 10 {
			r["blob"], r["mime"] = blob, "image/png"
		}
		recs = append(recs, r)
	}
	j := s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]) { ingest(input: {dataset: "clinic", source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`,
		map[string]any{"r": recs})
	if job := s.waitJob(t, testAdminKey, j.str("ingest", "id")); job["status"] != "SUCCEEDED" || num(job["result"].(map[string]any)["inserted"]) != 40 {
		t.Fatalf("ingest: %v", job)
	}
	return s, recs
}

// hasVIP is the store's (MongoDB's) equality with "vip": the value itself, or
// an element of an array value.
func hasVIP(v any) bool {
	if l, ok := v.([]any); ok {
		return slices.Contains(l, any("vip"))
	}
	return v == "vip"
}

// visibleKeys lists the keys documents returns to token.
func visibleKeys(t *testing.T, s *testServer, token string) []string {
	t.Helper()
	r := s.mustGQL(t, token, `{ documents(dataset: "clinic", first: 1000) { totalCount edges { node { key } } } }`, nil)
	var keys []string
	for _, e := range r.get("documents", "edges").([]any) {
		keys = append(keys, e.(map[string]any)["node"].(map[string]any)["key"].(string))
	}
	if n := num(r.get("documents", "totalCount")); n != len(keys) {
		t.Errorf("totalCount %d for %d documents", n, len(keys))
	}
	return keys
}

// byKeyVisible asks document(key) for every key at once and returns those that
// answer.
func byKeyVisible(t *testing.T, s *testServer, token string, keys []string) []string {
	t.Helper()
	var q strings.Builder
	q.WriteString("{")
	for i, k := range keys {
		fmt.Fprintf(&q, ` d%d: document(dataset: "clinic", key: %q) { key }`, i, k)
	}
	q.WriteString(" }")
	r := s.mustGQL(t, token, q.String(), nil)
	var out []string
	for i, k := range keys {
		if r.get(fmt.Sprintf("d%d", i)) != nil {
			out = append(out, k)
		}
	}
	return out
}

func getMedia(t *testing.T, s *testServer, token, dataset, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/media?dataset="+url.QueryEscape(dataset)+"&key="+url.QueryEscape(key), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRowScopeSameOnEveryPath is the case: a share with
// rowFilter tags ne "vip" leaves out P0010 (tags ["vip", "north"]) from
// documents, document(key), /media and the counts alike.
func TestRowScopeSameOnEveryPath(t *testing.T) {
	t.Parallel()
	s, recs := rowsFixture(t)
	partner, _ := s.createKey(t, "lab", "PARTNER")
	owner, _ := s.createKey(t, "clinic", "OWNER")
	s.mustGQL(t, owner, `mutation { shareDataset(input: {dataset: "clinic", team: "lab", role: PARTNER, rowFilter: [{field: "tags", op: "ne", value: "vip"}]}) { team } }`, nil)

	var all, want []string
	for _, r := range recs {
		all = append(all, r["id"].(string))
		if !hasVIP(r["tags"]) {
			want = append(want, r["id"].(string))
		}
	}
	got := visibleKeys(t, s, partner)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("documents for the partner:\n got %v\nwant %v", got, want)
	}
	if slices.Contains(got, "P0010") {
		t.Fatal("documents returns P0010")
	}
	if byKey := byKeyVisible(t, s, partner, all); strings.Join(byKey, ",") != strings.Join(want, ",") {
		t.Errorf("document(key) for the partner disagrees with documents:\n got %v\nwant %v", byKey, want)
	}
	if r := s.mustGQL(t, partner, `{ document(dataset: "clinic", key: "P0010") { key fields } }`, nil); r.get("document") != nil {
		t.Errorf("document(P0010) for the partner: %v", r.get("document"))
	}
	// /media: the visible row's bytes come back; P0010's answer is the one for
	// a key that does not exist.
	if st, _ := getMedia(t, s, partner, "clinic", "P0001"); st != http.StatusOK {
		t.Errorf("partner GET /media P0001: %d", st)
	}
	st10, body10 := getMedia(t, s, partner, "clinic", "P0010")
	stNo, bodyNo := getMedia(t, s, partner, "clinic", "P9999")
	if st10 != http.StatusNotFound || strings.ReplaceAll(body10, "P0010", "K") != strings.ReplaceAll(bodyNo, "P9999", "K") {
		t.Errorf("partner GET /media P0010: %d %s; a missing key: %d %s", st10, body10, stNo, bodyNo)
	}
	if st, _ := getMedia(t, s, owner, "clinic", "P0010"); st != http.StatusOK {
		t.Errorf("owner GET /media P0010: %d", st)
	}

	// documentCount counts the view's rows only; the owner's is the whole.
	const counts = `{ dataset(id: "clinic") { documentCount } datasets { edges { node { id documentCount } } } }`
	pc := s.mustGQL(t, partner, counts, nil)
	if n := num(pc.get("dataset", "documentCount")); n != len(want) {
		t.Errorf("partner's documentCount %d, want %d (not %d)", n, len(want), len(all))
	}
	for _, e := range pc.get("datasets", "edges").([]any) {
		if n := e.(map[string]any)["node"].(map[string]any); n["id"] == "clinic" && num(n["documentCount"]) != len(want) {
			t.Errorf("partner's datasets documentCount %v, want %d", n["documentCount"], len(want))
		}
	}
	if n := num(s.mustGQL(t, owner, counts, nil).get("dataset", "documentCount")); n != len(all) {
		t.Errorf("owner's documentCount %d, want %d", n, len(all))
	}

	// sources: the partner sees which source and ingestion, not the line (the
	// lines of the rows it sees would count the rows it does not).
	const src = `{ document(dataset: "clinic", key: "P0004") { sources } }`
	ps, _ := s.mustGQL(t, partner, src, nil).get("document", "sources", "s").(map[string]any)
	if ps == nil || ps["ingestion"] == nil || ps["line"] != nil {
		t.Errorf("partner's sources of P0004: %v", ps)
	}
	ow, _ := s.mustGQL(t, owner, src, nil).get("document", "sources", "s").(map[string]any)
	if num(ow["line"]) != 4 {
		t.Errorf("owner's sources of P0004: %v", ow)
	}

	// The owner's ingestion totals and report are withheld (audited); the job
	// shows what it made, not how many rows.
	ingID, _ := ps["ingestion"].(string)
	ing := s.gql(t, partner, `query($id: ID!) { ingestion(id: $id) { read inserted report } }`, map[string]any{"id": ingID})
	if ing.get("ingestion") != nil || !ing.hasCode("FORBIDDEN") {
		t.Errorf("partner's ingestion: %v %+v", ing.Data, ing.Errors)
	}
	jobID := s.mustGQL(t, owner, `query($id: ID!) { ingestion(id: $id) { job read } }`, map[string]any{"id": ingID}).str("ingestion", "job")
	pj := s.mustGQL(t, partner, `query($id: ID!) { job(id: $id) { status result detail { rows bytes } } }`, map[string]any{"id": jobID})
	res, _ := pj.get("job", "result").(map[string]any)
	if res["ingestion"] != ingID || res["read"] != nil || res["inserted"] != nil || num(pj.get("job", "detail", "rows")) != 0 {
		t.Errorf("partner's job: %v", pj.Data)
	}
	if r := s.mustGQL(t, owner, `query($id: ID!) { job(id: $id) { result } }`, map[string]any{"id": jobID}); num(r.get("job", "result", "inserted")) != 40 {
		t.Errorf("owner's job: %v", r.Data)
	}
}

// TestRowScopeStoreSemantics runs row filters over arrays, nulls, missing
// fields, mixed types and dates, and checks that every path agrees with the
// store's documents: document(key) answers exactly for the keys documents
// lists, and documentCount counts them. No Go re-implementation of the
// filter is left (service/rowmatch.go is gone): the store decides everywhere.
func TestRowScopeStoreSemantics(t *testing.T) {
	t.Parallel()
	s, recs := rowsFixture(t)
	partner, _ := s.createKey(t, "lab", "VIEWER")
	var all []string
	for _, r := range recs {
		all = append(all, r["id"].(string))
	}
	cases := []struct {
		filter string
		want   func(map[string]any) bool // nil: only agreement is checked
	}{
		{`{field: "tags", op: "ne", value: "vip"}`, func(r map[string]any) bool { return !hasVIP(r["tags"]) }},
		{`{field: "tags", op: "eq", value: "vip"}`, func(r map[string]any) bool { return hasVIP(r["tags"]) }},
		{`{field: "tags", op: "nin", value: ["vip", "south"]}`, nil},
		{`{field: "tags", op: "in", value: ["north"]}`, nil},
		{`{field: "tags", op: "eq", value: null}`, func(r map[string]any) bool { return r["tags"] == nil }},
		{`{field: "tags", op: "ne", value: null}`, func(r map[string]any) bool { return r["tags"] != nil }},
		{`{field: "code", op: "ne", value: 5}`, nil},
		{`{field: "code", op: "gt", value: 5}`, nil},
		{`{field: "code", op: "in", value: [5, "x"]}`, nil},
		{`{field: "ward", op: "nin", value: ["a"]}`, func(r map[string]any) bool { return r["ward"] != "a" }},
		{`{field: "seen", op: "gte", value: "2024-06-01"}`, nil},
		{`{field: "seen", op: "lt", value: "2024-06-01"}, {field: "age", op: "gte", value: 30}`, nil},
	}
	for _, c := range cases {
		s.mustGQL(t, testAdminKey, `mutation { shareDataset(input: {dataset: "clinic", team: "lab", role: VIEWER, rowFilter: [`+c.filter+`]}) { team } }`, nil)
		list := visibleKeys(t, s, partner)
		if c.want != nil {
			var want []string
			for _, r := range recs {
				if c.want(r) {
					want = append(want, r["id"].(string))
				}
			}
			if strings.Join(list, ",") != strings.Join(want, ",") {
				t.Errorf("%s: documents\n got %v\nwant %v", c.filter, list, want)
			}
		}
		if len(list) == 0 || len(list) == len(all) {
			t.Errorf("%s: %d of %d rows: the case tells nothing", c.filter, len(list), len(all))
		}
		if byKey := byKeyVisible(t, s, partner, all); strings.Join(byKey, ",") != strings.Join(list, ",") {
			t.Errorf("%s: document(key) disagrees with documents:\n by key %v\n   list %v", c.filter, byKey, list)
		}
		if n := num(s.mustGQL(t, partner, `{ dataset(id: "clinic") { documentCount } }`, nil).get("dataset", "documentCount")); n != len(list) {
			t.Errorf("%s: documentCount %d, documents %d", c.filter, n, len(list))
		}
	}
}

// canon is a response as a caller sees it, with id replaced by ID.
func canon(t *testing.T, r gqlResponse, id string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"data": r.Data, "errors": r.Errors})
	return strings.ReplaceAll(string(b), id, "ID")
}

// TestHiddenResourceAnswersAsMissing: to a caller outside its team, another
// team's dataset (and what hangs off it: documents, media, ingestions, jobs,
// shares) answers exactly as a missing one, and no message names it; the
// denial is on the audit log. A caller who sees a resource but may not do an
// act on it is still FORBIDDEN.
func TestHiddenResourceAnswersAsMissing(t *testing.T) {
	t.Parallel()
	s := shareFixture(t)
	outsider, outsiderID := s.createKey(t, "globex", "OWNER")
	viewer, _ := s.createKey(t, "clinic", "VIEWER")
	ingID := s.mustGQL(t, testAdminKey, `{ document(dataset: "patients", key: "P1") { sources } }`, nil).str("document", "sources", "s", "ingestion")
	jobID := s.mustGQL(t, testAdminKey, `query($id: ID!) { ingestion(id: $id) { job } }`, map[string]any{"id": ingID}).str("ingestion", "job")
	s.mustGQL(t, testAdminKey, `mutation { createLabelSchema(input: {id: "clinic-ls", team: "clinic", entities: ["X"]}) { id } }`, nil)
	if ingID == "" || jobID == "" {
		t.Fatal("fixture has no ingestion")
	}

	pairs := []struct{ query, hidden, missing string }{
		{`query($id: ID!) { dataset(id: $id) { id documentCount } }`, "patients", "nope"},
		{`query($id: ID!) { documents(dataset: $id) { totalCount } }`, "patients", "nope"},
		{`query($id: ID!) { document(dataset: $id, key: "P1") { key } }`, "patients", "nope"},
		{`query($id: ID!) { shares(dataset: $id) { team } }`, "patients", "nope"},
		{`mutation($id: ID!) { shareDataset(input: {dataset: $id, team: "globex", role: VIEWER}) { team } }`, "patients", "nope"},
		{`mutation($id: ID!) { ingest(input: {dataset: $id, source: "x", format: NDJSON, records: [{a: 1}]}) { id } }`, "patients", "nope"},
		{`mutation($id: ID!) { train(input: {model: "m", dataset: $id, label: "outcome"}) { id } }`, "patients", "nope"},
		{`query($id: ID!) { ingestion(id: $id) { read } }`, ingID, "01J0000000000000000000NOPE"},
		{`query($id: ID!) { job(id: $id) { status result } }`, jobID, "01J0000000000000000000NOPE"},
		{`mutation($id: ID!) { cancelJob(id: $id) { status } }`, jobID, "01J0000000000000000000NOPE"},
		{`query($id: ID!) { labelSchema(id: $id) { id } }`, "clinic-ls", "nope"},
	}
	for _, p := range pairs {
		h := s.gql(t, outsider, p.query, map[string]any{"id": p.hidden})
		m := s.gql(t, outsider, p.query, map[string]any{"id": p.missing})
		if canon(t, h, p.hidden) != canon(t, m, p.missing) {
			t.Errorf("%s\n hidden:  %s\n missing: %s", p.query, canon(t, h, p.hidden), canon(t, m, p.missing))
		}
		for _, e := range h.Errors {
			if c := e.Extensions["code"]; c != "NOT_FOUND" || strings.Contains(e.Message, "patients") && p.hidden != "patients" || strings.Contains(e.Message, "clinic") {
				t.Errorf("%s: %s %q", p.query, c, e.Message)
			}
		}
	}
	// Media: the same status and body.
	sh, bh := getMedia(t, s, outsider, "patients", "P1")
	sm, bm := getMedia(t, s, outsider, "nope", "P1")
	if sh != http.StatusNotFound || sh != sm || strings.ReplaceAll(bh, "patients", "ID") != strings.ReplaceAll(bm, "nope", "ID") {
		t.Errorf("media: %d %s vs %d %s", sh, bh, sm, bm)
	}

	// The denials are audited with the real resource.
	audit := s.mustGQL(t, testAdminKey, `query($a: String) { auditLog(where: {actor: $a, decision: "deny"}, first: 100) { edges { node { resource action } } } }`,
		map[string]any{"a": "key:" + outsiderID})
	seen := map[string]bool{}
	for _, e := range audit.get("auditLog", "edges").([]any) {
		n := e.(map[string]any)["node"].(map[string]any)
		seen[n["action"].(string)+" "+n["resource"].(string)] = true
	}
	for _, want := range []string{"read dataset/patients", "write dataset/patients", "share dataset/patients", "train dataset/patients", "read schema/clinic-ls"} {
		if !seen[want] {
			t.Errorf("audit lacks the denial %q: %v", want, seen)
		}
	}

	// A member who sees the dataset but may not write or share it: FORBIDDEN.
	for _, q := range []string{
		`mutation { ingest(input: {dataset: "patients", source: "x", format: NDJSON, records: [{id: "P9"}]}) { id } }`,
		`mutation { shareDataset(input: {dataset: "patients", team: "globex", role: VIEWER}) { team } }`,
		`mutation { cancelJob(id: "` + jobID + `") { status } }`,
	} {
		if r := s.gql(t, viewer, q, nil); !r.hasCode("FORBIDDEN") {
			t.Errorf("clinic viewer %s: %+v", q, r.Errors)
		}
	}
}

// TestShareGrantsOnlyItsActs: earlier versions granted train and annotate
// through dataset shares; those acts read every row and field, not the
// share's view. A policy left from then is refused at the dataset itself (the
// share's role decides), not only because the model would be written in the
// owner's team (defense in depth: a future path training into the caller's
// own team must not read the rows the share leaves out).
func TestShareGrantsOnlyItsActs(t *testing.T) {
	t.Parallel()
	s, _ := rowsFixture(t)
	editor, _ := s.createKey(t, "lab", "EDITOR")
	s.mustGQL(t, testAdminKey, `mutation { shareDataset(input: {dataset: "clinic", team: "lab", role: VIEWER, rowFilter: [{field: "tags", op: "ne", value: "vip"}]}) { team } }`, nil)
	if err := s.app.Service.Authz.AllowTeam("lab", "clinic", "dataset/clinic", "train", "annotate"); err != nil {
		t.Fatal(err)
	}
	r := s.gql(t, editor, `mutation { train(input: {model: "leak", dataset: "clinic", label: "age", features: ["code"]}) { id } }`, nil)
	if !r.hasCode("FORBIDDEN") || !strings.Contains(r.Errors[0].Message, "does not grant train") {
		t.Errorf("train through a VIEWER share: %v %+v", r.Data, r.Errors)
	}
	// Reading through the share still works, within its rows.
	if n := len(visibleKeys(t, s, editor)); n == 0 || n == 40 {
		t.Errorf("editor reads %d rows through the share", n)
	}
}
