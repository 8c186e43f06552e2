package ml_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/mms-platform/mms/ml"
)

// A text feature keeps only the hash buckets its fit rows use: a row
// transforms to the full-width hashing with the other buckets left out (their
// coefficients would be zero), and a model trained on it predicts the same.
func TestFit_TextColumnsProportionate(t *testing.T) {
	rows := []map[string]any{{"t": "good product"}, {"t": "bad product"}, {"t": "good value"}, {"t": "bad support"}}
	spec := ml.Spec{Features: []ml.FeatureSpec{{Name: "t", Type: ml.TypeText, Text: &ml.TextSpec{WordNgrams: [2]int{1, 1}, Buckets: 1 << 20}}}}
	p := mustFit(t, spec, rows)
	if p.NumColumns != 5 { // good, product, bad, value, support (no collision in 2^20 buckets)
		t.Fatalf("columns = %d (%v), want the 5 words", p.NumColumns, p.ColumnNames())
	}
	for _, c := range p.ColumnNames() {
		var b int
		if _, err := fmt.Sscanf(c, "t#%d", &b); err != nil || b < 0 || b >= 1<<20 {
			t.Errorf("column %q is not t#<bucket>", c)
		}
	}
	r, err := p.TransformSparse(map[string]any{"t": "good unseen words"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Indices) != 1 || math.Abs(r.Values[0]-1/math.Sqrt(3)) > 1e-12 {
		t.Errorf("row %+v: want only 'good', normalized over the 3 words", r)
	}
	// A stored preprocessor round-trips; a broken bucket list is refused.
	b, _ := json.Marshal(p)
	var back ml.Preprocessor
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if r2, _ := back.TransformSparse(map[string]any{"t": "good unseen words"}); !reflect.DeepEqual(r, r2) {
		t.Errorf("after JSON: %+v, want %+v", r2, r)
	}
	bad := strings.Replace(string(b), `"hashes":[`, `"hashes":[99999999,`, 1)
	if err := json.Unmarshal([]byte(bad), &back); err == nil {
		t.Errorf("a bucket list that does not match the width was accepted")
	}
}

// A preprocessor stored before the bucket list (every bucket a column) still
// loads and transforms as it did.
func TestFit_TextLegacyFullWidth(t *testing.T) {
	legacy := `{"features":[{"name":"t","type":"text","offset":0,"width":16,"missing":0,"text":{"wordNgrams":[1,1],"charNgrams":[0,0],"buckets":16,"norm":"none"},"spec":{"name":"t","type":"text"}}],"numColumns":16}`
	var p ml.Preprocessor
	if err := json.Unmarshal([]byte(legacy), &p); err != nil {
		t.Fatal(err)
	}
	x, err := p.Transform(map[string]any{"t": "a b c"})
	if err != nil || len(x) != 16 {
		t.Fatalf("%v %v", x, err)
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	if sum != 3 {
		t.Errorf("counts sum to %v, want 3 words", sum)
	}
	if n := p.ColumnNames(); n[15] != "t#15" {
		t.Errorf("names %v", n)
	}
}
