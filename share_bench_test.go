package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mms-platform/mms/model"
)

// sbenchRows is the size of the shared dataset; 40% of its rows have outcome 1.
const sbenchRows = 2000

// BenchmarkDocumentsScoped measures what field hiding, masking and row
// filtering add to a 100-document documents query over HTTP (the full stack,
// embedded store). Each iteration runs, in turn:
//   - full: the dataset's owner reads 100 documents, every field, no filter;
//   - rows: the owner reads 100 documents with where outcome = 1 (the rows a
//     partner sees, without hiding or masking);
//   - scoped: a partner reads 100 documents through a share limited to five
//     fields and the rows with outcome = 1, one of the fields sensitive and
//     masked.
//
// Metrics: per-query mean times and scoped/full-% and scoped/rows-%. Target:
// scoped adds at most 15% (scoped/full-% <= 115).
func BenchmarkDocumentsScoped(b *testing.B) {
	vars := map[string]string{
		"MMS_DATA_DIR": b.TempDir(), "MMS_ADMIN_KEY": benchAdminKey, "MMS_DB": "mms_sbench",
		"MMS_ENCRYPTION_KEY": "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
	cfg, err := parseConfig("mms", nil, func(k string) string { return vars[k] }, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	log, err := newLogger(io.Discard, cfg.LogLevel)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	if _, err := a.svc.EnsureAdminKey(ctx, cfg.AdminKey); err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.runner.Run(runCtx) }()
	srv := httptest.NewServer(a.routes())
	b.Cleanup(func() { srv.Close(); stop(); <-done })
	c := benchClient()
	gql := func(token, query string, vars map[string]any) map[string]any {
		b.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		status, out, err := benchPost(c, srv.URL, token, body)
		var r struct {
			Data   map[string]any
			Errors []any
		}
		if err != nil || json.Unmarshal(out, &r) != nil || status != 200 || len(r.Errors) > 0 {
			b.Fatalf("%.40s: %d %s %v", query, status, out, err)
		}
		return r.Data
	}
	gql(benchAdminKey, `mutation { a: createTeam(input: {id: "clinic", name: "Clinic"}) { id } b: createTeam(input: {id: "lab", name: "Lab"}) { id } }`, nil)
	key := func(team, role string) string {
		d := gql(benchAdminKey, `mutation($t: ID!, $r: Role!) { createApiKey(input: {team: $t, role: $r, name: "k"}) { secret } }`, map[string]any{"t": team, "r": role})
		return d["createApiKey"].(map[string]any)["secret"].(string)
	}
	owner, partner := key("clinic", "OWNER"), key("lab", "PARTNER")
	gql(owner, `mutation { createDataset(input: {id: "patients", name: "Patients", team: "clinic", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "pregnancies", type: INT}, {name: "glucose", type: INT}, {name: "blood_pressure", type: INT},
		{name: "insulin", type: INT}, {name: "bmi", type: FLOAT}, {name: "pedigree", type: FLOAT}, {name: "age", type: INT},
		{name: "outcome", type: INT}, {name: "phone", type: STRING, sensitive: true}, {name: "name", type: STRING, sensitive: true}]}) { id } }`, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	records := make([]any, sbenchRows)
	for i := range records {
		outcome := 0
		if i%5 < 2 {
			outcome = 1
		}
		records[i] = map[string]any{
			"id": fmt.Sprintf("P%05d", i), "pregnancies": rng.IntN(10), "glucose": 70 + rng.IntN(130), "blood_pressure": 50 + rng.IntN(50),
			"insulin": rng.IntN(300), "bmi": 18 + rng.Float64()*25, "pedigree": rng.Float64() * 2, "age": 21 + rng.IntN(60),
			"outcome": outcome, "phone": fmt.Sprintf("555-%04d", i), "name": fmt.Sprintf("Patient %d", i),
		}
	}
	for start := 0; start < sbenchRows; start += 500 {
		job := gql(owner, `mutation($r: [JSON!]!) { ingest(input: {dataset: "patients", source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`,
			map[string]any{"r": records[start : start+500]})["ingest"].(map[string]any)["id"].(string)
		for deadline := time.Now().Add(time.Minute); ; {
			st := gql(owner, `query($id: ID!) { job(id: $id) { status } }`, map[string]any{"id": job})["job"].(map[string]any)["status"]
			if st == string(model.JobSucceeded) {
				break
			}
			if st == string(model.JobFailed) || time.Now().After(deadline) {
				b.Fatalf("ingest job %s: %v %v", job, st, gql(owner, `query($id: ID!) { job(id: $id) { error } }`, map[string]any{"id": job}))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	gql(owner, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: PARTNER, fields: ["age", "glucose", "bmi", "outcome", "phone"],
		rowFilter: [{field: "outcome", op: "eq", value: 1}]}) { team } }`, nil)

	const page = `{ documents(dataset: "patients", first: 100) { totalCount edges { cursor node { key fields version } } } }`
	const pageRows = `{ documents(dataset: "patients", first: 100, where: [{field: "outcome", op: "eq", value: 1}]) { totalCount edges { cursor node { key fields version } } } }`
	check := func(token, q string, total, nfields int, masked bool) []byte {
		d := gql(token, q, nil)["documents"].(map[string]any)
		edges := d["edges"].([]any)
		f := edges[0].(map[string]any)["node"].(map[string]any)["fields"].(map[string]any)
		if int(d["totalCount"].(float64)) != total || len(edges) != 100 || len(f) != nfields || (f["phone"] == "***") != masked {
			b.Fatalf("%s: total %v, %d edges, fields %v", q, d["totalCount"], len(edges), f)
		}
		body, _ := json.Marshal(map[string]any{"query": q})
		return body
	}
	full := check(owner, page, sbenchRows, 11, false)
	rows := check(owner, pageRows, sbenchRows*2/5, 11, false)
	scoped := check(partner, page, sbenchRows*2/5, 6, true)

	var tFull, tRows, tScoped time.Duration
	timed := func(token string, body []byte) time.Duration {
		start := time.Now()
		if status, _, err := benchPost(c, srv.URL, token, body); err != nil || status != 200 {
			b.Fatalf("status %d: %v", status, err)
		}
		return time.Since(start)
	}
	for b.Loop() {
		tFull += timed(owner, full)
		tRows += timed(owner, rows)
		tScoped += timed(partner, scoped)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tFull.Microseconds())/n, "full-µs")
	b.ReportMetric(float64(tRows.Microseconds())/n, "rows-µs")
	b.ReportMetric(float64(tScoped.Microseconds())/n, "scoped-µs")
	b.ReportMetric(100*tScoped.Seconds()/tFull.Seconds(), "scoped/full-%")
	b.ReportMetric(100*tScoped.Seconds()/tRows.Seconds(), "scoped/rows-%")
}
