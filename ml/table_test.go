package ml

import (
	"encoding/json"
	"math"
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

// TestFitTransformNumericMatchesTable: the in-place numeric path gives the
// same preprocessor (JSON) and the same matrix, bit for bit, as FitTable and
// TransformTable on the same values held by columns, with missing values,
// every scaling and imputation, a constant column and an all-null one dropped
// (so that columns shift left in place), and a feature with no column; and
// the same error for a non-finite value.
func TestFitTransformNumericMatchesTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 700
	names := []string{"a", "konst", "b", "nulls", "c", "d"}
	w := len(names)
	nr := &NumericRows{Names: names, N: n, Data: make([]float64, n*w+5*w), Missing: make([][]bool, w)}
	ct := &ColumnTable{N: n, Num: map[string]*NumColumn{}, Values: map[string][]any{}}
	for j, name := range names {
		c := &NumColumn{Values: make([]float64, n), Valid: make([]bool, n)}
		for i := range n {
			x, ok := r.NormFloat64()*float64(j+1)+float64(j), true
			switch name {
			case "konst":
				x = 7
			case "nulls":
				ok = false
			case "a", "c":
				ok = i%(j+4) != 0
			}
			if !ok {
				x = 0
				if nr.Missing[j] == nil {
					nr.Missing[j] = make([]bool, n)
				}
				nr.Missing[j][i] = true
			}
			nr.Data[i*w+j], c.Values[i], c.Valid[i] = x, x, ok
		}
		ct.Num[name] = c
	}
	spec := Spec{Features: []FeatureSpec{
		{Name: "a", Type: TypeNumeric, Impute: "median"},
		{Name: "konst", Type: TypeNumeric},
		{Name: "b", Type: TypeNumeric, Scale: "minmax"},
		{Name: "nulls", Type: TypeNumeric, Optional: true},
		{Name: "c", Type: TypeNumeric, Impute: "constant", ImputeValue: -3, Scale: "none"},
		{Name: "absent", Type: TypeNumeric, Optional: true},
		{Name: "d", Type: TypeNumeric},
	}}
	if !NumericOnly(spec) || NumericOnly(Spec{Features: []FeatureSpec{{Name: "a", Type: TypeNumeric, Bins: 3}}}) {
		t.Fatal("NumericOnly")
	}
	p1, err := FitTable(spec, ct)
	if err != nil {
		t.Fatal(err)
	}
	m1, err := p1.TransformTable(ct)
	if err != nil {
		t.Fatal(err)
	}
	p2, d2, err := FitTransformNumeric(spec, nr)
	if err != nil {
		t.Fatal(err)
	}
	j1, _ := json.Marshal(p1)
	j2, _ := json.Marshal(p2)
	if string(j1) != string(j2) || len(p2.Dropped) != 3 {
		t.Fatalf("preprocessors differ (dropped %v):\n%s\n%s", p2.Dropped, j1, j2)
	}
	d1 := m1.(*Dense)
	if d1.Rows != d2.Rows || d1.Cols != d2.Cols || d2.Cols != 4 || len(d2.Data) != n*4 {
		t.Fatalf("shapes %dx%d vs %dx%d", d1.Rows, d1.Cols, d2.Rows, d2.Cols)
	}
	for i := range d1.Data {
		if d1.Data[i] != d2.Data[i] {
			t.Fatalf("cell %d: %v vs %v", i, d1.Data[i], d2.Data[i])
		}
	}

	bad := &NumericRows{Names: []string{"a"}, N: 3, Data: []float64{1, math.Inf(1), 2}, Missing: make([][]bool, 1)}
	badCols := &ColumnTable{N: 3, Num: map[string]*NumColumn{"a": {Values: []float64{1, math.Inf(1), 2}, Valid: []bool{true, true, true}}}}
	one := Spec{Features: []FeatureSpec{{Name: "a", Type: TypeNumeric}}}
	_, _, err1 := FitTransformNumeric(one, bad)
	_, err2 := FitTable(one, badCols)
	if err1 == nil || err2 == nil || err1.Error() != err2.Error() {
		t.Fatalf("errors %v and %v", err1, err2)
	}
}
