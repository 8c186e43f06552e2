package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// upload runs a GraphQL mutation with one file per the multipart request spec;
// vars must hold the file variable (set to nil) named by fileVar.
func (s *testServer) upload(t *testing.T, token, query string, vars map[string]any, fileVar, name string, data []byte) gqlResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", fmt.Sprintf(`{"0": ["variables.%s"]}`, fileVar))
	fw, _ := mw.CreateFormFile("0", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return s.post(t, token, mw.FormDataContentType(), body.Bytes())
}

// waitJob polls a job until it is final and returns it.
func (s *testServer) waitJob(t *testing.T, token, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		r := s.mustGQL(t, token, `query($id: ID!) { job(id: $id) { id status progress error errorCode result detail { phase rows } } }`, map[string]any{"id": id})
		job, _ := r.get("job").(map[string]any)
		switch job["status"] {
		case "SUCCEEDED", "FAILED", "CANCELLED":
			return job
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("job %s not final in time", id)
	return nil
}

// ingestFile uploads a file into a dataset and waits for the ingestion; it
// returns the job and the ingestion.
func (s *testServer) ingestFile(t *testing.T, token, dataset, source, format, mode, file string, spec any) (map[string]any, map[string]any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	q := `mutation($f: Upload!, $d: ID!, $s: String!, $fmt: Format!, $m: WriteMode, $spec: JSON) {
		ingest(input: {dataset: $d, source: $s, format: $fmt, mode: $m, file: $f, spec: $spec}) { id status } }`
	r := s.upload(t, token, q, map[string]any{"f": nil, "d": dataset, "s": source, "fmt": format, "m": mode, "spec": spec}, "f", filepath.Base(file), data)
	if len(r.Errors) > 0 {
		t.Fatalf("ingest %s: %+v", source, r.Errors)
	}
	job := s.waitJob(t, token, r.str("ingest", "id"))
	res, _ := job["result"].(map[string]any)
	ingID, _ := res["ingestion"].(string)
	ir := s.mustGQL(t, token, `query($id: ID!) { ingestion(id: $id) { id status read inserted updated unchanged rejected datasetVersion failedChecks error report
		rejects(first: 100) { totalCount edges { node { line reasons raw } } } } }`, map[string]any{"id": ingID})
	ing, _ := ir.get("ingestion").(map[string]any)
	return job, ing
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func TestClinicExample(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	ds, err := os.ReadFile(repoPath("examples/clinic/dataset.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dsIn map[string]any
	_ = json.Unmarshal(ds, &dsIn)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "clinic", name: "Clinic"}) { id } }`, nil)
	s.mustGQL(t, testAdminKey, `mutation($in: CreateDatasetInput!) { createDataset(input: $in) { id } }`, map[string]any{"in": dsIn})
	sources := []struct{ name, file, format string }{
		{"patients", "patients.csv", "CSV"}, {"labs", "labs.ndjson", "NDJSON"},
		{"exams", "exams.json", "JSON"}, {"outcomes", "outcomes.csv", "CSV"},
	}
	load := func() map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, src := range sources {
			b, err := os.ReadFile(repoPath("examples/clinic/rules/" + src.name + ".json"))
			if err != nil {
				t.Fatal(err)
			}
			var spec any
			_ = json.Unmarshal(b, &spec)
			start := time.Now()
			job, ing := s.ingestFile(t, testAdminKey, "clinic", src.name, src.format, "MERGE", repoPath("examples/clinic/"+src.file), spec)
			t.Logf("%s: %v in %v", src.name, job["result"], time.Since(start))
			if job["status"] != "SUCCEEDED" {
				t.Fatalf("%s: job %v", src.name, job)
			}
			out[src.name] = ing
		}
		return out
	}
	first := load()

	r := s.mustGQL(t, testAdminKey, `{ documents(dataset: "clinic", first: 1) { totalCount } document(dataset: "clinic", key: "P0001") { fields sources version } dataset(id: "clinic") { version documentCount } }`, nil)
	if n := num(r.get("documents", "totalCount")); n != 768 {
		t.Errorf("documents = %d, want 768", n)
	}
	f, _ := r.get("document", "fields").(map[string]any)
	want := map[string]any{"age": 50.0, "sex": "F", "pregnancies": 6.0, "glucose": 148.0, "pedigree": 0.627,
		"blood_pressure": 72.0, "skin_thickness": 35.0, "bmi": 33.6, "outcome": 1.0, "hepb_vaccinated": false, "insulin": nil}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("P0001.%s = %v, want %v", k, f[k], v)
		}
	}
	srcs, _ := r.get("document", "sources").(map[string]any)
	if len(srcs) != 4 {
		t.Errorf("P0001 sources = %v, want all four", srcs)
	}
	// Every document has fields from all four sources.
	all := s.mustGQL(t, testAdminKey, `{ documents(dataset: "clinic", first: 1000) { edges { node { key sources fields } } } }`, nil)
	edges, _ := all.get("documents", "edges").([]any)
	for _, e := range edges {
		n := e.(map[string]any)["node"].(map[string]any)
		if srcs, _ := n["sources"].(map[string]any); len(srcs) != 4 {
			t.Errorf("%v has sources %v, want all four", n["key"], srcs)
		}
		if f, _ := n["fields"].(map[string]any); f["age"] == nil || f["pedigree"] == nil || f["outcome"] == nil || f["hepb_vaccinated"] == nil {
			t.Errorf("%v lacks a required field: %v", n["key"], f)
		}
	}
	rejects := func(ing map[string]any) string {
		var out []string
		edges, _ := ing["rejects"].(map[string]any)["edges"].([]any)
		for _, e := range edges {
			n := e.(map[string]any)["node"].(map[string]any)
			out = append(out, fmt.Sprintf("%v:%v", n["line"], n["reasons"]))
		}
		return strings.Join(out, " | ")
	}
	for name, want := range map[string][]string{
		"patients": {"770:[key: duplicate P0003 (first at line 4)]", `771:[age: "abc" is not an int]`},
		"labs":     {"769:["},
	} {
		got := rejects(first[name])
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s rejects = %s, want %s", name, got, w)
			}
		}
	}
	if n := num(r.get("dataset", "version")); n != 4 {
		t.Errorf("dataset version = %d, want 4", n)
	}

	again := load()
	for name, ing := range again {
		if num(ing["inserted"]) != 0 || num(ing["updated"]) != 0 || num(ing["unchanged"]) != num(first[name]["inserted"])+num(first[name]["updated"])+num(first[name]["unchanged"]) {
			t.Errorf("re-running %s: %v", name, ing)
		}
	}
	r = s.mustGQL(t, testAdminKey, `{ dataset(id: "clinic") { version } }`, nil)
	if n := num(r.get("dataset", "version")); n != 4 {
		t.Errorf("dataset version after a no-op re-run = %d, want 4", n)
	}
}

// runLoadScript runs examples/clinic/load.sh against s with the admin key.
func runLoadScript(s *testServer) (string, error) {
	out, err := repoCommand("bash", "examples/clinic/load.sh", s.URL, testAdminKey).CombinedOutput()
	return string(out), err
}
