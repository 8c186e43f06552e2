package e2e

import (
	"context"
	"testing"

	"github.com/mms-platform/mms/model"
)

// snapTamper changes a document in the store behind the service's back: its
// fields change, its dataset version does not (no new version, no snapshot).
// Whatever reads the snapshot of that version does not see the change.
func (s *testServer) snapTamper(t *testing.T, dataset, key string, fields map[string]any) {
	t.Helper()
	ctx := context.Background()
	doc, err := s.app.Store.Document(ctx, dataset, key)
	if err != nil {
		t.Fatal(err)
	}
	nd := *doc
	nd.Fields = map[string]any{}
	for k, v := range doc.Fields {
		nd.Fields[k] = v
	}
	for k, v := range fields {
		nd.Fields[k] = v
	}
	nd.Version = doc.Version + 1
	if _, err := s.app.Store.WriteDocuments(ctx, dataset, []model.DocumentWrite{{Doc: &nd, Expect: doc.Version}}); err != nil {
		t.Fatal(err)
	}
}

// snapPredictions reads a prediction collection as probabilities by key.
func (s *testServer) snapPredictions(t *testing.T, dataset, collection string) map[string]float64 {
	t.Helper()
	r := s.mustGQL(t, testAdminKey, `query($d: ID!, $c: String!) { predictions(dataset: $d, collection: $c, first: 1000) { edges { node { key probability model version } } } }`,
		map[string]any{"d": dataset, "c": collection})
	out := map[string]float64{}
	edges, _ := r.get("predictions", "edges").([]any)
	for _, e := range edges {
		n := e.(map[string]any)["node"].(map[string]any)
		out[n["key"].(string)] = n["probability"].(float64)
	}
	return out
}

// TestSnapshotBatchPredict: batchPredict into a collection reads the rows of
// the dataset's current version from its snapshot: where selects the same
// rows and the probabilities equal those of the documents path (output into
// a field, which reads and rewrites the documents), a sensitive feature
// (sealed in the snapshot) is opened for scoring, the result names the
// version scored, and a document changed in the store without a new version
// is scored as the version's snapshot holds it.
func TestSnapshotBatchPredict(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	snapSetup(t, s)
	s.snapIngest(t, testAdminKey, "obs", snapRows(90, 0))
	s.snapWaitReady(t, "obs", 1)
	tr := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "m", dataset: "obs", label: "outcome",
		features: ["glucose", "visits", "region", "smoker", "ssn"], seed: 7}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, tr.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	run := func(where, output string) map[string]any {
		t.Helper()
		r := s.mustGQL(t, testAdminKey, `mutation { batchPredict(model: "m", version: 1, dataset: "obs", where: `+where+`, output: `+output+`) { id } }`, nil)
		job := s.waitJob(t, testAdminKey, r.str("batchPredict", "id"))
		if job["status"] != "SUCCEEDED" {
			t.Fatalf("batchPredict %s: %v", output, job)
		}
		return job["result"].(map[string]any)
	}
	north := `[{field: "region", op: "eq", value: "north"}]`
	res := run(north, `{collection: "snap"}`)
	if num(res["scored"]) != 30 || num(res["written"]) != 30 || num(res["scoredVersion"]) != 1 || num(res["failed"]) != 0 {
		t.Fatalf("collection run: %v", res)
	}
	fromSnap := s.snapPredictions(t, "obs", "snap")
	// The documents path: the same rows, the same probabilities.
	res = run(north, `{field: "pred"}`)
	if num(res["scored"]) != 30 || num(res["scoredVersion"]) != 1 || num(res["datasetVersion"]) != 2 {
		t.Fatalf("field run: %v", res)
	}
	docs := s.mustGQL(t, testAdminKey, `{ documents(dataset: "obs", first: 100, where: [{field: "region", op: "eq", value: "north"}]) { edges { node { key fields } } } }`, nil)
	edges, _ := docs.get("documents", "edges").([]any)
	if len(edges) != 30 || len(fromSnap) != 30 {
		t.Fatalf("%d documents, %d predictions", len(edges), len(fromSnap))
	}
	for _, e := range edges {
		n := e.(map[string]any)["node"].(map[string]any)
		key := n["key"].(string)
		pred := n["fields"].(map[string]any)["pred"].(map[string]any)
		if p, ok := fromSnap[key]; !ok || p != pred["probability"] {
			t.Errorf("%s: snapshot path %v, documents path %v", key, fromSnap[key], pred["probability"])
		}
	}
	// Version 2 (the field written): every row, read from its snapshot.
	res = run(`[]`, `{collection: "all"}`)
	if num(res["scored"]) != 90 || num(res["scoredVersion"]) != 2 {
		t.Fatalf("run on version 2: %v", res)
	}
	before := s.snapPredictions(t, "obs", "all")
	s.snapWaitReady(t, "obs", 2)
	tampered := map[string]any{"glucose": 400.0, "visits": int64(90), "smoker": false, "region": "west", "ssn": "SSN-X"}
	s.snapTamper(t, "obs", "r0004", tampered)
	one := s.mustGQL(t, testAdminKey, `query($in: [JSON!]!) { predict(model: "m", version: 1, inputs: $in) { probability } }`,
		map[string]any{"in": []any{tampered}})
	if p, _ := one.get("predict", 0, "probability").(float64); p == before["r0004"] {
		t.Fatalf("the tampered values score as the original ones (%v): the test cannot tell the paths apart", p)
	}
	res = run(`[]`, `{collection: "again"}`)
	again := s.snapPredictions(t, "obs", "again")
	if num(res["scoredVersion"]) != 2 || len(again) != 90 || again["r0004"] != before["r0004"] {
		t.Fatalf("rescored version 2: %v; r0004 %v, before %v (the store's changed document was read, not the snapshot)", res, again["r0004"], before["r0004"])
	}
}

