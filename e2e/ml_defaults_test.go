package e2e

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// mlDefaultsDataset creates team acme and dataset "people" (keyField id) with
// 200 labelled rows and 10 unlabelled: a numeric signal x, a STRING field city
// of 4 values (a category), a STRING field email unique per row (an
// identifier), a DATE, a JSON field, a numeric field "sparse" missing in 80% of
// rows, a field "ignored" to exclude, and the label y.
func mlDefaultsDataset(t *testing.T, s *testServer, keySensitive bool) {
	t.Helper()
	s.mustGQL(t, testAdminKey, `mutation($sens: Boolean) { createTeam(input: {id: "acme", name: "Acme"}) { id }
		createDataset(input: {id: "people", name: "People", team: "acme", keyField: "id", fields: [
			{name: "id", type: INT, sensitive: $sens}, {name: "x", type: FLOAT}, {name: "city", type: STRING}, {name: "email", type: STRING},
			{name: "born", type: DATE}, {name: "meta", type: JSON}, {name: "sparse", type: FLOAT}, {name: "ignored", type: INT},
			{name: "y", type: INT}]}) { id } }`, map[string]any{"sens": keySensitive})
	rng := rand.New(rand.NewPCG(1, 2))
	cities := []string{"paris", "lyon", "nice", "lille"}
	var recs []map[string]any
	for i := 1; i <= 210; i++ {
		x := rng.NormFloat64()
		r := map[string]any{"id": i, "x": x, "city": cities[i%4], "email": fmt.Sprintf("u%d@example.org", i),
			"born": "1990-01-02", "meta": map[string]any{"a": i}, "ignored": i % 7}
		if i%5 == 0 {
			r["sparse"] = rng.Float64()
		}
		if i <= 200 {
			y := 0
			if x+0.8*rng.NormFloat64() > 0 {
				y = 1
			}
			r["y"] = y
		}
		recs = append(recs, r)
	}
	r := s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]!) { ingest(input: {dataset: "people", source: "s", format: JSON, records: $r, key: {from: "id"}}) { id } }`,
		map[string]any{"r": recs})
	if job := s.waitJob(t, testAdminKey, r.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("ingest: %v", job)
	}
}

func trainPeople(t *testing.T, s *testServer, in map[string]any) (job map[string]any, v gqlResponse) {
	t.Helper()
	base := map[string]any{"model": "m", "dataset": "people", "label": "y", "exclude": []string{"ignored"}}
	for k, val := range in {
		base[k] = val
	}
	r := s.mustGQL(t, testAdminKey, `mutation($in: TrainInput!) { train(input: $in) { id } }`, map[string]any{"in": base})
	job = s.waitJob(t, testAdminKey, r.str("train", "id"))
	if job["status"] != "SUCCEEDED" {
		t.Fatalf("train job: %v", job)
	}
	v = s.mustGQL(t, testAdminKey, `query($v: Int) { modelVersion(model: "m", version: $v) { version features columns warnings
		dropped { name reason } fit { converged iterations }
		cv { folds scores grid { c mean std scores } }
		split { seed stratify testFraction trainRows testRows foldCount testKeys folds }
		report { roc { x y } pr { x y } } } }`, map[string]any{"v": num(job["result"].(map[string]any)["version"])})
	return job, v
}

// TestMLDefaults_Dropped: every field that is not a feature says why; a STRING
// field of few values is a category, one of a value per row is dropped as an
// identifier.
func TestMLDefaults_Dropped(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	mlDefaultsDataset(t, s, false)
	_, v := trainPeople(t, s, nil)
	feats := v.get("modelVersion", "features").([]any)
	reasons := map[string]string{}
	for _, d := range v.get("modelVersion", "dropped").([]any) {
		d := d.(map[string]any)
		reasons[d["name"].(string)] = d["reason"].(string)
	}
	if !slices.Contains(feats, any("city")) || !slices.Contains(feats, any("x")) {
		t.Errorf("features %v: want x and the low-cardinality string city", feats)
	}
	cols := fmt.Sprint(v.get("modelVersion", "columns"))
	if !strings.Contains(cols, "city=paris") || strings.Contains(cols, "email") {
		t.Errorf("columns %s: want city one-hot, no email", cols)
	}
	for field, want := range map[string]string{
		"y": "the label", "id": "the key", "ignored": "excluded by request", "born": "date",
		"meta": "json", "email": "high cardinality",
	} {
		if !strings.Contains(reasons[field], want) {
			t.Errorf("dropped[%s] = %q, want it to say %q (dropped: %v)", field, reasons[field], want, reasons)
		}
	}
	// Every field of the schema is either a feature or dropped with a reason.
	for _, f := range []string{"id", "x", "city", "email", "born", "meta", "sparse", "ignored", "y"} {
		if _, ok := reasons[f]; !ok && !slices.Contains(feats, any(f)) {
			t.Errorf("field %s is neither a feature nor dropped", f)
		}
	}
}

// TestMLDefaults_Warnings: a fit stopped by maxIter succeeds with a warning on
// the version, in the job's result and in its message; so do heavy imputation
// and rows left out for lack of a label. A converged run has no convergence
// warning.
func TestMLDefaults_Warnings(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	mlDefaultsDataset(t, s, false)
	job, v := trainPeople(t, s, map[string]any{"maxIter": 3, "cvFolds": 3})
	ws := fmt.Sprint(v.get("modelVersion", "warnings"))
	for _, want := range []string{"did not converge in 3 iterations", "raise maxIter or tol", "3 of the 3 cross-validation fits did not converge", `feature "sparse" was missing in`, "10 documents without a value for the label"} {
		if !strings.Contains(ws, want) {
			t.Errorf("warnings %s: want %q", ws, want)
		}
	}
	if rw := fmt.Sprint(job["result"].(map[string]any)["warnings"]); !strings.Contains(rw, "did not converge") {
		t.Errorf("job result warnings = %s", rw)
	}
	jr := s.mustGQL(t, testAdminKey, `query($id: ID!) { job(id: $id) { detail { message } } }`, map[string]any{"id": job["id"]})
	if msg := jr.str("job", "detail", "message"); !strings.Contains(msg, "succeeded with 4 warnings: did not converge in 3 iterations") {
		t.Errorf("job message %q: want the warnings named", msg)
	}
	_, v = trainPeople(t, s, nil)
	if ws := fmt.Sprint(v.get("modelVersion", "warnings")); strings.Contains(ws, "converge") {
		t.Errorf("default fit warns %s", ws)
	}
	if v.get("modelVersion", "fit", "converged") != true {
		t.Errorf("default fit did not converge: %v", v.get("modelVersion", "fit"))
	}
}

// TestMLDefaults_Split: the test keys and each fold's keys are exposed, disjoint
// and complete, and the grid search reports per-fold scores for every C.
func TestMLDefaults_Split(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	mlDefaultsDataset(t, s, false)
	_, v := trainPeople(t, s, map[string]any{"grid": []float64{0.1, 1, 10}, "cvFolds": 4, "seed": 3})
	sp := v.get("modelVersion", "split").(map[string]any)
	if num(sp["trainRows"]) != 150 || num(sp["testRows"]) != 50 || num(sp["foldCount"]) != 4 || num(sp["seed"]) != 3 {
		t.Fatalf("split %v", sp)
	}
	seen := map[string]string{}
	for _, k := range sp["testKeys"].([]any) {
		seen[k.(string)] = "test"
	}
	if len(seen) != 50 {
		t.Errorf("%d distinct test keys, want 50", len(seen))
	}
	folds := sp["folds"].([]any)
	for f, fold := range folds {
		for _, k := range fold.([]any) {
			if prev, dup := seen[k.(string)]; dup {
				t.Errorf("key %v in fold %d and %s", k, f, prev)
			}
			seen[k.(string)] = fmt.Sprint("fold ", f)
		}
	}
	if len(seen) != 200 {
		t.Errorf("test + folds cover %d keys, want the 200 labelled rows", len(seen))
	}
	grid := v.get("modelVersion", "cv", "grid").([]any)
	if len(grid) != 3 {
		t.Fatalf("grid %v", grid)
	}
	for _, g := range grid {
		if sc := g.(map[string]any)["scores"].([]any); len(sc) != 4 {
			t.Errorf("grid point %v: want 4 fold scores", g)
		}
	}
	// A caller who may not read the dataset cannot read the keys (VIEWER of another team).
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "other", name: "Other"}) { id } }`, nil)
	other, _ := s.createKey(t, "other", "VIEWER")
	r := s.gql(t, other, `{ modelVersion(model: "m") { split { testKeys } } }`, nil)
	if r.get("modelVersion") != nil && r.get("modelVersion", "split", "testKeys") != nil {
		t.Errorf("an outsider read the split's keys: %v", r.Data)
	}
}

