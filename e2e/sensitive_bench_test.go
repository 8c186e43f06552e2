package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
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
	g := benchHTTP(b, map[string]string{"MMS_DB": "mms_sealbench", "MMS_ENCRYPTION_KEY": testEncryptionKey})
	g.do(benchAdminKey, `mutation { createTeam(input: {id: "clinic", name: "Clinic"}) { id } }`, nil)
	records := benchPatients(2000, func(i int) int { return i % 2 })
	for _, ds := range []struct {
		id        string
		sensitive bool
	}{{"plain", false}, {"sealed", true}} {
		g.do(benchAdminKey, `mutation($id: ID!, $n: String!, $s: Boolean) { createDataset(input: {id: $id, name: $n, team: "clinic", keyField: "id", fields: [`+benchPatientFields+`]}) { id } }`,
			map[string]any{"id": ds.id, "n": ds.id, "s": ds.sensitive})
		g.ingest(benchAdminKey, ds.id, records)
	}
	query := func(dataset string, eq bool) []byte {
		where := ""
		if eq {
			where = `, where: [{field: "phone", op: "eq", value: "555-1234"}]`
		}
		q := fmt.Sprintf(`{ documents(dataset: %q, first: 100%s) { totalCount edges { cursor node { key fields version } } } }`, dataset, where)
		d := g.do(benchAdminKey, q, nil)["documents"].(map[string]any)
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
	for b.Loop() {
		tPlain += g.timed(benchAdminKey, plain)
		tSealed += g.timed(benchAdminKey, sealed)
		tPlainEq += g.timed(benchAdminKey, plainEq)
		tSealedEq += g.timed(benchAdminKey, sealedEq)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tPlain.Microseconds())/n, "plain-µs")
	b.ReportMetric(float64(tSealed.Microseconds())/n, "sealed-µs")
	b.ReportMetric(float64(tPlainEq.Microseconds())/n, "plaineq-µs")
	b.ReportMetric(float64(tSealedEq.Microseconds())/n, "sealedeq-µs")
	b.ReportMetric(100*tSealed.Seconds()/tPlain.Seconds(), "sealed/plain-%")
	b.ReportMetric(100*tSealedEq.Seconds()/tPlainEq.Seconds(), "sealedeq/plaineq-%")
}
