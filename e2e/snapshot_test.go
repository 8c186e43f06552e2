package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/mms-platform/mms/snapshot"
)

// snapRecords ingests records (NDJSON, key from "id") into dataset and waits.
func (s *testServer) snapIngest(t *testing.T, token, dataset string, records []any) map[string]any {
	t.Helper()
	r := s.mustGQL(t, token, `mutation($d: ID!, $r: [JSON!]!) { ingest(input: {dataset: $d, source: "s", format: NDJSON, mode: UPSERT, key: {from: "id"}, records: $r}) { id } }`,
		map[string]any{"d": dataset, "r": records})
	job := s.waitJob(t, token, r.str("ingest", "id"))
	if job["status"] != "SUCCEEDED" {
		t.Fatalf("ingest: %v", job)
	}
	return job
}

// snapVersions returns the dataset's versions as the token sees them.
func (s *testServer) snapVersions(t *testing.T, token, dataset string) []map[string]any {
	t.Helper()
	r := s.mustGQL(t, token, `query($d: ID!) { dataset(id: $d) { versions(first: 50) { totalCount edges { node {
		version createdAt rows ingestion snapshot { status bytes sha256 } } } } } }`, map[string]any{"d": dataset})
	var out []map[string]any
	edges, _ := r.get("dataset", "versions", "edges").([]any)
	for _, e := range edges {
		out = append(out, e.(map[string]any)["node"].(map[string]any))
	}
	return out
}

