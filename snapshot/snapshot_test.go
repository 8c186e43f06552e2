package snapshot

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	cols := []Column{
		{Name: "f", Kind: KindFloat}, {Name: "i", Kind: KindInt}, {Name: "b", Kind: KindBool},
		{Name: "d", Kind: KindDate}, {Name: "s", Kind: KindString}, {Name: "j", Kind: KindJSON},
		{Name: "sec", Kind: KindSealed},
	}
	b := NewBuilder(cols)
	n := RowGroupRows + 10
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	// added in reverse key order: the file must come out sorted
	for i := n - 1; i >= 0; i-- {
		row := map[string]any{}
		if i%3 != 0 {
			row = map[string]any{"f": float64(i) / 2, "i": int64(i), "b": i%2 == 0, "d": at.Add(time.Duration(i) * time.Hour),
				"s": fmt.Sprint("s", i), "j": map[string]any{"a": i}, "sec": Sealed{Bytes: []byte{byte(i)}, Index: fmt.Sprint("ix", i)}}
		}
		if i == 5 {
			row["f"] = "not a number"
		}
		b.Add(fmt.Sprintf("k%06d", i), func(name string) any { return row[name] })
	}
	if b.Coerced["f"] != 1 {
		t.Fatalf("coerced %v", b.Coerced)
	}
	var buf bytes.Buffer
	if err := b.Write(&buf, "ds", 3); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if r.NumRows() != int64(n) || r.Dataset != "ds" || r.Version != 3 || len(r.Columns()) != len(cols) {
		t.Fatalf("rows %d dataset %q version %d cols %v", r.NumRows(), r.Dataset, r.Version, r.Columns())
	}
	names := []string{"f", "i", "b", "d", "s", "j", "sec"}
	row := 0
	groups := 0
	err = r.Scan(names, true, func(bt *Batch) error {
		groups++
		for k := 0; k < bt.Len(); k++ {
			i := row
			if want := fmt.Sprintf("k%06d", i); bt.Keys[k] != want {
				return fmt.Errorf("row %d key %q want %q", row, bt.Keys[k], want)
			}
			null := i%3 == 0
			for c, v := range bt.Cols {
				if v.Valid[k] == null && !(names[c] == "f" && i == 5) {
					return fmt.Errorf("row %d col %s valid %v", i, names[c], v.Valid[k])
				}
			}
			if !null && i != 5 {
				if bt.Cols[0].Float[k] != float64(i)/2 || bt.Cols[1].Int[k] != int64(i) || bt.Cols[2].Bool[k] != (i%2 == 0) ||
					!bt.Cols[3].Value(k).(time.Time).Equal(at.Add(time.Duration(i)*time.Hour)) || bt.Cols[4].Str[k] != fmt.Sprint("s", i) ||
					bt.Cols[5].Str[k] != fmt.Sprintf(`{"a":%d}`, i) || bt.Cols[6].Bytes[k][0] != byte(i) || bt.Cols[6].Index[k] != fmt.Sprint("ix", i) {
					return fmt.Errorf("row %d values %v", i, []any{bt.Cols[0].Value(k), bt.Cols[1].Value(k), bt.Cols[5].Value(k), bt.Cols[6].Value(k)})
				}
			}
			row++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if row != n || groups != 2 {
		t.Fatalf("rows %d groups %d", row, groups)
	}
}

func TestDuplicateKeys(t *testing.T) {
	b := NewBuilder([]Column{{Name: "f", Kind: KindFloat}})
	b.Add("a", func(string) any { return 1.0 })
	b.Add("a", func(string) any { return 2.0 })
	if err := b.Write(&bytes.Buffer{}, "ds", 1); err == nil {
		t.Fatal("duplicate keys written")
	}
}

func TestEmpty(t *testing.T) {
	b := NewBuilder([]Column{{Name: "f", Kind: KindFloat}})
	var buf bytes.Buffer
	if err := b.Write(&buf, "ds", 1); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if r.NumRows() != 0 {
		t.Fatal(r.NumRows())
	}
}

func BenchmarkWrite1Mx20(b *testing.B) {
	cols := make([]Column, 20)
	for c := range cols {
		cols[c] = Column{Name: fmt.Sprintf("f%02d", c), Kind: KindFloat}
	}
	n := 1_000_000
	keys := make([]string, n)
	vecs := make([]*Vec, 20)
	for c := range vecs {
		vecs[c] = &Vec{Kind: KindFloat, Valid: make([]bool, n), Float: make([]float64, n)}
	}
	for i := range n {
		keys[i] = fmt.Sprintf("k%07d", i)
		for c := range vecs {
			vecs[c].Valid[i], vecs[c].Float[i] = true, float64(i%1000)/7+float64(c)
		}
	}
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	var buf bytes.Buffer
	b.Run("write", func(b *testing.B) {
		for range b.N {
			buf.Reset()
			if err := writeSorted(&buf, cols, "ds", 1, keys, vecs, perm); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	})
	data := buf.Bytes()
	b.Run("read", func(b *testing.B) {
		names := make([]string, 20)
		for c := range names {
			names[c] = cols[c].Name
		}
		for range b.N {
			r, err := Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				b.Fatal(err)
			}
			if err := r.Scan(names, true, func(*Batch) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestLastWins(t *testing.T) {
	b := NewBuilder([]Column{{Name: "f", Kind: KindFloat}, {Name: "j", Kind: KindJSON}})
	b.LastWins = true
	for i, k := range []string{"b", "a", "b", "c", "b"} {
		b.Add(k, func(n string) any {
			if n == "j" {
				return RawJSON(`{"x":1}`)
			}
			return float64(i)
		})
	}
	var buf bytes.Buffer
	if err := b.Write(&buf, "ds", 1); err != nil {
		t.Fatal(err)
	}
	r, _ := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	var got []string
	_ = r.Scan([]string{"f", "j"}, true, func(bt *Batch) error {
		for i, k := range bt.Keys {
			got = append(got, fmt.Sprint(k, " ", bt.Cols[0].Float[i], " ", bt.Cols[1].Str[i]))
		}
		return nil
	})
	if fmt.Sprint(got) != `[a 1 {"x":1} b 4 {"x":1} c 3 {"x":1}]` {
		t.Fatal(got)
	}
}

// TestSpillMerge: runs and a base merge in key order, the last row of a key
// winning (over earlier runs and over the base), columns added since the base
// null there; the result equals an in-memory build. With a small MergeRuns
// the 25 runs merge in several passes to the same result; with segments of 5
// rows, runs and merged runs are many segments long and the merges cross
// segment boundaries all the time.
func TestSpillMerge(t *testing.T) {
	for _, fanIn := range []int{DefaultMergeRuns, 3, 2} {
		for _, seg := range []int{runGroupRows, 5} {
			t.Run(fmt.Sprint("fan-in ", fanIn, " segment ", seg), func(t *testing.T) { testSpillMerge(t, fanIn, seg) })
		}
	}
}

func testSpillMerge(t *testing.T, fanIn, segRows int) {
	baseCols := []Column{{Name: "f", Kind: KindFloat}, {Name: "s", Kind: KindString}}
	bb := NewBuilder(baseCols)
	for i := 0; i < 500; i += 2 {
		bb.Add(fmt.Sprintf("k%04d", i), func(n string) any {
			if n == "f" {
				return float64(-i)
			}
			return "base"
		})
	}
	var base bytes.Buffer
	if err := bb.Write(&base, "ds", 1); err != nil {
		t.Fatal(err)
	}
	br, err := Open(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		t.Fatal(err)
	}
	cols := append(baseCols, Column{Name: "sec", Kind: KindSealed})
	sp := NewSpill(cols, t.TempDir())
	defer sp.Close()
	sp.RunRows = 37
	sp.MergeRuns = fanIn
	sp.segRows = segRows
	want := map[string]string{}
	for i := 0; i < 500; i += 2 {
		want[fmt.Sprintf("k%04d", i)] = fmt.Sprint(float64(-i), " base <nil>")
	}
	for round := 0; round < 3; round++ {
		for i := round; i < 300; i += 3 {
			k := fmt.Sprintf("k%04d", i*3%600)
			v := float64(round*1000 + i)
			if err := sp.Add(k, func(n string) any {
				switch n {
				case "f":
					return v
				case "s":
					return nil
				}
				return Sealed{Bytes: []byte{1}, Index: k}
			}); err != nil {
				t.Fatal(err)
			}
			want[k] = fmt.Sprint(v, " <nil> ", k)
		}
	}
	var out bytes.Buffer
	n, err := sp.Write(&out, "ds", 2, br)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	prev := ""
	_ = r.Scan([]string{"f", "s", "sec"}, true, func(b *Batch) error {
		for i, k := range b.Keys {
			if k <= prev {
				t.Fatalf("order: %q after %q", k, prev)
			}
			prev = k
			idx := "<nil>"
			if b.Cols[2].Valid[i] {
				idx = b.Cols[2].Index[i]
			}
			got[k] = fmt.Sprint(b.Cols[0].Value(i), " ", b.Cols[1].Value(i), " ", idx)
		}
		return nil
	})
	if n != len(want) || r.NumRows() != int64(len(want)) || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("merged %d rows, want %d:\n%v\n%v", n, len(want), got, want)
	}
	if fanIn < DefaultMergeRuns && len(sp.runs) > fanIn {
		t.Fatalf("%d runs left for the last merge, want at most %d", len(sp.runs), fanIn)
	}
	for i, r := range sp.runs[:len(sp.runs)-1] { // the last run may be short
		if segRows == 5 && len(r.ends) < 2 {
			t.Fatalf("run %d: %d segments of 5 rows, want several", i, len(r.ends))
		}
	}
}
