package ml_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

var approx = cmpopts.EquateApprox(0, 1e-12)

func mustFit(t *testing.T, spec ml.Spec, rows []map[string]any) *ml.Preprocessor {
	t.Helper()
	p, err := ml.Fit(spec, rows)
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	return p
}

func TestFit_Numeric(t *testing.T) {
	// x: 1, 2, missing, 5 (int64 and float64 mixed); observed mean 8/3, median 2.
	rows := []map[string]any{{"x": int64(1)}, {"x": 2.0}, {"x": nil}, {"x": int64(5)}}
	probe := []map[string]any{{"x": 3.0}, {}}
	tests := []struct {
		name string
		fs   ml.FeatureSpec
		want [][]float64 // transform of probe rows
	}{
		{"mean, none", ml.FeatureSpec{Name: "x", Type: ml.TypeNumeric, Scale: "none"}, [][]float64{{3}, {8.0 / 3}}},
		{"median, none", ml.FeatureSpec{Name: "x", Type: ml.TypeNumeric, Impute: "median", Scale: "none"}, [][]float64{{3}, {2}}},
		{"constant, minmax", ml.FeatureSpec{Name: "x", Type: ml.TypeNumeric, Impute: "constant", ImputeValue: 0, Scale: "minmax"}, [][]float64{{0.6}, {0}}},
		{"median, standardize", ml.FeatureSpec{Name: "x", Type: ml.TypeNumeric, Impute: "median"},
			// imputed column 1, 2, 2, 5: mean 2.5, population std 1.5
			[][]float64{{0.5 / 1.5}, {-0.5 / 1.5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{tt.fs}}, rows)
			if got := p.ColumnNames(); !slices.Equal(got, []string{"x"}) {
				t.Errorf("columns = %v, want [x]", got)
			}
			if p.Features[0].Missing != 1 {
				t.Errorf("missing = %d, want 1", p.Features[0].Missing)
			}
			for i, row := range probe {
				got, err := p.Transform(row)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want[i], got, approx); diff != "" {
					t.Errorf("Transform(%v) mismatch (-want +got):\n%s", row, diff)
				}
			}
		})
	}
}

func TestFit_Bins(t *testing.T) {
	var rows []map[string]any
	for i := 0; i < 10; i++ { // 0..9
		rows = append(rows, map[string]any{"age": int64(i)})
	}
	tests := []struct {
		name    string
		fs      ml.FeatureSpec
		columns []string
		probe   map[float64]int // value -> hot column
	}{
		{
			"quantile, index names",
			ml.FeatureSpec{Name: "age", Type: ml.TypeNumeric, Bins: 3},
			[]string{"age=bin0", "age=bin1", "age=bin2"},
			map[float64]int{-5: 0, 0: 0, 2.9: 0, 3: 1, 6: 2, 100: 2},
		},
		{
			"uniform, range names",
			ml.FeatureSpec{Name: "age", Type: ml.TypeNumeric, Bins: 3, BinStrategy: "uniform", BinNames: "range"},
			[]string{"age=[-inf,3)", "age=[3,6)", "age=[6,inf)"},
			map[float64]int{-1: 0, 2.99: 0, 3: 1, 5.5: 1, 6: 2, 9: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{tt.fs}}, rows)
			if diff := cmp.Diff(tt.columns, p.ColumnNames()); diff != "" {
				t.Fatalf("columns (-want +got):\n%s", diff)
			}
			for v, hot := range tt.probe {
				got, err := p.Transform(map[string]any{"age": v})
				if err != nil {
					t.Fatal(err)
				}
				want := make([]float64, len(tt.columns))
				want[hot] = 1
				if !slices.Equal(got, want) {
					t.Errorf("Transform(%v) = %v, want %v", v, got, want)
				}
			}
		})
	}
	t.Run("duplicate quantile edges collapse", func(t *testing.T) {
		skewed := []map[string]any{{"n": 0.0}, {"n": 0.0}, {"n": 0.0}, {"n": 0.0}, {"n": 0.0}, {"n": 1.0}, {"n": 2.0}}
		p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{{Name: "n", Type: ml.TypeNumeric, Bins: 4}}}, skewed)
		if got := p.NumColumns; got != 2 {
			t.Errorf("columns = %d (%v), want 2 after removing empty bins", got, p.Features[0].Edges)
		}
	})
}

