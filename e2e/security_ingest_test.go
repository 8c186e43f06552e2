package e2e

// Issue 11, finding 8 (a failed ingestion is half-written; bad input ends as
// INTERNAL) and the field-name item of finding 10: pass 1 rejects what the
// store could not hold, a failed write pass leaves the dataset exactly as it
// was (or, once committed, exactly as after it), and no input makes a job end
// INTERNAL.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service"
)

// secState is everything a reader sees of a dataset: its version and count,
// and every document (fields, version, datasetVersion) by key.
type secState struct {
	Version, Count int
	Docs           map[string]string
}

func secSnapshot(t *testing.T, s *testServer, dataset string) secState {
	t.Helper()
	st := secState{Docs: map[string]string{}}
	st.Version, st.Count = srcState(t, s, dataset)
	var after any
	for range 1000 {
		r := s.mustGQL(t, testAdminKey, `query($d: ID!, $a: String) { documents(dataset: $d, first: 1000, after: $a) {
			edges { node { key fields version datasetVersion } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"d": dataset, "a": after})
		edges, _ := r.get("documents", "edges").([]any)
		for _, e := range edges {
			n := e.(map[string]any)["node"].(map[string]any)
			b, _ := json.Marshal([]any{n["fields"], n["version"], n["datasetVersion"]})
			st.Docs[n["key"].(string)] = string(b)
		}
		if r.get("documents", "pageInfo", "hasNextPage") != true {
			break
		}
		after = r.get("documents", "pageInfo", "endCursor")
	}
	return st
}

// secDiff describes how two states differ ("" when equal).
func secDiff(got, want secState) string {
	if reflect.DeepEqual(got, want) {
		return ""
	}
	var d []string
	if got.Version != want.Version || got.Count != want.Count {
		d = append(d, fmt.Sprintf("version %d count %d, want version %d count %d", got.Version, got.Count, want.Version, want.Count))
	}
	n := 0
	for k, w := range want.Docs {
		if g := got.Docs[k]; g != w {
			if n++; n <= 3 {
				d = append(d, fmt.Sprintf("doc %s = %s, want %s", k, g, w))
			}
		}
	}
	for k := range got.Docs {
		if _, ok := want.Docs[k]; !ok {
			if n++; n <= 3 {
				d = append(d, "extra doc "+k)
			}
		}
	}
	d = append(d, fmt.Sprintf("(%d documents differ; %d vs %d)", n, len(got.Docs), len(want.Docs)))
	return strings.Join(d, "; ")
}

// secRecords builds n records {id, v, obj}.
func secRecords(n int, v int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"id": i + 1, "v": v, "obj": map[string]any{"x": i}}
	}
	return out
}

// secSeed creates a dataset and ingests 3000 records at v=1 (version 1).
func secSeed(t *testing.T, s *testServer, id string) secState {
	t.Helper()
	srcCreateDataset(t, s, id, nil)
	srcMustRun(t, s, map[string]any{"dataset": id, "source": "s", "format": "NDJSON", "key": map[string]any{"from": "id"},
		"records": secRecords(3000, 1)}, nil)
	st := secSnapshot(t, s, id)
	if st.Version != 1 || st.Count != 3000 || len(st.Docs) != 3000 {
		t.Fatalf("seeded %s: version %d, count %d, %d docs", id, st.Version, st.Count, len(st.Docs))
	}
	return st
}

func deepObject(n int) map[string]any {
	v := map[string]any{"leaf": 1}
	for range n - 1 {
		v = map[string]any{"a": v}
	}
	return v
}

// The re-ingest: 3000 records with new values, record 2500 has
// obj: {"a.b": 1}; and the other records the store cannot hold. Each is a
// reject with its reason; every other record is written; with onError STOP
// the job fails BAD_USER_INPUT and the dataset is unchanged.
func TestSecIngestRejectsUnstorable(t *testing.T) {
	t.Parallel() // its own server and database
	s := srcServer(t, nil)
	before := secSeed(t, s, "sec8a")

	recs := secRecords(3000, 2)
	bad := map[int]struct {
		rec  map[string]any
		want string
	}{
		2500: {map[string]any{"id": 2500, "v": 2, "obj": map[string]any{"a.b": 1}}, `obj: key "a.b": contains '.'`},
		2600: {map[string]any{"id": 2600, "v": 2, "obj": map[string]any{"$gt": 1}}, `obj: key "$gt": contains '$'`},
		2650: {map[string]any{"id": 2650, "v": 2, "a.b": 1}, `field name "a.b": contains '.'`},
		2700: {map[string]any{"id": 2700, "v": 2, "obj": deepObject(5000)}, "obj: nests deeper than"},
		2800: {map[string]any{"id": 2800, "v": 2, strings.Repeat("n", 5000): 1}, "more than 128"},
		2900: {map[string]any{"id": 2900, "v": 2, "\u0430ge": 1}, "look alike (Latin and Cyrillic)"},
		2950: {map[string]any{"id": 2950, "v": 2, "age\u200b": 1}, "invisible character (U+200B)"},
		2975: {map[string]any{"id": 2975, "v": 2, "x\u202e": 1}, "bidirectional control"},
	}
	for i, b := range bad {
		recs[i-1] = b.rec
	}
	in := map[string]any{"dataset": "sec8a", "source": "s", "format": "NDJSON", "key": map[string]any{"from": "id"}, "records": recs}

	// onError STOP: refused as bad input, nothing written.
	stop := map[string]any{"onError": "STOP"}
	for k, v := range in {
		stop[k] = v
	}
	job, ing := srcRun(t, s, stop, nil)
	if job["status"] != "FAILED" || job["errorCode"] != "BAD_USER_INPUT" || !strings.Contains(fmt.Sprint(job["error"]), "line 2500") {
		t.Errorf("onError STOP: job %v", job)
	}
	if d := secDiff(secSnapshot(t, s, "sec8a"), before); d != "" {
		t.Errorf("onError STOP changed the dataset: %s", d)
	}
	_ = ing

	// onError SKIP (default): the rows are rejected with their reasons.
	job, ing = srcRun(t, s, in, nil)
	if job["status"] != "SUCCEEDED" || num(ing["rejected"]) != len(bad) || num(ing["updated"]) != 3000-len(bad) {
		t.Fatalf("re-ingest: job %v, ingestion read %v updated %v rejected %v", job, ing["read"], ing["updated"], ing["rejected"])
	}
	rejects := srcRejects(ing)
	for line, b := range bad {
		if want := strconv.Itoa(line) + ":[" + b.want; !strings.Contains(rejects, strconv.Itoa(line)+":[") || !strings.Contains(rejects, b.want) {
			t.Errorf("rejects lack %q: %s", want, rejects)
		}
	}
	if len(rejects) > 20000 {
		t.Errorf("rejects are %d bytes: reasons quote whole names", len(rejects))
	}
	after := secSnapshot(t, s, "sec8a")
	if after.Version != 2 || after.Count != 3000 {
		t.Errorf("after: version %d count %d", after.Version, after.Count)
	}
	docs := srcDocs(t, s, "sec8a")
	for k, d := range docs {
		i, _ := strconv.Atoi(k)
		want := 2.0
		if _, isBad := bad[i]; isBad {
			want = 1
		}
		if d["v"] != want {
			t.Errorf("doc %s: v = %v, want %v", k, d["v"], want)
			break
		}
		for f := range d {
			if f != "id" && f != "v" && f != "obj" {
				t.Errorf("doc %s has field %q", k, f)
			}
		}
	}
}

// Field names enter through createDataset, mappings and CSV headers: all use
// the one definition, and NFC-equivalent names are one field.
func TestSecFieldNames(t *testing.T) {
	t.Parallel()
	s := srcServer(t, nil)
	for _, name := range []string{strings.Repeat("f", 5000), "\u0430ge", "age\u200b", "a\u202eb", "a.b", "$x"} {
		r := s.gql(t, testAdminKey, `mutation($in: CreateDatasetInput!) { createDataset(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"id": "names", "name": "n", "team": srcTeam, "fields": []any{srcField(name, "INT")}}})
		if !r.hasCode("BAD_USER_INPUT") || len(r.Errors[0].Message) > 400 {
			t.Errorf("createDataset with field %+.40q: %+v", name, r.Errors)
		}
	}
	// NFD in the schema is stored NFC; an NFD column of a CSV lands in it.
	srcCreateDataset(t, s, "names", []map[string]any{srcField("id", "INT"), srcField("cafe\u0301", "INT")})
	if got := srcSchema(t, s, "names"); got["caf\u00e9"] != "INT" || len(got) != 2 {
		t.Errorf("schema: %v", got)
	}
	srcMustRun(t, s, map[string]any{"dataset": "names", "source": "c", "format": "CSV", "key": map[string]any{"from": "id"}},
		&srcFile{"n.csv", []byte("id,cafe\u0301\n1,7\n")})
	if d := srcDocs(t, s, "names"); d["1"]["caf\u00e9"] != 7.0 || len(d["1"]) != 2 {
		t.Errorf("documents: %v", d)
	}
	// A CSV whose header cannot name fields is refused as a whole; a mapping
	// to a bad name too (into a dataset whose schema comes from its data).
	srcCreateDataset(t, s, "names2", nil)
	for _, c := range []struct {
		in   map[string]any
		file *srcFile
	}{
		{map[string]any{"format": "CSV"}, &srcFile{"h.csv", []byte("id,a\u200bge\n1,2\n")}},
		{map[string]any{"format": "NDJSON", "records": []any{map[string]any{"x": 1}}, "mapping": []any{map[string]any{"from": "x", "to": "\u0430ge"}}}, nil},
	} {
		c.in["dataset"], c.in["source"] = "names2", "bad"
		r := srcSubmit(t, s, testAdminKey, c.in, c.file)
		if len(r.Errors) > 0 {
			if !r.hasCode("BAD_USER_INPUT") {
				t.Errorf("bad names %v: %+v", c.in["format"], r.Errors)
			}
			continue
		}
		job := s.waitJob(t, testAdminKey, r.str("ingest", "id"))
		if job["status"] != "FAILED" || job["errorCode"] != "BAD_USER_INPUT" || !strings.Contains(fmt.Sprint(job["error"]), "field name") {
			t.Errorf("bad names %v: job %v", c.in["format"], job)
		}
	}
}

