package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

// Issue 11, findings 3 and 4: sensitivity follows data into what is derived
// from it (models, annotation tasks and their exports).

var derivedDiagnoses = []string{"type2", "prediabetes", "healthy"}

// derivedFixture creates team clinic and dataset "patients" (ssn, diagnosis
// and notes sensitive) with n rows, and returns keys by role.
func derivedFixture(t *testing.T, s *testServer, n int) map[string]string {
	t.Helper()
	keys := map[string]string{}
	for _, role := range []string{"OWNER", "EDITOR", "VIEWER", "ANNOTATOR"} {
		keys[role], _ = s.createKey(t, "clinic", role)
	}
	keys["PARTNER"], _ = s.createKey(t, "insurer", "PARTNER")
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "patients", name: "Patients", team: "clinic", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "age", type: INT}, {name: "glucose", type: FLOAT},
		{name: "diagnosis", type: CATEGORY, sensitive: true}, {name: "ssn", type: STRING, sensitive: true},
		{name: "notes", type: TEXT, sensitive: true}, {name: "summary", type: TEXT}, {name: "outcome", type: INT}]}) { id } }`, nil)
	var recs []any
	for i := range n {
		dx := derivedDiagnoses[i%3]
		out := 0
		if dx == "type2" || (dx == "prediabetes" && i%2 == 0) {
			out = 1
		}
		recs = append(recs, map[string]any{
			"id": fmt.Sprintf("P%04d", i), "age": 30 + i%40, "glucose": 80 + float64((i*37)%90), "diagnosis": dx,
			"ssn": fmt.Sprintf("100-25-%04d", 8200+i), "notes": fmt.Sprintf("secret note for P%04d: HIV status confirmed", i),
			"summary": fmt.Sprintf("visit %d went fine", i), "outcome": out,
		})
	}
	r := s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]!) { ingest(input: {dataset: "patients", source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`,
		map[string]any{"r": recs})
	if job := s.waitJob(t, testAdminKey, r.str("ingest", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("ingest: %v", job)
	}
	return keys
}

// derivedLeaks returns the sensitive values found in text.
func derivedLeaks(text string) []string {
	var out []string
	for _, v := range append([]string{"100-25-", "HIV", "secret note"}, derivedDiagnoses...) {
		if strings.Contains(text, v) {
			out = append(out, v)
		}
	}
	return out
}