func TestFit_Categorical(t *testing.T) {
	rows := []map[string]any{
		{"c": "red"}, {"c": "red"}, {"c": "blue"}, {"c": "blue"}, {"c": "green"}, {"c": nil},
	}
	tests := []struct {
		name    string
		minFreq int
		columns []string
		probe   map[any]string // value -> hot column name
	}{
		{"every value", 0, []string{"c=blue", "c=green", "c=red", "c=<unknown>"},
			map[any]string{"red": "c=red", "green": "c=green", "purple": "c=<unknown>", nil: "c=<unknown>"}},
		{"min frequency 2", 2, []string{"c=blue", "c=red", "c=<unknown>"},
			map[any]string{"blue": "c=blue", "green": "c=<unknown>", "purple": "c=<unknown>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{{Name: "c", Type: ml.TypeCategorical, MinFrequency: tt.minFreq}}}, rows)
			cols := p.ColumnNames()
			if diff := cmp.Diff(tt.columns, cols); diff != "" {
				t.Fatalf("columns (-want +got):\n%s", diff)
			}
			for v, hot := range tt.probe {
				got, err := p.Transform(map[string]any{"c": v})
				if err != nil {
					t.Fatal(err)
				}
				want := make([]float64, len(cols))
				want[slices.Index(cols, hot)] = 1
				if !slices.Equal(got, want) {
					t.Errorf("Transform(%v) = %v, want %v", v, got, want)
				}
			}
		})
	}
	t.Run("numbers name their category", func(t *testing.T) {
		p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{{Name: "k", Type: ml.TypeCategorical}}},
			[]map[string]any{{"k": int64(3)}, {"k": 2.5}, {"k": true}})
		if diff := cmp.Diff([]string{"k=2.5", "k=3", "k=true", "k=<unknown>"}, p.ColumnNames()); diff != "" {
			t.Fatalf("columns (-want +got):\n%s", diff)
		}
		got, err := p.Transform(map[string]any{"k": 3.0}) // 3.0 is the category 3
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []float64{0, 1, 0, 0}) {
			t.Errorf("Transform(3.0) = %v, want the k=3 column", got)
		}
	})
}

func TestFit_Boolean(t *testing.T) {
	rows := []map[string]any{{"b": true}, {"b": "yes"}, {"b": int64(0)}, {"b": nil}, {"b": "TRUE"}}
	p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{{Name: "b", Type: ml.TypeBoolean}}}, rows)
	tests := []struct {
		name string
		in   any
		want float64
	}{
		{"true", true, 1}, {"false", false, 0}, {"string no", "no", 0}, {"one", 1.0, 1},
		{"missing takes the most frequent", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := p.Transform(map[string]any{"b": tt.in})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, []float64{tt.want}) {
				t.Errorf("Transform(%v) = %v, want [%v]", tt.in, got, tt.want)
			}
		})
	}
}

