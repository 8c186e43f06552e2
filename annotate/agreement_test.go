package annotate_test

import (
	"math"
	"testing"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/model"
)

const tol = 1e-9

// repeat returns n copies of each (label, count) pair, in order.
func repeat(pairs ...any) []string {
	var out []string
	for i := 0; i < len(pairs); i += 2 {
		for k := 0; k < pairs[i+1].(int); k++ {
			out = append(out, pairs[i].(string))
		}
	}
	return out
}

// cohenWikipedia is the example of Wikipedia's "Cohen's kappa" article: 50 proposals,
// both readers yes on 20, A yes B no on 5, A no B yes on 10, both no on 15.
// po = 0.7, pe = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = 0.4.
func cohenWikipedia() (a, b []string) {
	a = repeat("yes", 20, "yes", 5, "no", 10, "no", 15)
	b = repeat("yes", 20, "no", 5, "yes", 10, "no", 15)
	return a, b
}

func TestCohenKappa(t *testing.T) {
	wa, wb := cohenWikipedia()
	tests := []struct {
		name    string
		a, b    []string
		want    float64
		wantErr bool
	}{
		{"wikipedia example", wa, wb, 0.4, false},
		{"all agree", []string{"x", "y", "z", "x"}, []string{"x", "y", "z", "x"}, 1, false},
		{"chance agreement 1: one shared category", []string{"x", "x", "x"}, []string{"x", "x", "x"}, 1, false},
		{"systematic disagreement", []string{"x", "y"}, []string{"y", "x"}, -1, false},
		// po = 2/4; pa(x) = pb(x) = 1/2: pe = 1/4 + 1/4 = 1/2, kappa 0.
		{"agreement at chance level", []string{"x", "x", "y", "y"}, []string{"x", "y", "x", "y"}, 0, false},
		// po = 3/4; pa(x) = 3/4, pb(x) = 1/2, pa(y) = 1/4, pb(y) = 1/2: pe = 3/8 + 1/8
		// = 1/2; kappa = (0.75 - 0.5) / 0.5 = 0.5.
		{"hand computed", []string{"x", "x", "x", "y"}, []string{"x", "x", "y", "y"}, 0.5, false},
		{"empty label is a category", []string{"", "x"}, []string{"", "x"}, 1, false},
		{"different lengths", []string{"x"}, []string{"x", "y"}, 0, true},
		{"no items", nil, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := annotate.CohenKappa(tt.a, tt.b)
			if tt.wantErr {
				wantInvalid(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > tol {
				t.Errorf("CohenKappa = %.12f, want %v", got, tt.want)
			}
		})
	}
}

// fleissWikipedia is the example of Wikipedia's "Fleiss' kappa" article (after Fleiss
// 1971): 10 subjects, 14 raters, 5 categories; P = 0.378, Pe = 0.213, kappa = 0.210
// (0.20993070442195522 to full precision).
func fleissWikipedia() [][]string {
	table := [][5]int{
		{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
		{7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
	}
	cats := []string{"1", "2", "3", "4", "5"}
	var out [][]string
	for _, row := range table {
		var item []string
		for j, n := range row {
			item = append(item, repeat(cats[j], n)...)
		}
		out = append(out, item)
	}
	return out
}

func TestFleissKappa(t *testing.T) {
	wa, wb := cohenWikipedia()
	var twoRaters [][]string
	for i := range wa {
		twoRaters = append(twoRaters, []string{wa[i], wb[i]})
	}
	tests := []struct {
		name       string
		ratings    [][]string
		categories []string
		want       float64
		wantErr    bool
	}{
		{"wikipedia example", fleissWikipedia(), []string{"1", "2", "3", "4", "5"}, 0.20993070442195522, false},
		{"wikipedia example, categories from the data", fleissWikipedia(), nil, 0.20993070442195522, false},
		{"wikipedia example, unused category", fleissWikipedia(), []string{"1", "2", "3", "4", "5", "6"}, 0.20993070442195522, false},
		// With two raters Fleiss' kappa is Scott's pi: pooled p(yes) = 55/100,
		// pe = 0.55^2 + 0.45^2 = 0.505, pi = (0.7 - 0.505) / 0.495.
		{"two raters is scott's pi", twoRaters, nil, (0.7 - 0.505) / 0.495, false},
		{"all agree", [][]string{{"a", "a", "a"}, {"b", "b", "b"}, {"a", "a", "a"}}, nil, 1, false},
		{"chance agreement 1: one category", [][]string{{"a", "a"}, {"a", "a", "a"}}, nil, 1, false},
		// Items of 3, 2 and 4 raters: P_i = 1, 0, (2+2)/12; P = 4/9. Totals a 6, b 3 of
		// 9: Pe = 4/9 + 1/9 = 5/9. kappa = (4/9 - 5/9) / (4/9) = -0.25.
		{"different numbers of raters", [][]string{{"a", "a", "a"}, {"a", "b"}, {"b", "b", "a", "a"}}, nil, -0.25, false},
		{"items with one rating are skipped", [][]string{{"a", "a", "a"}, {"c"}, {"a", "b"}, {}, {"b", "b", "a", "a"}}, nil, -0.25, false},
		{"rating outside the categories", [][]string{{"a", "b"}, {"a", "x"}}, []string{"a", "b"}, 0, true},
		{"repeated category", [][]string{{"a", "b"}}, []string{"a", "a"}, 0, true},
		{"no item with two ratings", [][]string{{"a"}, {"b"}}, nil, 0, true},
		{"no items", nil, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := annotate.FleissKappa(tt.ratings, tt.categories)
			if tt.wantErr {
				wantInvalid(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > tol {
				t.Errorf("FleissKappa = %.12f, want %.12f", got, tt.want)
			}
		})
	}
	t.Run("wikipedia example rounds to 0.210", func(t *testing.T) {
		got, _ := annotate.FleissKappa(fleissWikipedia(), nil)
		if math.Round(got*1000)/1000 != 0.210 {
			t.Errorf("FleissKappa = %v, want 0.210", got)
		}
	})
}

func sp(start, end int, label string) model.Span {
	return model.Span{Start: start, End: end, Label: label}
}

func TestSpanF1(t *testing.T) {
	tests := []struct {
		name      string
		a, b      []model.Span
		wantMicro annotate.PRF
		wantLabel map[string]annotate.PRF
	}{
		{
			// TP: P, D; FP: H[6,9), V; FN: H[6,10). P = 2/4, R = 2/3, F1 = 4/7.
			name:      "hand computed",
			a:         []model.Span{sp(0, 5, "P"), sp(6, 10, "H"), sp(11, 14, "D")},
			b:         []model.Span{sp(0, 5, "P"), sp(6, 9, "H"), sp(11, 14, "D"), sp(17, 21, "V")},
			wantMicro: annotate.PRF{Precision: 0.5, Recall: 2.0 / 3, F1: 4.0 / 7, TP: 2, FP: 2, FN: 1},
			wantLabel: map[string]annotate.PRF{
				"P": {Precision: 1, Recall: 1, F1: 1, TP: 1},
				"H": {Precision: 0, Recall: 0, F1: 0, FP: 1, FN: 1},
				"D": {Precision: 1, Recall: 1, F1: 1, TP: 1},
				"V": {Precision: 0, Recall: 1, F1: 0, FP: 1},
			},
		},
		{
			name:      "same offsets, other label",
			a:         []model.Span{sp(0, 5, "Patient")},
			b:         []model.Span{sp(0, 5, "Drug")},
			wantMicro: annotate.PRF{Precision: 0, Recall: 0, F1: 0, FP: 1, FN: 1},
			wantLabel: map[string]annotate.PRF{
				"Patient": {Precision: 1, Recall: 0, F1: 0, FN: 1},
				"Drug":    {Precision: 0, Recall: 1, F1: 0, FP: 1},
			},
		},
		{
			name:      "ids and texts are ignored",
			a:         []model.Span{{ID: "s1", Start: 0, End: 2, Label: "X", Text: "ab"}},
			b:         []model.Span{{ID: "t9", Start: 0, End: 2, Label: "X"}},
			wantMicro: annotate.PRF{Precision: 1, Recall: 1, F1: 1, TP: 1},
			wantLabel: map[string]annotate.PRF{"X": {Precision: 1, Recall: 1, F1: 1, TP: 1}},
		},
		{
			name:      "a repeated span matches once",
			a:         []model.Span{sp(0, 2, "X")},
			b:         []model.Span{sp(0, 2, "X"), sp(0, 2, "X")},
			wantMicro: annotate.PRF{Precision: 0.5, Recall: 1, F1: 2.0 / 3, TP: 1, FP: 1},
			wantLabel: map[string]annotate.PRF{"X": {Precision: 0.5, Recall: 1, F1: 2.0 / 3, TP: 1, FP: 1}},
		},
		{
			name:      "both empty agree",
			wantMicro: annotate.PRF{Precision: 1, Recall: 1, F1: 1},
			wantLabel: map[string]annotate.PRF{},
		},
		{
			name:      "nothing found",
			a:         []model.Span{sp(0, 2, "X")},
			wantMicro: annotate.PRF{Precision: 1, Recall: 0, F1: 0, FN: 1},
			wantLabel: map[string]annotate.PRF{"X": {Precision: 1, Recall: 0, F1: 0, FN: 1}},
		},
		{
			name:      "nothing to find",
			b:         []model.Span{sp(0, 2, "X")},
			wantMicro: annotate.PRF{Precision: 0, Recall: 1, F1: 0, FP: 1},
			wantLabel: map[string]annotate.PRF{"X": {Precision: 0, Recall: 1, F1: 0, FP: 1}},
		},
	}
	near := func(x, y annotate.PRF) bool {
		return x.TP == y.TP && x.FP == y.FP && x.FN == y.FN && math.Abs(x.Precision-y.Precision) < tol &&
			math.Abs(x.Recall-y.Recall) < tol && math.Abs(x.F1-y.F1) < tol
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			per, micro := annotate.SpanF1(tt.a, tt.b)
			if !near(micro, tt.wantMicro) {
				t.Errorf("micro = %+v, want %+v", micro, tt.wantMicro)
			}
			if len(per) != len(tt.wantLabel) {
				t.Errorf("perLabel = %+v, want %+v", per, tt.wantLabel)
			}
			for l, w := range tt.wantLabel {
				if !near(per[l], w) {
					t.Errorf("perLabel[%s] = %+v, want %+v", l, per[l], w)
				}
			}
			// F1 is symmetric.
			_, swapped := annotate.SpanF1(tt.b, tt.a)
			if math.Abs(swapped.F1-micro.F1) > tol || math.Abs(swapped.Precision-micro.Recall) > tol {
				t.Errorf("swapped = %+v, want F1 %v and precision %v", swapped, micro.F1, micro.Recall)
			}
		})
	}
}

func TestCorpusPairwiseSpanF1(t *testing.T) {
	x, y, z := sp(0, 5, "Patient"), sp(6, 10, "Hospital"), sp(11, 14, "Date")
	tests := []struct {
		name    string
		in      map[string][]model.Span
		want    float64
		wantErr bool
	}{
		{"two who agree", map[string][]model.Span{"ann": {x, y}, "bob": {y, x}}, 1, false},
		// ann-bob 1; ann-cy and bob-cy: P 1, R 1/2, F1 2/3. Mean (1 + 4/3) / 3 = 7/9.
		{"three annotators", map[string][]model.Span{"ann": {x, y}, "bob": {x, y}, "cy": {x}}, 7.0 / 9, false},
		{"one who marked nothing", map[string][]model.Span{"ann": {x}, "bob": nil}, 0, false},
		{"both marked nothing", map[string][]model.Span{"ann": nil, "bob": {}}, 1, false},
		{"one annotator", map[string][]model.Span{"ann": {x, y, z}}, 0, true},
		{"nobody", nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := annotate.CorpusPairwiseSpanF1([]map[string][]model.Span{tt.in})
			if tt.wantErr {
				wantInvalid(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > tol {
				t.Errorf("CorpusPairwiseSpanF1 of one document = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("corpus pools counts per pair", func(t *testing.T) {
		// ann-bob: doc 1 TP 1, doc 2 FP 1 FN 1: P = R = F1 = 1/2.
		// ann-cy: doc 3 only, TP 1: F1 1. Mean 3/4. bob-cy never share a document.
		docs := []map[string][]model.Span{
			{"ann": {x}, "bob": {x}},
			{"ann": {y}, "bob": {z}},
			{"ann": {z}, "cy": {z}},
		}
		got, err := annotate.CorpusPairwiseSpanF1(docs)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-0.75) > tol {
			t.Errorf("CorpusPairwiseSpanF1 = %v, want 0.75", got)
		}
	})
	t.Run("gold against itself", func(t *testing.T) {
		for _, d := range goldDocs(t) {
			got, err := annotate.CorpusPairwiseSpanF1([]map[string][]model.Span{{"a": d.Annotation.Spans, "b": d.Annotation.Spans}})
			if err != nil || got != 1 {
				t.Errorf("%s: CorpusPairwiseSpanF1 = %v, %v; want 1", d.ID, got, err)
			}
		}
	})
}

// TestCorpusSpanF1ByLabel pools each label's counts over every pair of every
// document: F1 = 2 TP / (2 TP + FP + FN).
func TestCorpusSpanF1ByLabel(t *testing.T) {
	docs := []map[string][]model.Span{
		// a and b agree on one Drug; b adds a Dose: Drug TP 1, Dose FP 1.
		{"a": {sp(0, 4, "Drug")}, "b": {sp(0, 4, "Drug"), sp(5, 9, "Dose")}},
		// Three annotators: pairs (a,b) (a,c) (b,c). Drug: a and b agree (TP 1);
		// c marked another stretch, so (a,c) and (b,c) have FN 1 and FP 1 each.
		{"a": {sp(0, 3, "Drug")}, "b": {sp(0, 3, "Drug")}, "c": {sp(1, 3, "Drug")}},
		// One annotator: no pair, no counts.
		{"a": {sp(0, 2, "Time")}},
	}
	got := annotate.CorpusSpanF1ByLabel(docs)
	// Drug: TP 2, FP 2, FN 2 -> 4 / (4 + 4) = 0.5. Dose: TP 0, FP 1 -> 0.
	want := map[string]float64{"Drug": 0.5, "Dose": 0}
	if len(got) != len(want) {
		t.Fatalf("labels %v, want %v", got, want)
	}
	for l, w := range want {
		if g, ok := got[l]; !ok || math.Abs(g-w) > tol {
			t.Errorf("%s: F1 %v, want %v", l, g, w)
		}
	}
	if got := annotate.CorpusSpanF1ByLabel(nil); len(got) != 0 {
		t.Errorf("no documents: %v", got)
	}
}
