package e2e

import (
	"testing"
	"time"
)

// A text classifier on a dozen rows trains in proportion to them.
func TestTextClassifierProportionate(t *testing.T) {
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "shop", name: "Shop"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "reviews", name: "Reviews", team: "shop", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "text", type: TEXT}, {name: "sentiment", type: CATEGORY}]}) { id } }`, nil)
	texts := []string{"great product works well", "terrible broke after a day", "love it", "awful support never again",
		"excellent value", "bad quality", "very happy with this", "worst purchase", "fantastic", "disappointing and slow",
		"would buy again", "returned it"}
	var recs []any
	for i, s := range texts {
		lab := "positive"
		if i%2 == 1 {
			lab = "negative"
		}
		recs = append(recs, map[string]any{"id": i, "text": s, "sentiment": lab})
	}
	ing := s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]!) { ingest(input: {dataset: "reviews", source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`, map[string]any{"r": recs})
	if job := s.waitJob(t, testAdminKey, ing.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("ingest: %v", job)
	}
	start := time.Now()
	tr := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "sentiment", dataset: "reviews", label: "sentiment", positiveClass: "negative", features: ["text"],
		preprocessing: [{name: "text", type: "text"}]}) { id } }`, nil)
	job := s.waitJob(t, testAdminKey, tr.str("train", "id"))
	took := time.Since(start)
	if job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	t.Logf("train job: %v", took)
	start = time.Now()
	v := s.mustGQL(t, testAdminKey, `{ modelVersion(model: "sentiment") { columns coefficients { feature value } } }`, nil)
	cols := len(v.get("modelVersion", "columns").([]any))
	t.Logf("modelVersion: %v, %d columns", time.Since(start), cols)
	// One column per hash bucket the 12 texts use (a few hundred), not the
	// 2^18 of the hash space.
	if cols == 0 || cols > 2000 {
		t.Errorf("%d columns for 12 short texts", cols)
	}
	start = time.Now()
	p := s.mustGQL(t, testAdminKey, `{ predict(model: "sentiment", inputs: [{text: "awful support"}, {text: "great value"}]) { probability } }`, nil)
	t.Logf("first predict: %v", time.Since(start))
	if neg, pos := p.get("predict", 0, "probability").(float64), p.get("predict", 1, "probability").(float64); !(neg > pos) {
		t.Errorf("negative text scored %v, positive %v", neg, pos)
	}
	// Proportionate: seconds were spent storing and reading 2^18 coefficients.
	if took > 5*time.Second {
		t.Errorf("training on 12 rows took %v", took)
	}
}