func TestFit_Text(t *testing.T) {
	rows := []map[string]any{
		{"review": "这个产品非常好"}, {"review": "质量很差，不推荐"}, {"review": "Great value, works well"}, {"review": nil},
	}
	spec := func(ts ml.TextSpec) ml.Spec {
		return ml.Spec{Features: []ml.FeatureSpec{{Name: "review", Type: ml.TypeText, Text: &ts}}}
	}
	norm := func(r ml.SparseRow) float64 {
		var s float64
		for _, v := range r.Values {
			s += v * v
		}
		return math.Sqrt(s)
	}
	t.Run("chinese character n-grams", func(t *testing.T) {
		p := mustFit(t, spec(ml.TextSpec{CharNgrams: [2]int{1, 2}, Buckets: 1 << 12, Norm: "none"}), rows)
		r, err := p.TransformSparse(map[string]any{"review": "非常好"})
		if err != nil {
			t.Fatal(err)
		}
		// 3 unigrams + 2 bigrams; with 4096 buckets a collision is possible but rare.
		var sum float64
		for _, v := range r.Values {
			sum += v
		}
		if sum != 5 {
			t.Errorf("sum of counts = %v, want 5 n-grams (row %+v)", sum, r)
		}
	})
	t.Run("word n-grams split chinese into characters", func(t *testing.T) {
		p := mustFit(t, spec(ml.TextSpec{WordNgrams: [2]int{1, 1}, Buckets: 1 << 16, Norm: "none"}), rows)
		a, _ := p.TransformSparse(map[string]any{"review": "非常好"})
		b, _ := p.TransformSparse(map[string]any{"review": "非 常 好"})
		if diff := cmp.Diff(a, b); diff != "" || len(a.Indices) != 3 {
			t.Errorf("unspaced and spaced Chinese differ or are not 3 tokens (-a +b):\n%s", diff)
		}
	})
	t.Run("l2 norm and case folding", func(t *testing.T) {
		p := mustFit(t, spec(ml.TextSpec{}), rows)
		// One column per hash bucket the fit rows use, not the whole hash space.
		if p.NumColumns < 10 || p.NumColumns > 200 {
			t.Errorf("columns = %d, want one per bucket the three texts use (of %d)", p.NumColumns, ml.DefaultBuckets)
		}
		names := p.ColumnNames()
		if len(names) != p.NumColumns || !strings.HasPrefix(names[0], "review#") {
			t.Errorf("column names %v", names[:min(3, len(names))])
		}
		a, _ := p.TransformSparse(map[string]any{"review": "Great VALUE"})
		b, _ := p.TransformSparse(map[string]any{"review": "great value"})
		if n := norm(a); math.Abs(n-1) > 1e-12 {
			t.Errorf("norm = %v, want 1", n)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("case matters (-upper +lower):\n%s", diff)
		}
		if !slices.IsSorted(a.Indices) {
			t.Errorf("indices not increasing: %v", a.Indices)
		}
		empty, _ := p.TransformSparse(map[string]any{})
		if len(empty.Indices) != 0 {
			t.Errorf("missing text gives %v, want an empty row", empty)
		}
	})
	t.Run("signed hashing", func(t *testing.T) {
		p := mustFit(t, spec(ml.TextSpec{CharNgrams: [2]int{1, 3}, Buckets: 1 << 18, Signed: true, Norm: "none"}), rows)
		r, _ := p.TransformSparse(map[string]any{"review": "the quick brown fox jumps over the lazy dog"})
		neg := 0
		for _, v := range r.Values {
			if v < 0 {
				neg++
			}
		}
		if neg == 0 || neg == len(r.Values) {
			t.Errorf("%d of %d values negative, want a mix", neg, len(r.Values))
		}
	})
	t.Run("column names", func(t *testing.T) {
		p := mustFit(t, spec(ml.TextSpec{CharNgrams: [2]int{1, 1}, Buckets: 4}), rows)
		if diff := cmp.Diff([]string{"review#0", "review#1", "review#2", "review#3"}, p.ColumnNames()); diff != "" {
			t.Errorf("columns (-want +got):\n%s", diff)
		}
	})
}

