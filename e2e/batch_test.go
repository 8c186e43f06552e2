package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mms-platform/mms/service"
)

func TestBatchPredict(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	trainedClinic(t, s)
	run := func(output string) map[string]any {
		r := s.mustGQL(t, testAdminKey, `mutation { batchPredict(model: "diabetes", version: 1, dataset: "clinic", where: [{field: "age", op: "gte", value: 50}], output: `+output+`) { id } }`, nil)
		job := s.waitJob(t, testAdminKey, r.str("batchPredict", "id"))
		if job["status"] != "SUCCEEDED" {
			t.Fatalf("batchPredict %s: %v", output, job)
		}
		return job["result"].(map[string]any)
	}
	older := num(s.mustGQL(t, testAdminKey, `{ documents(dataset: "clinic", where: [{field: "age", op: "gte", value: 50}]) { totalCount } }`, nil).get("documents", "totalCount"))
	res := run(`{field: "risk"}`)
	if num(res["scored"]) != older || num(res["written"]) != older || num(res["unchanged"]) != 0 {
		t.Errorf("first run into a field: %v (want %d scored)", res, older)
	}
	doc := s.mustGQL(t, testAdminKey, `{ document(dataset: "clinic", key: "P0001") { fields } }`, nil)
	risk, _ := doc.get("document", "fields", "risk").(map[string]any)
	single := s.mustGQL(t, testAdminKey, `{ predict(model: "diabetes", version: 1, inputs: [{age: 50, sex: "F", pregnancies: 6, glucose: 148, pedigree: 0.627, blood_pressure: 72, skin_thickness: 35, bmi: 33.6}]) { probability } }`, nil)
	if risk["probability"] != single.get("predict", 0, "probability") || risk["version"] != 1.0 || risk["model"] != "diabetes" {
		t.Errorf("P0001 risk %v vs predict %v", risk, single.Data)
	}
	if res := run(`{field: "risk"}`); num(res["written"]) != 0 || num(res["unchanged"]) != older {
		t.Errorf("re-run into a field is not idempotent: %v", res)
	}
	res = run(`{collection: "risk-v1"}`)
	if num(res["written"]) != older {
		t.Errorf("collection run: %v", res)
	}
	if res := run(`{collection: "risk-v1"}`); num(res["written"]) != 0 || num(res["unchanged"]) != older {
		t.Errorf("re-run into a collection is not idempotent: %v", res)
	}
	p := s.mustGQL(t, testAdminKey, `{ predictions(dataset: "clinic", collection: "risk-v1", first: 2) { totalCount edges { node { key probability label model version } } } }`, nil)
	if num(p.get("predictions", "totalCount")) != older || p.str("predictions", "edges", 0, "node", "model") != "diabetes" {
		t.Errorf("predictions: %v", p.Data)
	}
	// A collection name is bound to its dataset: a reader of another team's
	// dataset cannot reach clinic's predictions by naming the collection.
	other, _ := s.createKey(t, "other-team", "OWNER")
	s.mustGQL(t, other, `mutation { createDataset(input: {id: "mine", name: "Mine", team: "other-team"}) { id } }`, nil)
	if p := s.mustGQL(t, other, `{ predictions(dataset: "mine", collection: "risk-v1") { totalCount } }`, nil); num(p.get("predictions", "totalCount")) != 0 {
		t.Errorf("another dataset's predictions leak through the collection name: %v", p.Data)
	}
	for name, q := range map[string]string{
		"two outputs":  `mutation { batchPredict(model: "diabetes", dataset: "clinic", output: {field: "a", collection: "b"}) { id } }`,
		"schema field": `mutation { batchPredict(model: "diabetes", dataset: "clinic", output: {field: "glucose"}) { id } }`,
		"bad filter":   `mutation { batchPredict(model: "diabetes", dataset: "clinic", where: [{field: "nope", op: "eq", value: 1}], output: {field: "r"}) { id } }`,
	} {
		if r := s.gql(t, testAdminKey, q, nil); !r.hasCode("BAD_USER_INPUT") {
			t.Errorf("%s: %+v", name, r.Errors)
		}
	}
}

func TestWebhooks(t *testing.T) {
	s := newTestServer(t, map[string]string{"MMS_WEBHOOK_BACKOFF": "100ms", "MMS_ALLOW_PRIVATE_URLS": "true"})
	var mu sync.Mutex
	var got []map[string]any
	var calls atomic.Int32
	var secret string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "try again", http.StatusServiceUnavailable) // the first attempt fails
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		want := "sha256=" + service.SignWebhook(secret, r.Header.Get("X-MMS-Timestamp"), body)
		if r.Header.Get("X-MMS-Signature") != want {
			t.Errorf("bad signature %q", r.Header.Get("X-MMS-Signature"))
		}
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		got = append(got, m)
	}))
	defer hook.Close()
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "acme", name: "Acme"}) { id } createDataset(input: {id: "d", name: "D", team: "acme"}) { id } }`, nil)
	r := s.mustGQL(t, testAdminKey, `mutation($u: String!) { createWebhook(input: {team: "acme", url: $u, events: ["ingestion.finished"]}) { secret webhook { id events } } }`, map[string]any{"u": hook.URL})
	mu.Lock()
	secret = r.str("createWebhook", "secret")
	mu.Unlock()
	hookID := r.str("createWebhook", "webhook", "id")
	ing := s.mustGQL(t, testAdminKey, `mutation { ingest(input: {dataset: "d", source: "s", format: NDJSON, records: [{a: 1}]}) { id } }`, nil)
	jobID := ing.str("ingest", "id")
	s.waitJob(t, testAdminKey, jobID)
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery arrived")
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	if got[0]["event"] != "ingestion.finished" || got[0]["job"] != jobID || got[0]["status"] != "SUCCEEDED" {
		t.Errorf("payload %v", got[0])
	}
	mu.Unlock()
	log := s.mustGQL(t, testAdminKey, `{ webhooks(team: "acme") { id deliveries { totalCount edges { node { event status attempts lastStatusCode } } } } }`, nil)
	if log.str("webhooks", 0, "id") != hookID || log.str("webhooks", 0, "deliveries", "edges", 0, "node", "status") != "delivered" ||
		num(log.get("webhooks", 0, "deliveries", "edges", 0, "node", "attempts")) != 2 {
		t.Errorf("delivery log: %v", log.Data)
	}
	for name, q := range map[string]string{
		"unknown event": `mutation { createWebhook(input: {team: "acme", url: "https://example.com/h", events: ["nope"]}) { secret } }`,
		"not http":      `mutation { createWebhook(input: {team: "acme", url: "ftp://example.com/h", events: ["ingestion.finished"]}) { secret } }`,
	} {
		if r := s.gql(t, testAdminKey, q, nil); !r.hasCode("BAD_USER_INPUT") {
			t.Errorf("%s: %+v", name, r.Errors)
		}
	}
	viewer, _ := s.createKey(t, "acme", "VIEWER")
	if r := s.gql(t, viewer, `{ webhooks(team: "acme") { id } }`, nil); !r.hasCode("FORBIDDEN") {
		t.Errorf("viewer lists webhooks: %+v", r.Errors)
	}
}