// A 100 MB single CSV line is one rejected row (with its reason); the other
// rows are written and the store stays reachable. A 100 MB header line is
// BAD_USER_INPUT.
func TestSecIngestHugeCSVLine(t *testing.T) {
	slowTest(t, "uploads 200 MB")
	s := srcServer(t, nil)
	srcCreateDataset(t, s, "huge", nil)
	var b bytes.Buffer
	b.WriteString("id,note\n1,a\n2,")
	b.Write(bytes.Repeat([]byte("x"), 100<<20))
	b.WriteString("\n3,c\n")
	job, ing := srcRun(t, s, map[string]any{"dataset": "huge", "source": "h", "format": "CSV", "key": map[string]any{"from": "id"}},
		&srcFile{"h.csv", b.Bytes()})
	if job["status"] != "SUCCEEDED" || num(ing["inserted"]) != 2 || num(ing["rejected"]) != 1 ||
		!strings.Contains(srcRejects(ing), "3:[line is longer than") && !strings.Contains(srcRejects(ing), "longer than") {
		t.Errorf("100 MB line: job %v; ingestion %v rejects %s", job, ing["status"], srcRejects(ing))
	}
	b.Reset()
	b.Write(bytes.Repeat([]byte("h"), 100<<20))
	b.WriteString("\n1\n")
	job, _ = srcRun(t, s, map[string]any{"dataset": "huge", "source": "h2", "format": "CSV"}, &srcFile{"h2.csv", b.Bytes()})
	if job["status"] != "FAILED" || job["errorCode"] != "BAD_USER_INPUT" {
		t.Errorf("100 MB header: job %v", job)
	}
	if s.readyz(t) != 200 {
		t.Errorf("store marked unreachable after a 100 MB line")
	}
	badAlive(t, s)
}