func TestFit_BadInput(t *testing.T) {
	num := func(name string) ml.FeatureSpec { return ml.FeatureSpec{Name: name, Type: ml.TypeNumeric} }
	ok := []map[string]any{{"x": 1.0}, {"x": 2.0}}
	tests := []struct {
		name    string
		spec    ml.Spec
		rows    []map[string]any
		mention string // the message must name this
	}{
		{"no rows", ml.Spec{Features: []ml.FeatureSpec{num("x")}}, nil, "no rows"},
		{"no features", ml.Spec{}, ok, "no features"},
		{"feature missing from every row", ml.Spec{Features: []ml.FeatureSpec{num("x"), num("ghost")}}, ok, `"ghost"`},
		{"feature null in every row", ml.Spec{Features: []ml.FeatureSpec{num("x")}}, []map[string]any{{"x": nil}, {"x": nil}}, `"x"`},
		{"categorical missing from every row", ml.Spec{Features: []ml.FeatureSpec{{Name: "c", Type: ml.TypeCategorical}}}, ok, `"c"`},
		{"NaN", ml.Spec{Features: []ml.FeatureSpec{num("x")}}, []map[string]any{{"x": 1.0}, {"x": math.NaN()}}, `"x"`},
		{"+Inf", ml.Spec{Features: []ml.FeatureSpec{num("x")}}, []map[string]any{{"x": math.Inf(1)}, {"x": 1.0}}, `"x"`},
		{"-Inf", ml.Spec{Features: []ml.FeatureSpec{num("x")}}, []map[string]any{{"x": 1.0}, {"x": math.Inf(-1)}}, "not finite"},
		{"non-numeric string in numeric", ml.Spec{Features: []ml.FeatureSpec{num("x")}}, []map[string]any{{"x": 1.0}, {"x": "3.5 kg"}}, `"x"`},
		{"bool in numeric", ml.Spec{Features: []ml.FeatureSpec{num("x")}}, []map[string]any{{"x": true}, {"x": 1.0}}, "not numeric"},
		{"NaN category", ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: ml.TypeCategorical}}}, []map[string]any{{"x": math.NaN()}}, `"x"`},
		{"bad boolean", ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: ml.TypeBoolean}}}, []map[string]any{{"x": 2.0}}, `"x"`},
		{"unknown type", ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: "image"}}}, ok, `"image"`},
		{"empty name", ml.Spec{Features: []ml.FeatureSpec{{Type: ml.TypeNumeric}}}, ok, "empty name"},
		{"duplicate name", ml.Spec{Features: []ml.FeatureSpec{num("x"), num("x")}}, ok, "twice"},
		{"bad impute", ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: ml.TypeNumeric, Impute: "mode"}}}, ok, `"mode"`},
		{"bad scale", ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: ml.TypeNumeric, Scale: "log"}}}, ok, `"log"`},
		{"one bin", ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: ml.TypeNumeric, Bins: 1}}}, ok, "bins"},
		{"bad n-gram range", ml.Spec{Features: []ml.FeatureSpec{{Name: "t", Type: ml.TypeText, Text: &ml.TextSpec{CharNgrams: [2]int{3, 2}}}}}, ok, "charNgrams"},
		{"too many buckets", ml.Spec{Features: []ml.FeatureSpec{{Name: "t", Type: ml.TypeText, Text: &ml.TextSpec{Buckets: 1 << 30}}}}, ok, "buckets"},
		{"every feature constant", ml.Spec{Features: []ml.FeatureSpec{num("k")}}, []map[string]any{{"k": 1.0}, {"k": 1.0}}, "constant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ml.Fit(tt.spec, tt.rows)
			wantCode(t, err, model.EINVALID)
			if p != nil {
				t.Errorf("Fit returned a preprocessor with the error")
			}
			if msg := model.ErrorMessage(err); !strings.Contains(msg, tt.mention) {
				t.Errorf("message %q does not mention %s", msg, tt.mention)
			}
		})
	}
}

func TestFit_ConstantDropped(t *testing.T) {
	rows := []map[string]any{
		{"x": 1.0, "k": int64(7), "c": "a", "b": true, "t": "hello"},
		{"x": 2.0, "k": int64(7), "c": "a", "b": true, "t": "world"},
		{"x": 4.0, "k": nil, "c": "a", "b": true, "t": "again"},
	}
	spec := ml.Spec{Features: []ml.FeatureSpec{
		{Name: "x", Type: ml.TypeNumeric},
		{Name: "k", Type: ml.TypeNumeric}, // 7, 7 and a missing value imputed with 7
		{Name: "c", Type: ml.TypeCategorical},
		{Name: "b", Type: ml.TypeBoolean},
		{Name: "t", Type: ml.TypeText, Text: &ml.TextSpec{WordNgrams: [2]int{1, 1}, Buckets: 8}},
	}}
	p := mustFit(t, spec, rows)
	var dropped []string
	for _, d := range p.Dropped {
		dropped = append(dropped, d.Name)
		if !strings.Contains(d.Reason, "constant") {
			t.Errorf("reason for %s = %q, want it to say constant", d.Name, d.Reason)
		}
	}
	if diff := cmp.Diff([]string{"k", "c", "b"}, dropped); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
	if got := p.ColumnNames()[:1]; !slices.Equal(got, []string{"x"}) {
		t.Errorf("first column = %v, want x", got)
	}
	if p.NumColumns < 1+2 || p.NumColumns > 1+3 {
		t.Errorf("columns = %d, want x and one per bucket of the 3 words (of 8)", p.NumColumns)
	}
	// A dropped feature is ignored at transform time, even with a bad value.
	if _, err := p.Transform(map[string]any{"x": 1.0, "k": "oops"}); err != nil {
		t.Errorf("Transform with a bad value in a dropped feature: %v", err)
	}
}

