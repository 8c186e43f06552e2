package ingest

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// readOrder reads every row with KeepOrder and returns the first-seen field
// order and the schema InferSchema proposes with it.
func readOrder(t *testing.T, format Format, src string) ([]string, []string) {
	t.Helper()
	rd, err := NewReader(strings.NewReader(src), ReadOptions{Format: format})
	if err != nil {
		t.Fatal(err)
	}
	rd.KeepOrder()
	var order FieldOrder
	var rows []map[string]any
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if row.Err != nil {
			t.Fatal(row.Err)
		}
		order.Add(row.Order...)
		rows = append(rows, row.Values)
	}
	var schema []string
	for _, f := range InferSchema(rows, InferOptions{Order: order.Names()}) {
		schema = append(schema, f.Name)
	}
	return order.Names(), schema
}

func TestReaderKeepsSourceOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format Format
		src    string
		want   []string
	}{
		{"csv", FormatCSV, "z,a,m\n1,2,3\n4,5,6\n", []string{"z", "a", "m"}},
		{"ndjson", FormatNDJSON, `{"z":1,"a":{"y":1,"b":2},"m":"x"}` + "\n" + `{"m":"y","q":true,"z":2}` + "\n", []string{"z", "a", "m", "q"}},
		{"json", FormatJSON, `[{"z":1,"a":2,"m":3,"a":4},{"k":1,"z":3}]`, []string{"z", "a", "m", "k"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			order, schema := readOrder(t, tc.format, tc.src)
			if !slices.Equal(order, tc.want) {
				t.Errorf("order %v, want %v", order, tc.want)
			}
			if !slices.Equal(schema, tc.want) {
				t.Errorf("schema %v, want %v", schema, tc.want)
			}
		})
	}
}

func TestReaderOrderOnlyWhenAsked(t *testing.T) {
	rd, err := NewReader(strings.NewReader(`{"b":1,"a":2}`+"\n"), ReadOptions{Format: FormatNDJSON})
	if err != nil {
		t.Fatal(err)
	}
	row, err := rd.Next()
	if err != nil || row.Order != nil {
		t.Fatalf("row %+v err %v: Order without KeepOrder", row, err)
	}
}

func TestFieldOrderAddSorted(t *testing.T) {
	var o FieldOrder
	o.Add("z", "a")
	o.AddSorted(map[string]any{"a": 1, "y": 2, "b": 3})
	if got := o.Names(); !slices.Equal(got, []string{"z", "a", "b", "y"}) {
		t.Fatalf("names %v", got)
	}
}

func TestDefaultKeyMessage(t *testing.T) {
	_, err := Compile(Spec{Key: &KeySpec{From: "id", Default: true}}, []string{"z", "a"})
	if err == nil || !strings.Contains(err.Error(), "keyField") || !strings.Contains(err.Error(), `"id"`) {
		t.Fatalf("err %v: want one naming the dataset's keyField", err)
	}
	p, err := Compile(Spec{Key: &KeySpec{From: "id", Default: true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, reasons := p.Apply(Row{Line: 3, Values: map[string]any{"a": 1}})
	if len(reasons) != 1 || reasons[0] != "key: id is missing" {
		t.Fatalf("reasons %v", reasons)
	}
}