// TestMLDefaults_Curves: the stored curves run the whole way: ROC from (0,0) to
// (1,1), PR ending at (recall 0, precision 1).
func TestMLDefaults_Curves(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	mlDefaultsDataset(t, s, false)
	_, v := trainPeople(t, s, nil)
	roc := v.get("modelVersion", "report", "roc").([]any)
	first, last := roc[0].(map[string]any), roc[len(roc)-1].(map[string]any)
	if first["x"] != 0.0 || first["y"] != 0.0 || last["x"] != 1.0 || last["y"] != 1.0 {
		t.Errorf("ROC from %v to %v", first, last)
	}
	pr := v.get("modelVersion", "report", "pr").([]any)
	if l := pr[len(pr)-1].(map[string]any); l["x"] != 0.0 || l["y"] != 1.0 {
		t.Errorf("PR ends at %v", l)
	}
}

// TestMLDefaults_SplitKeysSensitive: when the key field is sensitive, the
// split's keys are its values: a reader without read-sensitive (VIEWER) is
// refused them, an owner reads them.
func TestMLDefaults_SplitKeysSensitive(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	mlDefaultsDataset(t, s, true)
	trainPeople(t, s, nil)
	viewer, _ := s.createKey(t, "acme", "VIEWER")
	q := `{ modelVersion(model: "m") { version split { testRows testKeys } } }`
	r := s.gql(t, viewer, q, nil)
	if !r.hasCode("FORBIDDEN") || r.get("modelVersion", "split", "testKeys") != nil {
		t.Errorf("viewer read the sensitive keys: %v %v", r.Data, r.codes())
	}
	owner, _ := s.createKey(t, "acme", "OWNER")
	r = s.mustGQL(t, owner, q, nil)
	if keys := r.get("modelVersion", "split", "testKeys").([]any); len(keys) != 50 {
		t.Errorf("owner got %d test keys, want 50", len(keys))
	}
}
