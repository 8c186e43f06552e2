package e2e

import (
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

// loadClinic creates and fills dataset clinic from examples/clinic.
func loadClinic(t *testing.T, s *testServer) {
	t.Helper()
	cmdOut, err := runLoadScript(s)
	if err != nil {
		t.Fatalf("load.sh: %v\n%s", err, cmdOut)
	}
}

func TestTrainDiabetesModel(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	loadClinic(t, s)
	train := `mutation($in: TrainInput!) { train(input: $in) { id status } }`
	r := s.mustGQL(t, testAdminKey, train, map[string]any{"in": map[string]any{
		"model": "diabetes", "dataset": "clinic", "label": "outcome", "exclude": []string{"hepb_vaccinated"},
		"testFraction": 0.25, "seed": 7, "c": 1.0, "cvFolds": 5, "threshold": "f1",
	}})
	job := s.waitJob(t, testAdminKey, r.str("train", "id"))
	if job["status"] != "SUCCEEDED" {
		t.Fatalf("train job: %v", job)
	}
	res := job["result"].(map[string]any)
	if res["model"] != "diabetes" || num(res["version"]) != 1 {
		t.Fatalf("result %v", res)
	}
	q := `{ modelVersion(model: "diabetes") { model version dataset datasetVersion label features columns algorithm intercept threshold rows
		coefficients { feature value oddsRatio } dropped { name reason }
		train { rows accuracy rocAuc logLoss confusion { tn fp fn tp } } test { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }
		cv { folds metric mean scores } fit { iterations converged } codeVersion createdBy
		report { rocPlot prPlot calibrationPlot curvesOn roc { x y } calibration { count } } } }`
	v := s.mustGQL(t, testAdminKey, q, nil)
	if v.get("modelVersion", "algorithm") != "logistic-regression" {
		t.Errorf("algorithm: %v", v.get("modelVersion", "algorithm"))
	}
	if num(v.get("modelVersion", "datasetVersion")) != 4 || num(v.get("modelVersion", "rows")) != 768 {
		t.Errorf("lineage: %v", v.Data)
	}
	if num(v.get("modelVersion", "test", "rows")) != 192 || num(v.get("modelVersion", "train", "rows")) != 576 {
		t.Errorf("split: %v", v.get("modelVersion", "test"))
	}
	auc, _ := v.get("modelVersion", "test", "rocAuc").(float64)
	if auc < 0.75 || auc > 1 {
		t.Errorf("test ROC AUC = %v: the diabetes model should be useful", auc)
	}
	coefs, _ := v.get("modelVersion", "coefficients").([]any)
	var glucose float64
	for _, c := range coefs {
		c := c.(map[string]any)
		if c["feature"] == "glucose" {
			glucose = c["value"].(float64)
			if or := c["oddsRatio"].(float64); math.Abs(or-math.Exp(glucose)) > 1e-9 {
				t.Errorf("odds ratio %v for coefficient %v", or, glucose)
			}
		}
		if strings.HasPrefix(c["feature"].(string), "hepb") {
			t.Errorf("excluded feature used: %v", c)
		}
	}
	if glucose <= 0.5 {
		t.Errorf("glucose coefficient = %v, want clearly positive", glucose)
	}
	if num(v.get("modelVersion", "cv", "folds")) != 5 {
		t.Errorf("cv: %v", v.get("modelVersion", "cv"))
	}
	plot := v.str("modelVersion", "report", "rocPlot")
	for _, tc := range []struct {
		token string
		want  int
	}{{testAdminKey, 200}, {"", 401}} {
		req, _ := http.NewRequest("GET", s.URL+plot, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := s.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want || (tc.want == 200 && (!strings.Contains(string(body), "<svg") || resp.Header.Get("Content-Type") != "image/svg+xml")) {
			t.Errorf("GET %s with %q: %d %.80s", plot, tc.token, resp.StatusCode, body)
		}
	}

	// A second version with another C reuses the cached matrix; aliases pick versions.
	r = s.mustGQL(t, testAdminKey, train, map[string]any{"in": map[string]any{
		"model": "diabetes", "dataset": "clinic", "label": "outcome", "exclude": []string{"hepb_vaccinated"}, "c": 0.01, "testFraction": 0,
	}})
	job = s.waitJob(t, testAdminKey, r.str("train", "id"))
	if job["status"] != "SUCCEEDED" || num(job["result"].(map[string]any)["version"]) != 2 {
		t.Fatalf("second training: %v", job)
	}
	jr := s.mustGQL(t, testAdminKey, `query($id: ID!) { job(id: $id) { detail { message } } }`, map[string]any{"id": job["id"]})
	if !strings.Contains(jr.str("job", "detail", "message"), "features from cache") {
		t.Errorf("re-training with another C rescanned the dataset: %v", jr.Data)
	}
	s.mustGQL(t, testAdminKey, `mutation { setModelAlias(model: "diabetes", alias: "production", version: 1) { version aliases } }`, nil)
	a := s.mustGQL(t, testAdminKey, `{ modelVersion(model: "diabetes", alias: "production") { version aliases test { rows } }
		latest: modelVersion(model: "diabetes") { version test { rows } }
		model(id: "diabetes") { latestVersion aliases { alias version } versions(first: 10) { totalCount edges { node { version } } } }
		models { totalCount } }`, nil)
	if num(a.get("modelVersion", "version")) != 1 || num(a.get("latest", "version")) != 2 || a.get("latest", "test") != nil ||
		num(a.get("model", "versions", "totalCount")) != 2 || num(a.get("models", "totalCount")) != 1 {
		t.Errorf("registry: %v", a.Data)
	}
}

func TestTrainBadInput(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "d", name: "D", team: "acme"}) { id } }`, nil)
	ingest := func(records []map[string]any) {
		r := s.mustGQL(t, testAdminKey, `mutation($r: [JSON!]) { ingest(input: {dataset: "d", source: "s", format: NDJSON, mode: UPSERT, records: $r}) { id } }`,
			map[string]any{"r": records})
		if job := s.waitJob(t, testAdminKey, r.str("ingest", "id")); job["status"] != "SUCCEEDED" {
			t.Fatalf("ingest: %v", job)
		}
	}
	var recs []map[string]any
	for i := range 40 {
		recs = append(recs, map[string]any{"x": i, "k": 3, "grade": []string{"a", "b", "c"}[i%3], "y": i % 2, "empty": nil})
	}
	ingest(recs)
	train := `mutation($in: TrainInput!) { train(input: $in) { id } }`
	submit := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"unknown dataset", map[string]any{"model": "m", "dataset": "nope", "label": "y"}, "NOT_FOUND"},
		{"unknown label", map[string]any{"model": "m", "dataset": "d", "label": "nope"}, "BAD_USER_INPUT"},
		{"unknown feature", map[string]any{"model": "m", "dataset": "d", "label": "y", "features": []string{"nope"}}, "BAD_USER_INPUT"},
		{"test fraction 1", map[string]any{"model": "m", "dataset": "d", "label": "y", "testFraction": 1.0}, "BAD_USER_INPUT"},
		{"test fraction negative", map[string]any{"model": "m", "dataset": "d", "label": "y", "testFraction": -0.1}, "BAD_USER_INPUT"},
		{"bad model id", map[string]any{"model": "Bad Id", "dataset": "d", "label": "y"}, "BAD_USER_INPUT"},
		{"negative C", map[string]any{"model": "m", "dataset": "d", "label": "y", "c": -1.0}, "BAD_USER_INPUT"},
	}
	for _, tc := range submit {
		t.Run(tc.name, func(t *testing.T) {
			if r := s.gql(t, testAdminKey, train, map[string]any{"in": tc.in}); !r.hasCode(tc.want) {
				t.Errorf("got %+v, want %s", r.Errors, tc.want)
			}
		})
	}
	inJob := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"label with three classes", map[string]any{"model": "m3", "dataset": "d", "label": "grade", "features": []string{"x"}}, "3 classes"},
		{"feature missing from every row", map[string]any{"model": "m4", "dataset": "d", "label": "y", "features": []string{"x", "empty"}}, "empty"},
	}
	for _, tc := range inJob {
		t.Run(tc.name, func(t *testing.T) {
			r := s.mustGQL(t, testAdminKey, train, map[string]any{"in": tc.in})
			job := s.waitJob(t, testAdminKey, r.str("train", "id"))
			if job["status"] != "FAILED" || job["errorCode"] != "BAD_USER_INPUT" || !strings.Contains(strings.ToLower(job["error"].(string)), tc.want) {
				t.Errorf("job %v, want FAILED mentioning %q", job, tc.want)
			}
			m := s.mustGQL(t, testAdminKey, `query($id: ID!) { model(id: $id) { latestVersion } }`, map[string]any{"id": tc.in["model"]})
			if num(m.get("model", "latestVersion")) != 0 {
				t.Errorf("a version was saved: %v", m.Data)
			}
		})
	}
	// A positive class makes a multi-class label one-vs-rest; a constant feature is dropped and reported.
	r := s.mustGQL(t, testAdminKey, train, map[string]any{"in": map[string]any{"model": "ovr", "dataset": "d", "label": "grade", "positiveClass": "a", "features": []string{"x", "k"}, "testFraction": 0}})
	job := s.waitJob(t, testAdminKey, r.str("train", "id"))
	if job["status"] != "SUCCEEDED" {
		t.Fatalf("one-vs-rest: %v", job)
	}
	v := s.mustGQL(t, testAdminKey, `{ modelVersion(model: "ovr") { positiveClass columns dropped { name reason } } }`, nil)
	reasons := map[string]string{}
	for _, d := range v.get("modelVersion", "dropped").([]any) {
		reasons[d.(map[string]any)["name"].(string)] = d.(map[string]any)["reason"].(string)
	}
	if v.get("modelVersion", "positiveClass") != "a" || !strings.Contains(reasons["k"], "constant") {
		t.Errorf("ovr version: %v", v.Data)
	}
	// No rows: a dataset whose documents have no label value.
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "nolabel", name: "N", team: "acme", fields: [{name: "x", type: INT}, {name: "y", type: INT}]}) { id } }`, nil)
	r = s.mustGQL(t, testAdminKey, `mutation { ingest(input: {dataset: "nolabel", source: "s", format: NDJSON, records: [{x: 1}, {x: 2}]}) { id } }`, nil)
	s.waitJob(t, testAdminKey, r.str("ingest", "id"))
	r = s.mustGQL(t, testAdminKey, train, map[string]any{"in": map[string]any{"model": "m5", "dataset": "nolabel", "label": "y", "features": []string{"x"}}})
	if job := s.waitJob(t, testAdminKey, r.str("train", "id")); job["status"] != "FAILED" || !strings.Contains(job["error"].(string), "no rows") {
		t.Errorf("no rows: %v", job)
	}
}

func TestTrainCancel(t *testing.T) {
	t.Parallel() // its own server: the cancel finds the job queued or fitting, both end CANCELLED
	s := newTestServer(t, nil)
	loadClinic(t, s)
	// A long grid search over many folds gives time to cancel mid-fit.
	r := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "slow", dataset: "clinic", label: "outcome", cvFolds: 20, tol: 1e-12, maxIter: 100000,
		grid: [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000, 300000]}) { id } }`, nil)
	id := r.str("train", "id")
	time.Sleep(300 * time.Millisecond)
	s.mustGQL(t, testAdminKey, `mutation($id: ID!) { cancelJob(id: $id) { id } }`, map[string]any{"id": id})
	job := s.waitJob(t, testAdminKey, id)
	if job["status"] != "CANCELLED" {
		t.Fatalf("cancelled training: %v", job)
	}
	m := s.mustGQL(t, testAdminKey, `{ model(id: "slow") { latestVersion trainingJob } }`, nil)
	if num(m.get("model", "latestVersion")) != 0 || m.get("model", "trainingJob") != nil {
		t.Errorf("after cancel: %v", m.Data)
	}
}
