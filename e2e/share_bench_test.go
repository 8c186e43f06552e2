package e2e

import (
	"encoding/json"
	"testing"
	"time"
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
	g := benchHTTP(b, map[string]string{"MMS_DB": "mms_sbench", "MMS_ENCRYPTION_KEY": testEncryptionKey})
	g.do(benchAdminKey, `mutation { a: createTeam(input: {id: "clinic", name: "Clinic"}) { id } b: createTeam(input: {id: "lab", name: "Lab"}) { id } }`, nil)
	owner, partner := g.key("clinic", "OWNER"), g.key("lab", "PARTNER")
	g.do(owner, `mutation($s: Boolean) { createDataset(input: {id: "patients", name: "Patients", team: "clinic", keyField: "id", fields: [`+benchPatientFields+`]}) { id } }`,
		map[string]any{"s": true})
	g.ingest(owner, "patients", benchPatients(sbenchRows, func(i int) int {
		if i%5 < 2 {
			return 1
		}
		return 0
	}))
	g.do(owner, `mutation { shareDataset(input: {dataset: "patients", team: "lab", role: PARTNER, fields: ["age", "glucose", "bmi", "outcome", "phone"],
		rowFilter: [{field: "outcome", op: "eq", value: 1}]}) { team } }`, nil)

	const page = `{ documents(dataset: "patients", first: 100) { totalCount edges { cursor node { key fields version } } } }`
	const pageRows = `{ documents(dataset: "patients", first: 100, where: [{field: "outcome", op: "eq", value: 1}]) { totalCount edges { cursor node { key fields version } } } }`
	check := func(token, q string, total, nfields int, masked bool) []byte {
		d := g.do(token, q, nil)["documents"].(map[string]any)
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
	for b.Loop() {
		tFull += g.timed(owner, full)
		tRows += g.timed(owner, rows)
		tScoped += g.timed(partner, scoped)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tFull.Microseconds())/n, "full-µs")
	b.ReportMetric(float64(tRows.Microseconds())/n, "rows-µs")
	b.ReportMetric(float64(tScoped.Microseconds())/n, "scoped-µs")
	b.ReportMetric(100*tScoped.Seconds()/tFull.Seconds(), "scoped/full-%")
	b.ReportMetric(100*tScoped.Seconds()/tRows.Seconds(), "scoped/rows-%")
}