func TestTransform_BadInput(t *testing.T) {
	p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: ml.TypeNumeric}}}, []map[string]any{{"x": 1.0}, {"x": 3.0}})
	tests := []struct {
		name string
		row  map[string]any
	}{
		{"NaN", map[string]any{"x": math.NaN()}},
		{"Inf", map[string]any{"x": math.Inf(1)}},
		{"string", map[string]any{"x": "abc"}},
		{"object", map[string]any{"x": map[string]any{"a": 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Transform(tt.row)
			wantCode(t, err, model.EINVALID)
			if !strings.Contains(model.ErrorMessage(err), `"x"`) {
				t.Errorf("message %q does not name the feature", model.ErrorMessage(err))
			}
			_, err = p.TransformDense([]map[string]any{{"x": 2.0}, tt.row})
			wantCode(t, err, model.EINVALID)
			if !strings.Contains(model.ErrorMessage(err), "row index 1") {
				t.Errorf("message %q does not name the row", model.ErrorMessage(err))
			}
		})
	}
	t.Run("destination width", func(t *testing.T) {
		wantCode(t, p.TransformInto(make([]float64, 3), map[string]any{"x": 1.0}), model.EINVALID)
	})
}

func TestPreprocessor_JSONRoundTrip(t *testing.T) {
	rows := []map[string]any{
		{"n": 1.0, "c": "a", "b": true, "t": "good product", "q": int64(1)},
		{"n": 5.0, "c": "b", "b": false, "t": "bad", "q": int64(8)},
		{"n": nil, "c": "a", "b": nil, "t": "很好", "q": int64(3)},
	}
	spec := ml.Spec{Features: []ml.FeatureSpec{
		{Name: "n", Type: ml.TypeNumeric, Impute: "median"},
		{Name: "c", Type: ml.TypeCategorical},
		{Name: "b", Type: ml.TypeBoolean},
		{Name: "t", Type: ml.TypeText, Text: &ml.TextSpec{Buckets: 64, Signed: true}},
		{Name: "q", Type: ml.TypeNumeric, Bins: 2, BinStrategy: "uniform"},
	}}
	p := mustFit(t, spec, rows)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q ml.Preprocessor
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	probe := append(rows, map[string]any{"c": "zzz", "t": "新的 text"})
	for i, row := range probe {
		want, err1 := p.Transform(row)
		got, err2 := q.Transform(row)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("row %d: decoded preprocessor differs (-fitted +decoded):\n%s", i, diff)
		}
	}
	t.Run("inconsistent layout", func(t *testing.T) {
		var bad ml.Preprocessor
		broken := strings.Replace(string(b), `"numColumns":`, `"numColumns":1`, 1)
		wantCode(t, json.Unmarshal([]byte(broken), &bad), model.EINVALID)
	})
}

func TestTransformRows_DenseAndSparseAgree(t *testing.T) {
	rows := loadPima(t)[:50]
	spec := ml.Spec{Features: []ml.FeatureSpec{
		{Name: "glucose", Type: ml.TypeNumeric},
		{Name: "age", Type: ml.TypeNumeric, Bins: 4},
		{Name: "pregnancies", Type: ml.TypeCategorical, MinFrequency: 3},
	}}
	p := mustFit(t, spec, rows)
	d, err := p.TransformDense(rows)
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.TransformSparseRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float64, p.NumColumns)
	for j := range w {
		w[j] = float64(j + 1)
	}
	for i := range rows {
		if got, want := s.RowDot(i, w), d.RowDot(i, w); math.Abs(got-want) > 1e-12 {
			t.Errorf("row %d: sparse·w = %v, dense·w = %v", i, got, want)
		}
	}
	if m, _ := p.TransformRows(rows); m == nil {
		t.Error("TransformRows returned nil")
	} else if _, ok := m.(*ml.Dense); !ok {
		t.Errorf("TransformRows without text = %T, want *ml.Dense", m)
	}
}

func TestStandardize_SklearnScaler(t *testing.T) {
	ref := loadReference(t)
	p := mustFit(t, pimaSpec(), loadPima(t))
	for j, f := range p.Features {
		if f.Name != ref.Logistic.Features[j] {
			t.Fatalf("feature %d = %s, want %s", j, f.Name, ref.Logistic.Features[j])
		}
		if math.Abs(f.Center-ref.Logistic.ScalerMean[j]) > 1e-12*math.Abs(ref.Logistic.ScalerMean[j]) {
			t.Errorf("%s center = %.17g, want StandardScaler mean %.17g", f.Name, f.Center, ref.Logistic.ScalerMean[j])
		}
		if math.Abs(f.Scale-ref.Logistic.ScalerScale[j]) > 1e-12*ref.Logistic.ScalerScale[j] {
			t.Errorf("%s scale = %.17g, want StandardScaler scale %.17g", f.Name, f.Scale, ref.Logistic.ScalerScale[j])
		}
	}
}
