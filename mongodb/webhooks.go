package mongodb

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/errgroup"

	"github.com/mms-platform/mms/model"
)

const (
	colWebhooks   = "webhooks"
	colDeliveries = "webhook_deliveries"
)

func predCollection(name string) string { return "pred_" + name }

// WritePredictions upserts stored predictions by document key into pred_<name>,
// in small batches (see maxUpdatesPerCommand). It returns how many changed.
func (d *DB) WritePredictions(ctx context.Context, name string, preds []model.StoredPrediction) error {
	col := d.db.Collection(predCollection(name))
	for start := 0; start < len(preds); start += maxUpdatesPerCommand {
		chunk := preds[start:min(start+maxUpdatesPerCommand, len(preds))]
		models := make([]mongo.WriteModel, len(chunk))
		for i, p := range chunk {
			models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: p.Key}}).SetReplacement(p).SetUpsert(true)
		}
		if _, _, err := d.bulkUpdate(ctx, col, models); err != nil {
			return err
		}
	}
	return nil
}

// InsertPredictions inserts stored predictions into pred_<name> (unordered,
// one command) and returns the keys that were already there, left as they
// were (the caller upserts those with WritePredictions).
func (d *DB) InsertPredictions(ctx context.Context, name string, preds []model.StoredPrediction) (existing []string, err error) {
	if len(preds) == 0 {
		return nil, nil
	}
	docs := make([]any, len(preds))
	for i := range preds {
		docs[i] = preds[i]
	}
	dups, err := insertUnordered(ctx, d.db.Collection(predCollection(name)), docs)
	if err != nil {
		return nil, err
	}
	for _, i := range dups {
		existing = append(existing, preds[i].Key)
	}
	return existing, nil
}

// PredictionsByKey returns stored predictions among keys: each looked up by
// _id alone (the lookup every store answers from its index; FerretDB would
// scan the collection for an $in), a few at a time.
func (d *DB) PredictionsByKey(ctx context.Context, name string, keys []string) (map[string]model.StoredPrediction, error) {
	out := make(map[string]model.StoredPrediction, len(keys))
	col := d.db.Collection(predCollection(name))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, k := range keys {
		g.Go(func() error {
			var p model.StoredPrediction
			err := col.FindOne(gctx, bson.D{{Key: "_id", Value: k}}).Decode(&p)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return nil
			}
			if err != nil {
				return translate(err)
			}
			mu.Lock()
			out[k] = p
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// EnsurePredictionCollection creates pred_<name> with its _id index on the embedded store.
func (d *DB) EnsurePredictionCollection(ctx context.Context, name string) error {
	if err := d.EnsureCollection(ctx, predCollection(name)); err != nil {
		return err
	}
	return d.indexIDs(ctx)
}

// ListPredictions pages through pred_<name> by key.
func (d *DB) ListPredictions(ctx context.Context, name, after string, limit int) ([]*model.StoredPrediction, int, error) {
	out, total, err := pageByID[*model.StoredPrediction](ctx, d, d.db.Collection(predCollection(name)), bson.D{}, after, limit)
	if err != nil {
		return nil, 0, err
	}
	for _, p := range out {
		p.Label = plain(p.Label)
		p.At = p.At.UTC()
	}
	return out, total, nil
}

// CreateWebhook stores a webhook.
func (d *DB) CreateWebhook(ctx context.Context, w *model.Webhook) error {
	_, err := d.db.Collection(colWebhooks).InsertOne(ctx, w)
	return translate(err)
}

// Webhook returns a webhook; model.ENOTFOUND if none.
func (d *DB) Webhook(ctx context.Context, id string) (*model.Webhook, error) {
	var w model.Webhook
	if err := d.db.Collection(colWebhooks).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&w); err != nil {
		return nil, notFound(err, "webhook %q", id)
	}
	return &w, nil
}

// DeleteWebhook removes a webhook.
func (d *DB) DeleteWebhook(ctx context.Context, id string) error {
	_, err := d.db.Collection(colWebhooks).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err)
}

// Webhooks returns a team's webhooks ("" for every team).
func (d *DB) Webhooks(ctx context.Context, team string) ([]*model.Webhook, error) {
	filter := bson.D{}
	if team != "" {
		filter = bson.D{{Key: "team", Value: team}}
	}
	cur, err := d.db.Collection(colWebhooks).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	out := []*model.Webhook{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// CreateDeliveries queues deliveries; an existing id (the same event for the same
// webhook, queued twice) is kept.
func (d *DB) CreateDeliveries(ctx context.Context, ds []*model.WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	docs := make([]any, len(ds))
	for i, x := range ds {
		docs[i] = x
	}
	_, err := d.db.Collection(colDeliveries).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return translate(err)
			}
		}
		return nil
	}
	return translate(err)
}

// DueDeliveries returns pending deliveries whose next attempt is due.
func (d *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*model.WebhookDelivery, error) {
	cur, err := d.db.Collection(colDeliveries).Find(ctx,
		bson.D{{Key: "status", Value: model.DeliveryPending}, {Key: "nextAttemptAt", Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "nextAttemptAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err)
	}
	var out []*model.WebhookDelivery
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// Delivery returns one delivery; model.ENOTFOUND if none.
func (d *DB) Delivery(ctx context.Context, id string) (*model.WebhookDelivery, error) {
	var x model.WebhookDelivery
	if err := d.db.Collection(colDeliveries).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&x); err != nil {
		return nil, notFound(err, "delivery %q", id)
	}
	x.Payload, _ = plain(x.Payload).(map[string]any)
	return &x, nil
}

// UpdateDelivery records an attempt's outcome.
func (d *DB) UpdateDelivery(ctx context.Context, x *model.WebhookDelivery) error {
	_, err := d.db.Collection(colDeliveries).ReplaceOne(ctx, bson.D{{Key: "_id", Value: x.ID}}, x)
	return translate(err)
}

// Deliveries pages through a webhook's deliveries, newest first.
func (d *DB) Deliveries(ctx context.Context, webhook string, skip, limit int) ([]*model.WebhookDelivery, int, error) {
	col := d.db.Collection(colDeliveries)
	filter := bson.D{{Key: "webhook", Value: webhook}}
	total, err := d.count(ctx, col, filter)
	if err != nil {
		return nil, 0, translate(err)
	}
	cur, err := col.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}).SetSkip(int64(skip)).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, translate(err)
	}
	var out []*model.WebhookDelivery
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, translate(err)
	}
	for _, x := range out {
		x.Payload, _ = plain(x.Payload).(map[string]any)
	}
	return out, int(total), nil
}

// TryLock takes a named lease (see lock); UnlockName releases it.
func (d *DB) TryLock(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	return d.lock(ctx, name, owner, now, until)
}

// UnlockName releases owner's lease on name.
func (d *DB) UnlockName(ctx context.Context, name, owner string) error {
	_, err := d.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}})
	return translate(err)
}
