package e2e

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// trainedClinic loads the clinic example and trains model diabetes (version 1)
// and, with another C, version 2.
func trainedClinic(t *testing.T, s *testServer) {
	t.Helper()
	loadClinic(t, s)
	for _, c := range []float64{1, 0.01} {
		r := s.mustGQL(t, testAdminKey, `mutation($c: Float) { train(input: {model: "diabetes", dataset: "clinic", label: "outcome", exclude: ["hepb_vaccinated"], c: $c, seed: 1}) { id } }`, map[string]any{"c": c})
		if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "SUCCEEDED" {
			t.Fatalf("train: %v", job)
		}
	}
}

var newPatient = map[string]any{"age": 50, "sex": "F", "pregnancies": 6, "glucose": 148, "insulin": nil, "pedigree": 0.627,
	"blood_pressure": 72, "skin_thickness": 35, "bmi": 33.6}

func TestPredict(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	trainedClinic(t, s)
	q := `query($in: [JSON!]!, $v: Int, $a: String) { predict(model: "diabetes", version: $v, alias: $a, inputs: $in) { probability label contributions { feature value } error } }`
	healthy := map[string]any{"age": 22, "pregnancies": 0, "glucose": 85, "bmi": 22.0, "pedigree": 0.2, "blood_pressure": 70}
	r := s.mustGQL(t, testAdminKey, q, map[string]any{"in": []any{newPatient, healthy, map[string]any{"glucose": "very high"}, "not an object"}})
	preds, _ := r.get("predict").([]any)
	if len(preds) != 4 {
		t.Fatalf("predictions: %v", r.Data)
	}
	p0 := preds[0].(map[string]any)
	prob := p0["probability"].(float64)
	if prob < 0.5 || p0["label"] != 1.0 {
		t.Errorf("P0001-like patient: %v", p0)
	}
	// The contributions explain the log-odds exactly.
	var logit float64
	for _, c := range p0["contributions"].([]any) {
		logit += c.(map[string]any)["value"].(float64)
	}
	if got := 1 / (1 + math.Exp(-logit)); math.Abs(got-prob) > 1e-9 {
		t.Errorf("contributions sum to p=%v, probability %v", got, prob)
	}
	if p1 := preds[1].(map[string]any); p1["probability"].(float64) > 0.3 || p1["label"] != 0.0 {
		t.Errorf("healthy patient (missing fields imputed): %v", p1)
	}
	for i := 2; i < 4; i++ {
		if p := preds[i].(map[string]any); p["error"] == nil || p["probability"] != nil {
			t.Errorf("bad input %d: %v", i, p)
		}
	}
	// Versions and aliases.
	v1 := s.mustGQL(t, testAdminKey, q, map[string]any{"in": []any{newPatient}, "v": 1}).get("predict", 0, "probability")
	v2 := s.mustGQL(t, testAdminKey, q, map[string]any{"in": []any{newPatient}}).get("predict", 0, "probability")
	if v1 == v2 {
		t.Errorf("versions 1 and 2 (other C) predict the same: %v", v1)
	}
	s.mustGQL(t, testAdminKey, `mutation { setModelAlias(model: "diabetes", alias: "production", version: 1) { version } }`, nil)
	if got := s.mustGQL(t, testAdminKey, q, map[string]any{"in": []any{newPatient}, "a": "production"}).get("predict", 0, "probability"); got != v1 {
		t.Errorf("alias production = %v, want version 1's %v", got, v1)
	}

	many := make([]any, 1001)
	for i := range many {
		many[i] = newPatient
	}
	bad := []struct {
		name, query string
		vars        map[string]any
		code        string
	}{
		{"unknown model", `{ predict(model: "nope", inputs: [{}]) { probability } }`, nil, "NOT_FOUND"},
		{"unknown version", `{ predict(model: "diabetes", version: 9, inputs: [{}]) { probability } }`, nil, "NOT_FOUND"},
		{"unknown alias", `{ predict(model: "diabetes", alias: "canary", inputs: [{}]) { probability } }`, nil, "NOT_FOUND"},
		{"empty inputs", `{ predict(model: "diabetes", inputs: []) { probability } }`, nil, "BAD_USER_INPUT"},
		{"too many inputs", q, map[string]any{"in": many}, "BAD_USER_INPUT"},
		{"no token", `{ predict(model: "diabetes", inputs: [{}]) { probability } }`, nil, "UNAUTHENTICATED"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			token := testAdminKey
			if tc.name == "no token" {
				token = ""
			}
			if r := s.gql(t, token, tc.query, tc.vars); !r.hasCode(tc.code) {
				t.Errorf("got %+v, want %s", r.Errors, tc.code)
			}
		})
	}
	// A model still training has no version to serve.
	r = s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "fresh", dataset: "clinic", label: "outcome", maxIter: 5000, cvFolds: 10, grid: [0.001, 0.01, 0.1, 1, 10, 100]}) { id } }`, nil)
	fresh := s.gql(t, testAdminKey, `{ predict(model: "fresh", inputs: [{}]) { probability } }`, nil)
	if !fresh.hasCode("NOT_FOUND") || !strings.Contains(fresh.Errors[0].Message, "still training") {
		t.Errorf("model still training: %+v", fresh.Errors)
	}
	s.waitJob(t, testAdminKey, r.str("train", "id"))
	// Another team's viewer cannot predict with the clinic's model.
	other, _ := s.createKey(t, "globex", "VIEWER")
	if r := s.gql(t, other, `{ predict(model: "diabetes", inputs: [{}]) { probability } }`, nil); !r.hasCode("NOT_FOUND") {
		t.Errorf("other team predicts: %+v", r.Errors)
	}
}

func TestPredictV2REST(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	trainedClinic(t, s)
	s.mustGQL(t, testAdminKey, `mutation { setModelAlias(model: "diabetes", alias: "production", version: 1) { version } }`, nil)
	call := func(method, path, token string, body any) (int, map[string]any) {
		st, _, out := v2Call(t, s, method, path, token, body)
		return st, out
	}
	infer := map[string]any{"id": "req-1", "inputs": []any{
		map[string]any{"name": "glucose", "shape": []int{2}, "datatype": "FP64", "data": []any{148, 85}},
		map[string]any{"name": "bmi", "shape": []int{2}, "datatype": "FP64", "data": []any{33.6, 22}},
		map[string]any{"name": "age", "shape": []int{2}, "datatype": "INT64", "data": []any{50, 22}},
		map[string]any{"name": "sex", "shape": []int{2}, "datatype": "BYTES", "data": []any{"F", "M"}},
	}}
	st, out := call("POST", "/v2/models/diabetes/versions/production/infer", testAdminKey, infer)
	if st != 200 || out["model_version"] != "1" || out["id"] != "req-1" {
		t.Fatalf("infer: %d %v", st, out)
	}
	probs := out["outputs"].([]any)[0].(map[string]any)["data"].([]any)
	if len(probs) != 2 || probs[0].(float64) <= probs[1].(float64) {
		t.Errorf("probabilities %v", probs)
	}
	// The same row through GraphQL gives the same probability.
	g := s.mustGQL(t, testAdminKey, `{ predict(model: "diabetes", alias: "production", inputs: [{glucose: 148, bmi: 33.6, age: 50, sex: "F"}]) { probability } }`, nil)
	if got := g.get("predict", 0, "probability").(float64); math.Abs(got-probs[0].(float64)) > 1e-12 {
		t.Errorf("GraphQL %v vs v2 %v", got, probs[0])
	}
	if st, out := call("GET", "/v2/models/diabetes", testAdminKey, nil); st != 200 || out["name"] != "diabetes" || len(out["inputs"].([]any)) != 8 || strings.Contains(fmt.Sprint(out["inputs"]), "sex") {
		t.Errorf("metadata: %d %v", st, out)
	}
	for _, tc := range []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"GET", "/v2/models/diabetes/ready", testAdminKey, nil, 200},
		{"GET", "/v2/models/diabetes/versions/2/ready", testAdminKey, nil, 200},
		{"GET", "/v2/models/diabetes/versions/7/ready", testAdminKey, nil, 404},
		{"GET", "/v2/models/nope/ready", testAdminKey, nil, 404},
		{"POST", "/v2/models/diabetes/infer", "", infer, 401},
		{"POST", "/v2/models/diabetes/infer", testAdminKey, map[string]any{"inputs": []any{}}, 400},
		{"POST", "/v2/models/diabetes/infer", testAdminKey, map[string]any{"inputs": []any{map[string]any{"name": "glucose", "shape": []int{3}, "datatype": "FP64", "data": []any{1}}}}, 400},
		{"POST", "/v2/models/diabetes/infer", testAdminKey, map[string]any{"inputs": []any{map[string]any{"name": "glucose", "shape": []int{1}, "datatype": "FP64", "data": []any{"x"}}}}, 400},
	} {
		if st, out := call(tc.method, tc.path, tc.token, tc.body); st != tc.want {
			t.Errorf("%s %s: %d %v, want %d", tc.method, tc.path, st, out, tc.want)
		}
	}
}

// setModelAlias reaches another instance on the same store within 2 s, and
// requests keep succeeding while it switches.
func TestAliasSwitchAcrossInstances(t *testing.T) {
	slowTest(t, "measures how soon a second instance follows an alias")
	a := newTestServer(t, nil)
	trainedClinic(t, a)
	b := startTestServer(t, a.cfg, false)
	q := `{ predict(model: "diabetes", alias: "production", inputs: [{glucose: 148, bmi: 33.6}]) { probability } }`
	a.mustGQL(t, testAdminKey, `mutation { setModelAlias(model: "diabetes", alias: "production", version: 1) { version } }`, nil)
	v1 := b.mustGQL(t, testAdminKey, `{ predict(model: "diabetes", version: 1, inputs: [{glucose: 148, bmi: 33.6}]) { probability } }`, nil).get("predict", 0, "probability")
	v2 := b.mustGQL(t, testAdminKey, `{ predict(model: "diabetes", version: 2, inputs: [{glucose: 148, bmi: 33.6}]) { probability } }`, nil).get("predict", 0, "probability")
	if got := b.mustGQL(t, testAdminKey, q, nil).get("predict", 0, "probability"); got != v1 {
		t.Fatalf("b serves %v before the switch, want v1 %v", got, v1)
	}
	switched := time.Now()
	a.mustGQL(t, testAdminKey, `mutation { setModelAlias(model: "diabetes", alias: "production", version: 2) { version } }`, nil)
	for {
		got := b.mustGQL(t, testAdminKey, q, nil).get("predict", 0, "probability") // fails the test on any error
		if got == v2 {
			break
		}
		if got != v1 {
			t.Fatalf("b served %v, neither version", got)
		}
		if time.Since(switched) > 2*time.Second {
			t.Fatalf("b still serves version 1 %v after the switch", time.Since(switched))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("b switched after %v", time.Since(switched))
}

// predict is its own action: a partner team can be allowed to call a model
// without seeing its data, versions or report.
func TestPredictSharedWithPartner(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	trainedClinic(t, s)
	partner, _ := s.createKey(t, "insurer", "PARTNER")
	q := `{ predict(model: "diabetes", inputs: [{glucose: 148, bmi: 33.6}]) { probability } }`
	if r := s.gql(t, partner, q, nil); !r.hasCode("NOT_FOUND") {
		t.Fatalf("partner before the share: %+v", r.Errors)
	}
	owner, _ := s.createKey(t, "clinic", "OWNER")
	r := s.mustGQL(t, owner, `mutation { shareModel(model: "diabetes", team: "insurer") { sharedWith } }`, nil)
	if r.str("shareModel", "sharedWith", 0) != "insurer" {
		t.Errorf("sharedWith: %v", r.Data)
	}
	if r := s.gql(t, partner, q, nil); len(r.Errors) > 0 || r.get("predict", 0, "probability") == nil {
		t.Errorf("partner after the share: %+v", r.Errors)
	}
	// The partner sees the model (it may predict) but may not read it; the
	// clinic's dataset it does not see at all: it answers as a missing one.
	if r := s.gql(t, partner, `{ modelVersion(model: "diabetes") { version } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("partner reads the model version: %+v", r.Errors)
	}
	for _, denied := range []string{
		`{ documents(dataset: "clinic", first: 1) { totalCount } }`,
		`mutation { batchPredict(model: "diabetes", dataset: "clinic", output: {field: "x"}) { id } }`,
	} {
		if r := s.gql(t, partner, denied, nil); !r.hasCode("NOT_FOUND") {
			t.Errorf("partner %s: %+v", denied, r.Errors)
		}
	}
	if r := s.gql(t, partner, `{ dataset(id: "clinic") { id } }`, nil); len(r.Errors) > 0 || r.get("dataset") != nil {
		t.Errorf("partner reads the dataset: %v %+v", r.Data, r.Errors)
	}
	viewer, _ := s.createKey(t, "clinic", "VIEWER")
	if r := s.gql(t, viewer, `mutation { shareModel(model: "diabetes", team: "insurer") { id } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("viewer shares: %+v", r.Errors)
	}
	s.mustGQL(t, owner, `mutation { unshareModel(model: "diabetes", team: "insurer") { id } }`, nil)
	if r := s.gql(t, partner, q, nil); !r.hasCode("NOT_FOUND") {
		t.Errorf("partner after unshare: %+v", r.Errors)
	}
}
