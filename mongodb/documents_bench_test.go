package mongodb

import (
	"context"
	"fmt"
	"testing"

	"github.com/mms-platform/mms/model"
)

// BenchmarkDocumentsByKey measures the two ways FerretDB can answer a batch of
// 1,000 keys (an ingestion's write batch) from datasets of several sizes: a
// lookup per key, 8 at a time, and one $in query, which FerretDB answers by
// reading the whole collection. DocumentsByKey picks the scan up to scanPerKey
// documents per key asked; ns/key of both sides at each size show where they
// cross. Pima-like documents of 9 numeric fields.
//
// Measured (BENCHMARKS.md): about 0.3 s a batch by lookups whatever the size,
// about 0.15 ms a document read by the scan (1,000: 0.16 s; 4,000: 0.56 s;
// 16,000: 2.1 s), so the two cross at about 2 documents per key.
func BenchmarkDocumentsByKey(b *testing.B) {
	db := openTestDB(b)
	if !db.ferret {
		b.Skip("the choice is FerretDB's: MongoDB answers $in from its index")
	}
	ctx := context.Background()
	const batch = 1000
	for _, n := range []int{1000, 4000, 16000} {
		id := fmt.Sprintf("byk%d", n)
		ds := &model.Dataset{ID: id, Name: id, Team: "t"}
		for _, f := range []string{"pregnancies", "glucose", "blood_pressure", "skin_thickness", "insulin", "bmi", "pedigree", "age", "outcome"} {
			ds.Fields = append(ds.Fields, model.FieldSpec{Name: f, Type: model.FieldFloat})
		}
		if err := db.CreateDataset(ctx, ds); err != nil {
			b.Fatal(err)
		}
		if err := db.EnsureDatasetCollection(ctx, id); err != nil {
			b.Fatal(err)
		}
		var writes []model.DocumentWrite
		for i := range n {
			f := map[string]any{}
			for j, spec := range ds.Fields {
				f[spec.Name] = float64((i*7+j*13)%200) / 3
			}
			writes = append(writes, model.DocumentWrite{Doc: &model.Document{Key: fmt.Sprintf("P%07d", i), Version: 1, Fields: f}})
		}
		for len(writes) > 0 {
			chunk := writes[:min(len(writes), 1000)]
			if conflicts, err := db.WriteDocuments(ctx, id, chunk); err != nil || len(conflicts) > 0 {
				b.Fatal(conflicts, err)
			}
			writes = writes[len(chunk):]
		}
		keys := make([]string, batch)
		for i := range keys {
			keys[i] = fmt.Sprintf("P%07d", i*n/batch)
		}
		for _, side := range []struct {
			name string
			get  func(context.Context, string, string, []string) (map[string]*model.Document, error)
		}{{"lookups", db.docsByKey}, {"scan", db.docsByKeyIn}} {
			b.Run(fmt.Sprintf("docs=%d/%s", n, side.name), func(b *testing.B) {
				for b.Loop() {
					got, err := side.get(ctx, id, dsCollection(id), keys)
					if err != nil || len(got) != batch {
						b.Fatalf("%d documents, %v", len(got), err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/key")
			})
		}
	}
}
