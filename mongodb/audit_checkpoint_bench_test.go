package mongodb_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/mms-platform/mms/auth"
)

// BenchmarkAuditAppendSigned is the concurrent case of BenchmarkAuditAppend with
// signed checkpoints (the default interval, and a short one to show their cost):
// a record at a multiple of the interval is followed by a checkpoint insert and an
// Ed25519 signature before its append returns. At the end the chain and every
// checkpoint must verify.
func BenchmarkAuditAppendSigned(b *testing.B) {
	for _, every := range []int64{auth.DefaultCheckpointEvery, 32} {
		b.Run(fmt.Sprintf("every%d/concurrent%d", every, benchAppenders), func(b *testing.B) {
			db := benchOpenEmbedded(b)
			cps := &auth.Checkpoints{Store: db, Key: ed25519.NewKeyFromSeed(make([]byte, 32)), Every: every}
			l := auth.NewAuditLog(db, slog.New(slog.DiscardHandler), auth.WithCheckpoints(cps))
			ctx := context.Background()
			var seq, appended atomic.Int64
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
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			l.Close()
			v, err := auth.VerifyAuditSigned(ctx, db, cps)
			if err != nil {
				b.Fatal(err)
			}
			if !v.OK || int64(v.Checked) != appended.Load() || int64(v.Checkpoints) != appended.Load()/every {
				b.Fatalf("after the benchmark: %+v, appended %d", v, appended.Load())
			}
		})
	}
}
