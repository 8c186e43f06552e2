package e2e

// End-to-end tests of bad ingestion inputs: each gets a clear error with a code
// at submit, a failed job naming the problem, or a reject with a reason; a
// failed ingestion writes nothing; and the server keeps answering.

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// badSchema is the schema of the datasets bad inputs go into.
var badSchema = []map[string]any{srcField("id", "INT"), srcField("name", "STRING"), srcField("age", "INT")}

// badSeed is the one document every bad-input dataset starts with.
var badSeed = map[string]any{"id": 100, "name": "seed", "age": 1}

// badDataset creates a dataset with badSchema holding badSeed (version 1, one document).
func badDataset(t *testing.T, s *testServer, id string) {
	t.Helper()
	srcCreateDataset(t, s, id, badSchema)
	srcMustRun(t, s, map[string]any{"dataset": id, "source": "seed", "format": "NDJSON", "key": map[string]any{"from": "id"},
		"records": []any{badSeed}}, nil)
	if v, n := srcState(t, s, id); v != 1 || n != 1 {
		t.Fatalf("seeded dataset %s: version %d, count %d", id, v, n)
	}
}

// badUntouched checks that a dataset still holds only badSeed, at version 1.
func badUntouched(t *testing.T, s *testServer, id string) {
	t.Helper()
	if v, n := srcState(t, s, id); v != 1 || n != 1 {
		t.Errorf("dataset %s changed by a failed ingestion: version %d, documentCount %d; want 1, 1", id, v, n)
	}
	docs := srcDocs(t, s, id)
	if len(docs) != 1 || docs["100"]["name"] != "seed" || docs["100"]["age"] != 1.0 {
		t.Errorf("dataset %s documents changed by a failed ingestion: %v", id, docs)
	}
}

// badAlive checks that the server still answers a trivial query.
func badAlive(t *testing.T, s *testServer) {
	t.Helper()
	r := s.gql(t, "", `{ me { anonymous } }`, nil)
	if r.Status != http.StatusOK || len(r.Errors) > 0 || r.get("me", "anonymous") != true {
		t.Fatalf("server no longer answers { me { anonymous } }: %d %v %+v", r.Status, r.Data, r.Errors)
	}
}

// badMissing reports the words missing from text.
func badMissing(text string, words []string) []string {
	var out []string
	for _, w := range words {
		if !strings.Contains(text, w) {
			out = append(out, w)
		}
	}
	return out
}

// badCSV builds a CSV with badSchema's header from data lines.
func badCSV(lines ...string) *srcFile {
	return &srcFile{"bad.csv", []byte("id,name,age\n" + strings.Join(lines, "\n") + "\n")}
}