// snapWaitReady waits until the given version's snapshot is ready.
func (s *testServer) snapWaitReady(t *testing.T, dataset string, version int) map[string]any {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		for _, v := range s.snapVersions(t, testAdminKey, dataset) {
			if num(v["version"]) != version {
				continue
			}
			sn, _ := v["snapshot"].(map[string]any)
			switch sn["status"] {
			case "ready":
				return v
			case "failed":
				t.Fatalf("snapshot of %s v%d failed: %v", dataset, version, v)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("snapshot of %s v%d not ready in time", dataset, version)
	return nil
}

// snapRead opens a stored snapshot by SHA-256 and returns its rows by key.
func (s *testServer) snapRead(t *testing.T, sha string) (map[string]map[string]any, *snapshot.Reader) {
	t.Helper()
	f, size, err := s.app.Store.OpenSnapshotFile(context.Background(), sha+".parquet")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r, err := snapshot.Open(f, size)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range r.Columns() {
		names = append(names, c.Name)
	}
	rows := map[string]map[string]any{}
	prev := ""
	err = r.Scan(names, true, func(b *snapshot.Batch) error {
		for i, k := range b.Keys {
			if k <= prev {
				return fmt.Errorf("keys out of order: %q after %q", k, prev)
			}
			prev = k
			row := map[string]any{}
			for c, v := range b.Cols {
				row[names[c]] = v.Value(i)
			}
			rows[k] = row
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows, r
}

func snapSetup(t *testing.T, s *testServer) {
	t.Helper()
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "lab", name: "Lab"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "obs", name: "Obs", team: "lab", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "region", type: CATEGORY}, {name: "glucose", type: FLOAT}, {name: "visits", type: INT},
		{name: "smoker", type: BOOL}, {name: "ssn", type: STRING, sensitive: true}, {name: "outcome", type: INT}]}) { id } }`, nil)
}

// snapRows makes n deterministic records; every 7th has no glucose.
func snapRows(n, offset int) []any {
	regions := []string{"north", "south", "east"}
	var out []any
	for i := range n {
		j := i + offset
		r := map[string]any{"id": fmt.Sprintf("r%04d", j), "region": regions[j%3], "visits": j % 5, "smoker": j%2 == 0,
			"ssn": fmt.Sprintf("SSN-%04d", j%10), "outcome": (j / 3) % 2}
		if j%7 != 0 {
			r["glucose"] = 80 + float64(j%40) + 0.5
		}
		out = append(out, r)
	}
	return out
}

// TestSnapshotBuiltAfterIngestion: each committed version gets a Parquet
// snapshot (key order, one column per field, the sensitive field sealed with
// its blind index beside it); its size and SHA-256 are on the version.
func TestSnapshotBuiltAfterIngestion(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	snapSetup(t, s)
	s.snapIngest(t, testAdminKey, "obs", snapRows(50, 0))
	v1 := s.snapWaitReady(t, "obs", 1)
	if num(v1["rows"]) != 50 || v1["ingestion"] == nil {
		t.Fatalf("version 1: %v", v1)
	}
	sn := v1["snapshot"].(map[string]any)
	sha, _ := sn["sha256"].(string)
	if len(sha) != 64 || num(sn["bytes"]) <= 0 {
		t.Fatalf("snapshot info: %v", sn)
	}
	rows, r := s.snapRead(t, sha)
	if len(rows) != 50 || r.Version != 1 || r.Dataset != "obs" {
		t.Fatalf("rows %d version %d dataset %q", len(rows), r.Version, r.Dataset)
	}
	got := rows["r0008"]
	if got["region"] != "east" || got["glucose"] != 88.5 || got["visits"] != int64(3) || got["smoker"] != true {
		t.Fatalf("row r0008: %v", got)
	}
	if rows["r0007"]["glucose"] != nil {
		t.Fatalf("a missing value is null: %v", rows["r0007"])
	}
	sealed, ok := got["ssn"].(snapshot.Sealed)
	if !ok || len(sealed.Bytes) == 0 || len(sealed.Index) == 0 || string(sealed.Bytes) == "SSN-0008" {
		t.Fatalf("ssn is not sealed with a blind index: %#v", got["ssn"])
	}
	// Equal values have equal blind indexes (COUNT_DISTINCT works on them).
	if rows["r0018"]["ssn"].(snapshot.Sealed).Index != sealed.Index || rows["r0009"]["ssn"].(snapshot.Sealed).Index == sealed.Index {
		t.Fatal("blind indexes do not follow values")
	}
	// A second ingestion makes version 2 with its own snapshot.
	s.snapIngest(t, testAdminKey, "obs", snapRows(10, 50))
	v2 := s.snapWaitReady(t, "obs", 2)
	if num(v2["rows"]) != 60 || v2["snapshot"].(map[string]any)["sha256"] == sha {
		t.Fatalf("version 2: %v", v2)
	}
	vs := s.snapVersions(t, testAdminKey, "obs")
	if len(vs) != 2 || num(vs[0]["version"]) != 2 || num(vs[1]["version"]) != 1 {
		t.Fatalf("versions: %v", vs)
	}
}

// snapTrain trains model on obs (label outcome) and returns the model version.
func (s *testServer) snapTrain(t *testing.T, model string, version any) map[string]any {
	t.Helper()
	r := s.mustGQL(t, testAdminKey, `mutation($m: ID!, $v: Int) { train(input: {model: $m, dataset: "obs", label: "outcome",
		features: ["glucose", "visits", "region", "smoker"], seed: 7, datasetVersion: $v}) { id } }`, map[string]any{"m": model, "v": version})
	job := s.waitJob(t, testAdminKey, r.str("train", "id"))
	if job["status"] != "SUCCEEDED" {
		t.Fatalf("train: %v", job)
	}
	n := num(job["result"].(map[string]any)["version"])
	v := s.mustGQL(t, testAdminKey, `query($m: ID!, $n: Int) { modelVersion(model: $m, version: $n) { version datasetVersion snapshotSha256 intercept coefficients { feature value } } }`,
		map[string]any{"m": model, "n": n})
	return v.get("modelVersion").(map[string]any)
}

// TestSnapshotTrainOlderVersion: training reads a version's snapshot; an
// older version is trained with datasetVersion, the model version records the
// snapshot it read, and the same spec, seed and version give identical
// coefficients.
func TestSnapshotTrainOlderVersion(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	snapSetup(t, s)
	s.snapIngest(t, testAdminKey, "obs", snapRows(120, 0))
	sha1 := s.snapWaitReady(t, "obs", 1)["snapshot"].(map[string]any)["sha256"]
	// Version 2 changes labels and adds rows.
	v2rows := snapRows(60, 100)
	for _, r := range v2rows {
		r.(map[string]any)["outcome"] = 1 - r.(map[string]any)["outcome"].(int)
	}
	s.snapIngest(t, testAdminKey, "obs", v2rows)
	sha2 := s.snapWaitReady(t, "obs", 2)["snapshot"].(map[string]any)["sha256"]

	a := s.snapTrain(t, "m1", 1)
	b := s.snapTrain(t, "m1", 1)
	if num(a["datasetVersion"]) != 1 || a["snapshotSha256"] != sha1 || b["snapshotSha256"] != sha1 {
		t.Fatalf("trained on %v %v, want version 1 %v", a["datasetVersion"], a["snapshotSha256"], sha1)
	}
	if fmt.Sprint(a["coefficients"], a["intercept"]) != fmt.Sprint(b["coefficients"], b["intercept"]) {
		t.Fatalf("retraining differs:\n%v\n%v", a["coefficients"], b["coefficients"])
	}
	c := s.snapTrain(t, "m1", nil)
	if num(c["datasetVersion"]) != 2 || c["snapshotSha256"] != sha2 {
		t.Fatalf("default version: %v %v", c["datasetVersion"], c["snapshotSha256"])
	}
	if fmt.Sprint(a["coefficients"]) == fmt.Sprint(c["coefficients"]) {
		t.Fatal("versions 1 and 2 trained the same model")
	}
	// A version that does not exist is refused when queued.
	r := s.gql(t, testAdminKey, `mutation { train(input: {model: "m1", dataset: "obs", label: "outcome", datasetVersion: 3}) { id } }`, nil)
	if !r.hasCode("BAD_USER_INPUT") {
		t.Fatalf("datasetVersion 3: %+v", r.Errors)
	}
}

// TestSnapshotVersionBeforeSnapshots: a version committed before snapshots
// existed (no version record, no file) is listed and gets its snapshot on
// first use.
func TestSnapshotVersionBeforeSnapshots(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	snapSetup(t, s)
	s.snapIngest(t, testAdminKey, "obs", snapRows(80, 0))
	sha := s.snapWaitReady(t, "obs", 1)["snapshot"].(map[string]any)["sha256"].(string)
	ctx := context.Background()
	if err := s.app.Store.DeleteDatasetVersion(ctx, "obs", 1); err != nil {
		t.Fatal(err)
	}
	if err := s.app.Store.DeleteSnapshotFile(ctx, sha+".parquet"); err != nil {
		t.Fatal(err)
	}
	vs := s.snapVersions(t, testAdminKey, "obs")
	if len(vs) != 1 || num(vs[0]["version"]) != 1 || num(vs[0]["rows"]) != 80 || vs[0]["snapshot"].(map[string]any)["status"] != "pending" {
		t.Fatalf("versions: %v", vs)
	}
	v := s.snapTrain(t, "m", nil)
	rebuilt := s.snapWaitReady(t, "obs", 1)["snapshot"].(map[string]any)["sha256"].(string)
	if v["snapshotSha256"] != rebuilt || num(v["datasetVersion"]) != 1 {
		t.Fatalf("trained on %v (want the rebuilt snapshot %s)", v["snapshotSha256"], rebuilt)
	}
	if rows, _ := s.snapRead(t, rebuilt); len(rows) != 80 {
		t.Fatalf("rebuilt snapshot has %d rows", len(rows))
	}
}

// snapComparable is a snapshot row with sealed values reduced to their blind
// index (sealing is randomized: the bytes differ between two seals).
func snapComparable(rows map[string]map[string]any) string {
	out := map[string]map[string]any{}
	for k, r := range rows {
		c := map[string]any{}
		for f, v := range r {
			if sv, ok := v.(snapshot.Sealed); ok {
				v = "sealed:" + sv.Index
			}
			c[f] = v
		}
		out[k] = c
	}
	return fmt.Sprint(out)
}

// TestSnapshotDeltaMatchesScan: a version's snapshot built from the previous
// snapshot and the ingestion's writes (no store scan) has the rows a scan of
// the store gives.
func TestSnapshotDeltaMatchesScan(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	snapSetup(t, s)
	s.snapIngest(t, testAdminKey, "obs", snapRows(70, 0))
	s.snapWaitReady(t, "obs", 1)
	// Version 2 updates some rows (values, a null), repeats a key, adds rows.
	upd := snapRows(30, 50)
	for _, r := range upd[:10] {
		m := r.(map[string]any)
		m["glucose"], m["ssn"] = 200.25, "SSN-NEW"
		delete(m, "visits")
	}
	upd = append(upd, map[string]any{"id": "r0060", "region": "west", "glucose": 1.5, "visits": 9, "smoker": true, "ssn": "SSN-LAST", "outcome": 1})
	s.snapIngest(t, testAdminKey, "obs", upd)
	sha := s.snapWaitReady(t, "obs", 2)["snapshot"].(map[string]any)["sha256"].(string)
	s.app.Service.WaitSnapshots()
	delta, _ := s.snapRead(t, sha)
	if d, sc := s.app.Service.SnapshotBuilds(); d != 2 || sc != 0 {
		t.Fatalf("builds: %d from writes, %d by scan; want both versions from the ingestions' writes", d, sc)
	}
	// The same version rebuilt by a scan of the store.
	ctx := context.Background()
	if err := s.app.Store.DeleteDatasetVersion(ctx, "obs", 2); err != nil {
		t.Fatal(err)
	}
	s.mustGQL(t, testAdminKey, `{ aggregate(dataset: "obs", metrics: [{op: COUNT}]) { version } }`, nil)
	sha2 := s.snapWaitReady(t, "obs", 2)["snapshot"].(map[string]any)["sha256"].(string)
	scan, _ := s.snapRead(t, sha2)
	if _, sc := s.app.Service.SnapshotBuilds(); sc != 1 {
		t.Fatalf("%d scans, want 1", sc)
	}
	if sha2 == sha || len(delta) != 80 || snapComparable(delta) != snapComparable(scan) {
		t.Fatalf("delta-built and scanned snapshots differ (%s vs %s):\n%v\n%v", sha, sha2, snapComparable(delta), snapComparable(scan))
	}
	if r := delta["r0060"]; r["region"] != "west" || r["visits"] != int64(9) || delta["r0051"]["visits"] != nil || delta["r0051"]["glucose"] != 200.25 {
		t.Fatalf("rows: %v %v", r, delta["r0051"])
	}
}

// TestSnapshotRetention: the sweep keeps the last MMS_SNAPSHOT_KEEP snapshots
// and those a model version trained on, and deletes the rest.
func TestSnapshotRetention(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, map[string]string{"MMS_SNAPSHOT_KEEP": "1"})
	snapSetup(t, s)
	s.snapIngest(t, testAdminKey, "obs", snapRows(40, 0))
	s.snapWaitReady(t, "obs", 1)
	s.snapTrain(t, "m", nil) // references version 1's snapshot
	s.snapIngest(t, testAdminKey, "obs", snapRows(5, 40))
	sha2 := s.snapWaitReady(t, "obs", 2)["snapshot"].(map[string]any)["sha256"].(string)
	s.snapIngest(t, testAdminKey, "obs", snapRows(5, 45))
	s.snapWaitReady(t, "obs", 3)
	s.app.Service.WaitSnapshots()
	status := map[int]any{}
	for _, v := range s.snapVersions(t, testAdminKey, "obs") {
		status[num(v["version"])] = v["snapshot"].(map[string]any)["status"]
	}
	if status[1] != "ready" || status[2] != "deleted" || status[3] != "ready" {
		t.Fatalf("statuses after the sweep: %v", status)
	}
	if _, _, err := s.app.Store.OpenSnapshotFile(context.Background(), sha2+".parquet"); err == nil {
		t.Fatal("version 2's file is still stored")
	}
	// Training on a swept version says why it cannot.
	r := s.mustGQL(t, testAdminKey, `mutation { train(input: {model: "m", dataset: "obs", label: "outcome", features: ["glucose"], datasetVersion: 2}) { id } }`, nil)
	job := s.waitJob(t, testAdminKey, r.str("train", "id"))
	if job["status"] != "FAILED" || job["errorCode"] != "NOT_FOUND" {
		t.Fatalf("train on a swept version: %v", job)
	}
}

const snapAggQ = `query($v: Int, $w: [FieldFilter!], $g: [String!], $m: [MetricInput!]!) {
	aggregate(dataset: "obs", version: $v, where: $w, groupBy: $g, metrics: $m) { version groups { key count values } } }`

// snapExpect computes the expected aggregate of records in Go.
type snapAgg struct {
	count            int
	gN               int
	gSum, gMin, gMax float64
	gVals            []float64
	ssn, visits      map[any]bool
}

func snapGroups(records []any, keep func(map[string]any) bool, key func(map[string]any) string) map[string]*snapAgg {
	out := map[string]*snapAgg{}
	for _, rec := range records {
		r := rec.(map[string]any)
		if keep != nil && !keep(r) {
			continue
		}
		k := key(r)
		a := out[k]
		if a == nil {
			a = &snapAgg{gMin: 1e300, gMax: -1e300, ssn: map[any]bool{}, visits: map[any]bool{}}
			out[k] = a
		}
		a.count++
		if g, ok := r["glucose"].(float64); ok {
			a.gN++
			a.gSum += g
			a.gMin, a.gMax = min(a.gMin, g), max(a.gMax, g)
			a.gVals = append(a.gVals, g)
		}
		a.ssn[r["ssn"]] = true
		a.visits[r["visits"]] = true
	}
	return out
}

func snapStd(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)-1))
}

func snapClose(a any, b float64) bool {
	f, ok := a.(float64)
	return ok && math.Abs(f-b) <= 1e-9*math.Max(1, math.Abs(b))
}

// TestSnapshotAggregate: every op, nulls, groupBy, where, sealed fields
// (COUNT and COUNT_DISTINCT on blind indexes, numeric ops refused), the
// caller's view (hidden fields and masked sensitive fields refused, a share's
// row filter applied), and older versions.
func TestSnapshotAggregate(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	snapSetup(t, s)
	recs := snapRows(200, 0)
	s.snapIngest(t, testAdminKey, "obs", recs)
	s.snapWaitReady(t, "obs", 1)
	metrics := []any{
		map[string]any{"op": "COUNT"}, map[string]any{"op": "COUNT", "field": "glucose"}, map[string]any{"op": "SUM", "field": "glucose"},
		map[string]any{"op": "MEAN", "field": "glucose"}, map[string]any{"op": "MIN", "field": "glucose"}, map[string]any{"op": "MAX", "field": "glucose"},
		map[string]any{"op": "STDDEV", "field": "glucose"}, map[string]any{"op": "COUNT_DISTINCT", "field": "ssn"},
		map[string]any{"op": "COUNT_DISTINCT", "field": "visits"}, map[string]any{"op": "MAX", "field": "visits"},
	}
	check := func(token string, vars map[string]any, keep func(map[string]any) bool, key func(map[string]any) string) {
		t.Helper()
		r := s.mustGQL(t, token, snapAggQ, vars)
		want := snapGroups(recs, keep, key)
		groups := r.get("aggregate", "groups").([]any)
		if len(groups) != len(want) {
			t.Fatalf("%v: %d groups, want %d: %v", vars, len(groups), len(want), groups)
		}
		for _, g := range groups {
			g := g.(map[string]any)
			kb, _ := json.Marshal(g["key"])
			w := want[string(kb)]
			if w == nil {
				t.Fatalf("unexpected group %s (want %v)", kb, want)
			}
			v := g["values"].([]any)
			ok := num(g["count"]) == w.count && num(v[0]) == w.count && num(v[1]) == w.gN && snapClose(v[2], w.gSum) &&
				num(v[7]) == len(w.ssn) && num(v[8]) == len(w.visits)
			if w.gN > 0 {
				ok = ok && snapClose(v[3], w.gSum/float64(w.gN)) && snapClose(v[4], w.gMin) && snapClose(v[5], w.gMax)
			} else {
				ok = ok && v[3] == nil && v[4] == nil && v[5] == nil && v[6] == nil
			}
			if w.gN > 1 {
				ok = ok && snapClose(v[6], snapStd(w.gVals))
			}
			if !ok {
				t.Fatalf("group %s: %v, want %+v", kb, g, w)
			}
		}
	}
	region := func(r map[string]any) string { return fmt.Sprintf(`{"region":%q}`, r["region"]) }
	check(testAdminKey, map[string]any{"g": []any{"region"}, "m": metrics}, nil, region)
	check(testAdminKey, map[string]any{"m": metrics}, nil, func(map[string]any) string { return `{}` })
	// where (evaluated by the store) and groups of nulls only.
	check(testAdminKey, map[string]any{"g": []any{"region"}, "m": metrics, "w": []any{map[string]any{"field": "id", "op": "in", "value": []any{"r0000", "r0007", "r0014"}}}},
		func(r map[string]any) bool { return r["id"] == "r0000" || r["id"] == "r0007" || r["id"] == "r0014" }, region)
	check(testAdminKey, map[string]any{"g": []any{"region"}, "m": metrics, "w": []any{map[string]any{"field": "glucose", "op": "gt", "value": 100}}},
		func(r map[string]any) bool { g, ok := r["glucose"].(float64); return ok && g > 100 }, region)
	// Grouping by a sealed field (with read-sensitive) shows its values.
	check(testAdminKey, map[string]any{"g": []any{"ssn"}, "m": metrics}, nil, func(r map[string]any) string { return fmt.Sprintf(`{"ssn":%q}`, r["ssn"]) })
	// Numeric ops on a sealed field are refused.
	for _, op := range []string{"SUM", "MEAN", "MIN", "MAX", "STDDEV"} {
		r := s.gql(t, testAdminKey, snapAggQ, map[string]any{"m": []any{map[string]any{"op": op, "field": "ssn"}}})
		if !r.hasCode("BAD_USER_INPUT") {
			t.Fatalf("%s of a sealed field: %+v", op, r.Errors)
		}
	}
	for _, bad := range []map[string]any{
		{"m": []any{map[string]any{"op": "SUM"}}},
		{"m": []any{map[string]any{"op": "MEAN", "field": "region"}}},
		{"m": []any{map[string]any{"op": "COUNT", "field": "nope"}}},
		{"m": []any{}},
		{"v": 2, "m": []any{map[string]any{"op": "COUNT"}}},
	} {
		if r := s.gql(t, testAdminKey, snapAggQ, bad); !r.hasCode("BAD_USER_INPUT") {
			t.Fatalf("%v: %+v", bad, r.Errors)
		}
	}
	// A viewer without read-sensitive: COUNT_DISTINCT of the masked field
	// works on blind indexes; grouping or filtering by it is refused.
	viewer, _ := s.createKey(t, "lab", "VIEWER")
	check(viewer, map[string]any{"g": []any{"region"}, "m": metrics}, nil, region)
	if r := s.gql(t, viewer, snapAggQ, map[string]any{"g": []any{"ssn"}, "m": metrics}); !r.hasCode("FORBIDDEN") {
		t.Fatalf("viewer groups by a masked field: %+v", r.Errors)
	}
	// A partner sharing some fields and rows: hidden fields refused, rows filtered.
	owner, _ := s.createKey(t, "lab", "OWNER")
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "ext", name: "Ext"}) { id } }`, nil)
	partner, _ := s.createKey(t, "ext", "PARTNER")
	s.mustGQL(t, owner, `mutation { shareDataset(input: {dataset: "obs", team: "ext", role: PARTNER, fields: ["region", "glucose", "visits", "ssn"],
		rowFilter: [{field: "region", op: "ne", value: "south"}]}) { team } }`, nil)
	notSouth := func(r map[string]any) bool { return r["region"] != "south" }
	check(partner, map[string]any{"g": []any{"region"}, "m": metrics}, notSouth, region)
	for _, bad := range []map[string]any{
		{"g": []any{"smoker"}, "m": []any{map[string]any{"op": "COUNT"}}},
		{"m": []any{map[string]any{"op": "SUM", "field": "outcome"}}},
		{"w": []any{map[string]any{"field": "outcome", "op": "eq", "value": 1}}, "m": []any{map[string]any{"op": "COUNT"}}},
		{"g": []any{"ssn"}, "m": []any{map[string]any{"op": "COUNT"}}},
	} {
		if r := s.gql(t, partner, snapAggQ, bad); !r.hasCode("FORBIDDEN") {
			t.Fatalf("partner %v: %+v", bad, r.Errors)
		}
	}
	// Older versions: readable by the team; not through a row filter.
	s.snapIngest(t, testAdminKey, "obs", snapRows(10, 200))
	s.snapWaitReady(t, "obs", 2)
	check(testAdminKey, map[string]any{"v": 1, "g": []any{"region"}, "m": metrics}, nil, region)
	if r := s.gql(t, partner, snapAggQ, map[string]any{"v": 1, "m": []any{map[string]any{"op": "COUNT"}}}); !r.hasCode("BAD_USER_INPUT") {
		t.Fatalf("partner on version 1: %+v", r.Errors)
	}
}

