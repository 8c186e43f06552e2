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

// BenchmarkDocumentsSealed measures what sealed sensitive fields cost a
// 100-document documents query over HTTP (the full stack, embedded store).
// Two datasets hold the same 2,000 records of 11 fields; in "sealed" two of
// them (phone, name) are sensitive, so stored encrypted and opened on every
// read. Each iteration runs, in turn, as the owner (who sees plaintext):
//   - plain, sealed: the first 100 documents, every field, no filter;
//   - plaineq, sealedeq: where phone eq one value (a scan of the collection;
//     on "sealed" a match on the blind index).
//
// Metrics: per-query mean times, sealed/plain-% and sealedeq/plaineq-%.
func BenchmarkDocumentsSealed(b *testing.B) {
	vars := map[string]string{
		"MMS_DATA_DIR": b.TempDir(), "MMS_ADMIN_KEY": benchAdminKey, "MMS_DB": "mms_sealbench",
		"MMS_ENCRYPTION_KEY": testEncryptionKey,
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
	gql := func(query string, vars map[string]any) map[string]any {
		b.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		status, out, err := benchPost(c, srv.URL, benchAdminKey, body)
		var r struct {
			Data   map[string]any
			Errors []any
		}
		if err != nil || json.Unmarshal(out, &r) != nil || status != 200 || len(r.Errors) > 0 {
			b.Fatalf("%.40s: %d %s %v", query, status, out, err)
		}
		return r.Data
	}
	gql(`mutation { createTeam(input: {id: "clinic", name: "Clinic"}) { id } }`, nil)
	const rows = 2000
	rng := rand.New(rand.NewPCG(3, 4))
	records := make([]any, rows)
	for i := range records {
		records[i] = map[string]any{
			"id": fmt.Sprintf("P%05d", i), "pregnancies": rng.IntN(10), "glucose": 70 + rng.IntN(130), "blood_pressure": 50 + rng.IntN(50),
			"insulin": rng.IntN(300), "bmi": 18 + rng.Float64()*25, "pedigree": rng.Float64() * 2, "age": 21 + rng.IntN(60),
			"outcome": i % 2, "phone": fmt.Sprintf("555-%04d", i), "name": fmt.Sprintf("Patient %d", i),
		}
	}
	for _, ds := range []struct {
		id        string
		sensitive bool
	}{{"plain", false}, {"sealed", true}} {
		gql(`mutation($id: ID!, $n: String!, $s: Boolean) { createDataset(input: {id: $id, name: $n, team: "clinic", keyField: "id", fields: [
			{name: "id", type: STRING}, {name: "pregnancies", type: INT}, {name: "glucose", type: INT}, {name: "blood_pressure", type: INT},
			{name: "insulin", type: INT}, {name: "bmi", type: FLOAT}, {name: "pedigree", type: FLOAT}, {name: "age", type: INT},
			{name: "outcome", type: INT}, {name: "phone", type: STRING, sensitive: $s}, {name: "name", type: STRING, sensitive: $s}]}) { id } }`,
			map[string]any{"id": ds.id, "n": ds.id, "s": ds.sensitive})
		for start := 0; start < rows; start += 500 {
			job := gql(`mutation($d: ID!, $r: [JSON!]!) { ingest(input: {dataset: $d, source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`,
				map[string]any{"d": ds.id, "r": records[start : start+500]})["ingest"].(map[string]any)["id"].(string)
			for deadline := time.Now().Add(time.Minute); ; {
				st := gql(`query($id: ID!) { job(id: $id) { status } }`, map[string]any{"id": job})["job"].(map[string]any)["status"]
				if st == string(model.JobSucceeded) {
					break
				}
				if st == string(model.JobFailed) || time.Now().After(deadline) {
					b.Fatalf("ingest job %s: %v", job, st)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	query := func(dataset string, eq bool) []byte {
		where := ""
		if eq {
			where = `, where: [{field: "phone", op: "eq", value: "555-1234"}]`
		}
		q := fmt.Sprintf(`{ documents(dataset: %q, first: 100%s) { totalCount edges { cursor node { key fields version } } } }`, dataset, where)
		d := gql(q, nil)["documents"].(map[string]any)
		edges := d["edges"].([]any)
		want := 100
		if eq {
			want = 1
		}
		f := edges[0].(map[string]any)["node"].(map[string]any)["fields"].(map[string]any)
		if len(edges) != want || len(f) != 11 || (eq && f["name"] != "Patient 1234") || (!eq && f["phone"] != "555-0000") {
			b.Fatalf("%s: %d edges, fields %v", q, len(edges), f)
		}
		body, _ := json.Marshal(map[string]any{"query": q})
		return body
	}
	plain, sealed, plainEq, sealedEq := query("plain", false), query("sealed", false), query("plain", true), query("sealed", true)
	var tPlain, tSealed, tPlainEq, tSealedEq time.Duration
	timed := func(body []byte) time.Duration {
		start := time.Now()
		if status, _, err := benchPost(c, srv.URL, benchAdminKey, body); err != nil || status != 200 {
			b.Fatalf("status %d: %v", status, err)
		}
		return time.Since(start)
	}
	for b.Loop() {
		tPlain += timed(plain)
		tSealed += timed(sealed)
		tPlainEq += timed(plainEq)
		tSealedEq += timed(sealedEq)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tPlain.Microseconds())/n, "plain-µs")
	b.ReportMetric(float64(tSealed.Microseconds())/n, "sealed-µs")
	b.ReportMetric(float64(tPlainEq.Microseconds())/n, "plaineq-µs")
	b.ReportMetric(float64(tSealedEq.Microseconds())/n, "sealedeq-µs")
	b.ReportMetric(100*tSealed.Seconds()/tPlain.Seconds(), "sealed/plain-%")
	b.ReportMetric(100*tSealedEq.Seconds()/tPlainEq.Seconds(), "sealedeq/plaineq-%")
}
