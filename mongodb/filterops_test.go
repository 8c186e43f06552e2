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

// filterOpDocs hold in field v the values a filter meets: numbers of both Go
// types, a numeric string, null, missing, arrays (with a number, with a null,
// empty, of objects), strings, booleans, a date and an object.
func filterOpDocs() []*model.Document {
	at := time.Date(2026, 11, 28, 10, 4, 5, 123_000_000, time.UTC)
	vals := []any{
		int64(1), 1.0, "1", nil, "missing", []any{int64(1), "a"}, []any{"b", nil}, []any{},
		"abc", true, at, map[string]any{"k": "a"}, int64(2), 2.5, []any{int64(3), int64(5)}, "b",
		[]any{map[string]any{"k": "b"}, map[string]any{"j": int64(1)}}, false, []any{"a", "b"},
	}
	var docs []*model.Document
	for i, v := range vals {
		f := map[string]any{"v": v}
		if v == "missing" {
			f = map[string]any{}
		}
		docs = append(docs, &model.Document{
			Key: fmt.Sprintf("D%02d", i), Fields: f, Version: 1, DatasetVersion: 1, UpdatedAt: at,
			Sources: map[string]model.SourceRef{},
		})
	}
	return docs
}

// filterOpValues are the values each kind of operator is tried with.
func filterOpValues(kind model.FilterValue) []any {
	at := time.Date(2026, 11, 28, 10, 4, 5, 123_000_000, time.UTC)
	scalars := []any{int64(1), 1.0, int64(2), "1", "a", "b", nil, true, false, at, at.Add(-time.Hour)}
	switch kind {
	case model.ValueAny:
		return append(scalars, []any{int64(1), "a"}, []any{}, map[string]any{"k": "a"})
	case model.ValueScalar:
		return scalars
	case model.ValueList:
		return []any{[]any{int64(1), "b"}, []any{nil}, []any{"1"}, []any{}, []any{2.0, true}, []any{[]any{"a", "b"}}}
	case model.ValueBool:
		return []any{true, false}
	case model.ValueString:
		return []any{"^a", "b", "1", "^$", "a|c"}
	}
	return nil
}

// TestFilterOpsAgree runs every operator of model's table, on every kind of
// value it takes, through the store and through model.FieldFilter.Match on the
// same documents, and wants the same matches: on plain fields, on a path into
// objects, and on sealed (sensitive) fields for the operators allowed there.
func TestFilterOpsAgree(t *testing.T) {
	db := openTestDB(t)
	db.SetKeyring(testRing(t, "k1"))
	ctx := context.Background()
	docs := filterOpDocs()
	for _, sealed := range []bool{false, true} {
		id := fmt.Sprintf("ops%v", sealed)
		ds := &model.Dataset{ID: id, Name: id, Team: "t", Fields: []model.FieldSpec{{Name: "v", Type: model.FieldJSON, Sensitive: sealed}}}
		if err := db.CreateDataset(ctx, ds); err != nil {
			t.Fatal(err)
		}
		if err := db.EnsureDatasetCollection(ctx, id); err != nil {
			t.Fatal(err)
		}
		writeAll(t, db, id, docs)
		paths := []string{"v"}
		if !sealed {
			paths = append(paths, "v.k")
		}
		cases := 0
		for _, op := range model.FilterOps() {
			if sealed && !op.Allowed(model.UseSealed) {
				continue
			}
			for _, path := range paths {
				for _, v := range filterOpValues(op.Value) {
					f := model.FieldFilter{Field: path, Op: string(op.Op), Value: v}
					var want []string
					for _, d := range docs {
						if f.Match(d.Fields, sealed) {
							want = append(want, d.Key)
						}
					}
					found, _, err := db.FindDocuments(ctx, id, model.DocumentQuery{Where: []model.FieldFilter{f}, Limit: 100, SkipCount: true})
					if err != nil {
						t.Errorf("%s %s %s %#v: %v", id, path, op.Op, v, err)
						continue
					}
					var got []string
					for _, d := range found {
						got = append(got, d.Key)
					}
					slices.Sort(got)
					cases++
					if strings.Join(got, ",") != strings.Join(want, ",") {
						t.Errorf("%s: %s %s %#v: store %v, Match %v", id, path, op.Op, v, got, want)
					}
				}
			}
		}
		t.Logf("%s: %d cases", id, cases)
	}
}

// TestFilterOpsTranslated: every operator of the table translates to a store
// condition, and one the table does not list is refused.
func TestFilterOpsTranslated(t *testing.T) {
	for _, op := range model.FilterOps() {
		v := filterOpValues(op.Value)[0]
		if _, err := opCond(model.FieldFilter{Field: "v", Op: string(op.Op), Value: v}); err != nil {
			t.Errorf("%s: %v", op.Op, err)
		}
	}
	if _, err := opCond(model.FieldFilter{Field: "v", Op: "like", Value: "a"}); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("op like: %v, want EINVALID", err)
	}
}
