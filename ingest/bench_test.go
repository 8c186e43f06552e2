package ingest_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

// pimaSpec is a realistic cleaning spec for the Pima CSV: zeros mean missing in five
// columns, every column typed and range-checked.
func pimaSpec() ingest.Spec {
	return ingest.Spec{
		Rules: []ingest.Rule{
			{Op: "missing", Fields: []string{"glucose", "blood_pressure", "skin_thickness", "insulin", "bmi"}, Values: []any{0.0}},
		},
		Fields: []model.FieldSpec{
			{Name: "pregnancies", Type: model.FieldInt, Required: true, Min: f64(0), Max: f64(30)},
			{Name: "glucose", Type: model.FieldInt, Min: f64(1), Max: f64(600)},
			{Name: "blood_pressure", Type: model.FieldInt, Min: f64(1), Max: f64(250)},
			{Name: "skin_thickness", Type: model.FieldInt, Min: f64(1), Max: f64(100)},
			{Name: "insulin", Type: model.FieldInt, Min: f64(1), Max: f64(1000)},
			{Name: "bmi", Type: model.FieldFloat, Min: f64(10), Max: f64(80)},
			{Name: "pedigree", Type: model.FieldFloat, Required: true, Min: f64(0), Max: f64(5)},
			{Name: "age", Type: model.FieldInt, Required: true, Min: f64(0), Max: f64(120)},
			{Name: "outcome", Type: model.FieldInt, Required: true, Enum: []string{"0", "1"}},
		},
	}
}

// BenchmarkPipelinePima measures one goroutine reading, cleaning, checking and
// profiling Pima CSV rows (the 768 rows repeated 20 times per op).
func BenchmarkPipelinePima(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "ingest", "pima-diabetes.csv"))
	if err != nil {
		b.Fatal(err)
	}
	header, body, _ := bytes.Cut(src, []byte("\n"))
	data := append(append([]byte{}, header...), '\n')
	for range 20 {
		data = append(data, body...)
	}
	spec := pimaSpec()
	p, err := ingest.Compile(spec, []string{"pregnancies", "glucose", "blood_pressure", "skin_thickness", "insulin", "bmi", "pedigree", "age", "outcome"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		rd, err := ingest.NewReader(bytes.NewReader(data), ingest.ReadOptions{Format: ingest.FormatCSV})
		if err != nil {
			b.Fatal(err)
		}
		prof := p.NewProfile()
		for {
			row, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			doc, reasons := p.Apply(row)
			if reasons != nil {
				b.Fatalf("line %d rejected: %q", row.Line, reasons)
			}
			prof.Add(doc)
			rows++
		}
		if fails := spec.Checks.Evaluate(prof); fails != nil {
			b.Fatal(fails)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
