package ingest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"github.com/mms-platform/mms/ingest"
)

type reject struct {
	Line    int
	Reasons []string
}

type sourceRun struct {
	docs    []ingest.Doc
	rejects []reject
	fails   []string
	report  ingest.ProfileReport
}

// runSource does what the service does with one source: pass 1 (apply, profile,
// dataset checks) and pass 2 (apply again after Reset). It checks both passes agree.
func runSource(t *testing.T, file string, opts ingest.ReadOptions, spec ingest.Spec) sourceRun {
	t.Helper()
	pass := func(p *ingest.Pipeline, prof *ingest.Profile) ([]ingest.Doc, []reject) {
		rd, err := ingest.NewReader(openFixture(t, file), opts)
		if err != nil {
			t.Fatalf("%s: NewReader: %v", file, err)
		}
		var docs []ingest.Doc
		var rejects []reject
		for {
			row, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: Next: %v", file, err)
			}
			doc, reasons := p.Apply(row)
			if reasons != nil {
				rejects = append(rejects, reject{doc.Line, reasons})
				if prof != nil {
					prof.AddReject(reasons)
				}
				continue
			}
			if prof != nil {
				prof.Add(doc)
			}
			docs = append(docs, doc)
		}
		return docs, rejects
	}
	rd, err := ingest.NewReader(openFixture(t, file), opts)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ingest.Compile(spec, rd.Fields())
	if err != nil {
		t.Fatalf("%s: Compile: %v", file, err)
	}
	prof := p.NewProfile()
	docs, rejects := pass(p, prof)
	run := sourceRun{docs: docs, rejects: rejects, fails: spec.Checks.Evaluate(prof), report: prof.Report()}

	p.Reset()
	docs2, rejects2 := pass(p, nil)
	if !reflect.DeepEqual(docs, docs2) || !reflect.DeepEqual(rejects, rejects2) {
		t.Errorf("%s: pass 2 differs from pass 1", file)
	}
	return run
}

func loadClinicRules(t *testing.T) map[string]ingest.Spec {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "ingest", "clinic-rules.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	specs := map[string]ingest.Spec{}
	for name, r := range raw {
		s, err := ingest.ParseSpec(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		specs[name] = s
	}
	return specs
}

// pimaRows reads the reference data set: P0001... -> field -> value, with the zeros
// that mean missing (per the data README) as nil.
func pimaRows(t *testing.T) map[string]map[string]any {
	t.Helper()
	rows := readAll(t, openFixture(t, "pima-diabetes.csv"), ingest.ReadOptions{Format: ingest.FormatCSV})
	zeroMissing := map[string]bool{"glucose": true, "blood_pressure": true, "skin_thickness": true, "insulin": true, "bmi": true}
	out := map[string]map[string]any{}
	for i, r := range rows {
		m := map[string]any{}
		for k, v := range r.Values {
			s := v.(string)
			if k == "bmi" || k == "pedigree" {
				f, _ := strconv.ParseFloat(s, 64)
				m[k] = f
			} else {
				n, _ := strconv.ParseInt(s, 10, 64)
				m[k] = n
			}
			if zeroMissing[k] && (s == "0" || s == "0.0") {
				m[k] = nil
			}
		}
		out[fmt.Sprintf("P%04d", i+1)] = m
	}
	return out
}

func TestClinic_Integration(t *testing.T) {
	specs := loadClinicRules(t)
	sources := []struct {
		name    string
		file    string
		opts    ingest.ReadOptions
		rejects []reject
	}{
		{name: "patients", file: "clinic/patients.csv", opts: ingest.ReadOptions{Format: ingest.FormatCSV}, rejects: []reject{
			{770, []string{"key: duplicate P0003 (first at line 4)"}},
			{771, []string{`age: "abc" is not an int`}},
		}},
		{name: "labs", file: "clinic/labs.ndjson", opts: ingest.ReadOptions{Format: ingest.FormatNDJSON}, rejects: []reject{
			{769, []string{"invalid JSON: truncated (unexpected end of record)"}},
		}},
		{name: "exams", file: "clinic/exams.json", opts: ingest.ReadOptions{Format: ingest.FormatJSON}},
		{name: "outcomes", file: "clinic/outcomes.csv", opts: ingest.ReadOptions{Format: ingest.FormatCSV, Encoding: "auto"}},
	}
	if len(specs) != len(sources) {
		t.Fatalf("rules file has %d specs, want %d", len(specs), len(sources))
	}
	merged := map[string]map[string]any{}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			spec, ok := specs[src.name]
			if !ok {
				t.Fatalf("no spec %q in clinic-rules.json", src.name)
			}
			run := runSource(t, src.file, src.opts, spec)
			if !reflect.DeepEqual(run.rejects, src.rejects) {
				t.Errorf("rejects = %+v, want %+v", run.rejects, src.rejects)
			}
			if run.fails != nil {
				t.Errorf("dataset checks failed: %q", run.fails)
			}
			if got := len(run.docs); got != 768 {
				t.Errorf("accepted %d docs, want 768", got)
			}
			for _, d := range run.docs {
				m := merged[d.Key]
				if m == nil {
					m = map[string]any{}
					merged[d.Key] = m
				}
				for k, v := range d.Fields {
					if _, dup := m[k]; dup {
						t.Fatalf("%s: field %s of %s set by two sources", src.name, k, d.Key)
					}
					m[k] = v
				}
			}
		})
	}

	t.Run("P0001", func(t *testing.T) {
		want := map[string]any{
			"age": int64(50), "sex": "F", "pregnancies": int64(6),
			"glucose": int64(148), "insulin": nil, "pedigree": 0.627,
			"blood_pressure": int64(72), "skin_thickness": int64(35), "bmi": 33.6,
			"outcome": int64(1), "hepb_vaccinated": false,
		}
		if got := merged["P0001"]; !reflect.DeepEqual(got, want) {
			t.Errorf("P0001 = %#v\nwant   %#v", got, want)
		}
	})

	t.Run("every patient matches the Pima data set", func(t *testing.T) {
		pima := pimaRows(t)
		if len(merged) != len(pima) {
			t.Fatalf("merged %d patients, want %d", len(merged), len(pima))
		}
		keys := make([]string, 0, len(pima))
		for k := range pima {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		bad := 0
		for _, k := range keys {
			got := merged[k]
			for f, want := range pima[k] {
				g := got[f]
				if gf, ok := g.(float64); ok {
					if wf, ok := want.(float64); ok && math.Abs(gf-wf) < 1e-9 {
						continue
					}
				}
				if !reflect.DeepEqual(g, want) {
					if bad++; bad <= 10 {
						t.Errorf("%s.%s = %#v, want %#v", k, f, g, want)
					}
				}
			}
			if s := got["sex"]; s != "F" && s != "M" {
				t.Errorf("%s.sex = %#v", k, s)
			}
			if _, ok := got["hepb_vaccinated"].(bool); !ok {
				t.Errorf("%s.hepb_vaccinated = %#v", k, got["hepb_vaccinated"])
			}
		}
		if bad > 0 {
			t.Errorf("%d values differ from the Pima data set", bad)
		}
	})
}
