package ingest_test

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/mms-platform/mms/ingest"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestProfile_HandComputed(t *testing.T) {
	prof := ingest.NewProfile(ingest.ProfileOptions{Fields: []string{"x", "s"}})
	// x: 2 4 4 4 5 5 7 9 plus two nulls (one absent, one explicit).
	xs := []any{int64(2), int64(4), int64(4), int64(4), 5.0, 5.0, int64(7), int64(9)}
	ss := []any{"a", "b", "a", nil, nil, nil, nil, nil}
	for i, x := range xs {
		prof.Add(ingest.Doc{Fields: map[string]any{"x": x, "s": ss[i]}})
	}
	prof.Add(ingest.Doc{Fields: map[string]any{"x": nil, "d": time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}})
	prof.Add(ingest.Doc{Fields: map[string]any{"d": time.Date(2023, 5, 6, 0, 0, 0, 0, time.UTC)}})
	prof.AddReject([]string{`age: "abc" is not an int`, "sex: required"})
	prof.AddReject([]string{"invalid JSON: truncated (unexpected end of record)"})

	rep := prof.Report()
	if rep.Rows != 10 || rep.Rejected != 2 {
		t.Fatalf("rows, rejected = %d, %d; want 10, 2", rep.Rows, rep.Rejected)
	}
	if want := []ingest.FieldCount{{"(record)", 1}, {"age", 1}, {"sex", 1}}; !reflect.DeepEqual(rep.RejectsByField, want) {
		t.Errorf("rejectsByField = %v, want %v", rep.RejectsByField, want)
	}
	if got := []string{rep.Fields[0].Name, rep.Fields[1].Name, rep.Fields[2].Name}; !reflect.DeepEqual(got, []string{"x", "s", "d"}) {
		t.Fatalf("field order = %v, want [x s d]", got)
	}
	x := rep.Fields[0]
	t.Run("numeric", func(t *testing.T) {
		checks := []struct {
			name      string
			got, want float64
		}{
			{"count", float64(x.Count), 8},
			{"nulls", float64(x.Nulls), 2},
			{"nullRatio", x.NullRatio, 0.2},
			{"distinct", float64(x.Distinct), 5},
			{"min", *x.Min, 2},
			{"max", *x.Max, 9},
			{"mean", *x.Mean, 5},
			{"std (n-1)", *x.Std, math.Sqrt(32.0 / 7)},
			{"median", *x.Median, 4.5},
		}
		for _, c := range checks {
			if !near(c.got, c.want) {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
		if x.Type != "float" || !x.DistinctExact || x.Sampled {
			t.Errorf("type %q exact %v sampled %v; want float, true, false", x.Type, x.DistinctExact, x.Sampled)
		}
		wantTop := []ingest.ValueCount{{4.0, 3}, {5.0, 2}, {2.0, 1}, {7.0, 1}, {9.0, 1}}
		if !reflect.DeepEqual(x.Top, wantTop) {
			t.Errorf("top = %v, want %v", x.Top, wantTop)
		}
		var counts []int64
		for _, b := range x.Histogram {
			counts = append(counts, b.Count)
		}
		if want := []int64{1, 0, 3, 0, 2, 0, 0, 1, 0, 1}; !reflect.DeepEqual(counts, want) {
			t.Errorf("histogram = %v, want %v", counts, want)
		}
		if lo, hi := x.Histogram[0].Lo, x.Histogram[9].Hi; lo != 2 || hi != 9 || !near(x.Histogram[1].Lo, 2.7) {
			t.Errorf("histogram range %v..%v, bin 1 from %v; want 2..9, 2.7", lo, hi, x.Histogram[1].Lo)
		}
	})
	t.Run("string", func(t *testing.T) {
		s := rep.Fields[1]
		if s.Type != "string" || s.Count != 3 || s.Nulls != 7 || s.Distinct != 2 || s.Mean != nil {
			t.Errorf("s = %+v", s)
		}
		if want := []ingest.ValueCount{{"a", 2}, {"b", 1}}; !reflect.DeepEqual(s.Top, want) {
			t.Errorf("top = %v, want %v", s.Top, want)
		}
	})
	t.Run("date", func(t *testing.T) {
		d := rep.Fields[2]
		if d.Type != "date" || d.Count != 2 || !d.MinDate.Equal(time.Date(2023, 5, 6, 0, 0, 0, 0, time.UTC)) || !d.MaxDate.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("d = %+v", d)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back["rows"] != 10.0 {
			t.Errorf("JSON rows = %v", back["rows"])
		}
	})
}

func TestStats_Bounded(t *testing.T) {
	const n = 100000
	s := ingest.NewStats(1000, 500, 42)
	for i := 1; i <= n; i++ {
		s.Add(int64(i))
	}
	if d, exact := s.Distinct(); d != 500 || exact {
		t.Errorf("distinct = %d, %v; want 500 (a lower bound), false", d, exact)
	}
	if m, _ := s.Mean(); !near(m, (n+1)/2.0) {
		t.Errorf("mean = %v, want %v (exact)", m, (n+1)/2.0)
	}
	if lo, _ := s.Min(); lo != 1 {
		t.Errorf("min = %v", lo)
	}
	if hi, _ := s.Max(); hi != n {
		t.Errorf("max = %v", hi)
	}
	med, _ := s.Median()
	if math.Abs(med-n/2) > n/10 {
		t.Errorf("sampled median = %v, want within 10%% of %v", med, n/2)
	}
	if _, ok := s.Duplicates(); ok {
		t.Error("duplicates claimed exact after the distinct cap")
	}

	prof := ingest.NewProfile(ingest.ProfileOptions{SampleSize: 1000, Seed: 7})
	prof2 := ingest.NewProfile(ingest.ProfileOptions{SampleSize: 1000, Seed: 7})
	for i := 0; i < 20000; i++ {
		d := ingest.Doc{Fields: map[string]any{"v": float64(i % 977), "w": int64(i)}}
		prof.Add(d)
		prof2.Add(d)
	}
	r1, r2 := prof.Report(), prof2.Report()
	if !reflect.DeepEqual(r1, r2) {
		t.Error("two profiles of the same stream differ")
	}
	v := r1.Fields[0]
	var sum int64
	for _, b := range v.Histogram {
		sum += b.Count
	}
	if !v.Sampled || sum != 20000 {
		t.Errorf("sampled = %v, histogram sum = %d; want true, 20000", v.Sampled, sum)
	}
}

func TestStats_Mode(t *testing.T) {
	tests := []struct {
		name   string
		values []any
		want   any
	}{
		{"numbers tie to the smallest", []any{int64(3), int64(1), int64(3), int64(1), int64(2)}, 1.0},
		{"strings", []any{"y", "x", "y"}, "y"},
		{"bools", []any{true, false, true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ingest.NewStats(0, 0, 1)
			for _, v := range tt.values {
				s.Add(v)
			}
			if got, ok := s.Mode(); !ok || got != tt.want {
				t.Errorf("Mode = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}
