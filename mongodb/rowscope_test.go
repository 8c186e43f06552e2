package mongodb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mms-platform/mms/model"
)

// rowScopeFilters are share-like row filters over arrays, nulls, missing
// fields, mixed numeric types, dates and booleans (sealTestDocs).
var rowScopeFilters = [][]model.FieldFilter{
	{{Field: "plain", Op: "ne", Value: "plain-2"}},
	{{Field: "tags", Op: "eq", Value: "tag-1"}},
	{{Field: "tags", Op: "ne", Value: "tag-1"}},
	{{Field: "tags", Op: "nin", Value: []any{"tag-1", int64(3)}}},
	{{Field: "tags", Op: "in", Value: []any{int64(2), "tag-5"}}},
	{{Field: "n", Op: "eq", Value: int64(1)}}, // 1.0 in D4 equals 1
	{{Field: "n", Op: "gte", Value: 1.0}},
	{{Field: "ssn", Op: "eq", Value: nil}}, // null in D4, missing in D5
	{{Field: "ssn", Op: "ne", Value: nil}},
	{{Field: "ssn", Op: "nin", Value: []any{"SSN-001-SECRET", nil}}},
	{{Field: "ok", Op: "eq", Value: true}},
	{{Field: "at", Op: "gt", Value: time.Date(2026, 11, 28, 10, 30, 0, 0, time.UTC)}},
	{{Field: "x", Op: "lt", Value: 2.0}, {Field: "x", Op: "gt", Value: 1.0}},
}

// TestRowScopeOneSemantics: a row filter selects the same documents whether
// the store lists them (FindDocuments), counts them, scans them or looks one
// up by key (DocumentWhere), on plain and on sealed (sensitive) fields. The
// service reads every path of a share's view through these.
func TestRowScopeOneSemantics(t *testing.T) {
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	ctx := context.Background()
	for _, sensitive := range []bool{false, true} {
		id := fmt.Sprintf("rows%v", sensitive)
		createTestDataset(t, db, id, sensitive)
		docs := sealTestDocs()
		writeAll(t, db, id, docs)
		for _, where := range rowScopeFilters {
			if sensitive && (where[0].Op != "eq" && where[0].Op != "ne" && where[0].Op != "in" && where[0].Op != "nin" || where[0].Field == "tags") {
				continue // sealed values: whole-value equality only
			}
			name := fmt.Sprintf("%s %v", id, where)
			found, total, err := db.FindDocuments(ctx, id, model.DocumentQuery{Where: where, Limit: 100})
			if err != nil {
				t.Fatalf("%s: find: %v", name, err)
			}
			var list []string
			for _, d := range found {
				list = append(list, d.Key)
			}
			if total != len(list) || len(list) == 0 || len(list) == len(docs) {
				t.Errorf("%s: find %v (total %d): the case tells nothing", name, list, total)
			}
			var byKey []string
			for _, d := range docs {
				doc, err := db.DocumentWhere(ctx, id, d.Key, where)
				switch {
				case err == nil:
					byKey = append(byKey, doc.Key)
				case model.ErrorCode(err) != model.ENOTFOUND:
					t.Fatalf("%s: DocumentWhere %s: %v", name, d.Key, err)
				}
			}
			var scanned []string
			if err := db.ScanDocumentsWhere(ctx, id, where, func(d *model.Document) error { scanned = append(scanned, d.Key); return nil }); err != nil {
				t.Fatalf("%s: scan: %v", name, err)
			}
			n, err := db.CountDocumentsWhere(ctx, id, where)
			if err != nil {
				t.Fatalf("%s: count: %v", name, err)
			}
			slices.Sort(list)
			t.Logf("%s: %v", name, list)
			if strings.Join(byKey, ",") != strings.Join(list, ",") || strings.Join(scanned, ",") != strings.Join(list, ",") || n != len(list) {
				t.Errorf("%s: find %v, by key %v, scan %v, count %d", name, list, byKey, scanned, n)
			}
		}
	}
}

// BenchmarkDocumentWhere: a lookup by key with a row filter stays a lookup by
// _id on the embedded store (the filter applies to the one document found),
// not a scan of the collection.
func BenchmarkDocumentWhere(b *testing.B) {
	db := openTestDB(b)
	ctx := context.Background()
	if err := db.CreateDataset(ctx, &model.Dataset{ID: "big", Name: "big", Team: "t"}); err != nil {
		b.Fatal(err)
	}
	if err := db.EnsureDatasetCollection(ctx, "big"); err != nil {
		b.Fatal(err)
	}
	const n = 20000
	var writes []model.DocumentWrite
	for i := range n {
		tags := []any{"north"}
		if i%2 == 0 {
			tags = append(tags, "vip")
		}
		writes = append(writes, model.DocumentWrite{Doc: &model.Document{Key: fmt.Sprintf("K%06d", i), Version: 1,
			Fields: map[string]any{"tags": tags, "i": int64(i)}, Sources: map[string]model.SourceRef{}, UpdatedAt: time.Now()}})
		if len(writes) == 1000 || i == n-1 {
			if _, err := db.WriteDocuments(ctx, "big", writes); err != nil {
				b.Fatal(err)
			}
			writes = writes[:0]
		}
	}
	where := []model.FieldFilter{{Field: "tags", Op: "ne", Value: "vip"}}
	b.Run("Document", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := db.Document(ctx, "big", fmt.Sprintf("K%06d", (i*7919)%n)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DocumentWhere", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k := (i * 7919) % n
			_, err := db.DocumentWhere(ctx, "big", fmt.Sprintf("K%06d", k), where)
			if (err == nil) != (k%2 == 1) {
				b.Fatalf("K%06d: %v", k, err)
			}
		}
	})
	b.Run("FindByIDAndFilter", func(b *testing.B) { // what a find with both would cost
		for i := 0; b.Loop(); i++ {
			q := model.DocumentQuery{Where: append([]model.FieldFilter{{Field: "i", Op: "eq", Value: int64((i * 7919) % n)}}, where...), Limit: 1, SkipCount: true}
			if _, _, err := db.FindDocuments(ctx, "big", q); err != nil {
				b.Fatal(err)
			}
		}
	})
}
