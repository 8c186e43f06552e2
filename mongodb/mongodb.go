// Package mongodb implements MMS's storage on MongoDB. It is the only package that
// imports the MongoDB driver; it speaks to the rest of MMS in model types and
// translates driver errors into model errors at this boundary. It works the same
// on a MongoDB replica set or sharded cluster and on the embedded FerretDB, so it
// uses only operations both support (no transactions, change streams, $lookup...).
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/mms-platform/mms/model"
)

// DB is a connection to one MMS database.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
	// ferret is true when the server is FerretDB, whose query planner pushes
	// down only lone _id equalities; some lookups take another path there.
	ferret bool
	// local, when set, is the in-process FerretDB behind this connection.
	local *Embedded
	// embedded is local when sources and media are kept in files beside it
	// rather than in GridFS (not when other instances share the store).
	embedded *Embedded
	health   *health
	// seal seals sensitive field values (fieldseal.go).
	seal fieldSeal
	// uri is the store's connection string (StoreAddrs reads its hosts).
	uri string
	// identity is the store's marker (connections.go), set by EnsureIndexes.
	identity string
	// updates bounds update commands (bulk.go), set by Detect and UseEmbedded.
	updates updateBounds
}

// UseEmbedded tells the connection that it talks to e, so that it can add the
// _id indexes FerretDB lacks (see Embedded.indexIDs) when it creates collections,
// and keep sources and media in files beside the store unless e is shared with
// other instances (listens on a fixed port): they could not read those files.
func (d *DB) UseEmbedded(e *Embedded) {
	d.local = e
	d.updates = newUpdateBounds(true, true)
	if !e.shared {
		d.embedded = e
	}
}

// indexIDs adds missing _id indexes on the embedded store (no-op elsewhere).
func (d *DB) indexIDs(ctx context.Context) error {
	if d.local == nil {
		return nil
	}
	return d.local.indexIDs(ctx, d.db.Name())
}

// Client timings. Server selection is bounded well below a request's timeout, so
// an unreachable store answers UNAVAILABLE in seconds, and the driver checks the
// server every heartbeatInterval, so an outage is noticed (and its end) within
// that time even with no traffic. A URI option (serverSelectionTimeoutMS,
// connectTimeoutMS, heartbeatFrequencyMS) overrides them.
const (
	serverSelectionTimeout = 2 * time.Second
	connectTimeout         = 3 * time.Second
	heartbeatInterval      = 2 * time.Second
)

// Open connects to uri and uses database name. It does not wait for the server:
// Ping (or the first operation) does.
func Open(uri, name string) (*DB, error) {
	h := &health{}
	opts := options.Client().
		SetServerSelectionTimeout(serverSelectionTimeout).
		SetConnectTimeout(connectTimeout).
		SetHeartbeatInterval(heartbeatInterval).
		ApplyURI(uri).
		SetServerMonitor(&event.ServerMonitor{TopologyDescriptionChanged: h.topologyChanged}).
		SetWriteConcern(writeconcern.Majority()).
		SetRetryWrites(true).
		SetAppName("mms")
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to MongoDB: %w", err)
	}
	return &DB{client: c, db: c.Database(name), health: h, uri: uri, updates: newUpdateBounds(false, false)}, nil
}

// SetLogger makes the connection log when the store becomes unreachable and
// when it is back.
func (d *DB) SetLogger(log *slog.Logger) { d.health.log.Store(log) }

// Unreachable reports whether the store is known to be down: the driver has
// seen a usable server before and now sees none (its checks or operations
// failed). Callers can then fail at once with model.EUNAVAILABLE instead of
// waiting for server selection; the driver keeps checking in the background and
// the state clears by itself when the store answers again.
func (d *DB) Unreachable() bool { return d.health.down.Load() }

// health follows the driver's view of the deployment (SDAM topology events): it
// costs nothing per operation.
type health struct {
	seen   atomic.Bool // a usable server was seen once
	down   atomic.Bool
	closed atomic.Bool // Close was called: the topology going away is no outage
	log    atomic.Pointer[slog.Logger]
}

// topologyChanged runs with the driver's topology locked: it only flips flags.
func (h *health) topologyChanged(e *event.TopologyDescriptionChangedEvent) {
	if h.closed.Load() {
		return
	}
	usable := false
	for _, s := range e.NewDescription.Servers {
		switch s.Kind { // servers that take primary reads and writes
		case "Standalone", "RSPrimary", "Mongos", "LoadBalancer":
			usable = true
		}
	}
	switch {
	case usable:
		h.seen.Store(true)
		if h.down.Swap(false) {
			if log := h.log.Load(); log != nil {
				log.Info("store reachable again")
			}
		}
	case h.seen.Load():
		if !h.down.Swap(true) {
			if log := h.log.Load(); log != nil {
				log.Warn("store unreachable; requests answer UNAVAILABLE until it is back")
			}
		}
	}
}

// Close disconnects.
func (d *DB) Close(ctx context.Context) error {
	d.health.closed.Store(true)
	return d.client.Disconnect(ctx)
}