// TestSnapshotAnnotationSelection: an annotation task's items are drawn from
// the snapshot of the dataset's current version: where selects the rows the
// store's filter selects, rows without text are skipped, and the texts are
// the version's even when a document changed in the store without a new
// version.
func TestSnapshotAnnotationSelection(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "lab", name: "Lab"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "notes", name: "Notes", team: "lab", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "ward", type: CATEGORY}, {name: "note", type: TEXT}]}) { id } }`, nil)
	var rows []any
	for i := range 40 {
		r := map[string]any{"id": "n" + string(rune('a'+i/26)) + string(rune('a'+i%26)), "ward": []string{"a", "b"}[i%2]}
		if i%5 != 0 {
			r["note"] = "note number " + r["id"].(string)
		}
		rows = append(rows, r)
	}
	s.snapIngest(t, testAdminKey, "notes", rows)
	s.snapWaitReady(t, "notes", 1)
	s.mustGQL(t, testAdminKey, `mutation { createLabelSchema(input: {id: "tri", team: "lab", entities: ["X"], classes: ["p", "n"]}) { id } }`, nil)
	// Behind the version's back: nab's text changes, nad's is removed.
	s.snapTamper(t, "notes", "nab", map[string]any{"note": "changed behind the version"})
	s.snapTamper(t, "notes", "nad", map[string]any{"note": nil})
	task := s.mustGQL(t, testAdminKey, `mutation { createAnnotationTask(input: {id: "t1", dataset: "notes", textField: "note", schema: "tri",
		where: [{field: "ward", op: "eq", value: "b"}], patterns: [{label: "X", pattern: "changed|number"}]}) { id items } }`, nil)
	// ward b: the odd rows (20), of which those with i%5 == 0 (i = 5, 15, 25,
	// 35) have no text; nad has text in the version.
	if n := num(task.get("createAnnotationTask", "items")); n != 16 {
		t.Fatalf("items: %d, want 16", n)
	}
	// The pre-annotations were made from the version's text of nab.
	it := s.mustGQL(t, testAdminKey, `{ reviewItem(task: "t1", document: "nab") { suggestions { span { text } } } }`, nil)
	sugs, _ := it.get("reviewItem", "suggestions").([]any)
	if len(sugs) != 1 || sugs[0].(map[string]any)["span"].(map[string]any)["text"] != "number" {
		t.Fatalf("nab's suggestions %v: want one, on the version's text (\"number\")", sugs)
	}
	if r := s.gql(t, testAdminKey, `{ reviewItem(task: "t1", document: "naa") { text } }`, nil); r.get("reviewItem") != nil {
		t.Fatalf("row of ward a drawn: %v", r.Data)
	}
}
