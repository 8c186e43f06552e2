package ml

import (
	"math/rand/v2"
	"testing"
)

// TestTableMatchesRows: fitting and transforming a column table gives the
// same preprocessor and matrix as the same rows as maps.
func TestTableMatchesRows(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 500
	rows := make([]map[string]any, n)
	ct := &ColumnTable{N: n, Num: map[string]*NumColumn{"x": {Values: make([]float64, n), Valid: make([]bool, n)},
		"b": {Values: make([]float64, n), Valid: make([]bool, n)}}, Values: map[string][]any{"c": make([]any, n), "flag": make([]any, n)}}
	for i := range rows {
		row := map[string]any{}
		if i%9 != 0 {
			x := r.NormFloat64()*3 + 1
			row["x"], ct.Num["x"].Values[i], ct.Num["x"].Valid[i] = x, x, true
		}
		b := float64(r.IntN(10))
		row["b"], ct.Num["b"].Values[i], ct.Num["b"].Valid[i] = b, b, true
		if i%5 != 0 {
			c := []string{"u", "v", "w"}[r.IntN(3)]
			row["c"], ct.Values["c"][i] = c, c
		}
		f := r.IntN(2) == 0
		row["flag"], ct.Values["flag"][i] = f, f
		rows[i] = row
	}
	spec := Spec{Features: []FeatureSpec{{Name: "x", Type: TypeNumeric}, {Name: "b", Type: TypeNumeric, Bins: 3},
		{Name: "c", Type: TypeCategorical}, {Name: "flag", Type: TypeBoolean}, {Name: "gone", Type: TypeNumeric, Optional: true}}}
	p1, err := Fit(spec, rows)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := FitTable(spec, ct)
	if err != nil {
		t.Fatal(err)
	}
	m1, err := p1.TransformRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := p2.TransformTable(ct)
	if err != nil {
		t.Fatal(err)
	}
	d1, d2 := m1.(*Dense), m2.(*Dense)
	if d1.Rows != d2.Rows || d1.Cols != d2.Cols || len(p1.Dropped) != 1 || len(p2.Dropped) != 1 {
		t.Fatalf("shapes %dx%d vs %dx%d, dropped %v %v", d1.Rows, d1.Cols, d2.Rows, d2.Cols, p1.Dropped, p2.Dropped)
	}
	for i := range d1.Data {
		if d1.Data[i] != d2.Data[i] {
			t.Fatalf("cell %d: %v vs %v", i, d1.Data[i], d2.Data[i])
		}
	}
}
