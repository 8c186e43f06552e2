package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// Issue 12, "Predict inputs": nothing is done to an input silently, numeric
// strings are numbers, and strict mode refuses inputs outside what the model
// was trained on (MLflow's signature enforcement).

const predictInputsQ = `query($in: [JSON!]!, $strict: Boolean) { predict(model: "diabetes", inputs: $in, strict: $strict) { probability label error warnings } }`

func predictOne(t *testing.T, s *testServer, token string, in map[string]any, strict bool) map[string]any {
	t.Helper()
	r := s.mustGQL(t, token, predictInputsQ, map[string]any{"in": []any{in}, "strict": strict})
	p, _ := r.get("predict", 0).(map[string]any)
	if p == nil {
		t.Fatalf("no prediction: %v", r.Data)
	}
	return p
}

func warningsOf(p map[string]any) string {
	var out []string
	for _, w := range p["warnings"].([]any) {
		out = append(out, w.(string))
	}
	return strings.Join(out, " | ")
}

func TestPredictInputWarnings(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	loadClinic(t, s)
	r := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "diabetes", dataset: "clinic", label: "outcome", exclude: ["hepb_vaccinated"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}

	// A complete input has no warning (insulin, missing in the example, was
	// missing in training rows too: it still says so).
	// (sex is constant in the clinic data, so training dropped it.)
	full := map[string]any{"age": 50, "pregnancies": 6, "glucose": 148, "insulin": 100, "pedigree": 0.627,
		"blood_pressure": 72, "skin_thickness": 35, "bmi": 33.6}
	p := predictOne(t, s, testAdminKey, full, false)
	if p["error"] != nil || len(p["warnings"].([]any)) != 0 {
		t.Fatalf("complete input: %v", p)
	}

	// The attack of the issue: {} is scored, and now says why it is a guess.
	empty := predictOne(t, s, testAdminKey, map[string]any{}, false)
	w := warningsOf(empty)
	if empty["probability"] == nil || empty["error"] != nil {
		t.Fatalf("{} is still scored leniently: %v", empty)
	}
	for _, want := range []string{`field "glucose" is missing: imputed with the training mean`, `field "age" is missing: imputed with the training mean`} {
		if !strings.Contains(w, want) {
			t.Errorf("{} warnings lack %q: %s", want, w)
		}
	}

	// Unknown, excluded and dropped fields.
	odd := map[string]any{}
	for k, v := range full {
		odd[k] = v
	}
	odd["sex"], odd["favourite_colour"], odd["hepb_vaccinated"] = "X", "blue", true
	p = predictOne(t, s, testAdminKey, odd, false)
	w = warningsOf(p)
	for _, want := range []string{`ignored field "sex": the model dropped it at training`,
		`ignored field "favourite_colour": not a feature of the model`, `ignored field "hepb_vaccinated": not a feature of the model`} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q: %s", want, w)
		}
	}
	if p["probability"] == nil {
		t.Errorf("lenient mode scores the odd input: %v", p)
	}

	// Numeric strings are numbers, as pandas reads them; other strings are not.
	strs := map[string]any{}
	for k, v := range full {
		strs[k] = v
	}
	strs["age"], strs["glucose"], strs["bmi"] = "50", " 148 ", "33.6"
	ps := predictOne(t, s, testAdminKey, strs, false)
	pf := predictOne(t, s, testAdminKey, full, false)
	if ps["error"] != nil || math.Abs(ps["probability"].(float64)-pf["probability"].(float64)) > 1e-12 {
		t.Errorf("numeric strings: %v, numbers: %v", ps, pf)
	}
	strs["age"] = "50 years"
	if p := predictOne(t, s, testAdminKey, strs, false); p["error"] == nil || !strings.Contains(p["error"].(string), `"age"`) {
		t.Errorf(`"50 years" for a number: %v`, p)
	}

	// Strict: required missing fields and unknown categories are the input's
	// error; extra fields and optional (sometimes missing) features only warn.
	if p := predictOne(t, s, testAdminKey, map[string]any{}, true); p["error"] == nil || p["probability"] != nil ||
		!strings.Contains(p["error"].(string), `strict: field "age" is required (every training row had it) but missing or null`) || len(p["warnings"].([]any)) == 0 {
		t.Errorf("strict {}: %v", p)
	}
	extra := map[string]any{"favourite_colour": "blue"}
	for k, v := range full {
		extra[k] = v
	}
	if p := predictOne(t, s, testAdminKey, extra, true); p["error"] != nil || p["probability"] == nil || !strings.Contains(warningsOf(p), "favourite_colour") {
		t.Errorf("strict with an extra field: %v", p)
	}
	// A feature some training rows lacked is optional even in strict mode.
	noIns := map[string]any{}
	for k, v := range full {
		if k != "insulin" {
			noIns[k] = v
		}
	}
	if p := predictOne(t, s, testAdminKey, noIns, true); p["error"] != nil || !strings.Contains(warningsOf(p), `field "insulin" is missing: imputed with the training mean (some training rows lacked it too)`) {
		t.Errorf("strict without the optional insulin: %v", p)
	}

	// batchPredict counts the rows with warnings (insulin is missing in some
	// documents) per feature, without values.
	b := s.mustGQL(t, testAdminKey, `mutation { batchPredict(model: "diabetes", dataset: "clinic", output: {collection: "risk"}) { id } }`, nil)
	job := s.waitJob(t, testAdminKey, b.str("batchPredict", "id"))
	res, _ := job["result"].(map[string]any)
	ws, _ := res["warnings"].(map[string]any)
	if job["status"] != "SUCCEEDED" || ws == nil || num(ws["rows"]) == 0 || num(ws["missing"].(map[string]any)["insulin"]) == 0 {
		t.Errorf("batch warnings: %v", job)
	}
}