// Ping checks that the server answers; its error is model.EUNAVAILABLE. While
// the server selection fails it tries again until ctx ends, so a caller that
// gives it a long deadline (the start-up) waits for a store that is starting.
func (d *DB) Ping(ctx context.Context) error {
	for {
		err := d.client.Ping(ctx, readpref.Primary())
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || !errors.As(err, new(topology.ServerSelectionError)) {
			return model.Errorf(model.EUNAVAILABLE, "store unreachable")
		}
		select {
		case <-ctx.Done():
			return model.Errorf(model.EUNAVAILABLE, "store unreachable")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Detect asks the server what it is (FerretDB answers buildInfo with a
// ferretdbVersion) so that queries can take the fast path on each.
func (d *DB) Detect(ctx context.Context) error {
	var info bson.M
	if err := d.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return translate(err)
	}
	_, d.ferret = info["ferretdbVersion"]
	d.updates = newUpdateBounds(d.ferret, d.local != nil)
	return nil
}

// Drop deletes the whole database (tests use it to clean up).
func (d *DB) Drop(ctx context.Context) error { return d.db.Drop(ctx) }

// Collection names.
const (
	colTeams    = "teams"
	colKeys     = "api_keys"
	colDatasets = "datasets"
	colRules    = "casbin_rules"
	colAudit    = "audit"
	colMeta     = "meta"
)

// EnsureIndexes creates the indexes MMS relies on. It is idempotent and runs at start.
func (d *DB) EnsureIndexes(ctx context.Context) error {
	idx := []struct {
		col    string
		keys   bson.D
		unique bool
	}{
		{colKeys, bson.D{{Key: "id", Value: 1}}, true},
		{colDatasets, bson.D{{Key: "team", Value: 1}, {Key: "_id", Value: 1}}, false},
		{colRules, bson.D{{Key: "ptype", Value: 1}, {Key: "v0", Value: 1}}, false},
		{colAudit, bson.D{{Key: "actor", Value: 1}, {Key: "_id", Value: -1}}, false},
		{colJobs, bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: 1}}, false},
		{colAnnotations, bson.D{{Key: "task", Value: 1}, {Key: "document", Value: 1}}, false},
		{colModels, bson.D{{Key: "team", Value: 1}, {Key: "_id", Value: 1}}, false},
		{colTasks, bson.D{{Key: "team", Value: 1}, {Key: "_id", Value: 1}}, false},
		{colShares, bson.D{{Key: "team", Value: 1}}, false},
		{colShares, bson.D{{Key: "dataset", Value: 1}}, false},
		{colIngestions, bson.D{{Key: "dataset", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false},
	}
	for _, ix := range idx {
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetUnique(ix.unique)}
		if _, err := d.db.Collection(ix.col).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("create index on %s: %w", ix.col, translate(err))
		}
	}
	for _, col := range []string{colTeams, colMeta, colJobs, colIngestions, colJobClaims, colLocks, colModels, colModelVersions, colWebhooks, colDeliveries,
		colLabelSchemas, colTasks, colAnnotations, colAnnotationHistory, colAnnotationClaims, colShares, colCancels, colConnections} {
		if err := d.EnsureCollection(ctx, col); err != nil {
			return err
		}
	}
	if err := d.indexIDs(ctx); err != nil {
		return err
	}
	return d.ensureIdentity(ctx)
}

// translate maps driver errors to model errors: duplicates are ECONFLICT, an
// unreachable server is EUNAVAILABLE; everything else stays internal.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case mongo.IsDuplicateKeyError(err):
		return model.Errorf(model.ECONFLICT, "already exists")
	case errors.As(err, new(topology.ServerSelectionError)):
		// No server within the selection timeout. It wraps the context's
		// error, so this case comes before the context cases below.
		return errors.Join(model.Errorf(model.EUNAVAILABLE, "store unavailable, try again"), err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return err
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.Is(err, mongo.ErrClientDisconnected),
		errors.Is(err, topology.ErrTopologyClosed), errors.Is(err, topology.ErrServerClosed):
		return errors.Join(model.Errorf(model.EUNAVAILABLE, "store unavailable, try again"), err)
	}
	return err
}

// each decodes every document of cur into a T and calls fn with it, stopping
// at fn's first error, and closes cur.
func each[T any](ctx context.Context, cur *mongo.Cursor, fn func(*T) error) error {
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc T
		if err := cur.Decode(&doc); err != nil {
			return translate(err)
		}
		if err := fn(&doc); err != nil {
			return err
		}
	}
	return translate(cur.Err())
}

// teamScope selects the documents of teams (every document when teams is nil).
func teamScope(teams []string) bson.D {
	if teams == nil {
		return bson.D{}
	}
	return bson.D{{Key: "team", Value: bson.D{{Key: "$in", Value: teams}}}}
}

// pageByID is cursor paging by _id: up to limit documents of col that match
// scope and have an _id above after (from the first when after is ""), in _id
// order, decoded as T, and the number of documents scope matches.
func pageByID[T any](ctx context.Context, d *DB, col *mongo.Collection, scope bson.D, after string, limit int) ([]T, int, error) {
	total, err := d.count(ctx, col, scope)
	if err != nil {
		return nil, 0, translate(err)
	}
	page := append(bson.D{}, scope...)
	if after != "" {
		page = append(page, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	cur, err := col.Find(ctx, page, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, translate(err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, translate(err)
	}
	return out, int(total), nil
}

// notFound maps mongo.ErrNoDocuments to a model.ENOTFOUND error about what.
func notFound(err error, what string, args ...any) error {
	if errors.Is(err, mongo.ErrNoDocuments) {
		return model.Errorf(model.ENOTFOUND, what+" not found", args...)
	}
	return translate(err)
}
