package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

// Audit records are stored with _id = seq. Nothing in MMS updates or deletes them.
// meta/audit_head holds a hint of the last seq; the records are the truth, so the
// head is found by walking forward from the hint.

type auditDoc struct {
	Seq        int64     `bson:"_id"`
	At         time.Time `bson:"at"`
	Actor      string    `bson:"actor"`
	Team       string    `bson:"team,omitempty"`
	Action     string    `bson:"action"`
	Resource   string    `bson:"resource"`
	Decision   string    `bson:"decision"`
	RequestID  string    `bson:"requestId,omitempty"`
	ClientAddr string    `bson:"clientAddr,omitempty"`
	Summary    string    `bson:"summary,omitempty"`
	PrevHash   string    `bson:"prevHash"`
	Hash       string    `bson:"hash"`
}

func (a *auditDoc) toModel() *model.AuditRecord {
	r := model.AuditRecord(*a)
	r.At = r.At.UTC()
	return &r
}

// AuditHead returns the last record's seq and hash.
func (d *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var head struct {
		Seq  int64  `bson:"seq"`
		Hash string `bson:"hash"`
	}
	err := d.db.Collection(colMeta).FindOne(ctx, bson.D{{Key: "_id", Value: "audit_head"}}).Decode(&head)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, "", translate(err)
	}
	col := d.db.Collection(colAudit)
	for {
		var next auditDoc
		err := col.FindOne(ctx, bson.D{{Key: "_id", Value: head.Seq + 1}}).Decode(&next)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return head.Seq, head.Hash, nil
		}
		if err != nil {
			return 0, "", translate(err)
		}
		head.Seq, head.Hash = next.Seq, next.Hash
	}
}

// auditHintEvery is how many records the head hint may lag behind the head.
const auditHintEvery = 32

// InsertAudit inserts recs in order and moves the head hint forward. It returns
// how many were written; a seq that exists stops it with model.ECONFLICT.
func (d *DB) InsertAudit(ctx context.Context, recs []model.AuditRecord) (int, error) {
	docs := make([]any, len(recs))
	for i, r := range recs {
		docs[i] = auditDoc(r)
	}
	n := len(recs)
	_, err := d.db.Collection(colAudit).InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 {
			return 0, translate(err)
		}
		n = bwe.WriteErrors[0].Index
		err = translate(err)
	}
	// The hint is moved when the write crosses a multiple of auditHintEvery: it
	// costs a second write, as much as the insert itself, and AuditHead walks the
	// at most auditHintEvery-1 records past it.
	if n > 0 && (recs[0].Seq-1)/auditHintEvery != recs[n-1].Seq/auditHintEvery {
		last := recs[n-1]
		// Only move the hint forward: a slower instance must not move it back.
		_, herr := d.db.Collection(colMeta).UpdateOne(ctx,
			bson.D{{Key: "_id", Value: "audit_head"}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: last.Seq}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: last.Seq}, {Key: "hash", Value: last.Hash}}}},
			options.UpdateOne().SetUpsert(true))
		if herr != nil && !mongo.IsDuplicateKeyError(herr) {
			return n, translate(herr)
		}
	}
	return n, err
}

// ScanAudit calls fn for every record in ascending seq order.
func (d *DB) ScanAudit(ctx context.Context, fn func(model.AuditRecord) error) error {
	cur, err := d.db.Collection(colAudit).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(1000))
	if err != nil {
		return translate(err)
	}
	return each(ctx, cur, func(doc *auditDoc) error { return fn(*doc.toModel()) })
}

// ListAudit returns up to limit records matching f with seq < before (0: none),
// newest first, and the number of records matching f.
func (d *DB) ListAudit(ctx context.Context, f model.AuditFilter, before int64, limit int) ([]*model.AuditRecord, int, error) {
	filter := bson.D{}
	eq := func(key string, v *string) {
		if v != nil && *v != "" {
			filter = append(filter, bson.E{Key: key, Value: *v})
		}
	}
	eq("actor", f.Actor)
	eq("action", f.Action)
	eq("resource", f.Resource)
	eq("decision", f.Decision)
	if f.Since != nil || f.Until != nil {
		r := bson.D{}
		if f.Since != nil {
			r = append(r, bson.E{Key: "$gte", Value: *f.Since})
		}
		if f.Until != nil {
			r = append(r, bson.E{Key: "$lt", Value: *f.Until})
		}
		filter = append(filter, bson.E{Key: "at", Value: r})
	}
	col := d.db.Collection(colAudit)
	var total int64
	var err error
	if len(filter) == 0 {
		total, _, err = d.AuditHead(ctx)
	} else {
		total, err = d.count(ctx, col, filter)
	}
	if err != nil {
		return nil, 0, translate(err)
	}
	page := append(bson.D{}, filter...)
	if before > 0 {
		page = append(page, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}})
	}
	cur, err := col.Find(ctx, page, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, translate(err)
	}
	var docs []auditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, translate(err)
	}
	out := make([]*model.AuditRecord, len(docs))
	for i := range docs {
		out[i] = docs[i].toModel()
	}
	return out, int(total), nil
}
