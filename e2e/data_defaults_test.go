package e2e

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Issue 12, "Data": a dataset's key field is the default key on every
// ingestion path; schemas, features and coefficients keep the source's field
// order; a batch prediction into a field is a dataset version whose field
// joins the schema. "Annotation": brat entries are dated, and owners and
// reviewers review without an annotator key.

// ddSchema returns the dataset's field names in schema order.
func ddSchema(t *testing.T, s *testServer, dataset string) []string {
	t.Helper()
	r := s.mustGQL(t, testAdminKey, `query($d: ID!) { dataset(id: $d) { fields { name } } }`, map[string]any{"d": dataset})
	var names []string
	fs, _ := r.get("dataset", "fields").([]any)
	for _, f := range fs {
		names = append(names, f.(map[string]any)["name"].(string))
	}
	return names
}

// ddKeys returns the dataset's document keys.
func ddKeys(t *testing.T, s *testServer, dataset string) []string {
	t.Helper()
	var keys []string
	for k := range srcDocs(t, s, dataset) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestDatasetKeyFieldIsTheDefaultKey(t *testing.T) {
	t.Parallel()
	s := srcServer(t, map[string]string{"MMS_ALLOW_PRIVATE_URLS": "true"})
	create := func(t *testing.T, id string) {
		t.Helper()
		s.mustGQL(t, testAdminKey, `mutation($id: ID!, $n: String!, $t: ID!) { createDataset(input: {id: $id, name: $n, team: $t, keyField: "id"}) { id } }`,
			map[string]any{"id": id, "n": id, "t": srcTeam})
	}
	wantMissing := func(t *testing.T, ing map[string]any, line int) {
		t.Helper()
		rej := srcRejects(ing)
		if num(ing["rejected"]) != 1 || !strings.Contains(rej, fmt.Sprintf("line %d", line)) && !strings.Contains(rej, fmt.Sprint(line)) ||
			!strings.Contains(rej, "key: id is missing") {
			t.Errorf("rejects %s (rejected %v): want line %d rejected with \"key: id is missing\"", rej, ing["rejected"], line)
		}
	}

	t.Run("records", func(t *testing.T) {
		create(t, "kf-records")
		ing := srcMustRun(t, s, map[string]any{"dataset": "kf-records", "source": "inline", "format": "NDJSON",
			"records": []any{map[string]any{"id": "a1", "x": 1}, map[string]any{"id": " a2 ", "x": 2}, map[string]any{"x": 3}}}, nil)
		if got := ddKeys(t, s, "kf-records"); !slices.Equal(got, []string{"a1", "a2"}) {
			t.Errorf("keys %v, want [a1 a2] (not inline:<line>)", got)
		}
		wantMissing(t, ing, 3)
	})

	t.Run("file", func(t *testing.T) {
		create(t, "kf-file")
		ing := srcMustRun(t, s, map[string]any{"dataset": "kf-file", "source": "f", "format": "CSV"},
			&srcFile{"f.csv", []byte("x,id\n1,b1\n2,\n3,b3\n")})
		if got := ddKeys(t, s, "kf-file"); !slices.Equal(got, []string{"b1", "b3"}) {
			t.Errorf("keys %v, want [b1 b3]", got)
		}
		wantMissing(t, ing, 3)
		// A second source updates the same keys instead of adding rows.
		ing = srcMustRun(t, s, map[string]any{"dataset": "kf-file", "source": "g", "format": "NDJSON", "mode": "UPSERT"},
			&srcFile{"g.ndjson", []byte(`{"id":"b1","x":10}` + "\n")})
		if num(ing["updated"]) != 1 || num(ing["inserted"]) != 0 {
			t.Errorf("upsert on the key field: %v %s", srcCounts(ing), srcRejects(ing))
		}
		// A source without the key column fails before writing, and says why.
		job, ing := srcRun(t, s, map[string]any{"dataset": "kf-file", "source": "h", "format": "CSV"},
			&srcFile{"h.csv", []byte("x\n5\n")})
		msg, _ := ing["error"].(string)
		if job["status"] != "FAILED" || !strings.Contains(msg, "keyField") || !strings.Contains(msg, `"id"`) {
			t.Errorf("source without the key column: job %v, error %q", job["status"], msg)
		}
		if got := ddKeys(t, s, "kf-file"); !slices.Equal(got, []string{"b1", "b3"}) {
			t.Errorf("keys after the failed ingestion %v", got)
		}
		// A mapping into the key field reads the key from its source column;
		// an explicit key still wins.
		ing = srcMustRun(t, s, map[string]any{"dataset": "kf-file", "source": "m", "format": "CSV",
			"mapping": []any{map[string]any{"from": "code", "to": "id"}, map[string]any{"from": "v", "to": "x"}}},
			&srcFile{"m.csv", []byte("code,v\nb9,9\n")})
		if num(ing["inserted"]) != 1 || !slices.Contains(ddKeys(t, s, "kf-file"), "b9") {
			t.Errorf("mapped key: %v, keys %v", srcCounts(ing), ddKeys(t, s, "kf-file"))
		}
		srcMustRun(t, s, map[string]any{"dataset": "kf-file", "source": "k", "format": "CSV", "key": map[string]any{"from": "x"}},
			&srcFile{"k.csv", []byte("x,id\n77,zz\n")})
		if !slices.Contains(ddKeys(t, s, "kf-file"), "77") {
			t.Errorf("an explicit key is not used: %v", ddKeys(t, s, "kf-file"))
		}
	})

	t.Run("url", func(t *testing.T) {
		create(t, "kf-url")
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "id,x\nu1,1\n,2\n")
		}))
		defer srv.Close()
		ing := srcMustRun(t, s, map[string]any{"dataset": "kf-url", "source": "u", "format": "CSV", "url": srv.URL + "/d.csv"}, nil)
		if got := ddKeys(t, s, "kf-url"); !slices.Equal(got, []string{"u1"}) {
			t.Errorf("keys %v, want [u1]", got)
		}
		wantMissing(t, ing, 3)
	})

	t.Run("mongo", func(t *testing.T) {
		create(t, "kf-mongo")
		mc := srcConnection(t, s, "kfext")
		if _, err := mc.Database("kfext").Collection("people").InsertMany(context.Background(), []any{
			bson.D{{Key: "_id", Value: "o1"}, {Key: "id", Value: "m1"}, {Key: "x", Value: int32(1)}},
			bson.D{{Key: "_id", Value: "o2"}, {Key: "x", Value: int32(2)}},
		}); err != nil {
			t.Fatal(err)
		}
		ing := srcMustRun(t, s, map[string]any{"dataset": "kf-mongo", "source": "people", "format": "NDJSON",
			"mongo": map[string]any{"connection": "kfext", "database": "kfext", "collection": "people"}}, nil)
		if got := ddKeys(t, s, "kf-mongo"); !slices.Equal(got, []string{"m1"}) {
			t.Errorf("keys %v, want [m1]", got)
		}
		wantMissing(t, ing, 2)
	})

	t.Run("sql", func(t *testing.T) {
		db := ddPostgres(t)
		table := fmt.Sprintf("kf_%d", time.Now().UnixNano()%1e9)
		if _, err := db.Exec(`CREATE TABLE ` + table + ` (zz integer, id text, aa integer)`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = db.Exec(`DROP TABLE IF EXISTS ` + table) })
		if _, err := db.Exec(`INSERT INTO ` + table + ` VALUES (1, 's1', 1), (2, NULL, 2)`); err != nil {
			t.Fatal(err)
		}
		s.mustGQL(t, testAdminKey, `mutation($u: String!) { createConnection(input: {name: "kfpg", kind: POSTGRESQL, uri: $u}) { name } }`,
			map[string]any{"u": os.Getenv("MMS_TEST_PG_DSN")})
		create(t, "kf-sql")
		ing := srcMustRun(t, s, map[string]any{"dataset": "kf-sql", "source": "pg", "format": "NDJSON",
			"sql": map[string]any{"connection": "kfpg", "query": `SELECT * FROM ` + table + ` ORDER BY zz`}}, nil)
		if got := ddKeys(t, s, "kf-sql"); !slices.Equal(got, []string{"s1"}) {
			t.Errorf("keys %v, want [s1]", got)
		}
		wantMissing(t, ing, 2)
		// The query's column order is the schema's.
		if got := ddSchema(t, s, "kf-sql"); !slices.Equal(got, []string{"zz", "id", "aa"}) {
			t.Errorf("schema order %v, want the columns' [zz id aa]", got)
		}
	})

	t.Run("cli", func(t *testing.T) {
		create(t, "kf-cli")
		f := t.TempDir() + "/c.csv"
		if err := os.WriteFile(f, []byte("id,x\nc1,1\n,2\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errb strings.Builder
		env := map[string]string{"MMS_TOKEN": testAdminKey}
		err := runMMS(t, context.Background(), []string{"ingest", "--server", s.URL, "--dataset", "kf-cli", "--source", "cli", f}, env, &out, &errb)
		if got := ddKeys(t, s, "kf-cli"); !slices.Equal(got, []string{"c1"}) {
			t.Errorf("cli: %v, keys %v (want [c1]); stdout %s stderr %s", err, got, out.String(), errb.String())
		}
	})
}

// ddPostgres opens the PostgreSQL of MMS_TEST_PG_DSN or skips.
func ddPostgres(t *testing.T) *sql.DB {
	t.Helper()
	dsn := os.Getenv("MMS_TEST_PG_DSN")
	if dsn == "" {
		t.Skip("MMS_TEST_PG_DSN is not set; .ci/run starts PostgreSQL and sets it")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSchemaKeepsSourceOrder(t *testing.T) {
	t.Parallel()
	s := srcServer(t, nil)
	// Columns deliberately not in alphabetical order; y is the label.
	var csv strings.Builder
	csv.WriteString("zeta,alpha,mid,y,beta\n")
	for i := range 40 {
		fmt.Fprintf(&csv, "%d,%d,%d,%d,%d\n", i%7, (i*3)%11, i%5, i%2, (i*7)%13)
	}
	srcCreateDataset(t, s, "ord-csv", nil)
	srcMustRun(t, s, map[string]any{"dataset": "ord-csv", "source": "c", "format": "CSV"}, &srcFile{"c.csv", []byte(csv.String())})
	if got, want := ddSchema(t, s, "ord-csv"), []string{"zeta", "alpha", "mid", "y", "beta"}; !slices.Equal(got, want) {
		t.Errorf("CSV schema order %v, want the header's %v", got, want)
	}
	// Default features, columns and coefficients follow the schema.
	r := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "ord", dataset: "ord-csv", label: "y", testFraction: 0}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	v := s.mustGQL(t, testAdminKey, `{ modelVersion(model: "ord") { features columns coefficients { feature } } }`, nil)
	want := []string{"zeta", "alpha", "mid", "beta"}
	for _, path := range []string{"features", "columns"} {
		var got []string
		for _, x := range v.get("modelVersion", path).([]any) {
			got = append(got, x.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s %v, want %v", path, got, want)
		}
	}
	var coefs []string
	for _, c := range v.get("modelVersion", "coefficients").([]any) {
		coefs = append(coefs, c.(map[string]any)["feature"].(string))
	}
	if !slices.Equal(coefs, want) {
		t.Errorf("coefficients %v, want %v", coefs, want)
	}

	// JSON: the first object's keys as written, then keys first seen later.
	srcCreateDataset(t, s, "ord-json", nil)
	srcMustRun(t, s, map[string]any{"dataset": "ord-json", "source": "j", "format": "JSON"},
		&srcFile{"j.json", []byte(`[{"q": 1, "b": "x", "k": true}, {"k": false, "c": 2.5, "q": 2}]`)})
	if got, want := ddSchema(t, s, "ord-json"), []string{"q", "b", "k", "c"}; !slices.Equal(got, want) {
		t.Errorf("JSON schema order %v, want %v", got, want)
	}
	srcCreateDataset(t, s, "ord-ndjson", nil)
	srcMustRun(t, s, map[string]any{"dataset": "ord-ndjson", "source": "n", "format": "NDJSON"},
		&srcFile{"n.ndjson", []byte(`{"z": 1, "a": {"y": 1, "b": 2}, "m": "x"}` + "\n")})
	if got, want := ddSchema(t, s, "ord-ndjson"), []string{"z", "a", "m"}; !slices.Equal(got, want) {
		t.Errorf("NDJSON schema order %v, want %v", got, want)
	}

	// inferSchema proposes the same order.
	for _, tc := range []struct {
		format, name, data string
		want               []string
	}{
		{"CSV", "c.csv", "z,a,m\n1,2,3\n", []string{"z", "a", "m"}},
		{"JSON", "j.json", `[{"z": 1, "a": 2, "m": 3}]`, []string{"z", "a", "m"}},
	} {
		r := s.upload(t, testAdminKey, `query($f: Upload!, $fmt: Format!) { inferSchema(input: {format: $fmt, file: $f}) { fields { name } } }`,
			map[string]any{"f": nil, "fmt": tc.format}, "f", tc.name, []byte(tc.data))
		var got []string
		fs, _ := r.get("inferSchema", "fields").([]any)
		for _, f := range fs {
			got = append(got, f.(map[string]any)["name"].(string))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("inferSchema %s: %v (errors %v), want %v", tc.format, got, r.Errors, tc.want)
		}
	}

	// A MongoDB source keeps its documents' field order.
	mc := srcConnection(t, s, "ordext")
	if _, err := mc.Database("ordext").Collection("c").InsertOne(context.Background(),
		bson.D{{Key: "_id", Value: "o1"}, {Key: "zz", Value: int32(1)}, {Key: "aa", Value: "x"}, {Key: "mm", Value: true}}); err != nil {
		t.Fatal(err)
	}
	srcCreateDataset(t, s, "ord-mongo", nil)
	srcMustRun(t, s, map[string]any{"dataset": "ord-mongo", "source": "c", "format": "NDJSON", "key": map[string]any{"from": "_id"},
		"mongo": map[string]any{"connection": "ordext", "database": "ordext", "collection": "c"}}, nil)
	if got, want := ddSchema(t, s, "ord-mongo"), []string{"_id", "zz", "aa", "mm"}; !slices.Equal(got, want) {
		t.Errorf("MongoDB schema order %v, want %v", got, want)
	}
}

func TestBatchPredictFieldIsADatasetVersion(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	trainedClinic(t, s)
	state := func() (int, map[string]string) {
		r := s.mustGQL(t, testAdminKey, `{ dataset(id: "clinic") { version fields { name type } } }`, nil)
		types := map[string]string{}
		for _, f := range r.get("dataset", "fields").([]any) {
			f := f.(map[string]any)
			types[f["name"].(string)] = f["type"].(string)
		}
		return num(r.get("dataset", "version")), types
	}
	before, _ := state()
	run := func() map[string]any {
		r := s.mustGQL(t, testAdminKey, `mutation { batchPredict(model: "diabetes", version: 1, dataset: "clinic", output: {field: "risk"}) { id } }`, nil)
		job := s.waitJob(t, testAdminKey, r.str("batchPredict", "id"))
		if job["status"] != "SUCCEEDED" {
			t.Fatalf("batchPredict: %v", job)
		}
		return job
	}
	job := run()
	if phase := job["detail"].(map[string]any)["phase"]; phase != "done" {
		t.Errorf("finished job's phase %q, want done", phase)
	}
	after, types := state()
	if after != before+1 {
		t.Errorf("dataset version %d after a batch write, want %d", after, before+1)
	}
	if res := job["result"].(map[string]any); num(res["datasetVersion"]) != after {
		t.Errorf("job result %v, want datasetVersion %d", res, after)
	}
	if types["risk"] != "JSON" {
		t.Errorf("risk in the schema as %q, want JSON (fields %v)", types["risk"], types)
	}
	d := s.mustGQL(t, testAdminKey, `{ document(dataset: "clinic", key: "P0001") { datasetVersion fields } }`, nil)
	if num(d.get("document", "datasetVersion")) != after {
		t.Errorf("P0001 datasetVersion %v, dataset version %d", d.get("document", "datasetVersion"), after)
	}
	risk, _ := d.get("document", "fields", "risk").(map[string]any)
	for _, k := range []string{"probability", "label", "model", "version"} {
		if _, ok := risk[k]; !ok {
			t.Errorf("risk %v lacks %s", risk, k)
		}
	}
	// A re-run that changes nothing is no new version.
	run()
	if v, _ := state(); v != after {
		t.Errorf("unchanged re-run moved the version to %d", v)
	}
	// The written field is a field like any other: it can be excluded.
	r := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "diabetes2", dataset: "clinic", label: "outcome", exclude: ["hepb_vaccinated", "risk"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train excluding risk: %v", job)
	} else if phase := job["detail"].(map[string]any)["phase"]; phase != "done" {
		t.Errorf("train job phase %q", phase)
	}
	mv := s.mustGQL(t, testAdminKey, `{ modelVersion(model: "diabetes2") { datasetVersion features } }`, nil)
	if num(mv.get("modelVersion", "datasetVersion")) != after || slices.Contains(mv.get("modelVersion", "features").([]any), any("risk")) {
		t.Errorf("model trained after the batch write: %v", mv.Data)
	}
}

func TestReviewWithoutAnnotatorKey(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	a1, _, _, _ := annotationSetup(t, s)
	owner, _ := s.createKey(t, "clinic", "OWNER")
	reviewer, reviewerID := s.createKey(t, "clinic", "REVIEWER")
	const task = "posts-ner"

	// The owner is not an annotator of the task, holds no item, and reviews.
	rv := s.mustGQL(t, owner, `{ reviewItem(task: "posts-ner", document: "c001") { document text suggestions { id status span { text label } } } }`, nil)
	sugs, _ := rv.get("reviewItem", "suggestions").([]any)
	if len(sugs) < 2 {
		t.Fatalf("reviewItem suggestions: %v", rv.Data)
	}
	first, second := sugs[0].(map[string]any), sugs[1].(map[string]any)
	dec := `mutation($t: ID!, $d: ID!, $s: ID!, $a: Boolean!, $r: Boolean) { decideSuggestion(task: $t, document: $d, suggestion: $s, accept: $a, review: $r) {
		leaseUntil annotation { annotator spans { id } } suggestions { id status } } }`
	r := s.mustGQL(t, owner, dec, map[string]any{"t": task, "d": "c001", "s": first["id"], "a": true})
	if got := r.str("decideSuggestion", "annotation", "annotator"); got != "gold" {
		t.Errorf("owner's decision went to %q, want the gold version: %v", got, r.Data)
	}
	if r.get("decideSuggestion", "leaseUntil") != nil {
		t.Errorf("a reviewer's decision reserved the item: %v", r.Data)
	}
	// A REVIEWER key rejects another suggestion on the same gold version.
	r = s.mustGQL(t, reviewer, dec, map[string]any{"t": task, "d": "c001", "s": second["id"], "a": false, "r": true})
	status := map[string]string{}
	for _, sg := range r.get("decideSuggestion", "suggestions").([]any) {
		sg := sg.(map[string]any)
		status[sg["id"].(string)] = sg["status"].(string)
	}
	if status[first["id"].(string)] != "accepted" || status[second["id"].(string)] != "rejected" {
		t.Errorf("gold decisions %v", status)
	}
	spans, _ := r.get("decideSuggestion", "annotation", "spans").([]any)
	if len(spans) != 1 || spans[0].(map[string]any)["id"] != first["id"] {
		t.Errorf("gold spans %v, want the accepted suggestion only", spans)
	}
	rv = s.mustGQL(t, reviewer, `{ reviewItem(task: "posts-ner", document: "c001") { gold { annotator version } suggestions { id status } } }`, nil)
	if rv.str("reviewItem", "gold", "annotator") != "gold" {
		t.Errorf("reviewer's reviewItem: %v", rv.Data)
	}
	if r := s.gql(t, reviewer, `mutation { saveGold(input: {task: "posts-ner", document: "c002", labels: ["neutral"]}) { version } }`, nil); len(r.Errors) > 0 {
		t.Errorf("reviewer saveGold: %v", r.Errors)
	}

	// A reviewer does not annotate, and reads no dataset.
	for name, q := range map[string]string{
		"nextAnnotationItem": `{ nextAnnotationItem(task: "posts-ner") { document } }`,
		"saveAnnotation":     `mutation { saveAnnotation(input: {task: "posts-ner", document: "c001", labels: ["neutral"]}) { version } }`,
		"documents":          `{ documents(dataset: "posts") { totalCount } }`,
	} {
		if r := s.gql(t, reviewer, q, nil); !r.hasCode("FORBIDDEN") && !r.hasCode("NOT_FOUND") && r.get(name) != nil {
			t.Errorf("reviewer %s: %v %v", name, r.Data, r.Errors)
		}
	}
	// An annotator is no reviewer: review: true is refused.
	if r := s.gql(t, a1, dec, map[string]any{"t": task, "d": "c001", "s": first["id"], "a": false, "r": true}); !r.hasCode("FORBIDDEN") {
		t.Errorf("annotator deciding on gold: %v %v", r.Data, r.Errors)
	}
	// An annotator holding the item still decides on its own annotation.
	it := s.mustGQL(t, a1, `{ nextAnnotationItem(task: "posts-ner") { document suggestions { id } } }`, nil)
	doc := it.str("nextAnnotationItem", "document")
	sg := it.str("nextAnnotationItem", "suggestions", 0, "id")
	if r := s.mustGQL(t, a1, dec, map[string]any{"t": task, "d": doc, "s": sg, "a": true}); r.str("decideSuggestion", "annotation", "annotator") == "gold" {
		t.Errorf("annotator's decision went to gold: %v", r.Data)
	}
	// Reviews are audited under the review action.
	audit := s.mustGQL(t, testAdminKey, `query($a: String) { auditLog(where: {actor: $a, resource: "task/posts-ner"}) { edges { node { action decision } } } }`,
		map[string]any{"a": "key:" + reviewerID})
	n := 0
	for _, e := range audit.get("auditLog", "edges").([]any) {
		if node := e.(map[string]any)["node"].(map[string]any); node["action"] == "review" && node["decision"] == "allow" {
			n++
		}
	}
	if n < 2 {
		t.Errorf("reviewer's decisions audited %d times under review: %v", n, audit.Data)
	}
}

func TestBratExportIsDated(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	annotationSetup(t, s)
	s.mustGQL(t, testAdminKey, `mutation { saveGold(input: {task: "posts-ner", document: "c001", status: "submitted", labels: ["neutral"]}) { version } }`, nil)
	start := time.Now().Add(-2 * time.Second)
	req, _ := http.NewRequest("GET", s.URL+"/tasks/posts-ner/export?format=brat", nil)
	req.Header.Set("Authorization", "Bearer "+testAdminKey)
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	zr, err := zip.NewReader(strings.NewReader(string(b)), int64(len(b)))
	if err != nil || len(zr.File) == 0 {
		t.Fatalf("brat export: %d %v (%d entries)", resp.StatusCode, err, len(zr.File))
	}
	for _, f := range zr.File {
		if m := f.Modified; m.Before(start) || m.After(time.Now().Add(2*time.Second)) {
			t.Errorf("%s dated %v, want the export time (~%v)", f.Name, m, start)
		}
	}
}