func TestBadInputs(t *testing.T) {
	t.Parallel() // its own server and database
	s := srcServer(t, map[string]string{"MMS_ALLOW_PRIVATE_URLS": "true"})
	viewer, _ := s.createKey(t, srcTeam, "VIEWER")
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such file", http.StatusNotFound)
	}))
	t.Cleanup(web.Close)

	// A MongoDB collection for the "declared as CSV" case, in another MongoDB
	// reached through a connection, and a connection to a PostgreSQL that is
	// not there.
	extDB := "badext"
	mc := srcConnection(t, s, "ext")
	s.mustGQL(t, testAdminKey, `mutation { createConnection(input: {name: "nopg", kind: POSTGRESQL,
		uri: "postgres://u:p@127.0.0.1:1/db?sslmode=disable&connect_timeout=5"}) { name } }`, nil)
	if _, err := mc.Database(extDB).Collection("people").InsertOne(context.Background(),
		bson.D{{Key: "id", Value: 1}, {Key: "name", Value: "Mo"}, {Key: "age", Value: 30}}); err != nil {
		t.Fatal(err)
	}

	huge := strings.Repeat("x", 10<<20) // a 10 MiB value
	var lateJSON strings.Builder
	lateJSON.WriteString("[")
	for i := 1; i <= 1500; i++ {
		fmt.Fprintf(&lateJSON, `{"id": %d, "name": "n%d", "age": %d},`, i, i, i%90)
	}
	lateJSON.WriteString(`{"id": 1501, "name": }]`)
	manyRecords := make([]any, 10001)
	for i := range manyRecords {
		manyRecords[i] = map[string]any{"id": i}
	}
	key := map[string]any{"from": "id"}
	csv := func(extra map[string]any) map[string]any {
		in := map[string]any{"format": "CSV", "key": key}
		maps.Copy(in, extra)
		return in
	}

	tests := []struct {
		name  string
		token string // "" means the admin
		noDS  bool   // ingest into a dataset that does not exist
		in    map[string]any
		file  *srcFile

		// Refused at submit with code, or (orFailed) accepted and then FAILED.
		code     string
		orFailed bool
		// Accepted: the job's final status (SUCCEEDED: with counts and rejects).
		status string
		// Words the error message (submit error, or job and ingestion error) contains.
		words        []string
		counts       [5]int   // read, inserted, updated, unchanged, rejected (SUCCEEDED only)
		rejects      []string // substrings of the rejects ("line:[reasons]")
		failedChecks []string
		check        func(t *testing.T, ing map[string]any)
		// A known bug: when the job ends with bugStatus, skip with bug.
		bugStatus, bug string
		// Run on a server of its own: on the embedded store every stored source
		// slows down later ingestions (see report), so the 10 MB inputs stay apart.
		ownServer bool
	}{
		{
			name: "malformed CSV: unterminated quote", in: csv(nil), file: badCSV(`1,Ann,30`, `2,"Bob,41`, `3,Cy,52`),
			status: "SUCCEEDED", counts: [5]int{2, 1, 0, 0, 1}, rejects: []string{"3:[bad quoting: quoted field not closed"},
		},
		{
			name: "malformed CSV: stray quote", in: csv(nil), file: badCSV(`1,Ann,30`, `2,Bo"b,41`, `3,Cy,52`),
			status: "SUCCEEDED", counts: [5]int{3, 2, 0, 0, 1}, rejects: []string{"3:[bad quoting: stray quote in field 2]"},
		},
		{
			name: "malformed CSV: wrong cell count", in: csv(nil), file: badCSV(`1,Ann,30`, `2,Bob`, `3,Cy,52,extra`),
			status: "SUCCEEDED", counts: [5]int{3, 1, 0, 0, 2}, rejects: []string{"3:[has 2 fields, the header has 3]", "4:[has 4 fields"},
		},
		{
			name: "malformed JSON mid-array", in: map[string]any{"format": "JSON", "key": key},
			file:   &srcFile{"bad.json", []byte(`[{"id": 1, "name": "a", "age": 1}, {"id": 2, "name": "b" "age": 2}, {"id": 3, "name": "c", "age": 3}]`)},
			status: "FAILED", words: []string{"JSON syntax error", "in record 2"},
		},
		{
			name: "malformed JSON after the first 1000 records", in: map[string]any{"format": "JSON", "key": key},
			file:   &srcFile{"late.json", []byte(lateJSON.String())},
			status: "FAILED", words: []string{"JSON syntax error", "in record 1501"},
		},
		{
			name: "truncated JSON", in: map[string]any{"format": "JSON", "key": key},
			file:   &srcFile{"cut.json", []byte(`[{"id": 1, "name": "a", "age": 1}, {"id": 2, "na`)},
			status: "FAILED", words: []string{"JSON ends early"},
		},
		{
			name: "malformed NDJSON line", in: map[string]any{"format": "NDJSON", "key": key},
			file:   &srcFile{"bad.ndjson", []byte("{\"id\": 1, \"age\": 2}\n{\"id\": 2, \"age\": \n{\"id\": 3, \"age\": 4}\n[1, 2]\n")},
			status: "SUCCEEDED", counts: [5]int{4, 2, 0, 0, 2}, rejects: []string{"2:[invalid JSON", "4:[not a JSON object: an array]"},
		},
		{
			name: "invalid UTF-8 in a CSV cell", in: csv(nil), file: badCSV("1,Ann,30", "2,B\xff\xfeb,41", "3,Cy,52"),
			status: "SUCCEEDED", counts: [5]int{3, 2, 0, 0, 1}, rejects: []string{"3:[invalid UTF-8 (is the file GBK? set the encoding)]"},
		},
		{
			name: "invalid UTF-8 in an NDJSON line", in: map[string]any{"format": "NDJSON", "key": key},
			file:   &srcFile{"bad.ndjson", []byte("{\"id\": 1, \"name\": \"A\xc3\x28\"}\n{\"id\": 2, \"name\": \"ok\"}\n")},
			status: "SUCCEEDED", counts: [5]int{2, 1, 0, 0, 1}, rejects: []string{"1:[invalid UTF-8]"},
		},
		{
			name: "a 10 MB single CSV line", ownServer: true, in: csv(nil), file: badCSV("1,Ann,30", "2,"+huge+",41", "3,Cy,52"),
			status: "SUCCEEDED", counts: [5]int{3, 2, 0, 0, 1}, rejects: []string{"3:[line is longer than 1048576 bytes]"},
			check: badRawBounded,
		},
		{
			name: "a 10 MB single NDJSON line", ownServer: true, in: map[string]any{"format": "NDJSON", "key": key},
			file:   &srcFile{"big.ndjson", []byte(`{"id": 1}` + "\n" + `{"id": 2, "name": "` + huge + `"}` + "\n" + `{"id": 3}` + "\n")},
			status: "SUCCEEDED", counts: [5]int{3, 2, 0, 0, 1}, rejects: []string{"2:[line is longer than 1048576 bytes]"},
			check: badRawBounded,
		},
		{
			name: "a 10 MB JSON value", ownServer: true, in: map[string]any{"format": "JSON", "key": key},
			file:   &srcFile{"big.json", []byte(`[{"id": 1}, {"id": 2, "name": "` + huge + `"}]`)},
			status: "FAILED", words: []string{"JSON value in record 2 is longer than 1048576 bytes"},
		},
		{
			name: "mapping to a field not in the schema",
			in: map[string]any{"format": "NDJSON", "key": key, "records": []any{map[string]any{"id": 1, "name": "x"}},
				"mapping": []any{map[string]any{"from": "id", "to": "id"}, map[string]any{"from": "name", "to": "nickname"}}},
			code: "BAD_USER_INPUT", words: []string{"mapping name -> nickname", `has no field "nickname"`},
		},
		{
			name: "a string in an INT field (CSV)", in: csv(nil), file: badCSV("1,Ann,abc", "2,Bob,41", "3,Cy,4.5"),
			status: "SUCCEEDED", counts: [5]int{3, 1, 0, 0, 2}, rejects: []string{`2:[age: "abc" is not an int]`, "4:[age:"},
		},
		{
			name: "a string in an INT field (records)",
			in: map[string]any{"format": "NDJSON", "key": key, "records": []any{
				map[string]any{"id": 1, "age": "old"}, map[string]any{"id": 2, "age": 20}}},
			status: "SUCCEEDED", counts: [5]int{2, 1, 0, 0, 1}, rejects: []string{`1:[age: "old" is not an int]`},
		},
		{
			name: "an unknown dataset", noDS: true,
			in:   map[string]any{"format": "NDJSON", "records": []any{map[string]any{"id": 1}}},
			code: "NOT_FOUND", words: []string{"no-such-dataset"},
		},
		{
			name: "a rule on a field the mapping does not produce",
			in: map[string]any{"format": "NDJSON", "key": key, "records": []any{map[string]any{"id": 1, "name": "x"}},
				"mapping": []any{map[string]any{"from": "id", "to": "id"}, map[string]any{"from": "name", "to": "name"}},
				"rules":   []any{map[string]any{"op": "trim", "field": "name"}, map[string]any{"op": "upper", "field": "nickname"}}},
			code: "BAD_USER_INPUT", words: []string{"rules[1] (upper)", `unknown field "nickname"`},
		},
		{
			name: "a rule on a column the CSV does not have",
			in:   csv(map[string]any{"rules": []any{map[string]any{"op": "number", "field": "weight"}}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", orFailed: true, words: []string{"rules[0] (number)", `unknown field "weight"`},
		},
		{
			name: "an unknown rule op",
			in:   csv(map[string]any{"rules": []any{map[string]any{"op": "explode", "field": "name"}}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", words: []string{"rules[0]", `unknown op "explode"`},
		},
		{
			name: "a parameter the rule op does not take",
			in:   csv(map[string]any{"rules": []any{map[string]any{"op": "trim", "field": "name", "decimal": ","}}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", words: []string{"rules[0] (trim)", `"decimal" is not a parameter of trim`},
		},
		{
			name: "a check on a field the source does not have",
			in:   csv(map[string]any{"checks": map[string]any{"unique": []any{"email"}}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", orFailed: true, words: []string{"email"},
			bugStatus: "SUCCEEDED",
			bug: "BUG: checks.unique naming a field that neither the schema nor the source has is silently ignored " +
				"(DataChecks.Evaluate skips fields without stats); it should be refused like a rule on a missing field (see report)",
		},
		{
			name: "two sources at once",
			in:   map[string]any{"format": "NDJSON", "records": []any{map[string]any{"id": 1}}, "url": web.URL + "/x.ndjson"},
			code: "BAD_USER_INPUT", words: []string{"exactly one source", "got 2"},
		},
		{
			name: "no source", in: map[string]any{"format": "NDJSON"},
			code: "BAD_USER_INPUT", words: []string{"exactly one source", "got 0"},
		},
		{
			name: "onError STOP", in: csv(map[string]any{"onError": "STOP"}), file: badCSV("1,Ann,30", "2,Bob,old", "3,Cy,52"),
			status: "FAILED", words: []string{"line 3 rejected (onError STOP)", `age: "old" is not an int`},
			rejects: []string{`3:[age: "old" is not an int]`},
		},
		{
			name: "minRows too high", in: csv(map[string]any{"checks": map[string]any{"minRows": 10}}), file: badCSV("1,Ann,30", "2,Bob,41"),
			status: "FAILED", words: []string{"dataset checks failed, nothing was written", "need at least 10"},
			failedChecks: []string{"rows: 2 accepted, need at least 10"},
		},
		{
			name: "too many rejects", in: csv(map[string]any{"checks": map[string]any{"maxRejectRatio": 0.1}}),
			file:   badCSV("1,Ann,30", "2,Bob,old", "3,Cy,52"),
			status: "FAILED", words: []string{"dataset checks failed"}, failedChecks: []string{"rejects: 1 of 3 rows"},
		},
		{
			name: "a unique check that fails", in: csv(map[string]any{"checks": map[string]any{"unique": []any{"name"}}}),
			file:   badCSV("1,Ann,30", "2,Ann,41"),
			status: "FAILED", words: []string{"dataset checks failed"}, failedChecks: []string{"name: 1 duplicate values"},
		},
		{
			name: "a viewer calling ingest", token: "viewer",
			in:   map[string]any{"format": "NDJSON", "key": key, "records": []any{map[string]any{"id": 1}}},
			code: "FORBIDDEN",
		},
		{
			name: "a URL that is not http", in: map[string]any{"format": "CSV", "url": "file:///etc/passwd"},
			code: "BAD_USER_INPUT", words: []string{"http:// or https://"},
		},
		{
			name: "a URL that answers 404", in: map[string]any{"format": "CSV", "url": web.URL + "/missing.csv"},
			status: "FAILED", words: []string{"server answered 404"},
		},
		{
			name: "a URL whose host does not resolve", in: map[string]any{"format": "CSV", "url": "http://no-such-host.invalid/x.csv"},
			status: "FAILED", words: []string{"url: fetch failed"},
		},
		{
			name: "an unknown encoding", in: csv(map[string]any{"csv": map[string]any{"encoding": "latin9"}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", orFailed: true, words: []string{`unknown encoding "latin9"`},
		},
		{
			name: "a bad CSV delimiter", in: csv(map[string]any{"csv": map[string]any{"delimiter": `"`}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", orFailed: true, words: []string{"invalid CSV delimiter"},
		},
		{
			name: "csv header false without columns", in: csv(map[string]any{"csv": map[string]any{"header": false}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", words: []string{"csv.header false needs csv.columns"},
		},
		{
			name: "a jsonPath that is not there", in: map[string]any{"format": "JSON", "key": key, "jsonPath": "data.items"},
			file:   &srcFile{"obj.json", []byte(`{"data": {"rows": []}}`)},
			status: "FAILED", words: []string{`key "items" not found`},
		},
		{
			name: "a JSON object without jsonPath", in: map[string]any{"format": "JSON", "key": key},
			file:   &srcFile{"obj.json", []byte(`{"data": {"items": []}}`)},
			status: "FAILED", words: []string{"not an array", "set path"},
		},
		{
			name: "a key that does not fit its spec", in: csv(map[string]any{"key": map[string]any{"from": "id", "prefix": "P", "digits": 4}}),
			file:   badCSV("1,Ann,30", "X7,Bob,41"),
			status: "SUCCEEDED", counts: [5]int{2, 1, 0, 0, 1}, rejects: []string{"3:[key:"},
		},
		{
			name: "a bad key spec", in: csv(map[string]any{"key": map[string]any{"from": "id", "digits": 99}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", words: []string{"digits 99"},
		},
		{
			name: "a bad source name", in: map[string]any{"source": "a.b", "format": "NDJSON", "records": []any{map[string]any{"id": 1}}},
			code: "BAD_USER_INPUT", words: []string{"source must be"},
		},
		{
			name: "too many inline records", in: map[string]any{"format": "NDJSON", "records": manyRecords},
			code: "BAD_USER_INPUT", words: []string{"at most 10000 inline records"},
		},
		{
			name: "a bad rules spec", in: csv(map[string]any{"spec": map[string]any{"rulez": []any{}}}), file: badCSV("1,Ann,30"),
			code: "BAD_USER_INPUT", words: []string{"rulez"},
		},
		{
			name:   "a PostgreSQL that is not there",
			in:     map[string]any{"format": "NDJSON", "sql": map[string]any{"connection": "nopg", "query": "SELECT 1"}},
			status: "FAILED", words: []string{`could not read from connection "nopg"`},
		},
		{
			name: "an empty SQL query", in: map[string]any{"format": "NDJSON", "sql": map[string]any{"connection": "nopg", "query": "  "}},
			code: "BAD_USER_INPUT", words: []string{"sql.query is empty"},
		},
		{
			name: "a MongoDB source declared as CSV",
			in: map[string]any{"format": "CSV", "key": key, "mapping": []any{map[string]any{"from": "id", "to": "id"}},
				"mongo": map[string]any{"connection": "ext", "database": extDB, "collection": "people"}},
			status: "SUCCEEDED", counts: [5]int{1, 1, 0, 0, 0}, code: "BAD_USER_INPUT",
			bugStatus: "FAILED",
			bug: "BUG: MongoDB and SQL sources are always exported as NDJSON, but the declared format is used to read them, " +
				"so format CSV (or JSON) fails with a confusing parse error instead of being ignored or refused at submit (see report)",
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := s
			if tt.ownServer {
				s = srcServer(t, nil)
			}
			defer badAlive(t, s)
			ds := fmt.Sprintf("bad-%d", i)
			if tt.noDS {
				ds = "no-such-dataset"
			} else {
				badDataset(t, s, ds)
			}
			in := maps.Clone(tt.in)
			in["dataset"] = ds
			if _, ok := in["source"]; !ok {
				in["source"] = "bad"
			}
			token := testAdminKey
			if tt.token == "viewer" {
				token = viewer
			}
			start := time.Now()
			r := srcSubmit(t, s, token, in, tt.file)
			failed := true
			defer func() {
				if failed && !tt.noDS {
					badUntouched(t, s, ds)
				}
			}()
			if len(r.Errors) > 0 {
				if tt.code == "" || !r.hasCode(tt.code) {
					t.Fatalf("submit refused: %+v, want it accepted (or %s)", r.Errors, tt.code)
				}
				if r.Data["ingest"] != nil {
					t.Errorf("refused ingest returned a job: %v", r.Data)
				}
				if miss := badMissing(r.Errors[0].Message, tt.words); miss != nil {
					t.Errorf("error %q does not say %q", r.Errors[0].Message, miss)
				}
				return
			}
			if tt.code != "" && !tt.orFailed && tt.status == "" {
				t.Fatalf("submit accepted (%v), want %s", r.Data, tt.code)
			}
			job := s.waitJob(t, testAdminKey, r.str("ingest", "id"))
			ing := srcIngestion(t, s, srcJobIngestion(t, job))
			t.Logf("job %v in %v", job["status"], time.Since(start).Round(time.Millisecond))
			if tt.bugStatus != "" && job["status"] == tt.bugStatus {
				failed = tt.bugStatus != "SUCCEEDED"
				t.Skip(tt.bug + fmt.Sprintf("; job %v error %v", job["status"], job["error"]))
			}
			want := tt.status
			if tt.orFailed {
				want = "FAILED"
			}
			if job["status"] != want || ing["status"] != want {
				t.Fatalf("job %v (error %v), ingestion %v; want %s", job["status"], job["error"], ing["status"], want)
			}
			if want == "SUCCEEDED" {
				failed = false
				if got := srcCounts(ing); got != tt.counts {
					t.Errorf("read/inserted/updated/unchanged/rejected = %v, want %v (rejects %s)", got, tt.counts, srcRejects(ing))
				}
				if v, n := srcState(t, s, ds); v != 2 || n != 1+tt.counts[1] {
					t.Errorf("dataset version %d, count %d; want 2, %d", v, n, 1+tt.counts[1])
				}
			} else {
				msg, _ := job["error"].(string)
				if msg == "" || ing["error"] != msg {
					t.Errorf("job error %q, ingestion error %v: want the same message", msg, ing["error"])
				}
				if msg == "internal error" {
					t.Errorf("job error is %q: bad input must say what is wrong", msg)
				}
				if miss := badMissing(msg, tt.words); miss != nil {
					t.Errorf("job error %q does not say %q", msg, miss)
				}
				if n := num(ing["inserted"]) + num(ing["updated"]); n != 0 {
					t.Errorf("failed ingestion counts %d documents written", n)
				}
				if ing["datasetVersion"] != nil {
					t.Errorf("failed ingestion produced dataset version %v", ing["datasetVersion"])
				}
			}
			rejects := srcRejects(ing)
			if miss := badMissing(rejects, tt.rejects); miss != nil {
				t.Errorf("rejects %q lack %q", rejects, miss)
			}
			if len(tt.rejects) == 0 && rejects != "" && want == "SUCCEEDED" {
				t.Errorf("unexpected rejects %q", rejects)
			}
			fc := fmt.Sprint(ing["failedChecks"])
			if miss := badMissing(fc, tt.failedChecks); miss != nil || (len(tt.failedChecks) == 0 && fc != "[]") {
				t.Errorf("failedChecks %s, want %q", fc, tt.failedChecks)
			}
			if tt.check != nil {
				tt.check(t, ing)
			}
		})
	}
}

// badRawBounded checks that stored rejects keep at most ingest.MaxRawBytes of raw text.
func badRawBounded(t *testing.T, ing map[string]any) {
	t.Helper()
	rj, _ := ing["rejects"].(map[string]any)
	edges, _ := rj["edges"].([]any)
	for _, e := range edges {
		raw, _ := e.(map[string]any)["node"].(map[string]any)["raw"].(string)
		if len(raw) > 1024 {
			t.Errorf("a reject keeps %d bytes of raw text, want at most 1024", len(raw))
		}
	}
}

// TestBadURLHangs: a URL that never finishes keeps its job running until it is
// cancelled; the cancel ends it within seconds, closes the connection and writes
// nothing. (The service's own timeouts are constants of 30 s for the headers and
// 10 min overall, too long to wait for here.)
func TestBadURLHangs(t *testing.T) {
	// A short lease makes heartbeats (lease/10), and so cancellation, quick.
	s := srcServer(t, map[string]string{"MMS_ALLOW_PRIVATE_URLS": "true", "MMS_JOB_LEASE": "3s"})
	for _, tt := range []struct {
		name         string
		beforeHeader bool
	}{
		{"headers then nothing", false},
		{"no headers", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer badAlive(t, s)
			ds := "hang-" + strings.ReplaceAll(tt.name, " ", "-")
			badDataset(t, s, ds)
			gate := srcGatedServer(t, []byte("id,name,age\n1,a,2\n"), tt.beforeHeader)
			r := srcSubmit(t, s, testAdminKey, map[string]any{"dataset": ds, "source": "hang", "format": "CSV", "url": gate.URL + "/x.csv"}, nil)
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			id := r.str("ingest", "id")
			srcWaitStatus(t, s, id, "RUNNING", 30*time.Second)
			// The next heartbeat (a tenth of the job lease) records the phase.
			for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				j := s.mustGQL(t, testAdminKey, `query($id: ID!) { job(id: $id) { status detail { phase } } }`, map[string]any{"id": id})
				st, ph := j.str("job", "status"), j.str("job", "detail", "phase")
				if st == "RUNNING" && ph == "fetching source" {
					break
				}
				if st != "RUNNING" || time.Now().After(deadline) {
					t.Fatalf("hanging job: status %s phase %q, want RUNNING, fetching source", st, ph)
				}
			}
			start := time.Now()
			s.mustGQL(t, testAdminKey, `mutation($id: ID!) { cancelJob(id: $id) { id } }`, map[string]any{"id": id})
			job := s.waitJob(t, testAdminKey, id)
			took := time.Since(start)
			t.Logf("cancelled after %v", took.Round(time.Millisecond))
			if job["status"] != "CANCELLED" || took > 5*time.Second {
				t.Errorf("job %v after %v, want CANCELLED within seconds", job, took)
			}
			ing := srcIngestion(t, s, srcJobIngestion(t, job))
			if ing["status"] != "CANCELLED" || !strings.Contains(fmt.Sprint(ing["error"]), "cancelled") {
				t.Errorf("ingestion %v / %v, want CANCELLED", ing["status"], ing["error"])
			}
			select {
			case <-gate.gone:
			case <-time.After(10 * time.Second):
				t.Errorf("the cancelled job kept its connection to the URL open")
			}
			badUntouched(t, s, ds)
		})
	}
}

// TestBadURLHuge: a URL that would send 5 GiB fails fast with "over the limit",
// whether it announces its length or streams without one.
func TestBadURLHuge(t *testing.T) {
	const fiveGiB = int64(5) << 30
	for _, tt := range []struct {
		name       string
		maxUpload  string // MMS_MAX_UPLOAD, the URL source limit too ("" = 1 GiB default)
		withLength bool
		words      []string
	}{
		{"Content-Length 5 GiB", "", true, []string{"over the limit", "5368709120 bytes"}},
		{"chunked, no length", "1048576", false, []string{"over the limit of 1048576 bytes"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"MMS_ALLOW_PRIVATE_URLS": "true"}
			if tt.maxUpload != "" {
				env["MMS_MAX_UPLOAD"] = tt.maxUpload
			}
			s := srcServer(t, env)
			var sent atomic.Int64
			web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.withLength {
					w.Header().Set("Content-Length", strconv.FormatInt(fiveGiB, 10))
				}
				w.Header().Set("Content-Type", "application/x-ndjson")
				buf := make([]byte, 64<<10)
				for sent.Load() < fiveGiB && r.Context().Err() == nil {
					n, err := w.Write(buf)
					sent.Add(int64(n))
					if err != nil {
						return
					}
				}
			}))
			t.Cleanup(web.Close)
			badDataset(t, s, "huge")
			start := time.Now()
			job, ing := srcRun(t, s, map[string]any{"dataset": "huge", "source": "huge", "format": "NDJSON", "url": web.URL + "/zeros"}, nil)
			took := time.Since(start)
			t.Logf("failed after %v, %d bytes sent", took.Round(time.Millisecond), sent.Load())
			msg, _ := job["error"].(string)
			if job["status"] != "FAILED" || ing["status"] != "FAILED" {
				t.Fatalf("job %v, ingestion %v; want FAILED", job, ing["status"])
			}
			if miss := badMissing(msg, tt.words); miss != nil {
				t.Errorf("error %q does not say %q", msg, miss)
			}
			if took > 30*time.Second {
				t.Errorf("took %v to refuse a 5 GiB source, want seconds", took)
			}
			if n := sent.Load(); n > 256<<20 {
				t.Errorf("the server sent %d bytes before the fetch stopped, want far less than the source", n)
			}
			badUntouched(t, s, "huge")
			badAlive(t, s)
		})
	}
}
