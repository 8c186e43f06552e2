// Command parquetcheck reads a Parquet file with Apache Arrow's Go reader
// (pqarrow, an implementation independent of the parquet-go library MMS
// writes with) and prints its row count and the sum of every numeric column,
// for scripts/bench-snapshot.sh to compare with the source CSV.
//
//	go run . FILE.parquet
package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: parquetcheck FILE.parquet")
		os.Exit(2)
	}
	rdr, err := file.OpenParquetFile(os.Args[1], false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 65536}, memory.DefaultAllocator)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer rr.Release()
	rows := int64(0)
	sums := map[string]float64{}
	for rr.Next() {
		rec := rr.RecordBatch()
		rows += rec.NumRows()
		for c := 0; c < int(rec.NumCols()); c++ {
			name := rec.ColumnName(c)
			switch a := rec.Column(c).(type) {
			case *array.Float64:
				for i, v := range a.Float64Values() {
					if a.IsValid(i) {
						sums[name] += v
					}
				}
			case *array.Int64:
				for i, v := range a.Int64Values() {
					if a.IsValid(i) {
						sums[name] += float64(v)
					}
				}
			}
		}
	}
	if err := rr.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Printf("rows %d\n", rows)
	for _, n := range names {
		fmt.Printf("sum %s %.9g\n", n, sums[n])
	}
}
