package mongodb_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/mongodb"
)

// benchAppenders is the number of concurrent appenders in the concurrent case.
const benchAppenders = 64

// benchAuditStore passes everything to the real store and counts the writes, to
// report how many records a group commit carries.
type benchAuditStore struct {
	*mongodb.DB
	inserts, records atomic.Int64
}

func (s *benchAuditStore) InsertAudit(ctx context.Context, recs []model.AuditRecord) (int, error) {
	s.inserts.Add(1)
	s.records.Add(int64(len(recs)))
	return s.DB.InsertAudit(ctx, recs)
}

// benchOpenEmbedded starts the embedded store in a temporary directory and opens
// a database on it with the server's indexes; both are closed at the end of b.
func benchOpenEmbedded(b *testing.B) *mongodb.DB {
	b.Helper()
	log := slog.New(slog.DiscardHandler)
	e, err := mongodb.StartEmbedded(b.TempDir(), log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(e.Close)
	db, err := mongodb.Open(e.URI, "mms_bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.Ping(ctx); err != nil {
		b.Fatal(err)
	}
	if err := db.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchEntry is a typical record: a denied request, with request id and address.
func benchEntry(i int64) auth.AuditEntry {
	return auth.AuditEntry{
		Actor: fmt.Sprintf("key:%016x", i%97), Team: "clinic", Action: auth.ActWrite,
		Resource: "dataset/pima", Decision: model.DecisionDeny,
		RequestID: fmt.Sprintf("%016x", i), ClientAddr: "127.0.0.1:54321",
		Summary: fmt.Sprintf("key:%016x may not write dataset/pima", i%97),
	}
}

// BenchmarkAuditAppend measures hash-chained audit appends on the embedded store:
// one appender waiting for each record, and benchAppenders concurrent appenders
// whose records the log groups into one InsertMany. Target: >= 5,000 records/s.
// At the end the whole chain must verify.
func BenchmarkAuditAppend(b *testing.B) {
	db := benchOpenEmbedded(b)
	st := &benchAuditStore{DB: db}
	l := auth.NewAuditLog(st, slog.New(slog.DiscardHandler))
	closed := false
	defer func() {
		if !closed {
			l.Close()
		}
	}()
	ctx := context.Background()
	var appended, seq atomic.Int64

	report := func(b *testing.B, inserts0, records0 int64) {
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		if n := st.inserts.Load() - inserts0; n > 0 {
			b.ReportMetric(float64(st.records.Load()-records0)/float64(n), "records/insert")
		}
	}

	b.Run("sequential", func(b *testing.B) {
		inserts0, records0 := st.inserts.Load(), st.records.Load()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := l.Append(ctx, benchEntry(seq.Add(1))); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		appended.Add(int64(b.N))
		report(b, inserts0, records0)
	})

	b.Run(fmt.Sprintf("concurrent%d", benchAppenders), func(b *testing.B) {
		inserts0, records0 := st.inserts.Load(), st.records.Load()
		b.SetParallelism((benchAppenders + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := l.Append(ctx, benchEntry(seq.Add(1))); err != nil {
					b.Error(err)
					return
				}
				appended.Add(1)
			}
		})
		b.StopTimer()
		report(b, inserts0, records0)
	})

	// Correctness, not timing: every appended record is in one unbroken chain.
	l.Close()
	closed = true
	v, err := auth.VerifyAudit(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	if !v.OK || int64(v.Checked) != appended.Load() {
		b.Fatalf("audit chain after the benchmark: ok=%v checked=%d appended=%d first broken=%v",
			v.OK, v.Checked, appended.Load(), v.FirstBrokenSeq)
	}
}
