package service

import (
	"strings"
	"testing"

	"github.com/mms-platform/mms/model"
)

// TestTypedFiltersByOpTable: a filter is checked against the operator table:
// an unknown operator is refused naming the allowed ones, each operator takes
// its kind of value, and values are typed by the schema.
func TestTypedFiltersByOpTable(t *testing.T) {
	d := &model.Dataset{ID: "d", Fields: []model.FieldSpec{
		{Name: "n", Type: model.FieldFloat}, {Name: "s", Type: model.FieldString}, {Name: "j", Type: model.FieldJSON},
	}}
	cases := []struct {
		field, op string
		value     any
		want      any    // the typed value, when accepted
		refused   string // words of the EINVALID message
	}{
		{"n", "gt", "140", 140.0, ""},
		{"n", "in", []any{"1", 2}, []any{1.0, 2.0}, ""},
		{"j", "eq", []any{int64(1), "a"}, []any{int64(1), "a"}, ""},
		{"j", "exists", true, true, ""},
		{"s", "contains", "a.b", "a.b", ""},
		{"s", "like", "a", nil, "use eq ne gt gte lt lte in nin exists regex contains"},
		{"j", "gt", []any{int64(1)}, nil, "not a list or an object"},
		{"j", "lte", map[string]any{"k": int64(1)}, nil, "not a list or an object"},
		{"n", "in", 1.0, nil, "needs a list"},
		{"n", "exists", "yes", nil, "needs true or false"},
		{"s", "regex", "(", nil, "bad regex"},
		{"s", "regex", int64(1), nil, "needs a string"},
	}
	for _, c := range cases {
		got, err := typedFilters(d, []*model.FieldFilter{{Field: c.field, Op: c.op, Value: c.value}})
		if c.refused != "" {
			if model.ErrorCode(err) != model.EINVALID || !strings.Contains(model.ErrorMessage(err), c.refused) {
				t.Errorf("%s %s %v: %v, want EINVALID with %q", c.field, c.op, c.value, err, c.refused)
			}
			continue
		}
		if err != nil || len(got) != 1 || !(model.FieldFilter{Field: "x", Op: "eq", Value: c.want}).Match(map[string]any{"x": got[0].Value}, false) {
			t.Errorf("%s %s %v: %v %v, want value %#v", c.field, c.op, c.value, got, err, c.want)
		}
	}
}

// TestShareRowFilterOps: a share's row filter takes the operators the table
// allows in share rows, and names them when refusing another.
func TestShareRowFilterOps(t *testing.T) {
	d := &model.Dataset{ID: "d", Fields: []model.FieldSpec{{Name: "tags", Type: model.FieldJSON}}}
	for _, op := range model.FilterOps() {
		v := any("vip")
		switch op.Value {
		case model.ValueList:
			v = []any{"vip"}
		case model.ValueBool:
			v = true
		}
		_, err := shareRowFilter(d, []*model.FieldFilter{{Field: "tags", Op: string(op.Op), Value: v}})
		if op.Allowed(model.UseShareRows) != (err == nil) {
			t.Errorf("%s: %v (allowed in shares: %v)", op.Op, err, op.Allowed(model.UseShareRows))
		}
		if err != nil && !strings.Contains(model.ErrorMessage(err), "use eq ne gt gte lt lte in nin") {
			t.Errorf("%s: %v does not name the allowed operators", op.Op, err)
		}
	}
}