// snapGet fetches a URL path with a token and returns the status and body.
func (s *testServer) snapGet(t *testing.T, token, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestSnapshotExport: GET /datasets/{id}/export streams a version in the
// caller's view (hidden fields dropped, the share's rows only, sensitive
// values "***" without read-sensitive and opened with it), in Parquet (read
// back with the library), CSV and NDJSON; older versions; audited.
func TestSnapshotExport(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	snapSetup(t, s)
	recs := snapRows(30, 0)
	s.snapIngest(t, testAdminKey, "obs", recs)
	s.snapWaitReady(t, "obs", 1)
	byID := map[string]map[string]any{}
	for _, r := range recs {
		byID[r.(map[string]any)["id"].(string)] = r.(map[string]any)
	}

	// Parquet, read back with parquet-go: every row and column, ssn opened.
	code, body := s.snapGet(t, testAdminKey, "/datasets/obs/export?format=parquet")
	if code != 200 {
		t.Fatalf("export: %d %s", code, body)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != 30 {
		t.Fatalf("parquet rows %d", pf.NumRows())
	}
	for _, col := range []string{"_key", "id", "region", "glucose", "visits", "smoker", "ssn", "outcome"} {
		if _, ok := pf.Schema().Lookup(col); !ok {
			t.Fatalf("no column %q in %v", col, pf.Schema())
		}
	}
	if _, ok := pf.Schema().Lookup("ssn__bidx"); ok {
		t.Fatal("an export carries blind indexes")
	}
	rows := snapRows2(t, body)
	sum := 0.0
	for k, r := range rows {
		want := byID[k]
		if r["ssn"] != want["ssn"] || r["region"] != want["region"] || r["visits"] != int64(want["visits"].(int)) {
			t.Fatalf("row %s: %v, want %v", k, r, want)
		}
		if g, ok := want["glucose"].(float64); ok {
			sum += g
			if r["glucose"] != g {
				t.Fatalf("row %s glucose %v", k, r["glucose"])
			}
		} else if r["glucose"] != nil {
			t.Fatalf("row %s: null glucose exported as %v", k, r["glucose"])
		}
	}
	// A viewer (no read-sensitive) gets "***" in CSV.
	viewer, _ := s.createKey(t, "lab", "VIEWER")
	code, body = s.snapGet(t, viewer, "/datasets/obs/export?format=csv")
	if code != 200 {
		t.Fatalf("viewer csv: %d %s", code, body)
	}
	recsCSV, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recsCSV) != 31 {
		t.Fatalf("csv: %d records, %v", len(recsCSV), err)
	}
	hdr := map[string]int{}
	for i, h := range recsCSV[0] {
		hdr[h] = i
	}
	gsum := 0.0
	for _, r := range recsCSV[1:] {
		if r[hdr["ssn"]] != "***" || r[hdr["region"]] != byID[r[hdr["_key"]]]["region"] {
			t.Fatalf("viewer row %v", r)
		}
		if g := r[hdr["glucose"]]; g != "" {
			f, _ := strconv.ParseFloat(g, 64)
			gsum += f
		}
	}
	if math.Abs(gsum-sum) > 1e-9 {
		t.Fatalf("csv glucose sum %v, parquet %v", gsum, sum)
	}
	// A partner: shared fields and rows only, ssn masked, in NDJSON.
	owner, _ := s.createKey(t, "lab", "OWNER")
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "ext", name: "Ext"}) { id } }`, nil)
	partner, _ := s.createKey(t, "ext", "PARTNER")
	s.mustGQL(t, owner, `mutation { shareDataset(input: {dataset: "obs", team: "ext", role: PARTNER, fields: ["region", "glucose", "ssn"],
		rowFilter: [{field: "region", op: "eq", value: "north"}]}) { team } }`, nil)
	code, body = s.snapGet(t, partner, "/datasets/obs/export?format=ndjson")
	if code != 200 {
		t.Fatalf("partner ndjson: %d %s", code, body)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	north := 0
	for _, r := range recs {
		if r.(map[string]any)["region"] == "north" {
			north++
		}
	}
	if len(lines) != north {
		t.Fatalf("partner got %d rows, want %d (north only)", len(lines), north)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("ndjson line %q: %v", l, err)
		}
		for k := range m {
			if k != "_key" && k != "id" && k != "region" && k != "glucose" && k != "ssn" {
				t.Fatalf("partner sees hidden field %q: %v", k, m)
			}
		}
		if m["region"] != "north" || m["ssn"] != "***" {
			t.Fatalf("partner row %v", m)
		}
	}
	// Older versions: the team reads them; a row-limited partner may not.
	s.snapIngest(t, testAdminKey, "obs", snapRows(5, 30))
	s.snapWaitReady(t, "obs", 2)
	code, body = s.snapGet(t, testAdminKey, "/datasets/obs/export?format=parquet&version=1")
	if pf, err := parquet.OpenFile(bytes.NewReader(body), int64(len(body))); code != 200 || err != nil || pf.NumRows() != 30 {
		t.Fatalf("version 1: %d %v", code, err)
	}
	if code, body := s.snapGet(t, partner, "/datasets/obs/export?format=csv&version=1"); code != 400 {
		t.Fatalf("partner version 1: %d %s", code, body)
	}
	for path, want := range map[string]int{
		"/datasets/obs/export?format=xlsx":    400,
		"/datasets/obs/export?version=x":      400,
		"/datasets/obs/export?version=9":      400,
		"/datasets/nope/export?format=csv":    404,
		"/datasets/obs/export?format=parquet": 401,
	} {
		tok := testAdminKey
		if want == 401 {
			tok = ""
		}
		if code, body := s.snapGet(t, tok, path); code != want {
			t.Errorf("%s: %d %s, want %d", path, code, body, want)
		}
	}
	// Audited: the admin's opened export and the viewer's masked one.
	a := s.mustGQL(t, testAdminKey, `{ auditLog(first: 200) { edges { node { action resource summary } } } }`, nil)
	b, _ := json.Marshal(a.Data)
	if !strings.Contains(string(b), "export dataset obs version 1 as parquet; sensitive fields opened: ssn: 30 rows") ||
		!strings.Contains(string(b), "export dataset obs version 1 as csv; masked: ssn: 30 rows") {
		t.Fatalf("exports not audited: %s", b)
	}
}

// snapRows2 reads an exported Parquet file (plain columns) into rows by key.
func snapRows2(t *testing.T, body []byte) map[string]map[string]any {
	t.Helper()
	r, err := snapshot.Open(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range r.Columns() {
		names = append(names, c.Name)
	}
	out := map[string]map[string]any{}
	err = r.Scan(names, true, func(b *snapshot.Batch) error {
		for i, k := range b.Keys {
			row := map[string]any{}
			for c, v := range b.Cols {
				row[names[c]] = v.Value(i)
			}
			out[k] = row
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSnapshotExportPassThrough: without anything to hide, mask or open, the
// Parquet export is the snapshot's own bytes (its SHA-256).
func TestSnapshotExportPassThrough(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "lab", name: "Lab"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation { createDataset(input: {id: "obs", name: "Obs", team: "lab", keyField: "id", fields: [
		{name: "id", type: STRING}, {name: "region", type: CATEGORY}, {name: "glucose", type: FLOAT}, {name: "visits", type: INT}]}) { id } }`, nil)
	var recs []any
	for _, r := range snapRows(40, 0) {
		m := r.(map[string]any)
		delete(m, "ssn")
		delete(m, "smoker")
		delete(m, "outcome")
		recs = append(recs, m)
	}
	s.snapIngest(t, testAdminKey, "obs", recs)
	sha := s.snapWaitReady(t, "obs", 1)["snapshot"].(map[string]any)["sha256"].(string)
	code, body := s.snapGet(t, testAdminKey, "/datasets/obs/export?format=parquet")
	sum := sha256.Sum256(body)
	if code != 200 || hex.EncodeToString(sum[:]) != sha {
		t.Fatalf("export %d: sha %x, snapshot %s", code, sum, sha)
	}
	if rows := snapRows2(t, body); len(rows) != 40 {
		t.Fatalf("%d rows", len(rows))
	}
}