func derivedGet(t *testing.T, s *testServer, token, method, path string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSensitiveValuesStayOutOfModels(t *testing.T) {
	s := newTestServer(t, nil)
	keys := derivedFixture(t, s, 60)

	// The attack: an EDITOR trains on age, glucose, diagnosis and ssn.
	r := s.mustGQL(t, keys["EDITOR"], `mutation { train(input: {model: "risk", dataset: "patients", label: "outcome", features: ["age", "glucose", "diagnosis", "ssn"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, keys["EDITOR"], r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	mvq := `{ modelVersion(model: "risk") { features columns sensitiveFeatures redacted preprocessing spec dropped { name reason }
		coefficients { feature value oddsRatio redacted } report { rocPlot } } }`

	// Callers with read-sensitive (the EDITOR) see the whole model.
	full := s.mustGQL(t, keys["EDITOR"], mvq, nil)
	if full.get("modelVersion", "redacted") != false || !strings.Contains(fmt.Sprint(full.get("modelVersion", "columns")), "ssn=100-25-8200") {
		t.Fatalf("editor's view: %v", full.Data)
	}
	if got := fmt.Sprint(full.get("modelVersion", "sensitiveFeatures")); got != "[diagnosis ssn]" {
		t.Errorf("sensitiveFeatures recorded: %s", got)
	}

	// A VIEWER sees one redacted entry per sensitive feature and no value.
	view := s.mustGQL(t, keys["VIEWER"], mvq, nil)
	b, _ := json.Marshal(view.Data)
	if leaks := derivedLeaks(string(b)); len(leaks) > 0 {
		t.Fatalf("viewer's modelVersion shows %v: %s", leaks, b)
	}
	cols, _ := view.get("modelVersion", "columns").([]any)
	if fmt.Sprint(cols) != "[age glucose diagnosis=*** ssn=***]" || view.get("modelVersion", "redacted") != true {
		t.Errorf("viewer's columns: %v", cols)
	}
	coefs, _ := view.get("modelVersion", "coefficients").([]any)
	if len(coefs) != len(cols) {
		t.Fatalf("viewer's coefficients: %v", coefs)
	}
	for i, c := range coefs {
		m := c.(map[string]any)
		if m["feature"] != cols[i] || m["redacted"] != strings.HasSuffix(cols[i].(string), "=***") {
			t.Errorf("coefficient %d: %v", i, m)
		}
	}
	// Listing versions goes through the same view.
	lst := s.mustGQL(t, keys["VIEWER"], `{ models { edges { node { versions { edges { node { columns coefficients { feature } preprocessing } } } } } } }`, nil)
	if b, _ := json.Marshal(lst.Data); len(derivedLeaks(string(b))) > 0 || !strings.Contains(string(b), "ssn=***") {
		t.Errorf("viewer's model list: %s", b)
	}
	// Plots.
	for _, plot := range []string{"roc.svg", "pr.svg", "calibration.svg"} {
		if st, body := derivedGet(t, s, keys["VIEWER"], "GET", "/artifacts/risk/1/"+plot, nil); st != 200 || len(derivedLeaks(body)) > 0 {
			t.Errorf("viewer's %s: %d %v", plot, st, derivedLeaks(body))
		}
	}

	// After shareModel, a PARTNER's predict shows one contribution per
	// sensitive feature, and they still add up to the log-odds.
	s.mustGQL(t, keys["OWNER"], `mutation { shareModel(model: "risk", team: "insurer") { id } }`, nil)
	in := map[string]any{"age": 50, "glucose": 150.0, "diagnosis": "type2", "ssn": "100-25-8203"}
	pq := `query($in: [JSON!]!) { predict(model: "risk", inputs: $in) { probability label contributions { feature value redacted } error } }`
	pr := s.mustGQL(t, keys["PARTNER"], pq, map[string]any{"in": []any{in}})
	var names []string
	var logit float64
	for _, c := range pr.get("predict", 0, "contributions").([]any) {
		m := c.(map[string]any)
		names = append(names, m["feature"].(string))
		logit += m["value"].(float64)
	}
	if fmt.Sprint(names) != "[(intercept) age glucose diagnosis=*** ssn=***]" {
		t.Errorf("partner's contributions: %v", names)
	}
	if p := pr.get("predict", 0, "probability").(float64); math.Abs(1/(1+math.Exp(-logit))-p) > 1e-9 {
		t.Errorf("contributions sum to another probability than %v", p)
	}
	// The same input with the EDITOR: the one-hot columns by value.
	if ed := s.mustGQL(t, keys["EDITOR"], pq, map[string]any{"in": []any{in}}); !strings.Contains(fmt.Sprint(ed.Data), "ssn=100-25-8203") {
		t.Errorf("editor's contributions: %v", ed.Data)
	}

	// The Open Inference Protocol: metadata and inference.
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/v2/models/risk", nil},
		{"GET", "/v2/models/risk/versions/1", nil},
		{"POST", "/v2/models/risk/infer", map[string]any{"inputs": []any{
			map[string]any{"name": "age", "shape": []int{1}, "datatype": "FP64", "data": []any{50}},
			map[string]any{"name": "ssn", "shape": []int{1}, "datatype": "BYTES", "data": []any{"x"}},
		}}},
	} {
		st, body := derivedGet(t, s, keys["PARTNER"], c.method, c.path, c.body)
		if st != 200 || len(derivedLeaks(body)) > 0 {
			t.Errorf("partner %s %s: %d %s", c.method, c.path, st, body)
		}
	}

	// A sensitive label: class names withheld, predictions say true/false.
	r = s.mustGQL(t, keys["EDITOR"], `mutation { train(input: {model: "dx", dataset: "patients", label: "diagnosis", positiveClass: "type2", features: ["age", "glucose"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, keys["EDITOR"], r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train dx: %v", job)
	}
	dx := s.mustGQL(t, keys["VIEWER"], `{ modelVersion(model: "dx") { positiveClass spec sensitiveLabel redacted } predict(model: "dx", inputs: [{age: 50, glucose: 150}]) { label } }`, nil)
	if b, _ := json.Marshal(dx.Data); len(derivedLeaks(string(b))) > 0 || dx.get("modelVersion", "positiveClass") != "***" || dx.get("modelVersion", "sensitiveLabel") != true {
		t.Errorf("viewer's sensitive-label model: %s", b)
	}
	if _, ok := dx.get("predict", 0, "label").(bool); !ok {
		t.Errorf("viewer's predicted label of a sensitive label: %v", dx.get("predict", 0, "label"))
	}
	if ed := s.mustGQL(t, keys["EDITOR"], `{ modelVersion(model: "dx") { positiveClass } }`, nil); ed.get("modelVersion", "positiveClass") != "type2" {
		t.Errorf("editor's positiveClass: %v", ed.Data)
	}

	// A training error about a sensitive field does not quote its values to
	// the job's readers.
	r = s.mustGQL(t, keys["EDITOR"], `mutation { train(input: {model: "bad", dataset: "patients", label: "outcome", features: ["age", "ssn"], preprocessing: [{name: "ssn", type: "numeric"}]}) { id } }`, nil)
	job := s.waitJob(t, keys["VIEWER"], r.str("train", "id"))
	if job["status"] != "FAILED" || len(derivedLeaks(fmt.Sprint(job["error"]))) > 0 || !strings.Contains(fmt.Sprint(job["error"]), `"ssn"`) {
		t.Errorf("failed training's error: %v", job)
	}
}
