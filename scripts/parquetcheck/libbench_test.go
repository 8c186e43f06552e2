// Library comparison for the snapshot format (issue 13): parquet-go v0.32.0
// against Apache Arrow Go v18.8.0 (pqarrow) writing and reading 1,000,000 x 20
// nullable doubles, Snappy, 64k-row groups; each reads the other's file
// (TestSame). Run: go test -run TestSame -bench . -benchtime 3x -benchmem

package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	pq "github.com/parquet-go/parquet-go"
)

const N = 1_000_000
const C = 20
const RG = 65536

var cols = func() [][]float64 {
	r := rand.New(rand.NewSource(1))
	out := make([][]float64, C)
	for c := range out {
		out[c] = make([]float64, N)
		for i := range out[c] {
			out[c][i] = r.NormFloat64()
		}
	}
	return out
}()

func pqSchema() *pq.Schema {
	g := pq.Group{}
	for c := 0; c < C; c++ {
		g[fmt.Sprintf("f%02d", c)] = pq.Optional(pq.Leaf(pq.DoubleType))
	}
	return pq.NewSchema("t", g)
}

func writePQGo() []byte {
	var buf bytes.Buffer
	s := pqSchema()
	w := pq.NewGenericWriter[any](&buf, s, pq.Compression(&pq.Snappy), pq.MaxRowsPerRowGroup(RG))
	vals := make([]pq.Value, RG)
	for start := 0; start < N; start += RG {
		end := min(start+RG, N)
		cw := w.ColumnWriters()
		for c := 0; c < C; c++ {
			v := vals[:end-start]
			for i := range v {
				v[i] = pq.ValueOf(cols[c][start+i]).Level(0, 1, c)
			}
			if _, err := cw[c].WriteRowValues(v); err != nil {
				panic(err)
			}
		}
		if err := w.Flush(); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func readPQGo(b []byte) float64 {
	f, err := pq.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		panic(err)
	}
	sum := 0.0
	buf := make([]pq.Value, 8192)
	for _, rg := range f.RowGroups() {
		for _, cc := range rg.ColumnChunks() {
			pages := cc.Pages()
			for {
				p, err := pages.ReadPage()
				if err != nil {
					break
				}
				vr := p.Values()
				for {
					n, err := vr.ReadValues(buf)
					for _, v := range buf[:n] {
						if !v.IsNull() {
							sum += v.Double()
						}
					}
					if err != nil {
						break
					}
				}
			}
			pages.Close()
		}
	}
	return sum
}

func arrowSchema() *arrow.Schema {
	fs := make([]arrow.Field, C)
	for c := range fs {
		fs[c] = arrow.Field{Name: fmt.Sprintf("f%02d", c), Type: arrow.PrimitiveTypes.Float64, Nullable: true}
	}
	return arrow.NewSchema(fs, nil)
}

func writeArrow() []byte {
	var buf bytes.Buffer
	sc := arrowSchema()
	props := parquet.NewWriterProperties(parquet.WithCompression(1 /*snappy*/), parquet.WithMaxRowGroupLength(RG))
	w, err := pqarrow.NewFileWriter(sc, &buf, props, pqarrow.DefaultWriterProps())
	if err != nil {
		panic(err)
	}
	mem := memory.DefaultAllocator
	for start := 0; start < N; start += RG {
		end := min(start+RG, N)
		b := array.NewRecordBuilder(mem, sc)
		for c := 0; c < C; c++ {
			b.Field(c).(*array.Float64Builder).AppendValues(cols[c][start:end], nil)
		}
		rec := b.NewRecordBatch()
		if err := w.Write(rec); err != nil {
			panic(err)
		}
		rec.Release()
		b.Release()
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func readArrow(b []byte) float64 {
	rdr, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: RG, Parallel: false}, memory.DefaultAllocator)
	if err != nil {
		panic(err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		panic(err)
	}
	sum := 0.0
	for rr.Next() {
		rec := rr.RecordBatch()
		for c := 0; c < int(rec.NumCols()); c++ {
			a := rec.Column(c).(*array.Float64)
			for i, v := range a.Float64Values() {
				if a.IsValid(i) {
					sum += v
				}
			}
		}
	}
	rr.Release()
	return sum
}

func BenchmarkWriteParquetGo(b *testing.B) {
	for i := 0; i < b.N; i++ {
		out := writePQGo()
		b.ReportMetric(float64(len(out)), "bytes")
	}
}
func BenchmarkWriteArrow(b *testing.B) {
	for i := 0; i < b.N; i++ {
		out := writeArrow()
		b.ReportMetric(float64(len(out)), "bytes")
	}
}
func BenchmarkReadParquetGo(b *testing.B) {
	d := writePQGo()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		readPQGo(d)
	}
}
func BenchmarkReadArrow(b *testing.B) {
	d := writeArrow()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		readArrow(d)
	}
}
func TestSame(t *testing.T) {
	a, b := readPQGo(writePQGo()), readArrow(writeArrow())
	x, y := readArrow(writePQGo()), readPQGo(writeArrow())
	if a != b || a != x || a != y {
		t.Fatal(a, b, x, y)
	}
}
