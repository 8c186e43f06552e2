package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/semaphore"

	"github.com/mms-platform/mms/model"
)

// FerretDB v1 runs each statement of an update command as a query whose
// backend connection it keeps until the whole command ends, and takes one more
// connection to write each document. When every connection of its pool is held
// that way, all those commands wait for a connection forever: the store stops
// answering. So the update statements this process has in flight on FerretDB
// are bounded below its pool: the embedded store's pool holds 100 connections;
// FerretDB over PostgreSQL holds pool_max_conns (50 unless its PostgreSQL URL
// sets it; cmd/ferretdb-pg sets 90), which must also leave room for open
// cursors and for the other processes sharing the store: server instances, and
// test packages run in parallel (two of them at 40 each wedged a pool of 50).
const (
	embeddedUpdateBudget = 50
	ferretUpdateBudget   = 30
)

// updateTimeout bounds one update command, so that a store that stopped
// answering (above) fails the operation with a clear error instead of holding
// it forever. A command carries at most maxUpdatesPerCommand statements by _id:
// on a working store it takes milliseconds, seconds on a very busy one.
const updateTimeout = 2 * time.Minute

// updateBounds are a connection's bounds on update commands.
type updateBounds struct {
	// budget bounds the statements in flight (nil: no bound, on MongoDB), size
	// is its capacity, and so the most statements a command carries.
	budget *semaphore.Weighted
	size   int
	// timeout bounds each command (updateTimeout; tests shorten it).
	timeout time.Duration
}

// newUpdateBounds returns the bounds for the store Detect found.
func newUpdateBounds(ferret, embedded bool) updateBounds {
	b := updateBounds{size: maxUpdatesPerCommand, timeout: updateTimeout}
	switch {
	case !ferret:
		return b
	case embedded:
		b.size = min(b.size, embeddedUpdateBudget)
	default:
		b.size = min(b.size, ferretUpdateBudget)
	}
	b.budget = semaphore.NewWeighted(int64(b.size))
	return b
}

// bulkUpdate sends models (replacements and updates by _id, unordered) to col
// in commands of at most maxUpdatesPerCommand statements, within the store's
// budget, and returns how many documents matched and were modified. A command
// that does not end within updateTimeout is model.EUNAVAILABLE, with a hint.
func (d *DB) bulkUpdate(ctx context.Context, col *mongo.Collection, models []mongo.WriteModel) (matched, modified int, err error) {
	size := d.updates.size
	for start := 0; start < len(models); start += size {
		chunk := models[start:min(start+size, len(models))]
		res, err := d.updateCommand(ctx, col, chunk)
		if err != nil {
			return matched, modified, err
		}
		matched += int(res.MatchedCount)
		modified += int(res.ModifiedCount)
	}
	return matched, modified, nil
}

func (d *DB) updateCommand(ctx context.Context, col *mongo.Collection, models []mongo.WriteModel) (*mongo.BulkWriteResult, error) {
	cctx, cancel := context.WithTimeout(ctx, d.updates.timeout)
	defer cancel()
	if b := d.updates.budget; b != nil {
		if err := b.Acquire(cctx, int64(len(models))); err != nil {
			return nil, d.updateStuck(ctx, len(models), err)
		}
		defer b.Release(int64(len(models)))
	}
	res, err := col.BulkWrite(cctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return nil, d.updateStuck(ctx, len(models), err)
	}
	return res, nil
}

// updateStuck explains an update command that ran out of updateTimeout (but
// not out of the caller's own time); other errors are translated.
func (d *DB) updateStuck(ctx context.Context, n int, err error) error {
	if ctx.Err() != nil || !(errors.Is(err, context.DeadlineExceeded) || mongo.IsTimeout(err)) {
		return translate(err)
	}
	hint := ""
	if d.updates.budget != nil {
		hint = "; on FerretDB that is the sign of its backend connection pool running out (over PostgreSQL: raise pool_max_conns in its PostgreSQL URL and restart it, see docs/mongodb.md)"
	}
	return errors.Join(model.Errorf(model.EUNAVAILABLE, "store unavailable: an update of %d documents got no answer within %v%s", n, d.updates.timeout, hint), fmt.Errorf("update command: %w", err))
}
