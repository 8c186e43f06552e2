package model

import "testing"

func TestFilterOpTable(t *testing.T) {
	for _, c := range []struct {
		use  FilterUse
		want string
	}{
		{UseDocuments, "eq ne gt gte lt lte in nin exists regex contains"},
		{UseShareRows, "eq ne gt gte lt lte in nin"},
		{UseSealed, "eq ne in nin exists"},
		{UseShareRows | UseSealed, "eq ne in nin"},
	} {
		if got := FilterOpNames(c.use); got != c.want {
			t.Errorf("FilterOpNames(%b) = %q, want %q", c.use, got, c.want)
		}
	}
	if _, ok := LookupFilterOp("like"); ok {
		t.Error("LookupFilterOp(like) found an operator")
	}
	if s, ok := LookupFilterOp("nin"); !ok || s.Op != OpNin || s.Value != ValueList {
		t.Errorf("LookupFilterOp(nin) = %+v, %v", s, ok)
	}
	// Match's meaning on the cases the share row scope depends on; the store
	// is held to the same meaning by mongodb's TestFilterOpsAgree.
	doc := map[string]any{"tags": []any{"vip", int64(2)}, "n": 1.0, "s": "1", "z": nil}
	for _, c := range []struct {
		f    FieldFilter
		want bool
	}{
		{FieldFilter{Field: "tags", Op: "eq", Value: "vip"}, true},
		{FieldFilter{Field: "tags", Op: "ne", Value: "vip"}, false}, // no element may equal
		{FieldFilter{Field: "tags", Op: "nin", Value: []any{"x", int64(2)}}, false},
		{FieldFilter{Field: "tags", Op: "gt", Value: int64(1)}, true},
		{FieldFilter{Field: "n", Op: "eq", Value: int64(1)}, true},
		{FieldFilter{Field: "s", Op: "eq", Value: int64(1)}, false},
		{FieldFilter{Field: "missing", Op: "eq", Value: nil}, true},
		{FieldFilter{Field: "z", Op: "exists", Value: true}, false},
		{FieldFilter{Field: "n", Op: "like", Value: 1.0}, false},
	} {
		if got := c.f.Match(doc, false); got != c.want {
			t.Errorf("%+v: Match = %v, want %v", c.f, got, c.want)
		}
	}
	if (FieldFilter{Field: "tags", Op: "eq", Value: "vip"}).Match(doc, true) {
		t.Error("sealed: eq on an element matched (sealed values compare whole)")
	}
}
