package snapshot

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSpillPima builds a snapshot the way an ingestion's writes do
// (Spill.Add per row, then Write) for MMS_SPILL_ROWS Pima-like rows (default
// 2,000,000; a 1 GB CSV of scripts/bench-1gb.sh is 32,442,331), keys
// "big:<line>" as an ingestion without a key field makes them, so that every
// run overlaps every other. It reports the peak Go heap (sampled every 2 ms)
// and the number of runs merged. MMS_SPILL_FANIN overrides MergeRuns (a
// large value merges every run at once, as before MergeRuns).
// MMS_SPILL_HEAPPROF=FILE writes a heap profile (live objects at the last GC)
// to FILE each time the peak grows by a tenth, so that FILE ends as the
// profile nearest the peak.
func BenchmarkSpillPima(b *testing.B) {
	rows := 2_000_000
	if s := os.Getenv("MMS_SPILL_ROWS"); s != "" {
		var err error
		if rows, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	cols := []Column{{Name: "pregnancies", Kind: KindInt}, {Name: "glucose", Kind: KindInt}, {Name: "blood_pressure", Kind: KindInt},
		{Name: "skin_thickness", Kind: KindInt}, {Name: "insulin", Kind: KindInt}, {Name: "bmi", Kind: KindFloat},
		{Name: "pedigree", Kind: KindFloat}, {Name: "age", Kind: KindInt}, {Name: "outcome", Kind: KindInt}}
	var peak atomic.Uint64
	var lastProf uint64
	done := make(chan struct{})
	defer close(done)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
				if prof := os.Getenv("MMS_SPILL_HEAPPROF"); prof != "" && v > lastProf*11/10 {
					lastProf = v
					if f, err := os.Create(prof); err == nil {
						pprof.Lookup("heap").WriteTo(f, 0)
						f.Close()
					}
				}
			}
		}
	}()
	for b.Loop() {
		runtime.GC()
		peak.Store(0)
		sp := NewSpill(cols, b.TempDir())
		if s := os.Getenv("MMS_SPILL_FANIN"); s != "" {
			var err error
			if sp.MergeRuns, err = strconv.Atoi(s); err != nil {
				b.Fatal(err)
			}
		}
		seed := uint64(20240601)
		vals := make([]any, len(cols))
		for line := 2; line < rows+2; line++ {
			for j := range vals {
				seed = seed*6364136223846793005 + 1442695040888963407
				x := int64(seed>>33) % 200
				if cols[j].Kind == KindFloat {
					vals[j] = float64(x) / 7
				} else {
					vals[j] = x
				}
			}
			err := sp.Add("big:"+strconv.Itoa(line), func(name string) any {
				for j, c := range cols {
					if c.Name == name {
						return vals[j]
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		runs := len(sp.runs) + 1
		n, err := sp.Write(io.Discard, "big", 1, nil)
		sp.Close()
		if err != nil {
			b.Fatal(err)
		}
		if n != rows {
			b.Fatalf("%d rows written, want %d", n, rows)
		}
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(runs), "runs")
	}
	fmt.Fprintf(os.Stderr, "%d rows\n", rows)
}