// A caller without read-sensitive is not told values of a sensitive feature
// in warnings; a caller with it is.
func TestPredictWarningsSensitive(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	keys := derivedFixture(t, s, 60)
	r := s.mustGQL(t, keys["EDITOR"], `mutation { train(input: {model: "risk", dataset: "patients", label: "outcome", features: ["age", "glucose", "diagnosis"], seed: 1}) { id } }`, nil)
	if job := s.waitJob(t, keys["EDITOR"], r.str("train", "id")); job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	q := `query($strict: Boolean) { predict(model: "risk", inputs: [{age: 40, glucose: 120, diagnosis: "type9-probe"}, {age: 40}], strict: $strict) { probability error warnings } }`
	ed := s.mustGQL(t, keys["EDITOR"], q, nil)
	if w := fmt.Sprint(ed.get("predict", 0, "warnings")); !strings.Contains(w, `unknown category "type9-probe" for field "diagnosis" (scored as the unknown bucket)`) || ed.get("predict", 0, "probability") == nil {
		t.Errorf("editor's warnings: %s", w)
	}
	// Strict: an unknown category is the input's error.
	eds := s.mustGQL(t, keys["EDITOR"], q, map[string]any{"strict": true})
	if e, _ := eds.get("predict", 0, "error").(string); !strings.Contains(e, `strict: unknown category "type9-probe"`) || eds.get("predict", 0, "probability") != nil {
		t.Errorf("editor strict: %v", eds.Data)
	}
	for _, strict := range []bool{false, true} {
		v := s.mustGQL(t, keys["VIEWER"], q, map[string]any{"strict": strict})
		b, _ := json.Marshal(v.Data)
		if strings.Contains(string(b), "type9-probe") || len(derivedLeaks(string(b))) > 0 {
			t.Errorf("viewer (strict %v) is told sensitive values: %s", strict, b)
		}
		if !strings.Contains(string(b), `unknown category for field \"diagnosis\"`) || !strings.Contains(string(b), `field \"diagnosis\" is missing`) {
			t.Errorf("viewer (strict %v) is not warned about diagnosis: %s", strict, b)
		}
	}
}