// faultyIngestions makes the write pass fail: StageDocuments fails on call
// failStage (1-based; batch k holds rows 1000(k-1)+1..1000k), ApplyCommit
// fails while failApply is set, and block makes StageDocuments wait for its
// context to end on call blockStage.
type faultyIngestions struct {
	service.IngestionStore
	stages     atomic.Int32
	failStage  int32
	blockStage int32
	blocked    chan struct{}
	failApply  atomic.Bool
	applies    atomic.Int32
}

var errInjected = model.Errorf(model.EUNAVAILABLE, "injected store failure")

func (f *faultyIngestions) StageDocuments(ctx context.Context, dataset string, writes []model.DocumentWrite) ([]string, error) {
	n := f.stages.Add(1)
	if n == f.failStage {
		return nil, errInjected
	}
	if n == f.blockStage {
		close(f.blocked)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return f.IngestionStore.StageDocuments(ctx, dataset, writes)
}

func (f *faultyIngestions) ApplyCommit(ctx context.Context, c *model.IngestCommit) error {
	f.applies.Add(1)
	if f.failApply.Load() {
		return errInjected
	}
	return f.IngestionStore.ApplyCommit(ctx, c)
}

// A store failure at row k of the write pass leaves the dataset exactly as
// before; a failure while applying a committed ingestion is completed by the
// next writer (exactly as after); cancelling during the write pass leaves it
// as before.
func TestSecIngestFailureInWritePass(t *testing.T) {
	t.Parallel() // its own server and database
	s := srcServer(t, nil)
	before := secSeed(t, s, "sec8b")
	real := s.app.Service.Ingestions
	t.Cleanup(func() { s.app.Service.Ingestions = real })
	in := map[string]any{"dataset": "sec8b", "source": "s", "format": "NDJSON", "key": map[string]any{"from": "id"}, "records": secRecords(3000, 2)}

	t.Run("StoreErrorAtRow2500", func(t *testing.T) {
		f := &faultyIngestions{IngestionStore: real, failStage: 3} // rows 2001-3000
		s.app.Service.Ingestions = f
		job, ing := srcRun(t, s, in, nil)
		s.app.Service.Ingestions = real
		if job["status"] != "FAILED" || job["errorCode"] == "INTERNAL" || ing["status"] != "FAILED" {
			t.Errorf("job %v, ingestion %v", job, ing["status"])
		}
		if d := secDiff(secSnapshot(t, s, "sec8b"), before); d != "" {
			t.Errorf("dataset after a failed write pass: %s", d)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		f := &faultyIngestions{IngestionStore: real, blockStage: 2, blocked: make(chan struct{})}
		s.app.Service.Ingestions = f
		r := srcSubmit(t, s, testAdminKey, in, nil)
		select {
		case <-f.blocked:
		case <-time.After(time.Minute):
			t.Fatal("write pass never reached batch 2")
		}
		s.mustGQL(t, testAdminKey, `mutation($id: ID!) { cancelJob(id: $id) { id } }`, map[string]any{"id": r.str("ingest", "id")})
		job := s.waitJob(t, testAdminKey, r.str("ingest", "id"))
		s.app.Service.Ingestions = real
		if job["status"] != "CANCELLED" {
			t.Errorf("job %v", job)
		}
		if d := secDiff(secSnapshot(t, s, "sec8b"), before); d != "" {
			t.Errorf("dataset after a cancelled write pass: %s", d)
		}
	})

	t.Run("ApplyFailsThenNextWriterCompletes", func(t *testing.T) {
		f := &faultyIngestions{IngestionStore: real}
		f.failApply.Store(true)
		s.app.Service.Ingestions = f
		job, ing := srcRun(t, s, in, nil)
		if job["status"] != "FAILED" || job["errorCode"] != "UNAVAILABLE" || !strings.Contains(fmt.Sprint(job["error"]), "committed") {
			t.Errorf("job %v", job)
		}
		if d := secDiff(secSnapshot(t, s, "sec8b"), before); d != "" {
			t.Errorf("dataset with its commit not applied yet: %s", d)
		}
		// The next ingestion (of nothing new) completes the committed one first.
		f.failApply.Store(false)
		srcMustRun(t, s, map[string]any{"dataset": "sec8b", "source": "other", "format": "NDJSON", "records": []any{}}, nil)
		s.app.Service.Ingestions = real
		got := secSnapshot(t, s, "sec8b")
		if got.Version != 2 || got.Count != 3000 {
			t.Errorf("after completion: version %d count %d", got.Version, got.Count)
		}
		for k, d := range got.Docs {
			if !strings.HasPrefix(d, `[{"id":`) || !strings.Contains(d, `"v":2`) || !strings.HasSuffix(d, ",2,2]") {
				t.Errorf("doc %s after completion: %s", k, d)
				break
			}
		}
		if ing2 := srcIngestion(t, s, ing["id"].(string)); ing2["status"] != "SUCCEEDED" || num(ing2["datasetVersion"]) != 2 {
			t.Errorf("completed ingestion: %v %v", ing2["status"], ing2["datasetVersion"])
		}
	})
}

// A server killed (-9) in the write pass of a re-ingestion: after a restart
// the dataset is exactly as before it (or, had it committed, as after it);
// re-running the ingestion then gives exactly the after state.
func TestSecIngestKilledInWritePass(t *testing.T) {
	t.Parallel() // its own server and database
	slowTest(t, "builds and kills the server binary")
	t0 := time.Now()
	bin := buildBinary(t)
	t.Logf("built in %v", time.Since(t0))
	env := []string{"MMS_DATA_DIR=" + t.TempDir(), "MMS_ADMIN_KEY=" + testAdminKey, "MMS_JOB_LEASE=2s"}
	srv := startProc(t, bin, env)
	srv.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "kill", name: "Kill", team: "acme"}) { id } }`, nil)
	const rows = 6000
	csvOf := func(v int) []byte {
		var b strings.Builder
		b.WriteString("id,v,w\n")
		for i := range rows {
			fmt.Fprintf(&b, "%d,%d,%d\n", i, v, i%7)
		}
		return []byte(b.String())
	}
	q := `mutation($f: Upload!) { ingest(input: {dataset: "kill", source: "k", format: CSV, file: $f, key: {from: "id"}}) { id } }`
	r := srv.upload(t, testAdminKey, q, map[string]any{"f": nil}, "f", "k.csv", csvOf(1))
	if j := srv.waitJob(t, testAdminKey, r.str("ingest", "id")); j["status"] != "SUCCEEDED" {
		t.Fatalf("first ingestion: %v", j)
	}
	before := secSnapshot(t, srv.testServer, "kill")
	t.Logf("first ingestion done after %v", time.Since(t0))

	r = srv.upload(t, testAdminKey, q, map[string]any{"f": nil}, "f", "k.csv", csvOf(2))
	jobID := r.str("ingest", "id")
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the ingestion never reached its writing phase")
		}
		j := srv.mustGQL(t, testAdminKey, `query($id: ID!) { job(id: $id) { status detail { phase rows } } }`, map[string]any{"id": jobID})
		if j.str("job", "detail", "phase") == "writing" && num(j.get("job", "detail", "rows")) >= 2000 {
			break
		}
		if st := j.str("job", "status"); st != "RUNNING" && st != "QUEUED" {
			t.Fatalf("job ended before the kill: %v", j.Data)
		}
	}
	srv.kill9(t)
	t.Logf("killed in the write pass after %v", time.Since(t0))
	srv = startProc(t, bin, env)
	got := secSnapshot(t, srv.testServer, "kill")
	if d := secDiff(got, before); d != "" {
		t.Errorf("after the kill the dataset is not as before: %s", d)
	}
	if job := srv.waitJob(t, testAdminKey, jobID); job["status"] != "FAILED" {
		t.Errorf("killed job: %v", job)
	}
	r = srv.upload(t, testAdminKey, q, map[string]any{"f": nil}, "f", "k.csv", csvOf(2))
	if j := srv.waitJob(t, testAdminKey, r.str("ingest", "id")); j["status"] != "SUCCEEDED" {
		t.Fatalf("re-run: %v", j)
	}
	after := secSnapshot(t, srv.testServer, "kill")
	if after.Version != 2 || after.Count != rows || len(after.Docs) != rows {
		t.Errorf("after the re-run: version %d count %d docs %d", after.Version, after.Count, len(after.Docs))
	}
	for k, d := range after.Docs {
		if !strings.Contains(d, `"v":2`) || !strings.HasSuffix(d, ",2,2]") {
			t.Errorf("doc %s after the re-run: %s", k, d)
			break
		}
	}
}

// fuzzEntry is one input of a fuzz corpus file ("go test fuzz v1").
func fuzzEntry(t *testing.T, path string) []any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) == 0 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s: not a fuzz corpus file", path)
	}
	var out []any
	for _, l := range lines[1:] {
		typ, lit, ok := strings.Cut(l, "(")
		if !ok || !strings.HasSuffix(lit, ")") {
			t.Fatalf("%s: bad line %q", path, l)
		}
		s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		if err != nil {
			t.Fatalf("%s: %q: %v", path, l, err)
		}
		switch typ {
		case "[]byte":
			out = append(out, []byte(s))
		case "string":
			out = append(out, s)
		default:
			t.Fatalf("%s: type %s", path, typ)
		}
	}
	return out
}

// The readers' fuzz corpora (ingest/testdata/fuzz) through the whole service:
// every input is refused at submit, rejected row by row, or fails as
// BAD_USER_INPUT; no job ends INTERNAL and nothing is half-written.
func TestSecIngestFuzzCorporaNoInternal(t *testing.T) {
	t.Parallel()
	s := srcServer(t, nil)
	dirs, _ := filepath.Glob(repoPath("ingest/testdata/fuzz/*"))
	if len(dirs) < 3 {
		t.Fatalf("fuzz corpora: %v", dirs)
	}
	type run struct {
		name string
		in   map[string]any
		file *srcFile
	}
	var runs []run
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			e := fuzzEntry(t, f)
			name := filepath.Base(dir) + "/" + filepath.Base(f)
			switch filepath.Base(dir) {
			case "FuzzCSVReader":
				data, delim := e[0].([]byte), e[1].(string)
				runs = append(runs, run{name + "#auto", map[string]any{"format": "CSV", "csv": map[string]any{"encoding": "auto"}}, &srcFile{"f.csv", data}})
				if delim != "" && len(delim) < 8 {
					runs = append(runs, run{name + "#delim", map[string]any{"format": "CSV", "csv": map[string]any{"delimiter": delim}}, &srcFile{"f.csv", data}})
				}
			case "FuzzJSONReaders":
				data, path := e[0].([]byte), e[1].(string)
				in := map[string]any{"format": "JSON"}
				if path != "" {
					in["jsonPath"] = path
				}
				runs = append(runs, run{name + "#json", in, &srcFile{"f.json", data}})
				runs = append(runs, run{name + "#ndjson", map[string]any{"format": "NDJSON"}, &srcFile{"f.ndjson", data}})
			case "FuzzRules":
				var spec any
				if json.Unmarshal(e[0].([]byte), &spec) != nil {
					spec = map[string]any{}
				}
				runs = append(runs, run{name + "#rules", map[string]any{"format": "NDJSON", "spec": spec}, &srcFile{"f.ndjson", append(e[1].([]byte), '\n')}})
				var rec any
				if json.Unmarshal(e[1].([]byte), &rec) == nil {
					if m, ok := rec.(map[string]any); ok {
						runs = append(runs, run{name + "#records", map[string]any{"format": "NDJSON", "spec": spec, "records": []any{m}}, nil})
					}
				}
			}
		}
	}
	var failures []string
	for i, r := range runs {
		ds := fmt.Sprintf("fz%d", i%8)
		if i < 8 {
			srcCreateDataset(t, s, ds, nil)
		}
		before := secSnapshot(t, s, ds)
		r.in["dataset"], r.in["source"] = ds, "fz"
		res := srcSubmit(t, s, testAdminKey, r.in, r.file)
		if len(res.Errors) > 0 {
			if res.hasCode("INTERNAL") || res.Status >= 500 {
				failures = append(failures, fmt.Sprintf("%s: submit %d %+v", r.name, res.Status, res.Errors))
			}
			continue
		}
		job := s.waitJob(t, testAdminKey, res.str("ingest", "id"))
		if job["errorCode"] == "INTERNAL" {
			failures = append(failures, fmt.Sprintf("%s: job %v", r.name, job))
		}
		if job["status"] != "SUCCEEDED" {
			if d := secDiff(secSnapshot(t, s, ds), before); d != "" {
				failures = append(failures, fmt.Sprintf("%s: failed job changed the dataset: %s", r.name, d))
			}
		}
	}
	t.Logf("%d corpus inputs through the service", len(runs))
	if len(failures) > 0 {
		t.Errorf("%d inputs ended badly:\n%s", len(failures), strings.Join(failures, "\n"))
	}
}
